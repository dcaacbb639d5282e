"""Many briefs at once: a Celery task that fills a :class:`BriefJob` and zips the PDFs.

Runs on the worker (``make worker``, Redis from REDIS_URL) or inline without REDIS_URL. It
goes through the same cache as single downloads, so a brief rendered before is not
rendered again, and it saves ``done`` after every brief so the job page can show progress.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile

from celery import shared_task
from django.core.files import File
from django.db.models import F
from django.utils import timezone

from advisor.briefs.service import brief_file, brief_filename
from advisor.models import BriefJob

logger = logging.getLogger(__name__)


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{stem}({n}){dot}{ext}"
        n += 1
    taken.add(candidate)
    return candidate


def run_brief_job(job_id: int) -> None:
    job = BriefJob.objects.get(pk=job_id)
    if job.status == BriefJob.Status.DONE:
        return  # a redelivered message (acks_late) after the job completed
    assessments = list(job.assessments.order_by("pk"))
    BriefJob.objects.filter(pk=job.pk).update(
        status=BriefJob.Status.RUNNING, done=0, total=len(assessments), error=""
    )
    try:
        # A temporary file, not memory: a few hundred briefs are tens of megabytes.
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                taken: set[str] = set()
                for assessment in assessments:
                    stored = brief_file(assessment, job.language)
                    name = _unique(brief_filename(assessment, job.language), taken)
                    # PDFs are already compressed; storing them keeps the zip fast.
                    with stored.file.open("rb") as pdf, archive.open(name, "w") as out:
                        for chunk in iter(lambda pdf=pdf: pdf.read(1 << 16), b""):
                            out.write(chunk)
                    BriefJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
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
        raise


@shared_task(name="advisor.briefs.build_brief_zip", acks_late=True)
def build_brief_zip(job_id: int) -> None:
    run_brief_job(job_id)
