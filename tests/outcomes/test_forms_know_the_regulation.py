"""The item page's outcome forms offer what the rule set in force knows — carriers,
grades, placements, prizes, leader levels — by their Chinese names with their points;
a value the rule set does not allow is refused with what it allows; and an outcome that
scores nothing says why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.submissions.world import DAY, RULESET_2011, approved_item, make_world
from xinxuan.outcomes import actions
from xinxuan.outcomes.models import Outcome, OutcomeKind
from xinxuan.scoring.models import ScoreLine

pytestmark = pytest.mark.django_db

# The 2011 regulation with what a newspaper-minded bureau adds: grades inside a
# carrier, a carrier valued by the assessor inside a range, placements, 报送 with its
# lateness and the lateness of a report.
RULESET = (
    RULESET_2011.replace(
        "[carriers.sheng-dongtai]\n",
        '[carriers.sheng-dongtai]\ngrades = { "参阅" = 6, "重要" = 12 }\n',
    )
    .replace("[carriers.shiwei-xinxi]\n", "[carriers.shiwei-xinxi]\nmin = 2\nmax = 5\n")
    .replace("[report]\npoints = 0.5\n", "[report]\npoints = 0.5\nlate = -1\n")
    + """
[placements.a2]
label_zh = "A2版"
mode = "multiply"
value = 0.5
[placements.toutiao]
label_zh = "头版头条"
mode = "replace"
value = 8

[submission]
points = 0.2
late = -0.5
"""
)


@pytest.fixture
def world():
    return make_world(ruleset_text=RULESET)


@pytest.fixture
def item(world):
    return approved_item(world)


@pytest.fixture
def office(client, world):
    client.force_login(world.office)
    return client


def record(client, item, kind, **data):
    data.setdefault("date", DAY.isoformat())
    url = reverse("outcomes:outcome-record", args=[item.pk, kind])
    return client.post(url, data, follow=True)


def points(outcome) -> Decimal:
    lines = ScoreLine.objects.filter(outcome=outcome, person__isnull=True)
    return sum((line.points for line in lines), Decimal(0))


def page(client, item) -> str:
    return client.get(reverse("submissions:item-detail", args=[item.pk])).text


def test_the_adoption_form_offers_the_rule_sets_carriers_grades_and_placements(office, item):
    text = page(office, item)
    assert "总局《专报信息》 · 20 分" in text
    assert "省政府《动态信息》 · 按等次：参阅 6／重要 12" in text
    assert "市委市政府信息 · 2～5 分，由评定人评定" in text
    assert "A2版 · ×0.5" in text and "头版头条 · 改按 8 分" in text
    assert "好新闻奖 · 按等次：一等奖 15／二等奖 10／三等奖 5" in text
    assert "市级 · 5 分（主要领导 10 分）" in text  # the endorsement's leader levels


def test_a_grade_and_a_placement_chosen_by_name_score(office, world, item):
    carrier = world.carriers["sheng-dongtai"]
    record(office, item, "adoption", carrier=carrier.pk, grade="重要", placement="a2", use="sole")
    adoption = Outcome.objects.get(kind=OutcomeKind.ADOPTION)
    assert (adoption.grade, adoption.placement) == ("重要", "a2")
    assert points(adoption) == Decimal(6)  # 重要 12 × A2版 0.5
    assert "A2版" in page(office, item)  # the placement by its name, not its key


@pytest.mark.parametrize(
    "carrier, grade, refusal",
    [
        pytest.param(
            "zongju-zhuanbao", "参阅", "没有“参阅”这一等次", id="a-carrier-without-grades"
        ),
        pytest.param("sheng-dongtai", "A2版", "选择一个有效的选项", id="a-grade-no-carrier-has"),
    ],
)
def test_a_grade_the_carrier_lacks_is_refused(office, world, item, carrier, grade, refusal):
    response = record(
        office, item, "adoption", carrier=world.carriers[carrier].pk, grade=grade, use="sole"
    )
    assert refusal in response.text
    assert not Outcome.objects.filter(kind=OutcomeKind.ADOPTION).exists()


def test_a_chosen_value_outside_the_range_is_refused_with_the_range(office, world, item):
    carrier = world.carriers["shiwei-xinxi"].pk
    response = record(office, item, "adoption", carrier=carrier, points="7", use="sole")
    assert "2～5" in response.text
    assert not Outcome.objects.filter(kind=OutcomeKind.ADOPTION).exists()
    record(office, item, "adoption", carrier=carrier, points="4", use="sole")
    assert points(Outcome.objects.get(kind=OutcomeKind.ADOPTION)) == Decimal(4)


def test_a_fixed_carrier_takes_no_chosen_value(office, world, item):
    carrier = world.carriers["zongju-zhuanbao"].pk
    response = record(office, item, "adoption", carrier=carrier, points="4", use="sole")
    assert "评定分值请留空" in response.text
    assert not Outcome.objects.filter(kind=OutcomeKind.ADOPTION).exists()


def test_the_prize_is_chosen_by_its_name_and_shown_by_it(office, item):
    record(office, item, "prize", rule="haoxinwen", grade="二等奖")
    prize = Outcome.objects.get(kind=OutcomeKind.PRIZE)
    assert points(prize) == Decimal(10)
    listed = page(office, item).split('<section class="outcomes">')[1].split("</section>")[0]
    assert "好新闻奖" in listed and "haoxinwen" not in listed


def test_a_prize_grade_of_another_prize_is_refused(office, item):
    response = record(office, item, "prize", rule="haoxinwen", grade="金奖")
    assert "选择一个有效的选项" in response.text
    assert not Outcome.objects.filter(kind=OutcomeKind.PRIZE).exists()


def test_a_late_submission_to_the_office_costs_its_deduction(office, item):
    record(office, item, "submission", date="2011-05-12", due="2011-05-10")
    submission = Outcome.objects.get(kind=OutcomeKind.SUBMISSION)
    assert submission.due == dt.date(2011, 5, 10)
    assert points(submission) == Decimal("-0.3")  # 0.2 − 0.5


def test_a_submission_on_time_earns_its_points(office, item):
    record(office, item, "submission", date="2011-05-10", due="2011-05-10")
    assert points(Outcome.objects.get(kind=OutcomeKind.SUBMISSION)) == Decimal("0.2")


def test_a_late_report_upward_costs_its_deduction(office, world, item):
    url = reverse("submissions:item-act", args=[item.pk, "report"])
    data = {"superior_body": world.body.pk, "date": "2011-05-12", "due": "2011-05-10"}
    office.post(url, data)
    report = Outcome.objects.get(kind=OutcomeKind.REPORT)
    assert report.due == dt.date(2011, 5, 10)
    assert points(report) == Decimal("-0.5")  # 0.5 − 1


@pytest.mark.parametrize(
    "when, says",
    [
        pytest.param(dt.date(2012, 3, 1), "没有施行中的办法覆盖 2012-03-01", id="no-rule-set"),
        pytest.param(DAY, "已撤销", id="revoked"),
    ],
)
def test_an_outcome_that_scores_nothing_says_why(office, world, item, when, says):
    outcome = actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=when
    )
    if when == DAY:
        actions.revoke_outcome(outcome=outcome, user=world.office, reason="重复")
    assert says in page(office, item)


def test_a_submission_under_a_rule_set_without_it_says_so(client):
    world = make_world()  # the 2011 regulation: 报送 earns nothing there
    item = approved_item(world)
    actions.record_submission(item=item, user=world.office, date=DAY)
    client.force_login(world.office)
    assert "对报送不计分" in page(client, item)


def test_an_imported_submission_and_report_keep_their_due_dates_and_lateness(world):
    from xinxuan.outcomes import importing
    from xinxuan.scoring.ledger import compile_ruleset

    header = "事件编号,稿件编号,标题,类别,字数,单位,作者,事件,日期,应报日期"
    rows = [
        "E1,I1,输欧盟中药面临生死考验,政务信息,1200,动植检处,,报送,2011-03-03,2011-03-01",
        "E2,I1,,,,,,上报,2011-03-05,2011-03-05",
    ]
    importing.run_import(
        "\n".join([header, *rows]) + "\n",
        bureau=world.org.bureau,
        ruleset=compile_ruleset(world.ruleset),
        user=world.office,
        skip_bad_rows=False,
    )
    submission = Outcome.objects.get(kind=OutcomeKind.SUBMISSION)
    report = Outcome.objects.get(kind=OutcomeKind.REPORT)
    assert (submission.due, report.due) == (dt.date(2011, 3, 1), dt.date(2011, 3, 5))
    assert (points(submission), points(report)) == (Decimal("-0.3"), Decimal("0.5"))


def test_an_endorsement_of_flat_value_needs_no_leader_level(client):
    world = make_world(ruleset_text=RULESET_2011 + "\n[endorsement]\nvalue = 3\n")
    item = approved_item(world)
    client.force_login(world.office)
    record(client, item, "endorsement", leader="王市长", rank="other")
    endorsement = Outcome.objects.get(kind=OutcomeKind.ENDORSEMENT)
    assert endorsement.level is None and points(endorsement) == Decimal(3)


def test_the_office_records_the_submission_when_the_item_reaches_it(office, world):
    from tests.submissions.world import write_item
    from xinxuan.submissions import actions as item_actions

    item = write_item(world)
    assert "登记报送" not in page(office, item)  # a draft has not reached the office
    item_actions.submit_item(item=item, user=world.officer)
    item_actions.head_approve_item(item=item, user=world.head)
    text = page(office, item)
    assert "登记报送" in text and "登记采用" not in text  # not approved yet
    record(office, item, "submission", date="2011-05-10")
    assert points(Outcome.objects.get(kind=OutcomeKind.SUBMISSION)) == Decimal("0.2")


def test_a_draft_cannot_be_recorded_as_submitted(world):
    from tests.submissions.world import write_item
    from xinxuan.lib.exceptions import ActionRefused

    with pytest.raises(ActionRefused):
        actions.record_submission(item=write_item(world), user=world.office, date=DAY)
