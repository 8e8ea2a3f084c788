"""The workbench side of comments: the moderation queue, reports, the lexicon lists."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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


class CategoryViewSet(SnippetViewSet):
    model = LexiconCategory
    icon = "tag"
    list_display = ["name", "action", "updated_at"]


class WordViewSet(SnippetViewSet):
    model = LexiconWord
    icon = "form"
    list_display = ["word", "category", "action", "updated_at"]
    list_filter = ["category", "action"]
    search_fields = ["word"]


class WhitelistViewSet(SnippetViewSet):
    model = WhitelistWord
    icon = "tick"
    list_display = ["word", "updated_at"]
    search_fields = ["word"]


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
