"""The office keeps the lists in the workbench: import, export, a test box, and the
filter sees every change without a restart."""

import pytest
from django.urls import reverse

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.comments import actions, filtering
from xinxuan.comments.lexicon import Action
from xinxuan.comments.models import LexiconCategory, LexiconWord, WhitelistWord
from xinxuan.lib.exceptions import ActionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return make_user("office", role=Role.OFFICE, unit=make_org().office)


def test_the_shipped_list_is_in_the_database():
    assert set(LexiconCategory.objects.values_list("name", flat=True)) >= {
        "色情",
        "暴力",
        "反动",
        "广告",
        "辱骂",
    }
    assert LexiconWord.objects.filter(word="代开发票", category__name="广告").exists()
    assert WhitelistWord.objects.filter(word="打击赌博").exists()


def test_import_adds_a_category_and_the_filter_sees_it(office):
    assert filtering.current_lexicon().check("地震预报说明天").decision == Action.PASS
    counts = actions.import_lexicon(user=office, text="@category 谣言 hold\n地震预报\t谣言\n")
    assert counts == {"words": 1, "added": 1, "removed": 0}
    verdict = filtering.current_lexicon().check("地震预报说明天")
    assert verdict.decision == Action.HOLD
    assert verdict.categories == ["谣言"]


def test_import_with_replace_removes_what_is_not_in_the_file(office):
    actions.import_lexicon(user=office, text="坏词\t辱骂\n", replace=True)
    assert list(LexiconWord.objects.values_list("word", flat=True)) == ["坏词"]


def test_a_bad_line_refuses_the_whole_file(office):
    before = LexiconWord.objects.count()
    with pytest.raises(ActionRefused, match="line 2"):
        actions.import_lexicon(user=office, text="好词\t广告\n坏词\t不存在\n")
    assert LexiconWord.objects.count() == before


def test_a_reader_cannot_import(db):
    reader = make_user("reader", role=Role.READER)
    with pytest.raises(actions.PermissionDenied):
        actions.import_lexicon(user=reader, text="坏词\t辱骂\n")


def test_test_box_shows_why_a_text_matched(client, office):
    client.force_login(office)
    response = client.post(reverse("comments_admin:lexicon-test"), {"text": "代开發票"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "代开发票" in html
    assert "变形写法" in html
    assert "“代开發票”" in html


def test_import_screen_and_export_round_trip(client, office):
    client.force_login(office)
    response = client.post(
        reverse("comments_admin:lexicon-import"),
        {"kind": "whitelist", "text": "辟谣地震预报\n"},
    )
    assert response.status_code == 302
    assert WhitelistWord.objects.filter(word="辟谣地震预报").exists()
    exported = client.get(reverse("comments_admin:lexicon-export")).content.decode()
    assert "代开发票\t广告\thold" in exported
    assert "@category 辱骂 mask" in exported
    whitelist = client.get(reverse("comments_admin:whitelist-export")).content.decode()
    assert "辟谣地震预报" in whitelist


def test_editing_a_word_in_the_snippet_screens_changes_the_filter(client, office):
    client.force_login(office)
    category = LexiconCategory.objects.get(name="广告")
    response = client.post(
        reverse("wagtailsnippets_comments_lexiconword:add"),
        {"word": "刷好评", "category": category.pk, "action": "reject"},
    )
    assert response.status_code == 302
    assert filtering.current_lexicon().check("专业刷好评").decision == Action.REJECT


def test_screens_are_for_the_office_only(client, db):
    client.force_login(make_user("reader", role=Role.READER))
    assert client.get(reverse("comments_admin:lexicon-test")).status_code in (302, 403)


def _entries(action: str) -> list[dict]:
    from wagtail.models import ModelLogEntry

    return list(ModelLogEntry.objects.filter(action=action).values("label", "data"))


def test_adding_a_word_in_the_snippet_screen_is_audited(client, office):
    client.force_login(office)
    category = LexiconCategory.objects.get(name="广告")
    client.post(
        reverse("wagtailsnippets_comments_lexiconword:add"),
        {"word": "刷好评", "category": category.pk, "action": "", "homophones": "on"},
    )
    [entry] = _entries("comments.list_add")
    assert entry["data"] == {
        "text": "刷好评",
        "category": "广告",
        "action": "hold",
        "homophones": True,
    }
    assert filtering.current_lexicon().check("唰号平").decision == Action.HOLD  # by sound


def test_changing_a_word_in_the_snippet_screen_is_audited_and_rebuilds(client, office):
    client.force_login(office)
    word = LexiconWord.objects.get(word="代开发票")
    response = client.post(
        reverse("wagtailsnippets_comments_lexiconword:edit", args=[word.pk]),
        {"word": "代开发票", "category": word.category_id, "action": "reject"},
    )
    assert response.status_code == 302
    assert _entries("comments.list_change")[0]["data"]["action"] == "reject"
    assert filtering.current_lexicon().check("代开发票").decision == Action.REJECT


def test_a_word_of_punctuation_only_is_refused_on_the_form(client, office):
    client.force_login(office)
    category = LexiconCategory.objects.get(name="广告")
    response = client.post(
        reverse("wagtailsnippets_comments_lexiconword:add"),
        {"word": "。。。", "category": category.pk, "action": ""},
    )
    assert response.status_code == 200
    assert "只有标点或空格" in response.content.decode()
    assert not LexiconWord.objects.filter(word="。。。").exists()


@pytest.mark.parametrize(
    ("model", "url_name", "lookup"),
    [
        pytest.param(LexiconWord, "lexiconword", {"word": "赌博"}, id="word"),
        pytest.param(WhitelistWord, "whitelistword", {"word": "打击赌博"}, id="whitelist"),
        pytest.param(LexiconCategory, "lexiconcategory", {"name": "广告"}, id="category"),
    ],
)
def test_deleting_in_the_snippet_screen_is_audited(client, office, model, url_name, lookup):
    client.force_login(office)
    entry = model.objects.get(**lookup)
    response = client.post(reverse(f"wagtailsnippets_comments_{url_name}:delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not model.objects.filter(pk=entry.pk).exists()
    [logged] = _entries("comments.list_delete")
    assert logged["data"]["text"] == next(iter(lookup.values()))


def test_bulk_delete_goes_through_the_action(client, office):
    client.force_login(office)
    words = list(LexiconWord.objects.filter(word__in=["赌博", "笨蛋"]))
    url = (
        reverse("wagtail_bulk_action", args=["comments", "lexiconword", "delete"])
        + "?"
        + "&".join(f"id={w.pk}" for w in words)
    )
    response = client.post(url, {"next": "/admin/"})
    assert response.status_code == 302
    assert not LexiconWord.objects.filter(word__in=["赌博", "笨蛋"]).exists()
    assert sorted(e["data"]["text"] for e in _entries("comments.list_delete")) == ["笨蛋", "赌博"]
    assert filtering.current_lexicon().check("赌博").decision == Action.PASS


def test_a_reader_cannot_change_the_lists(db):
    reader = make_user("reader2", role=Role.READER)
    with pytest.raises(actions.PermissionDenied):
        actions.delete_list_entry(user=reader, entry=LexiconWord.objects.get(word="赌博"))
    assert LexiconWord.objects.filter(word="赌博").exists()
