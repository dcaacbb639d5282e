"""Engine texts for a client: the reader's language, no internal material."""

from __future__ import annotations

from advisor.briefs.content import format_value
from advisor.briefs.texts import client_text, text_in


def test_citation_codes_are_removed_from_a_rationale() -> None:
    assert client_text("Mid-level AI engineers earn CNY 0.5–1m a year (seed 003).") == (
        "Mid-level AI engineers earn CNY 0.5–1m a year.")
    assert client_text("상하이는 자본이 가장 많다(001). 인재도 많다 (004)") == (
        "상하이는 자본이 가장 많다. 인재도 많다")


def test_an_unverified_clause_is_dropped_whole() -> None:
    text = ("Beijing's office rents and wages are among China's highest (to verify); "
            "mid-level AI engineers earn CNY 0.5–1m a year (seed 003).")
    assert client_text(text) == "Mid-level AI engineers earn CNY 0.5–1m a year."
    korean = ("베이징은 사무실 임대료와 인건비가 중국 최고 수준이다(검증 필요). "
              "AI 중견 엔지니어 연봉이 50만~100만 위안에 이른다.")
    assert client_text(korean) == "AI 중견 엔지니어 연봉이 50만~100만 위안에 이른다."
    assert client_text("All of it is general knowledge (to verify).") == ""


def test_a_clean_text_is_left_alone() -> None:
    text = "Hefei hosts iFlytek (科大讯飞) and a national AI platform; rents are low."
    assert client_text(text) == text


def test_text_in_prefers_the_bilingual_field() -> None:
    entry = {"reason": "제외 요청", "reason_i18n": {"ko": "제외 요청", "en": "Excluded on request"}}
    assert text_in(entry, "reason", "en", stored_language="ko") == "Excluded on request"
    caveats = {"caveats": ["가", "나"], "caveats_i18n": [{"ko": "가", "en": "A"},
                                                         {"ko": "나", "en": "B"}]}
    assert text_in(caveats, "caveats", "en", stored_language="ko") == ["A", "B"]


def test_text_in_falls_back_for_old_results() -> None:
    old = {"reason": "제외 요청"}
    assert text_in(old, "reason", "ko", stored_language="ko") == "제외 요청"
    assert text_in(old, "reason", "en", stored_language="ko",
                   rebuild=lambda: "Excluded on request") == "Excluded on request"
    assert text_in(old, "reason", "en", stored_language="ko") == "제외 요청"
    assert text_in(old, "reason", "en", stored_language="ko", strict=True) == ""
    assert text_in({"caveats": ["가"]}, "caveats", "en", stored_language="ko", strict=True) == []


def test_metrics_follow_each_languages_conventions() -> None:
    assert format_value(9422, "CNY 100m", "ko") == "9,422억 위안"
    assert format_value(9422, "억 위안", "en") == "CNY 942.2 bn"
    assert format_value(3, "rank", "ko") == "3위"
    assert format_value(3, "rank", "en") == "No. 3"
    assert format_value(5.4, "%", "ko") == "5.4%"
