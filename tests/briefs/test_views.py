"""Brief downloads and zip jobs: who may fetch what, with which headers."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from advisor.models import BriefJob
from tests.briefs.factories import make_assessment

KOREAN_NAME = quote("진출브리프_SoriLabs_2026-11-21.pdf", safe="")


def token_url(assessment: Any, **query: str) -> str:
    url = reverse("brief-token", args=[assessment.token])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_token_holder_gets_the_pdf_with_a_korean_file_name(
    client: Client, kb: Any, renders: list
) -> None:
    assessment = make_assessment()
    response = client.get(token_url(assessment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{KOREAN_NAME}" in disposition
    assert 'filename="EntryBrief_SoriLabs_2026-11-21.pdf"' in disposition
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Cache-Control"] == "private, no-store"
    # Downloaded again: served from storage, not rendered again.
    body(client.get(token_url(assessment)))
    assert len(renders) == 1


def test_lang_switches_the_brief_and_the_file_name(client: Client, kb: Any, renders: list) -> None:
    assessment = make_assessment()
    response = client.get(token_url(assessment, lang="en"))
    assert response.status_code == 200
    assert "EntryBrief_SoriLabs_2026-11-21.pdf" in response["Content-Disposition"]
    assert renders[-1][1] == "en"


def test_another_token_is_refused(client: Client, kb: Any, renders: list) -> None:
    make_assessment()
    other = make_assessment("Other Co")
    wrong = other.token[:-1] + ("A" if other.token[-1] != "A" else "B")
    assert client.get(reverse("brief-token", args=[wrong])).status_code == 404
    assert client.get(reverse("brief-token", args=["short"])).status_code == 404
    assert renders == []


def test_the_staff_url_is_for_staff_only(
    client: Client, kb: Any, renders: list, staff_user: Any, other_user: Any
) -> None:
    assessment = make_assessment()
    url = reverse("brief-staff", args=[assessment.pk])
    assert client.get(url).status_code == 404  # anonymous: no hint that it exists
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    response = client.get(url + "?lang=en")
    assert response.status_code == 200
    assert "EntryBrief_" in response["Content-Disposition"]
    assert client.get(reverse("brief-staff", args=[999999])).status_code == 404
    assert len(renders) == 1


@pytest.fixture
def csrf_client(staff_user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


def test_zip_creation_needs_a_csrf_token(csrf_client: Client, kb: Any, renders: list) -> None:
    assessment = make_assessment()
    response = csrf_client.post(reverse("brief-zip-create"), {"assessment": [assessment.pk]})
    assert response.status_code == 403
    assert BriefJob.objects.count() == 0


def test_zip_creation_is_for_staff_only(
    client: Client, kb: Any, renders: list, other_user: Any
) -> None:
    assessment = make_assessment()
    url = reverse("brief-zip-create")
    assert client.post(url, {"assessment": [assessment.pk]}).status_code == 404
    client.force_login(other_user)
    assert client.post(url, {"assessment": [assessment.pk]}).status_code == 404
    assert client.get(url).status_code in (404, 405)
    assert BriefJob.objects.count() == 0


def test_a_zip_job_renders_every_brief_and_reports_progress(
    staff_client: Client, kb: Any, renders: list, staff_user: Any, other_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = make_assessment("Sori Labs")
    second = make_assessment("Sori Labs")  # same name and date: the zip keeps both files
    third = make_assessment("두번째 회사")
    ids = [first.pk, second.pk, third.pk, "not-a-number", 999999]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("brief-zip-create"), {"assessment": ids,
                                                                   "lang": "ko"})
    job = BriefJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("brief-job", args=[job.pk])
    assert (job.status, job.done, job.total, job.created_by) == ("done", 3, 3, staff_user)
    assert len(renders) == 3

    status = staff_client.get(reverse("brief-job-status", args=[job.pk])).json()
    assert status["done"] == status["total"] == 3 and status["percent"] == 100
    assert status["download_url"] == reverse("brief-job-download", args=[job.pk])

    page = staff_client.get(reverse("brief-job", args=[job.pk]))
    assert page.status_code == 200
    assert status["download_url"] in page.content.decode()
    assert 'http-equiv="refresh"' not in page.content.decode()

    download = staff_client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(download)))
    names = sorted(archive.namelist())
    assert names == sorted([
        "진출브리프_SoriLabs_2026-11-21.pdf",
        "진출브리프_SoriLabs_2026-11-21 (2).pdf",
        "진출브리프_두번째회사_2026-11-21.pdf",
    ])
    assert all(archive.read(n).startswith(b"%PDF") for n in names)

    # Reusing the cache: a second job over the same briefs renders nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("brief-zip-create"), {"assessment": [first.pk]})
    assert len(renders) == 3

    staff_client.force_login(other_user)
    for name in ("brief-job", "brief-job-status", "brief-job-download"):
        assert staff_client.get(reverse(name, args=[job.pk])).status_code == 404


def test_a_running_job_page_refreshes_itself(
    staff_client: Client, kb: Any, staff_user: Any
) -> None:
    job = BriefJob.objects.create(created_by=staff_user, total=4, done=1,
                                  status=BriefJob.Status.RUNNING)
    page = staff_client.get(reverse("brief-job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    status = staff_client.get(reverse("brief-job-status", args=[job.pk])).json()
    assert (status["done"], status["total"], status["percent"]) == (1, 4, 25)
    assert status["download_url"] is None
    assert staff_client.get(reverse("brief-job-download", args=[job.pk])).status_code == 404


def test_an_empty_selection_is_refused_with_a_way_back(staff_client: Client, kb: Any) -> None:
    response = staff_client.post(reverse("brief-zip-create"),
                                 {"assessment": ["x"], "next": "/staff/?sector=ai"})
    assert response.status_code == 400
    assert 'href="/staff/?sector=ai"' in response.content.decode()  # back to the same list
    assert BriefJob.objects.count() == 0
    elsewhere = staff_client.post(reverse("brief-zip-create"),
                                  {"next": "https://evil.example/"})
    assert 'href="https://evil.example/' not in elsewhere.content.decode()
    assert f'href="{reverse("staff-dashboard")}"' in elsewhere.content.decode()


def test_the_zip_request_only_queues_and_the_button_waits_while_it_runs(
    staff_client: Client, kb: Any, renders: list, staff_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assessment = make_assessment("Sori Labs")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = staff_client.post(reverse("brief-zip-create"),
                                     {"assessment": [assessment.pk]})
    assert response.status_code == 302 and len(queued) == 1
    assert renders == []  # nothing was rendered inside the request
    job = BriefJob.objects.get()
    assert job.status == "pending"
    dashboard = staff_client.get(reverse("staff-dashboard")).content.decode()
    assert "disabled>" in dashboard and reverse("brief-job", args=[job.pk]) in dashboard
    queued[0]()  # the worker runs it
    job.refresh_from_db()
    assert job.status == "done"
    dashboard = staff_client.get(reverse("staff-dashboard")).content.decode()
    assert "disabled>" not in dashboard


def test_a_brief_that_fails_is_listed_and_the_others_zipped(
    staff_client: Client, kb: Any, renders: list, django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    from advisor.briefs import tasks

    good, bad = make_assessment("Good Co"), make_assessment("Bad Co")
    real = tasks.brief_file

    def failing(assessment: Any, language: str) -> Any:
        if assessment.pk == bad.pk:
            raise RuntimeError("font missing")
        return real(assessment, language)

    monkeypatch.setattr(tasks, "brief_file", failing)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("brief-zip-create"), {"assessment": [good.pk, bad.pk]})
    state = staff_client.get(reverse("brief-job-status", args=[BriefJob.objects.get().pk])).json()
    assert (state["status"], state["done"], state["total"]) == ("done", 2, 2)
    assert state["failures"] == [{"company": "Bad Co", "reason": "RuntimeError: font missing"}]
    page = staff_client.get(reverse("brief-job", args=[BriefJob.objects.get().pk]))
    assert "Bad Co" in page.content.decode()


def test_a_cached_download_is_one_query_and_follows_the_latest_decision(
    client: Client, kb: Any, renders: list, django_assert_num_queries: Any
) -> None:
    from advisor.models import BriefFile, DecisionNote

    assessment = make_assessment()
    body(client.get(token_url(assessment)))
    with django_assert_num_queries(1):
        response = client.get(token_url(assessment))
        assert body(response).startswith(b"%PDF")
    assert len(renders) == 1

    DecisionNote.objects.create(assessment=assessment, cluster="gba", note="Shenzhen")
    body(client.get(token_url(assessment)))
    assert len(renders) == 2  # a new note, a new brief

    stored = BriefFile.objects.latest("pk")
    stored.file.storage.delete(stored.file.name)
    assert body(client.get(token_url(assessment))).startswith(b"%PDF")
    assert len(renders) == 3  # the lost file was rendered again


def test_a_cached_download_in_the_other_language_is_one_query_too(
    client: Client, kb: Any, renders: list, django_assert_num_queries: Any
) -> None:
    assessment = make_assessment()  # a Korean assessment
    body(client.get(token_url(assessment, lang="en")))
    body(client.get(token_url(assessment)))
    assert [language for _pk, language, _decision in renders] == ["en", "ko"]
    with django_assert_num_queries(1):
        english = client.get(token_url(assessment, lang="EN-us"))
        assert body(english).startswith(b"%PDF")
    assert "EntryBrief_" in english["Content-Disposition"]
    with django_assert_num_queries(1):
        korean = client.get(token_url(assessment))
        assert body(korean).startswith(b"%PDF")
    assert quote("진출브리프", safe="") in korean["Content-Disposition"]
    assert len(renders) == 2


@pytest.mark.parametrize("suffix", ["' OR '1'='1", "%' --", '" OR 1=1; --'])
def test_a_token_with_sql_in_it_is_refused(client: Client, kb: Any, renders: list,
                                           suffix: str) -> None:
    assessment = make_assessment()
    response = client.get(reverse("brief-token", args=[assessment.token[:24] + suffix]))
    assert response.status_code == 404
    assert renders == []
