"""The rule-set schema: every table, key and setting the engine understands.

Validation walks the parsed TOML against this; the docs test checks that every name
here is written out in docs/rules.md.
"""

from __future__ import annotations

# Value types: str, int, bool, date, decimal, list_str, list_int, list_decimal,
# map_decimal (id -> decimal), map_map_decimal (id -> id -> decimal), steps
# ([[count, points], …]), tiers (array of tables), enum:a|b|c.

SETTINGS: dict[str, tuple[str, object]] = {
    "multi_adoption": ("enum:sum|highest|top_levels|once_per_carrier_class", "sum"),
    "multi_adoption_top_n": ("int", 2),
    "multi_publication": ("enum:sum|highest|top_levels|once_per_carrier_class", "sum"),
    "multi_publication_top_n": ("int", 2),
    "commission_adoption": ("enum:besides|instead", "besides"),
    "multi_endorsement": ("enum:each|highest", "each"),
    "endorsement_mode": ("enum:event|bonus", "event"),
    "report_and_adoption": ("enum:both|adoption_only", "both"),
    "floor_applies_to": ("enum:base|total", "base"),
    "voided_period_counts_as_shortfall": ("bool", False),
    "shortfall_basis": ("enum:all_points|adoption_points", "all_points"),
    "display_rounding": ("enum:half_up|half_even|down|up", "half_up"),
    "display_places": ("int", 1),
    "share_quantum": ("decimal", "0.01"),
    "share_rounding": ("enum:per_item|per_event", "per_item"),
    "unit_split": ("enum:shares|equal|fixed_each", "shares"),
    "person_split": (
        "enum:none|shares|equal|ratio_first_n|fixed_each|participants",
        "shares",
    ),
    "person_ratio": ("list_int", [3, 2]),
    "report_order": ("enum:score|fixed", "score"),
}

LABELS = {"label_zh": "str", "label_en": "str"}

# Table path ("*" = an id chosen by the rule set) -> allowed keys and their types.
TABLES: dict[str, dict[str, str]] = {
    "ruleset": {
        "id": "str",
        "version": "str",
        "name": "str",
        "issuer": "str",
        "effective_from": "date",
        "effective_to": "date",
        "status": "enum:draft|active",
        "note": "str",
    },
    "settings": {name: spec[0] for name, spec in SETTINGS.items()},
    "levels.*": {**LABELS},
    "kinds.*": {
        **LABELS,
        "factor": "decimal",
        "inherits": "str",
        "reclassify_at_chars": "int",
        "reclassify_as": "str",
    },
    "carrier_classes.*": {**LABELS, "parent": "str"},
    "carriers.*": {
        **LABELS,
        "level": "str",
        "class": "str",
        "points": "decimal",
        "min": "decimal",
        "max": "decimal",
        "counts": "bool",
        "requires_route": "list_str",
        "grades": "map_decimal",
        "kinds": "map_decimal",
    },
    "placements.*": {**LABELS, "mode": "enum:replace|multiply", "value": "decimal"},
    "routes.*": {**LABELS, "factor": "decimal", "levels": "map_decimal"},
    "uses.*": {**LABELS, "factor": "decimal", "each_unit": "decimal"},
    "factors.*": {
        **LABELS,
        "factor": "decimal",
        "events": "list_str",
        "min_level": "str",
        "levels": "list_str",
        "carriers": "list_str",
        "classes": "list_str",
        "kinds": "list_str",
    },
    "adoption": {"points": "map_decimal", "matrix": "map_map_decimal"},
    "publication": {"points": "map_decimal", "matrix": "map_map_decimal"},
    "report": {
        "points": "decimal",
        "kinds": "map_decimal",
        "levels": "map_decimal",
        "late": "decimal",
    },
    "submission": {"points": "decimal", "kinds": "map_decimal", "late": "decimal"},
    "endorsement": {
        "points": "map_decimal",
        "main_leader_points": "map_decimal",
        "carrier_bonus": "map_decimal",
        "by_carrier": "map_map_decimal",
        "value": "decimal",
    },
    "prizes.*": {**LABELS, "points": "decimal", "grades": "map_decimal"},
    "commission": {
        "delivered": "decimal",
        "missed": "decimal",
        "late": "decimal",
        "adopted": "decimal",
    },
    "deductions.*": {
        **LABELS,
        "points": "decimal",
        "min": "decimal",
        "max": "decimal",
        "escalation": "list_decimal",
        "escalation_period": "period",
        "escalation_persons": "bool",
    },
    "adjustments.*": {**LABELS, "min": "decimal", "max": "decimal"},
    "nullification": {
        "item_deduction": "decimal",
        "period": "period",
        "period_deduction": "decimal",
    },
    "vetoes.*": {**LABELS, "event": "str", "count": "int", "period": "period"},
    "quotas.*": {
        **LABELS,
        "period": "period",
        "counts": "enum:report|submission|adoption|publication|points",
        "required": "decimal",
        "basis": "enum:per_piece|flat|points",
        "per_piece": "decimal",
        "flat": "decimal",
        "k": "decimal",
        "met": "decimal",
    },
    "base": {
        "period": "period",
        "points": "decimal",
        "floor": "decimal",
        "cap_additions": "decimal",
        "requires_quota": "str",
    },
    "rates.*": {
        **LABELS,
        "period": "period",
        "below": "decimal",
        "points": "decimal",
        "min_reports": "int",
    },
    "steps.*": {
        **LABELS,
        "period": "period",
        "counts": "enum:report|submission|adoption|publication|endorsement",
        "thresholds": "steps",
    },
    "caps.*": {
        **LABELS,
        "period": "period",
        "clauses": "list_str",
        "cap": "decimal",
    },
    "conversion": {**LABELS, "formula": "str"},
    "appraisal.collective": {
        "by_class": "bool",
        "tiers": "tiers",
        "min_completion": "decimal",
        "min_points": "decimal",
        "without_target": "enum:eligible|ineligible",
        "exclude_vetoed": "bool",
        "tie_break": "list_str",
    },
    "appraisal.individual": {
        "by_class": "bool",
        "tiers": "tiers",
        "min_completion": "decimal",
        "min_points": "decimal",
        "without_target": "enum:eligible|ineligible",
        "exclude_vetoed": "bool",
        "tie_break": "list_str",
    },
    "appraisal.plaque": {
        **LABELS,
        "threshold": "decimal",
        "min_points": "decimal",
        "without_target": "enum:eligible|ineligible",
        "first_in_class": "bool",
        "keep_when_nobody_qualifies": "bool",
    },
    "appraisal.criticism": {"consecutive_months": "int", "min_points": "decimal"},
    "appraisal.elimination": {
        "bottom_k": "int",
        "bottom_percent": "decimal",
        "below": "decimal",
    },
    "appraisal.item_awards": {**LABELS, "count": "int", "kinds": "list_str"},
}

TIER_KEYS = {"id": "str", "label_zh": "str", "label_en": "str", "count": "int"}

PERIODS = ("week", "month", "quarter", "half", "year")

# The rule types an office writes (top-level tables), documented in docs/rules.md.
RULE_TYPES: tuple[str, ...] = tuple(
    dict.fromkeys(path.split(".")[0] for path in TABLES if path != "ruleset")
)

# Every key name, for the docs test.
ALL_KEYS: tuple[str, ...] = tuple(
    sorted({key for keys in TABLES.values() for key in keys} | set(TIER_KEYS))
)
