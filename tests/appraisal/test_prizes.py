"""Prizes proposed from the standings, adjusted with a reason, confirmed and audited."""

import io

import pytest
from django.urls import reverse
from docx import Document
from wagtail.models import ModelLogEntry

from tests.appraisal.world import field_office, set_person_points, set_points, year_world
from tests.submissions.world import DAY, RULESET_2011, reported_item
from xinxuan.appraisal import actions
from xinxuan.appraisal.models import Appraisal, AppraisalStatus, Recipient, Track
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.models import Person
from xinxuan.outcomes import actions as outcome_actions

pytestmark = pytest.mark.django_db


def collective(appraisal, track=Track.PUBLICITY):
    return [
        (a.tier_label, a.unit.label)
        for a in appraisal.awards.filter(track=track, recipient=Recipient.COLLECTIVE)
    ]


def test_the_standings_give_first_second_and_third_prizes():
    world = year_world(points=(140, 90, 70))
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    assert collective(appraisal) == [
        ("一等奖", "动植检处"),
        ("二等奖", "卫生检疫处"),
        ("二等奖", "武进办"),
    ]
    assert appraisal.status == AppraisalStatus.PROPOSED


def test_a_unit_below_the_minimum_completion_gets_nothing_and_its_place_passes_down():
    world = year_world(points=(140, 50, 70))  # 卫生检疫处 at 50 % of target, the rule asks 60 %
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    assert collective(appraisal) == [("一等奖", "动植检处"), ("二等奖", "武进办")]


def test_individuals_are_ranked_by_their_own_points():
    world = year_world()
    best = Person.objects.create(name="甲", unit=world.org.dept)
    set_person_points(world, best, 40)
    set_person_points(world, world.officer.person, 10)
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    individuals = appraisal.awards.filter(track=Track.PUBLICITY, recipient=Recipient.INDIVIDUAL)
    assert [(a.tier_label, a.person.name) for a in individuals] == [
        ("先进个人", "甲"),
        ("先进个人", "officer"),
    ]


def test_equal_points_across_a_prize_boundary_are_shown_and_block_confirmation(client):
    world = year_world(points=(90, 90, 70))
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    tied = appraisal.awards.filter(tied=True, track=Track.PUBLICITY)
    assert sorted(a.unit.label for a in tied) == ["动植检处", "卫生检疫处"]
    client.force_login(world.office)
    page = client.get(reverse("appraisal:appraisal-detail", args=[world.ruleset.pk])).text
    assert "并列" in page
    with pytest.raises(ActionRefused):
        actions.confirm_appraisal(appraisal=appraisal, user=world.office)


def test_an_adjustment_needs_a_reason_and_changes_nothing_without_one():
    world = year_world(points=(90, 90, 70))
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    second = appraisal.awards.get(
        track=Track.PUBLICITY, recipient=Recipient.COLLECTIVE, tier="second", tied=True
    )
    with pytest.raises(ActionRefused):
        actions.adjust_award(award=second, user=world.office, reason="  ", tier="first")
    second.refresh_from_db()
    assert second.tier == "second" and second.tied


def test_the_office_decides_a_tie_confirms_and_both_steps_are_audited(client):
    world = year_world(points=(90, 90, 70))
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    for award in appraisal.awards.filter(tied=True):
        actions.adjust_award(
            award=award, user=world.office, reason="局务会研究，按高级别采用数决定", tier=award.tier
        )
    confirmed = actions.confirm_appraisal(appraisal=appraisal, user=world.office)
    assert confirmed.status == AppraisalStatus.CONFIRMED and confirmed.confirmed_by == world.office
    logged = set(
        ModelLogEntry.objects.filter(object_id=str(appraisal.pk)).values_list("action", flat=True)
    )
    assert {"xinxuan.appraisal.propose", "xinxuan.appraisal.adjust"} <= logged
    assert "xinxuan.appraisal.confirm" in logged
    with pytest.raises(ActionRefused):
        actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    client.force_login(world.office)
    url = reverse("appraisal:appraisal-certificates", args=[world.ruleset.pk])
    response = client.get(url, {"day": "2012-03-23"})
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "荣誉证书" in text and "卫生检疫处" in text and "2012年3月23日" in text


def test_the_adjust_screen_withdraws_an_award_with_its_reason_and_refuses_an_empty_one(client):
    world = year_world()
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    award = appraisal.awards.get(unit=field_office(world), recipient=Recipient.COLLECTIVE)
    client.force_login(world.office)
    url = reverse("appraisal:award-adjust", args=[award.pk])
    page = client.post(url, {"tier": "__withdraw__", "recipient": f"u{award.unit_id}"}).text
    assert "请说明调整理由" in page
    award.refresh_from_db()
    assert not award.withdrawn
    client.post(
        url, {"tier": "__withdraw__", "recipient": f"u{award.unit_id}", "reason": "有一票否决事项"}
    )
    award.refresh_from_db()
    assert award.withdrawn and award.adjusted_reason == "有一票否决事项"


def test_policy_research_prizes_count_only_research_items(client):
    world = year_world()
    item = reported_item(world, kind="diaoyan", title="进口肉类检疫监管调研报告")
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    # 卫生检疫处 leads on the whole score, 动植检处 alone wrote policy research
    set_points(world, world.org.dept, 70)
    set_points(world, world.org.other_dept, 140)
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    assert collective(appraisal)[0] == ("一等奖", "卫生检疫处")
    assert collective(appraisal, Track.RESEARCH) == [("一等奖", "动植检处")]


def test_a_rule_set_without_an_appraisal_section_gives_a_message_not_an_error(client):
    text = RULESET_2011[: RULESET_2011.index("[appraisal.collective]")]
    world = year_world(text=text)
    with pytest.raises(ActionRefused) as refused:
        actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    assert "没有考评" in refused.value.message
    client.force_login(world.office)
    response = client.get(reverse("appraisal:appraisal-detail", args=[world.ruleset.pk]))
    assert response.status_code == 200 and "没有考评" in response.text
    response = client.post(
        reverse("appraisal:appraisal-propose", args=[world.ruleset.pk]), follow=True
    )
    assert response.status_code == 200 and "没有考评" in response.text


@pytest.mark.parametrize(
    "who",
    [pytest.param("outsider", id="other-bureau-office"), pytest.param("officer", id="officer")],
)
def test_another_bureau_reads_nothing_and_an_officer_changes_nothing(client, who):
    world = year_world()
    user = getattr(world, who)
    client.force_login(user)
    detail = client.get(reverse("appraisal:appraisal-detail", args=[world.ruleset.pk]))
    propose = client.post(reverse("appraisal:appraisal-propose", args=[world.ruleset.pk]))
    assert propose.status_code == 403
    assert detail.status_code == (403 if who == "outsider" else 200)
    assert not Appraisal.objects.filter(ruleset=world.ruleset).exists()


def test_headline_figures_of_a_unit_and_period_count_live_outcomes_only(client):
    world = year_world()
    item = reported_item(world)
    adoption = outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["shiwei-xinxi"], date=DAY
    )
    client.force_login(world.office)
    url = reverse("appraisal:figures")
    query = {"unit": world.org.bureau.pk, "start": "2011-01-01", "end": "2011-12-31"}
    page = client.get(url, query).text
    assert "<th>省级及以上录用</th><td>1</td>" in page
    assert "<th>上报信息</th><td>1</td>" in page
    outcome_actions.revoke_outcome(outcome=adoption, user=world.office, reason="误录")
    assert "<th>省级及以上录用</th><td>0</td>" in client.get(url, query).text
    bad = client.get(url, query | {"end": "2010-01-01"}).text
    assert "截止日期早于起始日期" in bad
    other = client.get(url, query | {"unit": world.org.other_bureau.pk}).text
    assert "省级及以上录用</th>" not in other  # not a unit this office may choose


def test_the_office_can_give_a_prize_to_another_unit_with_a_reason_but_not_outside_the_bureau():
    world = year_world(points=(140, 90, 70))
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    award = appraisal.awards.get(
        track=Track.PUBLICITY, recipient=Recipient.COLLECTIVE, unit=field_office(world)
    )
    with pytest.raises(ActionRefused):
        actions.adjust_award(
            award=award, user=world.office, reason="调整", unit=world.org.other_bureau_dept
        )
    award.refresh_from_db()
    assert award.unit == field_office(world)
    actions.adjust_award(
        award=award,
        user=world.office,
        reason="武进办有一票否决事项，由综合处递补",
        unit=world.org.office,
    )
    award.refresh_from_db()
    assert award.unit == world.org.office and award.adjusted_reason.startswith("武进办")


def test_a_tie_the_rule_set_breaks_is_not_left_to_the_office():
    """动植检处 and 卫生检疫处 both have 90 points; with ``tie_break = ["completion"]``
    the one nearer its target (90 of 100 against 90 of 120) takes the first prize."""
    text = RULESET_2011.replace(
        "min_completion = 0.6", 'min_completion = 0.6\ntie_break = ["completion"]', 1
    )
    assert text != RULESET_2011
    world = year_world(text=text, points=(90, 90, 70))
    set_points(world, world.org.other_dept, 90, target=120)
    appraisal = actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    assert collective(appraisal)[:2] == [("一等奖", "动植检处"), ("二等奖", "卫生检疫处")]
    assert not appraisal.awards.filter(tied=True, track=Track.PUBLICITY).exists()
    actions.confirm_appraisal(appraisal=appraisal, user=world.office)
