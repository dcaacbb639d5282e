"""The client's address, computed once per request for every limit that counts by address.

Behind a load balancer ``REMOTE_ADDR`` is the balancer, and the client is in
``X-Forwarded-For``, where each proxy *appends* the address it saw (``client, proxy1, …``).
Only the entries added by our own proxies can be trusted: anything to their left was sent by
the client and may be anything. With ``NUM_PROXIES`` trusted proxies the client is therefore
the ``NUM_PROXIES``-th entry from the right, which is Django REST framework's rule
(``BaseThrottle.get_ident``, the ``NUM_PROXIES`` API setting); we call it rather than
re-implement it, so the API throttles, the public form limits (django-ratelimit) and the
login lockouts (django-axes) all count the same address.

Two guards on top of DRF's rule:

* the value must be an IP address (``ipaddress``): a malformed header (``unknown``, an empty
  entry) falls back to ``REMOTE_ADDR`` instead of becoming a key that django-ratelimit
  refuses with a 500;
* with ``NUM_PROXIES = 0`` (the default) the header is ignored entirely, so a client that
  reaches the app directly cannot pick its own address.

The result is cached on the request (``request.client_ip``), as DRF wraps the Django
request and django-axes and django-ratelimit each ask again.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

_ATTRIBUTE = "_advisor_client_ip"


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as text (``"203.0.113.9"``, ``"2001:db8::1"``).

    ``request`` is a Django ``HttpRequest`` or anything with its ``META`` (DRF's ``Request``
    passes attribute reads through). ``"0.0.0.0"`` only when even ``REMOTE_ADDR`` is missing
    or not an address (a Unix-socket set-up without a proxy header): one shared bucket, so
    limits still apply, rather than an error page.
    """
    django_request = getattr(request, "_request", request)
    cached = getattr(django_request, _ATTRIBUTE, None)
    if cached is not None:
        return cached
    remote = _valid(request.META.get("REMOTE_ADDR"))
    # DRF's rule reads api_settings.NUM_PROXIES, which settings.py sets from NUM_PROXIES.
    chosen = _valid(BaseThrottle().get_ident(request))  # type: ignore[arg-type]
    address = chosen or remote or "0.0.0.0"  # noqa: S104 - a bucket name, not a bind address
    setattr(django_request, _ATTRIBUTE, address)
    return address


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's ``key`` callable: the same address as everything else."""
    return client_ip(request)
