"""Sheets waiting for the office's decision do not pile up in MEDIA_ROOT/imports/."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import make_world
from xinxuan.accounts.roles import Role
from xinxuan.outcomes.models import Outcome

pytestmark = pytest.mark.django_db

SHEET = (
    "事件编号,稿件编号,标题,类别,单位,事件,日期,载体\n"
    "E1,I1,检疫工作,政务信息,动植检处,上报,2011-03-02,\n"
)


@pytest.fixture
def imports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def office(client, world):
    client.force_login(world.office)
    return client


def waiting(imports, token):
    """The file of a sheet waiting for its uploader's decision."""
    (path,) = imports.glob(f"*-{token}.csv")
    return path


def upload(client, text=SHEET):
    file = SimpleUploadedFile("台账.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("outcomes:ledger-import"), {"file": file})
    return response.context["token"]


def test_the_waiting_file_is_deleted_when_the_import_is_confirmed(office, imports):
    token = upload(office)
    assert waiting(imports, token).exists()
    office.post(reverse("outcomes:ledger-import"), {"token": token})
    assert Outcome.objects.count() == 1
    assert list(imports.iterdir()) == []


def test_the_waiting_file_is_deleted_when_the_import_is_cancelled(office, imports):
    token = upload(office)
    response = office.post(
        reverse("outcomes:ledger-import"), {"token": token, "cancel": "1"}, follow=True
    )
    assert "已取消导入" in response.text
    assert list(imports.iterdir()) == []
    assert not Outcome.objects.exists()


def test_confirming_a_cancelled_import_says_the_file_is_gone(office, imports):
    token = upload(office)
    office.post(reverse("outcomes:ledger-import"), {"token": token, "cancel": "1"})
    response = office.post(reverse("outcomes:ledger-import"), {"token": token})
    assert "上传的文件已失效" in response.text
    assert not Outcome.objects.exists()


def test_a_new_import_sweeps_files_older_than_a_day(office, imports):
    stale = upload(office)
    fresh = upload(office)
    day_and_more = time.time() - 25 * 3600
    os.utime(waiting(imports, stale), (day_and_more, day_and_more))
    newest = upload(office)
    left = sorted(p.stem.split("-", 1)[1] for p in imports.iterdir())
    assert left == sorted([fresh, newest])


def test_only_the_uploader_can_confirm_or_cancel_a_waiting_sheet(office, imports, world):
    """A preview's token is worth nothing to anyone else, even a colleague in the same
    office: the sheet stays waiting for its uploader, and nothing is imported."""
    token = upload(office)
    colleague = make_user("office2", role=Role.OFFICE, unit=world.office.person.unit)
    other = Client()
    other.force_login(colleague)
    for post in ({"token": token}, {"token": token, "cancel": "1"}):
        response = other.post(reverse("outcomes:ledger-import"), post, follow=True)
        assert response.status_code == 200
    assert not Outcome.objects.exists()
    assert waiting(imports, token).exists()
    office.post(reverse("outcomes:ledger-import"), {"token": token})
    assert Outcome.objects.count() == 1
