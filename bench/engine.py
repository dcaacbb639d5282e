"""Engine timings against a NumPy floor measured in the same run (not a test).

    .venv/bin/python bench/engine.py [--intakes 10000] [--runs 300]

Uses the code-built 9-cluster snapshot of tests/engine/factory.py, so no database is needed.
Prints:

* one intake: median engine time of ``rank`` (validation excluded), target < 1 ms;
* 10,000 intakes through ``rank_many``, split into the numeric engine (scores, knock-outs,
  order, robustness samples, flips, contributions) and the assembly of the JSON results;
* the floor: a bare (n_intakes x factors) @ (factors x clusters) product plus an argsort of
  the (n x clusters) result, and, for the robustness part, the same product for all samples
  ((n * samples) x factors) @ (factors x clusters) plus an argmax.

Target from issue 3: 10,000 intakes within 5x the floor plus sorting. Ratios are printed as
they are measured; on a shared machine run it twice.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

import django  # noqa: E402

django.setup()

from advisor.engine import parse_intake, rank, rank_many  # noqa: E402
from advisor.engine.method import ROBUSTNESS_SAMPLES  # noqa: E402
from advisor.engine.prepared import prepare  # noqa: E402
from advisor.engine.robustness import flips, sample_counts  # noqa: E402
from advisor.engine.scoring import contribution_tenths, inputs_for, score  # noqa: E402
from tests.engine import factory  # noqa: E402


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def best_time(fn: Callable[[], object], runs: int = 3) -> float:
    return min(median_time(fn, 1) for _ in range(runs))


def make_intakes(snapshot, count: int) -> list:
    rnd = random.Random(2026)
    sectors = list(snapshot.sector_codes)
    keywords = ["", "", "drone", "음성인식, LLM", "语音识别", "fuel cell; 데이터센터"]
    return [
        parse_intake({
            "company_name": f"Company {k}",
            "sector": (sector := rnd.choice(sectors)),
            "secondary_sectors": rnd.sample([s for s in sectors if s != sector],
                                            rnd.randint(0, 2)),
            "keywords": rnd.choice(keywords),
            "language": rnd.choice(["ko", "en"]),
            "needs": {f: rnd.randint(0, 5) for f in snapshot.factor_codes},
            "exclude": rnd.sample(list(snapshot.cluster_codes), rnd.choice([0, 0, 1])),
            "minimums": {"cost": 40} if k % 5 == 0 else {},
        }, snapshot)
        for k in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intakes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    snapshot = factory.build()
    prep = prepare(snapshot)
    n_factors, n_clusters = len(prep.factor_codes), len(prep.cluster_codes)
    intakes = make_intakes(snapshot, args.intakes)
    rank_many(intakes, snapshot)  # warm the caches (gamma columns, keyword matches, texts)
    rng = np.random.default_rng(0)

    # One intake.
    one = intakes[0]
    single = median_time(lambda: rank(one, snapshot), args.runs)
    w1 = rng.random((1, n_factors))
    s = rng.random((n_factors, n_clusters))
    floor1 = median_time(lambda: np.argsort(w1 @ s, axis=1), args.runs)
    print(f"one intake      rank(): {single * 1e3:7.3f} ms (median of {args.runs}); "
          f"target < 1 ms: {'met' if single < 1e-3 else 'NOT met'}")
    print(f"                floor (1x{n_factors} @ {n_factors}x{n_clusters} + argsort): "
          f"{floor1 * 1e6:.1f} us; ratio {single / floor1:,.0f}x")

    # Many intakes.
    n = len(intakes)
    weights = rng.random((n, n_factors))
    floor = best_time(lambda: np.argsort(weights @ s, axis=1))
    sample_weights = rng.random((n * ROBUSTNESS_SAMPLES, n_factors))
    floor_samples = best_time(lambda: np.argmax(sample_weights @ s, axis=1))

    found = [prep.keywords.match(i.keywords) if i.keywords else {} for i in intakes]
    inputs = inputs_for(intakes, prep, found)
    scores = score(inputs, prep)
    stages = {
        "inputs (intakes -> arrays, Python)": best_time(lambda: inputs_for(intakes, prep, found)),
        "scores, knock-outs, order": best_time(lambda: score(inputs, prep)),
        "flips": best_time(lambda: flips(scores, inputs.needs, prep.scores)),
        "contributions (largest remainder)": best_time(lambda: contribution_tenths(
            scores.weights, scores.denominator, prep.scores, scores.needs_fit)),
    }
    t_samples = best_time(lambda: sample_counts(scores, prep.scores, prep.factor_codes))
    cpu_start = time.process_time()
    t_all = best_time(lambda: rank_many(intakes, snapshot), runs=2)
    cpu_all = (time.process_time() - cpu_start) / 2
    numeric = sum(stages.values())

    print(f"\n{n:,} intakes   floor ({n}x{n_factors} @ {n_factors}x{n_clusters} + argsort): "
          f"{floor * 1e3:8.2f} ms")
    for name, seconds in stages.items():
        print(f"  {name:38s} {seconds * 1e3:8.2f} ms = {seconds / floor:6.1f}x floor")
    print(f"  {'scoring in all':38s} {numeric * 1e3:8.2f} ms = {numeric / floor:6.1f}x floor "
          "(target <= 5x)")
    print(f"  robustness, {ROBUSTNESS_SAMPLES} samples per intake     {t_samples * 1e3:8.2f} ms "
          f"= {t_samples / floor_samples:6.2f}x its own floor "
          f"(({n}*{ROBUSTNESS_SAMPLES})x{n_factors} @ {n_factors}x{n_clusters} + argmax: "
          f"{floor_samples * 1e3:.1f} ms)")
    print(f"  rank_many, complete JSON results       {t_all * 1e3:8.2f} ms wall, "
          f"{cpu_all * 1e3:.0f} ms CPU; {t_all / n * 1e6:.0f} us per intake")
    print(f"    of which the JSON assembly (Python)   "
          f"{max(0.0, t_all - numeric - t_samples) * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
