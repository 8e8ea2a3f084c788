"""The reader's side: the comment box under every article, sign in, registration.

Article pages are cached whole for anonymous readers, so the comments come from
here: ``comments/<page>/`` is a page of its own (for readers without JavaScript)
whose ``#comments`` section portal.js places under the article.  Embedded, it shows
no captcha until the reader starts writing, so that reading an article writes
nothing to the database.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinxuan.comments import actions, limits
from xinxuan.comments.forms import (
    AnonymousCommentForm,
    CommentForm,
    EditForm,
    ReaderLoginForm,
    RegistrationForm,
    ReportForm,
)
from xinxuan.comments.identity import get_verifier
from xinxuan.comments.models import Comment, CommentStatus
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.lib.net import client_ip
from xinxuan.portal.models import ArticlePage, ChannelPage

# A comment is at most a few thousand characters; anything far bigger is not one.
MAX_BODY_BYTES = 64 * 1024
PER_PAGE = 20


def _article(page_id: int) -> ArticlePage:
    # The comment screens show the title and date, never the body.
    return get_object_or_404(ArticlePage.objects.live().public().defer_streamfields(), pk=page_id)


def _channels():
    return ChannelPage.objects.live().in_menu().order_by("path")


def _refuse(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(
        request,
        "comments/refused.html",
        {"message": message, "channels": _channels()},
        status=status,
    )


def _too_big(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _article_url(request: HttpRequest, article: ArticlePage) -> str:
    # ``url`` reads the sites' root paths from the cache; ``get_url(request)`` would
    # look the site up by host name in the database on every post.
    return (article.url or "/") + "#comments"


def _sign_in(request: HttpRequest, username: str, password: str):
    """The reader, signed in, or None; django-axes counts failures and locks out."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    login(request, user)
    if not user.is_staff:
        request.session.set_expiry(settings.COMMENTS_READER_SESSION_SECONDS)
    return user


def _rate_limited(request: HttpRequest, kind: str, account: str = "") -> bool:
    address_ok = limits.hit(f"{kind}-address", client_ip(request)) if kind != "report" else True
    account_ok = limits.hit(f"{kind}-account", account.lower()) if account else True
    return not (address_ok and account_ok)


@require_GET
@never_cache
def comment_list(request: HttpRequest, page_id: int) -> HttpResponse:
    """The comments of an article, the site's rule and the comment box."""
    article = _article(page_id)
    user = request.user
    visible = Comment.objects.visible_to(user).select_related("author")
    top = visible.filter(page=article, parent=None).prefetch_related(
        Prefetch("replies", queryset=visible.order_by("created_at", "pk"), to_attr="shown_replies")
    )
    page_obj = Paginator(top, PER_PAGE).get_page(request.GET.get("page"))
    embedded = request.GET.get("embed") == "1"
    reply = request.GET.get("reply", "")
    initial = {"parent": int(reply)} if reply.isdigit() and len(reply) < 12 else {}
    if user.is_authenticated:
        form = CommentForm(initial=initial)
    else:
        # Embedded, the captcha is fetched when the reader starts writing (portal.js).
        form = AnonymousCommentForm(initial=initial) if not embedded else None
    verifier = get_verifier()
    verify_url = ""
    if verifier is not None and user.is_authenticated and not verifier.is_verified(user):
        verify_url = verifier.start_url(user, _article_url(request, article))
    return render(
        request,
        "comments/comment_list.html",
        {
            "article": article,
            "page_obj": page_obj,
            "count": Comment.objects.published().filter(page=article).count(),
            "form": form,
            "embedded": embedded,
            "open": actions.comments_open(article),
            "verify_url": verify_url,
            "channels": _channels(),
            "max_length": actions.max_length(),
        },
    )


@require_POST
@never_cache
@sensitive_post_parameters("password")
def comment_create(request: HttpRequest, page_id: int) -> HttpResponse:
    """Post a comment; a reader not signed in signs in with the same form."""
    if _too_big(request):
        return _refuse(request, _("The comment is far too long."), status=413)
    article = _article(page_id)
    back = _article_url(request, article)
    anonymous = not request.user.is_authenticated
    form = (AnonymousCommentForm if anonymous else CommentForm)(request.POST)
    account = request.POST.get("username", "") if anonymous else request.user.username
    if _rate_limited(request, "post", account):
        return _refuse(request, _("Too many comments in a short time. Wait a minute."), 429)
    if not form.is_valid():
        return _form_errors(request, form, article)
    if anonymous:
        user = _sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                return HttpResponse(status=429)  # AxesMiddleware answers with its page
            return _refuse(request, _("The user name or the password is wrong."), 403)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], page=article).first()
        if parent is None:
            return _refuse(request, _("The comment you reply to is not shown any more."))
    try:
        comment = actions.post_comment(
            user=request.user,
            page=article,
            body=form.cleaned_data["body"],
            parent=parent,
            address=client_ip(request),
        )
    except ActionRefused as refused:
        return _refuse(request, refused.message)
    if comment.status == CommentStatus.PUBLISHED:
        messages.success(request, _("Your comment is published."))
    else:
        messages.info(request, _("Thank you. Your comment will be shown once it is reviewed."))
    return HttpResponseRedirect(back)


def _form_errors(request: HttpRequest, form, article: ArticlePage) -> HttpResponse:
    return render(
        request,
        "comments/comment_list.html",
        {
            "article": article,
            "page_obj": None,
            "form": form,
            "open": True,
            "channels": _channels(),
            "max_length": actions.max_length(),
        },
        status=400,
    )


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    return get_object_or_404(Comment, pk=pk, author=request.user)


@require_http_methods(["GET", "POST"])
@never_cache
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    article = _article(comment.page_id)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST":
        if _too_big(request):
            return _refuse(request, _("The comment is far too long."), status=413)
        if form.is_valid():
            try:
                comment = actions.edit_comment(
                    user=request.user, comment=comment, body=form.cleaned_data["body"]
                )
            except ActionRefused as refused:
                return _refuse(request, refused.message)
            if comment.status == CommentStatus.PENDING:
                messages.info(request, _("Your comment is changed and will be reviewed again."))
            else:
                messages.success(request, _("Your comment is changed."))
            return HttpResponseRedirect(_article_url(request, article))
    return render(
        request,
        "comments/comment_edit.html",
        {"form": form, "comment": comment, "article": article, "channels": _channels()},
    )


@require_POST
@never_cache
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    actions.delete_comment(user=request.user, comment=comment)
    messages.success(request, _("Your comment is deleted."))
    return HttpResponseRedirect(_article_url(request, _article(comment.page_id)))


@require_http_methods(["GET", "POST"])
@never_cache
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('comments:reader-login')}?next={request.path}")
    comment = get_object_or_404(Comment.objects.published(), pk=pk)
    article = _article(comment.page_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _rate_limited(request, "report", request.user.username):
            return _refuse(request, _("Too many reports in a short time. Wait a while."), 429)
        try:
            actions.report_comment(
                user=request.user,
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ActionRefused as refused:
            return _refuse(request, refused.message)
        messages.success(request, _("Thank you. The editors will look at the comment."))
        return HttpResponseRedirect(_article_url(request, article))
    return render(
        request,
        "comments/comment_report.html",
        {"form": form, "comment": comment, "article": article, "channels": _channels()},
    )


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("password")
def reader_login(request: HttpRequest) -> HttpResponse:
    form = ReaderLoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _too_big(request):
            return _refuse(request, _("The request is far too long."), status=413)
        if _rate_limited(request, "login", request.POST.get("username", "")):
            return _refuse(request, _("Too many sign-in attempts. Try again later."), 429)
        if form.is_valid():
            user = _sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
            if user is not None:
                return HttpResponseRedirect(_safe_next(request))
            if getattr(request, "axes_locked_out", False):
                return HttpResponse(status=429)  # AxesMiddleware answers with its page
            # The same words whether the name exists or not.
            form.add_error(None, _("The user name or the password is wrong."))
        status = 400
    return render(
        request,
        "comments/reader_login.html",
        {"form": form, "next": _safe_next(request, ""), "channels": _channels()},
        status=status,
    )


@require_POST
def reader_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(_safe_next(request))


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("password1", "password2")
def reader_register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if _too_big(request):
            return _refuse(request, _("The request is far too long."), status=413)
        if _rate_limited(request, "register"):
            return _refuse(request, _("Too many registrations from your address. Try later."), 429)
        if form.is_valid():
            actions.register_reader(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                address=client_ip(request),
            )
            # The same answer whether the name was free or not (see register_reader).
            return render(
                request,
                "comments/reader_registered.html",
                {"next": _safe_next(request, ""), "channels": _channels()},
            )
    return render(
        request,
        "comments/reader_register.html",
        {"form": form, "next": _safe_next(request, ""), "channels": _channels()},
        status=400 if request.method == "POST" else 200,
    )
