"""One client address behind a load balancer: the form limits, the API throttles, axes.

The balancer (REMOTE_ADDR 10.0.0.1) appends the address it saw to X-Forwarded-For; anything
to the left of that was sent by the client. With NUM_PROXIES=1 the client is the right-most
entry; with NUM_PROXIES=0 the header is ignored.
"""

from __future__ import annotations

import copy
import itertools

import pytest
from django.test import RequestFactory
from django.urls import reverse

from advisor.clientip import client_ip
from advisor.models import Assessment, Lead
from tests.web.conftest import form_data

pytestmark = pytest.mark.django_db

BALANCER = "10.0.0.1"
CLIENT = "198.51.100.7"
OTHER_CLIENT = "203.0.113.20"
_spoofs = (f"192.0.2.{n}" for n in itertools.count(1))


@pytest.fixture
def proxies(settings, memory_cache):
    """Declare the number of trusted proxies, as a deployment does (NUM_PROXIES)."""

    def declare(count: int) -> None:
        settings.NUM_PROXIES = count
        config = copy.deepcopy(settings.REST_FRAMEWORK)
        config["NUM_PROXIES"] = count
        settings.REST_FRAMEWORK = config

    return declare


def through_balancer(forwarded_for: str | None) -> dict[str, str]:
    headers = {"REMOTE_ADDR": BALANCER}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return headers


# The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        (1, f"{CLIENT}", CLIENT),  # the balancer's own entry
        (1, f"1.2.3.4, {CLIENT}", CLIENT),  # a spoofed entry the client sent, then ours
        (1, f"{CLIENT}, {BALANCER}", BALANCER),  # two hops but one declared: the nearest
        (1, None, BALANCER),  # reached without the balancer's header
        (1, "", BALANCER),
        (1, "unknown", BALANCER),  # not an address: never a key, never a 500
        (1, f"{CLIENT},", BALANCER),
        (2, f"{CLIENT}, 10.0.0.9", CLIENT),  # a CDN in front of the balancer
        (1, "2001:db8::7", "2001:db8::7"),
        (0, f"1.2.3.4, {CLIENT}", BALANCER),  # no proxy declared: the header is ignored
    ],
)
def test_the_client_address_follows_the_declared_proxies(
    proxies, num_proxies, forwarded_for, expected
):
    proxies(num_proxies)
    request = RequestFactory().get("/", **through_balancer(forwarded_for))
    assert client_ip(request) == expected


# The public forms (django-ratelimit) --------------------------------------------------------


@pytest.mark.parametrize("num_proxies", [0, 1])
def test_a_rotating_spoofed_left_most_value_does_not_bypass_the_form_limit(
    client, proxies, settings, num_proxies
):
    proxies(num_proxies)
    settings.PUBLIC_ASSESS_RATE = "2/h"
    statuses = [
        client.post(reverse("assess"), form_data(),
                    **through_balancer(f"{next(_spoofs)}, {CLIENT}")).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Assessment.objects.count() == 2


@pytest.mark.parametrize("forwarded_for", [f"{CLIENT}, {BALANCER}", None, "", "garbage, ,"])
def test_appended_missing_or_malformed_headers_never_answer_500(
    client, proxies, settings, forwarded_for
):
    proxies(1)
    response = client.post(reverse("assess"), form_data(), **through_balancer(forwarded_for))
    assert response.status_code == 302
    assert Assessment.objects.count() == 1


def test_two_clients_behind_one_balancer_have_their_own_form_limit(client, proxies, settings):
    proxies(1)
    settings.PUBLIC_ASSESS_RATE = "1/h"
    assert client.post(reverse("assess"), form_data(),
                       **through_balancer(CLIENT)).status_code == 302
    assert client.post(reverse("assess"), form_data(),
                       **through_balancer(CLIENT)).status_code == 429
    assert client.post(reverse("assess"), form_data(),
                       **through_balancer(OTHER_CLIENT)).status_code == 302


def test_the_consultation_limit_counts_the_client_too(client, proxies, settings, assessment):
    proxies(1)
    settings.PUBLIC_CONSULT_RATE = "1/h"
    url = reverse("result-consult", args=[assessment.token])
    data = {"name": "Kim", "email": "kim@example.com", "consent": "on"}
    assert client.post(url, data, **through_balancer(f"1.1.1.1, {CLIENT}")).status_code == 302
    assert client.post(url, data, **through_balancer(f"2.2.2.2, {CLIENT}")).status_code == 429
    assert client.post(url, data, **through_balancer(OTHER_CLIENT)).status_code == 302
    assert Lead.objects.count() == 2


# The API throttles (DRF) -------------------------------------------------------------------


@pytest.mark.parametrize("num_proxies", [0, 1])
def test_the_api_throttle_is_not_bypassed_by_rotating_values(client, proxies, settings,
                                                             num_proxies):
    proxies(num_proxies)
    config = copy.deepcopy(settings.REST_FRAMEWORK)
    config["DEFAULT_THROTTLE_RATES"]["anon"] = "2/hour"
    settings.REST_FRAMEWORK = config
    statuses = [
        client.get("/api/v1/factors/", **through_balancer(f"{next(_spoofs)}, {CLIENT}"))
        .status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = client.get("/api/v1/factors/", **through_balancer(OTHER_CLIENT))
    assert other.status_code == (200 if num_proxies else 429)


# Login lockouts (django-axes) ---------------------------------------------------------------


@pytest.fixture
def axes_limit(settings):
    from axes.utils import reset

    settings.AXES_FAILURE_LIMIT = 3
    reset()
    yield
    reset()


def test_axes_locks_the_client_out_not_the_balancer(client, proxies, staff_user, axes_limit):
    from axes.models import AccessAttempt

    proxies(1)
    login = reverse("login")
    wrong = {"username": "alice", "password": "wrong"}
    for _ in range(3):
        client.post(login, wrong, **through_balancer(f"{next(_spoofs)}, {CLIENT}"))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
    # The attacker is locked out, even with the right password ...
    right = {"username": "alice", "password": "a-long-test-password"}
    assert client.post(login, right, **through_balancer(CLIENT)).status_code == 429
    # ... while alice, at her own address behind the same balancer, still logs in.
    response = client.post(login, right, **through_balancer(OTHER_CLIENT))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-dashboard")
