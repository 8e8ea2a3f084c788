from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xinxuan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from xinxuan.accounts.roles import sync_role_groups_after_migrate

        # Permissions of every app exist only once its own post_migrate has run, so the
        # groups are brought up to date after each app (cheap and idempotent).
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="xinxuan-roles")
