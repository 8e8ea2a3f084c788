"""The workbench screens for units and people respect the access rules."""

import pytest
from django.urls import reverse

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.organisation.models import Person, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def person_url(action, person):
    return reverse(f"wagtailsnippets_organisation_person:{action}", args=[person.pk])


def test_officer_lists_only_own_department_people(client, org):
    officer = make_user("officer", role=Role.OFFICER, unit=org.dept)
    make_user("colleague", role=Role.OFFICER, unit=org.other_dept)
    client.force_login(officer)
    response = client.get(reverse("wagtailsnippets_organisation_person:list"))
    assert response.status_code == 200
    assert "officer" in response.text
    assert "colleague" not in response.text


def test_officer_cannot_open_another_departments_person(client, org):
    officer = make_user("officer", role=Role.OFFICER, unit=org.dept)
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.other_dept)
    client.force_login(officer)
    response = client.get(person_url("edit", colleague.person))
    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_office_edits_people_of_its_bureau_but_not_outside(client, org):
    office = make_user("office", role=Role.OFFICE, unit=org.office)
    inside = Person.objects.create(name="内部", unit=org.dept)
    outside = Person.objects.create(name="外部", unit=org.other_bureau_dept)
    client.force_login(office)
    assert client.get(person_url("edit", inside)).status_code == 200
    assert client.get(person_url("edit", outside)).status_code != 200


def test_office_cannot_move_a_person_to_a_unit_outside_its_bureau(client, org):
    office = make_user("office", role=Role.OFFICE, unit=org.office)
    person = Person.objects.create(name="调动", unit=org.dept)
    client.force_login(office)
    response = client.post(
        person_url("edit", person),
        {
            "name": "调动",
            "unit": org.other_bureau_dept.pk,
            "position": "",
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    person.refresh_from_db()
    assert person.unit == org.dept


def test_unit_cycle_is_refused_with_a_chinese_message(client, org):
    admin = make_user("admin", is_superuser=True)
    client.force_login(admin)
    url = reverse("wagtailsnippets_organisation_unit:edit", args=[org.bureau.pk])
    response = client.post(
        url,
        {
            "name": org.bureau.name,
            "short_name": "",
            "code": org.bureau.code,
            "kind": "bureau",
            "parent": org.section.pk,
            "unit_class": "",
            "sort_order": 0,
            "is_active": "on",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "循环" in response.text
    org.bureau.refresh_from_db()
    assert org.bureau.parent == org.province


def test_reader_has_no_workbench(client, org):
    reader = make_user("reader", role=Role.READER)
    client.force_login(reader)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert Unit.objects.count() == 10


def test_home_panel_names_the_users_unit(client, org):
    client.force_login(make_user("officer", role=Role.OFFICER, unit=org.dept))
    response = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "我的单位" in response.text
    assert "动植检处" in response.text


def test_home_panel_tells_staff_without_unit_what_to_do(client, org):
    client.force_login(make_user("lost", role=Role.OFFICER))
    response = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "尚未关联任何单位" in response.text
    listing = client.get(reverse("wagtailsnippets_organisation_unit:list"))
    assert "动植检处" not in listing.text
