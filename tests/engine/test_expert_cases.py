"""Expert cases: what a KIC China consultant would answer, from the seed documents.

Each case cites the seed statement it rests on (files in ../shared/seeds/):

* seeds/000 — KIC China director's note on 『AI 혁신의 심장-중국 5대 도시군』 (2026-03)
* seeds/001 — CGTN digest of the 2026 provincial government work reports (2026-03)
* seeds/002 — a 2004 field review of China's innovation clusters
* seeds/003 — "China's top 10 AI cities" (동포투데이, 2025-11-08)

These run against the shipped knowledge base (fixtures/*.yaml through the ``snapshot``
fixture, which needs the database). A failure here means the data or the method disagrees
with the seeds: report the score that is off rather than bending the engine to one case.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor.engine import parse_intake, rank

NO_NEEDS = {f: 0 for f in ("research", "manufacturing", "market", "capital", "cost", "talent",
                           "policy", "openness", "pilot")}


def assess(snapshot, sector: str, needs: dict[str, int], keywords: str = "",
           **extra: Any) -> dict[str, Any]:
    data = {"company_name": "Expert case", "sector": sector, "keywords": keywords,
            "needs": {**NO_NEEDS, **needs}, "language": "en", **extra}
    return rank(parse_intake(data, snapshot), snapshot)


def top(result: dict[str, Any], n: int = 1) -> list[str]:
    return [e["cluster"] for e in result["ranking"][:n]]


def cities_of(result: dict[str, Any], cluster: str) -> list[str]:
    entry = next(e for e in result["ranking"] if e["cluster"] == cluster)
    return [c["slug"] for c in entry["cities"]]


def test_drone_maker_needing_production_and_pilot_runs_goes_to_the_gba(snapshot):
    """GBA: drones are 90% of national output and the region concentrates on the 'mid-test'
    step between lab prototype and mass product (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "drones", {"manufacturing": 5, "pilot": 5, "market": 2},
                    "drone, 드론")
    assert top(result) == ["gba"]
    assert cities_of(result, "gba")[0] == "shenzhen"
    assert result["robustness"]["clear_winner"]


def test_industrial_robot_maker_goes_to_the_gba(snapshot):
    """GBA: industrial robots are 40% of national output (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "robotics", {"manufacturing": 5, "pilot": 4, "market": 3},
                    "industrial robot")
    assert top(result) == ["gba"]
    assert "shenzhen" in cities_of(result, "gba")


def test_embodied_ai_robotics_goes_to_the_gba(snapshot):
    """GBA is expanding investment in embodied AI (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "robotics", {"cost": 4, "research": 3, "talent": 3},
                    "embodied AI, humanoid")
    assert top(result) == ["gba"]
    assert cities_of(result, "gba")[0] == "shenzhen"


def test_consumer_hardware_startup_needing_prototyping_goes_to_shenzhen(snapshot):
    """Shenzhen's Nanshan district hosts about 5,400 innovative firms (Tencent, DJI, Huawei);
    the GBA is production-led and the most open cluster (seeds/000, KIC 5 clusters)."""
    result = assess(snapshot, "consumer_electronics",
                    {"pilot": 5, "manufacturing": 5, "openness": 3}, "prototyping, smartphone")
    assert top(result) == ["gba"]
    assert cities_of(result, "gba")[0] == "shenzhen"


def test_fintech_needing_capital_and_international_access_goes_to_the_gba(snapshot):
    """GBA joins Shenzhen's technology with the international finance network of Hong Kong
    and Macao; it is China's most open cluster (seeds/000, KIC 5 clusters)."""
    result = assess(snapshot, "fintech", {"capital": 5, "openness": 5, "market": 3})
    assert top(result) == ["gba"]
    assert "hongkong" in cities_of(result, "gba")


def test_speech_recognition_startup_goes_to_hefei_in_the_yrd(snapshot):
    """Hefei built a world-class speech-recognition ecosystem around iFlytek, 'the city of
    AI voice' (seeds/003, top 10 AI cities 2025)."""
    result = assess(snapshot, "ai", {"research": 4, "talent": 5}, "음성인식")
    assert top(result) == ["yrd"]
    assert cities_of(result, "yrd")[0] == "hefei"


def test_llm_developer_needing_research_and_talent_goes_to_beijing(snapshot):
    """Beijing holds about 40% of China's AI companies and leads in large-language-model
    research (Baidu ERNIE, BAAI) (seeds/003, top 10 AI cities 2025)."""
    result = assess(snapshot, "ai", {"research": 5, "talent": 5, "capital": 3},
                    "LLM, foundation model")
    assert top(result) == ["jjj"]
    assert cities_of(result, "jjj")[0] == "beijing"


def test_quantum_computing_goes_to_hefei(snapshot):
    """Anhui, once seen as agricultural, has become a hub of quantum computing and fusion
    research (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "quantum", {"research": 5, "talent": 4}, "양자컴퓨팅")
    assert top(result) == ["yrd"]
    assert cities_of(result, "yrd")[0] == "hefei"


def test_battery_maker_goes_to_jiangsu_in_the_yrd(snapshot):
    """Jiangsu concentrates on the 'new three' — EVs, batteries and solar panels (seeds/001,
    2026 work reports)."""
    result = assess(snapshot, "batteries", {"manufacturing": 5, "market": 3}, "battery")
    assert top(result) == ["yrd"]
    assert cities_of(result, "yrd")[0] == "changzhou"


def test_solar_panel_maker_goes_to_the_yrd(snapshot):
    """Jiangsu's 'new three' include solar panels (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "solar", {"manufacturing": 4, "market": 4, "cost": 2}, "태양광")
    assert top(result) == ["yrd"]
    assert "changzhou" in cities_of(result, "yrd")


def test_chip_company_goes_to_shanghai_zhangjiang(snapshot):
    """Shanghai's Zhangjiang science park produces 80% of Shanghai's semiconductors and
    offers complete supply chains (seeds/000, KIC 5 clusters)."""
    result = assess(snapshot, "semiconductors", {"manufacturing": 4, "research": 4,
                                                  "talent": 4}, "파운드리, 집적회로")
    assert top(result) == ["yrd"]
    assert cities_of(result, "yrd")[0] == "shanghai"


def test_ai_ecommerce_goes_to_hangzhou(snapshot):
    """Hangzhou, around Alibaba and Ant Group, is strong in AI + e-commerce applications
    (seeds/003, top 10 AI cities 2025)."""
    result = assess(snapshot, "ecommerce", {"market": 5, "talent": 3}, "전자상거래")
    assert top(result) == ["yrd"]
    assert cities_of(result, "yrd")[0] == "hangzhou"


def test_brain_computer_interface_goes_to_shanghai(snapshot):
    """Shanghai pioneers brain-computer interfaces and 6G (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "medical_devices", {"research": 5, "market": 3},
                    "brain-computer interface")
    assert top(result) == ["yrd"]
    assert cities_of(result, "yrd")[0] == "shanghai"


def test_trusted_computing_goes_to_tianjin_in_jjj(snapshot):
    """Beijing strengthens synergy with Tianjin's manufacturing, notably trusted computing
    (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "cybersecurity", {"research": 4, "policy": 4},
                    "trusted computing")
    assert top(result) == ["jjj"]
    assert cities_of(result, "jjj")[0] == "tianjin"


def test_data_centre_operator_needing_cheap_power_goes_west(snapshot):
    """Inner Mongolia (220,000 PFLOPS) and Guizhou (150+ Huawei Cloud partners) are China's
    'digital basement' thanks to cool climate and cheap energy ('East Data, West Computing',
    seeds/001, 2026 work reports)."""
    result = assess(snapshot, "data_centers", {"cost": 5, "policy": 4},
                    "데이터센터, computing power")
    assert top(result) == ["west_hub"]
    assert set(cities_of(result, "west_hub")[:2]) == {"guiyang", "hohhot"}
    assert result["robustness"]["clear_winner"]


def test_green_hydrogen_goes_to_ningxia(snapshot):
    """Ningxia is building a 'Hydrogen-Ammonia Valley' (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "hydrogen", {"cost": 4, "policy": 4}, "green hydrogen, ammonia")
    assert top(result) == ["west_hub"]
    assert cities_of(result, "west_hub")[0] == "yinchuan"


def test_optical_communications_goes_to_wuhan_optics_valley(snapshot):
    """Hubei is growing 'Optics Valley' into a world-class optoelectronics centre
    (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "optoelectronics", {"manufacturing": 4, "research": 3,
                                                   "cost": 3}, "광통신, laser")
    assert top(result) == ["mid_yangtze"]
    assert cities_of(result, "mid_yangtze")[0] == "wuhan"


def test_display_and_led_electronics_go_to_jiangxi(snapshot):
    """Jiangxi's 'core-light-screen-touch' electronics chain is one of the regional clusters
    to build by 2026 (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "consumer_electronics", {"cost": 5, "manufacturing": 4},
                    "touch screen, LED")
    assert top(result) == ["mid_yangtze"]
    assert cities_of(result, "mid_yangtze")[0] == "nanchang"


def test_attosecond_lasers_put_xian_among_the_first_two(snapshot):
    """Shaanxi concentrates on attosecond laser technology (seeds/001, 2026 work reports);
    Xi'an gathers optics institutes (seeds/002, 2004 review). Wuhan's Optics Valley, the
    national optoelectronics leader, may still rank first for optoelectronics in general."""
    result = assess(snapshot, "optoelectronics", {"research": 5, "cost": 4},
                    "attosecond laser")
    assert "guanzhong" in top(result, 2)
    assert cities_of(result, "guanzhong")[0] == "xian"


def test_sea_launch_satellite_firm_goes_to_shandong(snapshot):
    """Shandong uses its coastline for sea launches of satellites: 137 launched from the
    Oriental Aerospace Port so far (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "aerospace", {"cost": 4, "pilot": 4, "manufacturing": 3},
                    "sea launch, commercial space")
    assert top(result) == ["shandong"]
    assert cities_of(result, "shandong")[0] == "yantai"


def test_smart_farm_machinery_goes_to_heilongjiang(snapshot):
    """Heilongjiang's smart agricultural machinery is one of the regional clusters to build
    by 2026 (seeds/001, 2026 work reports)."""
    result = assess(snapshot, "agritech", {"manufacturing": 3, "cost": 4},
                    "농기계, smart agriculture")
    assert top(result) == ["northeast"]
    assert cities_of(result, "northeast")[0] == "harbin"


def test_cost_driven_ev_parts_maker_goes_inland_to_chengdu_chongqing(snapshot):
    """Chengdu–Chongqing grows in equipment manufacturing and new energy, with a huge inland
    consumer market and low operating costs (seeds/000, KIC 5 clusters)."""
    result = assess(snapshot, "ev", {"cost": 5, "manufacturing": 4, "market": 3},
                    "electric vehicle, auto parts")
    assert top(result) == ["chengyu"]
    assert cities_of(result, "chengyu")[0] == "chongqing"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_research_to_industry_gap_of_jjj_is_a_caveat_for_pilot_production(
    snapshot, language
):
    """JJJ's core challenge is turning research into industry: Beijing's innovation assets do
    not spread enough to Tianjin and Hebei (seeds/000, KIC 5 clusters). The knowledge base
    ties it to the pilot factor (prototyping and production partners)."""
    result = assess(snapshot, "ai", {"pilot": 5, "research": 4}, language=language)
    jjj = next(e for e in result["ranking"] if e["cluster"] == "jjj")
    gap = next(ch for ch in snapshot.cluster("jjj").challenges
               if ch.key == "jjj-research-to-industry-gap")
    assert any(gap.text(language) in caveat for caveat in jjj["caveats"])
    calm = assess(snapshot, "ai", {"market": 5}, language=language)
    jjj_calm = next(e for e in calm["ranking"] if e["cluster"] == "jjj")
    assert not any(gap.text(language) in caveat for caveat in jjj_calm["caveats"])
