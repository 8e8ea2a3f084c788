"""Workbench screens for moderators: decide on one comment, a reader's standing, the
lexicon test box, import and export.  Every change goes through actions.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from xinxuan.comments import actions, filtering, lexicon
from xinxuan.comments.models import (
    Comment,
    CommentStatus,
    FilterAction,
    LexiconCategory,
    LexiconWord,
    ReaderStanding,
    WhitelistWord,
)
from xinxuan.lib.exceptions import ActionRefused

MAX_TEST_TEXT = 20_000
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the author sees it)"), max_length=200, required=True
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Let through")), ("reject", gettext_lazy("Turn down"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the author sees it)"), max_length=200, required=False
    )


class StandingForm(forms.Form):
    what = forms.ChoiceField(
        label=gettext_lazy("Measure"),
        choices=[
            ("silence", gettext_lazy("Silence for some days")),
            ("block", gettext_lazy("Block")),
            ("restore", gettext_lazy("Allow to comment again")),
        ],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=3650, initial=7)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)
    hide_comments = forms.BooleanField(
        label=gettext_lazy("Also take down the reader's comments"), required=False
    )


class TestForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text to test"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEST_TEXT,
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("List"),
        choices=[
            ("lexicon", gettext_lazy("Listed words")),
            ("whitelist", gettext_lazy("Whitelist")),
        ],
    )
    file = forms.FileField(label=gettext_lazy("File (UTF-8 text)"), required=False)
    text = forms.CharField(
        label=gettext_lazy("Or paste the lines"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Remove the words that are not in the file"), required=False
    )


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


VIA_LABELS = {
    lexicon.Via.EXACT: gettext_lazy("as written"),
    lexicon.Via.NORMALISED: gettext_lazy(
        "written differently (traditional, full-width, symbols, repeats)"
    ),
    lexicon.Via.HOMOPHONE: gettext_lazy("characters that sound the same"),
    lexicon.Via.PINYIN: gettext_lazy("in pinyin"),
}


DECISION_LABELS = {
    lexicon.Action.PASS: gettext_lazy("passes"),
    **{lexicon.Action(choice.value): choice.label for choice in FilterAction},
}


def described(matches: list[dict]) -> list[dict]:
    """The filter's matches with the action and the way found in words, not codes."""
    return [
        {
            **m,
            "action_label": FilterAction(m["action"]).label,
            "via_label": VIA_LABELS[lexicon.Via(m["via"])],
        }
        for m in matches
    ]


def marked(text: str, matches: list[dict]) -> list[tuple[str, bool]]:
    """``text`` in pieces, each with whether a matched word covers it."""
    covered = [False] * len(text)
    for m in matches:
        for index in range(max(0, m["start"]), min(len(text), m["end"])):
            covered[index] = True
    pieces: list[tuple[str, bool]] = []
    for char, inside in zip(text, covered, strict=True):
        if pieces and pieces[-1][1] == inside:
            pieces[-1] = (pieces[-1][0] + char, inside)
        else:
            pieces.append((char, inside))
    return pieces


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, actions.MODERATE)
    comment = get_object_or_404(Comment.objects.select_related("author", "page"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                actions.approve_comment(user=request.user, comment=comment)
                messages.success(request, _("The comment is approved."))
            else:
                actions.reject_comment(
                    user=request.user, comment=comment, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The comment is rejected."))
            return redirect("wagtailsnippets_comments_comment:list")
        except ActionRefused as refused:
            form.add_error(None, refused.message)
    return TemplateResponse(
        request,
        "comments/admin/decide.html",
        {
            "comment": comment,
            "matches": described(comment.filter_matches),
            "marked": marked(comment.body, comment.filter_matches),
            "form": form,
            "reports": comment.reports.select_related("reporter"),
            "statuses": CommentStatus,
        },
    )


@require_http_methods(["GET", "POST"])
def reader_standing(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, actions.MODERATE)
    reader = get_object_or_404(get_user_model(), pk=pk)
    standing = ReaderStanding.objects.filter(user=reader).first()
    form = StandingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["what"] == "silence":
                actions.silence_reader(
                    user=request.user, reader=reader, days=data["days"], reason=data["reason"]
                )
            elif data["what"] == "block":
                actions.block_reader(
                    user=request.user,
                    reader=reader,
                    reason=data["reason"],
                    hide_comments=data["hide_comments"],
                )
            else:
                actions.restore_reader(user=request.user, reader=reader)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The reader's standing is changed."))
            return redirect("comments_admin:reader-standing", pk=reader.pk)
    return TemplateResponse(
        request,
        "comments/admin/reader_standing.html",
        {
            "reader": reader,
            "standing": standing,
            "form": form,
            "recent": Comment.objects.filter(author=reader).select_related("page")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def lexicon_test(request: HttpRequest) -> HttpResponse:
    """Any text against the lists as they are now, with why each word matched."""
    _require(request, actions.EDIT_LEXICON)
    form = TestForm(request.POST or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        filtering.forget()
        verdict = filtering.current_lexicon().check(form.cleaned_data["text"])
    return TemplateResponse(
        request,
        "comments/admin/lexicon_test.html",
        {
            "form": form,
            "verdict": verdict,
            "matches": described([m.as_dict() for m in verdict.matches]) if verdict else [],
            "decision": DECISION_LABELS[verdict.decision] if verdict else "",
            "import_form": ImportForm(),
        },
    )


@require_http_methods(["POST"])
def lexicon_import(request: HttpRequest) -> HttpResponse:
    _require(request, actions.EDIT_LEXICON)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        text = form.cleaned_data["text"]
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                messages.error(request, _("The file is larger than 2 MB."))
                return redirect("comments_admin:lexicon-test")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                messages.error(request, _("The file is not UTF-8 text."))
                return redirect("comments_admin:lexicon-test")
        verb = (
            actions.import_lexicon
            if form.cleaned_data["kind"] == "lexicon"
            else actions.import_whitelist
        )
        try:
            counts = verb(user=request.user, text=text, replace=form.cleaned_data["replace"])
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("%(words)d words read, %(added)d new, %(removed)d removed.") % counts,
            )
    else:
        messages.error(request, _("Choose a list and give a file or lines."))
    return redirect("comments_admin:lexicon-test")


@require_GET
def lexicon_export(request: HttpRequest) -> HttpResponse:
    _require(request, actions.EDIT_LEXICON)
    categories = LexiconCategory.objects.all()
    entries = [w.as_entry() for w in LexiconWord.objects.select_related("category")]
    text = lexicon.dump_lexicon(
        entries,
        {c.name: lexicon.Action(c.action) for c in categories},
        [c.name for c in categories if c.homophones],
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lexicon.txt"'
    return response


@require_GET
def whitelist_export(request: HttpRequest) -> HttpResponse:
    _require(request, actions.EDIT_LEXICON)
    words = WhitelistWord.objects.values_list("word", flat=True)
    response = HttpResponse(lexicon.dump_whitelist(words), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="whitelist.txt"'
    return response
