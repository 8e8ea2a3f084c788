"""A rule set read as its regulation (第一条 …), on screen and as a Word document."""

import io
import re
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import make_world
from xinxuan.accounts.roles import Role
from xinxuan.scoring.engine import load_ruleset, load_ruleset_file
from xinxuan.scoring.engine.schema import RULE_TYPES, SETTINGS
from xinxuan.scoring.regulation import chinese_numeral, ordinal, regulation_of, to_docx

RULESETS = sorted((Path(__file__).resolve().parents[2] / "xinxuan/scoring/rulesets").glob("*.toml"))
RULESET_2011 = next(p for p in RULESETS if p.name == "changzhou-2011.toml")


@pytest.mark.parametrize(
    "number, words",
    [
        pytest.param(1, "一", id="one"),
        pytest.param(10, "十", id="ten"),
        pytest.param(12, "十二", id="twelve-without-leading-one"),
        pytest.param(20, "二十", id="twenty"),
        pytest.param(21, "二十一", id="twenty-one"),
        pytest.param(100, "一百", id="hundred"),
        pytest.param(105, "一百零五", id="zero-inside"),
        pytest.param(110, "一百一十", id="hundred-ten"),
        pytest.param(1001, "一千零一", id="one-zero-for-several-zeros"),
        pytest.param(0, "零", id="zero"),
    ],
)
def test_chinese_numerals(number, words):
    assert chinese_numeral(number) == words


def test_article_labels_have_one_第_and_one_条():
    assert ordinal(12, "条") == "第十二条"
    assert ordinal(3, "章") == "第三章"


@pytest.mark.parametrize("path", RULESETS, ids=[p.stem for p in RULESETS])
def test_every_shipped_rule_set_reads_as_a_regulation(path):
    regulation = regulation_of(load_ruleset_file(path), assessed="市局")
    text = regulation.plain_text()
    numbers = [a.number for a in regulation.articles]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "第第" not in text and "条条" not in text
    # a setting's name never shows; its meaning does, in words
    assert not [name for name in SETTINGS if name in text]
    assert "计分规则" in text
    assert to_docx(regulation)[:2] == b"PK"


def test_the_2011_regulation_names_its_carriers_points_and_settings():
    regulation = regulation_of(load_ruleset_file(RULESET_2011), assessed="市局")
    text = regulation.plain_text()
    assert regulation.title == "信息宣传工作管理办法（2011年度）"
    assert "第十二条" in text
    carriers = next(t for a in regulation.articles for t in a.tables if "刊物（媒体）" in t.header)
    rows = {row[0]: row for row in carriers.rows}
    assert rows["总局《专报信息》"][1:4] == ["国家级", "—", "20分"]
    assert rows["常州日报"][3] == "3分"
    assert "国家级每条10分" in text and "每条计0.5分" in text
    assert "市级主要领导批示10分" in text
    assert "同一稿件被多个刊物采用的，各项分别计分，累计相加。" in text
    assert "领导批示单独计分，不以稿件被采用为前提。" in text
    assert "迟报的，每次扣1分。" in text
    for raw in ("multi_adoption", "endorsement_mode", "sum", "shares", "national"):
        assert raw not in text


EVERY_RULE = Path(__file__).with_name("regulation_every_rule.toml")


def test_every_rule_type_and_setting_is_written_in_words():
    """A rule type added to the schema must be added to the sample (and so to the
    regulation): the sample holds every top-level table the engine understands."""
    rs = load_ruleset_file(EVERY_RULE)
    text_toml = EVERY_RULE.read_text(encoding="utf-8")
    missing = [t for t in RULE_TYPES if f"[{t}" not in text_toml]
    assert not missing
    regulation = regulation_of(rs)
    text = regulation.plain_text()
    assert not [name for name in SETTINGS if name in text]
    for sentence in (
        "按分值最高的3项计分。",
        "只计约稿采用分，不再计刊物采用分。",
        "领导批示只在稿件被采用时加分",
        "稿件被采用的，只计采用分，不再计上报分。",
        "扣分后当月总分不低于0分。",
        "仍按零分计算未完成任务的扣分。",
        "只计被采用的得分。",
        "得分公布时取整数，四舍六入、五成双",
        "各单位均计全额分值。",
        "前3位作者按5∶3∶2的比例分配分值",
        "每一项得分分别分配。",
        "按单位固定顺序排列。",
        "第一次按1倍、第二次按2倍、第三次按4倍、第四次按8倍扣分",
        "瞒报的，由考核人视情节扣100～200分",
        "同一年度内发生未完成约稿累计2次的，实行一票否决",
        "每年度被采用信息达到15条的，计50分；达到10条的，计30分",
        "较小值(100, 60 + 完成率 * 40)",
        "办公室转报的，按2倍计分；其中报至省级的按2倍计分，报至国家级的按5倍计分。",
        "本稿为征求意见稿。",
    ):
        assert sentence in text, sentence
    carriers = next(t for a in regulation.articles for t in a.tables if "刊物（媒体）" in t.header)
    assert ["总局《专报信息》", "国家级", "重要", "5分", "5分", "属总局刊物"] in carriers.rows
    assert any(row[0] == "微信转发" and row[3] == "不计分" for row in carriers.rows)
    # the table follows the sentence that introduces it
    adoption = next(a for a in regulation.articles if a.heading == "采用")
    intro = adoption.blocks.index("各刊物、媒体的等次和分值见下表：")
    assert adoption.blocks[intro + 1] is carriers


ENUM_VALUES = [
    (name, value)
    for name, (kind, _default) in SETTINGS.items()
    if kind.startswith("enum:")
    for value in kind[5:].split("|")
]


@pytest.mark.parametrize("name, value", ENUM_VALUES, ids=[f"{n}={v}" for n, v in ENUM_VALUES])
def test_every_value_of_every_setting_has_its_wording(name, value):
    text = EVERY_RULE.read_text(encoding="utf-8")
    text = re.sub(rf'^{name} = "[a-z_]+"$', f'{name} = "{value}"', text, flags=re.M)
    if f'{name} = "{value}"' not in text:
        text = text.replace("[settings]\n", f'[settings]\n{name} = "{value}"\n', 1)
    words = regulation_of(load_ruleset(text)).plain_text()
    assert not [n for n in SETTINGS if n in words]
    assert value not in words


def test_a_setting_reads_differently_when_it_changes():
    path = RULESET_2011
    text = path.read_text(encoding="utf-8").replace(
        'multi_adoption = "sum"', 'multi_adoption = "highest"'
    )
    regulation = regulation_of(load_ruleset(text))
    assert "同一稿件被多个刊物采用的，按最高一项计分。" in regulation.plain_text()


@pytest.mark.django_db
class TestWorkbench:
    @pytest.fixture
    def world(self):
        return make_world()

    def test_an_officer_reads_the_regulation_and_downloads_it(self, client, world):
        client.force_login(world.officer)
        listing = client.get(reverse("scoring:ruleset-list")).text
        url = reverse("scoring:ruleset-document", args=[world.ruleset.pk])
        assert url in listing
        assert url in client.get(reverse("scoring:ruleset-edit", args=[world.ruleset.pk])).text
        page = client.get(url)
        assert page.status_code == 200
        assert "第一条" in page.text and "总局《专报信息》" in page.text
        assert "multi_adoption" not in page.text
        assert "下载 Word 文档" in page.text

        download = client.get(url, {"format": "docx"})
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        document = docx.Document(io.BytesIO(download.content))
        assert document.paragraphs[0].text == "信息宣传工作管理办法（2011年度）"
        assert document.tables and document.tables[-1].style.name == "Table Grid"
        cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
        assert "总局《专报信息》" in cells

    def test_another_bureaus_officer_is_refused(self, client, world):
        stranger = make_user("stranger", role=Role.OFFICER, unit=world.org.other_bureau_dept)
        client.force_login(stranger)
        url = reverse("scoring:ruleset-document", args=[world.ruleset.pk])
        assert client.get(url).status_code == 403
        assert client.get(url, {"format": "docx"}).status_code == 403
