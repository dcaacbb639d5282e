"""Security headers on every page: CSP without inline script, Permissions-Policy, a referrer
policy that keeps the private token on the site, and size limits in the API's language."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _ScriptAudit(HTMLParser):
    """Collects inline scripts, inline event handlers, javascript: URLs and outbound links."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.outbound: list[dict[str, str | None]] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self._in_inline_script = "src" not in named
            if self._in_inline_script:
                self.inline_scripts.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.handlers.append(f"<{tag} {name}=javascript:>")
        if tag == "a" and urlparse(named.get("href") or "").netloc:
            self.outbound.append(named)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.inline_scripts[-1] += data


def _directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _assert_strict_page(response) -> None:
    assert response.status_code in (200, 400, 404, 429), response.status_code
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    audit = _ScriptAudit()
    audit.feed(response.content.decode())
    assert audit.inline_scripts == [], audit.inline_scripts
    assert audit.handlers == [], audit.handlers
    # A link to another site never carries the page's address (a private token) along.
    for link in audit.outbound:
        assert "noreferrer" in (link.get("rel") or "").split(), link


@pytest.fixture
def public_urls(assessment) -> list[str]:
    return [
        reverse("home"), reverse("assess"), reverse("cluster-list"),
        reverse("cluster-detail", args=["yrd"]), reverse("city-detail", args=["shanghai"]),
        reverse("method"), reverse("result", args=[assessment.token]), reverse("login"),
        "/no-such-page/",
    ]


def test_every_public_page_has_the_strict_policy_and_no_inline_script(client, public_urls):
    for url in public_urls:
        _assert_strict_page(client.get(url))


def test_every_staff_page_has_the_strict_policy_and_no_inline_script(staff_client, assessment):
    pk = assessment.pk
    for url in (
        reverse("staff-dashboard"), reverse("staff-assessment-new"),
        reverse("staff-assessment", args=[pk]), reverse("staff-whatif", args=[pk]),
        reverse("staff-compare", args=[pk]), reverse("batch-list"),
    ):
        _assert_strict_page(staff_client.get(url))


def test_form_errors_and_the_429_page_keep_the_policy(client, settings, memory_cache):
    _assert_strict_page(client.post(reverse("assess"), {"company_name": ""}))
    settings.PUBLIC_ASSESS_RATE = "0/h"
    response = client.post(reverse("assess"), {"company_name": "A"})
    assert response.status_code == 429
    _assert_strict_page(response)


def test_the_api_and_its_json_carry_the_policy_too(client):
    response = client.get("/api/v1/factors/")
    assert _directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_the_api_docs_have_their_own_policy_still_without_inline_script(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    # Swagger UI and Redoc inject <style> elements and draw icons from data: URLs.
    assert "'unsafe-inline'" in policy["style-src"] and "data:" in policy["img-src"]
    audit = _ScriptAudit()
    audit.feed(response.content.decode())
    assert audit.inline_scripts == []


def test_swagger_uis_start_up_script_is_served_as_a_file(client):
    response = client.get(reverse("api-docs") + "?script=")
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    assert "SwaggerUIBundle" in response.content.decode()


# Referrer ----------------------------------------------------------------------------------


def test_the_result_page_keeps_its_token_on_the_site(client, assessment):
    response = client.get(reverse("result", args=[assessment.token]))
    # same-origin: no Referer to other sites, but the page's own forms send their Origin
    # (no-referrer made browsers send "Origin: null" and Django's CSRF check refuse them).
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.content.decode()


def test_the_consultation_request_passes_csrf_with_the_sites_origin(assessment):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("result", args=[assessment.token]))
    token = page.cookies["csrftoken"].value
    response = browser.post(
        reverse("result-consult", args=[assessment.token]),
        {"csrfmiddlewaretoken": token, "name": "Kim", "email": "kim@example.com",
         "consent": "on"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302


# Size limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/assessments/", "/api/v1/whatif/"])
@pytest.mark.parametrize("size", [10 * 1024 * 1024, 100 * 1024])
def test_a_large_json_body_gets_the_apis_json_413(client, memory_cache, path, size):
    body = json.dumps({"company_name": "A" * size, "sector": "ai"})
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"
