"""Every benchmark in turn, then one table of their headline figures (``make bench``).

    .venv/bin/python bench/all.py [--load-seconds 60] [--skip load ...]

Each script runs in its own process (its own scratch database) with its full output shown
as it goes; the table at the end repeats each one's verdict lines: engine (one intake and
the 10,000-intake target), batch (pipeline / floor per input format), brief (app /
WeasyPrint alone, first render), load (per request and concurrency: throughput, p99 / floor,
errors). A script that fails shows its exit status in the table instead.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (name, script, extra arguments, the lines of its output that carry its verdicts)
BENCHES: list[tuple[str, str, list[str], re.Pattern[str]]] = [
    ("engine", "engine.py", [], re.compile(r"^(one intake|\s+target)")),
    ("batch", "batch.py", [], re.compile(r"^(\d[\d,]* rows|input |csv |xlsx )")),
    ("brief", "brief.py", [], re.compile(r"^brief: app")),
    ("load", "load.py", [], re.compile(r"^load: ")),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=int, default=60,
                        help="seconds per load run (bench/load.py --seconds; default 60)")
    parser.add_argument("--skip", nargs="*", default=[], choices=[b[0] for b in BENCHES])
    args = parser.parse_args()

    table: list[tuple[str, list[str]]] = []
    for name, script, extra, wanted in BENCHES:
        if name in args.skip:
            continue
        if name == "load":
            extra = [*extra, "--seconds", str(args.load_seconds)]
        print(f"\n===== {name}: bench/{script} {' '.join(extra)}", flush=True)
        # This interpreter and our own scripts, no shell.
        process = subprocess.Popen([sys.executable, str(HERE / script), *extra],  # noqa: S603
                                   stdout=subprocess.PIPE, text=True, bufsize=1)
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if wanted.search(line):
                lines.append(line.rstrip())
        if process.wait() != 0:
            lines.append(f"FAILED (exit status {process.returncode})")
        table.append((name, lines or ["(no verdict line printed)"]))

    print(f"\n===== summary ({os.cpu_count()} CPUs, load average "
          f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} over 1 / 5 / 15 min)")
    for name, lines in table:
        for i, line in enumerate(lines):
            print(f"{name if i == 0 else '':7} | {line.strip()}")
    return 0 if all("FAILED" not in x for _, lines in table for x in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
