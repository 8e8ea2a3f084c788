"""What-if: a draft rule set run on a past period's ledger, beside the rule set that was
in force (the normal case: the 2012 draft on 2011's outcomes).

Nothing is stored in the ledger: the draft is scored in memory, over the period and
the units of the rule set in force, and only the comparison is kept (in the job's
result).  The loading follows ``ledger.rescore_ruleset``; it is repeated here rather
than shared so that the ledger's own writing path stays as it is.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from xinxuan.accounts.roles import Role
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation import access
from xinxuan.organisation.models import Person, Unit
from xinxuan.scoring import engine, ledger
from xinxuan.scoring.models import RuleSet, RuleSetStatus, Standing

ZERO = Decimal(0)


def trial_copy(draft: RuleSet, base: RuleSet) -> RuleSet:
    """The draft as if it had been in force in the base's period (an unsaved copy)."""
    return RuleSet(
        pk=draft.pk,
        unit_id=base.unit_id,
        name=draft.name,
        code=draft.code,
        text=draft.text,
        version=draft.version,
        engine_version=draft.engine_version,
        effective_from=base.effective_from,
        effective_to=base.effective_to,
        status=RuleSetStatus.DRAFT,
    )


def may_start(user, ruleset: RuleSet) -> bool:
    """Whether ``user`` may start a what-if with ``ruleset`` (as the draft or as the
    base): a superuser, or the office of the unit that issued it — not the office of a
    superior unit, which reads a bureau's rule sets but does not try out its drafts."""
    if user is None or user.is_superuser:  # None: the system itself (a command)
        return True
    try:
        access.require(user, ruleset.unit_id, roles=(Role.OFFICE,))
    except PermissionDenied:
        return False
    return access.in_own_bureau(user, ruleset.unit_id)


def require_owner(user, *, draft: RuleSet, base: RuleSet) -> None:
    """Refuse a what-if the user may not start (see ``may_start``)."""
    for ruleset in (draft, base):
        if not may_start(user, ruleset):
            raise PermissionDenied(
                _(
                    "Only the office of %(unit)s tries out its rule sets: “%(ruleset)s” "
                    "belongs to %(unit)s."
                )
                % {"unit": ruleset.unit.label, "ruleset": ruleset.name}
            )


def check(draft: RuleSet, base: RuleSet) -> None:
    if base.status != RuleSetStatus.ACTIVE:
        raise ActionRefused(_("Compare a draft with a rule set in force; this one is not."))
    if draft.pk == base.pk:
        raise ActionRefused(_("Choose a draft other than the rule set in force."))
    try:
        ledger.compile_ruleset(draft)
    except engine.RuleSetError:
        raise ActionRefused(
            _("“%(draft)s” has problems; correct them before trying it.") % {"draft": draft.name}
        ) from None


def score_in_memory(trial: RuleSet, *, progress=None) -> list[engine.ScoreLine]:
    """The lines ``trial`` would give over its period, from the stored outcomes."""
    tick = progress or (lambda _done, _total: None)
    tree = ledger.Tree.load()
    compiled = ledger.compile_ruleset(trial)
    # what a full rescoring reads (the same items and events), nothing written
    engine_items, events = ledger.run_input(trial, compiled, tree)
    tick(1, 4)
    try:
        result = engine.score(compiled, engine_items, events, ledger.period_data(trial, tree))
    except engine.EngineError as error:
        raise ledger._problems_message(error, trial) from None
    tick(2, 4)
    return list(result.lines)


def _ranks(points: dict[int, Decimal]) -> dict[int, int]:
    ordered = sorted(points.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for index, value in enumerate(ordered):
        first.setdefault(value, index + 1)
    return {pk: first[value] for pk, value in points.items()}


def compare(draft: RuleSet, base: RuleSet, *, progress=None) -> dict:
    """Units and writers under the base rule set and under the draft in the base's
    period: points and rank of each, and the change; as JSON-ready data."""
    check(draft, base)
    lines = score_in_memory(trial_copy(draft, base), progress=progress)
    new_units: dict[int, Decimal] = defaultdict(lambda: ZERO)
    new_persons: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.person:
            new_persons[int(line.person)] += line.points
        else:
            new_units[int(line.unit)] += line.points
    old_units = dict(
        Standing.objects.filter(ruleset=base, person__isnull=True).values_list("unit_id", "points")
    )
    old_persons = dict(
        Standing.objects.filter(ruleset=base, person__isnull=False).values_list(
            "person_id", "points"
        )
    )
    ranked = list(
        Unit.objects.filter(
            Q(parent_id=base.unit_id, is_active=True) | Q(pk__in=[*old_units, *new_units])
        ).select_related("unit_class")
    )
    unit_points_old = {u.pk: old_units.get(u.pk, ZERO) for u in ranked}
    unit_points_new = {u.pk: new_units.get(u.pk, ZERO) for u in ranked}
    people = Person.objects.in_bulk({*old_persons, *new_persons})
    person_points_old = {pk: old_persons.get(pk, ZERO) for pk in people}
    person_points_new = {pk: new_persons.get(pk, ZERO) for pk in people}
    if progress:
        progress(3, 4)

    def rows(names, before, after):
        rank_before, rank_after = _ranks(before), _ranks(after)
        out = [
            {
                "pk": pk,
                "name": names[pk],
                "before": str(before[pk]),
                "after": str(after[pk]),
                "change": str(after[pk] - before[pk]),
                "rank_before": rank_before[pk],
                "rank_after": rank_after[pk],
            }
            for pk in before
        ]
        return sorted(out, key=lambda r: (r["rank_after"], r["name"]))

    persons = rows({pk: p.name for pk, p in people.items()}, person_points_old, person_points_new)
    for row in persons:
        row["unit"] = people[row["pk"]].unit_id
    # units of one class are ranked together, as on the standings page
    unit_rows = []
    classes: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in ranked:
        classes[unit.unit_class_id].append(unit)
    for members in sorted(
        classes.values(),
        key=lambda us: (us[0].unit_class_id is None, min(u.sort_order for u in us)),
    ):
        ids = {u.pk for u in members}
        part = rows(
            {u.pk: u.label for u in members},
            {pk: p for pk, p in unit_points_old.items() if pk in ids},
            {pk: p for pk, p in unit_points_new.items() if pk in ids},
        )
        if len(part) == 1 and not (Decimal(part[0]["before"]) or Decimal(part[0]["after"])):
            # as on the standings page: a class whose only unit has nothing either way
            # (the issuing office's own 办公室, which has no class) is left out
            continue
        # "" is "units without a class", put in words when shown (in the reader's language)
        name = members[0].unit_class.name if members[0].unit_class_id else ""
        unit_rows.extend({**row, "class": name} for row in part)
    return {
        "base": base.pk,
        "draft": draft.pk,
        "base_name": base.name,
        "draft_name": draft.name,
        "start": base.effective_from.isoformat(),
        "end": base.effective_to.isoformat(),
        "lines": len(lines),
        "units": unit_rows,
        "persons": persons,
    }
