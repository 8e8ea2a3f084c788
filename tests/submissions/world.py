"""A bureau with carriers, kinds and the 2011 rule set in force: the ledger's world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from wagtail.admin.rich_text import DraftailRichTextArea

from tests.builders import Org, make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Carrier, CarrierKind, Level, Route, SuperiorBody
from xinxuan.scoring.models import RuleSet, RuleSetStatus
from xinxuan.submissions import actions
from xinxuan.submissions.models import Item, ItemKind

RULESET_2011 = (
    Path(__file__).resolve().parents[2] / "xinxuan/scoring/rulesets/changzhou-2011.toml"
).read_text(encoding="utf-8")
DAY = dt.date(2011, 5, 10)


@dataclass
class World:
    org: Org
    officer: object
    head: object
    office: object
    outsider: object
    kinds: dict[str, ItemKind]
    levels: dict[str, Level]
    carriers: dict[str, Carrier]
    body: SuperiorBody
    route: Route
    ruleset: RuleSet


def make_world(*, ruleset_text: str = RULESET_2011) -> World:
    org = make_org()
    officer = make_user("officer", role=Role.OFFICER, unit=org.dept)
    head = make_user("head", role=Role.HEAD, unit=org.dept)
    office = make_user("office", role=Role.OFFICE, unit=org.office)
    outsider = make_user("outsider", role=Role.OFFICE, unit=org.other_bureau)
    kinds = {
        code: ItemKind.objects.create(name=name, code=code, sort_order=i)
        for i, (code, name) in enumerate(
            [
                ("zhengwu", "政务信息"),
                ("tongxun", "通讯稿"),
                ("tupian", "新闻图片"),
                ("diaoyan", "调研"),
            ]
        )
    }
    kinds["tongxun"].is_press = True
    kinds["tongxun"].save()
    levels = {
        code: Level.objects.create(name=name, code=code, rank=rank)
        for code, name, rank in [
            ("national", "国家级", 4),
            ("provincial", "省级", 3),
            ("city", "市级", 2),
            ("bureau", "局级", 1),
        ]
    }
    carriers = {
        code: Carrier.objects.create(name=name, code=code, kind=kind, level=levels[level])
        for code, name, kind, level in [
            ("zongju-zhuanbao", "总局《专报信息》", CarrierKind.PUBLICATION, "national"),
            ("sheng-dongtai", "省政府《动态信息》", CarrierKind.PUBLICATION, "provincial"),
            ("shiwei-xinxi", "市委市政府信息", CarrierKind.PUBLICATION, "city"),
            ("benju-wangzhan", "本局网站", CarrierKind.WEBSITE, "bureau"),
            ("changzhou-ribao", "常州日报", CarrierKind.MEDIA, "city"),
            ("guomen-shibao", "中国国门时报", CarrierKind.MEDIA, "national"),
        ]
    }
    body = SuperiorBody.objects.create(name="总局办公厅", level=levels["national"])
    route = Route.objects.create(name="经办公室转报", code="office")
    ruleset = make_ruleset(org.bureau, name="2011", code="changzhou-2011", text=ruleset_text)
    return World(
        org, officer, head, office, outsider, kinds, levels, carriers, body, route, ruleset
    )


def make_ruleset(
    unit, *, name: str, code: str, text: str = RULESET_2011, status=RuleSetStatus.ACTIVE
) -> RuleSet:
    """A rule set of 2011 issued by ``unit``."""
    return RuleSet.objects.create(
        unit=unit,
        name=name,
        code=code,
        effective_from=dt.date(2011, 1, 1),
        effective_to=dt.date(2011, 12, 31),
        status=status,
        text=text,
        engine_version="2011.1",
    )


def write_item(
    world: World, *, title="输欧盟中药面临生死考验", kind="zhengwu", unit=None, by=None, **extra
):
    """An item written by the officer (or ``by``): only the office credits departments
    other than its writer's own."""
    return actions.create_item(
        user=by or world.officer,
        title=title,
        kind=world.kinds[kind],
        unit=unit or world.org.dept,
        body=extra.pop("body", "<p>欧盟传统草药法令全面实施，我市中药出口企业面临考验。</p>"),
        **extra,
    )


def approved_item(world: World, **kwargs) -> Item:
    item = write_item(world, **kwargs)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    actions.approve_item(item=item, user=world.office)
    item.refresh_from_db()
    return item


def reported_item(world: World, **kwargs) -> Item:
    item = approved_item(world, **kwargs)
    outcome_actions.report_upward(
        item=item, user=world.office, superior_body=world.body, route=world.route, date=DAY
    )
    item.refresh_from_db()
    return item


def points_of(unit) -> Decimal:
    from xinxuan.scoring.models import Standing

    row = Standing.objects.filter(unit=unit, person=None).first()
    return row.points if row else Decimal(0)


# ------------------------------------------------------------------ the item form

EDIT = "wagtailsnippets_submissions_item:edit"


def _value(bound_field):
    value = bound_field.value()
    if isinstance(bound_field.field.widget, DraftailRichTextArea):
        return bound_field.field.widget.format_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def edit_data(client, item, **changes):
    """The edit form as the browser would send it back, with ``changes`` applied."""
    form = client.get(reverse(EDIT, args=[item.pk])).context["form"]
    data = {}
    for field in form:
        value = _value(field)
        if value not in ("", []) or field.name == "title":
            data[field.html_name] = value
    for formset in form.formsets.values():
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for subform in formset.forms:
            for field in subform:
                data[field.html_name] = _value(field)
    data.update(changes)
    return data


def add_row(data: dict, prefix: str, **values) -> dict:
    """A new row of an inline panel (a unit share, an author) in posted form data."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    data.update({f"{prefix}-{n}-{key}": value for key, value in values.items()})
    data.update(
        {f"{prefix}-{n}-id": "", f"{prefix}-{n}-ORDER": str(n + 1), f"{prefix}-{n}-DELETE": ""}
    )
    return data
