"""Bad input is a 4xx with JSON and stable codes, never a 500."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from rest_framework import status

from advisor.api.parsers import API_MAX_BODY_BYTES
from advisor.engine import IntakeError, parse_intake
from advisor.models import Assessment

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/assessments/", "/api/v1/whatif/"]


def _field_codes(response) -> dict[str, set[str]]:
    body = response.json()
    assert body["code"] == "invalid", body
    return {field: {e["code"] for e in errors} for field, errors in body["errors"].items()}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"sector": "spaceships"}, "sector", "unknown_sector"),
        ({"needs": {"talent": 9}}, "needs.talent", "out_of_range"),
        ({"needs": {"talent": -1}}, "needs.talent", "out_of_range"),
    ],
    ids=["unknown-sector", "need-too-high", "need-negative"],
)
def test_an_invalid_intake_gets_field_errors_with_codes(api, intake, path, change, field, code):
    intake.update(change)
    response = api.post(path, intake, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert code in _field_codes(response)[field]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"needs": {"talent": "lots"}},
        {"needs": "all of them"},
        {"secondary_sectors": "robotics"},
        {"company_name": 42},
        {"exclude": {"west_hub": True}},
        {"minimums": [40]},
        {"sector": None},
    ],
)
def test_wrong_types_are_field_errors(api, intake, change):
    intake.update(change)
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    field = next(iter(change))
    assert any(name == field or name.startswith(f"{field}.") for name in _field_codes(response))


def test_a_missing_required_field_is_named(api, intake):
    del intake["sector"]
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "required" in _field_codes(response)["sector"]


def test_an_unknown_field_is_refused(api, intake):
    intake["budget"] = 1_000_000
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert _field_codes(response)["budget"] == {"unknown_field"}


@pytest.mark.parametrize("body", ["[]", '"ai"', "42", "null", "[1, 2]"])
def test_a_body_that_is_not_an_object_is_refused(api, body):
    response = api.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "invalid_type" in _field_codes(response)["non_field_errors"]


@pytest.mark.parametrize(
    "body",
    ["{", '{"sector": }', "{'sector': 'ai'}", '{"needs": NaN}', b"\xff\xfe{}", "[" * 50_000],
    ids=["truncated", "no-value", "single-quotes", "nan", "not-utf8", "nested-deep"],
)
@pytest.mark.parametrize("path", ENDPOINTS)
def test_malformed_json_is_a_parse_error(api, path, body):
    response = api.post(path, body, content_type="application/json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["code"] == "parse_error"


def test_an_empty_body_is_a_list_of_missing_fields(api):
    response = api.post("/api/v1/assessments/", "", content_type="application/json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "required" in _field_codes(response)["sector"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_huge_body_is_refused_before_parsing(api, intake, path):
    intake["keywords"] = "음성" * API_MAX_BODY_BYTES
    response = api.post(path, json.dumps(intake), content_type="application/json")
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert response.json()["code"] == "too_large"


def test_a_long_text_within_the_limit_is_a_field_error(api, intake):
    intake["company_name"] = "S" * 5_000
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "company_name" in _field_codes(response)


def test_a_form_post_is_an_unsupported_media_type(api):
    response = api.post("/api/v1/assessments/", {"sector": "ai"})  # multipart
    assert response.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/whatif/"), ("delete", "/api/v1/clusters/yrd/"),
     ("put", "/api/v1/assessments/"), ("post", "/api/v1/clusters/")],
)
def test_a_wrong_method_is_a_json_405(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/clusters", "/api/v1/a/b/c"])
def test_an_unknown_api_address_is_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    # A stray POST gets the same JSON, not the CSRF failure page.
    assert api.post(path, {}, format="json").status_code == status.HTTP_404_NOT_FOUND


def test_messages_follow_the_requested_language(api, intake, snapshot):
    intake["sector"] = "spaceships"
    english = api.post("/api/v1/assessments/?lang=en", intake, format="json",
                       HTTP_ACCEPT_LANGUAGE="ko")
    korean = api.post("/api/v1/assessments/", intake, format="json", HTTP_ACCEPT_LANGUAGE="ko")
    assert english["Content-Language"] == "en"
    assert korean["Content-Language"] == "ko"
    for response, language in ((english, "en"), (korean, "ko")):
        with translation.override(language), pytest.raises(IntakeError) as raised:
            parse_intake(intake, snapshot)
        error = response.json()["errors"]["sector"][0]
        assert error == raised.value.errors["sector"][0]
        assert error["code"] == "unknown_sector"
