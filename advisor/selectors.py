"""Reads that several views share: the staff dashboard's list of assessments and leads.

The dashboard and the spreadsheet export ("export what the dashboard shows") both call
:func:`assessments_for_dashboard` with the request's query parameters, so the two can never
disagree about which assessments a filter selects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from advisor import text
from advisor.models import Assessment, Lead

# Query parameter names, shared with the dashboard's filter form.
PARAM_SEARCH = "q"
PARAM_SECTOR = "sector"
PARAM_ORIGIN = "origin"
PARAM_DATE_FROM = "date_from"
PARAM_DATE_TO = "date_to"
PARAM_HAS_LEAD = "has_lead"
DASHBOARD_PARAMS = (
    PARAM_SEARCH,
    PARAM_SECTOR,
    PARAM_ORIGIN,
    PARAM_DATE_FROM,
    PARAM_DATE_TO,
    PARAM_HAS_LEAD,
)

_YES = {"1", "yes", "true", "on"}
_NO = {"0", "no", "false", "off"}


def _param(params: Mapping[str, Any], name: str) -> str:
    """One parameter as a stripped string; a QueryDict's last value, a list's last item."""
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        # A hand-edited URL with a bad date filters nothing rather than failing the page.
        return None


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the site's time zone, so a date means the consultant's day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def assessments_for_dashboard(params: Mapping[str, Any]) -> QuerySet[Assessment]:
    """Assessments matching the dashboard filters, newest first.

    Parameters (all optional; unknown or malformed values are ignored):
    ``q`` company name contains (case-insensitive), ``sector`` sector code, ``origin``
    one of :class:`Assessment.Origin`, ``date_from``/``date_to`` ISO dates (inclusive, in the
    site's time zone), ``has_lead`` yes/no.

    Each row carries ``lead_count`` and ``scenario_count`` annotations and its creator, so a
    page of rows costs one query whatever its length.
    """
    qs = Assessment.objects.select_related("created_by")

    # Typed text as the intake stores it (advisor.text): an NFD search finds the NFC name.
    # A value no database keeps (NUL, a lone surrogate) is malformed: ignored, like a bad
    # date, rather than a PostgreSQL error.
    search = _param(params, PARAM_SEARCH)
    if search and not text.problem(search):
        qs = qs.filter(company_name__icontains=text.clean_name(search)[:200])

    sector = _param(params, PARAM_SECTOR)
    sector = text.clean_code(sector) if not text.problem(sector) else ""
    if sector:
        qs = qs.filter(sector=sector)

    origin = _param(params, PARAM_ORIGIN)
    if origin in Assessment.Origin.values:
        qs = qs.filter(origin=origin)

    date_from = _date(_param(params, PARAM_DATE_FROM))
    if date_from:
        qs = qs.filter(created_at__gte=_start_of_day(date_from))
    date_to = _date(_param(params, PARAM_DATE_TO))
    if date_to:
        qs = qs.filter(created_at__lt=_start_of_day(date_to + dt.timedelta(days=1)))

    has_lead = _param(params, PARAM_HAS_LEAD).lower()
    if has_lead in _YES or has_lead in _NO:
        # EXISTS rather than a join: a join would repeat assessments with several leads.
        with_lead = Exists(Lead.objects.filter(assessment=OuterRef("pk")))
        qs = qs.filter(with_lead) if has_lead in _YES else qs.exclude(with_lead)

    return qs.annotate(
        lead_count=Count("leads", distinct=True),
        scenario_count=Count("scenarios", distinct=True),
    ).order_by("-created_at", "-id")


def leads_for_dashboard(params: Mapping[str, Any] | None = None) -> QuerySet[Lead]:
    """Consultation requests, newest first, with their assessment (one query per page).

    ``q`` searches the company name and the contact's name and e-mail.
    """
    qs = Lead.objects.select_related("assessment")
    search = _param(params or {}, PARAM_SEARCH)
    if search:
        search = search[:200]
        qs = qs.filter(
            Q(assessment__company_name__icontains=search)
            | Q(name__icontains=search)
            | Q(email__icontains=search)
        )
    return qs.order_by("-created_at", "-id")
