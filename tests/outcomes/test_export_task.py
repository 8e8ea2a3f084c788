"""A large ledger export is written by a background job; the file goes to the user who
asked for it and to nobody else."""

import pytest
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.accounts.roles import Role
from xinxuan.jobs.models import Job, JobKind, JobStatus
from xinxuan.outcomes import actions, reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(reports, "EXPORT_INLINE_ROWS", 2)
    world = make_world()
    for n, code in enumerate(["zongju-zhuanbao", "sheng-dongtai", "shiwei-xinxi"]):
        item = reported_item(world, title=f"导出稿件{n}")
        actions.record_adoption(
            item=item, user=world.office, carrier=world.carriers[code], date=DAY
        )
    return world


@pytest.mark.parametrize("spreadsheet_format", ["csv", "xlsx"])
def test_a_large_export_becomes_a_file_for_its_owner(client, world, spreadsheet_format):
    client.force_login(world.office)
    response = client.get(
        reverse("outcomes:ledger") + f"?export={spreadsheet_format}&kind=adoption"
    )
    job = Job.objects.get(kind=JobKind.EXPORT)
    assert response.url == reverse("jobs:job-detail", args=[job.pk])
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    page = client.get(response.url)
    assert reverse("jobs:job-download", args=[job.pk]) in page.text
    download = client.get(reverse("jobs:job-download", args=[job.pk]))
    assert download["Content-Disposition"].endswith(f'ledger.{spreadsheet_format}"')
    data = b"".join(download.streaming_content)
    if spreadsheet_format == "csv":
        text = data.decode("utf-8-sig")
        assert "导出稿件2" in text and "上报" not in text  # the filter is kept
    else:
        assert data[:2] == b"PK"


def test_nobody_else_may_fetch_the_file(client, world):
    client.force_login(world.office)
    client.get(reverse("outcomes:ledger") + "?export=csv")
    job = Job.objects.get()
    colleague = make_user("office2", role=Role.OFFICE, unit=world.org.office)
    client.force_login(colleague)
    assert client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404
    assert client.get(f"/media/jobs/{job.file}").status_code == 404
    client.logout()
    assert client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 302


def test_a_small_export_is_answered_at_once(client, world, monkeypatch):
    monkeypatch.setattr(reports, "EXPORT_INLINE_ROWS", 100)
    client.force_login(world.office)
    response = client.get(reverse("outcomes:ledger") + "?export=csv")
    assert "导出稿件0" in b"".join(response.streaming_content).decode("utf-8-sig")
    assert not Job.objects.exists()
