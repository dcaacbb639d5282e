"""Many briefs at once: a Celery task that fills a :class:`BriefJob` and zips the PDFs.

Runs on the worker: ``make run`` starts one on a database-backed queue, production runs
``make worker`` on Redis (docs/ARCHITECTURE.md); the zip request only queues it. It goes
through the same cache as single downloads, so a brief rendered before is not rendered
again. After every brief it saves ``done`` and ``heartbeat_at``, so the job page shows
progress and a job whose worker was killed is marked failed (:mod:`advisor.jobs`). A brief
that cannot be made is listed in ``failures`` and the others still go into the zip; the job
fails only when none could be made.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
import zipfile

from celery import shared_task
from django.core.files import File
from django.db.models import F
from django.utils import timezone

from advisor.briefs.service import brief_file, brief_filename
from advisor.models import BriefJob

logger = logging.getLogger(__name__)


def unique_name(name: str, taken: set[str]) -> str:
    """``name`` in NFC, or ``stem (2).ext``, ``stem (3).ext``… when an entry already has the
    same name after NFC and case folding: Windows and macOS file systems ignore case and
    macOS compares names normalised, so 'Sori' and 'SORI' would overwrite each other."""
    name = unicodedata.normalize("NFC", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 2
    while candidate.casefold() in taken:
        candidate = f"{stem} ({n}){dot}{ext}"
        n += 1
    taken.add(candidate.casefold())
    return candidate


def run_brief_job(job_id: int) -> None:
    job = BriefJob.objects.get(pk=job_id)
    if job.status != BriefJob.Status.PENDING:
        return  # a redelivered message (acks_late) for a job already started or ended
    assessments = list(job.assessments.order_by("pk"))
    BriefJob.objects.filter(pk=job.pk).update(
        status=BriefJob.Status.RUNNING, done=0, total=len(assessments), error="",
        failures=[], heartbeat_at=timezone.now(),
    )
    failures: list[dict[str, object]] = []
    try:
        # A temporary file, not memory: a few hundred briefs are tens of megabytes.
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                taken: set[str] = set()
                for assessment in assessments:
                    try:
                        stored = brief_file(assessment, job.language)
                        name = unique_name(brief_filename(assessment, job.language), taken)
                        made = timezone.localtime(stored.created_at)
                        entry = zipfile.ZipInfo(name, date_time=made.timetuple()[:6])
                        # PDFs are already compressed; storing them keeps the zip fast.
                        with stored.file.open("rb") as pdf, archive.open(entry, "w") as out:
                            for chunk in iter(lambda pdf=pdf: pdf.read(1 << 16), b""):
                                out.write(chunk)
                    except Exception as exc:
                        logger.exception("brief %s of job %s failed", assessment.pk, job_id)
                        failures.append({"assessment": assessment.pk,
                                         "company": assessment.company_name,
                                         "reason": f"{type(exc).__name__}: {exc}"[:300]})
                        BriefJob.objects.filter(pk=job.pk).update(failures=failures)
                    BriefJob.objects.filter(pk=job.pk).update(
                        done=F("done") + 1, heartbeat_at=timezone.now()
                    )
            if len(failures) == len(assessments):
                raise RuntimeError(failures[0]["reason"] if failures else "no assessment")
            spool.seek(0)
            job.refresh_from_db()
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            job.file.save(f"briefs-{job.pk}-{stamp}.zip", File(spool), save=False)
        job.status = BriefJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "finished_at"])
    except Exception as exc:
        logger.exception("brief job %s failed", job_id)
        BriefJob.objects.filter(pk=job_id).update(
            status=BriefJob.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )


@shared_task(name="advisor.briefs.build_brief_zip", acks_late=True)
def build_brief_zip(job_id: int) -> None:
    run_brief_job(job_id)
