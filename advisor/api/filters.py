"""Query filters (django-filter). Invalid values are a 400 with field errors, not ignored."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from advisor.formfields import CleanCharField, CodeField
from advisor.models import Assessment
from clusters import models as kb


class CodeFilter(django_filters.CharFilter):
    """A code parameter compared as the intake compares codes (``ＹＲＤ`` is ``yrd``)."""

    field_class = CodeField


class TextFilter(django_filters.CharFilter):
    """Free text: NFC (an NFD name from macOS finds the stored one), invisible characters
    removed; NUL or a lone surrogate is a 400 naming the parameter (PostgreSQL refuses NUL)."""

    field_class = CleanCharField


class CityFilter(django_filters.FilterSet):
    cluster = CodeFilter(
        field_name="cluster__code", help_text=_("Cluster code, e.g. yrd.")
    )
    is_core = django_filters.BooleanFilter(help_text=_("Only the core cities (true/false)."))

    class Meta:
        model = kb.City
        fields = ["cluster", "is_core"]


class SectorFilter(django_filters.FilterSet):
    group = django_filters.ChoiceFilter(choices=kb.Sector.Group.choices)

    class Meta:
        model = kb.Sector
        fields = ["group"]


class GlossaryFilter(django_filters.FilterSet):
    sector = CodeFilter(field_name="sector__code", help_text=_("Sector code."))

    class Meta:
        model = kb.GlossaryEntry
        fields = ["sector"]


class AssessmentFilter(django_filters.FilterSet):
    """The staff list. Parameter names match the staff dashboard's (advisor.selectors)."""

    q = TextFilter(method="search", help_text=_("Company name contains."))
    sector = CodeFilter(help_text=_("Sector code of the main sector."))
    origin = django_filters.ChoiceFilter(choices=Assessment.Origin.choices)
    top_cluster = CodeFilter(help_text=_("Code of the top-ranked cluster."))
    # Dates are the site's calendar days (TIME_ZONE), as a consultant means them.
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text=_("Created on or after.")
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text=_("Created on or before.")
    )

    class Meta:
        model = Assessment
        fields = ["q", "sector", "origin", "top_cluster", "date_from", "date_to"]

    def search(self, queryset: QuerySet[Assessment], name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(company_name__icontains=value) if value else queryset
