"""The shipped knowledge base (fixtures/*.yaml) is complete, sourced and agrees with the seeds.

tests/conftest.py loads the fixtures once per session; every test here reads that data.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from clusters import models as kb
from clusters.vocabulary import CLUSTERS, FACTORS, SECTORS

pytestmark = pytest.mark.django_db

# Seed 004, table 1: the 2024 Q1–Q3 top-50 GDP cities in rank order (slugs as in fixtures).
TOP50 = (
    "shanghai", "beijing", "shenzhen", "chongqing", "guangzhou", "suzhou", "chengdu", "hangzhou",
    "wuhan", "nanjing", "tianjin", "ningbo", "qingdao", "wuxi", "changsha", "zhengzhou", "hefei",
    "jinan", "nantong", "foshan", "fuzhou", "quanzhou", "dongguan", "xian", "yantai", "changzhou",
    "xuzhou", "wenzhou", "tangshan", "dalian", "kunming", "shenyang", "xiamen", "shaoxing",
    "weifang", "yulin", "shijiazhuang", "yangzhou", "yancheng", "nanchang", "changchun",
    "jiaxing", "taizhoujs", "linyi", "taizhouzj", "jinhua", "jining", "ordos", "luoyang",
    "harbin",
)
# Seed 004, table 3: foreign-trade top 20 of 2024 Q1–Q3.
TRADE_TOP20 = (
    "shenzhen", "shanghai", "beijing", "suzhou", "ningbo", "dongguan", "guangzhou", "xiamen",
    "qingdao", "jinhua", "hangzhou", "tianjin", "chengdu", "wuxi", "chongqing", "nanjing",
    "foshan", "zhengzhou", "yantai", "dalian",
)
# Seed 003: China's ten AI cities of 2025.
AI_CITIES = (
    "beijing", "hangzhou", "shenzhen", "shanghai", "hefei", "wuhan", "guangzhou", "nanjing",
    "suzhou", "chengdu",
)

KB_MODELS = (
    kb.Source, kb.Factor, kb.Sector, kb.Cluster, kb.ClusterChallenge, kb.City, kb.Zone,
    kb.ClusterFactorScore, kb.ClusterSectorStrength, kb.CitySpecialty, kb.GlossaryEntry,
    kb.FirmRanking, kb.Firm, kb.Event, kb.CityMetric, kb.PlanCluster, kb.ClusterSectorFactor,
)


def metric(slug: str, name: str, period: str = "2024Q1-Q3") -> Decimal:
    return kb.CityMetric.objects.get(city__slug=slug, metric=name, period=period).value


def score(cluster: str, factor: str) -> int:
    return kb.ClusterFactorScore.objects.get(cluster__code=cluster, factor__code=factor).score


def strength(cluster: str, sector: str) -> int:
    return kb.ClusterSectorStrength.objects.get(
        cluster__code=cluster, sector__code=sector
    ).strength


def test_kb_check_passes_on_the_shipped_knowledge_base():
    out = StringIO()
    call_command("kb_check", stdout=out, stderr=StringIO())
    assert "complete" in out.getvalue()


def test_vocabulary_matches_the_stable_codes():
    assert set(kb.Factor.objects.values_list("code", flat=True)) == set(FACTORS)
    assert set(kb.Sector.objects.values_list("code", flat=True)) == set(SECTORS)
    assert list(kb.Cluster.objects.values_list("code", flat=True)) == list(CLUSTERS)


def test_every_sector_has_names_in_three_languages_a_group_and_descriptions():
    for sector in kb.Sector.objects.all():
        assert sector.name_ko and sector.name_en and sector.name_zh, sector.code
        assert sector.group in kb.Sector.Group.values, sector.code
        assert sector.description_ko and sector.description_en, sector.code


def test_every_cluster_has_a_profile_and_a_place_on_the_map():
    clusters = list(kb.Cluster.objects.all())
    assert [c.order for c in clusters] == list(range(1, len(CLUSTERS) + 1))
    for c in clusters:
        assert c.name_zh and c.role_ko and c.role_en and c.summary_ko and c.summary_en, c.code
        assert c.provinces_ko and c.provinces_en and c.provinces_zh, c.code
        assert 0 < c.map_x < 100 and 0 < c.map_y < 100, c.code
    northeast = kb.Cluster.objects.get(code="northeast")
    gba = kb.Cluster.objects.get(code="gba")
    assert northeast.map_y < gba.map_y  # north is up
    assert kb.Cluster.objects.get(code="west_hub").map_x < gba.map_x  # west is left


def test_every_cluster_is_scored_on_every_factor_within_0_to_100():
    assert kb.ClusterFactorScore.objects.count() == len(CLUSTERS) * len(FACTORS)
    for code in CLUSTERS:
        rows = kb.ClusterFactorScore.objects.filter(cluster__code=code)
        assert sorted(r.factor.code for r in rows) == sorted(FACTORS)
        assert all(0 <= r.score <= 100 for r in rows)


def test_every_cluster_has_a_strength_in_all_24_sectors_within_0_to_5():
    assert kb.ClusterSectorStrength.objects.count() == len(CLUSTERS) * len(SECTORS)
    for code in CLUSTERS:
        rows = kb.ClusterSectorStrength.objects.filter(cluster__code=code)
        assert sorted(r.sector.code for r in rows) == sorted(SECTORS)
        assert all(0 <= r.strength <= 5 for r in rows)


def test_every_score_and_strength_has_a_bilingual_rationale_and_a_source():
    for model in (kb.ClusterFactorScore, kb.ClusterSectorStrength):
        for row in model.objects.select_related("source"):
            assert row.rationale_ko.strip() and row.rationale_en.strip(), row
            assert row.source.kind in kb.Source.Kind.values, row
            # Korean text in the Korean rationale, none in the English one
            assert re.search("[가-힣]", row.rationale_ko), row
            assert not re.search("[가-힣]", row.rationale_en), row


def test_one_seed_source_per_seed_document():
    seeds = kb.Source.objects.filter(kind="seed")
    assert seeds.count() == 5
    references = sorted(s.reference for s in seeds)
    assert [r[:4] for r in references] == ["000_", "001_", "002_", "003_", "004_"]
    assert all(s.title for s in seeds)


def test_analyst_facts_have_their_own_source_kinds():
    assert kb.Source.objects.filter(kind="analyst").exists()
    assert kb.Source.objects.filter(kind="analyst_unverified").exists()


@pytest.mark.parametrize(
    ("model", "ko", "en"),
    [
        (kb.ClusterFactorScore, "rationale_ko", "rationale_en"),
        (kb.ClusterSectorStrength, "rationale_ko", "rationale_en"),
        (kb.ClusterChallenge, "text_ko", "text_en"),
        (kb.Zone, "description_ko", "description_en"),
        (kb.Event, "name_ko", "name_en"),
    ],
)
def test_every_unverified_fact_is_findable_and_says_so(model, ko, en):
    """Filtering by source kind (as the admin does) finds them, and their text flags them."""
    unverified = model.objects.filter(source__kind="analyst_unverified")
    assert unverified.exists()
    for row in unverified:
        assert "검증 필요" in getattr(row, ko), row
        assert "to verify" in getattr(row, en), row


def test_challenges_cover_the_structural_issues_named_in_the_seeds():
    keys = set(kb.ClusterChallenge.objects.values_list("key", flat=True))
    assert {
        "jjj-research-to-industry-gap",
        "mid-yangtze-commercialisation",
        "guanzhong-remote-location",
        "northeast-old-industrial-base",
        "gba-institutional-differences",
    } <= keys
    gap = kb.ClusterChallenge.objects.get(key="jjj-research-to-industry-gap")
    assert gap.cluster.code == "jjj" and gap.factor.code == "pilot"
    assert gap.source.kind == "seed"
    remote = kb.ClusterChallenge.objects.get(key="guanzhong-remote-location")
    assert remote.factor.code == "openness"
    assert remote.source.reference.startswith("002_")
    assert set(
        kb.ClusterChallenge.objects.values_list("cluster__code", flat=True)
    ) == set(CLUSTERS)


# --- the experts' reading of the seeds -------------------------------------------------------


def test_beijing_cluster_has_the_highest_research_score():
    research = dict(
        kb.ClusterFactorScore.objects.filter(factor__code="research").values_list(
            "cluster__code", "score"
        )
    )
    assert max(research, key=research.get) == "jjj"
    assert research["jjj"] > max(v for k, v in research.items() if k != "jjj")


def test_functional_division_of_seed_000_shows_in_the_scores():
    def leader(factor: str) -> str:
        rows = kb.ClusterFactorScore.objects.filter(factor__code=factor).order_by("-score")
        return rows.first().cluster.code

    assert leader("manufacturing") == "gba"  # production: Guangdong
    assert leader("market") == "yrd"  # market: Shanghai
    assert leader("capital") == "gba"  # finance: Hong Kong
    assert leader("openness") == "gba"  # the most open cluster
    assert leader("pilot") == "gba"  # mid-test
    assert score("yrd", "pilot") >= 85  # the most complete full-cycle system


def test_inland_clusters_are_cheaper_than_the_coastal_leaders():
    coastal = max(score(c, "cost") for c in ("jjj", "yrd", "gba"))
    for inland in ("chengyu", "mid_yangtze", "guanzhong", "northeast", "west_hub"):
        assert score(inland, "cost") > coastal, inland
    costs = {c: score(c, "cost") for c in CLUSTERS}
    assert costs["west_hub"] >= max(costs.values()) - 5


def test_sector_strengths_named_in_the_seeds():
    assert strength("gba", "drones") == 5
    assert strength("gba", "robotics") >= 4
    assert strength("yrd", "quantum") >= 4
    assert strength("west_hub", "data_centers") >= 4
    assert strength("west_hub", "hydrogen") >= 4
    assert strength("guanzhong", "optoelectronics") >= 4
    assert strength("mid_yangtze", "optoelectronics") >= 4
    assert strength("shandong", "aerospace") >= 4
    assert strength("northeast", "agritech") >= 4
    assert strength("jjj", "cybersecurity") >= 4
    assert strength("chengyu", "ev") >= 4
    for sector in ("ev", "batteries", "solar"):  # Jiangsu's "new three"
        assert strength("yrd", sector) >= 4


# --- cities, metrics, specialties ------------------------------------------------------------


def test_city_slugs_are_lowercase_pinyin_and_taizhou_is_two_cities():
    slugs = list(kb.City.objects.values_list("slug", flat=True))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*", s) for s in slugs)
    assert len(slugs) == len(set(slugs))
    jiangsu = kb.City.objects.get(slug="taizhoujs")
    zhejiang = kb.City.objects.get(slug="taizhouzj")
    assert (jiangsu.name_zh, jiangsu.province_en) == ("泰州", "Jiangsu")
    assert (zhejiang.name_zh, zhejiang.province_en) == ("台州", "Zhejiang")


def test_every_cluster_has_core_cities_and_the_design_cities_exist():
    for code in CLUSTERS:
        assert kb.City.objects.filter(cluster__code=code, is_core=True).exists(), code
    for slug in ("xiongan", "hongkong", "macau", "guiyang", "yinchuan", "xining", "hohhot"):
        assert kb.City.objects.filter(slug=slug).exists(), slug
    assert kb.City.objects.get(slug="hongkong").cluster.code == "gba"
    assert kb.City.objects.get(slug="ordos").cluster.code == "west_hub"


def test_every_top50_gdp_city_is_present_with_its_rank():
    ranks = dict(
        kb.CityMetric.objects.filter(metric="gdp_rank", period="2024Q1-Q3").values_list(
            "city__slug", "value"
        )
    )
    assert {slug: int(rank) for slug, rank in ranks.items()} == {
        slug: n for n, slug in enumerate(TOP50, start=1)
    }
    for slug in TOP50:
        for name, period in (
            ("gdp", "2024Q1-Q3"),
            ("gdp_previous", "2023Q1-Q3"),
            ("gdp_nominal_increase", "2024Q1-Q3"),
            ("gdp_nominal_growth", "2024Q1-Q3"),
            ("gdp_real_growth", "2024Q1-Q3"),
            ("gdp_full_year", "2023"),
        ):
            assert kb.CityMetric.objects.filter(
                city__slug=slug, metric=name, period=period
            ).exists(), (slug, name)


@pytest.mark.parametrize(
    ("slug", "gdp"),
    [("shanghai", "34389.18"), ("beijing", "33462.00"), ("harbin", "4329.30"),
     ("fuzhou", "9304.57"), ("yulin", "5742.95")],
)
def test_gdp_equals_the_seed_figure(slug, gdp):
    assert metric(slug, "gdp") == Decimal(gdp)
    assert kb.CityMetric.objects.get(
        city__slug=slug, metric="gdp", period="2024Q1-Q3"
    ).unit == "CNY 100m"


def test_other_seed_figures_are_kept_as_printed():
    assert metric("luoyang", "gdp_nominal_growth") == Decimal("-0.20")
    assert metric("shanghai", "gdp_full_year", "2023") == Decimal("47218.70")
    assert metric("yulin", "gdp_nominal_growth") == Decimal("17.70")
    assert metric("shenzhen", "trade") == Decimal("33721")
    assert metric("foshan", "exports_growth") == Decimal("-23.10")
    assert metric("hefei", "industrial_growth") == Decimal("15.20")


def test_trade_top20_is_present_with_all_five_metrics():
    ranks = dict(
        kb.CityMetric.objects.filter(metric="trade_rank").values_list("city__slug", "value")
    )
    assert {slug: int(rank) for slug, rank in ranks.items()} == {
        slug: n for n, slug in enumerate(TRADE_TOP20, start=1)
    }
    for name in ("trade", "trade_growth", "exports", "exports_growth"):
        assert kb.CityMetric.objects.filter(metric=name).count() == 20, name
    assert kb.CityMetric.objects.filter(metric="industrial_growth").count() == 25


def test_the_ten_ai_cities_have_specialties_from_the_ai_article():
    cities = set(
        kb.CitySpecialty.objects.filter(source__key="seed-ai-cities-2025").values_list(
            "city__slug", flat=True
        )
    )
    assert set(AI_CITIES) <= cities
    voice = kb.CitySpecialty.objects.get(key="hefei-voice-ai")
    assert voice.sector.code == "ai"
    assert {"음성인식", "speech recognition", "语音识别"} <= set(voice.keyword_list())


def test_every_specialty_has_keywords_in_three_languages():
    for sp in kb.CitySpecialty.objects.all():
        assert sp.keywords_ko and sp.keywords_en and sp.keywords_zh, sp.key
        assert sp.title_ko and sp.title_en and sp.rationale_ko and sp.rationale_en, sp.key


def test_glossary_links_speech_recognition_across_languages():
    groups = [g for g in kb.GlossaryEntry.objects.all() if "음성인식" in g.term_list()]
    assert len(groups) == 1
    assert {"speech recognition", "语音识别", "voice AI"} <= set(groups[0].term_list())
    assert kb.GlossaryEntry.objects.count() >= 40


def test_glossary_groups_have_terms_in_three_languages():
    for entry in kb.GlossaryEntry.objects.all():
        assert entry.terms_ko and entry.terms_en and entry.terms_zh, entry.key


# --- firms and events ------------------------------------------------------------------------


def test_every_printed_ranking_has_ten_firms_ranked_1_to_10():
    assert kb.FirmRanking.objects.count() == 21  # the headline says 26; 21 are printed
    for ranking in kb.FirmRanking.objects.all():
        ranks = sorted(ranking.firms.values_list("rank", flat=True))
        assert ranks == list(range(1, 11)), ranking.key
        assert ranking.sectors.exists(), ranking.key
    assert kb.Firm.objects.count() == 210


def test_firm_names_are_kept_as_printed_and_cities_only_where_known():
    byd = kb.Firm.objects.get(ranking__key="vehicles", rank=1)
    assert (byd.name_zh, byd.name_ko, byd.city.slug) == ("比亚迪", "비야디", "shenzhen")
    boe = kb.Firm.objects.get(ranking__key="electronic-components", rank=2)
    assert (boe.name_ko, boe.name_zh) == ("징둥팡 A", "京东方 A")
    tsmc = kb.Firm.objects.get(ranking__key="semiconductors", rank=1)
    assert tsmc.city is None  # Hsinchu is not in the knowledge base
    assert kb.Firm.objects.get(ranking__key="vehicles", rank=6).city is None  # NIO


def test_seed_events_have_plausible_dates_and_upcoming_events_exist():
    for event in kb.Event.objects.all():
        assert event.starts <= event.ends <= event.starts + dt.timedelta(days=20), event.key
    seed_events = kb.Event.objects.filter(source__kind="seed")
    assert seed_events.count() == 14
    hainan = kb.Event.objects.get(key="hainan-ecommerce-expo-2024")
    assert hainan.city is None and hainan.location_en == "Hainan"
    assert hainan.ends == dt.date(2024, 12, 31)
    upcoming = kb.Event.objects.filter(starts__gt=dt.date(2026, 11, 21))
    assert upcoming.count() >= 6
    assert all(e.source.kind == "analyst_unverified" for e in upcoming)


def test_reloading_the_fixtures_does_not_duplicate_rows():
    before = {m.__name__: m.objects.count() for m in KB_MODELS}
    call_command("load_kb", verbosity=0)
    after = {m.__name__: m.objects.count() for m in KB_MODELS}
    assert after == before


# --- the national map: every city in a cluster, the 19 national city clusters ----------------

NEW_CLUSTERS = ("west_strait", "central_plains", "asean_gateway")
# The 14th Five-Year Plan's 19 city clusters and the cluster of this knowledge base covering each
# (docs/DATA.md, "The national map").
PLAN_MAP = {
    "jingjinji": "jjj", "yangtze-river-delta": "yrd", "pearl-river-delta": "gba",
    "chengdu-chongqing": "chengyu", "middle-yangtze": "mid_yangtze",
    "shandong-peninsula": "shandong", "guangdong-fujian-zhejiang-coast": "west_strait",
    "central-plains": "central_plains", "guanzhong-plain": "guanzhong",
    "beibu-gulf": "asean_gateway", "harbin-changchun": "northeast",
    "central-southern-liaoning": "northeast", "central-shanxi": "west_hub",
    "central-guizhou": "west_hub", "central-yunnan": "asean_gateway",
    "hohhot-baotou-ordos-yulin": "west_hub", "lanzhou-xining": "west_hub",
    "ningxia-yellow-river": "west_hub", "tianshan-north-slope": "west_hub",
}


def test_every_city_belongs_to_a_cluster():
    orphans = list(kb.City.objects.filter(cluster__isnull=True).values_list("slug", flat=True))
    assert orphans == []
    expected = {
        "ningde": "west_strait", "xiamen": "west_strait", "fuzhou": "west_strait",
        "quanzhou": "west_strait", "zhengzhou": "central_plains", "luoyang": "central_plains",
        "kunming": "asean_gateway", "nanning": "asean_gateway", "liuzhou": "asean_gateway",
    }
    for slug, code in expected.items():
        assert kb.City.objects.get(slug=slug).cluster.code == code, slug


def test_the_19_national_city_clusters_are_each_mapped_to_a_cluster_with_a_source():
    rows = {p.key: p for p in kb.PlanCluster.objects.select_related("cluster", "source")}
    assert {key: p.cluster.code for key, p in rows.items()} == PLAN_MAP
    for plan in rows.values():
        assert plan.name_ko and plan.name_en and plan.name_zh, plan.key
        assert plan.note_ko and plan.note_en, plan.key
        assert plan.source.kind == "report" and plan.source.published, plan.key
    assert rows["beibu-gulf"].source.url.startswith("https://")
    # every cluster of the knowledge base stands for at least one national city cluster
    assert set(PLAN_MAP.values()) == set(CLUSTERS)


@pytest.mark.parametrize("code", NEW_CLUSTERS)
def test_the_new_clusters_have_full_profiles(code):
    cluster = kb.Cluster.objects.get(code=code)
    assert cluster.role_ko and cluster.summary_ko and cluster.provinces_zh
    assert set(
        cluster.factor_scores.values_list("factor__code", flat=True)
    ) == set(kb.Factor.objects.values_list("code", flat=True))
    assert cluster.sector_strengths.count() == len(SECTORS)
    assert cluster.challenges.count() >= 2
    assert cluster.cities.filter(is_core=True).exists()
    assert kb.Zone.objects.filter(city__cluster=cluster).exists() or code == "asean_gateway"
    # the facts rest on public sources, not only on analyst judgement
    public = cluster.factor_scores.exclude(source__kind__startswith="analyst")
    assert public.count() >= 4
    for row in public.exclude(source__kind="seed").select_related("source"):
        assert row.source.url and row.source.published, row


@pytest.mark.parametrize("code", NEW_CLUSTERS)
def test_each_strength_of_3_or_more_in_a_new_cluster_has_a_sourced_city_specialty(code):
    strong = kb.ClusterSectorStrength.objects.filter(cluster__code=code, strength__gte=3)
    assert strong.exists()
    for row in strong:
        specialties = kb.CitySpecialty.objects.filter(city__cluster__code=code, sector=row.sector)
        assert specialties.exists(), row
        for sp in specialties.select_related("source"):
            assert sp.source.kind not in ("analyst", "analyst_unverified"), sp.key


@pytest.mark.parametrize("code", NEW_CLUSTERS)
def test_each_strength_of_4_or_more_in_a_new_cluster_has_sector_specific_factor_scores(code):
    for row in kb.ClusterSectorStrength.objects.filter(cluster__code=code, strength__gte=4):
        factors = set(
            kb.ClusterSectorFactor.objects.filter(
                cluster__code=code, sector=row.sector
            ).values_list("factor__code", flat=True)
        )
        assert {"manufacturing", "market"} <= factors, row
        assert len(factors) >= 3, row


def test_sector_specific_scores_put_the_anchor_firms_at_the_top_of_the_scale():
    def sector_score(cluster: str, sector: str, factor: str) -> int:
        return kb.ClusterSectorFactor.objects.get(
            cluster__code=cluster, sector__code=sector, factor__code=factor
        ).score

    assert sector_score("west_strait", "batteries", "manufacturing") >= 90  # CATL, Ningde
    assert sector_score("central_plains", "consumer_electronics", "manufacturing") >= 90  # Foxconn
    for row in kb.ClusterSectorFactor.objects.select_related("source"):
        assert 0 <= row.score <= 100
        assert row.rationale_ko.strip() and row.rationale_en.strip(), row
        if row.source.kind == "analyst_unverified":
            assert "검증 필요" in row.rationale_ko and "to verify" in row.rationale_en, row


def test_the_expert_cases_find_their_city_evidence():
    """The words of the CATL-supplier and Foxconn-supplier expert cases name a specialty."""
    catl = kb.CitySpecialty.objects.get(key="ningde-catl-battery-chain")
    assert (catl.city.slug, catl.sector.code) == ("ningde", "batteries")
    assert {"CATL", "양극재", "宁德时代"} <= set(catl.keyword_list())
    foxconn = kb.CitySpecialty.objects.get(key="zhengzhou-foxconn-smartphones")
    assert (foxconn.city.slug, foxconn.sector.code) == ("zhengzhou", "consumer_electronics")
    assert {"Foxconn", "스마트폰 부품", "富士康"} <= set(foxconn.keyword_list())
    assert strength("west_strait", "batteries") == 5
    assert strength("central_plains", "consumer_electronics") == 5


def test_new_sources_can_be_checked_by_a_reader():
    for source in kb.Source.objects.filter(key__in=[
        "fyp14-outline-2021", "ningde-four-industries-people-2025", "foxconn-zhengzhou-scmp-2021",
        "luoyang-lyc-tibet-2025", "henan-diamond-2023", "yunnan-green-aluminium-2023",
    ]):
        assert source.url.startswith("http") and source.published and source.publisher, source.key
        if not re.search("[A-Za-z]{4}", source.title):
            assert source.title_en, source.key  # Chinese or Korean titles carry an English gloss
