"""The office moderates: the queue, approve or reject with a reason, bulk actions,
reports, silencing and blocking readers; every decision in the audit log."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.comments import actions
from xinxuan.comments.models import Comment, CommentReport, CommentStatus, ReportReason
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.portal.models import CounterKind, PageCounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    org = make_org()
    return make_user("office", role=Role.OFFICE, unit=org.office)


@pytest.fixture
def reader(db):
    return make_user("reader", role=Role.READER)


@pytest.fixture
def pending(article, reader):
    return actions.post_comment(user=reader, page=article, body="会议开得好")


def logged(comment, action):
    return ModelLogEntry.objects.filter(object_id=str(comment.pk), action=action)


def comment_count(article):
    counter = PageCounter.objects.filter(page=article, kind=CounterKind.COMMENT).first()
    return counter.count if counter else 0


def test_approve_publishes_counts_and_is_audited(office, pending, article):
    actions.approve_comment(user=office, comment=pending)
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PUBLISHED
    assert pending.decided_by == office
    assert comment_count(article) == 1
    assert logged(pending, "comments.approve").get().user == office


def test_reject_needs_a_reason_and_uncounts(office, pending, article):
    actions.approve_comment(user=office, comment=pending)
    with pytest.raises(ActionRefused):
        actions.reject_comment(user=office, comment=pending, reason=" ")
    actions.reject_comment(user=office, comment=pending, reason="与文章无关")
    pending.refresh_from_db()
    assert pending.status == CommentStatus.REJECTED
    assert pending.reason == "与文章无关"
    assert comment_count(article) == 0
    assert logged(pending, "comments.reject").get().data == {"reason": "与文章无关"}


def test_a_reader_cannot_moderate(reader, pending):
    with pytest.raises(PermissionDenied):
        actions.approve_comment(user=reader, comment=pending)


def test_reports_are_closed_by_the_decision(office, pending, article):
    pending = actions.approve_comment(user=office, comment=pending)
    other = make_user("other", role=Role.READER)
    report = actions.report_comment(user=other, comment=pending, reason=ReportReason.ABUSE)
    again = actions.report_comment(user=other, comment=pending, reason=ReportReason.ABUSE)
    assert report == again
    assert list(Comment.objects.reported()) == [pending]
    actions.reject_comment(user=office, comment=pending, reason="辱骂他人")
    report.refresh_from_db()
    assert report.resolved_by == office
    assert not Comment.objects.reported().exists()


def test_reader_reports_through_the_portal(client, office, pending):
    actions.approve_comment(user=office, comment=pending)
    client.force_login(make_user("other", role=Role.READER))
    url = reverse("comments:comment-report", args=[pending.pk])
    response = client.post(url, {"reason": "ad", "note": "广告"})
    assert response.status_code == 302
    assert CommentReport.objects.get().note == "广告"


@pytest.mark.parametrize(
    ("measure", "data"),
    [
        pytest.param("silence", {"days": 3}, id="silenced"),
        pytest.param("block", {}, id="blocked"),
    ],
)
def test_silenced_or_blocked_readers_cannot_post(office, reader, article, measure, data):
    verb = actions.silence_reader if measure == "silence" else actions.block_reader
    verb(user=office, reader=reader, reason="多次辱骂", **data)
    with pytest.raises(ActionRefused):
        actions.post_comment(user=reader, page=article, body="好")
    actions.restore_reader(user=office, reader=reader)
    actions.post_comment(user=reader, page=article, body="好")
    assert ModelLogEntry.objects.filter(action=f"comments.{measure}").exists()


def test_block_can_take_down_the_readers_comments(office, reader, pending, article):
    actions.approve_comment(user=office, comment=pending)
    actions.block_reader(user=office, reader=reader, reason="广告", hide_comments=True)
    pending.refresh_from_db()
    assert pending.status == CommentStatus.REJECTED
    assert comment_count(article) == 0


def test_queue_and_decision_screen(client, office, pending):
    client.force_login(office)
    queue = client.get(reverse("wagtailsnippets_comments_comment:list"))
    assert queue.status_code == 200
    assert "会议开得好" in queue.content.decode()
    url = reverse("comments_admin:comment-decide", args=[pending.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "reject", "reason": "重复"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CommentStatus.REJECTED


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        pytest.param("approve", {}, CommentStatus.PUBLISHED, id="bulk-approve"),
        pytest.param("reject", {"reason": "灌水"}, CommentStatus.REJECTED, id="bulk-reject"),
    ],
)
def test_bulk_actions(client, office, reader, article, action, data, status):
    comments = [actions.post_comment(user=reader, page=article, body=f"第{i}条") for i in range(3)]
    client.force_login(office)
    url = reverse("wagtail_bulk_action", args=["comments", "comment", action])
    query = "&".join(f"id={c.pk}" for c in comments)
    assert client.get(f"{url}?{query}").status_code == 200
    response = client.post(f"{url}?{query}", data)
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {status}


def test_bulk_reject_without_a_reason_changes_nothing(client, office, pending):
    client.force_login(office)
    url = reverse("wagtail_bulk_action", args=["comments", "comment", "reject"])
    response = client.post(f"{url}?id={pending.pk}", {"reason": ""})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING


def test_reader_standing_screen(client, office, reader):
    client.force_login(office)
    url = reverse("comments_admin:reader-standing", args=[reader.pk])
    response = client.post(url, {"what": "silence", "days": 2, "reason": "刷屏"})
    assert response.status_code == 302
    assert reader.comment_standing.silenced_until is not None


def test_a_reader_cannot_open_the_moderation_screens(client, reader, pending):
    client.force_login(reader)
    response = client.get(reverse("comments_admin:comment-decide", args=[pending.pk]))
    assert response.status_code in (302, 403)
