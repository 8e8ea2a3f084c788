import datetime as dt

import pytest
from django.utils import timezone

from tests.portal.conftest import make_article
from xinxuan.portal import lists
from xinxuan.portal.actions import recommend_article
from xinxuan.portal.models import CounterKind, PageCounter

pytestmark = pytest.mark.django_db


def views(article, kind, hours_ago, count):
    hour = (timezone.now() - dt.timedelta(hours=hours_ago)).replace(
        minute=0, second=0, microsecond=0
    )
    PageCounter.objects.create(page=article, kind=kind, hour=hour, count=count)


def titles(entries):
    return [e.title for e in entries]


def test_most_read_sums_only_the_window(portal):
    fresh, old = make_article(portal.news, "今日热读"), make_article(portal.news, "上周热读")
    views(fresh, CounterKind.DAY, 2, 10)
    views(old, CounterKind.DAY, 30, 50)  # outside the last day
    views(old, CounterKind.WEEK, 30, 40)
    views(fresh, CounterKind.WEEK, 2, 9)
    result = lists.lists_for(None)
    assert titles(result["day"]) == ["今日热读"]
    assert titles(result["week"]) == ["上周热读", "今日热读"]
    assert result["month"] == []


def test_lists_have_at_most_ten_entries_and_skip_unpublished(portal):
    articles = [make_article(portal.news, f"稿件{n:02d}") for n in range(12)]
    for n, article in enumerate(articles):
        views(article, CounterKind.DAY, 1, 100 - n)
    articles[0].unpublish()
    result = lists.lists_for(None)["day"]
    assert len(result) == 10
    assert "稿件00" not in titles(result)
    assert titles(result)[0] == "稿件01"


def test_channel_lists_contain_only_that_channel(portal):
    news, notice = make_article(portal.news, "新闻稿"), make_article(portal.notices, "公告稿")
    views(news, CounterKind.DAY, 1, 5)
    views(notice, CounterKind.DAY, 1, 7)
    assert titles(lists.lists_for(portal.news)["day"]) == ["新闻稿"]
    assert titles(lists.lists_for(None)["day"]) == ["公告稿", "新闻稿"]


def test_hot_decays_with_time_and_weighs_comments(portal):
    steady, burst, talked = (make_article(portal.news, t) for t in ("昨日", "刚刚", "热议"))
    views(steady, CounterKind.DAY, 48, 40)  # 40 views two days ago ≈ 40 / 4 = 10
    views(burst, CounterKind.DAY, 1, 12)  # 12 views an hour ago ≈ 12
    views(talked, CounterKind.COMMENT, 1, 3)  # 3 comments ≈ 15
    assert titles(lists.lists_for(None)["hot"]) == ["热议", "刚刚", "昨日"]


def test_recommended_pins_first_and_expires(portal):
    now = timezone.now()
    plain = make_article(portal.news, "推荐稿", date=now - dt.timedelta(days=1))
    pinned = make_article(portal.news, "置顶稿", date=now - dt.timedelta(days=9))
    expired = make_article(portal.news, "过期稿")
    recommend_article(article=plain)
    recommend_article(article=pinned, pinned=True)
    recommend_article(article=expired, until=now - dt.timedelta(minutes=1))
    assert titles(lists.lists_for(None)["recommended"]) == ["置顶稿", "推荐稿"]


def test_lists_come_from_the_cache(portal, django_assert_num_queries):
    make_article(portal.news, "稿件", recommended=True)
    lists.lists_for(None)
    with django_assert_num_queries(0):
        assert titles(lists.lists_for(None)["recommended"]) == ["稿件"]


def test_publishing_refreshes_the_lists(portal):
    lists.lists_for(None)
    make_article(portal.news, "新推荐", recommended=True)
    assert titles(lists.lists_for(None)["recommended"]) == ["新推荐"]


def test_recommendation_is_audited(portal):
    from wagtail.models import PageLogEntry

    article = make_article(portal.news, "稿件")
    recommend_article(article=article, pinned=True)
    assert PageLogEntry.objects.filter(page=article, action="portal.recommend").exists()
