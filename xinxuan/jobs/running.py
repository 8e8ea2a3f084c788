"""Starting a job and running it in the worker.

A view calls ``start``: the Job row and the task are written in the same transaction,
so a job is never queued for work that was rolled back.  The task calls ``run`` with
the work to do; ``run`` marks the job running, hands the work a ``progress(done,
total)`` callback, and records the outcome — or, if the work was refused, the reason
in the user's language — for the job's page to show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xinxuan.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

# The alias of the backend that runs long work (config/settings.py, TASKS).
BACKEND = "background"

Progress = Callable[[int, int], None]


@transaction.atomic
def start(*, user, kind: str, title: str, task, subject: str = "", params=None) -> Job:
    """Create the job and queue ``task(job_id)`` on the background worker."""
    job = Job.objects.create(
        user=user, kind=kind, title=title, subject=subject, params=params or {}
    )
    task.using(backend=BACKEND).enqueue(job.pk)
    job.refresh_from_db()  # the immediate backend (tests) has run it already
    return job


def run(job_id: int, work: Callable[[Job, Progress], dict | None]) -> None:
    """Run ``work(job, progress)``; it returns the result for the job's page."""
    from xinxuan.lib.exceptions import ActionRefused
    from xinxuan.scoring.ledger import LedgerError

    job = Job.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.is_finished:
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    side = _SideConnection()
    # Run inside a transaction already (the immediate backend in an action, or a test),
    # the job's row is written in that same transaction, like everything else.
    outer = transaction.get_connection().in_atomic_block

    def progress(done: int, total: int) -> None:
        if outer or not transaction.get_connection().in_atomic_block:
            Job.objects.filter(pk=job.pk).update(done=done, total=total)
        else:
            side.update(job.pk, done, total)

    with override(_language(job.user)):
        try:
            result = work(job, progress) or {}
        except ActionRefused as refused:
            _finish(job, JobStatus.FAILED, message=refused.message)
        except LedgerError as error:
            _finish(job, JobStatus.FAILED, message=error.message)
        except Exception:
            logger.exception("job %s failed", job.pk)
            _finish(
                job,
                JobStatus.FAILED,
                message=_("The job stopped on an unexpected error; it has been logged."),
            )
            raise
        else:
            _finish(job, JobStatus.DONE, result=result)
        finally:
            side.close()


class _SideConnection:
    """Progress written while the work holds a transaction open (a rescoring keeps its
    rule set locked): through a second connection of its own, so that the job's page
    sees it before the work commits.  SQLite has one writer at a time, so there the
    progress shows when the transaction ends."""

    def __init__(self) -> None:
        self.connection = None

    def update(self, job_id: int, done: int, total: int) -> None:
        if connections["default"].vendor == "sqlite":
            return
        if self.connection is None:
            self.connection = connections.create_connection("default")
            self.connection.set_autocommit(True)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                [done, total, job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _language(user) -> str:
    """The workbench language the user chose (messages are stored in it)."""
    from wagtail.users.models import UserProfile

    if user is None:
        return settings.LANGUAGE_CODE
    return UserProfile.get_for_user(user).get_preferred_language() or settings.LANGUAGE_CODE


def _finish(job: Job, status: str, *, message: str = "", result: dict | None = None) -> None:
    fields = {"status": status, "message": message, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
        if "file" in result:
            fields["file"] = result.pop("file")
            fields["filename"] = result.pop("filename", "")
    Job.objects.filter(pk=job.pk).update(**fields)


def file_folder() -> Path:
    """Where jobs put the files they produce (denied as public media in config/urls.py)."""
    folder = Path(settings.MEDIA_ROOT) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
