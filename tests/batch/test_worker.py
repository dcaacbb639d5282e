"""Fault test: a Celery worker killed in the middle of an import, as ``make run`` runs it
(kombu's database transport, no Redis). The job must end FAILED with the reason, its rows
gone, instead of "running" for ever.

The worker processes need a database they can share with this test: on SQLite the test
database (in memory) is copied to a file with SQLite's backup API, knowledge base included;
the processes get it, a queue file and a media folder of their own through the environment.
Every wait is bounded and every process started here is killed by its id.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.batch.conftest import KOREAN_HEADER, row

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
WAIT = 120  # seconds; a worker start and a first chunk take a few on this machine
ROWS = 20_000  # twenty chunks: the kill lands well inside the import

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the worker processes share the test database through a SQLite file copy",
)


def _db_file(tmp_path: Path) -> Path:
    target = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    return target


def _env(tmp_path: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        VAR_DIR=str(tmp_path),
        CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'queue.sqlite3'}",
        JOB_STALE_SECONDS="2",
        DJANGO_SETTINGS_MODULE="advisor.settings",
    )
    return env


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(CELERY), "-A", "advisor", "worker", "--pool", "solo", "-l", "info"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _batch(db: Path, pk: int) -> tuple[str, int, str, int]:
    with contextlib.closing(sqlite3.connect(db, timeout=20)) as raw:
        status, rows, message = raw.execute(
            "SELECT status, rows_total, message FROM advisor_importbatch WHERE id = ?", (pk,)
        ).fetchone()
        saved = raw.execute(
            "SELECT COUNT(*) FROM advisor_assessment WHERE batch_id = ?", (pk,)
        ).fetchone()[0]
    return status, rows, message, saved


def _until(check, what: str, log: Path):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def test_a_worker_killed_mid_import_leaves_a_failed_job_not_a_running_one(db, tmp_path):
    db_file = _db_file(tmp_path)
    env = _env(tmp_path, db_file)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(KOREAN_HEADER)
    writer.writerows(row(f"회사{i}") for i in range(ROWS))
    source = tmp_path / "big.csv"
    source.write_text(text.getvalue(), encoding="utf-8")
    # Queue the import the way the upload page does, in a process of the worker's setup.
    queued = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.core.files import File\n"
         "from advisor.models import ImportBatch\n"
         "from advisor.batch.tasks import import_batch\n"
         f"b = ImportBatch.objects.create(filename='big.csv', status='pending')\n"
         f"b.source.save('big.csv', File(open({str(source)!r}, 'rb')))\n"
         "import_batch.delay(b.pk)\n"
         "print('BATCH', b.pk)\n"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=WAIT, check=True,
    )
    pk = int(queued.stdout.split("BATCH", 1)[1].split()[0])

    first_log = tmp_path / "worker1.log"
    with worker(env, first_log) as process:
        status, _rows, _message, _saved = _until(
            lambda: (found := _batch(db_file, pk))[1] > 0 and found,
            "the first chunk", first_log,
        )
        assert status == "running"
        os.killpg(process.pid, signal.SIGKILL)  # the worker dies mid-job
        process.wait(timeout=30)
    status, rows_then, _message, saved = _batch(db_file, pk)
    assert status == "running" and 0 < rows_then < ROWS and saved > 0  # stuck, half-saved

    time.sleep(2.5)  # JOB_STALE_SECONDS without progress
    second_log = tmp_path / "worker2.log"
    with worker(env, second_log):  # a worker that starts marks what the dead one left
        status, _rows, message, saved = _until(
            lambda: (found := _batch(db_file, pk))[0] == "failed" and found,
            "the stopped job to be marked failed", second_log,
        )
    assert "작업자가 멈췄습니다" in message  # the reason, in the site's language
    assert saved == 0  # all or nothing: the rows of the dead import are gone
