"""Escaping, rate limits, login and lockout, error pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from advisor.models import Assessment, Lead
from tests.web.conftest import XSS, form_data

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _assert_escaped(html: str) -> None:
    assert XSS not in html
    assert ESCAPED in html


def test_company_name_is_text_on_the_result_page(client, xss_assessment):
    _assert_escaped(client.get(reverse("result", args=[xss_assessment.token])).content.decode())


def test_company_name_is_text_on_staff_pages(staff_client, xss_assessment):
    for url in (
        reverse("staff-dashboard"),
        reverse("staff-assessment", args=[xss_assessment.pk]),
        reverse("staff-compare", args=[xss_assessment.pk]),
        reverse("staff-whatif", args=[xss_assessment.pk]),
    ):
        _assert_escaped(staff_client.get(url).content.decode())


def test_typed_script_is_escaped_when_the_form_is_shown_again(client):
    response = client.post(reverse("assess"), form_data(company_name=XSS, sector=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert XSS not in html
    assert "&lt;script&gt;" in html


def test_lead_details_are_text_on_the_dashboard(staff_client, assessment):
    from django.utils import timezone

    Lead.objects.create(assessment=assessment, name=XSS, email="x@example.com",
                        message=XSS, consent=True, consent_at=timezone.now())
    _assert_escaped(staff_client.get(reverse("staff-dashboard")).content.decode())
    _assert_escaped(
        staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    )


# Rate limits -----------------------------------------------------------------------------


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(PUBLIC_ASSESS_RATE="2/h")
def test_public_form_is_rate_limited_per_address(client, fresh_cache):
    for _ in range(2):
        assert client.post(reverse("assess"), form_data()).status_code == 302
    response = client.post(reverse("assess"), form_data())
    assert response.status_code == 429
    assert "429" in response.content.decode()
    assert Assessment.objects.count() == 2
    # Reading stays possible; another address is not affected.
    assert client.get(reverse("assess")).status_code == 200
    other = client.post(reverse("assess"), form_data(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


@override_settings(PUBLIC_CONSULT_RATE="1/h")
def test_consultation_form_is_rate_limited(client, assessment, fresh_cache):
    url = reverse("result-consult", args=[assessment.token])
    data = {"name": "a", "email": "a@example.com", "consent": "on"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 429
    assert Lead.objects.count() == 1


# Login and lockout -----------------------------------------------------------------------


def test_login_page_and_successful_login_reaches_the_dashboard(client, staff_user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "alice", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-dashboard")
    assert client.get(reverse("staff-dashboard")).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account(client, staff_user, fresh_cache):
    from axes.utils import reset

    reset()
    for _ in range(2):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused now.
    response = client.post(
        reverse("login"), {"username": "alice", "password": "a-long-test-password"}
    )
    assert response.status_code == 429
    assert client.get(reverse("staff-dashboard")).status_code == 302
    reset()


def test_logout_is_a_post(staff_client):
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("staff-dashboard")).status_code == 302


# Error pages -----------------------------------------------------------------------------


@override_settings(DEBUG=False)
def test_404_page_uses_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "404" in html and reverse("set_language") in html


def test_403_page_uses_the_site_layout(non_staff_client):
    response = non_staff_client.get(reverse("staff-dashboard"))
    assert response.status_code == 403
    assert reverse("set_language") in response.content.decode()


def test_500_template_renders_without_a_request():
    from django.template.loader import render_to_string

    assert "500" in render_to_string("500.html")
