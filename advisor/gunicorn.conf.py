"""gunicorn settings for `make serve` and production (docs/DEPLOY.md).

Everything comes from the environment so the same file serves a laptop and a fleet:

* ``GUNICORN_BIND`` (or ``PORT``): where to listen. Default 127.0.0.1:8000; behind a load
  balancer on another host use ``0.0.0.0:8000``.
* ``WEB_CONCURRENCY``: worker processes. Default 2 × CPUs + 1, capped at 8: rendering a PDF
  brief is CPU-bound and memory-hungry, so more workers than cores mostly adds memory.
* ``GUNICORN_THREADS``: threads per worker (default 1, i.e. the sync worker).
* ``GUNICORN_TIMEOUT``: seconds before a stuck worker is killed (default 60: a first-time brief
  takes a few seconds; anything near a minute is a bug, not a slow request).
* ``GUNICORN_ACCESS_LOG``: ``-`` for stdout (default) or a file path; empty to switch off.

Workers hold no state between requests (sessions and rate limits are in the database or
Redis, files in the storage backend), so any number of them on any number of hosts agree.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, got {value}")
    return value


_port = os.environ.get("PORT", "").strip()
bind = [os.environ.get("GUNICORN_BIND") or (f"0.0.0.0:{_port}" if _port else "127.0.0.1:8000")]

workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Slightly longer than a typical load balancer's idle timeout (60 s), so the balancer, not
# gunicorn, closes idle connections and no request lands on a socket being closed.
keepalive = _int("GUNICORN_KEEPALIVE", 65)
# Recycle workers now and then: WeasyPrint and pandas hold on to memory after big jobs.
# The jitter keeps all workers from restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100, minimum=0)

# Load the app before forking: a broken setting fails once, at start-up, with its message,
# and workers share the imported code's memory.
preload_app = True
# The heartbeat files live in memory when /dev/shm exists (Docker's /tmp may be a slow disk).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The access log with the time taken (microseconds), for spotting slow briefs.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'

# Behind a proxy, trust X-Forwarded-* only from the addresses in FORWARDED_ALLOW_IPS
# (gunicorn reads that variable itself; default 127.0.0.1).
proc_name = "china-entry-advisor"
