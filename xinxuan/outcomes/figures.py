"""The headline figures of a unit's period (the seed's "150 items reported, 16 adopted
at provincial level or above, 12 endorsements, 300 media articles, 3 prizes").

Read-only: counted from the live (not revoked) outcomes of the unit and everything
below it, so the appraisal screen and the bulletin show the same numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When

from xinxuan.organisation.models import Unit
from xinxuan.outcomes.models import Carrier, Level, Outcome, OutcomeKind

# 省级及以上: the level whose code is "provincial" sets the bar; a bureau that names its
# levels otherwise still gets a bar at the same seniority.
PROVINCIAL_CODE = "provincial"
PROVINCIAL_RANK = 3


@dataclass(frozen=True)
class Headline:
    unit: Unit
    start: datetime.date
    end: datetime.date
    reported: int
    adopted_high: int
    endorsements: int
    media_articles: int
    prizes: int

    def as_rows(self) -> list[tuple[str, int]]:
        """(label, figure) pairs in the order a bulletin reads them out."""
        from django.utils.translation import gettext as _

        return [
            (_("Items reported upward"), self.reported),
            (_("Adopted at provincial level or above"), self.adopted_high),
            (_("Leader endorsements"), self.endorsements),
            (_("Media articles"), self.media_articles),
            (_("Prizes"), self.prizes),
        ]


def provincial_rank() -> int:
    level = Level.objects.filter(code=PROVINCIAL_CODE).first()
    return level.rank if level is not None else PROVINCIAL_RANK


def high_levels() -> tuple[list[int], list[int]]:
    """Ids of the levels at or above the provincial rank, and of the carriers of such a
    level: an outcome counts as adopted high by its own level, else by its carrier's.
    Both lists are short (the bureau's levels and carriers), and filtering by them
    spares the counts two joins over every outcome of the year."""
    rank = provincial_rank()
    levels = list(Level.objects.filter(rank__gte=rank).values_list("pk", flat=True))
    carriers = list(Carrier.objects.filter(level_id__in=levels).values_list("pk", flat=True))
    return levels, carriers


def _high(levels: list[int], carriers: list[int]) -> Q:
    return Q(level_id__in=levels) | Q(level__isnull=True, carrier_id__in=carriers)


FIGURE_KINDS = (
    OutcomeKind.REPORT,
    OutcomeKind.ADOPTION,
    OutcomeKind.ENDORSEMENT,
    OutcomeKind.PUBLICATION,
    OutcomeKind.PRIZE,
)


def headline_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> Headline:
    """The figures for ``unit`` and its sub-units, outcomes dated ``start``–``end``.

    One count per figure, each read from the ``outcome_live_figures`` index alone (kind,
    date, unit, item, level and carrier of the live outcomes): a province's year is
    300,000 outcomes, and one pass over the rows with every figure as a conditional
    aggregate cost more than the five index ranges."""
    outcomes = Outcome.objects.active().filter(
        unit_id__in=unit.descendant_ids(), date__gte=start, date__lte=end
    )

    def items(kind: str, extra: Q | None = None) -> int:
        return outcomes.filter(extra or Q(), kind=kind).aggregate(
            n=Count("item_id", distinct=True)
        )["n"]

    return Headline(
        unit=unit,
        start=start,
        end=end,
        reported=items(OutcomeKind.REPORT),
        adopted_high=items(OutcomeKind.ADOPTION, _high(*high_levels())),
        endorsements=outcomes.filter(kind=OutcomeKind.ENDORSEMENT).count(),
        media_articles=outcomes.filter(kind=OutcomeKind.PUBLICATION).count(),
        prizes=outcomes.filter(kind=OutcomeKind.PRIZE).count(),
    )


def headline_by_unit(
    *, units: list[Unit], start: datetime.date, end: datetime.date
) -> list[Headline]:
    """``headline_figures`` for several units at once (each with its sub-units), in a
    fixed number of queries however many units there are: a province's bureaus."""
    # the tree read once, so the queries do not grow with the units
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    owner: dict[int, int] = {}
    for unit in units:
        frontier = [unit.pk]
        while frontier:
            pk = frontier.pop()
            if pk not in owner:
                owner[pk] = unit.pk
                frontier.extend(children.get(pk, ()))
    if not owner:
        return []
    # each outcome counts for the listed unit above its own unit
    listed = Case(
        *(When(unit_id__in=pks, then=Value(top)) for top, pks in _invert(owner).items()),
        output_field=IntegerField(),
    )
    outcomes = (
        Outcome.objects.active()
        .filter(unit_id__in=owner, date__gte=start, date__lte=end, kind__in=FIGURE_KINDS)
        .annotate(listed=listed)
        .values("listed")
        .order_by()
    )
    high = _high(*high_levels())
    counts = outcomes.annotate(
        reported=Count("item_id", filter=Q(kind=OutcomeKind.REPORT), distinct=True),
        adopted_high=Count("item_id", filter=Q(high, kind=OutcomeKind.ADOPTION), distinct=True),
        endorsements=Count("pk", filter=Q(kind=OutcomeKind.ENDORSEMENT)),
        media_articles=Count("pk", filter=Q(kind=OutcomeKind.PUBLICATION)),
        prizes=Count("pk", filter=Q(kind=OutcomeKind.PRIZE)),
    )
    by_unit = {row.pop("listed"): row for row in counts}
    empty = dict.fromkeys(
        ("reported", "adopted_high", "endorsements", "media_articles", "prizes"), 0
    )
    return [
        Headline(unit=unit, start=start, end=end, **by_unit.get(unit.pk, empty)) for unit in units
    ]


def _invert(owner: dict[int, int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for pk, top in owner.items():
        out.setdefault(top, []).append(pk)
    return out
