import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import SearchFilterMixin
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from xinxuan.accounts.views import forbidden
from xinxuan.organisation.access import UnitScopedPermissionPolicy, filter_by_unit
from xinxuan.organisation.forms import UnitScopedAdminForm
from xinxuan.organisation.models import (
    MemberTarget,
    Person,
    Team,
    TeamMembership,
    Unit,
    UnitClass,
    UnitTarget,
)
from xinxuan.organisation.panels import MyUnitPanel


class InstanceScopeMixin:
    """Refuse to open an object of a unit the user may not see.

    Wagtail's generic views check model permissions only; this adds the per-object
    check of the model's permission policy to every view that loads one object.
    """

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = policy_registry.get_by_type(type(obj))
        if not policy.user_has_any_permission_for_instance(
            self.request.user, ["view", "change", "delete"], obj
        ):
            raise PermissionDenied(_("This record belongs to a unit outside your responsibility."))
        return obj


UNSCOPED_VIEWS = {"index_view_class", "add_view_class", "reorder_view_class"}


class ScopedChooserMixin:
    """The chooser's lists and answers hold only rows of units the user may see: a
    guessed ``chosen/<id>/`` of another unit's row answers 404, not its title."""

    def get_object_list(self):
        return self._scoped(super().get_object_list())

    def get_object(self, pk):
        return self._scoped(self.model_class.objects.all()).get(pk=pk)

    def get_objects(self, pks):
        return self._scoped(super().get_objects(pks))

    def _scoped(self, queryset):
        policy = policy_registry.get_by_type(self.model_class)
        return filter_by_unit(queryset, self.request.user, policy.unit_field)

    def get_filter_form_class(self):
        form_class = super().get_filter_form_class()
        if not issubclass(form_class, SearchFilterMixin):
            return form_class
        return type("FilterForm", (LikeSearchMixin, form_class), {})


class LikeSearchMixin(SearchFilterMixin):
    """The chooser's search box as the database's LIKE over the model's search fields,
    as the scoped lists search (the index refuses the unit scope's filter)."""

    def filter(self, objects):
        query = self.cleaned_data.get("q")
        if not query:
            return super().filter(objects)
        self.cleaned_data["q"] = ""  # the index search of the base form is skipped
        objects = super().filter(objects)
        self.cleaned_data["q"] = query
        names = [
            f.field_name for f in objects.model.search_fields if isinstance(f, index.SearchField)
        ]
        condition = Q()
        for name in dict.fromkeys(names):
            condition |= Q(**{f"{name}__icontains": query})
        self.is_searching = True
        self.search_query = query
        return objects.filter(condition) if names else objects.none()


class UnitScopedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type("ChooseView", (ScopedChooserMixin, ChooseView), {})
    choose_results_view_class = type(
        "ChooseResultsView", (ScopedChooserMixin, ChooseResultsView), {}
    )
    chosen_view_class = type("SnippetChosenView", (ScopedChooserMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "SnippetChosenMultipleView", (ScopedChooserMixin, SnippetChosenMultipleView), {}
    )


class UnitScopedViewSet(SnippetViewSet):
    """A snippet viewset that only lists and opens rows of units the user may see."""

    unit_field = "unit"
    # Search with the database's own LIKE over the viewset's ``search_fields``, not the
    # search index: the index refuses every filter it was not told of (the unit scope,
    # the list filters), so a scoped list answered every search with a server error;
    # and LIKE finds a Chinese word inside a title, which the index's tokens do not.
    search_backend_name = None
    chooser_viewset_class = UnitScopedChooserViewSet

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            view = getattr(cls, name)
            if (
                name.endswith("_view_class")
                and name not in UNSCOPED_VIEWS
                and isinstance(view, type)
                and hasattr(view, "get_object")
                and not issubclass(view, InstanceScopeMixin)
            ):
                setattr(cls, name, type(view.__name__, (InstanceScopeMixin, view), {}))

    def on_register(self):
        register_permission_policy(
            self.model, UnitScopedPermissionPolicy(self.model, unit_field=self.unit_field)
        )
        super().on_register()

    def get_queryset(self, request):
        return filter_by_unit(self.model._default_manager.all(), request.user, self.unit_field)

    def get_edit_handler(self):
        panels = ObjectList(self.model.panels, base_form_class=UnitScopedAdminForm)
        return panels.bind_to_model(self.model)


class UnitViewSet(UnitScopedViewSet):
    model = Unit
    unit_field = "pk"
    icon = "site"
    menu_label = _("Units")
    list_display = [
        "name",
        "kind",
        "parent",
        "unit_class",
        "sort_order",
        BooleanColumn("is_active", label=_("active")),
    ]
    list_filter = ["kind", "unit_class", "is_active"]
    search_fields = ["name", "short_name", "code"]
    # the list searches these columns in the database (the search index holds only the
    # name, and would refuse the others with a server error)
    search_backend_name = None
    ordering = ["sort_order", "name"]


class UnitClassViewSet(SnippetViewSet):
    model = UnitClass
    icon = "tag"
    menu_label = _("Unit classes")
    list_display = ["name"]


class PersonViewSet(UnitScopedViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = [
        "name",
        "unit",
        "position",
        "user",
        BooleanColumn("is_active", label=_("active")),
    ]
    list_filter = ["unit", "is_active"]
    search_fields = ["name", "position"]
    search_backend_name = None  # as for units: the index holds only the name


class TeamViewSet(UnitScopedViewSet):
    model = Team
    unit_field = "bureau"
    icon = "group"
    menu_label = _("Teams")
    list_display = ["name", "kind", "bureau"]


def _visible_teams(request):
    return filter_by_unit(Team.objects.all(), request.user, "bureau")


class TeamMembershipFilterSet(WagtailFilterSet):
    # the team choices of the filter are only the user's teams, not every bureau's
    team = django_filters.ModelChoiceFilter(label=_("team"), queryset=_visible_teams)

    class Meta:
        model = TeamMembership
        fields = ["team", "left"]


class MemberTargetFilterSet(WagtailFilterSet):
    team = django_filters.ModelChoiceFilter(label=_("team"), queryset=_visible_teams)

    class Meta:
        model = MemberTarget
        fields = ["year", "team"]


class TeamMembershipViewSet(UnitScopedViewSet):
    model = TeamMembership
    unit_field = "person__unit"
    icon = "list-ul"
    menu_label = _("Team memberships")
    list_display = ["person", "team", "joined", "left", "leave_reason"]
    filterset_class = TeamMembershipFilterSet


class UnitTargetViewSet(UnitScopedViewSet):
    model = UnitTarget
    icon = "crosshairs"
    menu_label = _("Unit targets")
    list_display = ["unit", "year", "points", "adopted_items"]
    list_filter = ["year"]


class MemberTargetViewSet(UnitScopedViewSet):
    model = MemberTarget
    unit_field = "person__unit"
    icon = "crosshairs"
    menu_label = _("Member targets")
    list_display = ["person", "team", "year", "points"]
    filterset_class = MemberTargetFilterSet


class OrganisationViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 300
    items = (
        UnitViewSet,
        UnitClassViewSet,
        PersonViewSet,
        TeamViewSet,
        TeamMembershipViewSet,
        UnitTargetViewSet,
        MemberTargetViewSet,
    )


register_snippet(OrganisationViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_my_unit_panel(request, panels):
    panels.insert(0, MyUnitPanel())


@hooks.register("construct_help_menu")
def keep_help_offline(request, menu_items):
    # The workbench runs on offline intranets: drop the help items that open
    # wagtail.org (release notes, the online editor guide).
    menu_items[:] = [
        item for item in menu_items if not str(getattr(item, "url", "")).startswith("http")
    ]


@hooks.register("before_delete_snippet")
def refuse_deleting_what_records_still_use(request, instances):
    """A record that others still refer to under ``PROTECT`` (a carrier or a commission
    named by outcomes in the ledger, a unit with items …) is not deleted: the user is
    told what still uses it, on the confirmation page already, instead of the server
    error the database's refusal would give."""
    collector = Collector(using="default")
    try:
        collector.collect(list(instances))
    except (ProtectedError, RestrictedError) as error:
        users = list(
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        kinds = sorted({str(obj._meta.verbose_name) for obj in users})
        return forbidden(
            request,
            PermissionDenied(
                _(
                    "Not deleted: %(what)s is still used by %(n)s records (%(kinds)s). "
                    "Records in the ledger are kept; retire or deactivate it instead."
                )
                % {
                    "what": "、".join(str(i) for i in instances),
                    "n": len(users),
                    "kinds": "、".join(kinds),
                }
            ),
        )
    return None
