"""The demo year, scored under changzhou-2011.toml, gives the seed's figures."""

from decimal import Decimal

import pytest

from xinxuan.organisation import demo as organisation_demo
from xinxuan.organisation.models import Unit, UnitTarget
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.outcomes.models import Carrier
from xinxuan.scoring import demo as scoring_demo
from xinxuan.scoring import ledger
from xinxuan.scoring.models import RuleSet, ScoreLine
from xinxuan.submissions import demo as submissions_demo
from xinxuan.submissions.duplicates import similar_items
from xinxuan.submissions.models import Item, ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(settings):
    # As `make demo` loads it: no worker runs the queued background jobs meanwhile.
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    for module in (organisation_demo, submissions_demo, outcomes_demo, scoring_demo):
        module.load(log=lambda _message: None)
    ruleset = RuleSet.objects.get(code="changzhou-2011")
    return ruleset, ScoreLine.objects.filter(ruleset=ruleset, person__isnull=True)


def distinct(queryset, field):
    return queryset.values(field).distinct().count()


def test_more_than_150_information_items_were_reported(lines):
    _rs, unit_lines = lines
    assert distinct(unit_lines.filter(clause="report"), "item") >= 150


def test_16_items_were_adopted_at_provincial_or_national_level(lines):
    _rs, unit_lines = lines
    high = Carrier.objects.filter(level__code__in=["provincial", "national"])
    clauses = [f"adoption.carrier.{c.code}" for c in high]
    assert distinct(unit_lines.filter(clause__in=clauses), "item") == 16


def test_12_leader_endorsements(lines):
    _rs, unit_lines = lines
    assert distinct(unit_lines.filter(clause__startswith="endorsement"), "outcome") == 12


def test_more_than_300_media_articles(lines):
    _rs, unit_lines = lines
    assert distinct(unit_lines.filter(clause__startswith="publication"), "outcome") >= 300


def test_the_plant_department_is_at_140_percent_and_200_points_ahead(lines):
    ruleset, _lines = lines
    rows = ledger.standings(ruleset)
    first, second = rows[0], rows[1]
    dzj = Unit.objects.get(code="cz-dzj")
    target = UnitTarget.objects.get(unit=dzj, year=2011).points
    assert first.unit == dzj
    assert first.points / target == Decimal("1.4")
    assert first.points - second.points >= 200


def test_the_year_is_believable_the_whole_bureau_writes_at_most_800_items(lines):
    assert Item.objects.count() <= 800
    website = Carrier.objects.get(code="benju-wangzhan")
    assert website.outcome_set.count() <= 300  # the everyday fill is not most of the year


def test_loading_the_demo_twice_changes_nothing(lines):
    ruleset, unit_lines = lines
    before = (unit_lines.count(), [r.points for r in ledger.standings(ruleset)])
    for module in (submissions_demo, outcomes_demo, scoring_demo):
        module.load(log=lambda _message: None)
    assert (unit_lines.count(), [r.points for r in ledger.standings(ruleset)]) == before


def test_demo_items_read_like_real_ones_and_one_near_copy_is_flagged(lines):
    titles = list(Item.objects.values_list("unit_id", "title"))
    assert len(set(titles)) >= len(titles) - 1  # only the planted copy repeats a title
    sample = Item.objects.filter(status=ItemStatus.REPORTED).first()
    assert sample.char_count == sample.count_chars() > 100
    waiting = Item.objects.filter(status=ItemStatus.HEAD_APPROVED, unit__code="cz-wsjy").get()
    [match] = similar_items(waiting)
    assert match.item.unit.code == "cz-dzj" and match.percent >= 90


def test_the_demo_has_a_regulation_in_force_this_year_so_work_done_today_scores(lines):
    from django.utils import timezone

    from xinxuan.accounts.models import User
    from xinxuan.outcomes import actions
    from xinxuan.submissions.models import APPROVED_STATES

    today = timezone.localdate()
    current = RuleSet.objects.active().get(effective_from__lte=today, effective_to__gte=today)
    assert current.effective_from.year == today.year and current.code.endswith(str(today.year))
    item = Item.objects.filter(status__in=APPROVED_STATES, kind__code="zhengwu").first()
    adoption = actions.record_adoption(
        item=item,
        user=User.objects.get(username="office"),
        carrier=Carrier.objects.get(code="zongju-zhuanbao"),
        date=today,
    )
    assert ledger.outcome_points(adoption) == 20
