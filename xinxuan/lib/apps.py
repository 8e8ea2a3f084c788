from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "xinxuan.lib"
    label = "lib"
    verbose_name = _("Library")

    def ready(self) -> None:
        from xinxuan.lib.csp import nonce_wagtail_choosers

        nonce_wagtail_choosers()
