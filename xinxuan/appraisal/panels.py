"""The workbench home — each role's desk: what waits on the user, where their unit and
they themselves stand, and the figures of the bureau.

The desk only reads: items and commissions, the stored standings of the rule set of the
user's bureau (``ledger.standings``, ``ledger.person_standings``), the headline figures
and the plaque. Its queries do not grow with the rows it shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.appraisal.models import PlaqueAward
from xinxuan.organisation.access import home_unit, person_of, visible_unit_ids
from xinxuan.organisation.models import Unit, UnitKind
from xinxuan.outcomes import figures
from xinxuan.outcomes.models import Outcome, OutcomeKind
from xinxuan.scoring import ledger, rollup
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.models import MonthlyScore, RuleSet, RuleSetStatus, Standing
from xinxuan.submissions.models import APPROVED_STATES, Commission, Item, ItemAuthor, ItemStatus

OPEN_STATES = (
    ItemStatus.RETURNED,
    ItemStatus.DRAFT,
    ItemStatus.SUBMITTED,
    ItemStatus.HEAD_APPROVED,
)
LIST_LENGTH = 10
RANKING_LENGTH = 10


def plaques_for(user):
    """The current plaque holders of the bureaus the user sees."""
    ids = visible_unit_ids(user)
    current = PlaqueAward.objects.filter(ended_on__isnull=True).select_related("holder", "bureau")
    if ids is not None:
        current = current.filter(bureau_id__in=ids) | current.filter(holder_id__in=ids)
    return current.distinct()


class PlaquePanel(Component):
    """Who holds the rotating plaque (流动示范点) now, for a user without a desk (a
    superuser); everybody else sees the holder on their desk."""

    name = "plaque"
    template_name = "appraisal/plaque_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["plaques"] = list(plaques_for(parent_context["request"].user))
        return context


# ------------------------------------------------------------------ reading for the desk


def desk_ruleset(bureau: Unit) -> RuleSet | None:
    """The rule set the desk reads: the one the bureau has in force today while it has
    scored something, else the latest one that has (at the turn of the year, last
    year's final standings until this year's first points), else the one in force."""
    today = timezone.localdate()
    issued = RuleSet.objects.filter(unit=bureau, effective_from__lte=today).exclude(
        status=RuleSetStatus.DRAFT
    )
    in_force = issued.filter(status=RuleSetStatus.ACTIVE, effective_to__gte=today).first()
    scored = issued.filter(Exists(Standing.objects.filter(ruleset=OuterRef("pk"))))
    if in_force is not None and scored.filter(pk=in_force.pk).exists():
        return in_force
    return scored.order_by("-effective_from", "-pk").first() or in_force or issued.first()


def status_counts(items) -> list[tuple[str, str, int]]:
    """(status, its name, count) in the order of the workflow, every status listed."""
    counts = dict(items.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in ItemStatus.choices]


def open_items(items, limit: int = LIST_LENGTH) -> list[Item]:
    """Items not yet approved, returned ones first, then the longest waiting."""
    order = {status: n for n, status in enumerate(OPEN_STATES)}
    rows = list(
        items.filter(status__in=OPEN_STATES)
        .select_related("unit", "kind")
        .defer("body")
        .order_by("status_since", "pk")[: limit * len(OPEN_STATES)]
    )
    rows.sort(key=lambda item: order[item.status])
    return rows[:limit]


def commissions_due(unit_ids: set[int] | None, limit: int = LIST_LENGTH) -> list[Commission]:
    """Commissions nothing has been delivered for yet, earliest deadline first."""
    delivered = Item.objects.filter(commission=OuterRef("pk"), submitted_at__isnull=False)
    due = Commission.objects.filter(cancelled=False).exclude(Exists(delivered))
    if unit_ids is not None:
        due = due.filter(unit_id__in=unit_ids)
    today = timezone.localdate()
    rows = list(due.select_related("unit").order_by("deadline", "pk")[:limit])
    for commission in rows:
        commission.overdue = commission.deadline < today
    return rows


def month_trend(ruleset: RuleSet) -> list[tuple[datetime.date, Decimal, int]]:
    """(month, the bureau's points, bar width in %) for each month with points: the
    units' monthly sums (``MonthlyScore``), not the year's lines summed again."""
    rows = (
        MonthlyScore.objects.filter(ruleset=ruleset, person__isnull=True)
        .values("month")
        .annotate(points=Sum("points"))
        .order_by("month")
    )
    months = [(row["month"], row["points"]) for row in rows]
    top = max((abs(points) for _month, points in months), default=Decimal(0))
    return [(month, points, int(abs(points) / top * 100) if top else 0) for month, points in months]


def awaiting_endorsement(unit_ids: set[int] | None, ruleset: RuleSet | None) -> list[Item]:
    """Approved items of the period that no leader has endorsed yet, newest first."""
    endorsed = Outcome.objects.active().filter(item=OuterRef("pk"), kind=OutcomeKind.ENDORSEMENT)
    items = Item.objects.filter(status__in=APPROVED_STATES).exclude(Exists(endorsed))
    if unit_ids is not None:
        items = items.filter(unit_id__in=unit_ids)
    if ruleset is not None:
        items = items.filter(
            approved_at__date__gte=ruleset.effective_from,
            approved_at__date__lte=ruleset.effective_to,
        )
    return list(
        items.select_related("unit", "kind")
        .defer("body")
        .order_by("-approved_at", "-pk")[:LIST_LENGTH]
    )


@dataclass(frozen=True)
class Ranking:
    """A compact ranking for the desk: rows of ``ledger.standings`` (``rows``), or, for
    a bureau without a rule set of its own, its sub-bureaus by headline figures
    (``figures``)."""

    ruleset: RuleSet | None
    rows: list
    figures: list
    mine: object | None  # the row of the user's own unit
    standings_url: str
    rolled: rollup.Rollup | None = None  # the sub-bureaus by points, each its own rule set

    @property
    def shown(self) -> list:
        """The first rows, and the user's own row below them if it is further down."""
        rows = self.rows[:RANKING_LENGTH]
        if self.mine is not None and self.mine not in rows:
            rows = [*rows, self.mine]
        return rows


def ranking(bureau: Unit, ruleset: RuleSet | None, unit: Unit | None) -> Ranking:
    url = reverse("scoring:standings", args=[ruleset.pk]) if ruleset else ""
    if ruleset is not None:
        rows = ledger.standings(ruleset)
        chain = {unit.pk, *(a.pk for a in unit.ancestors())} if unit else set()
        mine = next((row for row in rows if row.unit.pk in chain), None)
        return Ranking(ruleset, rows, [], mine, url)
    below = list(Unit.objects.filter(parent=bureau, kind=UnitKind.BUREAU, is_active=True))
    if not below:
        return Ranking(None, [], [], None, url)
    start, end = figures_period(bureau)
    headlines = figures.headline_by_unit(units=below, start=start, end=end)
    headlines.sort(key=lambda h: (-h.adopted_high, -h.reported, -h.endorsements, h.unit.name))
    rolled = rollup.rollup(bureau, by_period.Period(str(start.year), "year", start, end))
    if rolled.basis == rollup.Basis.NONE:
        return Ranking(None, [], headlines, None, url)
    # the full roll-up opens on the standings page of a bureau's rule set in force
    first = next(rs for row in rolled.rows for rs in row.rulesets)
    url = reverse("scoring:standings", args=[first.pk]) + f"?period={start.year}&parent={bureau.pk}"
    return Ranking(None, [], headlines, None, url, rolled)


def figures_period(
    bureau: Unit, ruleset: RuleSet | None = None
) -> tuple[datetime.date, datetime.date]:
    """The rule set's period, or the calendar year of the bureau's latest outcome."""
    if ruleset is not None:
        return ruleset.effective_from, ruleset.effective_to
    latest = (
        Outcome.objects.active()
        .filter(unit_id__in=bureau.descendant_ids())
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    year = latest.year if latest else timezone.localdate().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# ------------------------------------------------------------------ the panel


class DeskPanel(Component):
    """The workbench home of an office, a leader, a head or an officer."""

    name = "desk"
    template_name = "appraisal/desk_panel.html"
    order = 10

    class Media:
        css = {"all": ["appraisal/desk.css"]}

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        unit = home_unit(user)
        roles = roles_of(user)
        context["has_desk"] = unit is not None
        if unit is None:
            return context
        bureau = unit.bureau() or unit
        ruleset = desk_ruleset(bureau)
        ids = visible_unit_ids(user)
        items = Item.objects.all() if ids is None else Item.objects.filter(unit_id__in=ids)
        context.update(
            {
                "unit": unit,
                "bureau": bureau,
                "ruleset": ruleset,
                "plaques": list(plaques_for(user)),
                "is_office": Role.OFFICE in roles,
                "is_leader": Role.LEADER in roles,
                "is_head": Role.HEAD in roles,
                "is_officer": Role.OFFICER in roles,
                "item_list_url": reverse("wagtailsnippets_submissions_item:list"),
                "write_url": reverse("wagtailsnippets_submissions_item:add"),
            }
        )
        if roles & {Role.OFFICE, Role.HEAD, Role.OFFICER}:
            # an office chases its own bureau's commissions, not those of the bureaus below
            context["commissions"] = commissions_due(
                own_bureau_ids(bureau) if Role.OFFICE in roles else ids
            )
        if Role.OFFICER in roles:
            person = person_of(user)
            authored = ItemAuthor.objects.filter(person=person).values("item_id")
            mine = Item.objects.filter(Q(created_by=user) | Q(pk__in=authored))
            context["my_counts"] = status_counts(mine)
            context["my_open"] = open_items(mine)
            context["my_standing"] = self.person_row(ruleset, person)
        if Role.HEAD in roles:
            context["unit_counts"] = status_counts(items)
            context["awaiting_head"] = list(
                items.filter(status=ItemStatus.SUBMITTED)
                .select_related("unit", "kind")
                .defer("body")
                .order_by("status_since", "pk")[:LIST_LENGTH]
            )
            context["unit_open"] = open_items(items)
            if ruleset is not None:
                context["people"] = ledger.person_standings(ruleset, ids)[:RANKING_LENGTH]
        if roles & {Role.OFFICE, Role.LEADER, Role.HEAD, Role.OFFICER}:
            context["ranking"] = ranking(bureau, ruleset, unit)
        if Role.OFFICE in roles:
            own = items.filter(unit_id__in=own_bureau_ids(bureau))
            context["queue"] = list(
                own.filter(status=ItemStatus.HEAD_APPROVED)
                .select_related("unit", "kind")
                .defer("body")
                .order_by("-is_urgent", "status_since", "pk")[:LIST_LENGTH]
            )
            context["queue_count"] = own.filter(status=ItemStatus.HEAD_APPROVED).count()
            context["with_heads"] = own.filter(status=ItemStatus.SUBMITTED).count()
            context["deadlines"] = list(
                own.filter(deadline__isnull=False)
                .exclude(status__in=APPROVED_STATES)
                .select_related("unit", "kind")
                .defer("body")
                .order_by("deadline", "pk")[:LIST_LENGTH]
            )
            if ruleset is not None:
                context["trend"] = month_trend(ruleset)
        if roles & {Role.OFFICE, Role.LEADER}:
            start, end = figures_period(bureau, ruleset)
            context["headline"] = figures.headline_figures(unit=bureau, start=start, end=end)
        if Role.LEADER in roles:
            context["to_endorse"] = awaiting_endorsement(ids, ruleset)
        context["now"] = timezone.now()
        return context

    @staticmethod
    def person_row(ruleset: RuleSet | None, person) -> dict | None:
        if ruleset is None or person is None:
            return None
        rows = ledger.person_standings(ruleset, {person.unit_id})
        row = next((r for r in rows if r.person.pk == person.pk), None)
        ranked = Standing.objects.filter(ruleset=ruleset, person__isnull=False).count()
        return {"row": row, "ranked": ranked}


def own_bureau_ids(bureau: Unit) -> set[int]:
    """The bureau and the units below it that are not under another bureau: the items
    its own office reviews."""
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, parent, kind in Unit.objects.values_list("pk", "parent_id", "kind"):
        children.setdefault(parent, []).append((pk, kind))
    found = {bureau.pk}
    frontier = [bureau.pk]
    while frontier:
        for pk, kind in children.get(frontier.pop(), ()):
            if kind != UnitKind.BUREAU and pk not in found:
                found.add(pk)
                frontier.append(pk)
    return found
