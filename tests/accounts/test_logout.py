"""Signing out: only by POST, and the old session is dead on the server afterwards."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    org = make_org()
    return make_user("office", role=Role.OFFICE, unit=org.office)


def test_a_get_does_not_sign_out(client, office):
    client.force_login(office)
    response = client.get(reverse("wagtailadmin_logout"))
    assert response.status_code == 405
    # Wagtail's own view deleted the cookie even on this answer.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_the_session_is_dead_after_signing_out(client, office):
    client.force_login(office)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = thief.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]
