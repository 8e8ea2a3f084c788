"""Recording and revoking outcomes moves the points at once, with explanations."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.submissions.world import DAY, approved_item, make_world, points_of, reported_item
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.models import Person
from xinxuan.outcomes import actions
from xinxuan.scoring.models import ScoreLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_reporting_an_item_earns_the_report_points(world):
    reported_item(world)
    assert points_of(world.org.dept) == Decimal("0.5")


def test_adoption_and_endorsement_add_points_that_explain_themselves(world):
    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    actions.record_endorsement(
        item=item,
        user=world.office,
        leader="市长",
        level=world.levels["city"],
        rank="main",
        date=DAY,
    )
    # 0.5 report + 20 专报信息 + 10 city principal leader
    assert points_of(world.org.dept) == Decimal("30.5")
    explanations = [line.explain("zh") for line in ScoreLine.objects.filter(item=item)]
    assert any("总局《专报信息》" in e and "= 20" in e for e in explanations)
    assert all("2011.1" in v for v in ScoreLine.objects.values_list("version", flat=True))


def test_revoking_the_endorsement_makes_the_points_fall_back(world):
    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    before = points_of(world.org.dept)
    endorsement = actions.record_endorsement(
        item=item, user=world.office, leader="副市长", level=world.levels["city"], date=DAY
    )
    assert points_of(world.org.dept) == before + 5
    actions.revoke_outcome(outcome=endorsement, user=world.office, reason="误录")
    assert points_of(world.org.dept) == before
    endorsement.refresh_from_db()
    assert endorsement.revoke_reason == "误录"


def test_revoking_twice_is_refused_and_counts_nothing_twice(world):
    item = reported_item(world)
    adoption = actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    actions.revoke_outcome(outcome=adoption, user=world.office, reason="重复")
    with pytest.raises(ActionRefused, match="office"):
        actions.revoke_outcome(outcome=adoption, user=world.office, reason="再次")
    assert points_of(world.org.dept) == Decimal("0.5")


def test_recording_the_same_adoption_twice_is_refused_with_who_was_first(world):
    item = reported_item(world)
    carrier = world.carriers["zongju-zhuanbao"]
    actions.record_adoption(item=item, user=world.office, carrier=carrier, date=DAY, issue="12")
    with pytest.raises(actions.DuplicateOutcome, match="office"):
        actions.record_adoption(item=item, user=world.office, carrier=carrier, date=DAY, issue="12")
    assert points_of(world.org.dept) == Decimal("20.5")


def test_shares_split_the_credit_between_units_exactly(world):
    item = approved_item(
        world, by=world.office, units=[(world.org.dept, Decimal(2)), (world.org.other_dept, 1)]
    )
    actions.record_publication(
        item=item, user=world.office, carrier=world.carriers["guomen-shibao"], date=DAY
    )
    # national media 5 points, 政务信息 factor 1: 2/3 and 1/3, adding up exactly
    total = points_of(world.org.dept) + points_of(world.org.other_dept)
    assert total == Decimal("5")
    assert points_of(world.org.dept) > points_of(world.org.other_dept)


def test_authors_get_person_credit_beside_the_unit(world):
    author = Person.objects.create(name="陈一", unit=world.org.dept)
    item = approved_item(world, authors=[(author, Decimal(1))])
    actions.record_publication(
        item=item, user=world.office, carrier=world.carriers["changzhou-ribao"], date=DAY
    )
    line = ScoreLine.objects.get(item=item, person=author)
    assert line.points == Decimal("2")


def test_a_section_item_counts_for_its_field_office(world):
    from tests.builders import make_user
    from xinxuan.accounts.roles import Role

    world.officer = make_user("sec-officer", role=Role.OFFICER, unit=world.org.section)
    world.head = make_user("sec-head", role=Role.HEAD, unit=world.org.section)
    item = approved_item(world, unit=world.org.section)
    actions.record_publication(
        item=item, user=world.office, carrier=world.carriers["changzhou-ribao"], date=DAY
    )
    assert points_of(world.org.section.parent) == Decimal("2")


def test_an_outcome_outside_any_rule_sets_period_scores_nothing(world):
    item = approved_item(world)
    actions.record_publication(
        item=item,
        user=world.office,
        carrier=world.carriers["changzhou-ribao"],
        date=dt.date(2012, 2, 1),
    )
    assert not ScoreLine.objects.filter(item=item).exists()


def test_a_deduction_for_a_unit_lowers_its_points(world):
    actions.record_deduction(
        unit=world.org.dept, user=world.office, rule="late-report", date=DAY, reason="迟报两天"
    )
    assert points_of(world.org.dept) == Decimal("-1")


def test_an_adjustment_outside_its_range_is_refused(world):
    with pytest.raises(ActionRefused):
        actions.record_adjustment(
            unit=world.org.dept,
            user=world.office,
            rule="x",
            points=Decimal("9"),
            range_min=Decimal("2"),
            range_max=Decimal("5"),
            date=DAY,
            reason="表现突出",
        )


def test_outcomes_are_recorded_only_for_approved_items(world):
    from tests.submissions.world import write_item

    item = write_item(world)
    with pytest.raises(ActionRefused):
        actions.record_adoption(
            item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
        )


def test_rescoring_an_item_twice_changes_nothing(world):
    from xinxuan.scoring import ledger

    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    before = (points_of(world.org.dept), ScoreLine.objects.count())
    ledger.rescore_item(item.pk)
    ledger.rescore_item(item.pk)
    assert (points_of(world.org.dept), ScoreLine.objects.count()) == before


def test_a_full_rescoring_agrees_with_the_live_points(world):
    from xinxuan.scoring import ledger

    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    actions.record_deduction(
        unit=world.org.other_dept, user=world.office, rule="late-report", date=DAY, reason="迟报"
    )
    live = (points_of(world.org.dept), points_of(world.org.other_dept))
    ledger.rescore_ruleset(world.ruleset)
    assert (points_of(world.org.dept), points_of(world.org.other_dept)) == live


def test_a_new_outcome_writes_its_own_lines_and_leaves_the_others_in_place(world):
    """Every line rewritten costs its indexes: lines equal to their replacement stay."""
    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    kept = set(ScoreLine.objects.filter(item=item).values_list("pk", flat=True))
    endorsement = actions.record_endorsement(
        item=item, user=world.office, leader="副市长", level=world.levels["city"], date=DAY
    )
    lines = ScoreLine.objects.filter(item=item)
    assert kept < set(lines.values_list("pk", flat=True))
    assert set(lines.exclude(pk__in=kept).values_list("outcome", flat=True)) == {endorsement.pk}
