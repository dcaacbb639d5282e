"""When a part is down: a clear 503 (JSON on the API, the site's page elsewhere), never a bare
500; nothing saved before the fault is lost; rate limits keep counting.

The faults are real, not mocks: the default database connection is swapped for one that
cannot reach its server (a closed port; an SQLite file in a missing folder) or that may only
read (PostgreSQL's ``default_transaction_read_only``; an SQLite copy opened ``mode=ro``), and
the cache for a Redis client at a closed port.
"""

from __future__ import annotations

import copy
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from advisor.models import Assessment, Lead
from tests.web.conftest import form_data

pytestmark = pytest.mark.django_db

UNAVAILABLE_KO = "데이터베이스"  # the Korean 503 page names the database


def closed_port() -> int:
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def default_database(**changes: Any) -> Iterator[None]:
    """Requests in this block use a new connection with ``changes`` to its settings."""
    original = connections["default"]
    settings_dict = {**copy.deepcopy(original.settings_dict), **changes}
    replacement = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = replacement
    try:
        yield
    finally:
        replacement.close()
        connections["default"] = original


@contextmanager
def database_unreachable(tmp_path) -> Iterator[None]:
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        changes: dict[str, Any] = {"NAME": str(tmp_path / "missing-folder" / "db.sqlite3")}
    else:
        changes = {"HOST": "127.0.0.1", "PORT": str(closed_port()),
                   "OPTIONS": {"connect_timeout": 2}}
    with default_database(**changes):
        yield


@contextmanager
def database_read_only(tmp_path) -> Iterator[None]:
    original = connections["default"]
    if original.vendor == "sqlite":
        # A copy of the test database (knowledge base, cache table and this test's rows),
        # opened read-only as a full disk or a read-only mount would leave it.
        # (Dumped as SQL: the backup API waits for the test's open transaction forever.)
        original.ensure_connection()
        path = tmp_path / "read-only.sqlite3"
        target = sqlite3.connect(path)
        target.executescript(";\n".join(original.connection.iterdump()))
        target.close()
        changes: dict[str, Any] = {"NAME": f"file:{path}?mode=ro"}
    else:
        options = dict(original.settings_dict.get("OPTIONS") or {})
        options["options"] = "-c default_transaction_read_only=on"  # a hot standby's view
        changes = {"OPTIONS": options}
    with default_database(**changes):
        yield


@pytest.fixture
def shared_cache_in_database(settings):
    """The default run's cache: the database, behind the fallback (settings.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "advisor.cache.FallbackCache",
            "OPTIONS": {"PRIMARY": "shared", "VERIFY_WRITES": True},
        },
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                   "LOCATION": "advisor_cache"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def visitor() -> Client:
    # Exceptions raised outside a view must reach the 500 handler, as in production.
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="ko")


def _api_rate(settings, **rates: str) -> None:
    config = copy.deepcopy(settings.REST_FRAMEWORK)
    config["DEFAULT_THROTTLE_RATES"].update(rates)
    settings.REST_FRAMEWORK = config


def _assert_site_503(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "503" in html and UNAVAILABLE_KO in html
    assert 'class="site-header"' in html  # the site's own page, not a bare error


def _assert_api_503(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "unavailable"
    assert "database" in body["detail"] or "데이터베이스" in body["detail"]


# Database unreachable --------------------------------------------------------------------


def test_database_unreachable_pages_and_api_answer_503(visitor, assessment, tmp_path,
                                                       shared_cache_in_database):
    with database_unreachable(tmp_path):
        _assert_site_503(visitor.get(reverse("home")))
        _assert_site_503(visitor.get(reverse("result", args=[assessment.token])))
        _assert_site_503(visitor.post(reverse("assess"), form_data()))
        _assert_site_503(visitor.post(
            reverse("result-consult", args=[assessment.token]),
            {"name": "Kim", "email": "kim@example.com", "consent": "on"},
        ))
        _assert_api_503(visitor.get("/api/v1/clusters/"))
        _assert_api_503(visitor.post("/api/v1/assessments/",
                                     {"company_name": "A", "sector": "ai"},
                                     content_type="application/json"))
        health = visitor.get("/api/v1/health/")
        assert health.status_code == 503 and health.json()["database"] == "error"
    # Back: what was saved before is all there, nothing half-written was added.
    assert list(Assessment.objects.values_list("pk", flat=True)) == [assessment.pk]
    assert Lead.objects.count() == 0
    assert visitor.get(reverse("result", args=[assessment.token])).status_code == 200


def test_database_unreachable_for_a_logged_in_staff_member(client, staff_user, tmp_path):
    client.force_login(staff_user)  # the session lives in the database that goes away
    client.raise_request_exception = False
    with database_unreachable(tmp_path):
        _assert_site_503(client.get(reverse("staff-dashboard")))
    assert client.get(reverse("staff-dashboard")).status_code == 200


def test_connections_are_checked_before_reuse():
    # After the database comes back, a kept connection that died is replaced, not used.
    assert connections["default"].settings_dict["CONN_HEALTH_CHECKS"] is True


# Database read-only -----------------------------------------------------------------------


def test_read_only_database_reads_work_and_writes_answer_503(
    visitor, assessment, tmp_path, shared_cache_in_database
):
    with database_read_only(tmp_path):
        assert visitor.get(reverse("home")).status_code == 200
        assert visitor.get("/api/v1/clusters/").status_code == 200
        _assert_site_503(visitor.post(reverse("assess"), form_data(company_name="Lost Co")))
        _assert_api_503(visitor.post(
            "/api/v1/assessments/", {"company_name": "Lost Co", "sector": "ai"},
            content_type="application/json",
        ))
    assert not Assessment.objects.filter(company_name="Lost Co").exists()
    assert list(Assessment.objects.values_list("pk", flat=True)) == [assessment.pk]


def test_read_only_database_does_not_switch_the_api_limits_off(
    client, settings, tmp_path, shared_cache_in_database
):
    _api_rate(settings, anon="2/hour")
    with database_read_only(tmp_path):
        statuses = [client.get("/api/v1/factors/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_read_only_database_does_not_switch_the_form_limits_off(
    visitor, settings, tmp_path, shared_cache_in_database
):
    settings.PUBLIC_ASSESS_RATE = "1/h"
    with database_read_only(tmp_path):
        first = visitor.post(reverse("assess"), form_data())
        second = visitor.post(reverse("assess"), form_data())
    assert first.status_code == 503  # counted, then refused by the database
    assert second.status_code == 429  # still counted: the limit is not off


# Redis down ---------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "advisor.cache.FallbackCache",
            "OPTIONS": {
                "PRIMARY": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
                    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
                },
            },
        }
    }
    from django.core.cache import cache

    cache.clear()  # the local half; the Redis half fails and is logged


def test_redis_down_the_public_form_and_the_consultation_request_still_work(
    visitor, redis_down, assessment, settings
):
    settings.PUBLIC_CONSULT_RATE = "1/h"
    response = visitor.post(reverse("assess"), form_data(company_name="Redis Down Co"))
    assert response.status_code == 302
    saved = Assessment.objects.get(company_name="Redis Down Co")
    assert response["Location"] == reverse("result", args=[saved.token])

    url = reverse("result-consult", args=[assessment.token])
    data = {"name": "Kim", "email": "kim@example.com", "message": "안녕하세요", "consent": "on"}
    assert visitor.post(url, data).status_code == 302
    assert Lead.objects.get().message == "안녕하세요"
    # The limit still holds, counted in this process until Redis is back.
    assert visitor.post(url, data).status_code == 429
    assert Lead.objects.count() == 1


def test_redis_down_the_read_only_api_still_works_and_is_still_limited(
    client, redis_down, settings
):
    _api_rate(settings, anon="2/hour")
    statuses = [client.get("/api/v1/clusters/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The balancer keeps the process in rotation; monitoring sees the cache is down.
    health = client.get("/api/v1/health/")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "error"}


# The handler for errors outside a view ----------------------------------------------------


def test_the_500_handler_answers_503_for_an_outage_and_500_otherwise(rf):
    from django.db import OperationalError

    from advisor.outage import server_error

    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        outage = server_error(rf.get("/api/v1/clusters/"))
    assert outage.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        page = server_error(rf.get("/"))
        api = server_error(rf.get("/api/v1/clusters/"))
    assert page.status_code == 500 and "500" in page.content.decode()
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
