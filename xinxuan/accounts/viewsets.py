"""The workbench's user and group screens: Wagtail's, narrowed to what a user may manage.

Who may manage which account is decided by ``organisation.access.manageable_users``
and which roles may be given by ``accounts.roles.grantable_groups``; this module only
wires those rules into every door Wagtail opens onto accounts — the list, the edit,
delete, copy and history views, the bulk actions, the forms (so that a forged POST field
is dropped, not obeyed) — and keeps the group screens for superusers.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)
from wagtail.users.views.groups import GroupViewSet as WagtailGroupViewSet

from xinxuan.accounts.actions import link_account_to_unit
from xinxuan.accounts.roles import Role, grantable_groups, roles_of
from xinxuan.organisation.access import can_manage_user, manageable_users, visible_units

User = get_user_model()

# Fields only a superuser may see or set on an account.
SUPERUSER_FIELDS = ("is_superuser", "is_staff", "user_permissions")


def may_manage_accounts(user) -> bool:
    """Superusers and the office manage accounts; heads, officers, leaders never do."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or Role.OFFICE in roles_of(user)


class ManagedUserPolicy(ModelPermissionPolicy):
    """Model permissions on accounts, for superusers and the office only, and per account
    limited to :func:`~xinxuan.organisation.access.manageable_users`."""

    def user_has_permission(self, user, action) -> bool:
        return may_manage_accounts(user) and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_permission(user, action) and can_manage_user(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return User._default_manager.none()
        return manageable_users(user)


class SuperuserOnlyPolicy(ModelPermissionPolicy):
    """Groups carry permissions: only a superuser may see or change them."""

    def user_has_permission(self, user, action) -> bool:
        return bool(user.is_active and user.is_superuser)

    def users_with_any_permission(self, actions):
        return User._default_manager.filter(is_active=True, is_superuser=True)


class ScopedAccountForm:
    """Drops the superuser-only fields and offers only the groups the editor may give.

    A field that is not on the form is never read from the POST, so a forged
    ``is_superuser=on`` or a group id outside the choices changes nothing (the latter is
    rejected with the field's error).
    """

    def __init__(self, *args, for_user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        if for_user is not None and for_user.is_active and for_user.is_superuser:
            return
        for name in SUPERUSER_FIELDS:
            self.fields.pop(name, None)
        if "groups" in self.fields:
            self.fields["groups"].queryset = grantable_groups(for_user)


class AccountCreationForm(ScopedAccountForm, UserCreationForm):
    unit = forms.ModelChoiceField(
        queryset=None,
        label=_("Unit"),
        help_text=_("The unit of the person this account belongs to."),
    )

    def __init__(self, *args, for_user=None, **kwargs) -> None:
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["unit"].queryset = visible_units(for_user).order_by("sort_order", "name")
        if for_user is not None and for_user.is_superuser:
            # A superuser may create an account for nobody in particular (a reader).
            self.fields["unit"].required = False


class AccountEditForm(ScopedAccountForm, UserEditForm):
    pass


class ScopedObjectMixin:
    """An account the user may not manage is not there for it: a guessed URL answers 404,
    as for an id that does not exist (the list does not show it either)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not can_manage_user(self.request.user, obj):
            raise Http404
        return obj


class FormForUserMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs


class IndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        return manageable_users(self.request.user).select_related("wagtail_userprofile")


class CreateView(FormForUserMixin, wagtail_users.CreateView):
    def save_instance(self):
        user = super().save_instance()
        unit = self.form.cleaned_data.get("unit")
        if unit is not None:
            link_account_to_unit(by=self.request.user, account=user, unit=unit)
        return user


class EditView(FormForUserMixin, ScopedObjectMixin, wagtail_users.EditView):
    pass


class DeleteView(ScopedObjectMixin, wagtail_users.DeleteView):
    pass


class HistoryView(ScopedObjectMixin, wagtail_users.HistoryView):
    pass


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    # Copying an account would start from its groups; an account is made from scratch.
    copy_view_enabled = False

    @property
    def usage_view_class(self):
        return type("UsageView", (ScopedObjectMixin, super().usage_view_class), {})

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm


class GroupViewSet(WagtailGroupViewSet):
    """Wagtail's group screens; the policy registered for Group keeps them to superusers."""


# Bulk actions on the user list: only on accounts the user manages, and only the roles
# it may give.  Registered after Wagtail's under the same action type, so they replace them.


class ScopedBulkActionMixin:
    def check_perm(self, obj) -> bool:
        return super().check_perm(obj) and can_manage_user(self.request.user, obj)


class ScopedAssignRoleBulkAction(ScopedBulkActionMixin, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = grantable_groups(self.request.user)
        return form


class ScopedDeleteBulkAction(ScopedBulkActionMixin, DeleteBulkAction):
    pass


class ScopedSetActiveStateBulkAction(ScopedBulkActionMixin, SetActiveStateBulkAction):
    pass


BULK_ACTIONS = (
    ScopedAssignRoleBulkAction,
    ScopedDeleteBulkAction,
    ScopedSetActiveStateBulkAction,
)
