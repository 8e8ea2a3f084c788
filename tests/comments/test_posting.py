"""Readers comment on articles: filtered, moderated before or after, replies one deep."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.builders import PASSWORD, make_user
from tests.comments.conftest import captcha
from xinxuan.accounts.roles import Role
from xinxuan.comments import actions
from xinxuan.comments.models import ChannelCommentPolicy, Comment, CommentStatus, Moderation
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.portal.models import CounterKind, PageCounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return make_user("reader1", role=Role.READER)


def post(client, article, body, **extra):
    return client.post(
        reverse("comments:comment-create", args=[article.pk]), {"body": body, **extra}
    )


def test_news_is_reviewed_before_it_is_shown(client, article, reader):
    client.force_login(reader)
    response = post(client, article, "会议开得好")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    client.logout()
    page = client.get(reverse("comments:comment-list", args=[article.pk]))
    assert "会议开得好" not in page.content.decode()


def test_after_moderation_publishes_at_once_and_feeds_the_hot_list(client, portal, article, reader):
    ChannelCommentPolicy.objects.create(channel=portal.news, moderation=Moderation.AFTER)
    client.force_login(reader)
    post(client, article, "会议开得好")
    assert Comment.objects.get().status == CommentStatus.PUBLISHED
    counter = PageCounter.objects.get(page=article, kind=CounterKind.COMMENT)
    assert counter.count == 1
    client.logout()
    page = client.get(reverse("comments:comment-list", args=[article.pk]))
    assert "会议开得好" in page.content.decode()


def test_anonymous_reader_signs_in_with_the_comment_box(client, article, reader):
    response = post(client, article, "好", username="reader1", password=PASSWORD, **captcha())
    assert response.status_code == 302
    assert Comment.objects.get().author == reader
    assert client.session["_auth_user_id"] == str(reader.pk)


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        pytest.param({"password": "wrong-password-1"}, 403, id="wrong-password"),
        pytest.param({"captcha_1": "999"}, 400, id="wrong-captcha"),
        pytest.param({"captcha_0": "", "captcha_1": ""}, 400, id="missing-captcha"),
    ],
)
def test_anonymous_comment_box_refuses_bad_sign_in(client, article, reader, fields, status):
    data = {"username": "reader1", "password": PASSWORD, **captcha(), **fields}
    response = post(client, article, "好", **data)
    assert response.status_code == status
    assert not Comment.objects.exists()


def test_a_replayed_captcha_is_refused(client, article, reader):
    answer = captcha()
    first = post(client, article, "一", username="reader1", password=PASSWORD, **answer)
    assert first.status_code == 302
    client.logout()
    again = post(client, article, "二", username="reader1", password=PASSWORD, **answer)
    assert again.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "decision", "status", "shown"),
    [
        pytest.param("请加我，代开發票", "hold", CommentStatus.PENDING, None, id="advert-held"),
        pytest.param("你是笨蛋", "mask", CommentStatus.PUBLISHED, "你是**", id="insult-masked"),
        pytest.param("这是个好会", "pass", CommentStatus.PUBLISHED, "这是个好会", id="clean"),
    ],
)
def test_lexicon_decides(portal, article, reader, body, decision, status, shown):
    ChannelCommentPolicy.objects.create(channel=portal.news, moderation=Moderation.AFTER)
    comment = actions.post_comment(user=reader, page=article, body=body)
    assert comment.filter_decision == decision
    assert comment.status == status
    if shown:
        assert comment.shown_body == shown
        assert comment.body == body


def test_rejected_words_are_refused_with_the_category(article, reader):
    with pytest.raises(ActionRefused, match="反动"):
        actions.post_comment(user=reader, page=article, body="反 动 标 语")
    assert not Comment.objects.exists()


def test_replies_stay_one_level_deep(portal, article, reader):
    ChannelCommentPolicy.objects.create(channel=portal.news, moderation=Moderation.AFTER)
    first = actions.post_comment(user=reader, page=article, body="一楼")
    reply = actions.post_comment(user=reader, page=article, body="二楼", parent=first)
    deeper = actions.post_comment(user=reader, page=article, body="三楼", parent=reply)
    assert reply.parent == first
    assert deeper.parent == first


def test_edit_within_the_window_only(article, reader):
    comment = actions.post_comment(user=reader, page=article, body="原文")
    actions.edit_comment(user=reader, comment=comment, body="改过")
    comment.refresh_from_db()
    assert comment.body == "改过"
    later = timezone.now() + timezone.timedelta(minutes=16)
    with pytest.raises(ActionRefused):
        actions.edit_comment(user=reader, comment=comment, body="再改", moment=later)


def test_delete_own_only_and_the_count_follows(portal, article, reader):
    ChannelCommentPolicy.objects.create(channel=portal.news, moderation=Moderation.AFTER)
    comment = actions.post_comment(user=reader, page=article, body="好")
    other = make_user("reader2", role=Role.READER)
    with pytest.raises(PermissionDenied):
        actions.delete_comment(user=other, comment=comment)
    actions.delete_comment(user=reader, comment=comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.DELETED
    assert PageCounter.objects.get(page=article, kind=CounterKind.COMMENT).count == 0


def test_closed_channel_takes_no_comments(portal, article, reader):
    ChannelCommentPolicy.objects.create(channel=portal.news, open=False)
    with pytest.raises(ActionRefused):
        actions.post_comment(user=reader, page=article, body="好")


def test_rule_is_shown_above_the_form(client, article, portal):
    from xinxuan.portal.models import PortalSettings

    settings_ = PortalSettings.for_site(portal.site)
    settings_.comment_rule = "请自觉遵守互联网相关的政策法规"
    settings_.save()
    html = client.get(reverse("comments:comment-list", args=[article.pk])).content.decode()
    assert html.index("请自觉遵守互联网相关的政策法规") < html.index('id="comment-form"')
    for label in ("用户名", "密码", "验证码"):
        assert label in html


def test_posting_is_audited(article, reader):
    from wagtail.models import ModelLogEntry

    comment = actions.post_comment(user=reader, page=article, body="好文章")
    entry = ModelLogEntry.objects.get(action="comments.post")
    assert (entry.object_id, entry.user_id, entry.data) == (
        str(comment.pk),
        reader.pk,
        {"status": "pending"},
    )
