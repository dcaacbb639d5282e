"""``manage.py evaluate_method [FILE]``: the method's back-test on expert cases.

Prints each case's answer (first place and the expected city) against the expert's, the
totals, and the share of first places per cluster over a seeded random population.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from advisor.engine import METHOD_VERSION
from advisor.engine.evaluation import POPULATION_SIZE, evaluate_cases, population_shares
from clusters.snapshot import get_snapshot

DEFAULT_CASES = Path(settings.BASE_DIR) / "fixtures" / "eval" / "expert_cases.json"


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The ``cases`` of an expert-case file; CommandError when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    cases = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(cases, list):
        raise CommandError(f"{path}: expected a list of cases under 'cases'")
    return cases


class Command(BaseCommand):
    help = "Back-test the advice method on expert cases (default: the shipped ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_CASES)
        parser.add_argument("--population", type=int, default=POPULATION_SIZE,
                            help="random intakes for the spread of first places (0: skip)")

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = get_snapshot()
        try:
            evaluation = evaluate_cases(load_cases(options["file"]), snapshot)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for case in evaluation.cases:
            mark = "ok  " if case.first_ok else "MISS"
            line = f"{mark} {case.id:28s} first: {case.top[0] if case.top else '-':14s}"
            line += f" accepted: {', '.join(case.accept)}"
            if case.city is not None:
                line += f" | city {case.city}: {'ok' if case.city_ok else 'MISS'}"
                if not case.city_ok:
                    line += f" (named: {', '.join(case.cities) or 'none'})"
            if case.error:
                line += f" | invalid intake: {case.error}"
            self.stdout.write(line)
        if options["population"] > 0:
            shares = population_shares(snapshot, size=options["population"])
            self.stdout.write("")
            self.stdout.write(f"First places over {options['population']:,} random intakes "
                              "(random sector, every need 0-5):")
            for code, share in shares.items():
                self.stdout.write(f"  {code:16s} {share:6.1%}")
        self.stdout.write("")
        self.stdout.write(f"Method {METHOD_VERSION} on knowledge base {snapshot.version}")
        self.stdout.write(f"First places: {evaluation.first_hits} of {len(evaluation.cases)}")
        self.stdout.write(f"Cities: {evaluation.city_hits} of {evaluation.city_cases}")
