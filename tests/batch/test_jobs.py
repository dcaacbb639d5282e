"""Jobs end as done or failed, never stuck: the pages that show a job mark a stopped one."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from advisor.jobs import reap
from advisor.models import Assessment, BriefJob, ImportBatch


def test_a_running_import_without_progress_is_shown_failed_and_its_rows_deleted(
    staff_client, staff_user, settings
):
    settings.JOB_STALE_SECONDS = 60
    old = timezone.now() - dt.timedelta(seconds=120)
    batch = ImportBatch.objects.create(filename="x.csv", status="running", heartbeat_at=old,
                                       rows_total=1000, rows_ok=1000, created_by=staff_user)
    Assessment.objects.create(origin="import", company_name="a", sector="ai", intake={},
                              result={}, dataset_version="d", method_version="m", batch=batch)
    page = staff_client.get(f"/staff/batches/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "The worker stopped in the middle of this job" in page.content.decode()
    assert not Assessment.objects.filter(batch=batch).exists()


def test_a_moving_import_stays_running(staff_client, settings):
    settings.JOB_STALE_SECONDS = 60
    batch = ImportBatch.objects.create(filename="x.csv", status="running",
                                       heartbeat_at=timezone.now(), rows_estimated=10)
    page = staff_client.get(f"/staff/batches/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    batch.refresh_from_db()
    assert batch.status == "running"
    assert '<meta http-equiv="refresh"' in page.content.decode()
    assert "<progress" in page.content.decode()


def test_a_zip_no_worker_picked_up_is_failed_with_the_reason(staff_client, staff_user, settings):
    settings.JOB_QUEUE_SECONDS = 60
    job = BriefJob.objects.create(created_by=staff_user, total=3)
    BriefJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=120))
    state = staff_client.get(reverse("brief-job-status", args=[job.pk])).json()
    assert state["status"] == "failed"
    assert "No worker picked this job up" in state["error"] or "작업자" in state["error"]


def test_reap_leaves_fresh_jobs_alone(staff_user):
    BriefJob.objects.create(created_by=staff_user, total=1)
    ImportBatch.objects.create(filename="x", status="running", heartbeat_at=timezone.now())
    assert reap() == 0
