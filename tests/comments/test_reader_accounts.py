"""Reader registration and sign-in: captcha, password rules, lockout, rate limits,
no telling which accounts exist, session expiry, identity verification."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.builders import PASSWORD, make_user
from tests.comments.conftest import captcha
from xinxuan.accounts.roles import Role, has_role
from xinxuan.comments import actions
from xinxuan.lib.exceptions import ActionRefused

pytestmark = pytest.mark.django_db

LOGIN = "comments:reader-login"
REGISTER = "comments:reader-register"


def register(client, username, password="Kx9-long-secret", **extra):
    data = {"username": username, "password1": password, "password2": password, **captcha()}
    return client.post(reverse(REGISTER), {**data, **extra})


def sign_in(client, username, password, **extra):
    return client.post(
        reverse(LOGIN), {"username": username, "password": password, **captcha()}, **extra
    )


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"[0-9a-f]{40}", "KEY", html)  # each answer draws a new captcha


def test_registration_makes_a_reader_who_can_sign_in(client, portal):
    assert register(client, "新读者").status_code == 200
    user = get_user_model().objects.get(username="新读者")
    assert has_role(user, Role.READER)
    assert not user.is_staff
    assert sign_in(client, "新读者", "Kx9-long-secret").status_code == 302


def test_registration_does_not_tell_whether_a_name_is_taken(client, portal):
    make_user("taken")
    fresh = register(client, "free-name")
    taken = register(client, "taken")
    assert fresh.status_code == taken.status_code == 200
    assert visible_text(fresh) == visible_text(taken)
    assert get_user_model().objects.get(username="taken").check_password(PASSWORD)


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("Ab1-xyz", id="too-short"),
        pytest.param("1234567890", id="only-digits"),
        pytest.param("password123", id="common"),
        pytest.param("readerzhang1", id="like-the-user-name"),
    ],
)
def test_password_rules(client, portal, password):
    response = register(client, "readerzhang", password)
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="readerzhang").exists()


def test_registration_needs_the_captcha(client, portal):
    response = register(client, "newbie", captcha_1="wrong")
    assert response.status_code == 400
    assert "验证码错误或已过期" in response.content.decode()


def test_login_answers_the_same_for_unknown_names_and_wrong_passwords(client, portal):
    make_user("known", role=Role.READER)
    wrong = sign_in(client, "known", "wrong-password-9")
    unknown = sign_in(client, "nobody-here", "wrong-password-9")
    assert wrong.status_code == unknown.status_code == 400
    assert "用户名或密码错误" in wrong.content.decode()
    assert visible_text(wrong).replace("known", "X") == visible_text(unknown).replace(
        "nobody-here", "X"
    )


def test_reader_session_expires(client, portal, settings):
    settings.COMMENTS_READER_SESSION_SECONDS = 3600
    make_user("reader", role=Role.READER)
    sign_in(client, "reader", PASSWORD)
    assert client.session.get_expiry_age() == 3600


def test_lockout_after_repeated_failures(client, portal, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("reader", role=Role.READER)
    for _ in range(3):
        sign_in(client, "reader", "wrong-password-9")
    response = sign_in(client, "reader", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("attacker", "victim"),
    [
        pytest.param(
            {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"},
            {"HTTP_X_FORWARDED_FOR": "198.51.100.7"},
            id="forged-header-cannot-pick-the-victims-address",
        ),
        pytest.param(
            {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},
            {"HTTP_X_FORWARDED_FOR": "198.51.100.7"},
            id="others-behind-the-same-proxy-are-not-locked-out",
        ),
    ],
)
def test_lockout_behind_a_trusted_proxy(client, portal, settings, attacker, victim):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXIES = 1
    make_user("reader", role=Role.READER)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(4):
        sign_in(client, "reader", "wrong-password-9", **proxy, **attacker)
    assert sign_in(client, "reader", PASSWORD, **proxy, **attacker).status_code == 429
    client.logout()
    assert sign_in(client, "reader", PASSWORD, **proxy, **victim).status_code == 302


@pytest.mark.parametrize(
    ("limit_name", "attempt"),
    [
        pytest.param("register-address", lambda c, i: register(c, f"reader{i}"), id="registration"),
        pytest.param(
            "login-account", lambda c, i: sign_in(c, "someone", f"wrong-{i}"), id="login-account"
        ),
    ],
)
def test_rate_limits(client, portal, settings, limit_name, attempt):
    settings.COMMENTS_RATE_LIMITS = {limit_name: (2, 3600)}
    settings.AXES_FAILURE_LIMIT = 100
    assert attempt(client, 1).status_code != 429
    assert attempt(client, 2).status_code != 429
    response = attempt(client, 3)
    assert response.status_code == 429
    assert "稍后再试" in response.content.decode()


def test_posting_is_rate_limited_per_account(client, article, settings):
    settings.COMMENTS_RATE_LIMITS = {"post-account": (2, 60)}
    client.force_login(make_user("reader", role=Role.READER))
    url = reverse("comments:comment-create", args=[article.pk])
    codes = [client.post(url, {"body": f"第{i}条"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]


class AlwaysNo:
    def is_verified(self, user) -> bool:
        return False

    def start_url(self, user, next_url: str) -> str:
        return "/verify/?next=" + next_url


class AlwaysYes(AlwaysNo):
    def is_verified(self, user) -> bool:
        return True


@pytest.mark.parametrize(
    ("verifier", "allowed"),
    [
        pytest.param("", True, id="off-by-default"),
        pytest.param("tests.comments.test_reader_accounts.AlwaysNo", False, id="unverified"),
        pytest.param("tests.comments.test_reader_accounts.AlwaysYes", True, id="verified"),
    ],
)
def test_identity_verification_is_pluggable(client, article, settings, verifier, allowed):
    settings.COMMENTS_IDENTITY_VERIFIER = verifier
    reader = make_user("reader", role=Role.READER)
    if allowed:
        actions.post_comment(user=reader, page=article, body="好")
    else:
        with pytest.raises(ActionRefused):
            actions.post_comment(user=reader, page=article, body="好")
        client.force_login(reader)
        html = client.get(reverse("comments:comment-list", args=[article.pk])).content.decode()
        assert "/verify/?next=" in html
