"""A job: long work a user started (an import, an export, a rescoring) that runs in the
background worker, with its progress and its result for the user to watch and fetch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("Ledger import")
    EXPORT = "export", _("Ledger export")
    RESCORE = "rescore", _("Rescoring")
    WHATIF = "whatif", _("What-if")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class JobQuerySet(models.QuerySet["Job"]):
    def unfinished(self) -> JobQuerySet:
        return self.exclude(status__in=FINISHED)


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What the job works on, to find the running one ("ruleset:12").
    subject = models.CharField(max_length=60, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What the task needs to run (a waiting sheet's token, the export's filters).
    params = models.JSONField(default=dict, blank=True)
    # What the user sees when it is done: counts, rows refused and why.
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    # A produced file, under MEDIA_ROOT/jobs/ (never served as a public file).
    file = models.CharField(max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
