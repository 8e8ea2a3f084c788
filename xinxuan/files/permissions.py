"""Wagtail's collection permissions, further limited to the files of units the user may see.

Every Wagtail screen that lists, opens, chooses, edits or previews an image or a
document asks the model's permission policy; registering this one (``apps.py``)
puts the unit rule behind all of them at once: the images and documents listings,
the choosers (including their search and upload tabs), the edit, delete, usage and
URL-generator views, and the admin API (``wagtail_hooks.py``).
"""

from __future__ import annotations

from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy

from xinxuan.organisation.access import can_see_unit, visible_files


class UnitFilePermissionPolicy(CollectionOwnershipPermissionPolicy):
    def __init__(self, model, auth_model=None) -> None:
        super().__init__(model, auth_model=auth_model, owner_field_name="uploaded_by_user")

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        in_scope = user.is_superuser or can_see_unit(user, instance.unit_id)
        return in_scope and super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return visible_files(user, super().instances_user_has_any_permission_for(user, actions))
