"""Schemathesis against the published OpenAPI document, in-process (WSGI, no server).

Every operation is called with data generated from the document (valid and deliberately
invalid), as staff so the staff-only operations are exercised too. It must find no server
error and no response that differs from the document (status, content type, body schema).
Rate limits are raised for the run so that a 429 cannot make it flaky.
"""

from __future__ import annotations

import copy
import json

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from advisor.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _document() -> dict:
    """The published document, generated in-process (no request, no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    # Through the JSON renderer, as /api/v1/schema/ serves it (lazy strings become text).
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_document())
schema.app = application  # calls go through WSGI in this process, no server


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Calls go straight to the WSGI app, not through Django's test client, so Django would
    close the database connection at the end of each request; on PostgreSQL that closes the
    test's own transaction. Django's test client disconnects the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db, settings, django_user_model) -> str:
    config = copy.deepcopy(settings.REST_FRAMEWORK)
    config["DEFAULT_THROTTLE_RATES"] = {
        scope: "100000/hour" for scope in config["DEFAULT_THROTTLE_RATES"]
    }
    settings.REST_FRAMEWORK = config
    # No password: hashing one costs most of a second, and this runs once per operation.
    staff = django_user_model.objects.create(username="schemathesis", is_staff=True)
    return Token.objects.create(user=staff).key


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples every run: a failure here is reproducible
)
def test_the_api_keeps_its_documented_promises(case, staff_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS
    )
