import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinxuan.portal.models import Sponsor, validate_icp_number, validate_psb_number
from xinxuan.portal.views import sponsor_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("京ICP备13012862号", id="plain"),
        pytest.param("苏ICP备12034567号-1", id="with-site-number"),
        pytest.param("沪ICP证130164号", id="licence"),
    ],
)
def test_valid_icp_numbers(value):
    validate_icp_number(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("ICP备13012862号", id="no-province"),
        pytest.param("京ICP备1301号", id="too-short"),
        pytest.param("京ICP备13012862", id="no-hao"),
        pytest.param("<script>", id="markup"),
    ],
)
def test_invalid_icp_numbers(value):
    with pytest.raises(ValidationError):
        validate_icp_number(value)


def test_psb_number_is_validated():
    validate_psb_number("京公网安备 11010502030143号")
    with pytest.raises(ValidationError):
        validate_psb_number("京公网安备 110105号")


def sponsor(**fields):
    now = timezone.now()
    fields.setdefault("starts_at", now - dt.timedelta(days=1))
    fields.setdefault("name", "赞助")
    return Sponsor.objects.create(url="https://example.com/", **fields)


def test_sponsor_click_is_counted_and_redirects(client, portal):
    running = sponsor()
    response = client.get(f"/go/{sponsor_token(running)}/")
    assert response.status_code == 302
    assert response["Location"] == "https://example.com/"
    running.refresh_from_db()
    assert running.clicks == 1


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("1", id="bare-id"),
        pytest.param("MQ:forged-signature", id="forged-signature"),
        pytest.param("x" * 300, id="long-garbage"),
    ],
)
def test_forged_sponsor_click_is_refused(client, portal, token):
    running = sponsor()
    response = client.get(f"/go/{token}/")
    assert response.status_code == 404
    running.refresh_from_db()
    assert running.clicks == 0


def test_click_on_an_ended_sponsor_is_refused(client, portal):
    ended = sponsor(ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(f"/go/{sponsor_token(ended)}/").status_code == 404


def test_only_running_sponsors_are_shown(client, portal):
    sponsor(name="进行中")
    sponsor(name="未开始", starts_at=timezone.now() + dt.timedelta(days=1))
    html = client.get("/").content.decode()
    assert "进行中" in html and "未开始" not in html
