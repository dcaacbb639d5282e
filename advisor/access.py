"""The one way to fetch an assessment for someone: by its secret token, or as staff.

Every view and API endpoint goes through these helpers, so ownership is decided in one
place. Anonymous people reach an assessment only through its token (never its id); KIC
staff share one workspace and may open any assessment by id.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, overload

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from advisor.models import Assessment

TOKEN_MIN_LENGTH = 20


def is_staff(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class HasToken(Protocol):
    token: str


T = TypeVar("T", bound=HasToken)


@overload
def assessment_for_token(token: str, queryset: QuerySet[Assessment] | None = None
                         ) -> Assessment: ...
@overload
def assessment_for_token(token: str, *, lookup: Callable[[str], T | None]) -> T: ...


def assessment_for_token(
    token: str,
    queryset: QuerySet[Assessment] | None = None,
    *,
    lookup: Callable[[str], Any] | None = None,
) -> Any:
    """The assessment whose token is exactly ``token``; 404 otherwise (also for a short one).

    ``lookup`` (token -> an assessment, or a smaller value with its ``token``, or None)
    replaces the queryset where a caller reads fewer columns (the brief download, see
    ``stored_brief_by_token``); the checks around it are the same.
    """
    if not isinstance(token, str) or len(token) < TOKEN_MIN_LENGTH or len(token) > 64:
        raise Http404
    if lookup is not None:
        assessment = lookup(token)
    else:
        qs = queryset if queryset is not None else Assessment.objects.all()
        assessment = qs.filter(token=token).first()
    # Compare again in constant time: the lookup narrowed it down, this refuses near-misses
    # from case-insensitive collations.
    if assessment is None or not secrets.compare_digest(assessment.token, token):
        raise Http404
    return assessment


def assessment_for_staff(
    user: AbstractBaseUser | AnonymousUser | None,
    pk: int | str,
    queryset: QuerySet[Assessment] | None = None,
) -> Assessment:
    """Any assessment by id, for staff only; everyone else gets a 404, never a hint."""
    if not is_staff(user):
        raise Http404
    qs = queryset if queryset is not None else Assessment.objects.all()
    try:
        return qs.get(pk=int(pk))
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
