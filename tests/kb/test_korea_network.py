"""The Korean network in the shipped knowledge base: the korea_link factor, its scores, and the
sourced links (KOTRA offices, China–Korea parks, consulates, flights, chambers, firms)."""

from __future__ import annotations

import re

import pytest

from clusters import models as kb
from clusters.vocabulary import FACTORS, KOREA_LINK_KINDS

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[가-힣]")


def test_korea_link_is_the_tenth_factor_with_three_names_and_descriptions() -> None:
    assert FACTORS[-1] == "korea_link" and FACTORS[-2] == "pilot"
    factor = kb.Factor.objects.get(code="korea_link")
    assert (factor.name_ko, factor.name_en, factor.name_zh) == (
        "한국 네트워크", "Korean network", "韩国网络"
    )
    assert factor.order == kb.Factor.objects.get(code="pilot").order + 1
    assert "KOTRA" in factor.description_ko and "KOTRA" in factor.description_en


# The clusters scored from the sourced network of 10_korea_network.yaml (04d); the clusters
# added for the national map are scored in 04c and may still rest on a to-verify judgement.
NETWORK_SCORED = ("jjj", "yrd", "gba", "chengyu", "mid_yangtze", "shandong", "guanzhong",
                  "northeast", "west_hub")


def test_every_cluster_has_a_sourced_korea_link_score_with_a_bilingual_rationale() -> None:
    for cluster in kb.Cluster.objects.all():
        row = kb.ClusterFactorScore.objects.select_related("source").get(
            cluster=cluster, factor__code="korea_link"
        )
        assert 0 <= row.score <= 100, cluster.code
        assert HANGUL.search(row.rationale_ko) and not HANGUL.search(row.rationale_en), cluster.code
        assert row.source.title and row.source.published, cluster.code
        if cluster.code in NETWORK_SCORED:
            # Synthesised from sourced facts, not an unverified judgement.
            assert row.source.kind != kb.Source.Kind.TO_VERIFY, cluster.code


def test_the_scores_follow_the_documented_order_of_the_network() -> None:
    # docs/DATA.md: Shandong (Yantai park, Qingdao) is the densest network, the western hub
    # the thinnest; the three clusters with a national China–Korea park score 75 or more.
    scores = dict(
        kb.ClusterFactorScore.objects.filter(factor__code="korea_link")
        .values_list("cluster__code", "score")
    )
    assert max(scores, key=scores.get) == "shandong"
    assert min(scores, key=scores.get) == "west_hub"
    for code in ("shandong", "yrd", "gba"):
        assert scores[code] >= 75, code


def test_the_three_national_china_korea_parks_are_present() -> None:
    parks = kb.KoreaLink.objects.filter(kind=kb.KoreaLink.Kind.PARK)
    cities = set(parks.values_list("city__slug", flat=True))
    assert {"yantai", "yancheng", "huizhou"} <= cities
    huizhou = parks.get(city__slug="huizhou")
    assert "2017" in huizhou.detail_ko and "2017" in huizhou.detail_en


def test_every_link_cites_a_dated_public_source() -> None:
    links = kb.KoreaLink.objects.select_related("source")
    assert links.count() >= 70
    for link in links:
        source = link.source
        assert source.title and source.published, link.key
        assert source.kind != kb.Source.Kind.TO_VERIFY, link.key
        if source.kind != kb.Source.Kind.SEED:
            assert source.url.startswith(("http://", "https://")), link.key


def test_each_link_is_named_in_korean_and_english_and_described_in_both() -> None:
    for link in kb.KoreaLink.objects.all():
        assert HANGUL.search(link.name_ko), link.key
        assert link.name_en and not HANGUL.search(link.name_en), link.key
        assert bool(link.detail_ko) == bool(link.detail_en), link.key
        if link.detail_ko:
            assert HANGUL.search(link.detail_ko), link.key
            assert not HANGUL.search(link.detail_en), link.key


def test_firms_carry_their_sectors_and_offices_serve_every_sector() -> None:
    for link in kb.KoreaLink.objects.prefetch_related("sectors"):
        sectors = list(link.sectors.all())
        if link.kind == kb.KoreaLink.Kind.FIRM:
            assert sectors, link.key
        else:
            assert not sectors, link.key


def test_every_kind_is_listed_in_the_display_order() -> None:
    assert set(KOREA_LINK_KINDS) == set(kb.KoreaLink.Kind.values)
    assert len(KOREA_LINK_KINDS) == len(set(KOREA_LINK_KINDS))
    used = set(kb.KoreaLink.objects.values_list("kind", flat=True))
    assert used == set(KOREA_LINK_KINDS)  # the shipped data has every kind


def test_the_known_korean_plants_are_in_their_cities_with_their_sectors() -> None:
    expected = {
        "xian-firm-samsung-nand": ("xian", {"semiconductors"}),
        "wuxi-firm-skhynix": ("wuxi", {"semiconductors"}),
        "dalian-firm-skhynix": ("dalian", {"semiconductors"}),
        "nanjing-firm-lges": ("nanjing", {"batteries", "ev"}),
        "yancheng-firm-kia": ("yancheng", {"ev"}),
        "changzhou-firm-skon": ("changzhou", {"batteries", "ev"}),
        "guangzhou-firm-lgd-oled": ("guangzhou", {"optoelectronics", "consumer_electronics"}),
    }
    for key, (city, sectors) in expected.items():
        link = kb.KoreaLink.objects.prefetch_related("sectors").get(key=key)
        assert link.city.slug == city, key
        assert {s.code for s in link.sectors.all()} == sectors, key
