"""sitemap.xml, feeds, canonical links and robots.txt use the portal's public address."""

import pytest
from django.urls import reverse

from tests.portal.conftest import make_article

pytestmark = pytest.mark.django_db

PUBLIC = "https://news.example.gov.cn"


@pytest.fixture
def article(portal):
    return make_article(portal.news, "推进会")


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("sitemap", id="sitemap-xml"),
        pytest.param("rss", id="rss-feed"),
        pytest.param("atom", id="atom-feed"),
        pytest.param("article", id="canonical-link"),
        pytest.param("robots", id="robots-txt"),
    ],
)
def test_configured_address_everywhere(client, settings, portal, article, where):
    settings.PORTAL_BASE_URL = PUBLIC
    url = {
        "sitemap": reverse("portal:sitemap"),
        "rss": portal.news.url + "rss/",
        "atom": portal.news.url + "atom/",
        "article": article.url,
        "robots": reverse("portal:robots"),
    }[where]
    body = client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    assert PUBLIC in body
    assert "localhost" not in body
    assert "127.0.0.1" not in body


def test_without_configuration_the_admin_address_beats_localhost(client, settings, article):
    settings.PORTAL_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "http://xinxuan.intranet"
    body = client.get(reverse("portal:sitemap")).content.decode()
    assert "http://xinxuan.intranet/news/" in body
    assert "localhost" not in body
