"""Public, read-only views of the knowledge base.

Every queryset names what its serializer reads (select_related / prefetch_related), so a list
costs the same handful of queries for 9 rows or 900; tests pin the numbers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from advisor.api import filters, schema, serializers
from advisor.api.base import APIMixin
from clusters import models as kb


def _read_docs(
    tag: str, noun: str, noun_ko: str, item: type, detail: type | None = None
) -> dict[str, object]:
    return {
        "list": extend_schema(
            tags=[tag],
            summary=f"List {noun} / {noun_ko} 목록",
            parameters=[schema.LANG_PARAMETER],
            responses={200: item, **schema.LIST_ERRORS},
        ),
        "retrieve": extend_schema(
            tags=[tag],
            summary=f"One of the {noun} / {noun_ko} 상세",
            parameters=[schema.LANG_PARAMETER],
            responses={200: detail or item, **schema.READ_ERRORS},
        ),
    }


class ReadOnlyViewSet(APIMixin, viewsets.ReadOnlyModelViewSet):
    pass


@extend_schema_view(**_read_docs("knowledge base", "city clusters", "도시군",
                                serializers.ClusterSerializer))
class ClusterViewSet(ReadOnlyViewSet):
    """China's city clusters with their factor scores, sector strengths, cities, structural
    challenges and the sources of every fact."""

    serializer_class = serializers.ClusterSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z][a-z0-9_]*"

    def get_queryset(self) -> QuerySet[kb.Cluster]:
        return kb.Cluster.objects.prefetch_related(
            Prefetch("cities", kb.City.objects.order_by("-is_core", "slug")),
            Prefetch(
                "challenges",
                kb.ClusterChallenge.objects.select_related("factor", "source").order_by("key"),
            ),
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            clusters = args[0] if isinstance(args[0], list) else [args[0]]
            _attach_scores(clusters)
        return super().get_serializer(*args, **kwargs)


def _attach_scores(clusters: list[kb.Cluster]) -> None:
    """Factor scores and sector strengths of these clusters: one query per table.

    Done by hand rather than with prefetch_related because the reverse managers of these two
    models cannot be built (their PairManager takes a required argument that Django's
    related-manager factory does not pass), so ``cluster.factor_scores`` raises.
    """
    ids = [c.pk for c in clusters]
    scores: dict[int, list[kb.ClusterFactorScore]] = defaultdict(list)
    for row in kb.ClusterFactorScore.objects.filter(cluster_id__in=ids).select_related(
        "factor", "source"
    ).order_by("factor__order", "factor__code"):
        scores[row.cluster_id].append(row)
    strengths: dict[int, list[kb.ClusterSectorStrength]] = defaultdict(list)
    for row in kb.ClusterSectorStrength.objects.filter(cluster_id__in=ids).select_related(
        "sector", "source"
    ).order_by("-strength", "sector__order", "sector__code"):
        strengths[row.cluster_id].append(row)
    for cluster in clusters:
        cluster.api_factor_scores = scores[cluster.pk]
        cluster.api_sector_strengths = strengths[cluster.pk]


@extend_schema_view(**_read_docs("knowledge base", "cities", "도시", serializers.CitySerializer,
                                serializers.CityDetailSerializer))
class CityViewSet(ReadOnlyViewSet):
    """Cities (filter by cluster and core status); one city with its metrics, specialties
    and zones."""

    lookup_field = "slug"
    lookup_value_regex = r"[a-z][a-z0-9_-]*"
    filterset_class = filters.CityFilter

    def get_serializer_class(self) -> type[serializers.CitySerializer]:
        if self.action == "retrieve":
            return serializers.CityDetailSerializer
        return serializers.CitySerializer

    def get_queryset(self) -> QuerySet[kb.City]:
        qs = kb.City.objects.select_related("cluster")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("metrics", kb.CityMetric.objects.select_related("source")),
                Prefetch(
                    "specialties", kb.CitySpecialty.objects.select_related("sector", "source")
                ),
                Prefetch(
                    "zones",
                    kb.Zone.objects.select_related("source").prefetch_related("sectors"),
                ),
            )
        return qs


@extend_schema_view(**_read_docs("knowledge base", "sectors", "업종", serializers.SectorSerializer))
class SectorViewSet(ReadOnlyViewSet):
    """The sector codes an intake may name (``sector``, ``secondary_sectors``)."""

    queryset = kb.Sector.objects.all()
    serializer_class = serializers.SectorSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z][a-z0-9_]*"
    filterset_class = filters.SectorFilter


@extend_schema_view(**_read_docs("knowledge base", "factors", "요인", serializers.FactorSerializer))
class FactorViewSet(ReadOnlyViewSet):
    """The factors an intake weighs under ``needs`` (0–5) and may floor under ``minimums``."""

    queryset = kb.Factor.objects.all()
    serializer_class = serializers.FactorSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z][a-z0-9_]*"


@extend_schema_view(**_read_docs("knowledge base", "glossary entries", "용어집",
                                serializers.GlossarySerializer))
class GlossaryViewSet(ReadOnlyViewSet):
    """Synonyms across Korean, English and Chinese that keywords are matched through."""

    queryset = kb.GlossaryEntry.objects.select_related("sector")
    serializer_class = serializers.GlossarySerializer
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9][a-z0-9_-]*"
    filterset_class = filters.GlossaryFilter
