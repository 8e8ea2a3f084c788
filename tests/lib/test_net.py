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
