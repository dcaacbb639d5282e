"""What a client may read: seed citation codes and parts marked "to verify" are removed.

Plain functions over strings (clusters.citations), tested without a database.
"""

from __future__ import annotations

import pytest

from clusters.citations import client_text, has_unverified_mark, is_unverified


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        # A citation code alone, with a note on where the analyst placed the firm, in a list.
        ("Display maker BOE is 2nd in electronic components (004; Beijing headquarters "
         "analyst-added).", "Display maker BOE is 2nd in electronic components."),
        ("Cambricon in AI chip design (003) and NAURA (004).",
         "Cambricon in AI chip design and NAURA."),
        ("Chengdu leads (003, 004).", "Chengdu leads."),
        ("Beijing's AI salaries (seed 003) are high.", "Beijing's AI salaries are high."),
        ("중관춘의 항천성(002), 중항커공(AviChina)(004; 베이징 소재는 분석가 판단).",
         "중관춘의 항천성, 중항커공(AviChina)."),
        # A period and a code share a parenthesis: the period stays.
        ("광저우의 실질 성장률(2024년 1~3분기, 004)은 2.0%였다.",
         "광저우의 실질 성장률(2024년 1~3분기)은 2.0%였다."),
        ("Xiangtan (e.g. manganese, 002).", "Xiangtan (e.g. manganese)."),
        ("Centred on Hefei (city assignment analyst-added).", "Centred on Hefei."),
        ("허페이가 그 중심이다(도시 배정은 분석가 판단).", "허페이가 그 중심이다."),
        # Ordinary parentheses are left alone.
        ("Hefei (合肥) grew 5.8% (2025).", "Hefei (合肥) grew 5.8% (2025)."),
    ],
)
def test_internal_citation_codes_are_removed(stored: str, shown: str) -> None:
    assert client_text(stored) == shown


def test_a_clause_marked_to_verify_is_dropped_and_the_rest_kept() -> None:
    stored = ("Fuel-cell maker SinoHytec is 10th in the battery ranking (004; Beijing location "
              "analyst-added); a national fuel-cell-vehicle demonstration cluster (to verify).")
    assert client_text(stored) == "Fuel-cell maker SinoHytec is 10th in the battery ranking."


def test_a_qualified_mark_drops_its_sentence() -> None:
    assert client_text(
        "AVIC Chengdu builds the J-20 (fighter types to verify). Chengdu hosts Wing Loong."
    ) == "Chengdu hosts Wing Loong."
    assert client_text("청두항공기가 J-20을 생산한다(전투기 기종은 검증 필요).") == ""


def test_a_korean_sentence_marked_to_verify_is_dropped() -> None:
    stored = "시안의 공과대학 집적(002). 졸업생이 연해로 떠나는 경향이 있다(검증 필요)."
    assert client_text(stored) == "시안의 공과대학 집적."


def test_the_analysts_note_on_where_a_fact_belongs_is_dropped() -> None:
    assert client_text(
        "Inner Mongolia has 220,000 PFLOPS (001); assigning it to Hohhot is an analyst judgement."
    ) == "Inner Mongolia has 220,000 PFLOPS."
    assert client_text(
        "구이저우는 150개 이상의 파트너를 유치했다(001). 구이양 배정은 분석가 판단이다."
    ) == "구이저우는 150개 이상의 파트너를 유치했다."


def test_a_text_that_is_all_unverified_becomes_empty() -> None:
    assert client_text("분석가 판단(검증 필요): 배터리 셀 제조 기반은 약하다.") == ""
    assert client_text("SEMICON China 2027 (dates to verify)") == ""


def test_a_caveat_citing_the_unverified_source_disappears_whole() -> None:
    caveat = ("The talent pool is small (to verify). — source: Analyst judgement — to verify, "
              "China Entry Advisor knowledge base, 2026-11-21")
    assert client_text(caveat) == ""


def test_a_sourced_caveat_keeps_its_source_label() -> None:
    caveat = "AI engineers earn CNY 0.5–0.8m. — source: Weekly China Start-up no. 403, 2024-12-01"
    assert client_text(caveat) == caveat


def test_the_marks_and_the_kind_are_recognised() -> None:
    assert has_unverified_mark("A zone (to verify).")
    assert has_unverified_mark("연구기관(검증 필요)")
    assert not has_unverified_mark("A verified zone (2004 review).")
    assert is_unverified("analyst_unverified")
    assert not is_unverified("analyst")
    assert client_text("") == ""
