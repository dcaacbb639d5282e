"""Brief downloads (token holder, staff) and the staff zip jobs with their progress page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from advisor.access import assessment_for_staff, assessment_for_token, is_staff
from advisor.briefs.render import normalize_language
from advisor.briefs.service import (
    StoredBriefRef,
    assessments_with_stored_briefs,
    brief_filename,
    content_disposition,
    open_cached_or_render,
    stored_brief_by_token,
)
from advisor.briefs.tasks import build_brief_zip
from advisor.jobs import reap_one
from advisor.models import Assessment, BriefJob

MAX_BRIEFS_PER_JOB = 500


def _language(request: HttpRequest, assessment: Assessment | StoredBriefRef) -> str:
    return normalize_language(request.GET.get("lang") or assessment.language)


class BriefFileResponse(FileResponse):
    # Briefs are a few hundred KB: one read for the whole file where the server streams it
    # itself (Django's default is 4 KB reads; 64 KB ones cost 30% more in bench/brief.py).
    block_size = 1 << 20


def _pdf_response(assessment: Assessment | StoredBriefRef, language: str) -> FileResponse:
    # A file response: WSGI servers with wsgi.file_wrapper (gunicorn) send it with sendfile.
    response = BriefFileResponse(
        open_cached_or_render(assessment, language), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition(brief_filename(assessment, language))
    # A brief names a company and its plans: never cached by proxies, never indexed.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def token_brief(request: HttpRequest, token: str) -> FileResponse:
    requested = request.GET.get("lang") or None
    assessment = assessment_for_token(
        token, lookup=lambda t: stored_brief_by_token(t, requested)
    )
    response = _pdf_response(assessment, assessment.brief_language)
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def staff_brief(request: HttpRequest, pk: int) -> FileResponse:
    assessment = assessment_for_staff(request.user, pk, queryset=assessments_with_stored_briefs())
    return _pdf_response(assessment, _language(request, assessment))


def _job_for(request: HttpRequest, pk: int) -> BriefJob:
    """Jobs are staff work: any staff member may follow one (staff share a workspace), the
    way they may open any assessment; everyone else gets a 404."""
    if not is_staff(request.user):
        raise Http404
    try:
        job = BriefJob.objects.get(pk=pk)
    except BriefJob.DoesNotExist:
        raise Http404 from None
    reap_one(job)  # a job whose worker stopped is shown failed, not "generating" for ever
    return job


def _back(request: HttpRequest) -> str:
    """The dashboard page the request came from (its filters kept), never another site."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return reverse("staff-dashboard")


@require_POST
def zip_create(request: HttpRequest) -> HttpResponse:
    """POST ``assessment`` (repeated ids) and optionally ``lang``; CSRF-protected."""
    if not is_staff(request.user):
        raise Http404
    ids: list[int] = []
    for raw in request.POST.getlist("assessment"):
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    ids = sorted(set(ids))[:MAX_BRIEFS_PER_JOB]
    assessments = list(Assessment.objects.filter(pk__in=ids))
    if not assessments:
        return render(
            request, "brief/staff_job_error.html",
            {"message": _("Select at least one assessment to download briefs."),
             "back": _back(request)}, status=400,
        )
    language = normalize_language(request.POST.get("lang") or "ko")
    with transaction.atomic():
        job = BriefJob.objects.create(
            created_by=request.user, language=language, total=len(assessments)
        )
        job.assessments.set(assessments)
        # Queue only once the job row is visible to the worker.
        transaction.on_commit(lambda: build_brief_zip.delay(job.pk))
    return redirect("brief-job", pk=job.pk)


def _status(job: BriefJob) -> dict[str, Any]:
    percent = round(100 * job.done / job.total) if job.total else 0
    done = job.status == BriefJob.Status.DONE and bool(job.file)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "download_url": reverse("brief-job-download", args=[job.pk]) if done else None,
        "error": job.error if job.status == BriefJob.Status.FAILED else "",
        "failures": [
            {"company": str(f.get("company", "")), "reason": str(f.get("reason", ""))}
            for f in (job.failures or [])
        ],
        "running": job.status in (BriefJob.Status.PENDING, BriefJob.Status.RUNNING),
    }


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "brief/staff_job.html", {"job": job, "state": _status(job)})


@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(_status(_job_for(request, pk)))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if job.status != BriefJob.Status.DONE or not job.file:
        raise Http404
    response = BriefFileResponse(job.file.open("rb"), content_type="application/zip")
    day = (job.finished_at or job.created_at).date().isoformat()
    prefix = "EntryBriefs" if job.language == "en" else "진출브리프"
    response["Content-Disposition"] = content_disposition(f"{prefix}_{day}_{job.pk}.zip")
    response["Cache-Control"] = "private, no-store"
    return response
