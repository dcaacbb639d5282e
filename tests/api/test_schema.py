"""The OpenAPI document: valid, complete, and its viewers served without a CDN."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework import status

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(django_db_blocker) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file",
                 str(tmp_path / "schema.yaml"))


def test_every_endpoint_is_described(document):
    paths = set(document["paths"])
    for path in [
        "/api/v1/clusters/", "/api/v1/clusters/{code}/", "/api/v1/cities/",
        "/api/v1/cities/{slug}/", "/api/v1/sectors/", "/api/v1/factors/", "/api/v1/glossary/",
        "/api/v1/assessments/", "/api/v1/assessments/{token}/", "/api/v1/whatif/",
        "/api/v1/staff/assessments/{id}/", "/api/v1/health/",
    ]:
        assert path in paths


def test_every_operation_documents_its_errors(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path == "/api/v1/health/":
                continue
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            assert codes & {"401", "404"}, (method, path)
            if method == "post":
                assert {"400", "413", "415"} <= codes, (method, path)


def test_examples_come_in_korean_and_english(document):
    post = document["paths"]["/api/v1/assessments/"]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    values = [e["value"] for e in examples.values()]
    assert {v["language"] for v in values} == {"ko", "en"}
    bad = post["responses"]["400"]["content"]["application/json"]["examples"]
    assert any("한국어" in name or "Korean" in e.get("summary", "") for name, e in bad.items())


def test_the_schema_is_served(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["info"]["title"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_viewers_load_from_the_app_not_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == status.HTTP_200_OK
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
