"""Benchmark of the spreadsheet batch against the libraries it uses: 10,000 intakes in, ranked
workbook out.

    .venv/bin/python bench/batch.py [--rows 10000] [--repeat 3] [--lock-rows 50000]

Runs against a throw-away SQLite database in a temporary directory (the knowledge base is
loaded from fixtures/ first, untimed). For each input format (CSV, XLSX) it times:

  floor      the same work done by the libraries alone: the same cells read by pandas
             (``read_csv(dtype=str)``) or openpyxl's read-only reader (every cell's value),
             and the same export cells (precomputed, untimed) written by XlsxWriter alone in
             constant-memory mode (``write_row``)
  pipeline   read + validate (parse_intake per row) + rank_many + write the ranked .xlsx,
             i.e. ``import_intakes --dry-run --export`` without the process start-up
  with save  the same with the database save on SQLite, chunk by chunk

and prints pipeline / floor: what validation, ranking and bookkeeping add over the
libraries (target: at most 1.5 for 10,000 rows, issue 15).

``--lock-rows N`` then imports N rows with the save while another connection writes a row
every 50 ms, and prints how long that other writer waited at most: the importer commits a
chunk at a time, so SQLite's write lock is never held for the whole import.

Peak Python memory (tracemalloc) of one pipeline run is measured separately, untimed.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def pipeline(path: Path, *, save: bool) -> list[list[object]]:
    """The export rows the pipeline wrote (for the floor's writer)."""
    from advisor.batch.exporter import write_export
    from advisor.batch.importer import import_spreadsheet
    from clusters.snapshot import get_snapshot

    with path.open("rb") as handle:
        report = import_spreadsheet(
            handle, filename=path.name, save=save, collect=True,
            link_for=lambda t: f"https://advisor.example/r/{t}/",
        )
    assert report.rows_bad == 0, report.errors[:3]
    out = io.BytesIO()
    write_export(out, "xlsx", "ko", report.results, get_snapshot())
    return report.results


def floor(path: Path, rows: int, export: list[list[object]]) -> None:
    """The libraries alone: read the same cells, write the same export cells."""
    import pandas as pd
    import xlsxwriter
    from openpyxl import load_workbook

    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert len(frame) == rows
    else:
        workbook = load_workbook(path, read_only=True)
        count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        assert count == rows + 1
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    for number, values in enumerate(export, start=1):
        # write_row picks the type of each value (a URL string becomes a link) like the
        # pipeline's typed writes; an aware datetime goes in naive, as the pipeline's do.
        sheet.write_row(number, 0, [
            v.replace(tzinfo=None) if isinstance(v, dt.datetime)
            else v if v is None or isinstance(v, int | float | str) else str(v)
            for v in values
        ])
    book.close()


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
    from clusters.snapshot import get_snapshot

    snapshot = get_snapshot()
    spent: dict[str, float] = {}
    clock = time.process_time
    with path.open("rb") as handle:
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
            builder.row(company=i.company_name, intake=i.to_dict(), created=None, result=r,
                        link="")
            for i, r in zip(intakes, rankings, strict=True)
        ]
        write_export(io.BytesIO(), "xlsx", "ko", rows, snapshot)
        spent["write xlsx"] = clock() - start
    return spent


def clear_saved() -> None:
    from advisor.models import Assessment, ImportBatch

    Assessment.objects.all().delete()
    ImportBatch.objects.all().delete()


def lock_wait(rows: list[list[object]], directory: Path) -> tuple[float, float, int]:
    """(import seconds, longest wait of another writer in seconds, its writes) for an import
    with the save of ``rows``, while a second SQLite connection inserts a row every 50 ms."""
    import sqlite3
    import threading

    from django.conf import settings

    from advisor.batch.importer import import_spreadsheet

    path = write_inputs(rows, directory)["csv"]
    database = str(settings.DATABASES["default"]["NAME"])
    waits: list[float] = []
    stop = threading.Event()

    def other_writer() -> None:
        with sqlite3.connect(database, timeout=120) as raw:
            raw.execute("CREATE TABLE IF NOT EXISTS bench_probe (at REAL)")
            while not stop.is_set():
                start = time.perf_counter()
                raw.execute("INSERT INTO bench_probe VALUES (?)", (start,))
                raw.commit()
                waits.append(time.perf_counter() - start)
                time.sleep(0.05)

    thread = threading.Thread(target=other_writer)
    thread.start()
    start = time.perf_counter()
    with path.open("rb") as handle:
        report = import_spreadsheet(handle, filename=path.name, save=True)
    spent = time.perf_counter() - start
    stop.set()
    thread.join()
    assert report.rows_ok == len(rows), report.errors[:3]
    clear_saved()
    return spent, max(waits), len(waits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lock-rows", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        setup_django(tmp)
        from clusters.snapshot import get_snapshot

        get_snapshot()  # built once per process in real use too; not part of the batch
        if args.rows == 0:  # --rows 0: only the write-lock probe
            spent, longest, writes = lock_wait(make_rows(args.lock_rows, seed=11), Path(tmp))
            print(f"{args.lock_rows:,}-row import with the save on SQLite: {spent:.1f} s; "
                  f"another writer ({writes} writes meanwhile) waited at most {longest:.2f} s"
                  f" (load average {os.getloadavg()[0]:.1f})")
            return
        rows = make_rows(args.rows)
        paths = write_inputs(rows, Path(tmp))
        print(f"{args.rows:,} rows, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f}; seconds as wall / CPU, best of {args.repeat}")
        print(f"{'input':6} {'size':>7}  {'floor':>11}  {'pipeline':>11}  {'with save':>11}"
              f"  {'pipeline/floor (CPU)':>20}")
        breakdown = {}
        for kind, path in paths.items():
            export = pipeline(path, save=False)  # warm-up, a sanity check, the floor's cells
            assert len(export) == args.rows
            floor_t = timed(lambda p=path, e=export: floor(p, args.rows, e), args.repeat)
            dry_t = timed(lambda path=path: pipeline(path, save=False), args.repeat)
            # One run with the save: each inserts 10k rows of JSON; the cleanup is untimed.
            save_t = timed(lambda path=path: pipeline(path, save=True), 1)
            clear_saved()
            breakdown[kind] = stages(path)
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            print(
                f"{kind:6} {size:>7}  {floor_t[0]:5.2f}/{floor_t[1]:5.2f}"
                f"  {dry_t[0]:5.2f}/{dry_t[1]:5.2f}  {save_t[0]:5.2f}/{save_t[1]:5.2f}"
                f"  {dry_t[1] / floor_t[1]:>19.2f}x"
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

        if args.lock_rows:
            spent, longest, writes = lock_wait(make_rows(args.lock_rows, seed=11), Path(tmp))
            print(f"{args.lock_rows:,}-row import with the save on SQLite: {spent:.1f} s; "
                  f"another writer ({writes} writes meanwhile) waited at most {longest:.2f} s")


if __name__ == "__main__":
    main()
