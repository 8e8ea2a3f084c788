"""Bad organisation input gets a clear Chinese message and saves nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.organisation.models import Person, Team, TeamKind, TeamMembership, UnitTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def office_client(client, org):
    client.force_login(make_user("office", role=Role.OFFICE, unit=org.office))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def add_url(model):
    return reverse(f"wagtailsnippets_organisation_{model}:add")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        pytest.param("-5", "不能为负数", id="negative"),
        pytest.param("很多", "输入一个数字", id="not-a-number"),
    ],
)
def test_bad_target_is_refused(office_client, org, points, message):
    response = office_client.post(
        add_url("unittarget"), {"unit": org.dept.pk, "year": 2011, "points": points}
    )
    assert response.status_code == 200
    assert message in response.text
    assert not UnitTarget.objects.exists()


def test_overlapping_membership_is_refused(office_client, org):
    team = Team.objects.create(name="网络成员", kind=TeamKind.NETWORK, bureau=org.bureau)
    person = Person.objects.create(name="甲", unit=org.dept)
    TeamMembership.objects.create(team=team, person=person, joined=dt.date(2011, 1, 1))
    response = office_client.post(
        add_url("teammembership"),
        {"team": team.pk, "person": person.pk, "joined": "2011-06-01", "left": ""},
    )
    assert response.status_code == 200
    assert "已属于该队伍" in response.text
    assert TeamMembership.objects.count() == 1


def test_membership_after_leaving_is_accepted(office_client, org):
    team = Team.objects.create(name="网络成员", kind=TeamKind.NETWORK, bureau=org.bureau)
    person = Person.objects.create(name="甲", unit=org.dept)
    TeamMembership.objects.create(
        team=team, person=person, joined=dt.date(2011, 1, 1), left=dt.date(2011, 6, 30)
    )
    response = office_client.post(
        add_url("teammembership"),
        {"team": team.pk, "person": person.pk, "joined": "2011-07-01", "left": ""},
    )
    assert response.status_code == 302
    assert TeamMembership.objects.count() == 2


def test_leaving_before_joining_is_refused(office_client, org):
    team = Team.objects.create(name="网络成员", kind=TeamKind.NETWORK, bureau=org.bureau)
    person = Person.objects.create(name="甲", unit=org.dept)
    response = office_client.post(
        add_url("teammembership"),
        {"team": team.pk, "person": person.pk, "joined": "2011-07-01", "left": "2011-01-01"},
    )
    assert response.status_code == 200
    assert "退出日期早于加入日期" in response.text
    assert not TeamMembership.objects.exists()


def test_forged_post_without_csrf_token_is_refused(org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("office", role=Role.OFFICE, unit=org.office))
    response = client.post(add_url("unitclass"), {"name": "伪造", "code": "forged"})
    assert response.status_code == 403
    assert "伪造" not in str(list(UnitTarget.objects.all()))


def test_english_is_available(client, org):
    user = make_user("office", role=Role.OFFICE, unit=org.office)
    from wagtail.users.models import UserProfile

    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(
        preferred_language="en"
    )
    client.force_login(user)
    response = client.get(reverse("wagtailsnippets_organisation_unit:list"))
    assert "Units" in response.text
    assert "单位类别" not in response.text
