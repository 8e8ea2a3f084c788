"""Password rules are shown, and broken rules explained, in Chinese on the user forms."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.builders import PASSWORD, make_org, make_user
from xinxuan.accounts.roles import GROUP_NAMES, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def office_client(client, org):
    client.force_login(make_user("office", role=Role.OFFICE, unit=org.office))
    return client


def test_the_rules_are_listed_in_chinese_on_the_new_account_form(office_client):
    response = office_client.get(reverse("wagtailusers_users:add"))
    assert response.status_code == 200
    assert "你的密码必须包含至少 8 个字符" in response.text
    assert "你的密码不能是一个常见密码" in response.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        pytest.param("a1b2c3", "密码太短，至少需要 8 个字符", id="too-short"),
        pytest.param("password123", "这个密码太常见了", id="too-common"),
        pytest.param("40817263951", "密码只包含数字", id="numeric"),
    ],
)
def test_a_weak_password_is_refused_in_chinese(office_client, org, password, message):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.cn",
        "first_name": "四",
        "last_name": "李",
        "password1": password,
        "password2": password,
        "groups": [Group.objects.get(name=GROUP_NAMES[Role.OFFICER]).pk],
        "unit": org.dept.pk,
    }
    response = office_client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 200
    assert message in response.text


def test_a_weak_new_password_on_edit_is_refused_in_chinese(office_client, org):
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.dept)
    data = {
        "username": "colleague",
        "email": "colleague@example.cn",
        "first_name": "三",
        "last_name": "张",
        "is_active": "on",
        "groups": [g.pk for g in colleague.groups.all()],
        "password1": "12345678",
        "password2": "12345678",
    }
    response = office_client.post(reverse("wagtailusers_users:edit", args=[colleague.pk]), data)
    assert response.status_code == 200
    assert "密码只包含数字" in response.text
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)
