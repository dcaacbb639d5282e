"""Serializers of the API: knowledge-base reads (output only) and the intake (input).

Text that exists in Korean and English is given in the request's language (Accept-Language
or ``?lang=``); names are also given in all three languages under ``names`` because clients
often show the Chinese beside the Korean.

The intake serializer is deliberately thin: it hands the body to the engine's one
``parse_intake`` and turns its ``IntakeError`` into DRF field errors with the engine's codes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty

from advisor.engine import IntakeError, parse_intake
from clusters import models as kb
from clusters.models import localized


class NamesSerializer(serializers.Serializer):
    ko = serializers.CharField(source="name_ko")
    en = serializers.CharField(source="name_en")
    zh = serializers.CharField(source="name_zh")


class LocalizedField(serializers.Field):
    """``<field>_en`` or ``<field>_ko`` of the object, by the active language."""

    def __init__(self, field: str, **kwargs: Any) -> None:
        self.base = field
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return localized(value, self.base)


extend_schema_field({"type": "string"})(LocalizedField)


class NamedMixin(serializers.Serializer):
    name = LocalizedField("name", help_text=_("The name in the request's language."))
    names = NamesSerializer(source="*")


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = kb.Source
        fields = ["key", "kind", "title", "publisher", "published", "reference"]


class FactorSerializer(NamedMixin, serializers.ModelSerializer):
    description = LocalizedField("description")

    class Meta:
        model = kb.Factor
        fields = ["code", "name", "names", "description", "order"]


class SectorSerializer(NamedMixin, serializers.ModelSerializer):
    description = LocalizedField("description")

    class Meta:
        model = kb.Sector
        fields = ["code", "name", "names", "group", "description", "order"]


class FactorScoreSerializer(serializers.ModelSerializer):
    factor = serializers.CharField(source="factor.code")
    rationale = LocalizedField("rationale")
    source = serializers.CharField(source="source.key", help_text=_("Source.key"))

    class Meta:
        model = kb.ClusterFactorScore
        fields = ["factor", "score", "rationale", "source"]


class SectorStrengthSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code")
    rationale = LocalizedField("rationale")
    source = serializers.CharField(source="source.key")

    class Meta:
        model = kb.ClusterSectorStrength
        fields = ["sector", "strength", "rationale", "source"]


class ChallengeSerializer(serializers.ModelSerializer):
    factor = serializers.CharField(source="factor.code", allow_null=True, default=None)
    text = LocalizedField("text")
    source = serializers.CharField(source="source.key")

    class Meta:
        model = kb.ClusterChallenge
        fields = ["key", "factor", "text", "source"]


class CityBriefSerializer(NamedMixin, serializers.ModelSerializer):
    class Meta:
        model = kb.City
        fields = ["slug", "name", "names", "is_core"]


class ClusterSerializer(NamedMixin, serializers.ModelSerializer):
    role = LocalizedField("role")
    summary = LocalizedField("summary")
    provinces = LocalizedField("provinces")
    # Attached by the view (ClusterViewSet), one query per table for the whole page.
    factor_scores = FactorScoreSerializer(source="api_factor_scores", many=True, read_only=True)
    strengths = SectorStrengthSerializer(source="api_sector_strengths", many=True,
                                         read_only=True)
    cities = CityBriefSerializer(many=True, read_only=True)
    challenges = ChallengeSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField(
        help_text=_("Every source cited by the scores, strengths and challenges above.")
    )

    class Meta:
        model = kb.Cluster
        fields = [
            "code", "name", "names", "role", "summary", "provinces", "map_x", "map_y", "order",
            "factor_scores", "strengths", "cities", "challenges", "sources",
        ]

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, cluster: kb.Cluster) -> list[dict[str, Any]]:
        # The rows are prefetched with their source (see the view), so this costs no query.
        found: dict[str, kb.Source] = {}
        for rows in (cluster.api_factor_scores, cluster.api_sector_strengths,
                     cluster.challenges.all()):
            for row in rows:
                found.setdefault(row.source.key, row.source)
        return SourceSerializer([found[k] for k in sorted(found)], many=True).data


class CitySerializer(NamedMixin, serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.code", allow_null=True, default=None)
    province = LocalizedField("province")

    class Meta:
        model = kb.City
        fields = ["slug", "name", "names", "cluster", "province", "is_core"]


class MetricSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_metric_display")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    source = serializers.CharField(source="source.key")

    class Meta:
        model = kb.CityMetric
        fields = ["metric", "label", "period", "value", "unit", "source"]


class SpecialtySerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code")
    title = LocalizedField("title")
    rationale = LocalizedField("rationale")
    keywords = serializers.ListField(
        child=serializers.CharField(), source="keyword_list", read_only=True
    )
    source = serializers.CharField(source="source.key")

    class Meta:
        model = kb.CitySpecialty
        fields = ["key", "sector", "title", "keywords", "rationale", "source"]


class ZoneSerializer(NamedMixin, serializers.ModelSerializer):
    description = LocalizedField("description")
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    source = serializers.CharField(source="source.key")

    class Meta:
        model = kb.Zone
        fields = ["key", "name", "names", "kind", "description", "sectors", "source"]


class CityDetailSerializer(CitySerializer):
    metrics = MetricSerializer(many=True, read_only=True)
    specialties = SpecialtySerializer(many=True, read_only=True)
    zones = ZoneSerializer(many=True, read_only=True)

    class Meta(CitySerializer.Meta):
        fields = [*CitySerializer.Meta.fields, "metrics", "specialties", "zones"]


class GlossaryTermsSerializer(serializers.Serializer):
    ko = serializers.ListField(child=serializers.CharField())
    en = serializers.ListField(child=serializers.CharField())
    zh = serializers.ListField(child=serializers.CharField())


def _terms(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class GlossarySerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code", allow_null=True, default=None)
    terms = serializers.SerializerMethodField()

    class Meta:
        model = kb.GlossaryEntry
        fields = ["key", "sector", "terms"]

    @extend_schema_field(GlossaryTermsSerializer)
    def get_terms(self, entry: kb.GlossaryEntry) -> dict[str, list[str]]:
        return {
            "ko": _terms(entry.terms_ko),
            "en": _terms(entry.terms_en),
            "zh": _terms(entry.terms_zh),
        }


# --- the intake ---------------------------------------------------------------------------


class IntakeSerializer(serializers.BaseSerializer):
    """The request body is the intake JSON of DESIGN.md; validation is ``parse_intake``'s.

    ``validated_data`` is the engine's ``Intake``. The schema of the body, for the OpenAPI
    document only, is :class:`advisor.api.schema.IntakeDoc`.
    """

    def __init__(self, *args: Any, snapshot: Any, **kwargs: Any) -> None:
        self.snapshot = snapshot
        super().__init__(*args, **kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        # Skip DRF's own empty/null handling (a body of ``null`` would get DRF's "null" code):
        # every body, whatever it is, goes to the engine's validation.
        return self.to_internal_value({} if data is empty else data)

    def to_internal_value(self, data: Any) -> Any:
        # Everything, including "the body is a list, not an object", is parse_intake's call.
        try:
            return parse_intake(data, self.snapshot)
        except IntakeError as error:
            raise ValidationError(
                {
                    field: [ErrorDetail(str(e["message"]), code=str(e["code"])) for e in items]
                    for field, items in error.errors.items()
                }
            ) from None

    def to_representation(self, instance: Any) -> Any:
        return instance.to_dict()
