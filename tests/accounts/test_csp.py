"""Content-Security-Policy on the portal and the workbench: scripts only from our own
origin, the workbench's few inline scripts only with the response's nonce."""

import re

import pytest
from django.urls import reverse

from tests.builders import make_org, make_user
from tests.portal.conftest import _fresh_caches, make_article, portal  # noqa: F401
from xinxuan.accounts.roles import Role

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.S)


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_portal_pages_carry_a_strict_policy(client, portal):  # noqa: F811
    article = make_article(portal.news, "稿件")
    for url in ("/", article.url, reverse("portal:search") + "?q=稿件"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert "unsafe-inline" not in policy["script-src"]
        assert policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert not INLINE_SCRIPT.findall(response.text), url


def test_the_view_beacon_is_sent_by_a_script_file(client, portal):  # noqa: F811
    article = make_article(portal.news, "稿件")
    response = client.get(article.url)
    assert f'data-beacon="/hit/{article.pk}/"' in response.text
    assert "portal/portal.js" in response.text


def test_workbench_inline_scripts_carry_the_nonce(client):
    org = make_org()
    client.force_login(make_user("office", role=Role.OFFICE, unit=org.office))
    # A form with a chooser (a unit) and a date: Wagtail writes inline scripts for both.
    response = client.get(reverse("wagtailsnippets_organisation_unittarget:add"))
    assert response.status_code == 200
    policy = directives(response)
    assert "unsafe-inline" not in policy["script-src"]
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    scripts = INLINE_SCRIPT.findall(response.text)
    assert scripts, "the page should have Wagtail's chooser script"
    assert all(f'nonce="{nonce}"' in attrs for attrs in scripts)


def test_each_response_has_its_own_nonce(client):
    org = make_org()
    client.force_login(make_user("office", role=Role.OFFICE, unit=org.office))
    first = directives(client.get(reverse("wagtailadmin_home")))["script-src"]
    second = directives(client.get(reverse("wagtailadmin_home")))["script-src"]
    assert first != second
