"""Honest counters: a reader counts once per window, and one address cannot flood the
page views or the sponsor clicks by making up a new browser for every request."""

import pytest
from django.db.models import Sum

from tests.portal.conftest import _fresh_caches, make_article, portal  # noqa: F401
from xinxuan.portal import counting
from xinxuan.portal.models import PageCounter, Sponsor
from xinxuan.portal.views import sponsor_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caps(settings):
    settings.PORTAL_ADDRESS_DAILY_CAP = 30
    settings.PORTAL_ADDRESS_TARGET_DAILY_CAP = 5


def day_views(page) -> int:
    counting.flush_views()
    rows = PageCounter.objects.filter(page=page, kind="d")
    return rows.aggregate(n=Sum("count"))["n"] or 0


def beacon(client, page, *, agent="Firefox", address="10.0.0.1", **extra):
    response = client.post(f"/hit/{page.pk}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address, **extra)
    assert response.status_code == 204


def test_a_reader_counts_once_a_day(client, portal):  # noqa: F811
    article = make_article(portal.news, "稿件")
    for _ in range(3):
        beacon(client, article)
    assert day_views(article) == 1


def test_readers_behind_one_address_count_each(client, portal):  # noqa: F811
    article = make_article(portal.news, "稿件")
    for agent in ("Firefox", "Chrome", "Edge"):
        beacon(client, article, agent=agent)
    assert day_views(article) == 3


def test_made_up_browsers_from_one_address_are_capped(client, portal):  # noqa: F811
    article = make_article(portal.news, "稿件")
    for n in range(40):
        beacon(client, article, agent=f"bot-{n}")
    assert day_views(article) == 5
    beacon(client, article, agent="reader", address="10.0.0.2")  # another address
    assert day_views(article) == 6


def test_the_address_cap_covers_all_pages(client, portal):  # noqa: F811
    articles = [make_article(portal.news, f"稿件{n}") for n in range(8)]
    for article in articles:
        for n in range(5):
            beacon(client, article, agent=f"bot-{n}")
    assert sum(day_views(article) for article in articles) == 30


def test_a_forged_forwarded_for_does_not_make_a_new_address(client, portal):  # noqa: F811
    article = make_article(portal.news, "稿件")
    for n in range(20):
        beacon(client, article, agent=f"bot-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert day_views(article) == 5


def sponsor() -> Sponsor:
    return Sponsor.objects.create(name="赞助商", url="https://example.com/")


def click(client, running, *, agent="Firefox", address="10.0.0.1"):
    response = client.get(
        f"/go/{sponsor_token(running)}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address
    )
    assert response.status_code == 302
    assert response["Location"] == "https://example.com/"


def test_a_readers_sponsor_clicks_count_once_a_day(client, portal):  # noqa: F811
    running = sponsor()
    for _ in range(4):
        click(client, running)
    click(client, running, agent="Chrome")
    running.refresh_from_db()
    assert running.clicks == 2


def test_sponsor_click_floods_from_one_address_are_capped(client, portal):  # noqa: F811
    running = sponsor()
    for n in range(40):
        click(client, running, agent=f"bot-{n}")
    running.refresh_from_db()
    assert running.clicks == 5
