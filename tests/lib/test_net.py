import pytest
from django.test import RequestFactory

from xinxuan.lib.net import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        pytest.param(0, "6.6.6.6", "10.0.0.1", id="no-proxy-ignores-header"),
        pytest.param(1, "6.6.6.6, 203.0.113.7", "203.0.113.7", id="one-proxy-takes-last"),
        pytest.param(2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7", id="two-proxies"),
        pytest.param(1, "", "10.0.0.1", id="proxy-but-no-header"),
        pytest.param(3, "203.0.113.7", "203.0.113.7", id="fewer-hops-than-proxies"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("value", "followed"),
    [
        pytest.param("/admin/rulesets/3/standings/?unit=2", True, id="path"),
        pytest.param("https://evil.example/", False, id="other-host"),
        pytest.param("https://testserver/admin/", False, id="absolute-same-host"),
        pytest.param("//evil.example/", False, id="scheme-relative"),
        pytest.param("/\\evil.example", False, id="backslash"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("admin/", False, id="relative-without-slash"),
        pytest.param("/a\x00b", False, id="nul"),
        pytest.param("", False, id="empty"),
    ],
)
def test_next_is_followed_only_to_a_path_on_this_site(value, followed):
    from xinxuan.lib.net import same_site_path

    assert (same_site_path(value) == value) is followed


@pytest.mark.django_db
def test_revoking_from_the_standings_never_redirects_off_the_site(client):
    from django.urls import reverse

    from tests.submissions.world import DAY, make_world, reported_item
    from xinxuan.outcomes import actions

    world = make_world()
    item = reported_item(world)
    outcome = actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    client.force_login(world.office)
    response = client.post(
        reverse("outcomes:outcome-revoke", args=[outcome.pk]),
        {"reason": "重复登记", "next": "https://testserver@evil.example/"},
    )
    assert response["Location"] == reverse("submissions:item-detail", args=[item.pk])
    response = client.post(
        reverse("outcomes:outcome-revoke", args=[outcome.pk]),
        {"reason": "", "next": "http://testserver/admin/"},
    )
    assert response["Location"] == reverse("submissions:item-detail", args=[item.pk])
