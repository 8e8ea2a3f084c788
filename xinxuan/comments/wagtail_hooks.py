"""The workbench side of comments: the moderation queue, reports, the lexicon lists."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from xinxuan.accounts.views import forbidden
from xinxuan.comments import actions
from xinxuan.comments.admin_views import ReasonForm
from xinxuan.comments.models import (
    ChannelCommentPolicy,
    Comment,
    CommentReport,
    LexiconCategory,
    LexiconWord,
    WhitelistWord,
)
from xinxuan.lib.action_views import ActionFormMixin
from xinxuan.lib.exceptions import ActionRefused

LOG_ACTIONS = [
    ("comments.post", _("Post comment"), _("Comment posted")),
    ("comments.edit", _("Change comment"), _("Comment edited by its author")),
    ("comments.delete", _("Delete comment"), _("Comment deleted by its author")),
    ("comments.approve", _("Approve comment"), _("Comment approved")),
    ("comments.reject", _("Reject comment"), _("Comment rejected")),
    ("comments.report", _("Report comment"), _("Comment reported")),
    ("comments.register", _("Register reader"), _("Reader registered")),
    ("comments.silence", _("Silence reader"), _("Reader silenced")),
    ("comments.block", _("Block reader"), _("Reader blocked")),
    ("comments.restore", _("Restore reader"), _("Reader may comment again")),
    ("comments.import_lexicon", _("Import lexicon"), _("Lexicon imported")),
    ("comments.import_whitelist", _("Import whitelist"), _("Whitelist imported")),
    ("comments.list_add", _("Add to a list"), _("Added to the lexicon lists")),
    ("comments.list_change", _("Change in a list"), _("Changed in the lexicon lists")),
    ("comments.list_delete", _("Remove from a list"), _("Removed from the lexicon lists")),
]


@hooks.register("register_log_actions")
def register_comment_log_actions(registry):
    for action, label, message in LOG_ACTIONS:
        registry.register_action(action, label, message)


class CommentViewSet(SnippetViewSet):
    """The moderation queue: waiting comments first, with filters and bulk actions."""

    model = Comment
    icon = "comment"
    menu_label = _("Moderation queue")
    list_display = [
        Column("shown_body", label=_("comment")),
        "author",
        "page",
        "status",
        Column("categories", label=_("filter categories")),
        "created_at",
    ]
    list_filter = ["status", "filter_decision", "page"]
    ordering = ["status", "-created_at"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "body",
        "shown_body",
        "author",
        "page",
        "parent",
        "status",
        "filter_decision",
        "filter_matches",
        "address",
        "created_at",
        "edited_at",
        "published_at",
        "decided_at",
        "decided_by",
        "reason",
    ]
    # Changes go through the moderation actions, never through a raw edit form.
    add_to_admin_menu = False

    def get_queryset(self, request):
        return Comment.objects.select_related("author", "page")


class ReportViewSet(SnippetViewSet):
    model = CommentReport
    icon = "warning"
    menu_label = _("Abuse reports")
    list_display = ["comment", "reason", "note", "reporter", "created_at", "resolved_at"]
    list_filter = ["reason"]
    inspect_view_enabled = True


class ListCreateView(ActionFormMixin, CreateView):
    """Adding to a lexicon list goes through ``actions.save_list_entry`` (audited)."""

    def save_instance(self):
        return actions.save_list_entry(user=self.request.user, entry=self.form.save(commit=False))


class ListEditView(ActionFormMixin, EditView):
    def save_instance(self):
        return actions.save_list_entry(user=self.request.user, entry=self.form.save(commit=False))


class ListDeleteView(DeleteView):
    def delete_action(self):
        actions.delete_list_entry(user=self.request.user, entry=self.object)


class ListViewSet(SnippetViewSet):
    add_view_class = ListCreateView
    edit_view_class = ListEditView
    delete_view_class = ListDeleteView


class CategoryViewSet(ListViewSet):
    model = LexiconCategory
    icon = "tag"
    list_display = ["name", "action", "homophones", "updated_at"]


class WordViewSet(ListViewSet):
    model = LexiconWord
    icon = "form"
    list_display = ["word", "category", "action", "homophones", "updated_at"]
    list_filter = ["category", "action", "homophones"]
    search_fields = ["word"]


class WhitelistViewSet(ListViewSet):
    model = WhitelistWord
    icon = "tick"
    list_display = ["word", "updated_at"]
    search_fields = ["word"]


LIST_MODELS = (LexiconCategory, LexiconWord, WhitelistWord)


@hooks.register("before_bulk_action")
def delete_list_entries_through_the_action(request, action_type, objects, action_class_instance):
    """The listing's bulk delete of list entries goes through the audited action too
    (Wagtail's own deletes the rows with one query, unlogged)."""
    if action_type != "delete" or getattr(action_class_instance, "model", None) not in LIST_MODELS:
        return None
    try:
        for entry in objects:
            actions.delete_list_entry(user=request.user, entry=entry)
    except PermissionDenied as denied:
        return forbidden(request, denied)
    messages.success(request, _("%(count)d removed from the lists.") % {"count": len(objects)})
    return redirect(action_class_instance.next_url)


class PolicyViewSet(SnippetViewSet):
    model = ChannelCommentPolicy
    icon = "cog"
    list_display = ["channel", "moderation", "open"]


class CommentsGroup(SnippetViewSetGroup):
    items = (
        CommentViewSet,
        ReportViewSet,
        WordViewSet,
        CategoryViewSet,
        WhitelistViewSet,
        PolicyViewSet,
    )
    menu_icon = "comment"
    menu_label = _("Reader comments")
    menu_name = "comments"
    menu_order = 260


register_snippet(CommentsGroup)


@hooks.register("register_admin_urls")
def register_comment_admin_urls():
    from xinxuan.comments import admin_views

    patterns = [
        path("<int:pk>/decide/", admin_views.decide, name="comment-decide"),
        path("reader/<int:pk>/", admin_views.reader_standing, name="reader-standing"),
        path("lexicon/test/", admin_views.lexicon_test, name="lexicon-test"),
        path("lexicon/import/", admin_views.lexicon_import, name="lexicon-import"),
        path("lexicon/export/", admin_views.lexicon_export, name="lexicon-export"),
        path("whitelist/export/", admin_views.whitelist_export, name="whitelist-export"),
    ]
    return [path("comments/", include((patterns, "comments_admin"), namespace="comments_admin"))]


@hooks.register("register_admin_menu_item")
def register_lexicon_tools_menu_item():
    return LexiconToolsMenuItem(
        _("Lexicon tools"), reverse("comments_admin:lexicon-test"), icon_name="search", order=261
    )


class LexiconToolsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(actions.EDIT_LEXICON)


@hooks.register("register_snippet_listing_buttons")
def comment_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Comment) and user.has_perm(actions.MODERATE):
        url = reverse("comments_admin:comment-decide", args=[snippet.pk])
        yield ListingButton(_("Approve or reject"), url, priority=5, icon_name="check")
        yield ListingButton(
            _("The author"),
            reverse("comments_admin:reader-standing", args=[snippet.author_id]),
            priority=6,
            icon_name="user",
        )


class ApproveBulkAction(SnippetBulkAction):
    display_name = _("Let through")
    action_type = "approve"
    aria_label = _("Approve the selected comments")
    template_name = "comments/admin/bulk_approve.html"
    models = [Comment]

    def check_perm(self, snippet):
        return self.request.user.has_perm(actions.MODERATE)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        done = 0
        for comment in objects:
            try:
                actions.approve_comment(user=user, comment=comment)
                done += 1
            except ActionRefused:
                continue
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return _("%(n)d comments approved.") % {"n": num_parent_objects}

    def get_execution_context(self):
        return {"user": self.request.user}


class RejectBulkAction(ApproveBulkAction):
    display_name = _("Turn down")
    action_type = "reject"
    aria_label = _("Reject the selected comments")
    template_name = "comments/admin/bulk_reject.html"
    form_class = ReasonForm

    def get_execution_context(self):
        return {"user": self.request.user, "reason": self.cleaned_form.cleaned_data["reason"]}

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        done = 0
        for comment in objects:
            try:
                actions.reject_comment(user=user, comment=comment, reason=reason)
                done += 1
            except ActionRefused:
                continue
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return _("%(n)d comments rejected.") % {"n": num_parent_objects}


hooks.register("register_bulk_action", ApproveBulkAction)
hooks.register("register_bulk_action", RejectBulkAction)
