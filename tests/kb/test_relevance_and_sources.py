"""The shipped knowledge base after issue 12 items 5-6: relevance tags, fresh dated events and
full-year figures, and sources a reader can check."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from clusters import models as kb

pytestmark = pytest.mark.django_db

HANGUL_OR_HAN = re.compile(r"[가-힣\u4e00-\u9fff]")


def test_every_source_has_a_date_and_readers_get_an_english_gloss_of_asian_titles():
    for source in kb.Source.objects.all():
        assert source.published, source.key
        if HANGUL_OR_HAN.search(source.title):
            assert source.title_en and not HANGUL_OR_HAN.search(source.title_en), source.key


def test_public_sources_of_this_round_give_their_url():
    for source in kb.Source.objects.filter(kind__in=["article", "report", "company"]):
        assert source.url.startswith(("http://", "https://")), source.key
        assert source.publisher, source.key
    assert kb.Source.objects.get(key="seed-ai-cities-2025").url


def test_seed_sources_keep_their_file_internally():
    for seed in kb.Source.objects.filter(kind="seed"):
        assert seed.reference.endswith(".txt")
        assert seed.reference not in seed.title + seed.title_en + seed.note


def test_challenges_concern_the_sectors_they_name():
    general = set(
        kb.ClusterChallenge.objects.filter(sectors__isnull=True).values_list("key", flat=True)
    )
    # Issues of capital, market size, openness, institutions or talent concern everyone, and so
    # do those of prototyping partners (the pilot factor already selects who needs them).
    assert general == {
        "jjj-research-to-industry-gap", "mid-yangtze-commercialisation",
        "jjj-tianjin-supporting-role", "gba-institutional-differences",
        "chengyu-thin-venture-capital", "shandong-thin-venture-capital",
        "guanzhong-remote-location", "guanzhong-slow-growth", "northeast-slow-growth",
        "northeast-talent-outflow", "west-hub-thin-talent",
        # the new clusters' (branch k1): research and industrial-base gaps
        "asean-gateway-thin-base", "west-strait-thin-research", "central-plains-research-gap",
    }
    glut = kb.ClusterChallenge.objects.get(key="gba-guangzhou-foshan-slowdown")
    assert set(glut.sectors.values_list("code", flat=True)) == {
        "ev", "autonomous_driving", "advanced_manufacturing"
    }
    market = kb.ClusterChallenge.objects.get(key="west-hub-small-market")
    assert "data_centers" not in set(market.sectors.values_list("code", flat=True))


ORIGINAL_CLUSTERS = ("jjj", "yrd", "gba", "chengyu", "mid_yangtze", "shandong", "guanzhong",
                     "northeast", "west_hub")


def test_challenge_texts_carry_no_internal_codes_and_most_are_sourced():
    """The nine original clusters' challenges (this branch's); clients never see codes in any
    challenge anyway (clusters.citations, tested on the pages and the API)."""
    original = kb.ClusterChallenge.objects.filter(cluster__code__in=ORIGINAL_CLUSTERS)
    for challenge in original:
        for text in (challenge.text_ko, challenge.text_en):
            assert not re.search(r"\((?:seed |시드 )?00\d", text), challenge.key
    unverified = original.filter(source__kind="analyst_unverified")
    assert list(unverified.values_list("key", flat=True)) == ["west-hub-thin-talent"]


def test_general_events_are_the_all_sector_fairs_only():
    general = set(kb.Event.objects.filter(sectors__isnull=True).values_list("key", flat=True))
    assert general == {
        "ciie-2025", "zhongguancun-forum-2026", "zhongguancun-forum-2027",
        "china-hi-tech-fair-2027",
    }


@pytest.mark.parametrize(
    ("key", "starts", "ends", "city"),
    [
        ("zhongguancun-forum-2026", dt.date(2026, 3, 25), dt.date(2026, 3, 29), "beijing"),
        ("waic-2026", dt.date(2026, 7, 17), dt.date(2026, 7, 20), "shanghai"),
        ("ciftis-2026", dt.date(2026, 9, 9), dt.date(2026, 9, 13), "beijing"),
        ("ciie-2025", dt.date(2025, 11, 5), dt.date(2025, 11, 10), "shanghai"),
    ],
)
def test_the_recent_editions_carry_the_dates_of_their_public_source(key, starts, ends, city):
    event = kb.Event.objects.select_related("source", "city").get(key=key)
    assert (event.starts, event.ends, event.city.slug) == (starts, ends, city)
    assert event.source.kind == "article" and event.source.url
    assert event.source.published < event.starts  # announced before it took place


@pytest.mark.parametrize(
    ("slug", "value"),
    [("shanghai", "56700.00"), ("beijing", "52073.40"), ("chengdu", "24763.60"),
     ("suzhou", "27700.00"), ("nanjing", "19400.00"), ("xuzhou", "9957.22")],
)
def test_full_year_2025_gdp_is_recorded_with_its_source(slug, value):
    row = kb.CityMetric.objects.select_related("source").get(
        city__slug=slug, metric="gdp_full_year", period="2025"
    )
    assert str(row.value) == value and row.unit == "CNY 100m"
    assert row.source.published >= dt.date(2026, 1, 1) and row.source.url
