"""What the rule set proposes for a period, read from the stored standings.

The appraisal never scores: it hands the engine's appraisal functions a ``Result``
rebuilt from the ``Standing`` rows and the stored score lines (the adapter below),
and reports where the engine's fixed order (points, then identifier) hides a tie at
a prize boundary, so that the office decides those instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from xinxuan.organisation.models import Person, Team, TeamMembership, Unit
from xinxuan.scoring import engine, ledger
from xinxuan.scoring.engine import appraisal as rules
from xinxuan.scoring.models import RuleSet, ScoreLine
from xinxuan.submissions.models import Item

from .models import Elimination, PlaqueAward, Recipient, Track

ZERO = Decimal(0)

# Item kinds whose points make the policy-research prizes (调研/政策研究). The rule set
# has no key for it yet, so a deployment may name its own kinds in settings.
RESEARCH_KINDS: tuple[str, ...] = tuple(
    getattr(settings, "XINXUAN_RESEARCH_KINDS", ("diaoyan", "yanjiu"))
)

WHO = {Recipient.COLLECTIVE: "collective", Recipient.INDIVIDUAL: "individual"}


class NoAppraisalRules(Exception):
    """The rule set has no appraisal section (or not the part asked for)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Proposed:
    track: str
    recipient: str
    tier: str
    tier_label: str
    tier_order: int
    place: int
    unit: Unit
    person: Person | None = None
    item: Item | None = None
    points: Decimal = ZERO
    completion: Decimal | None = None  # percent
    tied: bool = False


@dataclass(frozen=True)
class Tie:
    """Equal points on both sides of a prize boundary."""

    track: str
    recipient: str
    points: Decimal
    names: tuple[str, ...]
    upper: str  # the better prize at stake
    lower: str  # the prize (or none) below it
    after_tie_break: bool = False  # the rule set's tie-breaks are equal too

    def describe(self) -> str:
        if self.after_tie_break:
            text = _(
                "%(names)s have the same points (%(points)s) at the boundary between "
                "%(upper)s and %(lower)s, and the rule set's tie-breaks do not part "
                "them either, so the office decides."
            )
        else:
            text = _(
                "%(names)s have the same points (%(points)s) at the boundary between "
                "%(upper)s and %(lower)s; the rule set does not say who goes up, so the "
                "office decides."
            )
        return text % {
            "names": "、".join(self.names),
            "points": f"{self.points:.1f}",
            "upper": self.upper,
            "lower": self.lower,
        }


@dataclass
class Proposal:
    ruleset: RuleSet
    awards: list[Proposed] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)


def appraisal_rules(ruleset: RuleSet) -> dict[str, dict[str, Any]]:
    return ledger.compile_ruleset(ruleset).appraisal


def require_section(ruleset: RuleSet, part: str | None = None) -> dict[str, Any]:
    """The rule set's appraisal section (or one part of it); ``NoAppraisalRules`` with
    a message the office can act on when it is missing."""
    section = appraisal_rules(ruleset)
    if not section:
        raise NoAppraisalRules(
            _(
                "“%(name)s” has no appraisal section, so there are no prizes, plaque or "
                "eliminations to propose. Add the appraisal rules to the rule set first."
            )
            % {"name": ruleset.name}
        )
    if part is not None and not section.get(part):
        raise NoAppraisalRules(PART_MISSING[part]() % {"name": ruleset.name})
    return section


PART_MISSING = {
    "plaque": lambda: _("“%(name)s” does not provide for a rotating plaque."),
    "elimination": lambda: _("“%(name)s” does not provide for last-place elimination."),
    "collective": lambda: _("“%(name)s” names no prizes for collectives."),
}


# ------------------------------------------------------------------ adapter: standings → Result


def _veto_lines(ruleset: RuleSet) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(unit=str(unit_id), person=None, clause=clause, item=None, points=ZERO)
        for unit_id, clause in ScoreLine.objects.filter(
            ruleset=ruleset, person__isnull=True, clause__startswith="veto."
        ).values_list("unit_id", "clause")
    ]


def _total(id_: str, points, *, target, unit_class=None, adopted=0, unit=None) -> engine.Total:
    return engine.Total(
        id=id_,
        points=points,
        own_points=points,  # the standings are per unit; none is a roll-up here
        unit_class=unit_class,
        target=target,
        completion=(points / target) if target else None,
        rank=0,
        class_rank=0,
        adopted=adopted,
        by_month=(),
        unit=unit,
    )


def _ranked(totals: dict[str, engine.Total]) -> dict[str, engine.Total]:
    """Fill in rank and class rank (equal points share a rank: 1, 2, 2, 4)."""
    ordered = sorted(totals.values(), key=lambda t: (-t.points, t.id))
    out: dict[str, engine.Total] = {}
    overall = _shared_ranks(ordered)
    by_class: dict[str | None, list[engine.Total]] = defaultdict(list)
    for t in ordered:
        by_class[t.unit_class].append(t)
    in_class = {t.id: r for members in by_class.values() for t, r in _shared_ranks(members)}
    for t, rank in overall:
        out[t.id] = replace(t, rank=rank, class_rank=in_class[t.id])
    return out


def _shared_ranks(ordered: list[engine.Total]) -> list[tuple[engine.Total, int]]:
    ranked: list[tuple[engine.Total, int]] = []
    for index, t in enumerate(ordered):
        same = ranked and ranked[-1][0].points == t.points
        ranked.append((t, ranked[-1][1] if same else index + 1))
    return ranked


def _track_points(ruleset: RuleSet, track: str, *, persons: bool) -> dict[int, Decimal] | None:
    """Points of the research items per unit (or person); None for the whole score."""
    if track == Track.PUBLICITY:
        return None
    lines = ScoreLine.objects.filter(
        ruleset=ruleset, item__kind__code__in=RESEARCH_KINDS, person__isnull=not persons
    )
    key = "person_id" if persons else "unit_id"
    return {
        row[key]: row["total"] for row in lines.values(key).annotate(total=Sum("points")).order_by()
    }


@dataclass
class Standings:
    """A ``Result`` for the engine and the Django objects its identifiers stand for."""

    result: engine.Result
    units: dict[str, Unit]
    persons: dict[str, Person]


def standings_result(ruleset: RuleSet, track: str = Track.PUBLICITY) -> Standings:
    """The stored standings of a rule set as the engine's ``Result`` (no rescoring)."""
    unit_points = _track_points(ruleset, track, persons=False)
    units: dict[str, Unit] = {}
    unit_totals: dict[str, engine.Total] = {}
    for row in ledger.standings(ruleset):
        key = str(row.unit.pk)
        units[key] = row.unit
        points = row.points if unit_points is None else unit_points.get(row.unit.pk, ZERO)
        total = _total(
            key,
            points,
            target=row.target,
            unit_class=str(row.unit.unit_class_id) if row.unit.unit_class_id else None,
            adopted=row.adopted,
        )
        if unit_points is not None:
            # the research prizes keep the unit's eligibility on its whole target
            whole = (row.points / row.target) if row.target else None
            total = replace(total, completion=whole)
        unit_totals[key] = total
    person_points = _track_points(ruleset, track, persons=True)
    persons: dict[str, Person] = {}
    person_totals: dict[str, engine.Total] = {}
    for prow in ledger.person_standings(ruleset):
        key = str(prow.person.pk)
        persons[key] = prow.person
        points = prow.points if person_points is None else person_points.get(prow.person.pk, ZERO)
        person_totals[key] = _total(
            key, points, target=prow.target, adopted=prow.adopted, unit=str(prow.unit.pk)
        )
    compiled = ledger.compile_ruleset(ruleset)
    result = engine.Result(
        ruleset_id=compiled.id,
        version=ruleset.version_label,
        lines=tuple(_veto_lines(ruleset)),  # type: ignore[arg-type]
        units=_ranked(unit_totals),
        persons=_ranked(person_totals),
        classes={},
        months=(),
    )
    return Standings(result, units, persons)


# ------------------------------------------------------------------ prizes


def _tier_labels(rule: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["id"], t.get("label_zh", t["id"])) for t in rule.get("tiers", [])]


def _eligible(total: engine.Total, rule: dict[str, Any], vetoed: frozenset[str]) -> bool:
    minimum = rule.get("min_completion")
    if total.points <= 0 or (rule.get("exclude_vetoed") and total.id in vetoed):
        return False
    return minimum is None or (
        total.completion is not None and total.completion >= Decimal(str(minimum))
    )


def _tallies(ruleset: RuleSet, who: str) -> rules.Tallies:
    """The stored lines' points and counted lines per unit (or person) and clause, for
    the rule set's tie-breaks."""
    field = "unit_id" if who == "collective" else "person_id"
    rows = (
        ScoreLine.objects.filter(ruleset=ruleset, person__isnull=who == "collective")
        .values(field, "clause")
        .annotate(total=Sum("points"), counted=Count("pk", filter=Q(points__gt=0)))
        .order_by()
    )
    return {(str(row[field]), row["clause"]): (row["total"], row["counted"]) for row in rows}


def _prizes(ruleset: RuleSet, rule: dict[str, Any], track: str, recipient: str) -> Proposal:
    data = standings_result(ruleset, track)
    compiled = ledger.compile_ruleset(ruleset)
    who = WHO[recipient]
    tallies = _tallies(ruleset, who) if rule.get("tie_break") else {}
    awards = rules.award_prizes(compiled, data.result, who=who, tallies=tallies)
    tie_break = rules.tie_break_key(compiled, who, tallies)
    totals = data.result.units if who == "collective" else data.result.persons
    order = {tier_id: n for n, (tier_id, _label) in enumerate(_tier_labels(rule))}
    labels = dict(_tier_labels(rule))
    proposal = Proposal(ruleset)
    vetoed = rules.vetoed_units(data.result)
    ties: list[Tie] = []
    tied_ids: set[str] = set()
    by_group: dict[str | None, list[rules.Award]] = defaultdict(list)
    for award in awards:
        by_group[award.unit_class].append(award)
    for group, group_awards in by_group.items():
        winners = {a.winner for a in group_awards}
        for index, award in enumerate(group_awards):
            below = group_awards[index + 1] if index + 1 < len(group_awards) else None
            if below is not None and below.tier == award.tier:
                continue
            points = totals[award.winner].points
            broken_by = tie_break(totals[award.winner])
            same = [
                t.id
                for t in totals.values()
                if t.points == points
                and tie_break(t) == broken_by
                and (not rule.get("by_class") or t.unit_class == group)
                and _eligible(t, rule, vetoed)
                and (t.id not in winners or _tier_of(group_awards, t.id) != award.tier)
            ]
            if not same:
                continue
            group_ids = [award.winner, *same]
            tied_ids.update(group_ids)
            names = tuple(_name(data, who, i) for i in group_ids)
            ties.append(
                Tie(
                    track,
                    recipient,
                    points,
                    names,
                    labels[award.tier],
                    labels[below.tier] if below is not None else _("no prize"),
                    after_tie_break=bool(rule.get("tie_break")),
                )
            )
    for award in awards:
        total = totals[award.winner]
        person = data.persons.get(award.winner) if who == "individual" else None
        unit = person.unit if person is not None else data.units[award.winner]
        proposal.awards.append(
            Proposed(
                track=track,
                recipient=recipient,
                tier=award.tier,
                tier_label=award.label[0],
                tier_order=order.get(award.tier, 0),
                place=award.place,
                unit=unit,
                person=person,
                points=total.points,
                completion=total.completion * 100 if total.completion is not None else None,
                tied=award.winner in tied_ids,
            )
        )
    proposal.ties = ties
    return proposal


def _tier_of(awards: list[rules.Award], winner: str) -> str | None:
    return next((a.tier for a in awards if a.winner == winner), None)


def _name(data: Standings, who: str, key: str) -> str:
    if who == "individual":
        return data.persons[key].name
    return data.units[key].label


def _item_awards(ruleset: RuleSet, section: dict[str, Any]) -> list[Proposed]:
    rule = section.get("item_awards")
    if not rule:
        return []
    sums = (
        ScoreLine.objects.filter(ruleset=ruleset, person__isnull=True, item__isnull=False)
        .values("item_id")
        .annotate(total=Sum("points"))
        .order_by()
    )
    items = Item.objects.select_related("kind", "unit").in_bulk([s["item_id"] for s in sums])
    lines = [
        SimpleNamespace(person=None, item=str(s["item_id"]), points=s["total"], unit="")
        for s in sums
    ]
    engine_items = [SimpleNamespace(id=str(pk), kind=item.kind.code) for pk, item in items.items()]
    fake = SimpleNamespace(lines=lines)
    chosen = rules.item_awards(ledger.compile_ruleset(ruleset), fake, engine_items)  # type: ignore[arg-type]
    points = {str(s["item_id"]): s["total"] for s in sums}
    label = rule.get("label_zh") or _("Outstanding item")
    out = []
    for place, key in enumerate(chosen, 1):
        item = items[int(key)]
        out.append(
            Proposed(
                track=Track.PUBLICITY,
                recipient=Recipient.ITEM,
                tier="item",
                tier_label=label,
                tier_order=0,
                place=place,
                unit=item.unit,
                item=item,
                points=points[key],
            )
        )
    return out


def propose(ruleset: RuleSet) -> Proposal:
    """Every prize the rule set's appraisal section gives for the period, both lines of
    work, with the ties the office must decide."""
    section = require_section(ruleset)
    proposal = Proposal(ruleset)
    for track in (Track.PUBLICITY, Track.RESEARCH):
        for recipient, who in WHO.items():
            rule = section.get(who)
            if not rule:
                continue
            part = _prizes(ruleset, rule, track, recipient)
            proposal.awards.extend(part.awards)
            proposal.ties.extend(part.ties)
    proposal.awards.extend(_item_awards(ruleset, section))
    return proposal


def tier_choices(ruleset: RuleSet, recipient: str) -> list[tuple[str, str]]:
    """The prizes the office may move an award to: the rule set's tiers."""
    section = appraisal_rules(ruleset)
    if recipient == Recipient.ITEM:
        rule = section.get("item_awards") or {}
        return [("item", rule.get("label_zh") or _("Outstanding item"))]
    return _tier_labels(section.get(WHO[recipient], {}))


# ------------------------------------------------------------------ plaque


@dataclass(frozen=True)
class PlaqueProposal:
    holder: Unit | None
    previous: Unit | None
    changed: bool
    reason: str
    label: str


def propose_plaque(ruleset: RuleSet, previous: Unit | None) -> PlaqueProposal:
    section = require_section(ruleset, "plaque")
    data = standings_result(ruleset)
    decision = rules.decide_plaque(
        ledger.compile_ruleset(ruleset),
        data.result,
        str(previous.pk) if previous is not None else None,
    )
    holder = (
        (data.units.get(decision.holder) or Unit.objects.get(pk=int(decision.holder)))
        if decision.holder
        else None
    )
    reason = decision.reason_zh
    if holder is not None and decision.holder in data.units:
        # the engine names units by identifier; the office reads their names
        reason = reason.replace(decision.holder, holder.label, 1)
    label = section["plaque"].get("label_zh") or _("Rotating demonstration point")
    return PlaqueProposal(holder, previous, decision.changed, reason, label)


# ------------------------------------------------------------------ teams


@dataclass(frozen=True)
class MemberRow:
    membership: TeamMembership
    points: Decimal
    proposed: bool
    eliminated: bool


def team_assessment(ruleset: RuleSet) -> list[tuple[Team, list[MemberRow]]]:
    """Both teams' members in the period, lowest first, with the rule set's
    elimination list marked."""
    require_section(ruleset, "elimination")
    compiled = ledger.compile_ruleset(ruleset)
    data = standings_result(ruleset)
    end = ruleset.effective_to
    out = []
    for team in Team.objects.filter(bureau=ruleset.unit).order_by("kind"):
        # the members at the period's end, including those since eliminated on its results
        memberships = list(
            TeamMembership.objects.filter(team=team)
            .current_on(end)
            .select_related("person__unit", "elimination")
        )
        by_person = {str(m.person_id): m for m in memberships}
        live = list(by_person)
        chosen = set(rules.elimination_list(compiled, data.result, live))

        def points(key: str) -> Decimal:
            total = data.result.persons.get(key)
            return total.points if total is not None else ZERO

        rows = [
            MemberRow(m, points(key), key in chosen, hasattr(m, "elimination"))
            for key, m in by_person.items()
        ]
        rows.sort(key=lambda r: (r.points, r.membership.person.name))
        out.append((team, rows))
    return out


# ------------------------------------------------------------------ holders and vacancies


def current_plaque(bureau: Unit) -> PlaqueAward | None:
    return (
        PlaqueAward.objects.filter(bureau=bureau, ended_on__isnull=True)
        .select_related("holder")
        .first()
    )


def open_vacancies(bureau: Unit) -> list[Elimination]:
    """Eliminations whose place in the team nobody of the same unit has taken since."""
    out = []
    for elimination in Elimination.objects.filter(membership__team__bureau=bureau).select_related(
        "membership__team", "membership__person__unit"
    ):
        m = elimination.membership
        filled = TeamMembership.objects.filter(
            team_id=m.team_id, person__unit_id=m.person.unit_id, joined__gte=m.left
        ).exclude(pk=m.pk)
        if not filled.exists():
            out.append(elimination)
    return out
