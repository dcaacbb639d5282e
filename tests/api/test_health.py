from __future__ import annotations

import pytest
from rest_framework import status

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_cache(api):
    response = api.get("/api/v1/health/")
    assert response.status_code == status.HTTP_200_OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_ignores_a_bad_token():
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert client.get("/api/v1/health/").status_code == status.HTTP_200_OK


def test_health_is_503_when_the_database_is_down(api, monkeypatch):
    from advisor.api import health

    monkeypatch.setattr(health, "_database_ok", lambda: False)
    response = api.get("/api/v1/health/")
    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json()["database"] == "error"
