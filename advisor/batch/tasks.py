"""The spreadsheet import as a Celery task: the upload page queues it, the worker runs it.

The uploaded file waits in storage (``ImportBatch.source``) and is deleted once read, done
or failed. :func:`advisor.batch.importer.import_spreadsheet` keeps the batch's progress and
heartbeat; a failure ends the batch FAILED with its reason, never "running".
"""

from __future__ import annotations

import logging

from celery import shared_task

from advisor.batch.importer import fail_batch, import_spreadsheet
from advisor.batch.io import SpreadsheetError
from advisor.models import ImportBatch

logger = logging.getLogger(__name__)


def run_import_batch(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.PENDING:
        return  # a redelivered message (acks_late) for a batch already started or ended
    try:
        with batch.source.open("rb") as handle:
            import_spreadsheet(handle, filename=batch.filename, user=batch.created_by,
                               batch=batch)
    except SpreadsheetError:
        pass  # the batch is FAILED with the message the consultant reads
    except Exception as exc:
        logger.exception("import batch %s failed", batch_id)
        batch.refresh_from_db()
        if batch.status not in (ImportBatch.Status.FAILED,):
            fail_batch(batch, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        if batch.source:
            batch.source.delete(save=False)
            ImportBatch.objects.filter(pk=batch_id).update(source="")


@shared_task(name="advisor.batch.import_batch", acks_late=True)
def import_batch(batch_id: int) -> None:
    run_import_batch(batch_id)
