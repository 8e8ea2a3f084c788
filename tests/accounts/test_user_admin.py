"""The user screens: the office manages the accounts of its own bureau, at or below its
own role, and nothing else; heads, officers and leaders manage no account."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.builders import PASSWORD, make_org, make_user
from xinxuan.accounts.roles import GROUP_NAMES, Role
from xinxuan.organisation.access import manageable_users

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def office(org):
    return make_user("office", role=Role.OFFICE, unit=org.office)


def edit_url(user):
    return reverse("wagtailusers_users:edit", args=[user.pk])


def group(role):
    return Group.objects.get(name=GROUP_NAMES[role])


def edit_data(user, **changes):
    """What the edit form posts for ``user`` unchanged, with ``changes`` on top."""
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@example.cn",
        "first_name": user.first_name or "三",
        "last_name": user.last_name or "张",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "password1": "",
        "password2": "",
    }
    data.update(changes)
    return data


def test_office_lists_only_accounts_of_its_bureau(client, org, office):
    make_user("colleague", role=Role.OFFICER, unit=org.section)
    make_user("neighbour", role=Role.OFFICER, unit=org.other_bureau_dept)
    make_user("root", is_superuser=True, is_staff=True)
    make_user("loose")  # no person: outside every bureau
    client.force_login(office)
    response = client.get(reverse("wagtailusers_users:index"))
    assert response.status_code == 200
    listed = {u.username for u in response.context["users"]}
    assert listed == {"office", "colleague"}


def test_office_does_not_see_a_leader_of_its_own_bureau(client, org, office):
    # A leader's role is above the office's: the office may not change that account.
    leader = make_user("leader", role=Role.LEADER, unit=org.bureau)
    client.force_login(office)
    assert leader not in manageable_users(office)
    assert client.get(edit_url(leader), **ZH).status_code == 404


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("neighbour", id="another-bureau"),
        pytest.param("root", id="superuser"),
        pytest.param("loose", id="no-person"),
    ],
)
@pytest.mark.parametrize("view", ["edit", "delete", "history"])
def test_office_cannot_open_an_account_outside_its_reach(client, org, office, target, view):
    accounts = {
        "neighbour": lambda: make_user("neighbour", role=Role.OFFICER, unit=org.other_bureau_dept),
        "root": lambda: make_user("root", is_superuser=True, is_staff=True),
        "loose": lambda: make_user("loose"),
    }
    account = accounts[target]()
    client.force_login(office)
    response = client.get(reverse(f"wagtailusers_users:{view}", args=[account.pk]), **ZH)
    assert response.status_code == 404
    assert "转到管理界面" in response.text  # Wagtail's own 404 page, in Chinese


def test_office_cannot_reset_a_superusers_password(client, office):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(office)
    response = client.post(
        edit_url(root), edit_data(root, password1="Another-pass-99", password2="Another-pass-99")
    )
    assert response.status_code == 404
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_office_cannot_edit_another_bureaus_account(client, org, office):
    neighbour = make_user("neighbour", role=Role.OFFICER, unit=org.other_bureau_dept)
    client.force_login(office)
    response = client.post(edit_url(neighbour), edit_data(neighbour, is_active=""))
    assert response.status_code == 404
    neighbour.refresh_from_db()
    assert neighbour.is_active


def test_office_edits_an_account_of_its_bureau(client, org, office):
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.dept)
    client.force_login(office)
    data = edit_data(colleague, groups=[group(Role.HEAD).pk])
    response = client.post(edit_url(colleague), data)
    assert response.status_code == 302
    assert set(colleague.groups.values_list("name", flat=True)) == {GROUP_NAMES[Role.HEAD]}


def test_the_superuser_box_is_not_on_the_offices_form(client, org, office):
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.dept)
    client.force_login(office)
    response = client.get(edit_url(colleague))
    assert response.status_code == 200
    form = response.context["form"]
    assert "is_superuser" not in form.fields
    assert 'name="is_superuser"' not in response.text


@pytest.mark.parametrize("whom", ["colleague", "self"])
def test_a_forged_superuser_field_changes_nothing(client, org, office, whom):
    account = office if whom == "self" else make_user("colleague", role=Role.OFFICER, unit=org.dept)
    client.force_login(office)
    response = client.post(edit_url(account), edit_data(account, is_superuser="on", is_staff="on"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.is_superuser
    assert not account.is_staff


@pytest.mark.parametrize("whom", ["colleague", "self"])
@pytest.mark.parametrize("role", [Role.LEADER, None], ids=["leader", "non-role-group"])
def test_a_forged_group_above_the_office_is_refused(client, org, office, whom, role):
    account = office if whom == "self" else make_user("colleague", role=Role.OFFICER, unit=org.dept)
    above = group(role) if role else Group.objects.create(name="编辑部")
    client.force_login(office)
    groups = [g.pk for g in account.groups.all()] + [above.pk]
    response = client.post(edit_url(account), edit_data(account, groups=groups), **ZH)
    assert response.status_code == 200  # the form again, with the field's error
    assert response.context["form"].errors["groups"]
    assert not account.groups.filter(pk=above.pk).exists()


def test_office_creates_an_account_in_a_unit_of_its_bureau(client, org, office):
    client.force_login(office)
    data = {
        "username": "newcomer",
        "email": "newcomer@example.cn",
        "first_name": "四",
        "last_name": "李",
        "password1": "Plenty-long-77",
        "password2": "Plenty-long-77",
        "groups": [group(Role.OFFICER).pk],
        "unit": org.dept.pk,
        "is_superuser": "on",
    }
    response = client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 302
    newcomer = manageable_users(office).get(username="newcomer")
    assert newcomer.person.unit == org.dept
    assert newcomer.person.name == "李四"
    assert not newcomer.is_superuser


def test_office_cannot_create_an_account_in_another_bureau(client, org, office):
    client.force_login(office)
    data = {
        "username": "planted",
        "email": "planted@example.cn",
        "first_name": "五",
        "last_name": "王",
        "password1": "Plenty-long-77",
        "password2": "Plenty-long-77",
        "groups": [group(Role.OFFICE).pk],
        "unit": org.other_bureau_dept.pk,
    }
    response = client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not type(office).objects.filter(username="planted").exists()


def test_bulk_role_assignment_skips_accounts_out_of_reach(client, org, office):
    root = make_user("root", is_superuser=True, is_staff=True)
    neighbour = make_user("neighbour", role=Role.OFFICER, unit=org.other_bureau_dept)
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.dept)
    client.force_login(office)
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"])
    ids = f"?id={root.pk}&id={neighbour.pk}&id={colleague.pk}"
    response = client.post(url + ids, {"role": group(Role.HEAD).pk})
    assert response.status_code == 302
    assert colleague.groups.filter(name=GROUP_NAMES[Role.HEAD]).exists()
    assert not root.groups.exists()
    assert not neighbour.groups.filter(name=GROUP_NAMES[Role.HEAD]).exists()


def test_bulk_role_assignment_cannot_give_a_leaders_role(client, org, office):
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.dept)
    client.force_login(office)
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"])
    client.post(url + f"?id={colleague.pk}", {"role": group(Role.LEADER).pk})
    assert not colleague.groups.filter(name=GROUP_NAMES[Role.LEADER]).exists()


@pytest.mark.parametrize("role", [Role.HEAD, Role.OFFICER, Role.LEADER, Role.READER])
def test_other_roles_reach_no_user_screen(client, org, role):
    user = make_user("someone", role=role, unit=org.dept)
    colleague = make_user("colleague", role=Role.OFFICER, unit=org.dept)
    client.force_login(user)
    for url in (
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        edit_url(colleague),
    ):
        assert client.get(url).status_code in (302, 403, 404), url


@pytest.mark.parametrize("view", ["index", "add"])
def test_group_screens_are_for_superusers_only(client, office, view):
    client.force_login(office)
    assert client.get(reverse(f"wagtailusers_groups:{view}")).status_code in (302, 403)
    edit = reverse("wagtailusers_groups:edit", args=[group(Role.OFFICE).pk])
    assert client.get(edit).status_code in (302, 403)


def test_a_superuser_still_manages_every_account_and_group(client, org):
    root = make_user("root", is_superuser=True, is_staff=True)
    neighbour = make_user("neighbour", role=Role.OFFICER, unit=org.other_bureau_dept)
    client.force_login(root)
    assert client.get(edit_url(neighbour)).status_code == 200
    assert 'name="is_superuser"' in client.get(edit_url(neighbour)).text
    assert client.get(reverse("wagtailusers_groups:index")).status_code == 200


def test_django_admin_is_not_mounted(client):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/django-admin/").status_code == 404


def test_office_cannot_link_an_unreached_account_to_a_person(client, org, office):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(office)
    response = client.post(
        reverse("wagtailsnippets_organisation_person:add"),
        {"name": "冒名", "unit": org.dept.pk, "user": root.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not hasattr(type(root).objects.get(pk=root.pk), "person")
