"""What the brief says about a city: its reason once, its source once (as a numbered note)."""

from __future__ import annotations

from django.utils import translation

from advisor.briefs.content import city_detail
from clusters.snapshot import Names, SectorInfo, Snapshot, SpecialtyInfo

SNAPSHOT = Snapshot.from_parts(
    factors=(), clusters=(),
    sectors=(SectorInfo("ai", Names("인공지능", "Artificial intelligence")),),
    specialties=(
        SpecialtyInfo("hefei-voice", "hefei", "ai", "AI 음성의 도시", "City of voice AI",
                      ("음성인식", "speech recognition"), source="newsletter"),
    ),
)
ENGINE_CITY = {
    "slug": "hefei", "name": "허페이 (合肥)", "source": "newsletter",
    "specialty": "hefei-voice", "matched_keywords": ["speech recognition"],
    "reason": "허페이 (合肥): AI 음성의 도시(“speech recognition”와 일치) — 출처: 뉴스레터",
    "detail": "AI 음성의 도시(“speech recognition”와 일치) — 출처: 뉴스레터",
}


def test_the_city_reason_leaves_the_source_to_the_numbered_note() -> None:
    with translation.override("ko"):
        detail = city_detail(ENGINE_CITY, "ko", SNAPSHOT)
    assert "AI 음성의 도시" in detail and "speech recognition" in detail
    assert "출처" not in detail and "뉴스레터" not in detail


def test_an_english_brief_of_a_korean_assessment_gives_the_reason_in_english() -> None:
    with translation.override("en"):
        detail = city_detail(ENGINE_CITY, "en", SNAPSHOT)
    assert detail == "City of voice AI (matches “speech recognition”)"


def test_an_unknown_specialty_keeps_the_stored_reason_without_its_source() -> None:
    city = {**ENGINE_CITY, "specialty": "gone-since"}
    assert city_detail(city, "ko", SNAPSHOT) == "AI 음성의 도시(“speech recognition”와 일치)"
    english = {**city, "detail": "City of voice AI — source: Newsletter, 2025-11-08"}
    assert city_detail(english, "en", None) == "City of voice AI"


def test_a_reason_without_a_source_is_kept_whole() -> None:
    city = {"slug": "x", "source": "", "specialty": None,
            "detail": "a core city of the cluster — no specialty recorded yet"}
    assert city_detail(city, "en", SNAPSHOT) == city["detail"]


KOREAN_RESULT_EXCLUDED = {"cluster": "west", "code": "below_minimum",
                          "reason": "비용 점수 40점으로, 요구한 최소 50점보다 낮습니다."}


def test_an_exclusion_reason_in_the_briefs_own_language_is_kept() -> None:
    from advisor.briefs.content import _excluded_reason

    reason = _excluded_reason(KOREAN_RESULT_EXCLUDED, "ko", "ko", {}, {})
    assert reason == KOREAN_RESULT_EXCLUDED["reason"]


def test_an_english_brief_of_a_korean_assessment_says_why_in_english() -> None:
    from advisor.briefs.content import _excluded_reason

    intake = {"minimums": {"cost": 50}}
    with translation.override("en"):
        below = _excluded_reason(KOREAN_RESULT_EXCLUDED, "ko", "en", intake, {"cost": "Cost"})
        asked = _excluded_reason({"code": "excluded", "reason": "회사 요청에 따라 제외했습니다."},
                                 "ko", "en", intake, {"cost": "Cost"})
    assert below == "Below a minimum the company set (Cost ≥ 50)."
    assert asked == "Excluded at the company's request."


def test_a_korean_reason_needs_no_particle_after_the_keyword() -> None:
    # "음성인식" ends in a consonant, "speech recognition" in none: the sentence must read
    # right after either, so it puts no 와/과 after the keyword.
    for keyword in ("음성인식", "speech recognition"):
        city = {**ENGINE_CITY, "matched_keywords": [keyword]}
        with translation.override("ko"):
            detail = city_detail(city, "ko", SNAPSHOT)
        assert detail == f"AI 음성의 도시(키워드 “{keyword}” 일치)"
