from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from xinxuan.lib.action_views import ActionFormMixin
from xinxuan.outcomes import actions, urls
from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, SuperiorBody

log_registry.register_model(Outcome, ModelLogEntry)


class LevelViewSet(SnippetViewSet):
    model = Level
    icon = "order"
    menu_label = _("Levels")
    list_display = ["name", "rank"]


class CarrierEditView(ActionFormMixin, EditView):
    """Wagtail's edit screen for carriers, through ``actions.edit_carrier``: a new code
    the rule set in force does not know is refused with the reason."""

    def save_instance(self):
        return actions.edit_carrier(user=self.request.user, carrier=self.form.save(commit=False))


class CarrierViewSet(SnippetViewSet):
    model = Carrier
    edit_view_class = CarrierEditView
    icon = "doc-empty"
    menu_label = _("Carriers")
    list_display = [
        "name",
        "kind",
        "level",
        "carrier_class",
        "grades",
        BooleanColumn("is_active", label=Carrier._meta.get_field("is_active").verbose_name),
    ]
    list_filter = ["kind", "level", "is_active"]


class SuperiorBodyViewSet(SnippetViewSet):
    model = SuperiorBody
    icon = "group"
    menu_label = _("Superior bodies")
    list_display = ["name", "level"]


class RouteViewSet(SnippetViewSet):
    model = Route
    icon = "redirect"
    menu_label = _("Routes")
    list_display = ["name"]


class CarriersGroup(SnippetViewSetGroup):
    menu_label = _("Carriers")
    menu_icon = "doc-empty"
    menu_order = 120
    items = (CarrierViewSet, LevelViewSet, SuperiorBodyViewSet, RouteViewSet)


register_snippet(CarriersGroup)


@hooks.register("register_admin_urls")
def register_ledger_urls():
    return [path("ledger/", include((urls.urlpatterns, "outcomes"), namespace="outcomes"))]


class LedgerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("outcomes.view_outcome")


@hooks.register("register_admin_menu_item")
def register_ledger_menu_item():
    return LedgerMenuItem(
        _("Outcome ledger"), reverse("outcomes:ledger"), icon_name="list-ul", order=110
    )


@hooks.register("register_log_actions")
def register_outcome_log_actions(registry):
    registry.register_action("xinxuan.outcome.record", _("Record outcome"), _("Outcome recorded"))
    registry.register_action("xinxuan.outcome.revoke", _("Revoke outcome"), _("Outcome revoked"))
