"""Hostile input: stored XSS is inert, CSRF is enforced, SQL-looking text is just text,
oversized or binary bodies are refused with a message, nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import make_org, make_user
from tests.comments.conftest import captcha
from xinxuan.accounts.roles import Role
from xinxuan.comments import actions
from xinxuan.comments.models import ChannelCommentPolicy, Comment, Moderation

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def reader(db):
    return make_user("reader", role=Role.READER, display_name=XSS)


@pytest.fixture
def open_channel(portal):
    return ChannelCommentPolicy.objects.create(channel=portal.news, moderation=Moderation.AFTER)


def test_stored_xss_in_comment_and_name_is_inert(client, article, reader, open_channel):
    actions.post_comment(user=reader, page=article, body=XSS)
    html = client.get(reverse("comments:comment-list", args=[article.pk])).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_stored_xss_in_a_report_is_inert_in_the_workbench(client, article, reader, open_channel):
    comment = actions.post_comment(user=reader, page=article, body="好")
    other = make_user("other", role=Role.READER)
    actions.report_comment(user=other, comment=comment, reason="other", note=XSS)
    office = make_user("office", role=Role.OFFICE, unit=make_org().office)
    client.force_login(office)
    html = client.get(reverse("comments_admin:comment-decide", args=[comment.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        pytest.param("comments:comment-create", "article", {"body": "好"}, id="comment"),
        pytest.param("comments:reader-login", None, {"username": "a", "password": "b"}, id="login"),
        pytest.param("comments:reader-register", None, {"username": "abc"}, id="register"),
        pytest.param("comments:reader-logout", None, {}, id="logout"),
    ],
)
def test_csrf_is_enforced(article, reader, name, args, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    url = reverse(name, args=[article.pk] if args else None)
    assert client.post(url, data).status_code == 403
    assert not Comment.objects.exists()


def test_sql_looking_text_is_stored_as_text(client, article, reader, open_channel):
    body = "'; DROP TABLE comments_comment; -- \" OR 1=1"
    client.force_login(reader)
    client.post(reverse("comments:comment-create", args=[article.pk]), {"body": body})
    assert Comment.objects.get().body == body


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        pytest.param("好" * 1001, 400, "评论太长", id="too-long"),
        pytest.param("坏\x01\x02\x1b数据", 400, "非文本字符", id="control-characters"),
        pytest.param("坏\x00数据", 400, "空字符", id="nul"),
        pytest.param("   ", 400, "评论内容为空", id="blank"),
    ],
)
def test_bad_bodies_are_refused_with_a_message(client, article, reader, body, status, message):
    client.force_login(reader)
    response = client.post(reverse("comments:comment-create", args=[article.pk]), {"body": body})
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_an_oversized_request_is_refused_before_it_is_read(client, article, reader):
    client.force_login(reader)
    response = client.post(
        reverse("comments:comment-create", args=[article.pk]),
        {"body": "好" * 40_000},
    )
    assert response.status_code == 413
    assert "评论太长" in response.content.decode()


def test_invalid_utf8_is_refused(client, article, reader):
    client.force_login(reader)
    response = client.post(
        reverse("comments:comment-create", args=[article.pk]),
        data=b"body=%FF%FE%FA",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_comment_on_something_that_is_not_an_article_is_404(client, portal, reader):
    client.force_login(reader)
    response = client.post(reverse("comments:comment-create", args=[portal.news.pk]), {"body": "x"})
    assert response.status_code == 404


def test_reply_to_a_comment_of_another_article_is_refused(client, portal, article, reader):
    from tests.portal.conftest import make_article

    other = make_article(portal.news, "另一篇")
    elsewhere = actions.post_comment(user=reader, page=other, body="别处")
    client.force_login(reader)
    url = reverse("comments:comment-create", args=[article.pk])
    response = client.post(url, {"body": "回复", "parent": elsewhere.pk})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_open_redirect_after_login_is_ignored(client, portal):
    make_user("reader", role=Role.READER)
    from tests.builders import PASSWORD

    response = client.post(
        reverse("comments:reader-login"),
        {"username": "reader", "password": PASSWORD, "next": "https://evil.example/", **captcha()},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("comments:comment-edit", {"body": "改过"}, id="edit"),
        pytest.param("comments:comment-delete", {}, id="delete"),
        pytest.param("comments:comment-report", {"reason": "other", "note": "x"}, id="report"),
    ],
)
def test_csrf_is_enforced_on_a_readers_own_comment(article, reader, open_channel, name, data):
    from xinxuan.comments.models import CommentReport

    comment = actions.post_comment(user=reader, page=article, body="原文")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(reverse(name, args=[comment.pk]), data).status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("原文", "published")
    assert not CommentReport.objects.exists()


# Views that take no CSRF token, and why.  Everything else (every form of the portal
# and of the workbench) is checked by Django's CsrfViewMiddleware.
CSRF_EXEMPT = {
    # Wagtail's admin API: read-only (GET), and Django REST framework's session
    # authentication checks the token itself on any other method.
    "wagtail.admin.api.views",
    "xinxuan.files.wagtail_hooks",
    # The page-view beacon of cached pages (which carry no token): it only counts,
    # with per-address caps (docs/portal.md).
    "xinxuan.portal.views.view_beacon",
}


def test_every_other_view_takes_a_csrf_token():
    from django.urls import get_resolver

    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            else:
                yield pattern.callback

    exempt = {
        f"{view.__module__}.{getattr(view, '__name__', '')}"
        for view in views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False)
    }
    unexplained = {
        name
        for name in exempt
        if name not in CSRF_EXEMPT and name.rsplit(".", 1)[0] not in CSRF_EXEMPT
    }
    assert unexplained == set()


def test_a_binary_body_is_refused_with_a_message(client, article, reader):
    client.force_login(reader)
    response = client.post(
        reverse("comments:comment-create", args=[article.pk]),
        data=bytes(range(256)) * 8,
        content_type="application/octet-stream",
    )
    assert response.status_code == 400
    assert "评论内容为空，请先写评论" in response.content.decode()
    assert not Comment.objects.exists()
