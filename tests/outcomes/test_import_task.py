"""A confirmed import runs as a background job: progress to the last row, a result page
with what was imported and refused, rows land once, named items are attached to."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import DAY, make_world, points_of, reported_item, write_item
from xinxuan.accounts.roles import Role
from xinxuan.jobs.models import Job, JobKind, JobStatus
from xinxuan.outcomes import actions
from xinxuan.outcomes.models import Outcome
from xinxuan.submissions.models import Item

pytestmark = pytest.mark.django_db

HEADER = "事件编号,稿件编号,标题,类别,字数,单位,作者,事件,日期,载体,采用方式"
UNITS = ["动植检处", "卫生检疫处", "轻纺处"]
CARRIERS = ["总局《专报信息》", "省政府《动态信息》", "市委市政府信息"]


def sheet(items: int) -> str:
    """Three rows per item: reported, adopted twice (by different carriers)."""
    rows = [HEADER]
    for n in range(1, items + 1):
        day = f"2011-{n % 12 + 1:02d}-{n % 27 + 1:02d}"
        rows += [
            f"E{n}a,I{n},稿件{n},政务信息,900,{UNITS[n % 3]},,上报,{day},,",
            f"E{n}b,I{n},,,,,,采用,{day},{CARRIERS[n % 3]},独家采用",
            f"E{n}c,I{n},,,,,,采用,{day},{CARRIERS[(n + 1) % 3]},合用",
        ]
    return "\n".join(rows) + "\n"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


@pytest.fixture
def office(client, world):
    client.force_login(world.office)
    return client


def preview(client, text):
    file = SimpleUploadedFile("台账.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("outcomes:ledger-import"), {"file": file})


def confirm(client, response, **extra):
    data = {"token": response.context["token"], "rows": len(response.context["plan"].new)}
    return client.post(reverse("outcomes:ledger-import"), {**data, **extra}, follow=True)


def test_a_large_sheet_is_imported_as_a_job_whose_progress_reaches_the_last_row(office, world):
    page = confirm(office, preview(office, sheet(100)))
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert page.redirect_chain[-1][0] == reverse("jobs:job-detail", args=[job.pk])
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 300, 300)
    assert job.user == world.office
    assert Outcome.objects.count() == 300 and Item.objects.count() == 100
    assert "已导入 300 条成果" in page.text
    assert points_of(world.org.dept) > 0


def test_the_progress_is_written_as_the_rows_are_imported(world, monkeypatch):
    from xinxuan.outcomes import importing, tasks

    monkeypatch.setattr(importing, "CHUNK", 100)
    seen = []
    original = Job.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recorded(**fields):
            if "done" in fields:
                seen.append((fields["done"], fields["total"]))
            return update(**fields)

        queryset.update = recorded
        return queryset

    monkeypatch.setattr(Job.objects, "filter", spy)
    token = importing.stash_upload(sheet(100), world.office)
    tasks.start_import(
        user=world.office,
        token=token,
        bureau=world.org.bureau,
        ruleset=world.ruleset,
        skip_bad_rows=False,
        rows=300,
    )
    assert seen == [(0, 300), (100, 300), (200, 300), (300, 300)]


def test_importing_the_same_sheet_again_adds_nothing(office, world):
    confirm(office, preview(office, sheet(100)))
    standings = points_of(world.org.dept)
    again = preview(office, sheet(100))
    assert not again.context["plan"].new and len(again.context["plan"].known) == 300
    page = confirm(office, again)
    assert "已导入 0 条成果；300 条已在台账中" in page.text
    assert Outcome.objects.count() == 300 and Item.objects.count() == 100
    assert points_of(world.org.dept) == standings


def test_a_row_naming_an_item_of_the_workbench_attaches_to_it(office, world):
    item = reported_item(world)
    text = "\n".join(
        [
            HEADER,
            # as the ledger export writes it: the item's particulars beside the event
            f"X1,I{item.pk},{item.title},政务信息,900,动植检处,,采用,2011-06-01,总局《专报信息》,独家采用",
            # only the item's number
            f"X2,I{item.pk},,,,,,媒体发表,2011-06-02,常州日报,",
        ]
    )
    items = Item.objects.count()
    page = confirm(office, preview(office, text + "\n"))
    assert "已导入 2 条成果" in page.text
    assert Item.objects.count() == items  # no empty copy
    assert set(
        Outcome.objects.filter(import_key__endswith=":X1").values_list("item", flat=True)
    ) == {item.pk}
    assert Outcome.objects.get(import_key__endswith=":X2").item_id == item.pk
    # the report 0.5, the adoption by 总局《专报信息》 20, the publication in 常州日报 2
    assert points_of(world.org.dept) == Decimal("22.5")


def test_a_row_naming_an_unapproved_item_is_named_in_the_preview(office, world):
    draft = write_item(world, title="尚未审核的稿件")
    text = f"{HEADER}\nX1,I{draft.pk},,,,,,采用,2011-06-01,总局《专报信息》,独家采用\n"
    plan = preview(office, text).context["plan"]
    assert plan.bad_rows == {2}
    assert (
        "尚未审核的稿件" in plan.problems[0].message and "尚未审核通过" in plan.problems[0].message
    )


def test_an_outcome_entered_by_hand_meanwhile_is_not_doubled(office, world):
    item = reported_item(world)
    text = f"{HEADER}\nX1,I{item.pk},,,,,,采用,2011-06-01,总局《专报信息》,独家采用\n"
    waiting = preview(office, text)
    actions.record_adoption(
        item=item,
        user=world.office,
        carrier=world.carriers["zongju-zhuanbao"],
        date=DAY.replace(month=6, day=1),
    )
    page = confirm(office, waiting)
    assert "已导入 0 条成果；1 条已在台账中" in page.text
    assert Outcome.objects.filter(kind="adoption").count() == 1


def test_the_job_page_is_only_for_the_user_who_started_it(office, world, client):
    confirm(office, preview(office, sheet(2)))
    job = Job.objects.get()
    colleague = make_user("office2", role=Role.OFFICE, unit=world.org.office)
    client.force_login(colleague)
    assert client.get(reverse("jobs:job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job-progress", args=[job.pk])).status_code == 404


def test_a_queued_import_shows_a_progress_bar_that_polls(office, world, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    page = confirm(office, preview(office, sheet(2)))
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and Outcome.objects.count() == 0
    assert "等待开始" in page.text and "<progress" in page.text
    assert "jobs/progress.js" in page.text and "<script>" not in page.text
    partial = office.get(reverse("jobs:job-progress", args=[job.pk]))
    assert 'data-finished="0"' in partial.text


def test_the_result_page_lists_the_rows_the_ledger_refused_and_why(office, world):
    """The office's own bureau is assessed by its superior: a deduction on it is refused
    row by row, the other rows are imported."""
    text = (
        "事件编号,单位,事件,日期,条款,理由\n"
        "D1,市局,扣分,2011-05-01,late-report,迟报\n"
        "D2,动植检处,扣分,2011-05-02,late-report,迟报\n"
    )
    page = confirm(office, preview(office, text))
    assert "已导入 1 条成果" in page.text and "1 条被拒绝" in page.text
    assert "第 2 行" in page.text and "市局由上级考核" in page.text
    assert list(Outcome.objects.values_list("unit__name", flat=True)) == ["动植检处"]
