from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xinxuan.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from xinxuan.portal import signals

        signals.connect()
