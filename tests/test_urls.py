"""Addresses outside the known API versions still answer in JSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_version_gets_a_json_404(client) -> None:
    response = client.get("/api/v2/clusters/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
