"""``manage.py rescore``: queue a full rescoring of the rule sets in force (or of those
named), as the office's own change to a rule set does.

For operations: after an upgrade that changes how lines are scored (the release notes
say when), or to check a database against its events.  Each rescoring is a background
job on the worker, with its progress on the job's page; the command only queues them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xinxuan.scoring.models import RuleSet, RuleSetStatus
from xinxuan.scoring.tasks import being_recalculated, schedule_rescoring


class Command(BaseCommand):
    help = "Queue a full rescoring of the rule sets in force, or of the given ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument("pks", nargs="*", type=int, help="rule sets (all in force if none)")

    def handle(self, *args, pks: list[int], **options) -> None:
        rulesets = RuleSet.objects.order_by("pk")
        if pks:
            rulesets = rulesets.filter(pk__in=pks)
            missing = sorted(set(pks) - set(rulesets.values_list("pk", flat=True)))
            if missing:
                raise CommandError(
                    _("No rule set with the number %(pks)s.")
                    % {"pks": ", ".join(map(str, missing))}
                )
        else:
            rulesets = rulesets.filter(status=RuleSetStatus.ACTIVE)
        for ruleset in rulesets:
            if being_recalculated(ruleset):
                self.stdout.write(
                    _("“%(ruleset)s”: a recalculation is already queued.")
                    % {"ruleset": ruleset.name}
                )
                continue
            job = schedule_rescoring(ruleset=ruleset, user=None)
            self.stdout.write(
                _("“%(ruleset)s”: recalculation queued (job %(job)s).")
                % {"ruleset": ruleset.name, "job": job.pk}
            )
