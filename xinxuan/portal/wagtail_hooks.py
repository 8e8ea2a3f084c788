from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from xinxuan.portal.models import Sponsor


class SponsorViewSet(SnippetViewSet):
    model = Sponsor
    icon = "link"
    menu_label = _("Sponsors")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "name",
        "slot",
        "starts_at",
        "ends_at",
        BooleanColumn("is_active", label=Sponsor._meta.get_field("is_active").verbose_name),
        "clicks",
    ]
    list_filter = ["is_active", "slot"]


register_snippet(SponsorViewSet)


@hooks.register("register_admin_urls")
def register_portal_admin_urls():
    from xinxuan.portal import admin_views

    patterns = [path("items/<int:pk>/publish/", admin_views.item_publish, name="item-publish")]
    return [path("portal/", include((patterns, "portal_admin"), namespace="portal_admin"))]


@hooks.register("register_log_actions")
def register_portal_log_actions(actions):
    actions.register_action("portal.recommend", _("Recommend article"), _("Article recommended"))
    actions.register_action(
        "portal.publish_item", _("Publish item on the portal"), _("Item published as article")
    )
