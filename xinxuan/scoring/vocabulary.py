"""What the rule set in force knows, for the screens that record outcomes: its carriers,
grades, placements, uses and prizes by their Chinese names with their points, the
ranges an assessor chooses in, and why an outcome scores nothing.

The forms offer these instead of free text that must match a key of the rule set; the
values they store are the rule set's keys (a placement's ``toutiao``, a prize's
``haoxinwen``), shown everywhere by their Chinese names (``labels``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from xinxuan.outcomes.models import Carrier, Outcome, OutcomeKind
from xinxuan.scoring import engine
from xinxuan.scoring.ledger import Tree, compile_ruleset, fmt_signed
from xinxuan.scoring.models import RuleSet, ScoreLine

POINTS_OF = {
    OutcomeKind.ADOPTION: "adoption",
    OutcomeKind.PUBLICATION: "publication",
}


def range_text(low: Decimal | None, high: Decimal | None, *, signed: bool = False) -> str:
    """A range as the regulation writes it: 2～5, or open on a side (2 以上, −50 以下);
    ``signed`` writes a bonus with its sign (+2～+5), as deductions and adjustments are."""
    fmt = fmt_signed if signed else engine.fmt
    if low is not None and high is not None:
        return f"{fmt(low)}～{fmt(high)}"
    if low is not None:
        return _("%(low)s or more") % {"low": fmt(low)}
    if high is not None:
        return _("%(high)s or less") % {"high": fmt(high)}
    return ""


def outside(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


def rulesets_in_force(unit_id: int, day: datetime.date, tree: Tree | None = None) -> list[RuleSet]:
    """The rule sets in force on ``day`` that score ``unit_id``'s outcomes, the one of
    the nearest issuing unit first (a bureau's own before its province's)."""
    tree = tree or Tree.load()
    above = tree.ancestors(unit_id)
    found = RuleSet.objects.active().filter(
        unit_id__in=above, effective_from__lte=day, effective_to__gte=day
    )
    return sorted(found, key=lambda rs: above.index(rs.unit_id))


def ruleset_for_form(unit_id: int, today: datetime.date) -> RuleSet | None:
    """The rule set whose vocabulary a form offers: the one in force today, or else the
    latest one in force above the unit (outcomes of a past year are still recorded)."""
    return issued_by(Tree.load().ancestors(unit_id), today)


def issued_by(issuers: list[int], today: datetime.date) -> RuleSet | None:
    """Of the rule sets in force issued by ``issuers`` (nearest first), the one covering
    ``today``, or else the latest."""
    found = list(RuleSet.objects.active().filter(unit_id__in=issuers))
    found.sort(key=lambda rs: (issuers.index(rs.unit_id), -rs.effective_from.toordinal()))
    for ruleset in found:
        if ruleset.effective_from <= today <= ruleset.effective_to:
            return ruleset
    return found[0] if found else None


@dataclass(frozen=True)
class Grade:
    name: str
    points: Decimal


@dataclass
class Offer:
    """The vocabulary of one rule set for one item kind, as a form offers it."""

    ruleset: RuleSet | None
    kind: str = ""  # the item kind's code
    compiled: engine.RuleSet | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.ruleset is not None:
            try:
                self.compiled = compile_ruleset(self.ruleset)
            except engine.RuleSetError:
                self.compiled = None

    # ---------------------------------------------------------------- carriers

    def knows_carrier(self, carrier: Carrier) -> bool:
        return self.compiled is None or carrier.code in self.compiled.carriers

    def carrier_range(self, code: str) -> tuple[Decimal | None, Decimal | None] | None:
        """The range an assessor chooses the carrier's value in, or None if it has none."""
        rule = self.compiled.carriers.get(code) if self.compiled else None
        if rule is None or (rule.low is None and rule.high is None):
            return None
        return rule.low, rule.high

    def grades(self, code: str) -> list[Grade]:
        rule = self.compiled.carriers.get(code) if self.compiled else None
        if rule is None:
            return []
        return [Grade(name, points) for name, points in rule.grades.items()]

    def value(self, outcome: str, code: str, *, grade: str = "") -> Decimal | None:
        """What one sole adoption (or publication) of an item of this kind in the
        carrier is worth, as the engine scores it; None if it cannot say."""
        rs = self.compiled
        if rs is None or code not in rs.carriers or self.kind not in rs.kinds:
            return None
        item = engine.Item(id="i", kind=self.kind, units=(engine.Share("u"),))
        event = engine.Event(
            id="e",
            type=outcome,
            date=self.ruleset.effective_from,
            item_id="i",
            carrier=code,
            grade=grade or None,
            use="sole" if "sole" in rs.uses else None,
        )
        try:
            lines = engine.score_item(rs, item, [event])
        except engine.EngineError:
            return None
        return sum((line.points for line in lines if line.person is None), Decimal(0))

    def carrier_label(self, carrier: Carrier, outcome: str) -> str:
        """总局《专报信息》 · 20 分; with grades, a range or nothing counted, says so."""
        rs = self.compiled
        rule = rs.carriers.get(carrier.code) if rs else None
        if rule is None:
            return carrier.name
        name = rule.label[0] or carrier.name
        if not rule.counts:
            return _("%(name)s · counts nothing") % {"name": name}
        span = self.carrier_range(carrier.code)
        if span is not None:
            return _("%(name)s · %(range)s points, chosen by the assessor") % {
                "name": name,
                "range": range_text(*span),
            }
        if rule.grades:
            grades = "／".join(
                f"{g.name} {engine.fmt(v)}"
                for g in self.grades(carrier.code)
                if (v := self.value(outcome, carrier.code, grade=g.name)) is not None
            )
            return _("%(name)s · by grade: %(grades)s") % {"name": name, "grades": grades}
        points = self.value(outcome, carrier.code)
        if points is None:
            return name
        return _("%(name)s · %(points)s points") % {"name": name, "points": engine.fmt(points)}

    def grade_choices(self, carriers) -> list:
        """Grades grouped by carrier, as a select's option groups."""
        groups = []
        for carrier in carriers:
            grades = self.grades(carrier.code)
            if grades:
                groups.append(
                    (
                        str(carrier),
                        [(g.name, f"{g.name} · {engine.fmt(g.points)}") for g in grades],
                    )
                )
        return groups

    def endorsement_label(self, level) -> str:
        """市级 · 5 points (principal leader 10), as the rule set values an endorsement."""
        rs = self.compiled
        if rs is None:
            return str(level)
        if rs.endorsement_value is not None:
            points, main = rs.endorsement_value, None
        else:
            points, main = (
                rs.endorsement_points.get(level.code),
                rs.endorsement_main.get(level.code),
            )
        if points is None and main is None:
            return _("%(name)s · counts nothing") % {"name": level.name}
        text = _("%(name)s · %(points)s points") % {
            "name": level.name,
            "points": engine.fmt(points if points is not None else Decimal(0)),
        }
        if main is not None:
            text += _(" (principal leader %(points)s)") % {"points": engine.fmt(main)}
        return text

    # ---------------------------------------------------------------- placements, uses

    def placement_choices(self) -> list[tuple[str, str]]:
        rs = self.compiled
        if rs is None:
            return []
        choices = []
        for key, rule in rs.placements.items():
            value = engine.fmt(Decimal(str(rule.params.get("value", 1))))
            if rule.params.get("mode", "multiply") == "replace":
                shown = _("%(name)s · %(value)s points instead") % {
                    "name": rule.label[0],
                    "value": value,
                }
            else:
                shown = f"{rule.label[0]} · ×{value}"
            choices.append((key, shown))
        return choices

    def use_choices(self) -> list[tuple[str, str]]:
        rs = self.compiled
        if rs is None:
            return []
        choices = []
        for key, rule in rs.uses.items():
            if "each_unit" in rule.params:
                value = engine.fmt(Decimal(str(rule.params["each_unit"])))
                shown = _("%(name)s · %(value)s points to each unit") % {
                    "name": rule.label[0],
                    "value": value,
                }
            else:
                shown = (
                    f"{rule.label[0]} · ×{engine.fmt(Decimal(str(rule.params.get('factor', 1))))}"
                )
            choices.append((key, shown))
        return choices

    # ---------------------------------------------------------------- prizes

    def prize_choices(self) -> list[tuple[str, str]]:
        rs = self.compiled
        if rs is None:
            return []
        choices = []
        for key, rule in rs.prizes.items():
            grades = rule.params.get("grades") or {}
            if grades:
                shown = "／".join(f"{g} {engine.fmt(Decimal(str(v)))}" for g, v in grades.items())
                label = _("%(name)s · by grade: %(grades)s") % {
                    "name": rule.label[0],
                    "grades": shown,
                }
            else:
                points = engine.fmt(Decimal(str(rule.params.get("points", 0))))
                label = _("%(name)s · %(points)s points") % {
                    "name": rule.label[0],
                    "points": points,
                }
            choices.append((key, label))
        return choices

    def prize_grade_choices(self) -> list:
        rs = self.compiled
        if rs is None:
            return []
        groups = []
        for rule in rs.prizes.values():
            grades = rule.params.get("grades") or {}
            if grades:
                groups.append(
                    (
                        rule.label[0],
                        [(g, f"{g} · {engine.fmt(Decimal(str(v)))}") for g, v in grades.items()],
                    )
                )
        return groups

    def prize_grades(self, key: str) -> list[str]:
        rule = self.compiled.prizes.get(key) if self.compiled else None
        return list((rule.params.get("grades") or {}) if rule else {})

    # ---------------------------------------------------------------- names

    def labels(self) -> dict[str, str]:
        """Key → Chinese name of the rule set's placements, uses, prizes, deductions and
        adjustments, for showing stored keys in words."""
        rs = self.compiled
        if rs is None:
            return {}
        found: dict[str, str] = {}
        for table in (rs.placements, rs.prizes, rs.deductions, rs.adjustments):
            for key, rule in table.items():
                found[key] = rule.label[0] or key
        return found


def offer_for(unit_id: int, kind: str, today: datetime.date) -> Offer:
    """The offer of the rule set a form for an item of ``unit_id`` uses today."""
    return Offer(ruleset_for_form(unit_id, today), kind)


def offer_on(unit_id: int, kind: str, day: datetime.date) -> Offer:
    """The offer of the rule set in force on ``day`` (None inside: no rule set covers it)."""
    found = rulesets_in_force(unit_id, day)
    return Offer(found[0] if found else None, kind)


# ---------------------------------------------------------------- the item page


def annotate(outcomes, unit_id: int) -> None:
    """Give each outcome of an item ``shown`` (its particulars, keys in words) and
    ``why_nothing`` (why it scores nothing, or "")."""
    tree = Tree.load()
    by_day: dict[datetime.date, list[RuleSet]] = {}
    latest = issued_by(tree.ancestors(unit_id), datetime.date.max)
    for outcome in outcomes:
        found = by_day.get(outcome.date)
        if found is None:
            found = by_day[outcome.date] = rulesets_in_force(unit_id, outcome.date, tree)
        labels: dict[str, str] = {}
        for ruleset in [latest, *found][::-1]:
            if ruleset is not None:
                labels.update(Offer(ruleset).labels())
        outcome.shown = outcome.summary(labels)
        outcome.why_nothing = why_nothing(outcome, found)


# ---------------------------------------------------------------- why nothing scores


def why_nothing(outcome: Outcome, found: list[RuleSet]) -> str:
    """Why an outcome brings no points under ``found``, the rule sets in force on its
    date, in words; "" if it brings some."""
    if outcome.revoked_at is not None:
        return _("Revoked: it is kept in the ledger but scores nothing.")
    if not found:
        return _("No rule set in force covers %(day)s, so this outcome scores nothing.") % {
            "day": outcome.date.isoformat()
        }
    lines = ScoreLine.objects.filter(outcome=outcome, person__isnull=True)
    if any(line.points != 0 for line in lines):
        return ""
    reasons = [
        reason
        for ruleset in found
        if (reason := _zero_reason(outcome, ruleset, compile_ruleset(ruleset)))
    ]
    if reasons:
        return "；".join(reasons)
    explained = [line.explanation for line in lines if line.explanation]
    if explained:
        return "；".join(explained)
    return _("The rule sets in force give this outcome no points.")


def _zero_reason(outcome: Outcome, ruleset: RuleSet, rs: engine.RuleSet) -> str:
    """The reason, in words, that the rule set gives the outcome nothing; "" if none of
    the usual ones (the score lines' own explanations then say why)."""
    kind = outcome.kind
    named = {"ruleset": ruleset.name}
    if kind == OutcomeKind.SUBMISSION and rs.submission_points is None:
        return _("“%(ruleset)s” gives no points for submitting to the office.") % named
    if kind == OutcomeKind.REPORT and rs.report_points is None and not rs.report_levels:
        return _("“%(ruleset)s” gives no points for reporting upward.") % named
    if outcome.route_id and rs.routes and outcome.route.code not in rs.routes:
        return _("“%(ruleset)s” does not count the route “%(route)s”.") % {
            **named,
            "route": outcome.route,
        }
    if outcome.carrier_id and kind in POINTS_OF:
        rule = rs.carriers.get(outcome.carrier.code)
        if rule is None:
            return _("“%(ruleset)s” does not name the carrier “%(carrier)s”.") % {
                **named,
                "carrier": outcome.carrier,
            }
        if not rule.counts:
            return _("“%(ruleset)s” counts nothing in “%(carrier)s”.") % {
                **named,
                "carrier": rule.label[0],
            }
        if rule.requires_route and (
            not outcome.route_id or outcome.route.code not in rule.requires_route
        ):
            names = "、".join(rs.routes[r].label[0] for r in rule.requires_route)
            return _("“%(ruleset)s” counts “%(carrier)s” only when forwarded via %(routes)s.") % {
                **named,
                "carrier": rule.label[0],
                "routes": names,
            }
    if kind == OutcomeKind.PRIZE and outcome.rule not in rs.prizes:
        return _("“%(ruleset)s” names no prize “%(prize)s”.") % {**named, "prize": outcome.rule}
    return ""
