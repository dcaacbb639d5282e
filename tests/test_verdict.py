"""The one verdict (advisor/engine/verdict.py): METHODOLOGY §7, worded once for all outputs."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from advisor.charts import ranking_bar_chart, shown
from advisor.engine.verdict import percent_of, verdict


def result(share: float | None, margin: float | None, ranked: int = 3,
           **robustness: Any) -> dict[str, Any]:
    ranking = [{"rank": i + 1, "cluster": f"c{i}", "score": 80.0 - 5 * i} for i in range(ranked)]
    return {"ranking": ranking, "robustness": {"top_share": share, "margin": margin, **robustness}}


@pytest.mark.parametrize(("share", "margin", "code"), [
    (0.59, 0.2, "no_clear_winner"),   # the page said "no clear winner", the brief "fairly robust"
    (0.90, 0.9, "no_clear_winner"),   # not "fully robust": the lead is under 3 points
    (0.86, 3.2, "clear_winner"),
    (0.60, 3.0, "clear_winner"),      # both thresholds are inclusive
    (0.5999, 9.0, "no_clear_winner"),
])
def test_it_follows_the_methods_thresholds(share: float, margin: float, code: str) -> None:
    decided = verdict(result(share, margin))
    assert decided.code == code
    assert decided.clear is (code == "clear_winner")


def test_the_figures_decide_not_a_stale_flag() -> None:
    assert verdict(result(0.59, 0.2, clear_winner=True)).clear is False


def test_a_single_cluster_is_a_clear_winner_and_none_is_not() -> None:
    assert verdict(result(1.0, None, ranked=1)).code == "only_cluster"
    assert verdict(result(None, None, ranked=0)).code == "no_cluster"
    assert verdict(result(None, None, ranked=0)).clear is False


def test_an_old_result_without_a_margin_takes_it_from_the_scores() -> None:
    decided = verdict(result(0.9, None))  # scores 80 and 75
    assert decided.margin == 5.0 and decided.clear


def test_the_words_in_english_and_korean() -> None:
    with translation.override("en"):
        decided = verdict(result(0.59, 0.2), runner_up="Greater Bay Area")
        assert decided.label == "No clear winner"
        assert "59%" in decided.sentence and "0.2 points" in decided.sentence
        assert "no clear winner" in decided.sentence
        assert "Greater Bay Area" in decided.sentence
    with translation.override("ko"):
        decided = verdict(result(0.59, 0.2), runner_up="웨강아오 대만구")
        assert decided.label == "뚜렷한 1위 없음"
        assert "59%에서 1위" in decided.sentence and "뚜렷한 1위는 아닙니다" in decided.sentence


def test_percent_rounds_half_up_like_the_tables() -> None:
    assert percent_of(0.595) == 60 and percent_of(0.585) == 59 and percent_of("x") is None


def test_the_chart_and_the_table_round_alike() -> None:
    # f"{64.5:.0f}" gives "64" (half to even) while the table's floatformat gives "65".
    assert shown(64.5) == "65" and shown(92.5) == "93" and shown(81.45, 1) == "81.5"
    svg = ranking_bar_chart(
        [{"rank": 1, "cluster": "yrd", "names": {"en": "YRD"}, "score": 78.25,
          "sector_fit": 64.5, "needs_fit": 92.5}], language="en")
    assert "65 · 93" in svg and ">78.3<" in svg
