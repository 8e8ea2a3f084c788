import datetime as dt

import pytest
from django.db.models import Sum

from tests.portal.conftest import make_article
from xinxuan.portal import counting
from xinxuan.portal.models import CounterBatch, CounterKind, PageCounter

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2012, 3, 23, 8, 30, tzinfo=dt.UTC)


def totals(page):
    rows = PageCounter.objects.filter(page=page).values("kind").annotate(n=Sum("count"))
    return {r["kind"]: r["n"] for r in rows}


@pytest.fixture(params=["spool", "redis"])
def buffer_kind(request, settings):
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        url = "redis://127.0.0.1:6379/15"
        try:
            redis.Redis.from_url(url).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        redis.Redis.from_url(url).flushdb()
        settings.PORTAL_COUNTER_REDIS_URL = url
    counting.reset_buffer()
    return request.param


def test_views_are_buffered_then_flushed_in_one_batch(
    portal, buffer_kind, django_assert_num_queries
):
    article = make_article(portal.news, "稿件")
    with django_assert_num_queries(0):
        for n in range(5):
            counting.record_view(page_id=article.pk, visitor=f"reader-{n}", now=NOW)
    assert totals(article) == {}
    assert counting.flush_views() == 5
    assert totals(article) == {"d": 5, "w": 5, "m": 5}


def test_a_reader_counts_once_per_window(portal, buffer_kind):
    article = make_article(portal.news, "稿件")
    for _ in range(3):
        counting.record_view(page_id=article.pk, visitor="same", now=NOW)
    counting.flush_views()
    assert totals(article) == {"d": 1, "w": 1, "m": 1}


def test_views_of_unknown_pages_are_dropped(portal, buffer_kind):
    counting.record_view(page_id=999_999, visitor="x", now=NOW)
    assert counting.record_view(page_id=-1, visitor="x", now=NOW) == 0
    assert counting.record_view(page_id=2**40, visitor="x", now=NOW) == 0
    counting.flush_views()
    assert not PageCounter.objects.exists()


def test_a_batch_survives_a_crash_before_and_after_its_commit(portal, settings, tmp_path):
    article = make_article(portal.news, "稿件")
    source = counting.buffer()
    for n in range(4):
        counting.record_view(page_id=article.pk, visitor=f"r{n}", now=NOW)
    # A worker claimed the batch and died before writing: the batch stays and is flushed.
    [(batch_id, counts)] = source.batches()
    assert counting.flush_views() == 4
    # A worker died after the commit but before deleting the batch: not counted again.
    path = tmp_path / "views" / f"batch-{batch_id}.log"
    path.write_text("\n".join(counts.elements()))
    assert CounterBatch.objects.filter(batch_id=batch_id).exists()
    counting.flush_views()
    assert totals(article)["d"] == 4
    assert not path.exists()


def test_spool_of_a_dead_worker_is_picked_up(portal, tmp_path):
    article = make_article(portal.news, "稿件")
    spool = tmp_path / "views"
    spool.mkdir()
    hour = counting.hour_of(NOW)
    (spool / "spool-999999999.log").write_text(f"{article.pk}:d:{hour}\n{article.pk}:w:{hour}\n")
    counting.flush_views()
    assert totals(article) == {"d": 1, "w": 1}


def test_beacon_counts_and_refuses_get(client, portal):
    article = make_article(portal.news, "稿件")
    assert client.get(f"/hit/{article.pk}/").status_code == 405
    assert client.post(f"/hit/{article.pk}/").status_code == 204
    counting.flush_views()
    assert totals(article)["d"] == 1


def test_comments_count_towards_hot(portal):
    article = make_article(portal.news, "稿件")
    counting.record_comment(page_id=article.pk, when=NOW)
    counting.record_comment(page_id=article.pk, when=NOW)
    assert totals(article) == {"c": 2}
    assert PageCounter.objects.get().kind == CounterKind.COMMENT
