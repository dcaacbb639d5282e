"""Authentication and CSRF: anonymous writes need no CSRF token; a logged-in browser session
does (as DRF's SessionAuthentication enforces); an API token needs none."""

from __future__ import annotations

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from rest_framework import status
from rest_framework.test import APIClient

from advisor.models import Assessment

pytestmark = pytest.mark.django_db


def test_an_anonymous_post_needs_no_csrf_token(api, intake):
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_201_CREATED


def test_a_session_post_without_csrf_is_refused(staff_session, intake):
    response = staff_session.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_403_FORBIDDEN
    body = response.json()
    assert body["code"] == "permission_denied"
    assert "CSRF" in body["detail"]
    assert not Assessment.objects.exists()


def test_a_session_post_with_csrf_works(staff_session, staff_user, intake):
    # Get a CSRF cookie the way a browser does, then echo it in the header.
    request = RequestFactory().get("/")
    token = get_token(request)
    staff_session.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    response = staff_session.post(
        "/api/v1/assessments/", intake, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == status.HTTP_201_CREATED
    assert Assessment.objects.get().created_by == staff_user


def test_a_token_post_needs_no_csrf(staff_api, intake):
    response = staff_api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_201_CREATED


def test_a_session_reads_the_staff_list(staff_session):
    assert staff_session.get("/api/v1/assessments/").status_code == status.HTTP_200_OK


def test_a_wrong_token_is_refused_not_ignored(intake):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.json()["code"] == "authentication_failed"
    assert client.get("/api/v1/clusters/").status_code == status.HTTP_401_UNAUTHORIZED


def test_an_inactive_staff_member_is_refused(staff_api, staff_user):
    staff_user.is_active = False
    staff_user.save()
    response = staff_api.get("/api/v1/assessments/")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
