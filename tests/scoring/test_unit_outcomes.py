"""登记扣分 / 登记加减分 from the standings page: the rule set's clauses, a value checked
against its range, the points in the standings at once with their explanation."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import RULESET_2011, make_world, points_of
from xinxuan.outcomes.models import Outcome, OutcomeKind

pytestmark = pytest.mark.django_db

RANGED = """
[deductions.concealment]
label_zh = "瞒报"
label_en = "concealment"
min = -200
max = -100

[adjustments.commendation]
label_zh = "通报表扬加分"
label_en = "commendation"
min = 2
max = 5
"""


@pytest.fixture
def world():
    return make_world(ruleset_text=RULESET_2011 + RANGED)


def url(world, kind, unit=None):
    address = reverse("scoring:unit-outcome-add", args=[world.ruleset.pk, kind])
    return f"{address}?unit={unit.pk}" if unit else address


def test_the_standings_page_offers_both_forms_per_unit_to_the_office(client, world):
    client.force_login(world.office)
    response = client.get(reverse("scoring:standings", args=[world.ruleset.pk]))
    assert "登记扣分" in response.text and "登记加减分" in response.text
    assert url(world, "deduction") in response.text


def test_the_clauses_offered_are_the_rule_sets_own(client, world):
    client.force_login(world.office)
    deduction = client.get(url(world, "deduction", world.org.dept)).text
    assert "迟报（-1）" in deduction and "瞒报（-200～-100）" in deduction
    adjustment = client.get(url(world, "adjustment", world.org.dept)).text
    assert "通报表扬加分（+2～+5）" in adjustment and "迟报" not in adjustment


def test_a_fixed_deduction_lowers_the_standings_at_once_with_its_explanation(client, world):
    client.force_login(world.office)
    response = client.post(
        url(world, "deduction"),
        {"unit": world.org.dept.pk, "rule": "late-report", "date": "2011-06-01", "reason": "迟报"},
        follow=True,
    )
    assert points_of(world.org.dept) == -1
    assert "已为动植检处登记" in response.text and "迟报" in response.text
    assert "= -1" in response.text  # the explanation's arithmetic on the standings page
    outcome = Outcome.objects.get(kind=OutcomeKind.DEDUCTION)
    assert outcome.recorded_by == world.office
    assert ModelLogEntry.objects.filter(
        action="xinxuan.outcome.record", object_id=str(outcome.pk)
    ).exists()


def test_an_adjustment_inside_the_range_is_recorded_with_the_assessor(client, world):
    client.force_login(world.office)
    client.post(
        url(world, "adjustment"),
        {
            "unit": world.org.dept.pk,
            "rule": "commendation",
            "date": "2011-07-01",
            "points": "3",
            "reason": "市政府通报表扬",
        },
    )
    assert points_of(world.org.dept) == 3
    outcome = Outcome.objects.get(kind=OutcomeKind.MANUAL_ADJUSTMENT)
    assert (outcome.range_min, outcome.range_max) == (2, 5)
    line = outcome.score_lines.get()
    assert "评定人 office" in line.explanation and "市政府通报表扬" in line.explanation


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        pytest.param(
            "adjustment",
            {"rule": "commendation", "points": "8", "reason": "表扬"},
            "“通报表扬加分”的分值须在 +2 至 +5 之间",
            id="adjustment-above-its-range",
        ),
        pytest.param(
            "adjustment",
            {"rule": "commendation", "points": "", "reason": "表扬"},
            "“通报表扬加分”的分值须在 +2 至 +5 之间",
            id="adjustment-without-a-value",
        ),
        pytest.param(
            "deduction",
            {"rule": "concealment", "points": "-50", "reason": "瞒报"},
            "“瞒报”的分值须在 -200 至 -100 之间",
            id="ranged-deduction-too-mild",
        ),
        pytest.param(
            "deduction",
            {"rule": "late-report", "points": "-3", "reason": "迟报"},
            "规则规定“迟报”为 -1 分",
            id="fixed-deduction-with-another-value",
        ),
        pytest.param(
            "adjustment",
            {"rule": "commendation", "points": "3", "reason": ""},
            "请写明理由",
            id="no-reason",
        ),
        pytest.param(
            "deduction",
            {"rule": "late-report", "reason": "迟报", "date": "2012-01-05"},
            "日期须在“2011”的施行期间内",
            id="date-outside-the-rule-set",
        ),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(client, world, kind, data, message):
    client.force_login(world.office)
    response = client.post(
        url(world, kind), {"unit": world.org.dept.pk, "date": "2011-06-01", **data}
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Outcome.objects.exists()
    assert points_of(world.org.dept) == 0


@pytest.mark.parametrize("who", ["officer", "head"])
def test_officers_and_heads_may_not_record_them(client, world, who):
    client.force_login(getattr(world, who))
    for kind in ("deduction", "adjustment"):
        response = client.post(
            url(world, kind),
            {"unit": world.org.dept.pk, "rule": "late-report", "date": "2011-06-01", "reason": "x"},
        )
        assert response.status_code == 403
        assert "只有办公室可以登记扣分和加减分" in response.text
    assert not Outcome.objects.exists()
    standings = client.get(reverse("scoring:standings", args=[world.ruleset.pk])).text
    assert "登记扣分" not in standings


def test_a_deduction_revoked_from_the_standings_page_gives_the_point_back(client, world):
    client.force_login(world.office)
    client.post(
        url(world, "deduction"),
        {"unit": world.org.dept.pk, "rule": "late-report", "date": "2011-06-01", "reason": "迟报"},
    )
    outcome = Outcome.objects.get()
    standings = reverse("scoring:standings", args=[world.ruleset.pk])
    response = client.post(
        reverse("outcomes:outcome-revoke", args=[outcome.pk]),
        {"reason": "误录", "next": standings},
    )
    assert response.url == standings
    assert points_of(world.org.dept) == 0


OPEN = """
[deductions.serious-concealment]
label_zh = "严重瞒报"
max = -50

[adjustments.major-contribution]
label_zh = "重大贡献"
min = 2
"""


@pytest.mark.parametrize(
    "kind, rule, offered, refused, accepted",
    [
        pytest.param(
            "deduction", "serious-concealment", "严重瞒报（-50 以下）", "-20", "-80", id="no-floor"
        ),
        pytest.param(
            "adjustment", "major-contribution", "重大贡献（+2 以上）", "1", "50", id="no-ceiling"
        ),
    ],
)
def test_a_range_open_on_one_side_is_offered_and_checked_as_such(
    client, kind, rule, offered, refused, accepted
):
    world = make_world(ruleset_text=RULESET_2011 + OPEN)
    client.force_login(world.office)
    assert offered in client.get(url(world, kind, world.org.dept)).text
    data = {"unit": world.org.dept.pk, "rule": rule, "date": "2011-06-01", "reason": "评定"}
    response = client.post(url(world, kind), {**data, "points": refused})
    assert offered.split("（")[1].rstrip("）") in response.text
    assert not Outcome.objects.exists()
    client.post(url(world, kind), {**data, "points": accepted})
    assert points_of(world.org.dept) == int(accepted)
