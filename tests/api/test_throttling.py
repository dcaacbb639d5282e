"""Rate limits: a JSON 429 with the wait, counted per client in the shared cache."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from rest_framework import status

from advisor.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Set some rates for one test (DRF re-reads its settings when they change)."""

    def set_rates(**changes: str) -> None:
        config = copy.deepcopy(settings.REST_FRAMEWORK)
        config["DEFAULT_THROTTLE_RATES"].update(changes)
        settings.REST_FRAMEWORK = config

    return set_rates


def test_anonymous_assessments_are_limited(api, intake, rates):
    rates(anon_assess="2/hour")
    for _ in range(2):
        assert api.post("/api/v1/assessments/", intake, format="json").status_code == 201
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    body = response.json()
    assert body["code"] == "throttled"
    assert body["wait"] > 0
    assert int(response["Retry-After"]) == body["wait"]
    assert Assessment.objects.count() == 2


def test_the_limit_is_per_client_address(api, intake, rates):
    rates(anon_assess="1/hour")
    assert api.post("/api/v1/assessments/", intake, format="json").status_code == 201
    other = api.post("/api/v1/assessments/", intake, format="json", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == status.HTTP_201_CREATED


def test_a_forged_forwarded_for_does_not_reset_the_limit(api, intake, rates):
    rates(anon_assess="1/hour")
    assert api.post("/api/v1/assessments/", intake, format="json").status_code == 201
    forged = api.post("/api/v1/assessments/", intake, format="json",
                      HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == status.HTTP_429_TOO_MANY_REQUESTS


def test_staff_are_not_held_to_the_anonymous_limit(staff_api, intake, rates):
    rates(anon_assess="1/hour")
    for _ in range(3):
        assert staff_api.post("/api/v1/assessments/", intake, format="json").status_code == 201


def test_whatif_has_its_own_limit(api, intake, rates):
    rates(anon_whatif="1/hour", anon_assess="100/hour")
    assert api.post("/api/v1/whatif/", intake, format="json").status_code == 200
    assert api.post("/api/v1/whatif/", intake, format="json").status_code == 429
    assert api.post("/api/v1/assessments/", intake, format="json").status_code == 201


def test_reads_are_limited_too(api, rates):
    rates(anon="2/hour")
    assert api.get("/api/v1/factors/").status_code == 200
    assert api.get("/api/v1/sectors/").status_code == 200
    response = api.get("/api/v1/factors/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"


def test_the_429_message_is_translated(api, rates):
    rates(anon="0/hour")
    english = api.get("/api/v1/factors/?lang=en").json()["detail"]
    assert "Try again" in english
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "0/hour"
