"""Benchmark of the spreadsheet batch: 10,000 intakes in, ranked workbook out.

    .venv/bin/python bench/batch.py [--rows 10000] [--repeat 3]

Runs against a throw-away SQLite database in a temporary directory (the knowledge base is
loaded from fixtures/ first, untimed). For each input format (CSV, XLSX) it times:

  pipeline   read + validate (parse_intake per row) + rank_many + write the ranked .xlsx,
             i.e. ``import_intakes --dry-run --export`` without the process start-up
  with save  the same with the database save on SQLite (``import_spreadsheet(save=True)``)

and prints beside them a floor measured in the same run on the same file: pandas reading
it (``read_csv(dtype=str)`` / ``read_excel(dtype=object, engine="calamine")``, the engine
the importer reads workbooks with) plus one NumPy matrix product of the same shape as the
scoring (rows x factors @ factors x clusters). The floor is what the bare libraries need to
touch the same bytes; the gap is the cost of validating every row, ranking with
explanations and robustness, and writing the result.

Peak Python memory (tracemalloc) of one pipeline run is measured separately, untimed.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    # As in production: with DEBUG on, Django keeps the SQL of every query (here 10,000
    # JSON rankings) in memory and spends a second formatting it.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_kb", verbosity=0)


def make_rows(count: int, seed: int = 7) -> list[list[object]]:
    from advisor.batch.columns import KOREAN_HEADERS
    from clusters.snapshot import get_snapshot

    snapshot = get_snapshot()
    sectors = list(snapshot.sector_codes)
    clusters = list(snapshot.cluster_codes)
    words = ["음성인식", "battery", "자율주행", "半导体", "robot arm", "fintech", "신약", "drone"]
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        sector = rng.choice(sectors)
        secondary = [s for s in rng.sample(sectors, 2) if s != sector]
        values = {
            "company_name": f"벤치 회사 {i:05d}",
            "sector": sector,
            "secondary_sectors": ", ".join(secondary),
            "keywords": ", ".join(rng.sample(words, 2)),
            "stage": rng.choice(["startup", "sme", "large"]),
            "language": rng.choice(["ko", "en"]),
            "exclude": rng.choice(["", "", clusters[-1]]),
            "minimums": rng.choice(["", "", "cost:30"]),
        }
        for key in KOREAN_HEADERS:
            if key.startswith("needs."):
                values[key] = rng.randint(0, 5)
        rows.append([values[key] for key in KOREAN_HEADERS])
    return rows


def write_inputs(rows: list[list[object]], directory: Path) -> dict[str, Path]:
    from openpyxl import Workbook

    from advisor.batch.columns import KOREAN_HEADERS
    from advisor.batch.io import csv_bytes

    header = list(KOREAN_HEADERS.values())
    csv_path = directory / "intakes.csv"
    csv_path.write_bytes(csv_bytes(header, rows))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    xlsx_path = directory / "intakes.xlsx"
    workbook.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def pipeline(path: Path, *, save: bool) -> tuple[int, int]:
    from advisor.batch.exporter import write_export
    from advisor.batch.importer import import_spreadsheet

    with path.open("rb") as handle:
        report = import_spreadsheet(
            handle, filename=path.name, save=save, collect=True, link_for=lambda t: t
        )
    out = io.BytesIO()
    write_export(out, "xlsx", "ko", report.results)
    return report.rows_ok, report.rows_bad


def floor(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    from clusters.snapshot import get_snapshot

    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(path, dtype=object, engine="calamine")
    assert len(frame) == rows
    matrix = get_snapshot().factor_matrix
    needs = np.random.default_rng(1).random((rows, matrix.shape[1]))
    (needs @ np.nan_to_num(matrix).T).argmax(axis=1)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best wall-clock, best CPU) seconds over ``repeat`` runs.

    CPU time is printed too because this machine is shared: other work inflates the
    wall-clock figure, while process CPU time is what the batch itself costs.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def stages(path: Path) -> dict[str, float]:
    """CPU seconds of each step of one pipeline run, done by hand in the importer's order."""
    from advisor.batch.columns import Vocabulary, resolve_columns, row_to_intake
    from advisor.batch.exporter import RowBuilder, write_export
    from advisor.batch.io import open_sheet
    from advisor.engine import parse_intake, rank_many
    from advisor.gcpause import gc_paused
    from clusters.snapshot import get_snapshot

    snapshot = get_snapshot()
    spent: dict[str, float] = {}
    clock = time.process_time
    with gc_paused(), path.open("rb") as handle:
        start = clock()
        sheet = open_sheet(handle, max_bytes=1 << 30, max_rows=1 << 30)
        cells = [c for _, c in sheet.rows]
        spent["read"] = clock() - start
        start = clock()
        vocabulary = Vocabulary.for_snapshot(snapshot)
        columns = resolve_columns(sheet.headers, vocabulary)
        intakes = [
            parse_intake(row_to_intake(c, columns, vocabulary).data, snapshot) for c in cells
        ]
        spent["validate"] = clock() - start
        start = clock()
        rankings = rank_many(intakes, snapshot)
        spent["rank_many"] = clock() - start
        start = clock()
        builder = RowBuilder(snapshot, "ko")
        rows = [
            builder.row(company=i.company_name, sector=i.sector, keywords=i.keywords,
                        created=None, result=r, link="")
            for i, r in zip(intakes, rankings, strict=True)
        ]
        write_export(io.BytesIO(), "xlsx", "ko", rows)
        spent["write xlsx"] = clock() - start
    return spent


def clear_saved() -> None:
    from advisor.models import Assessment, ImportBatch

    Assessment.objects.all().delete()
    ImportBatch.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        setup_django(tmp)
        from clusters.snapshot import get_snapshot

        get_snapshot()  # built once per process in real use too; not part of the batch
        rows = make_rows(args.rows)
        paths = write_inputs(rows, Path(tmp))
        print(f"{args.rows:,} rows, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f}; seconds as wall / CPU, best of {args.repeat}")
        print(f"{'input':6} {'size':>7}  {'floor':>11}  {'pipeline':>11}  {'with save':>11}")
        breakdown = {}
        for kind, path in paths.items():
            ok, bad = pipeline(path, save=False)  # warm-up, and a sanity check
            assert (ok, bad) == (args.rows, 0), (ok, bad)
            floor_t = timed(lambda path=path: floor(path, args.rows), args.repeat)
            dry_t = timed(lambda path=path: pipeline(path, save=False), args.repeat)
            # One run with the save: each inserts 10k rows of JSON; the cleanup is untimed.
            save_t = timed(lambda path=path: pipeline(path, save=True), 1)
            clear_saved()
            breakdown[kind] = stages(path)
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            print(
                f"{kind:6} {size:>7}  {floor_t[0]:5.2f}/{floor_t[1]:5.2f}"
                f"  {dry_t[0]:5.2f}/{dry_t[1]:5.2f}  {save_t[0]:5.2f}/{save_t[1]:5.2f}"
            )
        print("CPU seconds by step (one run):")
        for kind, spent in breakdown.items():
            print(f"  {kind:6} " + "  ".join(f"{k} {v:.2f}" for k, v in spent.items()))

        for kind, path in paths.items():
            tracemalloc.start()
            pipeline(path, save=False)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak Python memory, {kind} pipeline (untimed run): {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
