"""Scores: the formulas of docs/METHODOLOGY.md, knock-outs, cities and caveats."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from advisor.engine import METHOD_VERSION, parse_intake, rank
from advisor.engine.method import NEEDS_WEIGHT, SECTOR_WEIGHT
from advisor.engine.scoring import (
    _contribution_tenths_float,
    _contribution_tenths_whole,
    contribution_order,
    contribution_tenths,
    sort_planes,
)
from clusters.vocabulary import FACTORS

from . import factory

RANKING_KEYS = {"ranking", "excluded", "robustness", "language", "dataset_version",
                "method_version"}
ENTRY_KEYS = {"rank", "cluster", "name", "names", "score", "sector_fit", "needs_fit",
              "contributions", "cities", "caveats"}
ROBUSTNESS_KEYS = {"top_share", "shares", "samples", "seed", "margin", "clear_winner",
                   "runner_up", "flip"}


def ranked(kb, **overrides):
    return rank(parse_intake(factory.intake_data(**overrides), kb), kb)


def entry(result, code):
    return next(e for e in result["ranking"] if e["cluster"] == code)


def test_every_contract_key_is_present(kb):
    result = ranked(kb)
    assert set(result) >= RANKING_KEYS
    assert set(result["robustness"]) >= ROBUSTNESS_KEYS
    for item in result["ranking"]:
        assert set(item) >= ENTRY_KEYS
        for city in item["cities"]:
            assert {"slug", "name", "reason", "sector", "source"} <= set(city)
    assert result["method_version"] == METHOD_VERSION
    assert result["dataset_version"] == kb.version
    assert result["language"] == "ko"


def test_needs_fit_is_the_weighted_mean_of_factor_scores(kb):
    result = ranked(kb)
    needs = result["needs"]
    scores = dict(zip(kb.factor_codes, factory.CLUSTER_SCORES["yrd"], strict=True))
    expected = sum(needs[f] * scores[f] for f in needs) / sum(needs.values())
    assert entry(result, "yrd")["needs_fit"] == pytest.approx(expected, abs=0.05)


def test_sector_fit_blends_primary_secondary_and_keywords(kb):
    result = ranked(kb)  # ai (yrd: 5), robotics (yrd: 4), "speech recognition" matches Hefei
    detail = entry(result, "yrd")["sector_detail"]
    assert detail == {"primary": 100.0, "secondary": 80.0, "keyword_bonus": 7.5,
                      "matched_keywords": ["speech recognition"]}
    assert entry(result, "yrd")["sector_fit"] == 0.70 * 100 + 0.15 * 80 + 7.5
    # Without secondary sectors the primary takes both shares.
    alone = ranked(kb, secondary_sectors=[], keywords="")
    assert entry(alone, "chengyu")["sector_fit"] == 0.85 * 40


def test_total_is_the_documented_blend(kb):
    for item in ranked(kb)["ranking"]:
        blended = SECTOR_WEIGHT * item["sector_fit"] + NEEDS_WEIGHT * item["needs_fit"]
        assert item["score"] == pytest.approx(blended, abs=0.1)


def test_contributions_add_up_to_needs_fit_exactly_after_rounding(kb):
    for item in ranked(kb)["ranking"]:
        tenths = sum(round(c["points"] * 10) for c in item["contributions"])
        assert tenths == round(item["needs_fit"] * 10)
        assert all(c["need"] > 0 for c in item["contributions"])
        assert sum(c["weight"] for c in item["contributions"]) == pytest.approx(1, abs=0.01)


def test_the_ranking_is_sorted_and_numbered(kb):
    result = ranked(kb)
    scores = [e["score"] for e in result["ranking"]]
    assert scores == sorted(scores, reverse=True)
    assert [e["rank"] for e in result["ranking"]] == list(range(1, len(scores) + 1))
    assert all(0 <= e["score"] <= 100 for e in result["ranking"])


def test_knock_outs_are_reported_with_a_reason(kb):
    result = ranked(kb, exclude=["west_hub"], minimums={"cost": 38})
    excluded = {e["cluster"]: e for e in result["excluded"]}
    assert set(excluded) == {"west_hub", "jjj"}  # jjj cost 35 < 38; gba has 38
    assert excluded["west_hub"]["code"] == "excluded"
    assert excluded["jjj"]["code"] == "below_minimum"
    assert "35" in excluded["jjj"]["reason"] and "38" in excluded["jjj"]["reason"]
    assert {e["cluster"] for e in result["ranking"]} | set(excluded) == set(kb.cluster_codes)


def test_a_minimum_of_zero_asks_for_nothing(kb):
    assert ranked(kb, exclude=[], minimums={"cost": 0})["excluded"] == []


def test_everything_knocked_out_is_an_empty_ranking_not_an_error(kb):
    result = ranked(kb, exclude=[], minimums={"research": 100})
    assert result["ranking"] == []
    assert len(result["excluded"]) == len(kb.clusters)
    robustness = result["robustness"]
    assert robustness["top_share"] == 0.0 and robustness["shares"] == {}
    assert robustness["clear_winner"] is False and robustness["flip"] is None


def test_all_zero_needs_use_the_default_weights(kb):
    zero = ranked(kb, needs=dict.fromkeys(kb.factor_codes, 0))
    equal = ranked(kb, needs=dict.fromkeys(kb.factor_codes, 1))
    assert zero["needs_defaulted"] is True and equal["needs_defaulted"] is False
    assert [(e["cluster"], e["needs_fit"]) for e in zero["ranking"]] == [
        (e["cluster"], e["needs_fit"]) for e in equal["ranking"]
    ]


def test_scores_are_absolute_adding_a_cluster_changes_no_other_score(kb):
    extra = factory.cluster("taiwan_strait", (99,) * len(FACTORS), {"ai": 5})
    bigger = factory.build(extra=(extra,))
    intake = parse_intake(factory.intake_data(), kb)
    before = {e["cluster"]: (e["score"], e["sector_fit"], e["needs_fit"])
              for e in rank(intake, kb)["ranking"]}
    after = {e["cluster"]: (e["score"], e["sector_fit"], e["needs_fit"])
             for e in rank(intake, bigger)["ranking"]}
    assert after.pop("taiwan_strait")
    assert after == before


def test_weak_top_needs_and_relevant_challenges_become_caveats(kb):
    result = ranked(kb, exclude=[], minimums={},
                    needs={"cost": 5, "manufacturing": 4, "research": 1})
    jjj = entry(result, "jjj")["caveats"]
    assert any("35/100" in text for text in jjj)  # cost 35 < 50, rated 5
    assert any("연구 성과의 산업화 격차" in text for text in jjj)  # challenge on manufacturing
    # A challenge without a factor concerns every company.
    assert any("동부 시장과의 거리" in text for text in entry(result, "west_hub")["caveats"])
    calm = ranked(kb, exclude=[], minimums={}, needs={"research": 5})
    assert entry(calm, "jjj")["caveats"] == []


def test_results_are_in_the_intakes_language(kb):
    result = ranked(kb, language="en")
    yrd = entry(result, "yrd")
    assert result["language"] == "en"
    assert yrd["name"] == "Yangtze River Delta (长三角)"
    assert yrd["names"] == {"ko": "창장삼각주", "en": "Yangtze River Delta", "zh": "长三角"}
    assert yrd["cities"][0]["name"] == "Hefei (合肥)"
    assert "source:" in yrd["cities"][0]["reason"]


def test_cities_fall_back_to_core_cities_when_no_specialty_fits(kb):
    result = ranked(kb, sector="fintech", secondary_sectors=[], keywords="", exclude=[],
                    minimums={}, language="en")
    northeast = entry(result, "northeast")["cities"]
    assert [c["slug"] for c in northeast] == ["shenyang"]
    assert northeast[0]["source"] == "" and "core city" in northeast[0]["reason"]


def test_results_do_not_share_mutable_parts(kb):
    intake = parse_intake(factory.intake_data(), kb)
    first = rank(intake, kb)
    first["ranking"][0]["cities"][0]["reason"] = "changed"
    first["ranking"][0]["names"]["ko"] = "changed"
    first["ranking"][0]["caveats"].append("changed")
    assert rank(intake, kb) != first


def test_the_worked_example_of_the_methodology(kb):
    """docs/METHODOLOGY.md section 8 quotes these numbers: keep the two in step."""
    result = ranked(kb, language="en")
    rows = [(e["cluster"], e["score"], e["sector_fit"], e["needs_fit"])
            for e in result["ranking"][:4]]
    assert rows == [("yrd", 86.4, 89.5, 83.3), ("jjj", 79.3, 79.0, 79.5),
                    ("gba", 75.7, 71.0, 80.4), ("chengyu", 47.2, 28.0, 66.4)]
    yrd = result["ranking"][0]
    assert [(c["factor"], c["points"]) for c in yrd["contributions"]] == [
        ("talent", 22.5), ("research", 17.6), ("market", 13.5), ("capital", 9.0),
        ("policy", 8.2), ("openness", 4.3), ("pilot", 4.2), ("cost", 4.0),
    ]
    assert yrd["cities"][0]["slug"] == "hefei" and yrd["caveats"] == []
    assert [e["cluster"] for e in result["excluded"]] == ["west_hub"]
    robustness = result["robustness"]
    assert (robustness["top_share"], robustness["margin"], robustness["clear_winner"],
            robustness["flip"]) == (1.0, 7.1, True, None)

    close = ranked(kb, sector="ev", needs={"research": 4, "talent": 5, "cost": 2},
                   exclude=[], minimums={}, keywords="", secondary_sectors=[])
    assert [(e["cluster"], e["score"]) for e in close["ranking"][:2]] == [
        ("yrd", 84.6), ("gba", 84.5)]
    assert close["robustness"]["top_share"] == pytest.approx(0.63, abs=0.005)
    assert close["robustness"]["clear_winner"] is False
    assert close["robustness"]["flip"] == {"factor": "research", "from_weight": 4,
                                           "to_weight": 3}


def test_equal_remainders_give_the_missing_tenth_to_the_earlier_factor():
    # 10 * 4 * 72 / 29 and 10 * 5 * 75 / 29 both leave 9/29 of a tenth: factor 1 comes
    # before factor 4, so it gets the tenth (floating point once said factor 4 by a hair).
    weights = np.array([[5.0, 4, 5, 0, 5, 2, 0, 4, 4]])
    scores = np.array([[72.0, 72, 62, 55, 75, 70, 72, 45, 62]])
    denominator = weights.sum(axis=1)
    needs_fit = (weights @ scores.T) / denominator[:, None]
    points, total = contribution_tenths(weights, denominator, scores, needs_fit)
    assert points[0, 0].tolist() == [124, 100, 107, 0, 129, 48, 0, 62, 86]
    assert total[0, 0] == 656 == round(needs_fit[0, 0] * 10)


@pytest.mark.parametrize("size", range(1, 13))
def test_the_sorting_network_sorts_every_zero_one_input(size):
    # The 0-1 principle: a comparator network that sorts every 0/1 input sorts everything.
    inputs = np.array(list(itertools.product([0, 1], repeat=size)), dtype=np.int8).T
    # Many positions, as the engine passes to the network (sort_first_axis uses np.sort below).
    inputs = np.tile(inputs, (1, -(-4096 // inputs.shape[1])))
    ascending = np.stack(sort_planes(list(inputs)))
    assert (np.diff(ascending.astype(int), axis=0) >= 0).all()
    assert (ascending.sum(axis=0) == inputs.sum(axis=0)).all()


def test_whole_and_float_contributions_agree_except_on_exact_ties():
    rng = np.random.default_rng(7)
    weights = rng.integers(0, 6, size=(3000, 9)).astype(float)
    weights[weights.sum(axis=1) == 0, 0] = 1
    scores = rng.integers(0, 101, size=(9, 9)).astype(float)
    denominator = weights.sum(axis=1)
    needs_fit = (weights @ scores.T) / denominator[:, None]
    whole, whole_total = _contribution_tenths_whole(weights, denominator, scores, needs_fit)
    floats, float_total = _contribution_tenths_float(weights, denominator, scores, needs_fit)
    assert (whole_total == float_total).all()
    assert (whole_total == np.floor(needs_fit * 10 + 0.5)).all()
    rows, clusters = np.nonzero((whole != floats).any(axis=2))
    for i, c in zip(rows.tolist(), clusters.tolist(), strict=True):
        exact = [Fraction(int(10 * weights[i, f] * scores[c, f]), int(denominator[i])) % 1
                 for f in range(9)]
        changed = np.flatnonzero(whole[i, c] != floats[i, c])
        assert len({exact[f] for f in changed}) == 1  # only tied remainders swap


def test_contribution_order_is_a_stable_sort_of_the_listed_factors():
    rng = np.random.default_rng(3)
    points = rng.integers(0, 40, size=(500, 9, 9))  # many equal points: ties matter
    listed = rng.random((500, 9)) < 0.7
    order = contribution_order(points, listed)
    for i in range(500):
        k = int(listed[i].sum())
        for c in range(9):
            expected = sorted(np.flatnonzero(listed[i]).tolist(), key=lambda f: -points[i, c, f])
            assert order[i, c, :k].tolist() == expected
            assert (order[i, c, k:] == -1).all()
