"""Admin for knowledge-base editors: every score shown beside its source, history on each row.

Every save asks for a reason; django-simple-history stores it with the editor and the old
and new values, and its history page lists each change as "old → new".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from clusters import models as kb

# django-simple-history's admin templates say these in English; the project's catalogue
# translates them so that the history pages speak Korean. Listed here so that
# ``make messages`` keeps them (it drops msgids it cannot find in the project's code).
SIMPLE_HISTORY_STRINGS = (
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("None"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
)

# simple-history's history_change_reason column is a CharField(max_length=100).
CHANGE_REASON_MAX_LENGTH = 100


class ChangeReasonForm(forms.ModelForm):
    """The model's own form plus a required reason, stored on the history record."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=CHANGE_REASON_MAX_LENGTH,
        help_text=_("Kept in the history with your name, e.g. “2025 GDP table published”."),
    )


class KnowledgeAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose every add or change, inline rows included, carries the
    editor's reason. (Deletions are recorded with the editor but without a reason: the
    admin's delete confirmation has no form to ask for one.)"""

    form = ChangeReasonForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # simple-history reads ``_change_reason`` when it writes the historical record.
        obj._change_reason = form.cleaned_data["change_reason"]
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        reason = form.cleaned_data["change_reason"]
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)


@admin.display(description=_("source"))
def source_link(obj: object) -> str:
    source = getattr(obj, "source", None)
    if source is None:
        return "—"
    kind = source.get_kind_display()
    return format_html("{} <br><small>{}</small>", str(source), kind)


class FactorScoreInline(admin.TabularInline):
    model = kb.ClusterFactorScore
    extra = 0
    fields = ("factor", "score", "rationale_ko", "rationale_en", "source")
    autocomplete_fields = ("source",)
    ordering = ("factor__order",)


class SectorStrengthInline(admin.TabularInline):
    model = kb.ClusterSectorStrength
    extra = 0
    fields = ("sector", "strength", "rationale_ko", "rationale_en", "source")
    autocomplete_fields = ("source",)
    ordering = ("sector__order",)


class ChallengeInline(admin.StackedInline):
    model = kb.ClusterChallenge
    extra = 0
    autocomplete_fields = ("source",)


class CityInline(admin.TabularInline):
    model = kb.City
    extra = 0
    fields = ("slug", "name_ko", "name_en", "name_zh", "province_ko", "is_core")
    show_change_link = True


@admin.register(kb.Cluster)
class ClusterAdmin(KnowledgeAdmin):
    list_display = ("code", "name_ko", "name_en", "name_zh", "order")
    search_fields = ("code", "name_ko", "name_en", "name_zh")
    inlines = [FactorScoreInline, SectorStrengthInline, ChallengeInline, CityInline]


@admin.register(kb.Source)
class SourceAdmin(KnowledgeAdmin):
    list_display = ("key", "title", "publisher", "published", "kind")
    list_filter = ("kind",)
    search_fields = ("key", "title", "publisher", "reference")


@admin.register(kb.Factor)
class FactorAdmin(KnowledgeAdmin):
    list_display = ("code", "name_ko", "name_en", "order")
    search_fields = ("code", "name_ko", "name_en")


@admin.register(kb.Sector)
class SectorAdmin(KnowledgeAdmin):
    list_display = ("code", "name_ko", "name_en", "name_zh", "group", "order")
    list_filter = ("group",)
    search_fields = ("code", "name_ko", "name_en", "name_zh")


@admin.register(kb.ClusterFactorScore)
class ClusterFactorScoreAdmin(KnowledgeAdmin):
    list_display = ("cluster", "factor", "score", "short_rationale", source_link)
    list_filter = ("cluster", "factor", "source__kind")
    search_fields = ("rationale_ko", "rationale_en", "cluster__code", "factor__code")
    list_select_related = ("cluster", "factor", "source")
    autocomplete_fields = ("source",)

    @admin.display(description=_("rationale"))
    def short_rationale(self, obj: kb.ClusterFactorScore) -> str:
        return obj.rationale_ko[:80]


@admin.register(kb.ClusterSectorStrength)
class ClusterSectorStrengthAdmin(KnowledgeAdmin):
    list_display = ("cluster", "sector", "strength", "short_rationale", source_link)
    list_filter = ("cluster", "sector", "strength", "source__kind")
    search_fields = ("rationale_ko", "rationale_en", "cluster__code", "sector__code")
    list_select_related = ("cluster", "sector", "source")
    autocomplete_fields = ("source",)

    @admin.display(description=_("rationale"))
    def short_rationale(self, obj: kb.ClusterSectorStrength) -> str:
        return obj.rationale_ko[:80]


@admin.register(kb.ClusterChallenge)
class ClusterChallengeAdmin(KnowledgeAdmin):
    list_display = ("key", "cluster", "factor", source_link)
    list_filter = ("cluster", "factor", "source__kind")
    list_select_related = ("cluster", "factor", "source")
    search_fields = ("key", "text_ko", "text_en")
    autocomplete_fields = ("source",)


class SpecialtyInline(admin.StackedInline):
    model = kb.CitySpecialty
    extra = 0
    autocomplete_fields = ("source",)


class MetricInline(admin.TabularInline):
    model = kb.CityMetric
    extra = 0
    fields = ("metric", "period", "value", "unit", "source")
    autocomplete_fields = ("source",)


@admin.register(kb.City)
class CityAdmin(KnowledgeAdmin):
    list_display = ("slug", "name_ko", "name_en", "name_zh", "cluster", "province_ko", "is_core")
    list_filter = ("cluster", "is_core")
    search_fields = ("slug", "name_ko", "name_en", "name_zh", "province_ko")
    list_select_related = ("cluster",)
    inlines = [SpecialtyInline, MetricInline]


@admin.register(kb.Zone)
class ZoneAdmin(KnowledgeAdmin):
    list_display = ("key", "name_ko", "name_zh", "city", "kind", source_link)
    list_filter = ("kind", "city__cluster", "source__kind")
    search_fields = ("key", "name_ko", "name_en", "name_zh")
    list_select_related = ("city", "source")
    filter_horizontal = ("sectors",)
    autocomplete_fields = ("source", "city")


@admin.register(kb.CitySpecialty)
class CitySpecialtyAdmin(KnowledgeAdmin):
    list_display = ("key", "city", "sector", "title_ko", source_link)
    list_filter = ("sector", "city__cluster", "source__kind")
    search_fields = ("key", "title_ko", "title_en", "keywords_ko", "keywords_en", "keywords_zh")
    list_select_related = ("city", "sector", "source")
    autocomplete_fields = ("source", "city")


@admin.register(kb.GlossaryEntry)
class GlossaryEntryAdmin(KnowledgeAdmin):
    list_display = ("key", "terms_ko", "terms_en", "terms_zh", "sector")
    list_filter = ("sector",)
    search_fields = ("key", "terms_ko", "terms_en", "terms_zh")


class FirmInline(admin.TabularInline):
    model = kb.Firm
    extra = 0
    fields = ("rank", "name_ko", "name_zh", "name_en", "sector", "city")


@admin.register(kb.FirmRanking)
class FirmRankingAdmin(KnowledgeAdmin):
    list_display = ("key", "name_ko", "name_zh", source_link)
    search_fields = ("key", "name_ko", "name_en", "name_zh")
    filter_horizontal = ("sectors",)
    inlines = [FirmInline]


@admin.register(kb.Firm)
class FirmAdmin(KnowledgeAdmin):
    list_display = ("name_ko", "name_zh", "ranking", "rank", "sector", "city")
    list_filter = ("ranking", "sector")
    search_fields = ("name_ko", "name_zh", "name_en")
    list_select_related = ("ranking", "sector", "city")


@admin.register(kb.Event)
class EventAdmin(KnowledgeAdmin):
    list_display = ("name_ko", "city", "starts", "ends", source_link)
    list_filter = ("sectors", "city", "source__kind")
    search_fields = ("key", "name_ko", "name_en", "name_zh")
    date_hierarchy = "starts"
    list_select_related = ("city", "source")
    filter_horizontal = ("sectors",)


@admin.register(kb.CityMetric)
class CityMetricAdmin(KnowledgeAdmin):
    list_display = ("city", "metric", "period", "value", "unit", source_link)
    list_filter = ("metric", "period", "source__kind")
    search_fields = ("city__slug", "city__name_ko")
    list_select_related = ("city", "source")


@admin.register(kb.PlanCluster)
class PlanClusterAdmin(KnowledgeAdmin):
    """The 19 national city clusters of the 14th Five-Year Plan and the cluster covering each."""

    list_display = ("key", "name_ko", "name_zh", "cluster", source_link)
    list_filter = ("cluster", "source__kind")
    search_fields = ("key", "name_ko", "name_en", "name_zh", "note_ko", "note_en")
    autocomplete_fields = ("source",)
    list_select_related = ("cluster", "source")


@admin.register(kb.DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = ("revision", "changed_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(kb.KoreaLink)
class KoreaLinkAdmin(SimpleHistoryAdmin):
    """The Korean network, city by city: filter by kind, cluster or source kind to find, say,
    every KOTRA office or every firm still resting on an unverified source."""

    list_display = ("key", "name_ko", "city", "kind", "sector_list", source_link)
    list_filter = ("kind", "city__cluster", "sectors", "source__kind")
    search_fields = ("key", "name_ko", "name_en", "name_zh", "detail_ko", "detail_en",
                     "city__slug", "city__name_ko")
    list_select_related = ("city", "source")
    filter_horizontal = ("sectors",)
    autocomplete_fields = ("source", "city")

    def get_queryset(self, request: HttpRequest) -> QuerySet[kb.KoreaLink]:
        # One prefetch for the sector column instead of a query per row.
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("sectors concerned"))
    def sector_list(self, obj: kb.KoreaLink) -> str:
        return ", ".join(s.name_ko for s in obj.sectors.all()) or "—"


@admin.register(kb.ClusterSectorFactor)
class ClusterSectorFactorAdmin(SimpleHistoryAdmin):
    list_display = ("cluster", "sector", "factor", "score", "short_rationale", source_link)
    list_filter = ("cluster", "sector", "factor", "source__kind")
    search_fields = ("rationale_ko", "rationale_en", "cluster__code", "sector__code",
                     "factor__code")
    list_select_related = ("cluster", "sector", "factor", "source")
    autocomplete_fields = ("source",)

    @admin.display(description=_("rationale"))
    def short_rationale(self, obj: kb.ClusterSectorFactor) -> str:
        return obj.rationale_ko[:80]
