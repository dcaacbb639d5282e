"""The consultation flow: prefill, e-mails, the thank-you in place, status, withdrawal."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from advisor.models import Lead
from tests.web.conftest import form_data

pytestmark = pytest.mark.django_db

REQUEST = {"name": "김민지", "email": "minji@example.com", "phone": "010-1234-5678",
           "message": "상담 원합니다", "consent": "on"}


@pytest.fixture(autouse=True)
def _kic_inbox(settings):
    settings.CONSULT_NOTIFY_EMAIL = ["consult@kic.test"]


def _consult(client, assessment, **extra):
    return client.post(reverse("result-consult", args=[assessment.token]), {**REQUEST, **extra})


def test_a_request_mails_the_kic_inbox_with_the_result_link(client, assessment):
    response = _consult(client, assessment)
    assert response.status_code == 302
    assert response["Location"].endswith("#consult")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["consult@kic.test"]
    assert message.subject == "상담 요청: Sori Labs"
    result_url = "http://testserver" + reverse("result", args=[assessment.token])
    assert result_url in message.body
    assert "minji@example.com" in message.body and "상담 원합니다" in message.body


def test_the_copy_goes_to_the_startup_only_when_asked_with_link_and_withdrawal(
    client, assessment
):
    _consult(client, assessment, send_copy="on")
    assert [m.to for m in mail.outbox] == [["consult@kic.test"], ["minji@example.com"]]
    copy = mail.outbox[1]
    lead = Lead.objects.get()
    assert "http://testserver" + reverse("result", args=[assessment.token]) in copy.body
    withdraw = reverse("lead-withdraw", args=[assessment.token, lead.withdraw_token])
    assert "http://testserver" + withdraw in copy.body
    assert copy.subject == "중국 진출 진단 결과: Sori Labs"


def test_the_copy_is_in_the_page_language(client, assessment):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _consult(client, assessment, send_copy="on")
    assert mail.outbox[1].subject == "Your China entry result: Sori Labs"
    assert "Dear 김민지," in mail.outbox[1].body


def test_a_mail_server_that_is_down_loses_nothing(client, assessment, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("advisor.web.services.send_mail", refuse)
    response = _consult(client, assessment, send_copy="on")
    assert response.status_code == 302
    assert Lead.objects.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="consult-thanks"' in html


def test_the_thank_you_replaces_the_form_once(client, assessment):
    response = _consult(client, assessment)
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="consult-thanks"' in html
    action = reverse("result-consult", args=[assessment.token])
    assert f'action="{action}#consult"' not in html
    # Shown once: on the next visit the form is back (prefilled from the request's details).
    again = client.get(reverse("result", args=[assessment.token])).content.decode()
    assert 'data-testid="consult-thanks"' not in again
    assert 'value="minji@example.com"' in again


def test_a_refused_request_lands_on_the_form_with_a_summary(client, assessment):
    response = _consult(client, assessment, consent="")
    assert response.status_code == 400
    html = response.content.decode()
    # The form posts to "#consult", so the browser shows the errors where the user is.
    action = reverse("result-consult", args=[assessment.token])
    assert f'action="{action}#consult"' in html
    assert 'data-testid="consult-errors"' in html
    assert not mail.outbox


def test_contact_details_from_the_intake_prefill_the_request_and_notify_kic(client):
    response = client.post(reverse("assess"), form_data(
        contact_name="김민지", contact_email="minji@example.com", contact_phone="010-1",
        consent="on"))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["consult@kic.test"]]
    html = client.get(response["Location"]).content.decode()
    assert 'value="김민지"' in html and 'value="minji@example.com"' in html
    assert 'value="010-1"' in html


def test_no_inbox_configured_stores_the_request_and_mails_nobody(client, assessment, settings):
    settings.CONSULT_NOTIFY_EMAIL = []
    assert _consult(client, assessment).status_code == 302
    assert Lead.objects.count() == 1
    assert not mail.outbox


# Withdrawal ------------------------------------------------------------------------------


def test_withdrawal_asks_first_then_deletes_the_contact_data(client, assessment):
    _consult(client, assessment)
    _consult(client, assessment, message="second")  # the same person asks twice
    lead = Lead.objects.order_by("created_at").first()
    url = reverse("lead-withdraw", args=[assessment.token, lead.withdraw_token])
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    assert url in html  # the result page offers it, once per address
    assert html.count("/withdraw/") == 1
    page = client.get(url)
    assert page.status_code == 200 and Lead.objects.count() == 2  # GET deletes nothing
    assert page["Cache-Control"] == "no-store"
    response = client.post(url)
    assert response.status_code == 302
    assert not Lead.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "minji@example.com" not in html
    assert client.get(url).status_code == 404  # the link is spent


def test_someone_elses_token_cannot_withdraw(client, make_assessment):
    mine = make_assessment(company_name="Mine")
    theirs = make_assessment(company_name="Theirs")
    _consult(client, mine)
    _consult(client, theirs, email="other@example.com")
    their_lead = Lead.objects.get(assessment=theirs)
    # My result token with their request's token, theirs with a made-up one, a lead's
    # own token in the result's place: all refused, nothing deleted.
    for url in [
        reverse("lead-withdraw", args=[mine.token, their_lead.withdraw_token]),
        reverse("lead-withdraw", args=[theirs.token, "x" * 43]),
        reverse("lead-withdraw", args=[their_lead.withdraw_token, their_lead.withdraw_token]),
    ]:
        assert client.post(url).status_code == 404
        assert client.get(url).status_code == 404
    assert Lead.objects.count() == 2


def test_withdrawal_needs_csrf(assessment):
    from django.test import Client

    Client().post(reverse("result-consult", args=[assessment.token]), REQUEST)
    lead = Lead.objects.get()
    strict = Client(enforce_csrf_checks=True)
    url = reverse("lead-withdraw", args=[assessment.token, lead.withdraw_token])
    assert strict.post(url).status_code == 403
    assert Lead.objects.count() == 1


# Staff status ----------------------------------------------------------------------------


def test_staff_mark_a_lead_contacted_then_closed_with_who_and_when(
    staff_client, staff_user, assessment
):
    _consult(staff_client, assessment)
    lead = Lead.objects.get()
    detail = reverse("staff-assessment", args=[assessment.pk])
    url = reverse("staff-lead-status", args=[lead.pk])
    response = staff_client.post(url, {"status": "contacted", "next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    lead.refresh_from_db()
    assert lead.status == "contacted"
    assert lead.status_changed_by == staff_user and lead.status_changed_at is not None
    html = staff_client.get(detail).content.decode()
    assert "alice" in html and "연락 완료" in html
    staff_client.post(url, {"status": "closed", "next": "https://evil.example/"})
    lead.refresh_from_db()
    assert lead.status == "closed"
    dashboard = staff_client.get(reverse("staff-dashboard")).content.decode()
    assert "종료" in dashboard


def test_lead_status_is_for_staff_only(client, non_staff_client, assessment):
    _consult(client, assessment)
    lead = Lead.objects.get()
    url = reverse("staff-lead-status", args=[lead.pk])
    non_staff = non_staff_client.post(url, {"status": "closed"})
    assert non_staff.status_code in (403, 404)
    non_staff_client.logout()
    anonymous = non_staff_client.post(url, {"status": "closed"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    lead.refresh_from_db()
    assert lead.status == "new" and lead.status_changed_by is None


def test_unknown_status_changes_nothing(staff_client, assessment):
    _consult(staff_client, assessment)
    lead = Lead.objects.get()
    staff_client.post(reverse("staff-lead-status", args=[lead.pk]), {"status": "won"})
    lead.refresh_from_db()
    assert lead.status == "new"


# Change my answers -----------------------------------------------------------------------


def test_change_my_answers_prefills_the_form_from_the_intake(client, make_assessment):
    assessment = make_assessment(exclude=["northeast"], minimums={"talent": 40})
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    again_url = reverse("result-again", args=[assessment.token])
    assert again_url in html
    response = client.get(again_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    form = response.context["form"]
    assert form["company_name"].value() == "Sori Labs"
    assert form["sector"].value() == "ai"
    assert form["secondary_sectors"].value() == ["robotics"]
    assert form["stage"].value() == "startup"
    assert form["need_talent"].value() == "5"
    assert form["exclude"].value() == ["northeast"]
    assert str(form["min_talent"].value()) == "40"
    page = response.content.decode()
    assert 'value="robotics" checked' in page or 'checked' in page
    assert f'action="{reverse("assess")}"' in page


def test_the_result_shows_every_answer(client, make_assessment):
    assessment = make_assessment(exclude=["northeast"], minimums={"talent": 40})
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    assert "기타 분야" in html and "로봇" in html  # secondary sector
    assert "기업 유형" in html  # stage
    assert "최소 점수" in html and "≥ 40" in html
    assert "제외" in html


def test_change_my_answers_needs_a_real_token(client):
    assert client.get(reverse("result-again", args=["z" * 43])).status_code == 404


# What-if on a phone ---------------------------------------------------------------------


def test_whatif_keeps_the_first_three_and_their_moves_beside_the_sliders(
    staff_client, make_assessment
):
    from tests.web.conftest import BASE_NEEDS

    assessment = make_assessment(
        needs={**BASE_NEEDS, "manufacturing": 0, "research": 5, "cost": 0, "pilot": 0}
    )
    page = staff_client.get(reverse("staff-whatif", args=[assessment.pk])).content.decode()
    # In the form, before the first slider.
    assert page.index('id="whatif-summary"') < page.index('type="range"')
    data = {f"need_{code}": str(v) for code, v in BASE_NEEDS.items()}
    first = assessment.result["ranking"][0]["cluster"]
    data["exclude"] = [first]  # knock out the first: the others move up
    payload = staff_client.post(
        reverse("staff-whatif-rank", args=[assessment.pk]), data
    ).json()
    summary = payload["summary_html"]
    assert summary.count("<li>") == 3
    new_top = payload["ranking"][0]["cluster"]
    old_rank = {e["cluster"]: e["rank"] for e in assessment.result["ranking"]}
    assert new_top != first
    # Each of the new first three shows how far it moved, as the full table does.
    items = summary.split("<li>")[1:]
    moves = []
    for entry, item in zip(payload["ranking"][:3], items, strict=True):
        moved = old_rank[entry["cluster"]] - entry["rank"]
        moves.append(moved)
        assert item.lstrip().startswith(f'<span class="name">{entry["rank"]}. ')
        if moved > 0:
            assert f"▲ {moved}" in item
        elif moved < 0:
            assert f"▼ {-moved}" in item
        else:
            assert "▲" not in item and "▼" not in item
    assert any(moves)  # the knock-out did move something in the first three


# A cluster without city evidence ----------------------------------------------------------


def test_a_best_fit_without_city_evidence_shows_the_note_and_core_cities_apart(
    client, make_assessment
):
    with_evidence = ["yrd", "gba", "jjj", "chengyu", "mid_yangtze", "northeast"]
    assessment = make_assessment(exclude=with_evidence)
    top = assessment.result["ranking"][0]
    assert not top["cities"] and top["core_cities"]  # the case under test
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    start = html.index('class="card winner"')
    winner = html[start:html.index("</section>", start)]
    assert "핵심 도시" in winner
    for city in top["core_cities"]:
        assert reverse("city-detail", args=[city["slug"]]) in winner
    assert "먼저 검토할 도시" not in winner  # not presented as recommended cities
