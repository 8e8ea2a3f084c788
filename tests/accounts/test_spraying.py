"""Password spraying: a few guesses at many user names from one address lock the address."""

import pytest
from django.urls import reverse

from tests.builders import PASSWORD, make_org, make_user
from xinxuan.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6


@pytest.fixture
def office():
    org = make_org()
    return make_user("office", role=Role.OFFICE, unit=org.office)


def spray(client, names, **extra):
    for name in names:
        data = {"username": name, "password": "123456"}
        client.post(reverse("wagtailadmin_login"), data, **extra)


def sign_in(client, **extra):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": "office", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **extra,
    )


def test_spraying_many_names_locks_the_address(client, limits, office):
    spray(client, [f"user{i}" for i in range(6)])  # one guess each: no account lockout
    response = sign_in(client)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.text
    assert "_auth_user_id" not in client.session


def test_below_the_address_limit_others_still_sign_in(client, limits, office):
    spray(client, [f"user{i}" for i in range(5)])
    assert sign_in(client).status_code == 302


def test_another_address_is_not_locked_by_the_spray(client, limits, office):
    spray(client, [f"user{i}" for i in range(6)], REMOTE_ADDR="10.9.9.9")
    assert sign_in(client).status_code == 302


def test_the_address_comes_from_the_trusted_proxy_only(client, settings, limits, office):
    settings.TRUSTED_PROXIES = 1
    # The client writes a fresh address of its own to the left of each request; the
    # proxy appends the one it saw, which is the one that counts.
    for i in range(6):
        spray(client, [f"user{i}"], HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7")
    assert sign_in(client, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7").status_code == 429
    assert sign_in(client, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


def test_a_successful_sign_in_does_not_wipe_the_addresss_failures(client, limits, office):
    spray(client, [f"user{i}" for i in range(5)])
    assert sign_in(client).status_code == 302
    client.logout()
    spray(client, ["user9"])
    assert sign_in(client).status_code == 429
