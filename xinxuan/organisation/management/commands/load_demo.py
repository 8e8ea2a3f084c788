"""Load the demo bureau: ``manage.py load_demo``.

Each app that contributes demo data has a ``demo.py`` with ``load(*, log)``; they run
in the order data flows (organisation first, portal last).  Every loader is
idempotent, so running the command twice changes nothing the second time.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = (
    "xinxuan.organisation.demo",
    "xinxuan.submissions.demo",
    "xinxuan.outcomes.demo",
    "xinxuan.scoring.demo",
    "xinxuan.appraisal.demo",
    "xinxuan.bulletins.demo",
    "xinxuan.portal.demo",
    "xinxuan.comments.demo",
)


class Command(BaseCommand):
    help = "Load the demo bureau (idempotent)."

    def handle(self, *args, **options) -> None:
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                continue
            with transaction.atomic():
                module.load(log=self.stdout.write)
