"""A small knowledge base and a hand-written assessment for brief tests.

The rows are created with ``update_or_create`` on natural keys, so this works on an empty
database and beside the shipped fixtures alike (inside a test's transaction). The result dict
follows docs/ARCHITECTURE.md, so brief tests do not depend on the engine's current numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from advisor.models import Assessment
from clusters import models as kb
from clusters.vocabulary import FACTORS

FACTOR_NAMES = {
    "research": ("연구", "Research"), "manufacturing": ("제조", "Manufacturing"),
    "market": ("시장", "Market"), "capital": ("자본", "Capital"), "cost": ("비용", "Cost"),
    "talent": ("인재", "Talent"), "policy": ("정책", "Policy"),
    "openness": ("개방성", "Openness"), "pilot": ("시험생산", "Pilot production"),
    "korea_link": ("한국 네트워크", "Korean network"),
}
CLUSTERS = {
    "yrd": ("창장삼각주", "Yangtze River Delta", "长三角"),
    "gba": ("웨강아오 대만구", "Greater Bay Area", "粤港澳大湾区"),
    "jjj": ("징진지", "Beijing–Tianjin–Hebei", "京津冀"),
    "chengyu": ("청위", "Chengdu–Chongqing", "成渝"),
}
CITIES = {
    "hefei": ("허페이", "Hefei", "合肥", "yrd"),
    "shanghai": ("상하이", "Shanghai", "上海", "yrd"),
    "hangzhou": ("항저우", "Hangzhou", "杭州", "yrd"),
    "shenzhen": ("선전", "Shenzhen", "深圳", "gba"),
    "beijing": ("베이징", "Beijing", "北京", "jjj"),
    "chengdu": ("청두", "Chengdu", "成都", "chengyu"),
}
TODAY = dt.date(2026, 11, 21)


def source(key: str, title: str, published: dt.date | None = None, *, title_en: str = "",
           url: str = "", reference: str = "") -> kb.Source:
    return kb.Source.objects.update_or_create(
        key=key,
        defaults={"kind": "seed", "title": title, "publisher": "KIC China (글로벌혁신센터)",
                  "published": published, "title_en": title_en, "url": url,
                  "reference": reference},
    )[0]


def ensure_kb() -> dict[str, Any]:
    """The rows the brief reads; returns a few of them for tests to edit."""
    # Internal references (seed file names) that must never reach a client.
    src = source("brief-test-newsletter", "KIC China 주간 뉴스레터 403호", dt.date(2025, 1, 10),
                 title_en="KIC China weekly newsletter no. 403",
                 url="https://kic.example.org/newsletter/403",
                 reference="004_9a84cb771e895ce6.txt")
    src_gdp = source("brief-test-gdp", "2024년 1~3분기 도시별 GDP", dt.date(2024, 10, 31),
                     title_en="City GDP, Q1–Q3 2024", reference="docs/DATA.md")
    factors = {}
    for order, code in enumerate(FACTORS):
        ko, en = FACTOR_NAMES[code]
        factors[code] = kb.Factor.objects.update_or_create(
            code=code, defaults={"name_ko": ko, "name_en": en, "description_ko": ko,
                                 "description_en": en, "order": order},
        )[0]
    ai = kb.Sector.objects.update_or_create(
        code="ai", defaults={"name_ko": "인공지능", "name_en": "Artificial intelligence",
                             "name_zh": "人工智能", "group": "digital",
                             "description_ko": "AI", "description_en": "AI"},
    )[0]
    robotics = kb.Sector.objects.update_or_create(
        code="robotics", defaults={"name_ko": "로봇", "name_en": "Robotics", "name_zh": "机器人",
                                   "group": "mobility", "description_ko": "로봇",
                                   "description_en": "Robotics"},
    )[0]
    clusters = {}
    for order, (code, (ko, en, zh)) in enumerate(CLUSTERS.items()):
        clusters[code] = kb.Cluster.objects.update_or_create(
            code=code,
            defaults={
                "name_ko": ko, "name_en": en, "name_zh": zh, "order": order,
                "role_ko": f"{ko}는 중국 혁신 네트워크에서 연구개발과 첨단 제조를 잇는 "
                           "핵심 거점입니다.",
                "role_en": f"{en} links research and advanced manufacturing in China's "
                           "innovation network.",
                "summary_ko": f"{ko} 요약: 대학과 연구소, 산업 기반이 두텁습니다.",
                "summary_en": f"{en} summary: dense universities, institutes and industry.",
                "provinces_ko": ko, "provinces_en": en, "provinces_zh": zh,
            },
        )[0]
    scores = {}
    for code, cluster in clusters.items():
        for f_code, factor in factors.items():
            scores[(code, f_code)] = kb.ClusterFactorScore.objects.update_or_create(
                cluster=cluster, factor=factor,
                defaults={"score": 70, "rationale_ko": "근거", "rationale_en": "Rationale",
                          "source": src},
            )[0]
        kb.ClusterSectorStrength.objects.update_or_create(
            cluster=cluster, sector=ai,
            defaults={"strength": 4, "rationale_ko": "근거", "rationale_en": "Rationale",
                      "source": src},
        )
    cities = {}
    for slug, (ko, en, zh, cluster) in CITIES.items():
        cities[slug] = kb.City.objects.update_or_create(
            slug=slug,
            defaults={"name_ko": ko, "name_en": en, "name_zh": zh, "cluster": clusters[cluster],
                      "province_ko": ko, "province_en": en, "is_core": True},
        )[0]
    zone = kb.Zone.objects.update_or_create(
        key="hefei-hitech",
        defaults={"name_ko": "허페이 첨단기술산업개발구", "name_en": "Hefei High-tech Zone",
                  "name_zh": "合肥高新区", "city": cities["hefei"], "kind": "high_tech",
                  "description_ko": "음성인식 기업과 인공지능 산업 단지가 모여 있습니다.",
                  "description_en": "Home to speech recognition firms and an AI industry park.",
                  "source": src},
    )[0]
    zone.sectors.set([ai])
    for metric, period, value, unit in (
        ("gdp", "2024Q1-Q3", Decimal("9422.00"), "억 위안"),
        ("gdp_real_growth", "2024Q1-Q3", Decimal("6.1"), "%"),
        ("trade", "2024Q1-Q3", Decimal("2800.5"), "억 위안"),
    ):
        kb.CityMetric.objects.update_or_create(
            city=cities["hefei"], metric=metric, period=period,
            defaults={"value": value, "unit": unit, "source": src_gdp},
        )
    ranking = kb.FirmRanking.objects.update_or_create(
        key="brief-test-ai-ranking",
        defaults={"name_ko": "인공지능 혁신 기업 순위", "name_en": "AI innovation ranking",
                  "source": src},
    )[0]
    ranking.sectors.set([ai])
    kb.Firm.objects.update_or_create(
        ranking=ranking, rank=1,
        defaults={"name_ko": "아이플라이텍", "name_en": "iFlytek", "name_zh": "科大讯飞",
                  "sector": ai, "city": cities["hefei"]},
    )
    kb.Firm.objects.update_or_create(
        ranking=ranking, rank=2,
        defaults={"name_ko": "바이두", "name_en": "Baidu", "name_zh": "百度", "sector": ai,
                  "city": cities["beijing"]},
    )
    for key, starts, name in (
        ("brief-test-past-expo", dt.date(2026, 3, 1), ("지난 인공지능 박람회", "Past AI Expo")),
        ("brief-test-ai-expo", dt.date(2027, 4, 20),
         ("세계 인공지능 대회", "World AI Conference")),
    ):
        event, _ = kb.Event.objects.update_or_create(
            key=key,
            defaults={"name_ko": name[0], "name_en": name[1], "name_zh": "世界人工智能大会",
                      "city": cities["shanghai"], "location_ko": "상하이",
                      "location_en": "Shanghai", "field_ko": "인공지능", "field_en": "AI",
                      "starts": starts, "ends": starts + dt.timedelta(days=3),
                      "source": src},
        )
        event.sectors.set([ai])
    # The Korean network of a recommended city: a flight (every sector), a firm of the
    # company's sector, and a firm of another sector that the brief must leave out.
    battery = kb.Sector.objects.update_or_create(
        code="batteries", defaults={"name_ko": "배터리", "name_en": "Batteries",
                                    "name_zh": "电池", "group": "energy",
                                    "description_ko": "배터리", "description_en": "Batteries"},
    )[0]
    for key, kind, ko, en, sector in (
        ("brief-test-hefei-flight", "flight", "허페이~인천 직항", "Hefei–Incheon flights", None),
        ("brief-test-hefei-ai-lab", "firm", "한국 AI 연구소 허페이 분소", "Korean AI lab in Hefei",
         ai),
        ("brief-test-hefei-battery", "firm", "한국 배터리 공장", "Korean battery plant", battery),
    ):
        link = kb.KoreaLink.objects.update_or_create(
            key=key,
            defaults={"city": cities["hefei"], "kind": kind, "name_ko": ko, "name_en": en,
                      "detail_ko": f"{ko} 세부", "detail_en": f"{en} detail", "source": src},
        )[0]
        link.sectors.set([sector] if sector else [])
    del robotics
    return {"score": scores[("yrd", "talent")], "source": src}


def ranking_entry(rank: int, code: str, score: float, sector_fit: float, needs_fit: float,
                  cities: list[tuple[str, str]], caveats: list[str]) -> dict[str, Any]:
    ko, en, zh = CLUSTERS[code]
    talent = round(needs_fit * 0.6, 1)
    return {
        "rank": rank, "cluster": code, "name": f"{ko} ({zh})",
        "names": {"ko": ko, "en": en, "zh": zh},
        "score": score, "sector_fit": sector_fit, "needs_fit": needs_fit,
        "contributions": [
            {"factor": "talent", "points": talent, "weight": 0.5, "factor_score": 80},
            {"factor": "research", "points": round(needs_fit - talent, 1), "weight": 0.5,
             "factor_score": 70},
        ],
        "cities": [
            {"slug": slug, "name": f"{CITIES[slug][0]} ({CITIES[slug][2]})", "reason": reason,
             "sector": "ai", "source": "brief-test-newsletter"}
            for slug, reason in cities
        ],
        "caveats": caveats,
    }


# The engine (method 2026.12 on) stores every text in both languages beside the stored one.
CAVEATS_EN = {
    "생활비와 임대료가 높아 초기 비용 부담이 큽니다.":
        "High living costs and rents make the first years expensive.",
    "외국 기업의 데이터 규제 부담이 있습니다.": "Data rules weigh on foreign firms.",
}


CITY_REASONS_EN = {
    "음성인식 선도 기업과 국가 AI 개방 플랫폼이 있는 도시":
        "Home of a speech-recognition leader and a national open AI platform",
    "AI 인재와 자본이 가장 많이 모이는 도시": "The largest pool of AI talent and capital",
    "하드웨어 공급망과 빠른 시제품 제작": "Hardware supply chain and fast prototyping",
    "대학과 연구소가 가장 밀집한 도시": "The densest cluster of universities and institutes",
    "낮은 비용과 서부 시장": "Low costs and the western market",
}


def with_i18n(result: dict[str, Any]) -> dict[str, Any]:
    for entry in result["ranking"]:
        for city in entry["cities"]:
            city["detail_i18n"] = {"ko": city["reason"], "en": CITY_REASONS_EN[city["reason"]]}
        entry["caveats_i18n"] = [{"ko": c, "en": CAVEATS_EN[c]} for c in entry["caveats"]]
    for entry in result["excluded"]:
        entry["reason_i18n"] = {"ko": entry["reason"], "en": "Excluded at the company's request."}
    return result


def result_for(language: str = "ko", *, i18n: bool = True) -> dict[str, Any]:
    result = _stored_result(language)
    return with_i18n(result) if i18n else result


def _stored_result(language: str) -> dict[str, Any]:
    return {
        "ranking": [
            ranking_entry(1, "yrd", 81.4, 90.0, 74.2,
                          [("hefei", "음성인식 선도 기업과 국가 AI 개방 플랫폼이 있는 도시"),
                           ("shanghai", "AI 인재와 자본이 가장 많이 모이는 도시")],
                          ["생활비와 임대료가 높아 초기 비용 부담이 큽니다."]),
            ranking_entry(2, "gba", 78.2, 85.0, 72.0,
                          [("shenzhen", "하드웨어 공급망과 빠른 시제품 제작")],
                          ["외국 기업의 데이터 규제 부담이 있습니다."]),
            ranking_entry(3, "jjj", 70.1, 80.0, 61.0,
                          [("beijing", "대학과 연구소가 가장 밀집한 도시")], []),
            ranking_entry(4, "chengyu", 55.0, 40.0, 62.0,
                          [("chengdu", "낮은 비용과 서부 시장")], []),
        ],
        "excluded": [{"cluster": "west_hub", "name": "서부 컴퓨팅 허브 (西部算力枢纽)",
                      "reason": "제외 요청"}],
        "robustness": {"top_share": 0.86, "shares": {"yrd": 0.86, "gba": 0.14},
                       "samples": 400, "seed": 20261121, "margin": 3.2, "clear_winner": True,
                       "runner_up": "gba",
                       "flip": {"factor": "cost", "from_weight": 2, "to_weight": 5}},
        "language": language,
        "dataset_version": "kb-0123456789ab",
        "method_version": "2026.11-1",
    }


def intake_for(company: str = "Sori Labs", language: str = "ko") -> dict[str, Any]:
    return {
        "company_name": company, "sector": "ai", "secondary_sectors": ["robotics"],
        "keywords": "speech recognition, 음성인식", "stage": "startup", "language": language,
        "needs": {"research": 4, "manufacturing": 0, "market": 3, "capital": 2, "cost": 2,
                  "talent": 5, "policy": 2, "openness": 1, "pilot": 1},
        "exclude": ["west_hub"], "minimums": {},
    }


def make_assessment(company: str = "Sori Labs", *, save: bool = True,
                    language: str = "ko", **extra: Any) -> Assessment:
    result = result_for(language)
    assessment = Assessment(
        origin=Assessment.Origin.STAFF, company_name=company, sector="ai", language=language,
        top_cluster="yrd", top_score=81.4, intake=intake_for(company, language), result=result,
        dataset_version=result["dataset_version"], method_version=result["method_version"],
        **extra,
    )
    if save:
        assessment.save()
        # A fixed date keeps "events after the brief's date" and file names predictable.
        created = timezone.make_aware(dt.datetime(2026, 11, 21, 10, 0))
        Assessment.objects.filter(pk=assessment.pk).update(created_at=created)
        assessment.refresh_from_db()
    return assessment
