"""The other free-text entry points share the intake's normalisation: the public form, the
consultation request, the decision note, the staff search and the API's query filters."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from advisor.models import Assessment, DecisionNote, Lead
from tests.web.conftest import form_data

pytestmark = pytest.mark.django_db

NFD = unicodedata.normalize("NFD", "소리랩스")


@pytest.fixture
def staff_api(staff_user, memory_cache) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    return client


def test_the_public_form_stores_a_clean_composed_name(client, memory_cache):
    response = client.post(reverse("assess"), form_data(
        company_name=f"\u202e{NFD}\u200b", keywords=f"음성\u2066인식·{NFD}"))
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert saved.company_name == "소리랩스"
    assert saved.intake["keywords"] == "음성인식·소리랩스"


@pytest.mark.parametrize("field", ["company_name", "keywords"])
def test_the_public_form_refuses_nul_beside_the_field(client, memory_cache, field):
    response = client.post(reverse("assess"), form_data(**{field: "Sori\x00Labs"}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Assessment.objects.count() == 0


def test_the_consultation_request_is_normalised(client, memory_cache, assessment):
    response = client.post(
        reverse("result-consult", args=[assessment.token]),
        {"name": f" {NFD}\u200d ", "email": "sori@example.com", "phone": "010\u202e-1234",
         "message": f"첫 줄\u200b\r\n둘째 줄 {NFD}\x1b", "consent": "on"},
    )
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.name, lead.phone) == ("소리랩스", "010-1234")
    assert lead.message == "첫 줄\n둘째 줄 소리랩스"


def test_a_nul_in_the_consultation_message_is_a_form_error(client, memory_cache, assessment):
    response = client.post(
        reverse("result-consult", args=[assessment.token]),
        {"name": "Kim", "email": "kim@example.com", "message": "a\x00b", "consent": "on"},
    )
    assert response.status_code == 400
    assert response.context["consult_form"].errors["message"]
    assert Lead.objects.count() == 0


def test_the_decision_note_is_normalised(staff_client, assessment):
    response = staff_client.post(
        reverse("staff-decision", args=[assessment.pk]),
        {"cluster": "gba", "city": "shenzhen", "note": f"{NFD}\u202e 선전\n공급망"},
    )
    assert response.status_code == 302
    assert DecisionNote.objects.get().note == "소리랩스 선전\n공급망"


def test_the_staff_search_finds_a_composed_name_from_decomposed_text(staff_client, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(company_name="소리랩스")
    found = staff_client.get(reverse("staff-dashboard"), {"q": NFD})
    assert found.status_code == 200
    assert "소리랩스" in found.content.decode()
    # NUL in the search is ignored as malformed, never a database error.
    assert staff_client.get(reverse("staff-dashboard"), {"q": "a\x00b"}).status_code == 200


def test_the_api_filters_normalise_and_refuse_nul(staff_api, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(company_name="소리랩스")
    found = staff_api.get("/api/v1/assessments/", {"q": NFD, "sector": "ＡＩ"})
    assert found.status_code == 200, found.content
    assert [row["token"] for row in found.json()["results"]] == [assessment.token]
    refused = staff_api.get("/api/v1/assessments/", {"q": "a\x00b"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["q"][0]["code"] == "nul_character"


def test_the_city_filter_reads_a_full_width_cluster_code(client, memory_cache):
    response = client.get("/api/v1/cities/", {"cluster": "ＹＲＤ"})
    assert response.status_code == 200
    rows = response.json()["results"] if isinstance(response.json(), dict) else response.json()
    assert rows and all(row["cluster"] == "yrd" for row in rows)
