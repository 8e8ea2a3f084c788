"""Print a rule set's standings for a period, the headline figures and the appraisal
proposal: a table by default, JSON with ``--json`` (for automation).

    manage.py standings changzhou-2011 --period 2011-Q2 --json
    manage.py standings changzhou-2011 --parent jiangsu --json   # the province's bureaus
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from xinxuan.appraisal import proposal as appraisal
from xinxuan.organisation.models import Unit
from xinxuan.outcomes.figures import headline_figures
from xinxuan.scoring import rollup
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.models import RuleSet


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _unit_row(r) -> dict:
    """A unit's standing as the JSON names it, in a ranking or a roll-up."""
    return {
        "rank": r.rank,
        "unit": r.unit.label,
        "code": r.unit.code,
        "points": _num(r.points),
        "target": _num(r.target),
        "completion": _num(r.completion),
        "adopted": r.adopted,
        "gap_to_next": _num(r.gap_to_next),
        "to_second": _num(r.to_second),
    }


class Command(BaseCommand):
    help = "Standings, headline figures and appraisal proposal of a rule set for a period."

    def add_arguments(self, parser) -> None:
        parser.add_argument("ruleset", help="the rule set's identifier (or its number)")
        parser.add_argument(
            "--period", default="", help="2011, 2011-H1, 2011-Q3, 2011-05, 2011-W05"
        )
        parser.add_argument("--unit", default="", help="the headline figures of this unit (code)")
        parser.add_argument(
            "--parent",
            default="",
            help="also rank the sub-units of this unit (code), each with everything below it",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options) -> None:
        found = RuleSet.objects.filter(code=options["ruleset"]).order_by("-version")
        if not found and options["ruleset"].isdigit():
            found = RuleSet.objects.filter(pk=int(options["ruleset"]))
        ruleset = found.first()
        if ruleset is None:
            raise CommandError(f"no rule set {options['ruleset']!r}")
        try:
            period = by_period.parse_period(ruleset, options["period"])
        except by_period.BadFilter as bad:
            raise CommandError(bad.message) from None
        unit = ruleset.unit
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit {options['unit']!r}")
        data = self._data(ruleset, period, unit)
        if options["parent"]:
            parent = Unit.objects.filter(code=options["parent"]).first()
            if parent is None:
                raise CommandError(f"no unit {options['parent']!r}")
            data["rollup"] = self._rollup(rollup.rollup(parent, period))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self._table(data)

    def _data(self, ruleset: RuleSet, period, unit: Unit) -> dict:
        rankings = [
            {
                "class": ranking.name,
                "units": [_unit_row(r) for r in ranking.rows],
            }
            for ranking in by_period.unit_rankings(ruleset, period)
        ]
        persons = [
            {
                "rank": r.rank,
                "person": r.person.name,
                "unit": r.unit.label,
                "points": _num(r.points),
            }
            for r in by_period.person_ranking(ruleset, period)
        ]
        headline = headline_figures(unit=unit, start=period.start, end=period.end)
        try:
            proposed = appraisal.propose(ruleset)
            awards = [
                {
                    "track": a.track,
                    "recipient": a.recipient,
                    "prize": a.tier_label,
                    "place": a.place,
                    "unit": a.unit.label,
                    "person": a.person.name if a.person else None,
                    "item": a.item.title if a.item else None,
                    "points": _num(a.points),
                    "tied": a.tied,
                }
                for a in proposed.awards
            ]
            # the appraisal is of the rule set's whole period, whatever period is asked
            appraisal_data = {"awards": awards, "ties": [t.describe() for t in proposed.ties]}
        except appraisal.NoAppraisalRules as missing:
            appraisal_data = {"awards": [], "ties": [], "message": missing.message}
        return {
            "ruleset": ruleset.code,
            "period": period.key,
            "period_label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "rankings": rankings,
            "persons": persons,
            "headline": {"unit": unit.label, **{label: n for label, n in headline.as_rows()}},
            "appraisal": appraisal_data,
        }

    @staticmethod
    def _rollup(rolled: rollup.Rollup) -> dict:
        return {
            "parent": rolled.parent.label,
            "code": rolled.parent.code,
            "basis": rolled.basis.value,
            "note": rolled.note,
            "rulesets": [rs.code for rs in rolled.rulesets],
            "units": [
                {
                    **_unit_row(r),
                    "rulesets": [rs.code for rs in r.rulesets],
                    "below": r.below,
                }
                for r in rolled.rows
            ],
        }

    def _table(self, data: dict) -> None:
        out = self.stdout.write
        out(f"{data['ruleset']} · {data['period_label']} ({data['start']} – {data['end']})")
        for ranking in data["rankings"]:
            out(f"\n{ranking['class']}")
            for r in ranking["units"]:
                completion = f"{r['completion']}%" if r["completion"] else "—"
                lead = r["to_second"] or ""
                out(f"{r['rank']:>3}  {r['unit']:<12}{r['points']:>10}  {completion:>8}  {lead}")
        if "rollup" in data:
            out(f"\n{data['rollup']['parent']}: {data['rollup']['note']}")
            for r in data["rollup"]["units"]:
                out(f"{r['rank']:>3}  {r['unit']:<12}{r['points']:>10}  {'、'.join(r['rulesets'])}")
        out(f"\n{data['headline']['unit']}")
        for label, n in data["headline"].items():
            if label != "unit":
                out(f"  {label}: {n}")
        if data["appraisal"].get("message"):
            out("\n" + data["appraisal"]["message"])
        for a in data["appraisal"]["awards"]:
            who = a["person"] or a["item"] or a["unit"]
            out(f"  {a['prize']}  {who}  {a['points']}")
