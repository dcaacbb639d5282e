"""The dashboard selector, shared with the spreadsheet export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from advisor.models import Assessment, Lead
from advisor.selectors import assessments_for_dashboard, leads_for_dashboard

pytestmark = pytest.mark.django_db


def _make(name: str, *, sector: str = "ai", origin: str = "public", days_ago: int = 0):
    assessment = Assessment.objects.create(
        origin=origin, company_name=name, sector=sector, intake={}, result={},
        dataset_version="kb-test", method_version="test",
    )
    if days_ago:
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    return assessment


def _names(params) -> list[str]:
    return [a.company_name for a in assessments_for_dashboard(params)]


def test_it_filters_by_every_parameter_and_ignores_bad_values():
    a = _make("Alpha", sector="robotics", origin="import", days_ago=10)
    b = _make("Beta", origin="api")
    Lead.objects.create(assessment=a, name="n", email="n@example.com", consent=True,
                        consent_at=timezone.now())
    Lead.objects.create(assessment=a, name="m", email="m@example.com", consent=True,
                        consent_at=timezone.now())
    assert _names({}) == ["Beta", "Alpha"]
    assert _names({"q": "ALP"}) == ["Alpha"]
    assert _names({"sector": "robotics"}) == ["Alpha"]
    assert _names({"origin": "api"}) == ["Beta"]
    assert _names({"origin": "bogus"}) == ["Beta", "Alpha"]
    assert _names({"has_lead": "yes"}) == ["Alpha"]
    assert _names({"has_lead": "no"}) == ["Beta"]
    assert _names({"has_lead": "maybe"}) == ["Beta", "Alpha"]
    five_days_ago = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert _names({"date_from": five_days_ago}) == ["Beta"]
    assert _names({"date_to": five_days_ago}) == ["Alpha"]
    assert _names({"date_to": "not-a-date"}) == ["Beta", "Alpha"]
    assert _names(QueryDict("q=a&q=beta")) == ["Beta"]  # a QueryDict's last value
    assert _names({"date_from": timezone.localdate()}) == ["Beta"]  # a date object works
    # A lead is counted once per lead, and an assessment with two leads is listed once.
    rows = list(assessments_for_dashboard({"has_lead": "yes"}))
    assert len(rows) == 1 and rows[0].lead_count == 2 and b not in rows


def test_leads_are_newest_first_and_searchable():
    a = _make("Gamma")
    first = Lead.objects.create(assessment=a, name="First", email="f@example.com",
                                consent=True, consent_at=timezone.now())
    second = Lead.objects.create(assessment=a, name="Second", email="s@example.com",
                                 consent=True, consent_at=timezone.now())
    assert list(leads_for_dashboard()) == [second, first]
    assert list(leads_for_dashboard({"q": "f@example"})) == [first]
    assert list(leads_for_dashboard({"q": "gamma"})) == [second, first]
