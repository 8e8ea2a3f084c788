"""The portal's home page names the current holder of the rotating plaque."""

import pytest

from tests.appraisal.world import CEREMONY, year_world
from tests.portal.conftest import _fresh_caches, portal  # noqa: F401  (fixtures)
from xinxuan.appraisal import actions

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_plaque_holder(client, portal):  # noqa: F811
    assert "流动示范点" not in client.get("/").text
    world = year_world(points=(140, 90, 70))
    actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    from django.core.cache import cache

    cache.clear()  # the home page is cached; a new holder shows with the next page build
    html = client.get("/").text
    assert "流动示范点" in html and "市局 2012年度：动植检处" in html
