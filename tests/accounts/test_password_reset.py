"""Password reset by mail exists only when a mail server is configured."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESET_URLS = [
    pytest.param(reverse_args, id=reverse_args[0])
    for reverse_args in [
        ("wagtailadmin_password_reset", []),
        ("wagtailadmin_password_reset_done", []),
        ("wagtailadmin_password_reset_confirm", ["MQ", "set-password"]),
        ("wagtailadmin_password_reset_complete", []),
    ]
]


def test_mail_is_off_by_default(settings):
    assert not settings.EMAIL_HOST
    assert settings.WAGTAIL_PASSWORD_RESET_ENABLED is False


@pytest.mark.parametrize("reverse_args", RESET_URLS)
def test_reset_pages_are_not_found_without_mail(client, reverse_args):
    name, args = reverse_args
    assert client.get(reverse(name, args=args)).status_code == 404


def test_login_page_offers_no_reset_link_without_mail(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    assert reverse("wagtailadmin_password_reset") not in response.text


def test_with_mail_the_reset_page_is_there(client, settings):
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = True
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 200
    assert reverse("wagtailadmin_password_reset") in client.get(reverse("wagtailadmin_login")).text
