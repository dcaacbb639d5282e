"""Scores: the formulas of docs/METHODOLOGY.md, knock-outs, cities and caveats."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from advisor.engine import METHOD_VERSION, parse_intake, rank
from advisor.engine import method as m
from advisor.engine.method import NEEDS_WEIGHT, SECTOR_WEIGHT
from advisor.engine.scoring import contribution_order, contribution_tenths

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
    scores = dict(zip(factory.FACTORS, factory.CLUSTER_SCORES["yrd"], strict=True))
    expected = sum(needs[f] * scores[f] for f in needs) / sum(needs.values())
    assert entry(result, "yrd")["needs_fit"] == pytest.approx(expected, abs=0.05)
    assert needs["korea_link"] == m.NEED_DEFAULTS["korea_link"]  # left out: its default


def test_sector_dependent_factors_are_capped_by_the_sectors_strength(kb):
    # chengyu is of strength 2 in AI: its research (65), market (68) and talent (68) count
    # at most 20 + 20 * 2 = 60 for an AI company; cost (72) and policy (75) are not capped.
    result = ranked(kb, exclude=[], minimums={})
    contributions = {c["factor"]: c for c in entry(result, "chengyu")["contributions"]}
    assert contributions["research"]["factor_score"] == 60
    assert contributions["research"]["basis"] == "capped"
    assert contributions["market"]["factor_score"] == 60
    assert contributions["cost"]["factor_score"] == 72
    assert contributions["cost"]["basis"] == "general"
    # yrd is of strength 5 in AI: nothing capped.
    assert {c["basis"] for c in entry(result, "yrd")["contributions"]} == {"general"}


def test_a_sector_specific_score_replaces_the_general_one(kb):
    result = ranked(kb, sector="data_centers", secondary_sectors=[], keywords="",
                    exclude=[], minimums={}, needs={"cost": 5, "policy": 4})
    west = {c["factor"]: c for c in entry(result, "west_hub")["contributions"]}
    assert (west["cost"]["factor_score"], west["cost"]["basis"]) == (98, "sector")
    assert (west["policy"]["factor_score"], west["policy"]["basis"]) == (95, "sector")
    yrd = {c["factor"]: c for c in entry(result, "yrd")["contributions"]}
    assert (yrd["cost"]["factor_score"], yrd["cost"]["basis"]) == (20, "sector")
    # For another sector the same clusters are judged on their general scores.
    other = ranked(kb, sector="ai", exclude=[], minimums={}, needs={"cost": 5})
    assert entry(other, "west_hub")["contributions"][0]["factor_score"] == 90


def test_sector_fit_blends_strength_specialisation_evidence_and_keywords(kb):
    result = ranked(kb)  # ai (yrd: 5), robotics (yrd: 4), "speech recognition" matches Hefei
    yrd = entry(result, "yrd")
    detail = yrd["sector_detail"]
    strengths = factory.STRENGTHS["yrd"]
    mean = sum(strengths.values()) / len(factory.SECTORS)
    quotient = 5 / mean
    assert detail["primary"] == 100.0 and detail["secondary"] == 80.0
    assert detail["strength"] == pytest.approx(m.PRIMARY_SHARE * 100 + m.SECONDARY_SHARE * 80)
    assert detail["location_quotient"] == pytest.approx(quotient, abs=0.005)
    assert detail["specialisation"] == pytest.approx(
        100 * min(1, quotient / m.LQ_FULL), abs=0.05)
    assert detail["city_evidence"] == 100.0  # Hefei and Hangzhou hold AI specialties
    assert detail["keyword"] == 100.0  # the company's one concept, held by Hefei's specialty
    assert detail["matched_keywords"] == ["speech recognition"]
    expected = (m.STRENGTH_SHARE * detail["strength"]
                + m.SPECIALISATION_SHARE * detail["specialisation"]
                + m.EVIDENCE_SHARE * 100 + m.KEYWORD_SHARE * 100)
    assert yrd["sector_fit"] == pytest.approx(expected, abs=0.06)
    # Without secondary sectors the primary counts for both shares; no evidence, no words.
    alone = entry(ranked(kb, secondary_sectors=[], keywords="", exclude=[]), "west_hub")
    assert alone["sector_detail"]["strength"] == 0.0  # no AI strength there
    assert alone["sector_detail"]["city_evidence"] == 0.0


def test_a_specialised_cluster_can_beat_a_larger_one(kb):
    # Data centres: west_hub (strength 5, its distinctive sector) against yrd (no data-centre
    # strength) and jjj. The company rates cost and policy highest.
    result = ranked(kb, sector="data_centers", secondary_sectors=[], keywords="data center",
                    exclude=[], minimums={},
                    needs={"research": 1, "manufacturing": 1, "market": 3, "capital": 3,
                           "cost": 5, "talent": 2, "policy": 4, "openness": 1, "pilot": 1})
    assert result["ranking"][0]["cluster"] == "west_hub"
    assert result["ranking"][0]["cities"][0]["slug"] == "guiyang"


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
    extra = factory.cluster("taiwan_strait", (99,) * len(factory.FACTORS), {"ai": 5})
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
    # A challenge without a factor or sectors concerns every company.
    assert any("동부 시장과의 거리" in text for text in entry(result, "west_hub")["caveats"])
    calm = ranked(kb, exclude=[], minimums={}, needs={"research": 5})
    assert entry(calm, "jjj")["caveats"] == []


def test_a_challenge_of_other_sectors_is_no_caveat(kb):
    ai = ranked(kb, exclude=[], minimums={}, needs={"research": 5})
    assert not any("내연기관차" in t for t in entry(ai, "jjj")["caveats"])
    ev = ranked(kb, sector="ev", secondary_sectors=[], exclude=[], minimums={},
                needs={"research": 5})
    assert any("내연기관차" in t for t in entry(ev, "jjj")["caveats"])


def test_every_explanation_is_also_written_in_the_other_language(kb):
    result = ranked(kb, exclude=["west_hub"], minimums={"cost": 38},
                    needs={"cost": 5, "manufacturing": 4})
    jjj_excluded = next(e for e in result["excluded"] if e["cluster"] == "jjj")
    assert set(jjj_excluded["reason_i18n"]) == {"ko", "en"}
    assert jjj_excluded["reason"] == jjj_excluded["reason_i18n"]["ko"]
    assert "below the required minimum" in jjj_excluded["reason_i18n"]["en"]
    yrd = entry(result, "yrd")
    city = yrd["cities"][0]
    assert city["reason"] == city["reason_i18n"]["ko"]
    assert city["reason_i18n"]["en"].startswith("Hefei (合肥): ")
    assert len(yrd["caveats_i18n"]) == len(yrd["caveats"])
    for text, both in zip(yrd["caveats"], yrd["caveats_i18n"], strict=True):
        assert text == both["ko"] and both["en"]


def test_results_are_in_the_intakes_language(kb):
    result = ranked(kb, language="en")
    yrd = entry(result, "yrd")
    assert result["language"] == "en"
    assert yrd["name"] == "Yangtze River Delta (长三角)"
    assert yrd["names"] == {"ko": "창장삼각주", "en": "Yangtze River Delta", "zh": "长三角"}
    assert yrd["cities"][0]["name"] == "Hefei (合肥)"
    assert "source:" in yrd["cities"][0]["reason"]


def test_cities_are_named_only_on_evidence_core_cities_apart(kb):
    result = ranked(kb, sector="fintech", secondary_sectors=[], keywords="", exclude=[],
                    minimums={}, language="en")
    northeast = entry(result, "northeast")
    assert northeast["cities"] == []
    assert [c["slug"] for c in northeast["core_cities"]] == ["shenyang"]
    assert "no sourced city specialty in fintech" in northeast["city_note"]
    assert set(northeast["city_note_i18n"]) == {"ko", "en"}
    # A cluster with evidence lists no core cities.
    drones = ranked(kb, sector="drones", secondary_sectors=[], keywords="", exclude=[])
    gba = entry(drones, "gba")
    assert [c["slug"] for c in gba["cities"]] == ["shenzhen"] and "core_cities" not in gba


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
    assert rows == [("yrd", 93.4, 98.8, 83.5), ("jjj", 68.5, 62.6, 79.5),
                    ("gba", 60.4, 50.2, 79.5), ("chengyu", 43.9, 34.6, 61.1)]
    yrd = result["ranking"][0]
    assert [(c["factor"], c["points"]) for c in yrd["contributions"]] == [
        ("talent", 20.5), ("research", 16.0), ("market", 12.3), ("capital", 8.2),
        ("korea_link", 7.7), ("policy", 7.4), ("openness", 3.9), ("pilot", 3.9), ("cost", 3.6),
    ]
    assert yrd["sector_detail"]["location_quotient"] == 3.0
    assert [c["slug"] for c in yrd["cities"]] == ["hefei", "hangzhou"]
    assert yrd["caveats"] == []
    chengyu = result["ranking"][3]
    assert chengyu["cities"] == []
    assert [c["slug"] for c in chengyu["core_cities"]] == ["chengdu", "chongqing"]
    assert [e["cluster"] for e in result["excluded"]] == ["west_hub"]
    robustness = result["robustness"]
    assert (robustness["top_share"], robustness["margin"], robustness["clear_winner"],
            robustness["flip"]) == (1.0, 24.9, True, None)

    close = ranked(kb, sector="ev", needs={"research": 4, "talent": 5, "cost": 2},
                   exclude=[], minimums={}, keywords="", secondary_sectors=[])
    assert [(e["cluster"], e["score"]) for e in close["ranking"][:2]] == [
        ("yrd", 65.2), ("gba", 64.8)]
    assert close["robustness"]["top_share"] == pytest.approx(0.84, abs=0.005)
    assert close["robustness"]["clear_winner"] is False
    assert close["robustness"]["flip"] is None


def test_equal_remainders_give_the_missing_tenth_to_the_earlier_factor():
    # 10 * 4 * 72 / 29 and 10 * 5 * 75 / 29 both leave 9/29 of a tenth: factor 1 comes
    # before factor 4, so it gets the tenth (floating point once said factor 4 by a hair).
    weights = np.array([[5.0, 4, 5, 0, 5, 2, 0, 4, 4]])
    scores = np.array([[[72.0, 72, 62, 55, 75, 70, 72, 45, 62]]])  # (n, C, F)
    denominator = weights.sum(axis=1)
    needs_fit = np.einsum("nf,ncf->nc", weights, scores) / denominator[:, None]
    points, total = contribution_tenths(weights, denominator, scores, needs_fit)
    assert points[0, 0].tolist() == [124, 100, 107, 0, 129, 48, 0, 62, 86]
    assert total[0, 0] == 656 == round(needs_fit[0, 0] * 10)


def test_whole_and_float_contributions_agree_except_on_exact_ties():
    rng = np.random.default_rng(7)
    weights = rng.integers(0, 6, size=(3000, 9)).astype(float)
    weights[weights.sum(axis=1) == 0, 0] = 1
    scores = np.broadcast_to(rng.integers(0, 101, size=(9, 9)).astype(float), (3000, 9, 9))
    denominator = weights.sum(axis=1)
    needs_fit = np.einsum("nf,ncf->nc", weights, scores) / denominator[:, None]
    whole, whole_total = contribution_tenths(weights, denominator, scores, needs_fit)
    # The same numbers plus a negligible non-integer part take the floating-point path.
    floats, float_total = contribution_tenths(weights, denominator, scores + 1e-9, needs_fit)
    assert (whole_total == float_total).all()
    assert (whole_total == np.floor(needs_fit * 10 + 0.5)).all()
    rows, clusters = np.nonzero((whole != floats).any(axis=2))
    for i, c in zip(rows.tolist(), clusters.tolist(), strict=True):
        exact = [Fraction(int(10 * weights[i, f] * scores[i, c, f]), int(denominator[i])) % 1
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
