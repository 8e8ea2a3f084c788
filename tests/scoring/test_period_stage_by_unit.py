"""One changed outcome recomputes the period rules of the units it touched, from the
clause sums; the lines and standings are exactly those of a full rescoring.

Property-style: for each rule set below, a seeded random run of changes (new items and
their reports, adoptions, publications, endorsements, revocations, moved dates,
deductions with and without a person, missed commissions) goes through the per-change
path (``ledger.after_change``), and at every checkpoint the stored lines, standings and
clause sums are compared with those a full rescoring of the rule set writes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.submissions.world import RULESET_2011, make_world
from xinxuan.organisation.models import Person
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import ledger
from xinxuan.scoring.models import ClauseSum, ScoreLine, Standing
from xinxuan.submissions.models import Item, ItemAuthor, ItemStatus

pytestmark = pytest.mark.django_db

QUOTAS_AND_BASE = """
[quotas.reports]
label_zh = "月度上报任务"
period = "month"
counts = "report"
required = 2
basis = "per_piece"
per_piece = -1

[quotas.points]
label_zh = "季度达标"
period = "quarter"
counts = "points"
required = 20
basis = "points"
k = 1
met = 2

[base]
period = "month"
points = 10
floor = 0
cap_additions = 30
requires_quota = "reports"
"""

RATES_STEPS_CAPS = """
[rates.quarterly]
label_zh = "季度采用率"
period = "quarter"
below = 0.5
points = -1
min_reports = 2

[steps.yearly]
label_zh = "年度阶梯奖励"
period = "year"
counts = "adoption"
thresholds = [[3, 5], [6, 12]]

[caps.media]
label_zh = "媒体封顶"
period = "year"
clauses = ["publication"]
cap = 6

[caps.month]
label_zh = "月度采用封顶"
period = "month"
clauses = ["adoption"]
cap = 25
"""

REPEAT = """
[deductions.repeat]
label_zh = "重复差错"
points = -2
escalation = [1, 2, 4]
escalation_period = "quarter"
"""

VETOES_AND_ESCALATION = (
    REPEAT
    + """
[commission]
delivered = 5
missed = -10
late = -2

[vetoes.commission]
label_zh = "两次未完成约稿"
event = "commission_missed"
count = 2
period = "year"
"""
)

WEEKLY_QUOTA = """
[quotas.weekly]
label_zh = "每周上报"
period = "week"
counts = "report"
required = 1
basis = "flat"
flat = -1
"""

PERSON_ESCALATION = REPEAT + "escalation_persons = true\n" + RATES_STEPS_CAPS


def shots(world):
    """What the ledger holds under the rule set: lines, standings, clause sums."""
    lines = Counter(
        (
            line.unit_id,
            line.person_id,
            line.item_id,
            line.event_key,
            line.clause,
            line.points,
            line.date,
            line.tally,
            line.explanation,  # rendered from the stored calculation
        )
        for line in ScoreLine.objects.filter(ruleset=world.ruleset).select_related("calc")
    )
    standings = {
        (s.unit_id, s.person_id): (s.points, s.adopted)
        for s in Standing.objects.filter(ruleset=world.ruleset)
        if s.points or s.adopted
    }
    sums = {
        (c.unit_id, c.date, c.clause, c.sign): (c.points, c.tally, c.lines)
        for c in ClauseSum.objects.filter(ruleset=world.ruleset)
    }
    return lines, standings, sums


class Run:
    """Random changes to the ledger of ``world``, each through the per-change path."""

    def __init__(self, world, seed: int, *, commissions: bool, repeat: bool) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.commissions = commissions
        self.repeat = repeat
        org = world.org
        self.units = [org.dept, org.other_dept, org.section, org.office]
        self.persons = [
            Person.objects.create(name=f"作者{n}", unit=unit) for n, unit in enumerate(self.units)
        ]
        self.items: list[Item] = []
        self.count = 0
        # as putting the rule set in force does: every unit's period lines, from nothing
        ledger.rescore_ruleset(world.ruleset)

    def day(self) -> dt.date:
        return dt.date(2011, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def outcome(self, **fields) -> Outcome:
        self.count += 1
        outcome = Outcome.objects.create(
            recorded_by=self.world.office, issue=f"p{self.count}", **fields
        )
        ledger.after_change(outcome)
        return outcome

    def new_item(self) -> None:
        rng, world = self.rng, self.world
        unit = rng.choice(self.units)
        item = Item.objects.create(
            title=f"稿件{len(self.items)}",
            kind=world.kinds[rng.choice(["zhengwu", "tongxun"])],
            unit=unit,
            status=ItemStatus.REPORTED,
            created_at=timezone.now(),
            status_since=timezone.now(),
            char_count=800,
        )
        if rng.random() < 0.5:
            ItemAuthor.objects.create(
                item=item, person=self.persons[self.units.index(unit)], share=Decimal(1)
            )
        self.items.append(item)
        self.outcome(
            kind="report",
            item=item,
            unit=unit,
            date=self.day(),
            superior_body=world.body,
            route=world.route,
        )

    def on_item(self) -> None:
        rng, world = self.rng, self.world
        item = rng.choice(self.items)
        kind = rng.choice(["adoption", "adoption", "publication", "endorsement", "deduction"])
        extra: dict[str, object] = {}
        if kind == "deduction":  # on the item: a repeated one escalates by its order
            extra.update(rule="repeat" if self.repeat else "late-report", reason="差错")
        elif kind == "adoption":
            extra["carrier"] = world.carriers[
                rng.choice(["zongju-zhuanbao", "sheng-dongtai", "shiwei-xinxi", "benju-wangzhan"])
            ]
        elif kind == "publication":
            extra["carrier"] = world.carriers[rng.choice(["changzhou-ribao", "guomen-shibao"])]
        else:
            extra.update(leader="市长", level=world.levels["city"])
        self.outcome(kind=kind, item=item, unit=item.unit, date=self.day(), **extra)

    def loose(self) -> None:
        rng = self.rng
        unit = rng.choice(self.units)
        if self.commissions and rng.random() < 0.3:
            self.outcome(kind="commission_missed", unit=unit, date=self.day(), reason="未交稿")
            return
        person = self.persons[self.units.index(unit)] if rng.random() < 0.4 else None
        rule = "repeat" if self.repeat and rng.random() < 0.6 else "late-report"
        self.outcome(
            kind="deduction", unit=unit, person=person, rule=rule, date=self.day(), reason="差错"
        )

    def revoke(self) -> None:
        live = Outcome.objects.filter(revoked_at__isnull=True).order_by("pk")
        if live.exists():
            outcome = self.rng.choice(list(live))
            outcome.revoked_at = timezone.now()
            outcome.revoke_reason = "误录"
            outcome.save()
            ledger.after_change(outcome)

    def move(self) -> None:
        outcomes = list(Outcome.objects.filter(revoked_at__isnull=True).order_by("pk"))
        if outcomes:
            outcome = self.rng.choice(outcomes)
            outcome.date = self.day()
            outcome.save()
            ledger.after_change(outcome)

    def step(self) -> None:
        if len(self.items) < 3:
            self.new_item()
            return
        action = self.rng.choices(
            [self.new_item, self.on_item, self.loose, self.revoke, self.move],
            weights=[4, 6, 3, 1, 1],
        )[0]
        action()


@pytest.mark.parametrize(
    ("extra", "commissions", "repeat"),
    [
        pytest.param(QUOTAS_AND_BASE, False, False, id="quotas-and-base"),
        pytest.param(RATES_STEPS_CAPS, False, False, id="rates-steps-caps"),
        pytest.param(VETOES_AND_ESCALATION, True, True, id="vetoes-and-escalation"),
        pytest.param(WEEKLY_QUOTA, False, False, id="weekly-quota"),
        pytest.param(PERSON_ESCALATION, False, True, id="person-escalation-whole-stage"),
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_changes_one_by_one_give_the_lines_of_a_full_rescoring(extra, commissions, repeat, seed):
    world = make_world(ruleset_text=RULESET_2011 + extra)
    run = Run(world, seed, commissions=commissions, repeat=repeat)
    for checkpoint in range(4):
        for _ in range(15):
            run.step()
        live = shots(world)
        ledger.rescore_ruleset(world.ruleset)
        full = shots(world)
        assert live[0] == full[0], f"lines differ at checkpoint {checkpoint}"
        assert live[1] == full[1], f"standings differ at checkpoint {checkpoint}"
        assert live[2] == full[2], f"clause sums differ at checkpoint {checkpoint}"
    # the rule set's period rules did write lines: the comparison compared something
    assert ScoreLine.objects.filter(ruleset=world.ruleset, item__isnull=True).exists()


def test_an_adoption_recomputes_only_its_units_period_lines():
    world = make_world(ruleset_text=RULESET_2011 + QUOTAS_AND_BASE)
    run = Run(world, 5, commissions=False, repeat=False)
    for _ in range(20):
        run.step()
    org = world.org
    other = set(
        ScoreLine.objects.filter(
            ruleset=world.ruleset, item__isnull=True, unit=org.other_dept
        ).values_list("pk", flat=True)
    )
    item = next(i for i in run.items if i.unit_id == org.dept.pk)
    run.outcome(
        kind="adoption",
        item=item,
        unit=item.unit,
        date=dt.date(2011, 3, 3),
        carrier=world.carriers["sheng-dongtai"],
    )
    # the other department's period lines were left as they were, row for row
    assert other == set(
        ScoreLine.objects.filter(
            ruleset=world.ruleset, item__isnull=True, unit=org.other_dept
        ).values_list("pk", flat=True)
    )
    assert other


def test_clause_sums_missing_from_an_older_database_are_built_on_the_next_change():
    world = make_world(ruleset_text=RULESET_2011 + QUOTAS_AND_BASE)
    run = Run(world, 8, commissions=False, repeat=False)
    for _ in range(10):
        run.step()
    ClauseSum.objects.all().delete()
    run.on_item()
    live = shots(world)
    ledger.rescore_ruleset(world.ruleset)
    assert live == shots(world)
