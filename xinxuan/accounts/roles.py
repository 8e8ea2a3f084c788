"""The five roles of PRODUCT.md, kept as Django groups with their permissions.

Each app lists what its models allow each role in ``<app>/roles.py`` as
``PERMISSIONS = {Role.OFFICE: ["app_label.codename", ...], ...}``; this module
collects them and brings the groups up to date after every migration, so that a
fresh database and an upgraded one end with the same groups.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

APPS_WITH_ROLES = (
    "organisation",
    "submissions",
    "outcomes",
    "scoring",
    "appraisal",
    "bulletins",
    "portal",
    "comments",
)


class Role(models.TextChoices):
    OFFICE = "office", _("Office information staff")
    OFFICER = "officer", _("Department information officer")
    HEAD = "head", _("Department head")
    LEADER = "leader", _("Bureau leader")
    READER = "reader", _("Public reader")


# Group names are data shown in the workbench; they are Chinese like the rest of the
# demo data and never change, because code finds the groups by them.
GROUP_NAMES: dict[Role, str] = {
    Role.OFFICE: "办公室信息人员",
    Role.OFFICER: "部门信息员",
    Role.HEAD: "部门负责人",
    Role.LEADER: "局领导",
    Role.READER: "门户读者",
}
STAFF_ROLES = frozenset({Role.OFFICE, Role.OFFICER, Role.HEAD, Role.LEADER})
ADMIN_ACCESS = "wagtailadmin.access_admin"

# Which roles a holder of a role may give (docs/architecture.md, "Roles and access").
# A superuser gives anything; the office gives the roles at or below its own, never
# the leader's; nobody else manages accounts.  Groups that are not roles, individual
# permissions and the superuser flag are a superuser's alone.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.OFFICE: frozenset({Role.OFFICE, Role.HEAD, Role.OFFICER, Role.READER}),
}


def role_permissions() -> dict[Role, set[str]]:
    """Permission names per role, gathered from every app's ``roles.py``."""
    wanted: dict[Role, set[str]] = {role: set() for role in Role}
    for role in STAFF_ROLES:
        wanted[role].add(ADMIN_ACCESS)
    for label in APPS_WITH_ROLES:
        try:
            module = import_module(f"xinxuan.{label}.roles")
        except ModuleNotFoundError:
            continue
        for role, names in getattr(module, "PERMISSIONS", {}).items():
            wanted[Role(role)].update(names)
    return wanted


@transaction.atomic
def sync_role_groups() -> None:
    """Create the role groups and give each exactly the permissions listed for it."""
    for role, names in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        permissions = []
        for name in sorted(names):
            app_label, codename = name.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:  # its app may not be migrated yet
                permissions.append(permission)
        group.permissions.set(permissions)


def sync_role_groups_after_migrate(sender, **kwargs) -> None:  # noqa: ARG001
    if not apps.is_installed("django.contrib.auth"):
        return
    using = kwargs.get("using", "default")
    if using != "default":
        return
    sync_role_groups()


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds, from their groups (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_xinxuan_roles", None)
    if cached is None:
        by_name = {name: role for role, name in GROUP_NAMES.items()}
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(by_name[n] for n in names if n in by_name)
        user._xinxuan_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)


def grantable_roles(user) -> frozenset[Role]:
    """The roles ``user`` may give to an account it manages."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    granted: set[Role] = set()
    for role in roles_of(user):
        granted |= GRANTABLE.get(role, frozenset())
    return frozenset(granted)


def grantable_groups(user) -> models.QuerySet[Group]:
    """The groups ``user`` may put an account in: every group for a superuser, else the
    groups of :func:`grantable_roles`."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Group.objects.all()
    names = [GROUP_NAMES[role] for role in grantable_roles(user)]
    return Group.objects.filter(name__in=names)
