"""The public, read-only knowledge base: shapes, filters, languages and query counts."""

from __future__ import annotations

import pytest
from rest_framework import status

from clusters import models as kb
from clusters.vocabulary import CLUSTERS, FACTORS

pytestmark = pytest.mark.django_db

# Queries per request, pinned so an N+1 cannot creep in. Lists: count + page (+ one per
# prefetched relation); details: the row (+ one per prefetched relation).
CLUSTER_LIST_QUERIES = 6  # count, clusters, factor scores, strengths, cities, challenges
CLUSTER_DETAIL_QUERIES = 5
CITY_LIST_QUERIES = 2
CITY_DETAIL_QUERIES = 5  # city+cluster, metrics, specialties, zones, zone sectors
SIMPLE_LIST_QUERIES = 2
SIMPLE_DETAIL_QUERIES = 1


def test_it_lists_every_cluster_with_facts_and_sources(api, django_assert_num_queries):
    with django_assert_num_queries(CLUSTER_LIST_QUERIES):
        response = api.get("/api/v1/clusters/")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["count"] == len(CLUSTERS)
    codes = [c["code"] for c in body["results"]]
    assert set(codes) == set(CLUSTERS)
    yrd = next(c for c in body["results"] if c["code"] == "yrd")
    assert {s["factor"] for s in yrd["factor_scores"]} == set(FACTORS)
    assert yrd["strengths"] and yrd["cities"]
    cited = {s["source"] for s in yrd["factor_scores"] + yrd["strengths"] + yrd["challenges"]}
    # A fact resting on an unverified judgement cites no source (null): it is not published.
    assert cited - {None} == {s["key"] for s in yrd["sources"]}


def test_cluster_detail_costs_the_same_queries_as_ever(api, django_assert_num_queries):
    with django_assert_num_queries(CLUSTER_DETAIL_QUERIES):
        response = api.get("/api/v1/clusters/gba/")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["code"] == "gba"
    assert body["names"]["zh"]
    assert any(city["is_core"] for city in body["cities"])


def test_it_speaks_the_requested_language(api):
    gba = kb.Cluster.objects.get(code="gba")
    korean = api.get("/api/v1/clusters/gba/", HTTP_ACCEPT_LANGUAGE="ko").json()
    english = api.get("/api/v1/clusters/gba/", HTTP_ACCEPT_LANGUAGE="ko", data={"lang": "en"})
    assert korean["name"] == gba.name_ko
    assert korean["summary"] == gba.summary_ko
    assert english.json()["name"] == gba.name_en
    assert english.json()["summary"] == gba.summary_en
    assert english["Content-Language"] == "en"


def test_an_unknown_cluster_is_a_json_404(api):
    response = api.get("/api/v1/clusters/atlantis/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["code"] == "not_found"


def test_cities_filter_by_cluster_and_core(api, django_assert_num_queries):
    with django_assert_num_queries(CITY_LIST_QUERIES):
        response = api.get("/api/v1/cities/", {"cluster": "yrd", "is_core": "true"})
    assert response.status_code == status.HTTP_200_OK
    results = response.json()["results"]
    expected = set(
        kb.City.objects.filter(cluster__code="yrd", is_core=True).values_list("slug", flat=True)
    )
    assert results and {c["slug"] for c in results} == expected
    assert all(c["cluster"] == "yrd" and c["is_core"] for c in results)


def test_city_list_query_count_does_not_grow_with_the_page(api, django_assert_num_queries):
    with django_assert_num_queries(CITY_LIST_QUERIES):
        response = api.get("/api/v1/cities/", {"page_size": 200})
    assert response.json()["count"] == kb.City.objects.count()


def test_city_detail_has_metrics_specialties_and_zones(api, django_assert_num_queries):
    city = (
        kb.City.objects.filter(metrics__isnull=False, specialties__isnull=False,
                               zones__isnull=False)
        .distinct()
        .first()
    )
    assert city is not None, "the knowledge base has a city with metrics, specialties, zones"
    with django_assert_num_queries(CITY_DETAIL_QUERIES):
        response = api.get(f"/api/v1/cities/{city.slug}/")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["metrics"] and body["specialties"] and body["zones"]
    metric = body["metrics"][0]
    assert isinstance(metric["value"], int | float) and metric["source"]
    assert body["specialties"][0]["keywords"]


def test_a_bad_filter_value_is_a_400_with_the_field(api):
    response = api.get("/api/v1/sectors/", {"group": "perhaps"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["errors"]["group"][0]["code"] == "invalid_choice"


@pytest.mark.parametrize(
    ("path", "key", "example"),
    [
        ("/api/v1/sectors/", "code", "ai"),
        ("/api/v1/factors/", "code", "talent"),
    ],
)
def test_vocabulary_lists_and_details(api, django_assert_num_queries, path, key, example):
    with django_assert_num_queries(SIMPLE_LIST_QUERIES):
        response = api.get(path, {"page_size": 200})
    assert response.status_code == status.HTTP_200_OK
    assert example in {row[key] for row in response.json()["results"]}
    with django_assert_num_queries(SIMPLE_DETAIL_QUERIES):
        detail = api.get(f"{path}{example}/")
    assert detail.status_code == status.HTTP_200_OK
    assert detail.json()[key] == example


def test_sectors_filter_by_group(api):
    response = api.get("/api/v1/sectors/", {"group": "digital", "page_size": 200})
    codes = {row["code"] for row in response.json()["results"]}
    assert "ai" in codes
    assert "batteries" not in codes


def test_glossary_lists_terms_by_language(api, django_assert_num_queries):
    with django_assert_num_queries(SIMPLE_LIST_QUERIES):
        response = api.get("/api/v1/glossary/", {"page_size": 200})
    assert response.status_code == status.HTTP_200_OK
    rows = response.json()["results"]
    assert rows
    assert set(rows[0]["terms"]) == {"ko", "en", "zh"}
    entry = kb.GlossaryEntry.objects.first()
    with django_assert_num_queries(SIMPLE_DETAIL_QUERIES):
        assert api.get(f"/api/v1/glossary/{entry.key}/").status_code == status.HTTP_200_OK


def test_pages_are_capped(api):
    response = api.get("/api/v1/cities/", {"page_size": 10_000})
    assert len(response.json()["results"]) <= 200
    assert api.get("/api/v1/cities/", {"page": 999}).status_code == status.HTTP_404_NOT_FOUND
