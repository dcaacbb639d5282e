"""Background jobs (spreadsheet imports, brief zips): how a job that stopped is noticed.

Jobs run on the Celery worker (``make run`` starts one on a database-backed queue; Redis in
production, see docs/ARCHITECTURE.md). A job saves ``heartbeat_at`` with every step (a
chunk of rows, a brief). A job the worker was killed in the middle of would otherwise stay
"running" for ever, and one no worker ever picked up "waiting" for ever: :func:`reap` marks
such jobs FAILED with the reason, and is called whenever a job's page or status is read and
when a worker starts.

Timeouts (settings): ``JOB_STALE_SECONDS`` (default 300) without progress for a running
job, the longest single step being one brief or one chunk of 1,000 rows (seconds);
``JOB_QUEUE_SECONDS`` (default 900) for a job still waiting for a worker.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from advisor.models import BriefJob, ImportBatch


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "JOB_STALE_SECONDS", 300)))


def queue_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "JOB_QUEUE_SECONDS", 900)))


def stopped_message() -> str:
    minutes = max(round(stale_after().total_seconds() / 60), 1)
    return _(
        "The worker stopped in the middle of this job (no progress for %(minutes)s minutes). "
        "Start it again."
    ) % {"minutes": minutes}


def never_started_message() -> str:
    return _(
        "No worker picked this job up. Is the worker running? (“make run” starts it; "
        "in production, “make worker”.)"
    )


def reap() -> int:
    """Marks stopped and never-started jobs FAILED; returns how many. An import's rows that
    were already saved are deleted (the importer's all-or-nothing policy)."""
    from advisor.batch.importer import delete_rows

    now = timezone.now()
    stale, queued = now - stale_after(), now - queue_timeout()
    count = 0
    running = Q(status="running") & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    )
    waiting = Q(status="pending", created_at__lt=queued)
    for model, field in ((BriefJob, "error"), (ImportBatch, "message")):
        for condition, message in ((running, stopped_message()),
                                   (waiting, never_started_message())):
            ids = list(model.objects.filter(condition).values_list("pk", flat=True))
            if model is ImportBatch:  # its rows go first: FAILED is the final state
                for pk in ids:
                    delete_rows(pk)
            count += model.objects.filter(condition, pk__in=ids).update(
                status="failed", finished_at=now, **{field: message}
            )
    return count


def reap_one(job: BriefJob | ImportBatch) -> None:
    """:func:`reap` for the one job a page shows: no query unless it has stopped."""
    now = timezone.now()
    field = "error" if isinstance(job, BriefJob) else "message"
    last = job.heartbeat_at or job.created_at
    if job.status == "running" and last is not None and last < now - stale_after():
        message = stopped_message()
    elif job.status == "pending" and job.created_at < now - queue_timeout():
        message = never_started_message()
    else:
        return
    if isinstance(job, ImportBatch):  # its rows go first: FAILED is the final state
        from advisor.batch.importer import delete_rows

        delete_rows(job.pk)
    updated = type(job).objects.filter(pk=job.pk, status=job.status).update(
        status="failed", finished_at=now, **{field: message}
    )
    if updated:
        job.status, job.finished_at = "failed", now
        setattr(job, field, message)
