from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from xinxuan.appraisal import urls
from xinxuan.appraisal.models import Appraisal, PlaqueAward
from xinxuan.appraisal.panels import DeskPanel, PlaquePanel
from xinxuan.organisation.access import home_unit
from xinxuan.organisation.models import TeamMembership

log_registry.register_model(Appraisal, ModelLogEntry)
log_registry.register_model(PlaqueAward, ModelLogEntry)
# eliminations are logged on the membership they end
log_registry.register_model(TeamMembership, ModelLogEntry)


@hooks.register("register_admin_urls")
def register_appraisal_urls():
    return [path("appraisal/", include((urls.urlpatterns, "appraisal"), namespace="appraisal"))]


class AppraisalMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("appraisal.view_appraisal")


@hooks.register("register_admin_menu_item")
def register_appraisal_menu_item():
    return AppraisalMenuItem(
        _("Year-end appraisal"), reverse("appraisal:appraisal-list"), icon_name="pick", order=140
    )


@hooks.register("construct_homepage_panels")
def add_desk_panel(request, panels):
    # the desk names the plaque holder; a user without a unit (a superuser) has no desk
    if home_unit(request.user) is not None:
        panels.append(DeskPanel())
    else:
        panels.append(PlaquePanel())


@hooks.register("register_log_actions")
def register_appraisal_log_actions(registry):
    registry.register_action(
        "xinxuan.appraisal.propose", _("Propose appraisal"), _("Appraisal proposed")
    )
    registry.register_action("xinxuan.appraisal.adjust", _("Adjust award"), _("Award adjusted"))
    registry.register_action(
        "xinxuan.appraisal.confirm", _("Confirm appraisal"), _("Appraisal confirmed")
    )
    registry.register_action("xinxuan.plaque.award", _("Award plaque"), _("Plaque handed on"))
    registry.register_action(
        "xinxuan.team.eliminate", _("Eliminate member"), _("Team member eliminated")
    )
