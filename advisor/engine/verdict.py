"""How certain the first place is, in one word and one sentence, for every output.

The result page, the staff pages, the brief, the API (``verdict`` field) and the spreadsheet
export all call :func:`verdict`; none of them words certainty on its own, so they cannot
contradict one another (a brief once called a 0.2-point lead at 59 % "a fairly robust choice"
while the page said "no clear winner").

The rule is docs/METHODOLOGY.md §7: a **clear winner** leads the runner-up by at least
``CLEAR_MARGIN`` (3.0) displayed points **and** stays first in at least ``CLEAR_SHARE``
(60 %) of the perturbed weightings; a single remaining cluster is a clear winner; an empty
ranking has no winner. It is decided here from the stored figures (``top_share``,
``margin``), so that assessments stored before a ``clear_winner`` flag existed, or with a
flag computed under other thresholds, read the same everywhere.

Plain Python (gettext only): no ORM, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils.translation import gettext

from .method import CLEAR_MARGIN, CLEAR_SHARE

VerdictCode = Literal["clear_winner", "no_clear_winner", "only_cluster", "no_cluster"]


@dataclass(frozen=True)
class Verdict:
    """``code`` (stable, for the API and tests), ``clear`` (a clear winner?), the figures it
    rests on (``percent``: 0–100 integer or None; ``margin``: points, 1 decimal, or None)
    and the words (``label``: a short badge; ``sentence``: one sentence for the summary)."""

    code: VerdictCode
    clear: bool
    percent: int | None
    margin: float | None
    label: str
    sentence: str

    def as_dict(self) -> dict[str, Any]:
        """The API's and the export's shape: ``{"code", "clear_winner", "percent",
        "margin", "label", "sentence"}`` (label and sentence in the active language)."""
        return {"code": self.code, "clear_winner": self.clear, "percent": self.percent,
                "margin": self.margin, "label": self.label, "sentence": self.sentence}


def percent_of(share: Any) -> int | None:
    """A share (0–1) as a whole percent, half up (0.595 -> 60), or None when unreadable.

    Half up rather than Python's round-half-even so that every output prints the same
    number as the page's ``floatformat`` (which rounds half up).
    """
    try:
        value = Decimal(str(float(share))) * 100
    except (TypeError, ValueError):
        return None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def verdict(result: Mapping[str, Any], runner_up: str = "") -> Verdict:
    """The verdict on a stored or fresh ranking result (the engine's JSON:
    ``ranking`` list and ``robustness`` mapping; missing keys are tolerated).

    ``runner_up``: the runner-up's display name, named in the sentence when given.
    Call under ``translation.override(language)``: the label and sentence are translated
    in the active language.
    """
    ranking: Sequence[Any] = result.get("ranking") or []
    robustness: Mapping[str, Any] = result.get("robustness") or {}
    percent = percent_of(robustness.get("top_share"))
    margin = _float(robustness.get("margin"))
    if margin is None and len(ranking) >= 2:
        # An older result without the figure: the margin is defined as the first's score
        # minus the runner-up's (METHODOLOGY §7), which the ranking still has.
        first, second = (_float(e.get("score")) if isinstance(e, Mapping) else None
                         for e in ranking[:2])
        if first is not None and second is not None:
            margin = first - second
    if margin is not None:
        margin = round(margin, 1)
    if not ranking:
        return Verdict("no_cluster", False, None, None, gettext("No cluster left"),
                       gettext("No cluster remains after the exclusions and minimums."))
    if len(ranking) == 1:
        return Verdict("only_cluster", True, percent, None, gettext("Only cluster left"),
                       gettext("It is the only cluster left after the exclusions and "
                               "minimums."))
    share = _float(robustness.get("top_share"))
    clear = (margin is not None and share is not None
             and margin >= CLEAR_MARGIN and share >= CLEAR_SHARE)
    values = {"percent": percent if percent is not None else "–",
              "margin": f"{margin:.1f}" if margin is not None else "–",
              "runner_up": runner_up}
    if clear:
        label = gettext("Clear winner")
        if runner_up:
            sentence = gettext(
                "It comes first in %(percent)s%% of plausible weightings of the needs and "
                "leads %(runner_up)s by %(margin)s points: a clear winner.")
        else:
            sentence = gettext(
                "It comes first in %(percent)s%% of plausible weightings of the needs and "
                "leads the runner-up by %(margin)s points: a clear winner.")
    else:
        label = gettext("No clear winner")
        if runner_up:
            sentence = gettext(
                "It comes first in %(percent)s%% of plausible weightings of the needs and "
                "leads %(runner_up)s by %(margin)s points: no clear winner, so read the "
                "first two as a choice.")
        else:
            sentence = gettext(
                "It comes first in %(percent)s%% of plausible weightings of the needs and "
                "leads the runner-up by %(margin)s points: no clear winner, so read the "
                "first two as a choice.")
    code: VerdictCode = "clear_winner" if clear else "no_clear_winner"
    return Verdict(code, clear, percent, margin, label, sentence % values)
