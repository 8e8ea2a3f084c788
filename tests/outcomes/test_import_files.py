"""Sheets waiting for the office's decision do not pile up in MEDIA_ROOT/imports/."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.submissions.world import make_world
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
def office(client):
    world = make_world()
    client.force_login(world.office)
    return client


def upload(client, text=SHEET):
    file = SimpleUploadedFile("台账.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("outcomes:ledger-import"), {"file": file})
    return response.context["token"]


def test_the_waiting_file_is_deleted_when_the_import_is_confirmed(office, imports):
    token = upload(office)
    assert (imports / f"{token}.csv").exists()
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
    os.utime(imports / f"{stale}.csv", (day_and_more, day_and_more))
    newest = upload(office)
    left = sorted(p.stem for p in imports.iterdir())
    assert left == sorted([fresh, newest])
