"""Repeated failed logins lock the account for a while, with a Chinese message."""

import pytest
from django.urls import reverse

from tests.builders import PASSWORD, make_org, make_user
from xinxuan.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_lockout_after_failures_even_with_the_right_password(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    org = make_org()
    make_user("office", role=Role.OFFICE, unit=org.office)
    url = reverse("wagtailadmin_login")
    for _ in range(3):
        client.post(url, {"username": "office", "password": "wrong-password"})
    response = client.post(
        url, {"username": "office", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    org = make_org()
    make_user("office", role=Role.OFFICE, unit=org.office)
    url = reverse("wagtailadmin_login")
    for _ in range(3):
        client.post(url, {"username": "office", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(url, {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
