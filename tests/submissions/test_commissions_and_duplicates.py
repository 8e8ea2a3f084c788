"""Commissions (约稿) become events by themselves; near-identical items are flagged."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from tests.submissions.world import RULESET_2011, make_world, write_item
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Outcome, OutcomeKind
from xinxuan.scoring.models import ScoreLine
from xinxuan.submissions import actions
from xinxuan.submissions.duplicates import similar_items, similarity

pytestmark = pytest.mark.django_db

WITH_COMMISSIONS = RULESET_2011 + "\n[commission]\ndelivered = 2\nmissed = -10\nlate = -3\n"


@pytest.fixture
def world():
    return make_world(ruleset_text=WITH_COMMISSIONS)


def commission(world, deadline=dt.date(2011, 4, 15)):
    return actions.commission_item(
        user=world.office, unit=world.org.dept, title="输欧中药注册形势", deadline=deadline
    )


def unit_points(world):
    lines = ScoreLine.objects.filter(unit=world.org.dept, person=None)
    return sum((line.points for line in lines), Decimal(0))


def test_a_commission_past_its_deadline_becomes_a_missed_event_once(world):
    commission(world)
    assert len(outcome_actions.record_missed_commissions(today=dt.date(2011, 4, 20))) == 1
    assert outcome_actions.record_missed_commissions(today=dt.date(2011, 4, 21)) == []
    missed = Outcome.objects.get(kind=OutcomeKind.COMMISSION_MISSED)
    assert missed.recorded_by is None and missed.source == "automatic"
    assert unit_points(world) == Decimal(-10)


def test_the_daily_command_records_missed_commissions_once_and_says_so(world):
    commission(world)
    out = io.StringIO()
    call_command("record_missed_commissions", date="2011-04-20", stdout=out)
    assert "动植检处 · “输欧中药注册形势”，截止 2011-04-15" in out.getvalue()
    assert "截至 2011-04-20，登记约稿未完成 1 项" in out.getvalue()
    again = io.StringIO()
    call_command("record_missed_commissions", date="2011-04-21", stdout=again)
    assert "登记约稿未完成 0 项" in again.getvalue()
    assert Outcome.objects.filter(kind=OutcomeKind.COMMISSION_MISSED).count() == 1
    assert unit_points(world) == Decimal(-10)


def test_delivering_late_withdraws_the_missed_event_with_an_audited_revocation(world):
    c = commission(world)
    (missed,) = outcome_actions.record_missed_commissions(today=dt.date(2011, 4, 20))
    item = write_item(world, commission=c)
    actions.submit_item(item=item, user=world.officer)
    entry = ModelLogEntry.objects.get(
        content_type__model="outcome", object_id=str(missed.pk), action="xinxuan.outcome.revoke"
    )
    assert entry.user == world.officer
    assert entry.data["automatic"] is True and entry.data["reason"]
    old, new = entry.data["changes"]["points"]
    assert (Decimal(old), Decimal(new)) == (Decimal(-10), Decimal(0))


def test_a_commission_not_yet_due_produces_nothing(world):
    commission(world)
    assert outcome_actions.record_missed_commissions(today=dt.date(2011, 4, 10)) == []


def test_a_late_delivery_replaces_the_missed_event_with_the_late_penalty(world):
    c = commission(world)
    outcome_actions.record_missed_commissions(today=dt.date(2011, 4, 20))
    item = write_item(world, commission=c)
    # delivered three days late (the moment of submission counts as delivery)
    item.submitted_at = dt.datetime(2011, 4, 18, 10, tzinfo=dt.UTC)
    actions.submit_item(item=item, user=world.officer)
    assert not Outcome.objects.active().filter(kind=OutcomeKind.COMMISSION_MISSED).exists()
    # delivered (+2) after the deadline (−3): the missed −10 no longer counts
    assert unit_points(world) == Decimal(-1)


def test_identical_text_from_two_units_is_flagged_with_its_similarity(world):
    body = "<p>我局加强进境水果检疫，截获检疫性有害生物十二种次，有效防范外来有害生物传入。</p>"
    first = write_item(world, title="进境水果检疫成效", body=body)
    second = write_item(world, title="进境水果检疫成效", body=body, unit=world.org.dept)
    other = write_item(
        world, title="口岸卫生检疫演练", body="<p>开展突发公共卫生事件应急演练。</p>"
    )
    found = similar_items(second)
    assert [m.item for m in found] == [first]
    assert found[0].percent == 100
    assert other not in [m.item for m in found]


@pytest.mark.parametrize(
    "a, b, alike",
    [
        ("我局加强进境水果检疫工作", "我局加强进境水果检疫工作。", True),
        (
            "我局加强进境水果检疫工作取得明显成效",
            "我局进一步加强进境水果检疫工作取得明显成效",
            True,
        ),
        ("我局加强进境水果检疫工作", "出口机电产品质量稳步提升", False),
    ],
    ids=["punctuation-only", "small-edit", "different-subject"],
)
def test_similarity_of_chinese_texts(a, b, alike):
    assert (similarity(a, b) >= 0.6) is alike
