"""Who sees which units: owner, colleague and outsider for every role."""

import pytest

from tests.builders import make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.organisation import access

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def names(user):
    return set(access.visible_units(user).values_list("name", flat=True))


def test_officer_sees_own_department_only(org):
    officer = make_user("officer", role=Role.OFFICER, unit=org.dept)
    assert names(officer) == {"动植检处"}
    assert access.can_see_unit(officer, org.dept)
    assert not access.can_see_unit(officer, org.other_dept)  # colleague department
    assert not access.can_see_unit(officer, org.other_bureau_dept)  # outsider


def test_head_sees_department_and_its_sections(org):
    head = make_user("head", role=Role.HEAD, unit=org.section.parent)
    assert names(head) == {"武进办", "轻纺处"}


def test_office_sees_its_bureau_subtree(org):
    office = make_user("office", role=Role.OFFICE, unit=org.office)
    assert names(office) == {"市局", "办公室", "动植检处", "卫生检疫处", "武进办", "轻纺处"}
    assert not access.can_see_unit(office, org.other_bureau)


def test_leader_sees_their_bureau(org):
    leader = make_user("leader", role=Role.LEADER, unit=org.bureau)
    assert "轻纺处" in names(leader)
    assert "邻市局" not in names(leader)


def test_superior_office_sees_all_descendants(org):
    province = make_user("province", role=Role.OFFICE, unit=org.province_office)
    assert {"市局", "轻纺处", "邻市局", "邻市局食品处"} <= names(province)


def test_staff_without_unit_sees_nothing_and_is_told_why(org):
    lost = make_user("lost", role=Role.OFFICE)
    assert names(lost) == set()
    with pytest.raises(access.NoUnitError) as error:
        access.require_unit(lost, org.dept)
    assert "未关联" in str(error.value) or "not linked" in str(error.value)


def test_reader_sees_no_unit(org):
    reader = make_user("reader", role=Role.READER)
    assert names(reader) == set()


def test_superuser_sees_everything(org):
    admin = make_user("admin", is_superuser=True)
    assert access.visible_units(admin).count() == 10
