"""Serializers of the API: knowledge-base reads (output only) and the intake (input).

Text that exists in Korean and English is given in the request's language (Accept-Language
or ``?lang=``); names are also given in all three languages under ``names`` because clients
often show the Chinese beside the Korean.

The API is a client channel: rationales and texts pass :mod:`clusters.citations` (no seed
citation codes, no clause marked "to verify"), facts resting on an unverified analyst
judgement are left out (a score keeps its number, with an empty rationale and a null source),
and a source is given by title, English gloss, publisher, date and URL, never by its internal
reference.

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
from clusters.citations import client_text, is_unverified
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


class ClientTextField(LocalizedField):
    """A localized explanation as a client may read it; "" for a fact resting on an unverified
    analyst judgement (its figure is still given)."""

    def to_representation(self, value: Any) -> str:
        if is_unverified(value.source.kind):
            return ""
        return client_text(super().to_representation(value))


extend_schema_field({"type": "string"})(ClientTextField)


class VerifiedSourceField(serializers.Field):
    """The key of the fact's source; null when it is an unverified analyst judgement (such
    sources are not published)."""

    def __init__(self, **kwargs: Any) -> None:
        # Always named "source" on the fact's serializer, so DRF reads ``fact.source``.
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: kb.Source) -> str | None:
        return None if is_unverified(value.kind) else value.key


extend_schema_field({"type": "string", "nullable": True})(VerifiedSourceField)


def verified(rows: Any) -> list[Any]:
    """The rows whose source is not an unverified judgement (prefetched: no query)."""
    return [row for row in rows if not is_unverified(row.source.kind)]


class NamedMixin(serializers.Serializer):
    name = LocalizedField("name", help_text=_("The name in the request's language."))
    names = NamesSerializer(source="*")


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = kb.Source
        fields = ["key", "kind", "title", "title_en", "publisher", "published", "url"]


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
    rationale = ClientTextField("rationale")
    source = VerifiedSourceField(help_text=_("Source.key"))

    class Meta:
        model = kb.ClusterFactorScore
        fields = ["factor", "score", "rationale", "source"]


class SectorStrengthSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code")
    rationale = ClientTextField("rationale")
    source = VerifiedSourceField()

    class Meta:
        model = kb.ClusterSectorStrength
        fields = ["sector", "strength", "rationale", "source"]


class ChallengeSerializer(serializers.ModelSerializer):
    factor = serializers.CharField(source="factor.code", allow_null=True, default=None)
    text = ClientTextField("text")
    source = VerifiedSourceField()

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
    challenges = serializers.SerializerMethodField(
        help_text=_("Structural challenges with a verified source.")
    )
    sources = serializers.SerializerMethodField(
        help_text=_("Every source cited by the scores, strengths and challenges above.")
    )

    class Meta:
        model = kb.Cluster
        fields = [
            "code", "name", "names", "role", "summary", "provinces", "map_x", "map_y", "order",
            "factor_scores", "strengths", "cities", "challenges", "sources",
        ]

    @extend_schema_field(ChallengeSerializer(many=True))
    def get_challenges(self, cluster: kb.Cluster) -> Any:
        return ChallengeSerializer(verified(cluster.challenges.all()), many=True).data

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, cluster: kb.Cluster) -> list[dict[str, Any]]:
        # The rows are prefetched with their source (see the view), so this costs no query.
        found: dict[str, kb.Source] = {}
        for rows in (cluster.api_factor_scores, cluster.api_sector_strengths,
                     cluster.challenges.all()):
            for row in verified(rows):
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
    source = VerifiedSourceField()

    class Meta:
        model = kb.CityMetric
        fields = ["metric", "label", "period", "value", "unit", "source"]


class SpecialtySerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code")
    title = LocalizedField("title")
    rationale = ClientTextField("rationale")
    keywords = serializers.ListField(
        child=serializers.CharField(), source="keyword_list", read_only=True
    )
    source = VerifiedSourceField()

    class Meta:
        model = kb.CitySpecialty
        fields = ["key", "sector", "title", "keywords", "rationale", "source"]


class ZoneSerializer(NamedMixin, serializers.ModelSerializer):
    description = ClientTextField("description")
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    source = VerifiedSourceField()

    class Meta:
        model = kb.Zone
        fields = ["key", "name", "names", "kind", "description", "sectors", "source"]


class CityDetailSerializer(CitySerializer):
    metrics = MetricSerializer(many=True, read_only=True)
    specialties = serializers.SerializerMethodField()
    zones = serializers.SerializerMethodField()

    class Meta(CitySerializer.Meta):
        fields = [*CitySerializer.Meta.fields, "metrics", "specialties", "zones"]

    @extend_schema_field(SpecialtySerializer(many=True))
    def get_specialties(self, city: kb.City) -> Any:
        return SpecialtySerializer(verified(city.specialties.all()), many=True).data

    @extend_schema_field(ZoneSerializer(many=True))
    def get_zones(self, city: kb.City) -> Any:
        return ZoneSerializer(verified(city.zones.all()), many=True).data


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
