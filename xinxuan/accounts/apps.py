from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    # This module holds a second config (Wagtail's users, below): name the default one.
    default = True
    name = "xinxuan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from xinxuan.accounts.roles import sync_role_groups_after_migrate

        # Permissions of every app exist only once its own post_migrate has run, so the
        # groups are brought up to date after each app (cheap and idempotent).
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="xinxuan-roles")


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user screens, with our viewsets and permission policies for accounts
    and groups (``xinxuan/accounts/viewsets.py``)."""

    user_viewset = "xinxuan.accounts.viewsets.UserViewSet"
    group_viewset = "xinxuan.accounts.viewsets.GroupViewSet"

    def ready(self) -> None:
        super().ready()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from wagtail.permissions import register_permission_policy

        from xinxuan.accounts.viewsets import ManagedUserPolicy, SuperuserOnlyPolicy

        User = get_user_model()  # noqa: N806
        register_permission_policy(User, ManagedUserPolicy(User))
        register_permission_policy(Group, SuperuserOnlyPolicy(Group))
