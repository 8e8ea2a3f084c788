"""A rule set scores the units below its issuer, never the issuer itself: a bureau is
assessed by its superior (docs/rules.md, "Who is scored"). An outcome on the bureau —
on an item of the bureau's own, or a deduction or adjustment on the bureau — is scored
under the province's rule set only, and the per-change path (an outcome recorded,
edited or revoked) writes exactly the lines a full rescoring writes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.builders import make_user
from tests.submissions.world import RULESET_2011, make_ruleset, make_world
from xinxuan.accounts.roles import Role
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import ledger
from xinxuan.scoring.models import ScoreLine, Standing
from xinxuan.submissions.models import Item, ItemStatus, ItemUnit

pytestmark = pytest.mark.django_db

DAY = dt.date(2011, 6, 1)
COMMENDATION = """
[adjustments.commendation]
label_zh = "表彰"
min = 2
max = 5
"""
# a period rule: the city rule set's stage then runs for every change, also the
# province's lines of the bureau must not leak into it
MONTHLY_REPORTS = """
[quotas.reports]
label_zh = "月度上报任务"
period = "month"
counts = "report"
required = 1
basis = "per_piece"
per_piece = -1
"""


def lines_of(ruleset):
    return Counter(
        (line.unit_id, line.person_id, line.item_id, line.clause, line.points, line.date)
        for line in ScoreLine.objects.filter(ruleset=ruleset)
    )


def standings_of(ruleset):
    return {
        (s.unit_id, s.person_id): (s.points, s.adopted)
        for s in Standing.objects.filter(ruleset=ruleset)
        if s.points or s.adopted
    }


def item_of(world, unit, *, shared_with=None):
    item = Item.objects.create(
        title="本局综合信息",
        kind=world.kinds["zhengwu"],
        unit=unit,
        status=ItemStatus.REPORTED,
        created_at=timezone.now(),
        status_since=timezone.now(),
        char_count=800,
    )
    if shared_with is not None:
        ItemUnit.objects.create(item=item, unit=unit, share=Decimal(1), sort_order=0)
        ItemUnit.objects.create(item=item, unit=shared_with, share=Decimal(1), sort_order=1)
    return item


def adopt(world, item, user):
    return outcome_actions.record_adoption(
        item=item, user=user, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )


def adoption_on_the_bureaus_item(world, user):
    return adopt(world, item_of(world, world.org.bureau), user)


def adoption_shared_with_the_bureau(world, user):
    return adopt(world, item_of(world, world.org.dept, shared_with=world.org.bureau), user)


def deduction_on_the_bureau(world, user):
    return outcome_actions.record_deduction(
        unit=world.org.bureau, user=user, rule="late-report", date=DAY, reason="迟报"
    )


def adjustment_on_the_bureau(world, user):
    return outcome_actions.record_adjustment(
        unit=world.org.bureau,
        user=user,
        rule="commendation",
        points=Decimal(3),
        range_min=Decimal(2),
        range_max=Decimal(5),
        date=DAY,
        reason="表彰",
    )


@pytest.fixture(params=["", MONTHLY_REPORTS], ids=["item-rules-only", "with-period-rules"])
def world(request):
    text = RULESET_2011 + COMMENDATION + request.param
    world = make_world(ruleset_text=text)
    world.province_ruleset = make_ruleset(
        world.org.province, name="省局2011", code="js-2011", text=text
    )
    world.province_office = make_user(
        "province-office", role=Role.OFFICE, unit=world.org.province_office
    )
    # as putting the rule sets in force does
    ledger.rescore_ruleset(world.ruleset)
    ledger.rescore_ruleset(world.province_ruleset)
    return world


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(adoption_on_the_bureaus_item, id="adoption-of-the-bureaus-item"),
        pytest.param(adoption_shared_with_the_bureau, id="item-shared-with-the-bureau"),
        pytest.param(deduction_on_the_bureau, id="deduction-on-the-bureau"),
        pytest.param(adjustment_on_the_bureau, id="adjustment-on-the-bureau"),
    ],
)
def test_an_outcome_on_the_issuer_is_scored_alike_by_both_paths(world, record):
    outcome = record(world, world.province_office)
    for ruleset in (world.ruleset, world.province_ruleset):
        live = lines_of(ruleset), standings_of(ruleset)
        ledger.rescore_ruleset(ruleset)
        assert (lines_of(ruleset), standings_of(ruleset)) == live, ruleset.name
    bureau = world.org.bureau.pk
    # the city's own rule set never credits the city bureau itself ...
    assert not ScoreLine.objects.filter(ruleset=world.ruleset, unit_id=bureau).exists()
    # ... its superior's does, once
    province = ScoreLine.objects.filter(ruleset=world.province_ruleset, outcome=outcome)
    assert set(province.values_list("unit_id", flat=True)) == {bureau}

    outcome_actions.revoke_outcome(outcome=outcome, user=world.province_office, reason="误录")
    for ruleset in (world.ruleset, world.province_ruleset):
        live = lines_of(ruleset), standings_of(ruleset)
        ledger.rescore_ruleset(ruleset)
        assert (lines_of(ruleset), standings_of(ruleset)) == live, ruleset.name


def test_an_item_shared_with_the_issuer_gives_its_whole_value_to_the_other_unit(world):
    outcome = adoption_shared_with_the_bureau(world, world.office)
    lines = ScoreLine.objects.filter(ruleset=world.ruleset, outcome=outcome, person=None)
    assert {line.unit_id for line in lines} == {world.org.dept.pk}
    assert sum(line.points for line in lines) == Decimal(20)  # 总局《专报信息》, not half
