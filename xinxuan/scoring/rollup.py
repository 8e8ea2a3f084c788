"""Roll-up of the unit tree: the children of any unit ranked, each child's points the
sum over its subtree (a bureau includes its departments; the province ranks its bureaus).

Which points a child gets (written out in docs/architecture.md, "Roll-up"):

* the parent issued a rule set in force in the period (a bureau ranking its
  departments): that rule set's lines, each line's unit put under the child of the
  parent whose subtree holds it **today** (``basis = PARENT``);
* the parent issued none (a province whose bureaus each have their own): each child's
  own rule set(s) in force in the period, all of their lines — every bureau counted
  under its own regulation, which may weigh outcomes differently; the screen says so
  and lists each bureau's rule set beside its figure (``basis = CHILDREN``).

A unit that changed its parent during the year counts, with the lines the ledger
credited to it, under its parent of today.  A line credited to a unit that is now
outside the parent's subtree (or to the parent itself) is kept as a row of its own, so
that the sum of the rows is the sum of the rule set's lines.  Every active child is
listed, also with zero points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext as _

from xinxuan.organisation.models import Unit, UnitTarget
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.models import RuleSet, RuleSetStatus

ZERO = Decimal(0)


class Basis(StrEnum):
    PARENT = "parent"  # the parent's own rule set ranks its children
    CHILDREN = "children"  # each child under its own rule set
    NONE = "none"  # no rule set in force at either level: everybody at zero


@dataclass(frozen=True)
class RollupRow:
    unit: Unit
    points: Decimal
    adopted: int
    target: Decimal | None
    completion: Decimal | None
    rank: int
    gap_to_next: Decimal | None
    to_second: Decimal | None
    rulesets: tuple[RuleSet, ...]  # whose lines make the figure (CHILDREN basis)
    below: bool  # True: a child of the parent today; False: a unit outside, kept


@dataclass
class Rollup:
    parent: Unit
    basis: Basis
    period_key: str
    rulesets: list[RuleSet]  # the parent's own (PARENT basis)
    rows: list[RollupRow] = field(default_factory=list)

    @property
    def note(self) -> str:
        """What the figures are, in words for the screen and the export."""
        if self.basis == Basis.PARENT:
            return _(
                "Points under %(rulesets)s, the rule set of %(unit)s in force; each unit "
                "with everything below it, by today's unit tree."
            ) % {
                "rulesets": "、".join(f"“{rs.name}”" for rs in self.rulesets),
                "unit": self.parent.label,
            }
        if self.basis == Basis.CHILDREN:
            return _(
                "%(unit)s has no rule set in force for this period: each unit is counted "
                "under its own rule set in force (named beside it), which may weigh "
                "outcomes differently. Compare the headline figures for a common measure."
            ) % {"unit": self.parent.label}
        return _("No rule set is in force for %(unit)s or for the units below it.") % {
            "unit": self.parent.label
        }


def in_force(unit_ids, start, end) -> dict[int, list[RuleSet]]:
    """unit pk → its rule sets in force at some day of [start, end] (never two on one
    day: activation refuses an overlap)."""
    found: dict[int, list[RuleSet]] = {}
    for rs in RuleSet.objects.filter(
        unit_id__in=list(unit_ids),
        status=RuleSetStatus.ACTIVE,
        effective_from__lte=end,
        effective_to__gte=start,
    ).order_by("effective_from", "pk"):
        found.setdefault(rs.unit_id, []).append(rs)
    return found


def _sums(ruleset: RuleSet, key: str) -> dict[int, tuple[Decimal, int]]:
    """{unit pk: (points, adopted)} of a rule set in the period ``key`` (nothing when
    the period lies outside the rule set's)."""
    try:
        period = by_period.parse_period(ruleset, key)
    except by_period.BadPeriod:
        return {}
    return by_period._sums(ruleset, period, persons=False)


def _owners(parent: Unit) -> dict[int, int]:
    """unit pk → the child of ``parent`` whose subtree holds it today (read once)."""
    children: dict[int | None, list[int]] = {}
    for pk, up in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(up, []).append(pk)
    owner: dict[int, int] = {}
    for child in children.get(parent.pk, ()):
        frontier = [child]
        while frontier:
            pk = frontier.pop()
            if pk not in owner:
                owner[pk] = child
                frontier.extend(children.get(pk, ()))
    return owner


def rollup(parent: Unit, period: by_period.Period) -> Rollup:
    """The children of ``parent`` ranked for the period, best first (equal points share
    a rank); see the module's docstring for which points count."""
    key = period.key
    children = list(
        Unit.objects.filter(parent=parent, is_active=True).order_by("sort_order", "name")
    )
    forces = in_force([parent.pk, *(c.pk for c in children)], period.start, period.end)
    own = forces.get(parent.pk, [])
    points: dict[int, list] = {}
    rulesets: dict[int, tuple[RuleSet, ...]] = {}
    units = {c.pk: c for c in children}
    if own:
        basis = Basis.PARENT
        owner = _owners(parent)
        for rs in own:
            for unit_id, (p, adopted) in _sums(rs, key).items():
                top = owner.get(unit_id, unit_id)
                entry = points.setdefault(top, [ZERO, 0])
                entry[0] += p
                entry[1] += adopted
        outside = set(points) - set(units)
        units.update(Unit.objects.in_bulk(outside))
    else:
        basis = Basis.CHILDREN if any(forces.get(c.pk) for c in children) else Basis.NONE
        for child in children:
            mine = forces.get(child.pk, [])
            rulesets[child.pk] = tuple(mine)
            entry = points.setdefault(child.pk, [ZERO, 0])
            for rs in mine:
                for p, adopted in _sums(rs, key).values():
                    entry[0] += p
                    entry[1] += adopted
    targets = dict(
        UnitTarget.objects.filter(year=period.start.year, unit__in=list(units)).values_list(
            "unit_id", "points"
        )
    )
    share = period.share_of_year()
    child_ids = {c.pk for c in children}
    scored = sorted(
        (
            (points.get(pk, [ZERO, 0])[0], pk not in child_ids, unit.sort_order, unit.name, pk)
            for pk, unit in units.items()
        ),
        key=lambda t: (-t[0], t[1], t[2], t[3]),
    )
    result = Rollup(parent, basis, key, own)
    for (p, _outside, _order, _name, pk), (rank, gap, to_second) in zip(
        scored, by_period._ranked(scored), strict=True
    ):
        year_target = targets.get(pk)
        target = year_target * share if year_target else None
        result.rows.append(
            RollupRow(
                unit=units[pk],
                points=p,
                adopted=points.get(pk, [ZERO, 0])[1],
                target=target,
                completion=by_period._percent(p, target),
                rank=rank,
                gap_to_next=gap,
                to_second=to_second,
                rulesets=rulesets.get(pk, ()),
                below=pk in child_ids,
            )
        )
    return result


def parent_choices(ruleset: RuleSet, period: by_period.Period, visible: set[int] | None):
    """The units whose children the standings page of ``ruleset`` may rank instead of
    the rule set's own: the issuer's ancestors and the units below it that the user
    sees, where a rule set in force gives the figures."""
    issuer = ruleset.unit
    below = issuer.descendant_ids() - {issuer.pk}
    candidates = Unit.objects.filter(
        Q(pk__in=[a.pk for a in issuer.ancestors()]) | Q(pk__in=below), children__isnull=False
    ).distinct()
    if visible is not None:
        candidates = candidates.filter(pk__in=visible)
    candidates = list(candidates.order_by("kind", "sort_order", "name"))
    if not candidates:
        return []
    ids = {c.pk for c in candidates}
    kids = dict(
        Unit.objects.filter(parent_id__in=ids).values_list("pk", "parent_id")
    )  # child → parent
    forces = in_force({*ids, *kids}, period.start, period.end)
    useful = {c for c in ids if c in forces} | {kids[k] for k in kids if k in forces}
    return [c for c in candidates if c.pk in useful]
