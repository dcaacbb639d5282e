"""The snapshot: built in a constant number of queries, cached, rebuilt after an edit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import models as kb
from clusters.snapshot import build_snapshot, clear_cache, get_snapshot

pytestmark = pytest.mark.django_db


def _add_cluster(code: str, order: int) -> kb.Cluster:
    source = kb.Source.objects.get_or_create(
        key="test-source", defaults={"kind": "analyst_unverified", "title": "Test"}
    )[0]
    cluster = kb.Cluster.objects.create(
        code=code, name_ko=code, name_en=code, role_ko="r", role_en="r", summary_ko="s",
        summary_en="s", provinces_ko="p", provinces_en="p", order=order,
    )
    for factor in kb.Factor.objects.all():
        kb.ClusterFactorScore.objects.create(
            cluster=cluster, factor=factor, score=50, rationale_ko="r", rationale_en="r",
            source=source,
        )
    city = kb.City.objects.create(
        slug=f"{code}city", name_ko="c", name_en="c", province_ko="p", province_en="p",
        cluster=cluster,
    )
    kb.CitySpecialty.objects.create(
        key=f"{code}-spec", city=city, sector=kb.Sector.objects.first(), title_ko="t",
        title_en="t", keywords_ko="k", keywords_en="k", rationale_ko="r", rationale_en="r",
        source=source,
    )
    return cluster


def test_building_takes_the_same_number_of_queries_whatever_the_size() -> None:
    with CaptureQueriesContext(connection) as before:
        build_snapshot()
    for i in range(3):
        _add_cluster(f"extra{i}", 100 + i)
    with CaptureQueriesContext(connection) as after:
        snapshot = build_snapshot()
    assert len(after.captured_queries) == len(before.captured_queries)
    # One query per table (and per many-to-many table the engine reads).
    assert len(before.captured_queries) <= 16
    assert {"extra0", "extra1", "extra2"} <= set(snapshot.cluster_codes)


def test_a_cached_snapshot_costs_one_query(django_assert_num_queries) -> None:
    clear_cache()
    first = get_snapshot()
    with django_assert_num_queries(1):
        second = get_snapshot()
    assert second is first


def test_an_edit_bumps_the_revision_and_the_version() -> None:
    clear_cache()
    first = get_snapshot()
    revision = kb.DatasetVersion.objects.get(pk=1).revision
    score = kb.ClusterFactorScore.objects.select_related("cluster", "factor").first()
    score.score = 100 - score.score if score.score != 50 else 60
    score.save()
    assert kb.DatasetVersion.objects.get(pk=1).revision == revision + 1
    second = get_snapshot()
    assert second is not first
    assert second.version != first.version
    row = second.cluster_codes.index(score.cluster.code)
    col = second.factor_codes.index(score.factor.code)
    assert second.factor_matrix[row, col] == score.score


def test_the_version_is_a_content_hash_so_equal_data_gives_equal_versions() -> None:
    assert build_snapshot().version == build_snapshot().version


def test_snapshot_matrices_are_read_only() -> None:
    snapshot = build_snapshot()
    with pytest.raises(ValueError):
        snapshot.factor_matrix[0, 0] = 1.0
