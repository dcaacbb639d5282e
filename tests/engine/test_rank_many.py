"""rank_many is the same engine vectorised: every result equals rank() of that intake."""

from __future__ import annotations

import random

from advisor.engine import parse_intake, rank, rank_many
from advisor.engine.robustness import _CHUNK


def varied_intakes(kb, count: int, seed: int = 7):
    rnd = random.Random(seed)
    sectors = list(kb.sector_codes)
    keywords = ["", "drone", "음성인식, LLM", "语音识别", "industrial robot; 데이터센터", "x"]
    intakes = []
    for k in range(count):
        sector = rnd.choice(sectors)
        secondary = rnd.sample([s for s in sectors if s != sector], rnd.randint(0, 3))
        needs = {f: rnd.randint(0, 5) for f in kb.factor_codes if rnd.random() < 0.9}
        if k % 17 == 0:
            needs = dict.fromkeys(kb.factor_codes, 0)  # the default weights
        exclude = rnd.sample(list(kb.cluster_codes), rnd.choice([0, 0, 1, 2, 9]))
        minimums = {rnd.choice(kb.factor_codes): rnd.choice([0, 40, 60, 80])} if k % 3 else {}
        intakes.append(parse_intake({
            "company_name": f"Company {k}", "sector": sector, "secondary_sectors": secondary,
            "keywords": rnd.choice(keywords), "language": rnd.choice(["ko", "en"]),
            "needs": needs, "exclude": exclude, "minimums": minimums,
        }, kb))
    return intakes


def test_each_result_equals_the_single_path(kb):
    intakes = varied_intakes(kb, 3 * _CHUNK + 5)  # several chunks and a partial one
    batch = rank_many(intakes, kb)
    assert len(batch) == len(intakes)
    for intake, result in zip(intakes, batch, strict=True):
        assert result == rank(intake, kb)


def test_a_result_does_not_depend_on_its_neighbours(kb):
    intakes = varied_intakes(kb, 40, seed=11)
    forward = rank_many(intakes, kb)
    backward = rank_many(intakes[::-1], kb)[::-1]
    assert forward == backward
    assert rank_many(intakes[5:6] * 3, kb) == [forward[5]] * 3


def test_the_batch_covers_the_edge_cases(kb):
    results = rank_many(varied_intakes(kb, 120, seed=3), kb)
    assert any(r["ranking"] == [] for r in results)  # everything knocked out
    assert any(r["needs_defaulted"] for r in results)
    assert any(r["robustness"]["flip"] for r in results)
    assert {r["language"] for r in results} == {"ko", "en"}


def test_an_empty_batch_is_an_empty_list(kb):
    assert rank_many([], kb) == []


def test_the_engines_passes_do_not_change_any_result(kb, monkeypatch):
    # ranking.CHUNK intakes per NumPy pass: passes of 7 cut this batch at many places and
    # must give the same results.
    from advisor.engine import ranking

    intakes = varied_intakes(kb, 60, seed=5)
    whole = rank_many(intakes, kb)
    monkeypatch.setattr(ranking, "CHUNK", 7)
    assert rank_many(intakes, kb) == whole
