"""Two stored assessments side by side: a scenario beside its original, or client A beside B.

Plain functions over the stored ranking and intake dicts (no ORM, no re-ranking), so the
comparison reads exactly what each assessment showed when it was made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.web import presenters


def _by_code(result: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
    return {
        str(e.get("cluster")): e
        for e in result.get(key) or []
        if isinstance(e, Mapping) and e.get("cluster")
    }


def ranking_rows(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per cluster, in B's order (then clusters only A ranked, then those both left
    out), each ``{"cluster", "display_name", "display_zh", "a", "b", "score_change",
    "rank_change", "a_excluded", "b_excluded"}``.

    ``a``/``b`` are the ranking entries (rank, score 0–100) or None when that assessment
    knocked the cluster out (``*_excluded`` then holds the engine's reason).
    ``score_change`` is B's score minus A's in points (one decimal); ``rank_change`` the
    places B's rank is above A's (positive = higher in B). Both are None unless the cluster
    is ranked in both.
    """
    ranked_a, ranked_b = _by_code(a, "ranking"), _by_code(b, "ranking")
    excluded_a, excluded_b = _by_code(a, "excluded"), _by_code(b, "excluded")
    order = list(dict.fromkeys([*ranked_b, *ranked_a, *excluded_b, *excluded_a]))
    rows = []
    for code in order:
        entry_a, entry_b = ranked_a.get(code), ranked_b.get(code)
        label_source = entry_b or entry_a or excluded_b.get(code) or excluded_a.get(code) or {}
        both = entry_a is not None and entry_b is not None
        rows.append(
            {
                "cluster": code,
                "display_name": presenters.cluster_name(label_source) or code,
                "display_zh": presenters.cluster_zh(label_source),
                "a": entry_a,
                "b": entry_b,
                "score_change": (
                    round(float(entry_b["score"]) - float(entry_a["score"]), 1)
                    if both else None
                ),
                "rank_change": (int(entry_a["rank"]) - int(entry_b["rank"])) if both else None,
                "a_excluded": (excluded_a.get(code) or {}).get("reason", ""),
                "b_excluded": (excluded_b.get(code) or {}).get("reason", ""),
            }
        )
    return rows


def need_rows(
    a: Mapping[str, Any], b: Mapping[str, Any], factor_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Each need (importance 0–5) of both intakes in factor order, with ``differs`` set
    where the two disagree (a missing need counts as "–")."""
    needs_a, needs_b = a.get("needs") or {}, b.get("needs") or {}
    rows = []
    for code, name in factor_names.items():
        value_a, value_b = needs_a.get(code, "–"), needs_b.get(code, "–")
        rows.append({"factor": code, "name": name, "a": value_a, "b": value_b,
                     "differs": value_a != value_b})
    return rows


def knockout_text(
    intake: Mapping[str, Any], clusters: Mapping[str, str], factors: Mapping[str, str]
) -> tuple[str, str]:
    """(the left-out clusters by name, the minimums as "비용 경쟁력 ≥ 40"), each joined by
    commas; empty strings when the intake has none."""
    exclude = ", ".join(clusters.get(c, c) for c in intake.get("exclude") or [])
    minimums = ", ".join(
        f"{factors.get(code, code)} ≥ {value}"
        for code, value in (intake.get("minimums") or {}).items()
        if value is not None
    )
    return exclude, minimums
