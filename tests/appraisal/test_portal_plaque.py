"""The portal's home page names the current holder of the rotating plaque, at once
when it moves on: the page cache and the reverse proxy forget the home page."""

import pytest
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from tests.appraisal.world import CEREMONY, year_world
from tests.portal.conftest import _fresh_caches, portal  # noqa: F401  (fixtures)
from xinxuan.appraisal import actions

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_new_holder_at_once(
    client,
    portal,  # noqa: F811
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:1",
        }
    }
    purged: list[str] = []
    monkeypatch.setattr(PurgeBatch, "purge", lambda self, **kw: purged.extend(self.urls))
    first = client.get("/")
    assert "流动示范点" not in first.text
    assert client.get("/").text == first.text  # served from the page cache now
    world = year_world(points=(140, 90, 70))
    with django_capture_on_commit_callbacks(execute=True):
        actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    html = client.get("/").text
    assert "流动示范点" in html and "市局 2012年度：动植检处" in html
    # the reverse proxy is told to forget the home page
    assert portal.home.full_url in purged, purged


def test_nothing_is_forgotten_before_the_award_commits(client, portal):  # noqa: F811
    client.get("/")
    world = year_world(points=(140, 90, 70))
    # inside the test's transaction the award is not committed: the cached page stays
    actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    assert "流动示范点" not in client.get("/").text
