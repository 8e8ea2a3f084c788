"""What each role may do with images and documents.

Wagtail grants these per collection (``GroupCollectionPermission``), not as model
permissions, so ``accounts.roles`` cannot list them; they are given on the root
collection after every migration.  Which files a user reaches is then narrowed to
the units they may see (``files.permissions``).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from xinxuan.accounts.roles import GROUP_NAMES, Role

UPLOAD = ["add", "choose"]
MANAGE = ["add", "change", "choose"]
PERMISSIONS: dict[Role, list[str]] = {
    Role.OFFICE: MANAGE,
    Role.HEAD: UPLOAD,
    Role.OFFICER: UPLOAD,
    Role.LEADER: ["choose"],
}
MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


@transaction.atomic
def sync_collection_permissions() -> None:
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    for role, actions in PERMISSIONS.items():
        group = Group.objects.filter(name=GROUP_NAMES[role]).first()
        if group is None:
            continue
        wanted = set()
        for app_label, model in MODELS:
            for action in actions:
                permission = Permission.objects.filter(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                ).first()
                if permission is not None:
                    wanted.add(permission.pk)
        existing = GroupCollectionPermission.objects.filter(
            group=group,
            collection=root,
            permission__content_type__app_label__in=[a for a, _m in MODELS],
        )
        existing.exclude(permission__in=wanted).delete()
        have = set(existing.values_list("permission", flat=True))
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection=root, permission_id=pk)
            for pk in wanted - have
        )


def sync_collection_permissions_after_migrate(sender, **kwargs) -> None:  # noqa: ARG001
    if kwargs.get("using", "default") != "default":
        return
    from django.db import connection

    if "wagtailcore_groupcollectionpermission" not in connection.introspection.table_names():
        return
    sync_collection_permissions()
