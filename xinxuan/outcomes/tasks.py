"""The ledger's long work, run by the background worker: importing a confirmed sheet,
exporting a large ledger to a file the user fetches from the job's page."""

from __future__ import annotations

import dataclasses
import secrets

from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from xinxuan.jobs import running
from xinxuan.jobs.models import Job, JobKind


def start_import(*, user, token: str, bureau, ruleset, skip_bad_rows: bool, rows: int) -> Job:
    """Queue the import of a sheet waiting under ``token`` (see ``importing.stash_upload``)."""
    return running.start(
        user=user,
        kind=JobKind.IMPORT,
        title=_("Importing %(n)s rows into the ledger of %(bureau)s")
        % {"n": rows, "bureau": bureau},
        task=import_ledger,
        subject=f"unit:{bureau.pk}",
        params={
            "token": token,
            "bureau": bureau.pk,
            "ruleset": ruleset.pk,
            "skip": skip_bad_rows,
        },
    )


@task()
def import_ledger(job_id: int) -> None:
    running.run(job_id, _import)


def _import(job: Job, progress: running.Progress) -> dict:
    from xinxuan.organisation.models import Unit
    from xinxuan.outcomes import importing
    from xinxuan.scoring.ledger import compile_ruleset
    from xinxuan.scoring.models import RuleSet

    params = job.params
    bureau = Unit.objects.get(pk=params["bureau"])
    ruleset = compile_ruleset(RuleSet.objects.get(pk=params["ruleset"]))
    text = importing.read_stash(params["token"], job.user)
    try:
        plan = importing.run_import(
            text,
            bureau=bureau,
            ruleset=ruleset,
            user=job.user,
            skip_bad_rows=params["skip"],
            progress=progress,
        )
    finally:
        importing.discard_stash(params["token"], job.user)
    return {
        "imported": plan.imported,
        "known": plan.known,
        "refused": [dataclasses.asdict(p) for p in plan.refused],
        "skipped": [dataclasses.asdict(p) for p in plan.problems],
        "back": reverse("outcomes:ledger"),
    }


def start_export(*, user, query: str, spreadsheet_format: str, rows: int) -> Job:
    """Queue an export of the ledger as the user filtered it."""
    return running.start(
        user=user,
        kind=JobKind.EXPORT,
        title=_("Exporting %(n)s outcomes of the ledger") % {"n": rows},
        task=export_ledger,
        params={"query": query, "format": spreadsheet_format},
    )


@task()
def export_ledger(job_id: int) -> None:
    running.run(job_id, _export)


def _export(job: Job, progress: running.Progress) -> dict:
    """The ledger view, run for the job's user with the same filters, writing the file."""
    from xinxuan.outcomes.reports import LedgerView

    query = QueryDict(job.params["query"], mutable=True)
    spreadsheet_format = job.params["format"]
    query["export"] = spreadsheet_format
    request = RequestFactory().get(reverse("outcomes:ledger"), data=query)
    request.user = job.user
    view = LedgerView(in_worker=True)
    view.setup(request)
    total = view.get_filtered_queryset().count()
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 500 == 0 or done == total:
            progress(done, total)

    view.progress = tick
    progress(0, total)
    response = view.get(request)
    name = f"{job.pk}-{secrets.token_hex(8)}.{spreadsheet_format}"
    with (running.file_folder() / name).open("wb") as out:
        if response.streaming:
            for chunk in response.streaming_content:
                out.write(chunk)
        else:
            out.write(response.getvalue())
    progress(total, total)
    return {"file": name, "filename": f"{view.get_filename()}.{spreadsheet_format}"}
