"""The ledger as a report: filter, page through, export to .xlsx / .csv in the
engine's events-file format (Chinese headers), which the import reads back and the
engine's command line scores (``python -m xinxuan.scoring.engine score``).

Kinds, carriers, levels, placements, routes and clauses are written by the names the
rule set in force gives them (or their keys, where it names them not), never by the
workbench's own names, which the rule set does not know (调研/政策研究 is 调研 there)."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import HeaderButton

from xinxuan.lib.spreadsheets import SpreadsheetSafeExportMixin
from xinxuan.organisation.access import filter_by_unit, visible_units
from xinxuan.outcomes.models import Outcome, OutcomeKind

# (attribute of LedgerRow, header of the engine's events file)
EXPORT = [
    ("event_id", "事件编号"),
    ("item_id", "稿件编号"),
    ("title", "标题"),
    ("kind", "类别"),
    ("chars", "字数"),
    ("units", "单位"),
    ("persons", "作者"),
    ("event", "事件"),
    ("date", "日期"),
    ("due", "应报日期"),
    ("carrier", "载体"),
    ("level", "级别"),
    ("grade", "等次"),
    ("placement", "版面"),
    ("use", "采用方式"),
    ("route", "途径"),
    ("issue", "期号"),
    ("leader", "领导"),
    ("leader_level", "领导级别"),
    ("leader_rank", "领导职务"),
    ("rule", "条款"),
    ("points", "分值"),
    ("reason", "理由"),
    ("revoked", "撤销"),
]
EVENT_NAMES = {
    "submission": "报送",
    "report": "上报",
    "adoption": "采用",
    "endorsement": "批示",
    "publication": "媒体发表",
    "prize": "获奖",
    "deduction": "扣分",
    "manual_adjustment": "手工加减分",
    "commission_missed": "约稿未完成",
}


class ExportNames:
    """The names the rule set in force gives the ledger's keys, for the export."""

    def __init__(self, ruleset=None) -> None:
        self.maps: dict[str, dict[str, str]] = {}
        if ruleset is None:
            return
        self.maps = {
            "kind": {k: v.label[0] for k, v in ruleset.kinds.items()},
            "carrier": {k: v.label[0] for k, v in ruleset.carriers.items()},
            "level": {k: v[0] for k, v in ruleset.levels.items()},
            "placement": {k: v.label[0] for k, v in ruleset.placements.items()},
            "route": {k: v.label[0] for k, v in ruleset.routes.items()},
            "rule": {
                k: v.label[0]
                for table in (ruleset.prizes, ruleset.deductions, ruleset.adjustments)
                for k, v in table.items()
            },
        }

    def name(self, vocabulary: str, key: str) -> str:
        return self.maps.get(vocabulary, {}).get(key) or key

    def words(self) -> dict[str, str]:
        """Placement and clause keys → their names, for the particulars on screen."""
        return {**self.maps.get("placement", {}), **self.maps.get("rule", {})}

    def route(self, key: str) -> str:
        """A route only where the rule set names it: the engine refuses others, and the
        ledger (``ledger._fit``) lets a rule set that names no route ignore them."""
        return self.maps.get("route", {}).get(key, "")

    @staticmethod
    def ruleset_for(user):
        """The rule set in force today issued by the user's bureau, or None."""
        from django.utils import timezone

        from xinxuan.organisation.access import home_unit
        from xinxuan.scoring import vocabulary

        unit = home_unit(user)
        bureau = unit.bureau() if unit else None
        if bureau is None:
            return None
        return vocabulary.issued_by([bureau.pk], timezone.localdate())

    @classmethod
    def for_user(cls, user) -> ExportNames:
        from xinxuan.scoring import vocabulary

        ruleset = cls.ruleset_for(user)
        return cls(vocabulary.Offer(ruleset).compiled if ruleset else None)


@dataclass
class LedgerRow:
    outcome: Outcome
    event_id: str
    item_id: str
    title: str
    kind: str
    chars: str
    units: str
    persons: str
    event: str
    date: str
    due: str
    carrier: str
    level: str
    grade: str
    placement: str
    use: str
    route: str
    issue: str
    leader: str
    leader_level: str
    leader_rank: str
    rule: str
    points: str
    reason: str
    revoked: str

    @classmethod
    def of(cls, o: Outcome, names: ExportNames | None = None) -> LedgerRow:
        names = names or ExportNames()
        item = o.item
        bureau_key = item.source_key.split(":", 1)[1] if item and item.source_key else ""
        return cls(
            outcome=o,
            event_id=o.import_key.split(":", 1)[1] if o.import_key else f"o{o.pk}",
            item_id=(bureau_key or f"I{item.pk}") if item else "",
            title=item.title if item else "",
            kind=names.name("kind", item.kind.code) if item else "",
            chars=str(item.char_count) if item else "",
            units=";".join(f"{s.unit.label}:{s.share.normalize()}" for s in item.unit_shares.all())
            if item
            else o.unit.label,
            persons=";".join(
                f"{a.person.name}@{a.person.unit.label}:{a.share.normalize()}"
                for a in item.author_shares.all()
            )
            if item
            else (o.person.name if o.person else ""),
            event=EVENT_NAMES.get(o.kind, o.kind),
            date=o.date.isoformat(),
            due=o.due.isoformat() if o.due else "",
            carrier=names.name("carrier", o.carrier.code) if o.carrier else "",
            # A report's destination level (so the engine values it as the workbench does).
            level=names.name("level", o.scoring_level.code)
            if o.scoring_level and o.kind != OutcomeKind.ENDORSEMENT
            else "",
            grade=o.grade,
            placement=names.name("placement", o.placement) if o.placement else "",
            route=names.route(o.route.code) if o.route else "",
            use={"sole": "独家", "combined": "合用"}.get(o.use, ""),
            issue=o.issue,
            leader=o.leader,
            leader_level=names.name("level", o.level.code)
            if o.level and o.kind == OutcomeKind.ENDORSEMENT
            else "",
            leader_rank={"main": "主要", "other": "其他"}.get(o.leader_rank, ""),
            rule=names.name("rule", o.rule) if o.rule else "",
            points="" if o.points is None else str(o.points.normalize()),
            reason=o.reason,
            revoked="是" if o.revoked_at else "",
        )


class LedgerFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OutcomeKind.choices)
    date = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=lambda r: visible_units(r.user)
    )
    revoked = django_filters.BooleanFilter(
        label=pgettext_lazy("outcome", "Revoked"),
        field_name="revoked_at",
        lookup_expr="isnull",
        exclude=True,
    )

    class Meta:
        model = Outcome
        fields = ["kind", "date", "unit"]


# Larger exports are written by the background worker and fetched from the job's page.
EXPORT_INLINE_ROWS = 2000


class EvidenceColumn(TitleColumn):
    """A link to the outcome's evidence file (served after the unit check), or nothing."""

    empty_value_display = ""


class KeyedPaginator(WagtailPaginator):
    """Reads a page's ids first (along the date index, which holds the unit), then
    those rows with their item, unit, carrier and the rest: a page far down the
    ledger otherwise joined every row it skipped to its relations (page 500 of a
    province's year skips 25,000)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class LedgerView(SpreadsheetSafeExportMixin, ReportView):
    page_title = _("Outcome ledger")
    header_icon = "list-ul"
    index_url_name = "outcomes:ledger"
    index_results_url_name = "outcomes:ledger-results"
    filterset_class = LedgerFilterSet
    paginator_class = KeyedPaginator
    any_permission_required = ["outcomes.view_outcome"]
    list_export = [name for name, _h in EXPORT]
    export_headings = dict(EXPORT)
    columns = [
        Column("date", label=_("Date")),
        Column("event", label=_("Kind")),
        Column("title", label=_("Item"), accessor="title"),
        Column("unit_names", label=_("Units"), accessor="unit_names"),
        Column("carrier", label=_("Carrier")),
        Column("summary", label=_("Particulars"), accessor="summary"),
        Column("revoked", label=pgettext_lazy("outcome", "Revoked")),
        EvidenceColumn("evidence_label", label=_("Evidence"), get_url=lambda r: r.evidence_url),
    ]

    # The worker's copy of the view (xinxuan/outcomes/tasks.py) writes the file itself.
    in_worker = False
    progress = None

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.in_worker:
            rows = self.get_filtered_queryset().count()
            if rows > EXPORT_INLINE_ROWS:
                from django.shortcuts import redirect

                from xinxuan.outcomes.tasks import start_export

                job = start_export(
                    user=request.user,
                    query=request.GET.urlencode(),
                    spreadsheet_format=request.GET["export"],
                    rows=rows,
                )
                return redirect("jobs:job-detail", pk=job.pk)
        return super().get(request, *args, **kwargs)

    def to_row_dict(self, item):
        if self.progress is not None:
            self.progress()
        return super().to_row_dict(item)

    def get_queryset(self):
        outcomes = Outcome.objects.select_related(
            "item__kind", "unit", "person", "carrier", "level", "superior_body__level", "route"
        ).prefetch_related("item__unit_shares__unit", "item__author_shares__person__unit")
        return filter_by_unit(outcomes, self.request.user, "unit").order_by("date", "pk")

    def decorate_paginated_queryset(self, object_list):
        # called for the table (see get_table) and again by ReportView for the context
        cache = self.__dict__.setdefault("_rows", {})
        rows = []
        for o in object_list:
            if isinstance(o, LedgerRow):
                rows.append(o)
                continue
            row = cache.get(o.pk)
            if row is None:
                row = cache[o.pk] = LedgerRow.of(o, self.export_names)
                row.summary = o.summary(self.export_names.words())
                # for the screen: the units by name, without the export's shares
                row.unit_names = (
                    "、".join(s.unit.label for s in o.item.unit_shares.all())
                    if o.item
                    else o.unit.label
                )
                row.evidence_url = (
                    reverse("outcomes:outcome-evidence", args=[o.pk]) if o.evidence else None
                )
                row.evidence_label = gettext("Open the evidence") if o.evidence else ""
            rows.append(row)
        return rows

    @cached_property
    def export_names(self) -> ExportNames:
        return ExportNames.for_user(self.request.user)

    def get_table(self, object_list):
        # the table shows the rows' fields (kind, item, units), not the bare outcomes
        return super().get_table(self.decorate_paginated_queryset(object_list))

    @cached_property
    def header_buttons(self):
        from xinxuan.accounts.roles import Role, roles_of

        user = self.request.user
        if not (user.is_superuser or Role.OFFICE in roles_of(user)):
            return []
        buttons = [
            HeaderButton(
                _("Import a ledger"),
                url=reverse("outcomes:ledger-import"),
                icon_name="upload",
            )
        ]
        ruleset = ExportNames.ruleset_for(user)
        if ruleset is not None:
            # the export and this file are the command line's whole input
            buttons.append(
                HeaderButton(
                    _("Units file for the command line"),
                    url=reverse("scoring:ruleset-units", args=[ruleset.pk]),
                    icon_name="download",
                )
            )
        return buttons

    def get_filename(self):
        return "ledger"

    def stream_csv(self, queryset):
        # a byte-order mark, so that Excel on a Chinese Windows reads the file as UTF-8
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_url"] = reverse("outcomes:ledger-import")
        return context
