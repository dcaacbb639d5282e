"""Staff pages for batches: permissions, the upload flow, and pinned query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from advisor.models import Assessment, ImportBatch

from .conftest import csv_bytes, row

URLS = [
    "/staff/batches/",
    "/staff/batches/template.xlsx",
    "/staff/batches/template.csv",
    "/staff/batches/export.xlsx",
    "/staff/batches/export.csv",
    "/staff/batches/{pk}/",
    "/staff/batches/{pk}/errors.csv",
    "/staff/batches/{pk}/errors.xlsx",
    "/staff/batches/{pk}/export.xlsx",
    "/staff/batches/{pk}/export.csv",
]


@pytest.fixture
def batch(db):
    return ImportBatch.objects.create(
        filename="intakes.csv",
        status=ImportBatch.Status.REJECTED,
        rows_total=1,
        rows_ok=0,
        errors=[{"row": 2, "column": "회사명", "field": "company_name", "code": "required",
                 "message": "This field is required.", "value": ""}],
    )


def upload(client: Client, data: bytes, name: str = "intakes.csv"):
    return client.post(
        "/staff/batches/",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_login(client, batch, url):
    response = client.get(url.format(pk=batch.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", URLS)
def test_non_staff_users_are_refused(client, other_user, batch, url):
    client.force_login(other_user)
    assert client.get(url.format(pk=batch.pk)).status_code == 403


def test_non_staff_users_cannot_upload(client, other_user):
    client.force_login(other_user)
    assert upload(client, csv_bytes([row()])).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("url", [u for u in URLS if "{pk}" in u])
def test_a_batch_that_does_not_exist_is_404(staff_client, batch, url):
    assert staff_client.get(url.format(pk=batch.pk + 1000)).status_code == 404


@pytest.mark.parametrize("url", [u for u in URLS if "{pk}" not in u])
def test_staff_can_open_every_page(staff_client, url):
    assert staff_client.get(url).status_code == 200


def test_upload_needs_csrf(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert upload(client, csv_bytes([row()])).status_code == 403
    page = client.get("/staff/batches/")
    assert b"csrfmiddlewaretoken" in page.content


def test_upload_saves_good_rows_and_shows_the_report(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(staff_client, csv_bytes([row("좋은회사"), row("", sector="ai")]))
    assert len(queued) == 1  # the import is queued for the worker, not run in the request
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/batches/{batch.pk}/"
    assert (batch.rows_total, batch.rows_ok, batch.created_by) == (2, 1, staff_user)
    assert Assessment.objects.get().company_name == "좋은회사"

    page = staff_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "회사명" in text and "required" in text
    assert "(required)" not in text  # plain words, no raw codes
    assert "좋은회사" in text and f"/staff/assessments/{Assessment.objects.get().pk}/" in text
    assert f"/staff/batches/{batch.pk}/errors.csv" in text
    assert f"/staff/batches/{batch.pk}/export.xlsx" in text


@pytest.mark.parametrize(
    ("data", "name", "code_text"),
    [
        (b"", "empty.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "photo.xlsx", "not a spreadsheet"),
        ("회사명,인재 (0-5)\n소리랩스,5\n".encode(), "nosector.csv", "주력 분야"),
    ],
)
def test_unusable_files_are_refused_with_a_message(staff_client, data, name, code_text):
    response = upload(staff_client, data, name)
    assert response.status_code == 400
    assert code_text in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limit_is_refused(staff_client, settings):
    settings.SPREADSHEET_MAX_BYTES = 1024
    response = upload(staff_client, csv_bytes([row(f"회사{i}") for i in range(100)]))
    assert response.status_code == 400
    assert "limit" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_oversized_upload_is_cut_off_while_arriving(staff_client, settings, monkeypatch):
    from django.core.files import uploadhandler

    settings.SPREADSHEET_MAX_BYTES = 200_000
    stored = {"bytes": 0}
    for handler in (uploadhandler.MemoryFileUploadHandler,
                    uploadhandler.TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            stored["bytes"] += len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    response = upload(staff_client, b"a,b\n" + b"x,y\n" * 250_000)  # 1 MB
    assert response.status_code == 400
    assert "limit" in response.content.decode()
    assert stored["bytes"] <= 200_000


def test_posting_without_a_file_asks_for_one(staff_client):
    response = staff_client.post("/staff/batches/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose a file" in response.content.decode()


def test_only_post_and_get_are_allowed(staff_client):
    assert staff_client.put("/staff/batches/").status_code == 405


def test_list_page_query_count_does_not_grow_with_batches(
    staff_client, staff_user, django_assert_num_queries
):
    for i in range(5):
        ImportBatch.objects.create(filename=f"f{i}.csv", status="done", created_by=staff_user)
    # session, user, batches (with their creators in one join)
    with django_assert_num_queries(3):
        assert staff_client.get("/staff/batches/").status_code == 200


def test_report_page_query_count(staff_client, batch, django_assert_num_queries):
    # session, user, the batch (its errors are a JSON column: no query per error), the
    # assessments it created (one query, however many), the knowledge-base version check
    with django_assert_num_queries(5):
        assert staff_client.get(f"/staff/batches/{batch.pk}/").status_code == 200
