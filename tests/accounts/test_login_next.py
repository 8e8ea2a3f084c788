"""The sign-in page follows ``next`` only to a path on this site, and a broken redirect
import answers with a message: two Wagtail screens the hostile-input suite broke."""

import pytest
from django.urls import reverse

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("next_value", "landing"),
    [
        pytest.param("foo", "/admin/", id="a-word-not-a-path"),
        pytest.param("https://evil.example/", "/admin/", id="another-host"),
        pytest.param("//evil.example/x", "/admin/", id="scheme-relative"),
        pytest.param("/admin/ledger/", "/admin/ledger/", id="a-path-here"),
    ],
)
def test_a_signed_in_user_is_sent_only_to_a_path_on_this_site(client, next_value, landing):
    org = make_org()
    client.force_login(make_user("office", role=Role.OFFICE, unit=org.office))
    response = client.get(reverse("wagtailadmin_login"), {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == landing


def test_a_redirect_import_naming_no_sheet_says_so(client):
    client.force_login(make_user("root", is_superuser=True))
    response = client.post(
        reverse("wagtailredirects:process_import"), {"import_file_name": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "请重新上传" in response.content.decode()
