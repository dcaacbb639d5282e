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
    """Marks stopped and never-started jobs FAILED; returns how many. Two UPDATEs a model."""
    now = timezone.now()
    stale, queued = now - stale_after(), now - queue_timeout()
    count = 0
    running = Q(status="running") & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    )
    waiting = Q(status="pending", created_at__lt=queued)
    for model, field in ((BriefJob, "error"), (ImportBatch, "message")):
        count += model.objects.filter(running).update(
            status="failed", finished_at=now, **{field: stopped_message()}
        )
        count += model.objects.filter(waiting).update(
            status="failed", finished_at=now, **{field: never_started_message()}
        )
    return count
