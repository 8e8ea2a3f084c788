from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from xinxuan.bulletins import urls
from xinxuan.bulletins.models import Bulletin

log_registry.register_model(Bulletin, ModelLogEntry)


@hooks.register("register_admin_urls")
def register_bulletin_urls():
    return [path("bulletins/", include((urls.urlpatterns, "bulletins"), namespace="bulletins"))]


class BulletinMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("bulletins.view_bulletin")


@hooks.register("register_admin_menu_item")
def register_bulletin_menu_item():
    return BulletinMenuItem(
        _("Bulletins"), reverse("bulletins:bulletin-list"), icon_name="doc-full", order=150
    )


@hooks.register("register_log_actions")
def register_bulletin_log_actions(registry):
    registry.register_action("xinxuan.bulletin.issue", _("Issue bulletin"), _("Bulletin issued"))
