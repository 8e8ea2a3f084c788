from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from xinxuan.scoring import urls
from xinxuan.scoring.models import RuleSet

log_registry.register_model(RuleSet, ModelLogEntry)


@hooks.register("register_admin_urls")
def register_ruleset_urls():
    return [path("rulesets/", include((urls.urlpatterns, "scoring"), namespace="scoring"))]


class RuleSetMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("scoring.view_ruleset")


@hooks.register("register_admin_menu_item")
def register_ruleset_menu_item():
    return RuleSetMenuItem(
        _("Rule sets and standings"), reverse("scoring:ruleset-list"), icon_name="cogs", order=130
    )


@hooks.register("register_log_actions")
def register_ruleset_log_actions(registry):
    registry.register_action("xinxuan.ruleset.save", _("Save rule set"), _("Rule set saved"))
    registry.register_action("xinxuan.ruleset.activate", _("Activate"), _("Rule set put in force"))
    registry.register_action("xinxuan.ruleset.retire", _("Retire"), _("Rule set retired"))
    registry.register_action(
        "xinxuan.ruleset.rescore", _("Recalculate"), _("Standings recalculated")
    )
