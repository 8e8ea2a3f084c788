from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.accounts.views import forbidden
from xinxuan.lib.action_views import ActionFormMixin
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.lib.spreadsheets import SpreadsheetSafeExportMixin
from xinxuan.organisation.wagtail_hooks import UnitScopedViewSet
from xinxuan.submissions import actions, urls
from xinxuan.submissions.forms import ItemForm
from xinxuan.submissions.models import Commission, Item, ItemKind, Topic


class ItemCreateView(ActionFormMixin, CreateView):
    """Wagtail's create screen, saving through ``actions.save_new_item``."""

    def save_instance(self):
        item = self.form.save(commit=False)  # shares, authors, topics kept in memory
        return actions.save_new_item(
            user=self.request.user, item=item, token=self.form.cleaned_data.get("form_token", "")
        )

    def get_success_url(self):
        return urls.item_url(self.object)


class ItemEditView(ActionFormMixin, EditView):
    """Wagtail's edit screen, saving through ``actions.edit_item`` (which rescores)."""

    def dispatch(self, request, *args, **kwargs):
        item = getattr(self, "object", None)
        refusal = actions.edit_refusal(request.user, item) if item is not None else None
        if refusal:
            # Answered here rather than raised: Wagtail turns a raised PermissionDenied
            # into a redirect to the dashboard, and the officer should read why.
            return forbidden(request, PermissionDenied(refusal))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        item = self.form.save(commit=False)  # shares, authors, topics kept in memory
        return actions.edit_item(
            user=self.request.user,
            item=item,
            reason=self.form.cleaned_data.get("change_reason", ""),
        )

    def get_success_url(self):
        return urls.item_url(self.object)


class ItemIndexView(SpreadsheetSafeExportMixin, IndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # a title opens the item's page (workflow, points, history), not the edit
        # form; editing is a button there and in the row's menu
        column_class = self._get_title_column_class(column_class)
        kwargs.setdefault("get_title_id", lambda item: f"snippet_{item.pk}_title")
        return self._get_custom_column(field_name, column_class, get_url=urls.item_url, **kwargs)


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

    def get_queryset(self, request):
        # each row shows its kind and unit: fetched with the page, not one query a row
        return super().get_queryset(request).select_related("kind", "unit")

    def get_edit_handler(self):
        panels = [
            *Item.panels,
            FieldPanel("change_reason"),
            FieldPanel("form_token", widget=forms.HiddenInput),
        ]
        return ObjectList(panels, base_form_class=ItemForm).bind_to_model(Item)


class ItemKindEditView(ActionFormMixin, EditView):
    """Wagtail's edit screen for item kinds, through ``actions.edit_item_kind``: a new
    code the rule set in force does not know is refused with the reason."""

    def save_instance(self):
        return actions.edit_item_kind(user=self.request.user, kind=self.form.save(commit=False))


class ItemKindViewSet(SnippetViewSet):
    model = ItemKind
    edit_view_class = ItemKindEditView
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


class CommissionCreateView(ActionFormMixin, CreateView):
    """Wagtail's create screen for commissions, through ``actions.commission_item``."""

    def save_instance(self):
        commission = self.form.save(commit=False)
        return actions.commission_item(
            user=self.request.user,
            unit=commission.unit,
            title=commission.title,
            deadline=commission.deadline,
            brief=commission.brief,
            topic=commission.topic,
        )


class CommissionEditView(ActionFormMixin, EditView):
    """Wagtail's edit screen for commissions, through ``actions.edit_commission``."""

    def save_instance(self):
        return actions.edit_commission(
            user=self.request.user, commission=self.form.save(commit=False)
        )


class CommissionViewSet(UnitScopedViewSet):
    model = Commission
    add_view_class = CommissionCreateView
    edit_view_class = CommissionEditView
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


class BureauOptionsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or Role.OFFICE in roles_of(user)


@hooks.register("register_settings_menu_item")
def register_bureau_options_menu_item():
    return BureauOptionsMenuItem(
        _("Recording submissions"), urls.bureau_options_home_url(), icon_name="cog", order=300
    )


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
        (
            "xinxuan.bureau.auto_submission",
            _("Recording submissions"),
            _("Changed how the bureau's submissions to the office are recorded"),
        ),
    ):
        registry.register_action(name, label, message)


@hooks.register("before_delete_snippet", order=-10)
def delete_items_through_the_action(request, instances):
    """Wagtail's delete screen and its bulk delete both end here for items: an item
    with outcomes is refused with the reason (on the confirmation page already), and
    the others are deleted by ``actions.delete_item``, audited, never by a bare
    ``DELETE`` that the ledger's protection would turn into a server error."""
    items = [i for i in instances if isinstance(i, Item)]
    if not items:
        return None
    for item in items:
        refusal = actions.delete_refusal(item)
        if refusal:
            return forbidden(request, PermissionDenied(refusal))
    if request.method != "POST":
        return None
    try:
        with transaction.atomic():
            for item in items:
                actions.delete_item(user=request.user, item=item)
    except ActionRefused as refused:
        return forbidden(request, PermissionDenied(refused.message))
    except PermissionDenied as denied:
        return forbidden(request, denied)
    messages.success(
        request, _("Deleted: %(titles)s") % {"titles": "、".join(i.title for i in items)}
    )
    return redirect(
        get_valid_next_url_from_request(request) or "wagtailsnippets_submissions_item:list"
    )
