"""A small code-built knowledge base for engine tests and the benchmark (no database).

The numbers are plausible but invented for tests; the shipped knowledge base is in
fixtures/*.yaml and is what the expert cases (test_expert_cases.py) use.
"""

from __future__ import annotations

from clusters.snapshot import (
    ChallengeInfo,
    CityInfo,
    ClusterInfo,
    Fact,
    FactorInfo,
    GlossaryGroup,
    Names,
    SectorInfo,
    Snapshot,
    SourceRef,
    SpecialtyInfo,
)
from clusters.vocabulary import SECTORS

# The factors of this test knowledge base (the engine takes whatever the snapshot holds).
FACTORS = ("research", "manufacturing", "market", "capital", "cost", "talent", "policy",
           "openness", "pilot", "korea_link")

FACTOR_NAMES = {
    "research": ("연구", "Research", "研发"),
    "manufacturing": ("제조", "Manufacturing", "制造"),
    "market": ("시장", "Market", "市场"),
    "capital": ("자본", "Capital", "资本"),
    "cost": ("비용", "Cost", "成本"),
    "talent": ("인재", "Talent", "人才"),
    "policy": ("정책", "Policy", "政策"),
    "openness": ("개방성", "Openness", "开放"),
    "pilot": ("시험생산", "Pilot", "中试"),
    "korea_link": ("한국 네트워크", "Korean network", "韩国网络"),
}

# research, manufacturing, market, capital, cost, talent, policy, openness, pilot, korea_link
CLUSTER_SCORES = {
    "jjj": (95, 60, 75, 85, 35, 92, 85, 60, 55, 80),
    "yrd": (88, 88, 90, 90, 40, 90, 82, 85, 85, 85),
    "gba": (80, 95, 88, 88, 38, 85, 80, 92, 95, 70),
    "chengyu": (65, 70, 68, 60, 72, 68, 75, 50, 60, 50),
    "mid_yangtze": (72, 72, 62, 55, 75, 70, 72, 45, 62, 45),
    "shandong": (60, 80, 65, 55, 70, 60, 65, 60, 65, 95),
    "guanzhong": (75, 60, 45, 40, 78, 65, 65, 35, 50, 55),
    "northeast": (60, 65, 40, 35, 82, 55, 60, 45, 45, 75),
    "west_hub": (35, 45, 30, 30, 90, 35, 80, 30, 40, 10),
}

# Scores of a cluster on a factor *for one sector* (cluster, sector, factor, score).
SECTOR_FACTORS = [
    ("west_hub", "data_centers", "cost", 98),
    ("west_hub", "data_centers", "policy", 95),
    ("yrd", "data_centers", "cost", 20),
]

CLUSTER_NAMES = {
    "jjj": ("징진지", "Beijing–Tianjin–Hebei", "京津冀"),
    "yrd": ("창장삼각주", "Yangtze River Delta", "长三角"),
    "gba": ("웨강아오 대만구", "Greater Bay Area", "粤港澳大湾区"),
    "chengyu": ("청위", "Chengdu–Chongqing", "成渝"),
    "mid_yangtze": ("창장중류", "Middle Yangtze", "长江中游"),
    "shandong": ("산둥반도", "Shandong Peninsula", "山东半岛"),
    "guanzhong": ("관중평원", "Guanzhong Plain", "关中平原"),
    "northeast": ("동북", "Northeast", "东北"),
    "west_hub": ("서부 허브", "Western hub", "西部枢纽"),
}

STRENGTHS = {
    "jjj": {"ai": 5, "semiconductors": 3, "biopharma": 4, "quantum": 4, "software": 5,
            "robotics": 3, "autonomous_driving": 4, "aerospace": 4},
    "yrd": {"ai": 5, "semiconductors": 5, "biopharma": 5, "ev": 5, "batteries": 4,
            "medical_devices": 4, "quantum": 4, "robotics": 4, "software": 4},
    "gba": {"ai": 4, "drones": 5, "robotics": 5, "consumer_electronics": 5, "ev": 5,
            "batteries": 5, "telecom": 5, "semiconductors": 4, "fintech": 4},
    "chengyu": {"ai": 2, "semiconductors": 3, "aerospace": 4, "ev": 3, "software": 3},
    "mid_yangtze": {"optoelectronics": 5, "semiconductors": 3, "ev": 3,
                    "advanced_manufacturing": 4},
    "shandong": {"hydrogen": 4, "new_materials": 4, "advanced_manufacturing": 4,
                 "agritech": 4},
    "guanzhong": {"aerospace": 5, "semiconductors": 3, "solar": 4},
    "northeast": {"advanced_manufacturing": 4, "robotics": 3, "aerospace": 3},
    "west_hub": {"data_centers": 5, "solar": 4, "hydrogen": 3},
}

CITIES = [
    # slug, ko, en, zh, cluster, core
    ("beijing", "베이징", "Beijing", "北京", "jjj", True),
    ("tianjin", "톈진", "Tianjin", "天津", "jjj", False),
    ("shanghai", "상하이", "Shanghai", "上海", "yrd", True),
    ("hefei", "허페이", "Hefei", "合肥", "yrd", False),
    ("suzhou", "쑤저우", "Suzhou", "苏州", "yrd", False),
    ("hangzhou", "항저우", "Hangzhou", "杭州", "yrd", False),
    ("shenzhen", "선전", "Shenzhen", "深圳", "gba", True),
    ("guangzhou", "광저우", "Guangzhou", "广州", "gba", True),
    ("dongguan", "둥관", "Dongguan", "东莞", "gba", False),
    ("chengdu", "청두", "Chengdu", "成都", "chengyu", True),
    ("chongqing", "충칭", "Chongqing", "重庆", "chengyu", True),
    ("wuhan", "우한", "Wuhan", "武汉", "mid_yangtze", True),
    ("qingdao", "칭다오", "Qingdao", "青岛", "shandong", True),
    ("jinan", "지난", "Jinan", "济南", "shandong", True),
    ("xian", "시안", "Xi'an", "西安", "guanzhong", True),
    ("shenyang", "선양", "Shenyang", "沈阳", "northeast", True),
    ("guiyang", "구이양", "Guiyang", "贵阳", "west_hub", True),
]

SPECIALTIES = [
    # key, city, sector, title_ko, title_en, keywords
    ("hefei-voice-ai", "hefei", "ai", "iFlytek 중심의 음성 AI 생태계",
     "Voice AI ecosystem around iFlytek", ("음성인식", "speech recognition", "iFlytek")),
    ("hangzhou-ai", "hangzhou", "ai", "알리바바·하이크비전 중심 AI 응용", "Applied AI",
     ("computer vision", "전자상거래")),
    ("shanghai-chips", "shanghai", "semiconductors", "장장 반도체 설계", "Zhangjiang chip design",
     ("chip design", "반도체 설계")),
    ("beijing-llm", "beijing", "ai", "대형 언어모델과 AI 연구", "Large language models",
     ("LLM", "대형언어모델", "大模型")),
    ("tianjin-robots", "tianjin", "robotics", "산업용 로봇", "Industrial robots",
     ("industrial robot",)),
    ("shenzhen-drones", "shenzhen", "drones", "DJI 중심 드론 산업", "Drone industry around DJI",
     ("drone", "드론", "无人机", "DJI")),
    ("shenzhen-hardware", "shenzhen", "consumer_electronics", "하드웨어 시제품", "Hardware",
     ("prototype", "시제품")),
    ("dongguan-robots", "dongguan", "robotics", "로봇 제조", "Robot manufacturing",
     ("industrial robot",)),
    ("wuhan-optics", "wuhan", "optoelectronics", "광밸리 광통신", "Optics Valley",
     ("optical fiber", "광섬유", "laser")),
    ("xian-aero", "xian", "aerospace", "항공우주 산업", "Aerospace", ("satellite", "위성")),
    ("guiyang-dc", "guiyang", "data_centers", "빅데이터 센터", "Big-data centres",
     ("data center", "데이터센터", "数据中心")),
    ("qingdao-h2", "qingdao", "hydrogen", "수소 산업", "Hydrogen", ("fuel cell", "연료전지")),
    ("chengdu-games", "chengdu", "software", "게임과 소프트웨어", "Games and software",
     ("game", "게임")),
]

GLOSSARY = [
    ("speech_recognition", ("음성인식", "음성 인식", "speech recognition", "voice recognition",
                            "语音识别"), "ai"),
    ("drones", ("드론", "무인기", "drone", "UAV", "无人机"), "drones"),
    ("industrial_robots", ("산업용 로봇", "industrial robot", "工业机器人"), "robotics"),
    ("llm", ("LLM", "대형언어모델", "large language model", "大模型"), "ai"),
    ("data_centers", ("데이터센터", "data center", "datacenter", "数据中心"), "data_centers"),
    ("fuel_cells", ("연료전지", "fuel cell", "燃料电池"), "hydrogen"),
]

SOURCES = [
    SourceRef("seed-000", "seed", "AI 혁신의 심장-중국 5대 도시군", "KIC China", "2026-03-01",
              "seeds/000"),
    SourceRef("seed-001", "seed", "2026 provincial work reports digest", "KIC China",
              "2026-02-01", "seeds/001"),
]


def _names(triple: tuple[str, str, str]) -> Names:
    return Names(*triple)


def cluster(code: str, scores: tuple[int, ...] | None = None,
            strengths: dict[str, int] | None = None) -> ClusterInfo:
    scores = scores if scores is not None else CLUSTER_SCORES[code]
    strengths = strengths if strengths is not None else STRENGTHS.get(code, {})
    names = CLUSTER_NAMES.get(code, (code, code, ""))
    challenges: tuple[ChallengeInfo, ...] = ()
    if code == "jjj":
        challenges = (
            ChallengeInfo("jjj-research-gap", "manufacturing", "연구 성과의 산업화 격차",
                          "Gap between research and industry", "seed-000"),
            # Concerns car makers only: never a caveat for an AI or biotech company.
            ChallengeInfo("jjj-car-glut", None, "내연기관차 과잉 설비", "Surplus engine-car plants",
                          "seed-001", sectors=("ev", "autonomous_driving")),
        )
    elif code == "west_hub":
        challenges = (
            ChallengeInfo("west-remote", None, "동부 시장과의 거리", "Far from eastern markets",
                          "seed-001"),
        )
    return ClusterInfo(
        code=code,
        name=_names(names),
        role_ko=f"{names[0]}의 역할",
        role_en=f"Role of {names[1]}",
        factor_scores={
            f: Fact(float(v), f"{code} {f} 근거", f"{code} {f} rationale", "seed-000")
            for f, v in zip(FACTORS, scores, strict=True)
        },
        sector_strengths={
            s: Fact(float(v), "", "", "seed-001") for s, v in strengths.items()
        },
        challenges=challenges,
        sector_factors={
            sector: {f: Fact(float(v), f"{code} {sector} {f} 근거",
                             f"{code} {sector} {f} rationale", "seed-001")
                     for c, sec, f, v in SECTOR_FACTORS if c == code and sec == sector}
            for sector in {sec for c, sec, _f, _v in SECTOR_FACTORS if c == code}
        },
    )


def build(cluster_codes: tuple[str, ...] | None = None, *, extra: tuple[ClusterInfo, ...] = (),
          version: str | None = None) -> Snapshot:
    codes = cluster_codes if cluster_codes is not None else tuple(CLUSTER_SCORES)
    return Snapshot.from_parts(
        factors=[FactorInfo(f, _names(FACTOR_NAMES[f])) for f in FACTORS],
        sectors=[SectorInfo(s, Names(s, s.replace("_", " "), "")) for s in SECTORS],
        clusters=[cluster(c) for c in codes] + list(extra),
        cities=[CityInfo(slug, Names(ko, en, zh), cl, is_core=core)
                for slug, ko, en, zh, cl, core in CITIES],
        specialties=[SpecialtyInfo(key, city, sector, tko, ten, kws, source="seed-000")
                     for key, city, sector, tko, ten, kws in SPECIALTIES],
        glossary=[GlossaryGroup(key, terms, sector) for key, terms, sector in GLOSSARY],
        sources=SOURCES,
        version=version,
    )


def intake_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "company_name": "Sori Labs",
        "sector": "ai",
        "secondary_sectors": ["robotics"],
        "keywords": "speech recognition, 음성인식",
        "stage": "startup",
        "language": "ko",
        "needs": {"research": 4, "manufacturing": 0, "market": 3, "capital": 2, "cost": 2,
                  "talent": 5, "policy": 2, "openness": 1, "pilot": 1},
        "exclude": ["west_hub"],
        "minimums": {"cost": 30},
    }
    data.update(overrides)
    return data
