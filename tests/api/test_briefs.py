"""The PDF brief through the API: by token or, for staff, by id; errors stay JSON."""

from __future__ import annotations

import pytest
from rest_framework import status

from advisor.models import BriefFile
from tests.api.conftest import make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(snapshot):
    return make_assessment(snapshot)


def _pdf(response) -> bytes:
    assert response.status_code == status.HTTP_200_OK, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    return body


def test_the_token_holder_downloads_the_brief(api, assessment):
    first = _pdf(api.get(f"/api/v1/assessments/{assessment.token}/brief.pdf"))
    # The second download is the stored file, not a new rendering.
    again = _pdf(api.get(f"/api/v1/assessments/{assessment.token}/brief.pdf",
                         HTTP_ACCEPT="application/pdf"))
    assert first == again
    assert BriefFile.objects.filter(assessment=assessment).count() == 1


def test_lang_picks_the_brief_language(api, assessment):
    _pdf(api.get(f"/api/v1/assessments/{assessment.token}/brief.pdf", {"lang": "en"}))
    assert BriefFile.objects.get(assessment=assessment).language == "en"


def test_another_token_or_an_id_gets_a_json_404(api, assessment):
    for key in ("y" * len(assessment.token), str(assessment.pk)):
        response = api.get(f"/api/v1/assessments/{key}/brief.pdf",
                           HTTP_ACCEPT="application/pdf")
        assert response.status_code == status.HTTP_404_NOT_FOUND
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_staff_download_by_id(staff_api, assessment):
    _pdf(staff_api.get(f"/api/v1/staff/assessments/{assessment.pk}/brief.pdf"))


def test_the_staff_brief_refuses_everyone_else(api, user_api, assessment):
    path = f"/api/v1/staff/assessments/{assessment.pk}/brief.pdf"
    assert api.get(path).status_code == status.HTTP_401_UNAUTHORIZED
    assert user_api.get(path).status_code == status.HTTP_403_FORBIDDEN
    assert not BriefFile.objects.exists()
