"""Who may see which units, and everything that hangs off a unit.

Every view, admin screen and export that shows unit data fetches it through these
helpers.  The rule:

* a superuser sees everything;
* office staff and bureau leaders see their bureau's whole subtree (a superior
  bureau's office therefore sees all bureaus below it);
* a department head or information officer sees their own unit and its sub-units;
* anyone else — a reader, or staff whose account is linked to no unit — sees nothing.

Accounts follow the same tree (``manageable_users``): a superuser manages every
account; the office manages the accounts of people in its bureau's subtree whose every
group is a role it may give (``roles.grantable_roles``) and that hold no superuser or
staff flag and no individual permission; nobody else manages accounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from wagtail.permission_policies.base import ModelPermissionPolicy

from xinxuan.accounts.roles import Role, grantable_groups, roles_of
from xinxuan.organisation.models import Person, Unit, UnitKind

ALL = None  # scope marker: no restriction


class NoUnitError(PermissionDenied):
    """Raised when staff without a unit reach unit data."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Your account is not linked to any unit, so there is no unit data you may "
                "see. Ask the office to link your account to your department."
            )
        )


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def home_unit(user) -> Unit | None:
    """The unit the user's person belongs to."""
    person = person_of(user)
    return person.unit if person else None


def scope_root(user) -> Unit | None:
    """The highest unit whose subtree the user may see, or None if they see no unit.

    Superusers are handled by the callers (they see everything).
    """
    unit = home_unit(user)
    if unit is None:
        return None
    roles = roles_of(user)
    if roles & {Role.OFFICE, Role.LEADER}:
        return unit.bureau() or unit
    if roles & {Role.HEAD, Role.OFFICER}:
        return unit
    return None


def visible_unit_ids(user) -> set[int] | None:
    """Ids of the units the user may see; None means all of them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return ALL
    cached = getattr(user, "_xinxuan_visible_units", False)
    if cached is not False:
        return cached
    root = scope_root(user)
    ids = root.descendant_ids() if root else set()
    user._xinxuan_visible_units = ids
    return ids


def visible_units(user) -> QuerySet[Unit]:
    ids = visible_unit_ids(user)
    return Unit.objects.all() if ids is ALL else Unit.objects.filter(pk__in=ids)


def can_see_unit(user, unit: Unit | int | None) -> bool:
    if unit is None:
        return False
    ids = visible_unit_ids(user)
    pk = unit if isinstance(unit, int) else unit.pk
    return ids is ALL or pk in ids


def require_unit(user, unit: Unit) -> Unit:
    """Return the unit if the user may see it; raise a PermissionDenied that explains why not."""
    if not user.is_superuser and home_unit(user) is None:
        raise NoUnitError()
    if not can_see_unit(user, unit):
        raise PermissionDenied(_("This unit is outside the units you are responsible for."))
    return unit


def bureau_of(unit: Unit | int | None) -> Unit | None:
    """The nearest bureau at or above a unit (given as a unit or its id)."""
    if unit is None:
        return None
    if isinstance(unit, int):
        unit = Unit.objects.filter(pk=unit).first()
    return unit.bureau() if unit is not None else None


def in_own_bureau(user, unit: Unit | int) -> bool:
    """Whether the unit belongs to the user's own bureau, not to a bureau below it.

    A province office sees the bureaus below it and reads their work, but their items
    are reviewed (approved, returned) by each bureau's own office.
    """
    if user is None or user.is_superuser:
        return True
    mine = bureau_of(home_unit(user))
    return mine is not None and mine == bureau_of(unit)


def own_bureau_unit_ids(user) -> set[int] | None:
    """Ids of the units whose nearest bureau is the user's own (None: every unit, for a
    superuser), from one read of the tree: the units a superior office reads but whose
    bureau decides for them are left out."""
    if user is None or user.is_superuser:
        return ALL
    mine = bureau_of(home_unit(user))
    if mine is None:
        return set()
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, parent, kind in Unit.objects.values_list("pk", "parent_id", "kind").order_by():
        children.setdefault(parent, []).append((pk, kind))
    found = {mine.pk}
    frontier = [mine.pk]
    while frontier:
        frontier = [
            pk
            for parent in frontier
            for pk, kind in children.get(parent, ())
            if kind != UnitKind.BUREAU and pk not in found
        ]
        found.update(frontier)
    return found


def require(
    user,
    unit: Unit | int,
    *,
    roles: Iterable[Role],
    denied: str | None = None,
    assessing: bool = False,
    own_bureau: bool = False,
) -> None:
    """The one access check of every action: raise ``PermissionDenied`` with the reason
    unless ``user`` holds one of ``roles`` and may see ``unit``.

    ``user=None`` is the system itself (a management command, the daily sweep), which
    the caller has already vouched for; superusers pass.  ``denied`` is the message
    when the role or the scope is missing.

    ``assessing``: the user assesses the unit (records or revokes its outcomes, manages
    its rule sets).  A bureau is assessed by its superior, never by itself, so the root
    of what the user sees — their own bureau — is refused.

    ``own_bureau``: the unit must belong to the user's own bureau; a superior office
    reads the work of the bureaus below it but does not review it.
    """
    if user is None or user.is_superuser:
        return
    unit_id = unit if isinstance(unit, int) else unit.pk
    if not (roles_of(user) & set(roles)) or not can_see_unit(user, unit_id):
        raise PermissionDenied(denied or _("You may not do this for this unit."))
    if assessing:
        root = scope_root(user)
        if root is not None and unit_id == root.pk:
            raise PermissionDenied(
                _(
                    "%(unit)s is assessed by its superior, not by itself: its deductions, "
                    "adjustments and other outcomes are recorded and revoked by the "
                    "superior's office."
                )
                % {"unit": root}
            )
    if own_bureau and not in_own_bureau(user, unit_id):
        bureau = bureau_of(unit_id)
        raise PermissionDenied(
            _(
                "This item belongs to %(bureau)s: it is approved or returned by the office "
                "of %(bureau)s. Your office reads it, and may record its outcomes, but does "
                "not review it."
            )
            % {"bureau": bureau.label if bureau else "—"}
        )


def visible_people(user) -> QuerySet[Person]:
    ids = visible_unit_ids(user)
    return Person.objects.all() if ids is ALL else Person.objects.filter(unit_id__in=ids)


def manageable_users(user) -> QuerySet:
    """The accounts ``user`` may list, open and edit in the user screens."""
    users = get_user_model()._default_manager.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return users.none()
    if user.is_superuser:
        return users
    if Role.OFFICE not in roles_of(user):
        return users.none()
    ids = visible_unit_ids(user)
    out_of_reach = Group.objects.exclude(pk__in=grantable_groups(user).values("pk"))
    return (
        users.filter(person__unit_id__in=ids, is_superuser=False, is_staff=False)
        .exclude(user_permissions__isnull=False)
        .exclude(groups__in=out_of_reach)
    )


def can_manage_user(user, account) -> bool:
    return manageable_users(user).filter(pk=account.pk).exists()


def linkable_users(user, *, keep=None) -> QuerySet:
    """Accounts ``user`` may link to a person: those it manages, plus ``keep`` (the
    account already linked), so that a person can be edited without touching it."""
    users = manageable_users(user)
    if keep is not None and getattr(keep, "pk", None):
        users = users | get_user_model()._default_manager.filter(pk=keep.pk)
    return users


def _multi_valued(model, path: str) -> bool:
    """Whether a lookup path crosses a many-valued relation (and so may repeat rows)."""
    for name in path.split("__"):
        if name == "pk":
            return False
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False


def filter_by_unit(queryset: QuerySet, user, unit_field: str) -> QuerySet:
    """Keep the rows whose ``unit_field`` (a lookup path to a Unit) the user may see.

    ``distinct()`` only where the path can repeat a row: a distinct queryset cannot be
    searched, exported or ordered by an annotation everywhere (PostgreSQL).
    """
    ids = visible_unit_ids(user)
    if ids is ALL:
        return queryset
    scoped = queryset.filter(**{f"{unit_field}__in": ids})
    return scoped.distinct() if _multi_valued(queryset.model, unit_field) else scoped


def visible_files(user, queryset: QuerySet) -> QuerySet:
    """Keep the documents or images (``files`` app) owned by units the user may see.

    Files no unit owns (uploaded by a superuser without a unit) are for superusers.
    """
    ids = visible_unit_ids(user)
    return queryset if ids is ALL else queryset.filter(unit_id__in=ids)


def can_see_file(user, file) -> bool:
    """May the user open this document or image (its original or any rendition)?

    Yes for the people of its unit, by the unit rule; yes for anyone once a live
    portal page shows it (``file.is_public()``).
    """
    return (
        user.is_superuser and user.is_active or can_see_unit(user, file.unit_id) or file.is_public()
    )


def _unit_of(instance: Model, unit_field: str) -> Any:
    value: Any = instance
    for part in unit_field.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


class UnitScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, further limited to the instances of units the user may see.

    ``unit_field`` is the lookup path from the model to its unit (``"pk"`` for Unit
    itself).  Wagtail's admin views consult this policy for every instance, so a
    guessed URL of another department's record answers 403, not the record.
    """

    def __init__(self, model, unit_field: str, **kwargs) -> None:
        super().__init__(model, **kwargs)
        self.unit_field = unit_field

    def _unit_pk(self, instance: Model) -> int | None:
        if self.unit_field == "pk":
            return instance.pk
        value = _unit_of(instance, self.unit_field)
        return getattr(value, "pk", value)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if not self.user_has_any_permission(user, actions):
            return False
        return can_see_unit(user, self._unit_pk(instance))

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return filter_by_unit(self.model._default_manager.all(), user, self.unit_field)
