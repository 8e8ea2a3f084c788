"""A job's page: progress while it runs (polled by static/jobs/progress.js), then the
result, and the produced file — for the user who started the job and nobody else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from xinxuan.jobs.models import Job, JobStatus
from xinxuan.jobs.running import file_folder


def _own_job(request: HttpRequest, pk: int) -> Job:
    # Another user's job answers 404, as if it did not exist.
    return get_object_or_404(Job, pk=pk, user=request.user)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "jobs/job.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    path = file_folder() / job.file
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename or job.file)
