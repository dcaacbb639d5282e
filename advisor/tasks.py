"""Celery discovers tasks in ``<app>.tasks``: the brief zips and the spreadsheet imports.

A worker that starts marks the jobs a killed worker left behind as failed (advisor.jobs).
"""

from celery.signals import worker_ready

from advisor.batch.tasks import import_batch
from advisor.briefs.tasks import build_brief_zip

__all__ = ["build_brief_zip", "import_batch"]


@worker_ready.connect
def _reap_on_start(**_kwargs: object) -> None:
    from advisor.jobs import reap

    reap()
