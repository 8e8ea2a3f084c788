"""Each role's desk on the workbench home, with the demo bureau: what it shows, where
its items lead, and a number of queries that does not grow with the rows."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xinxuan.appraisal import demo as appraisal_demo
from xinxuan.organisation import demo as organisation_demo
from xinxuan.organisation.models import Unit
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import demo as scoring_demo
from xinxuan.scoring import ledger
from xinxuan.scoring.models import RuleSet
from xinxuan.submissions import demo as submissions_demo
from xinxuan.submissions.models import Commission, Item, ItemKind, ItemStatus

pytestmark = pytest.mark.django_db

DEMOS = (organisation_demo, submissions_demo, outcomes_demo, scoring_demo, appraisal_demo)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo bureau, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        from django.conf import settings

        tasks = settings.TASKS
        settings.TASKS = {
            **tasks,
            "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
        }
        try:
            for module in DEMOS:
                module.load(log=lambda _message: None)
            yield
        finally:
            settings.TASKS = tasks
            transaction.set_rollback(True)


def desk(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        pytest.param(
            "officer", ["我的稿件", "草稿", "已退回", "我的得分", "待交约稿"], id="officer"
        ),
        pytest.param("head", ["待我审核", "本部门稿件", "本部门作者排名"], id="head"),
        pytest.param(
            "office",
            ["待审队列", "截止期限", "单位排名", "逐月得分", "省级及以上录用"],
            id="office",
        ),
        pytest.param("leader", ["待领导批示", "单位排名", "领导批示"], id="leader"),
        pytest.param("province", ["各局排名", "常州局"], id="province"),
    ],
)
def test_each_role_has_its_desk_with_the_plaque_holder(client, demo, username, shown):
    page = desk(client, username)
    for text in [*shown, "流动示范点", "动植检处"]:
        assert text in page, f"{username}'s desk lacks {text}"


def test_the_officer_and_the_head_have_items_of_their_own(client, demo):
    officer = get_user_model().objects.get(username="officer")
    head = get_user_model().objects.get(username="head")
    statuses = set(Item.objects.filter(created_by=officer).values_list("status", flat=True))
    assert {ItemStatus.DRAFT, ItemStatus.SUBMITTED, ItemStatus.RETURNED} <= statuses
    assert ItemStatus.REPORTED in statuses or ItemStatus.APPROVED in statuses
    adopted = Item.objects.filter(created_by=head, outcomes__kind="adoption").distinct()
    assert adopted.count() >= 2


@pytest.mark.parametrize("username", ["officer", "head", "office", "leader"])
def test_items_on_a_desk_open_the_item_page_not_the_edit_form(client, demo, username):
    page = desk(client, username)
    desk_html = page[page.index('id="desk-section"') : page.index('id="my-unit-section"')]
    assert re.search(r'href="/admin/items/\d+/"', desk_html)
    assert "/edit/" not in desk_html


def more_rows(how_many: int) -> None:
    """Open items, deadlines and commissions everywhere a desk lists them."""
    officer = get_user_model().objects.get(username="officer")
    dzj = Unit.objects.get(code="cz-dzj")
    kind = ItemKind.objects.first()
    now = timezone.now()
    for n in range(how_many):
        for status in (ItemStatus.DRAFT, ItemStatus.SUBMITTED, ItemStatus.HEAD_APPROVED):
            Item.objects.create(
                title=f"加测稿件{status}{n}",
                kind=kind,
                unit=dzj,
                status=status,
                created_by=officer,
                deadline=now + dt.timedelta(days=n),
            )
        Commission.objects.create(title=f"加测约稿{n}", unit=dzj, deadline=dt.date(2012, 1, n + 1))


@pytest.mark.parametrize("username", ["officer", "head", "office", "leader", "province"])
def test_a_desk_makes_as_many_queries_with_more_rows(
    client, demo, username, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(get_user_model().objects.get(username=username))
    client.get("/admin/")  # warm the caches every request shares (site, settings)
    with django_assert_max_num_queries(90) as before:
        client.get("/admin/")
    more_rows(20)
    with django_assert_num_queries(len(before.captured_queries)):
        page = client.get("/admin/").content.decode()
    if username in ("officer", "head", "office"):
        assert "加测" in page


def test_a_title_in_the_item_list_opens_the_item_page(client, demo):
    client.force_login(get_user_model().objects.get(username="office"))
    page = client.get("/admin/snippets/submissions/item/").content.decode()
    titles = re.findall(r'<a href="([^"]+)">\s*<span id="snippet_\d+_title"', page)
    assert len(titles) >= 10
    assert all(re.fullmatch(r"/admin/items/\d+/", url) for url in titles), titles[:3]


# ------------------------------------------------------------------ Chinese on every screen


class VisibleText(HTMLParser):
    """The text a user reads: no scripts, styles, or the rule set's own text (a
    textarea or a code block, where keys belong)."""

    SKIP = {"script", "style", "textarea", "pre", "code", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


UNREADABLE = {
    "a setting or rule key": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "a code": re.compile(r"\b[a-z]+(?:-[a-z]+)+\b"),
    "a doubled word": re.compile(r"第第|期期|号号|年度年度|〔〔"),
}
SKIPPED = ("logout", "/edit/", "delete", "download", "document/", "certificates", "xlsx", "docx")


def test_the_main_workbench_pages_show_no_keys_codes_or_doubled_words(client, demo):
    """As the office, every page of the menu and the first pages they link to (items,
    rule sets and standings, appraisal, bulletins, ledger)."""
    client.force_login(get_user_model().objects.get(username="office"))
    home = client.get("/admin/").content.decode()
    # the menu is drawn by a script from the sidebar's data
    menu = re.findall(r'"url": "(/admin/[^"#?]*)"', home)
    pages = set(re.findall(r'href="(/admin/[^"#?]*)"', home)) | set(menu)
    linked = r'href="(/admin/(?:items|rulesets|appraisal|bulletins|ledger)/[^"#?]*)"'
    for url in sorted(pages):
        if not any(word in url for word in SKIPPED):
            pages |= set(re.findall(linked, client.get(url).content.decode())[:5])
    # the pages of items with each kind of outcome (prizes name a rule, adoptions an
    # issue, endorsements a setting in their explanation)
    for kind in ("prize", "adoption", "endorsement", "publication", "report"):
        pk = Outcome.objects.filter(kind=kind).values_list("item_id", flat=True).first()
        pages.add(f"/admin/items/{pk}/")
    assert len(pages) > 25
    ruleset = RuleSet.objects.get(code="changzhou-2011")
    compiled = ledger.compile_ruleset(ruleset)
    keys = {*compiled.prizes, *compiled.deductions, *compiled.adjustments, *compiled.carriers}
    rule_keys = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(keys))) + r")\b")
    patterns = {**UNREADABLE, "a key of the rule set": rule_keys}
    found = {}
    for url in sorted(pages):
        if any(word in url for word in SKIPPED):
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        for what, pattern in patterns.items():
            if hits := sorted(set(pattern.findall(text))):
                found[url] = (what, hits[:5])
    assert not found, found


def test_the_province_office_ranks_its_bureaus_by_points(client, demo):
    """Each bureau under its own rule set in force, said so, and every bureau listed."""
    from xinxuan.scoring.models import Standing

    page = desk(client, "province")
    card = page[page.index("各局排名") :]
    assert "各自现行的考核办法" in card
    ruleset = RuleSet.objects.get(code="changzhou-2011")
    points = sum(
        Standing.objects.filter(ruleset=ruleset, person__isnull=True).values_list(
            "points", flat=True
        )
    )
    assert points > 0
    assert f"{points:.1f}" in card[: card.index("</table>")]
    assert f"/admin/rulesets/{ruleset.pk}/standings/lines/?period=2011" in card
    province = Unit.objects.get(pk=ruleset.unit.parent_id)
    assert f"parent={province.pk}" in card
