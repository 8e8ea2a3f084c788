from django.core.exceptions import PermissionDenied
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from xinxuan.accounts.views import forbidden
from xinxuan.lib.spreadsheets import SpreadsheetSafeExportMixin
from xinxuan.organisation import access
from xinxuan.organisation.wagtail_hooks import UnitScopedViewSet
from xinxuan.submissions import actions, urls
from xinxuan.submissions.models import Commission, Item, ItemAttachment, ItemKind, Topic


class ItemCreateView(CreateView):
    def save_instance(self):
        actions.prepare_item_for_save(self.form.instance, user=self.request.user)
        instance = super().save_instance()
        actions.ensure_unit_share(instance)
        return instance

    def get_success_url(self):
        return urls.item_url(self.object)


class ItemEditView(EditView):
    def dispatch(self, request, *args, **kwargs):
        item = getattr(self, "object", None)
        refusal = actions.edit_refusal(request.user, item) if item is not None else None
        if refusal:
            # Answered here rather than raised: Wagtail turns a raised PermissionDenied
            # into a redirect to the dashboard, and the officer should read why.
            return forbidden(request, PermissionDenied(refusal))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        current = Item.objects.select_for_update().get(pk=self.form.instance.pk)
        refusal = actions.edit_refusal(self.request.user, current)
        if refusal:  # sent onward between opening the form and saving it
            raise PermissionDenied(refusal)
        actions.prepare_item_for_save(self.form.instance, user=self.request.user)
        instance = super().save_instance()
        actions.ensure_unit_share(instance)
        return instance

    def get_success_url(self):
        return urls.item_url(self.object)


class ItemIndexView(SpreadsheetSafeExportMixin, IndexView):
    pass


class ItemViewSet(UnitScopedViewSet):
    model = Item
    icon = "doc-full"
    menu_label = _("Items")
    index_view_class = ItemIndexView
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    list_display = ["title", "kind", "unit", "status", "status_since", "char_count"]
    list_filter = ["status", "kind", "unit", "is_urgent"]
    search_fields = ["title"]
    ordering = ["-created_at"]
    list_export = ["title", "kind", "unit", "status", "status_since", "char_count", "is_urgent"]
    export_filename = "items"


class ItemKindViewSet(SnippetViewSet):
    model = ItemKind
    icon = "tag"
    menu_label = _("Item kinds")
    list_display = [
        "name",
        "code",
        BooleanColumn("is_press", label=ItemKind._meta.get_field("is_press").verbose_name),
        BooleanColumn("is_active", label=ItemKind._meta.get_field("is_active").verbose_name),
    ]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "pick"
    menu_label = _("Key topics")
    list_display = ["name", "year"]
    list_filter = ["year"]


class CommissionViewSet(UnitScopedViewSet):
    model = Commission
    icon = "calendar-alt"
    menu_label = _("Commissions")
    list_display = [
        "title",
        "unit",
        "deadline",
        BooleanColumn("cancelled", label=Commission._meta.get_field("cancelled").verbose_name),
    ]
    list_filter = ["unit", "cancelled"]


class SubmissionsGroup(SnippetViewSetGroup):
    menu_label = _("Items")
    menu_icon = "doc-full"
    menu_order = 100
    items = (ItemViewSet, CommissionViewSet, ItemKindViewSet, TopicViewSet)


register_snippet(SubmissionsGroup)


@hooks.register("register_admin_urls")
def register_item_urls():
    return [path("items/", include((urls.urlpatterns, "submissions"), namespace="submissions"))]


@hooks.register("register_admin_menu_item")
def register_desk_menu_item():
    return MenuItem(_("My desk"), urls.desk_url(), icon_name="tasks", order=90)


@hooks.register("register_log_actions")
def register_item_log_actions(registry):
    for name, label, message in (
        ("xinxuan.item.submit", _("Submit"), _("Submitted to the department head")),
        ("xinxuan.item.head_approve", _("Head approval"), _("Approved by the department head")),
        ("xinxuan.item.return", _("Return"), _("Returned to the author with a reason")),
        ("xinxuan.item.approve", _("Office approval"), _("Approved by the office")),
        ("xinxuan.item.report", _("Report upward"), _("Reported to a superior body")),
        ("xinxuan.item.comment", _("Comment"), _("Commented")),
        ("xinxuan.commission.create", _("Commission"), _("Commissioned from a unit")),
    ):
        registry.register_action(name, label, message)


@hooks.register("before_serve_document")
def attachments_only_for_their_units(document, request):
    """An item's attachment is an internal record: only those who may see the item's
    unit download it (Wagtail would otherwise serve any document to anyone)."""
    units = ItemAttachment.objects.filter(document=document).values_list("item__unit_id", flat=True)
    units = list(units)
    if units and not any(access.can_see_unit(request.user, unit) for unit in units):
        return forbidden(
            request, PermissionDenied(_("This attachment belongs to an item you may not see."))
        )
    return None
