"""Pages and API under loopback load, against minimal Django views doing the same database
work (a script, not a test):

    .venv/bin/python bench/load.py [--seconds 60] [--connections 8 32]

It makes a scratch SQLite database in a temporary directory (migrate, the knowledge base,
one assessment with its stored brief), serves it with gunicorn on 127.0.0.1 (a free port,
the app's ``advisor/gunicorn.conf.py``, settings ``bench.load_settings``), and loads it with
``wrk`` (Debian package ``wrk``) for ``--seconds`` per run, at each of ``--connections``
concurrent connections, on four requests, each beside its floor:

  form     POST /assess/ (the public form, with a CSRF cookie and token taken from a real
           GET of the form; wrk sends the same pair every time, which Django accepts)
           vs POST /bench/floor/assess/ (rate-limit counter, insert, redirect)
  result   GET /r/<token>/ (the result page) vs GET /bench/floor/r/<token>/ (the row by
           token, its stored result as JSON)
  api      POST /api/v1/assessments/ (JSON intake) vs POST /bench/floor/api/assessments/
           (throttle history in the cache, insert, JSON)
  brief    GET /r/<token>/brief.pdf (a stored brief) vs GET /bench/floor/r/<token>/brief.pdf
           (the storage name by token, the file)

The floor views live in bench/load_urls.py only. While each run lasts, a thread of this
process renders briefs one after another (``render_brief_pdf``, the work of a first
download or a zip job), so the server shares the CPUs with brief generation as it would.

Printed per run: requests per second, latency p50/p95/p99 (wrk's own histogram), and errors
(connect/read/write/timeout, and responses other than 2xx/3xx). Targets (issue 15): 0 errors
and p99 at most 2x the floor's p99. Bounded: loopback only, each run stops after
``--seconds``, the server and the render thread are stopped at the end (also on Ctrl-C).
The machine's load average is printed beside the figures: on a shared machine it moves them.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
TARGET_P99 = 2.0  # p99 at most 2x the floor's (issue 15)

# wrk's done() hook writes one JSON line with the figures this script prints.
LUA_TEMPLATE = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_django(var_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_kb", verbosity=0)
    # No static files are served in this bench (wrk fetches none); an empty folder keeps
    # WhiteNoise from warning about a missing STATIC_ROOT.
    Path(var_dir, "static").mkdir(exist_ok=True)


def make_assessment():  # -> Assessment, with its Korean brief stored
    from advisor.briefs.service import brief_file
    from advisor.engine import parse_intake
    from advisor.models import Assessment
    from advisor.services import assessment_create
    from clusters.snapshot import get_snapshot
    from tests.briefs.factories import intake_for

    snapshot = get_snapshot()
    assessment = assessment_create(intake=parse_intake(intake_for("Sori Labs"), snapshot),
                                   origin=Assessment.Origin.PUBLIC, snapshot=snapshot)
    brief_file(assessment, "ko")
    return assessment


def count_queries(requests: dict) -> dict[str, tuple[int, int]]:
    """{request: (queries of the app's side, of the floor's)} for one request each, through
    Django's test client (no CSRF check there): the floor is meant to do the same database
    work, and this shows how close it comes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, (url, floor_url, spec) in requests.items():
        pair = []
        for target in (url, floor_url):
            path = urllib.parse.urlsplit(target).path
            kwargs = {}
            if spec.get("method") == "POST":
                kwargs = {"data": spec["body"], "content_type": spec["headers"]["Content-Type"]}
            # The second request is counted: the first one creates the rate-limit counter,
            # which every later one (all of them under load) increments instead.
            for _ in range(2):
                with CaptureQueriesContext(connection) as queries:
                    response = (client.post if spec.get("method") == "POST" else client.get)(
                        path, **kwargs)
                    if response.streaming:
                        b"".join(response.streaming_content)
                    response.close()
            if response.status_code >= 400:
                raise SystemExit(f"{path} answered {response.status_code}")
            pair.append(len(queries))
        counts[name] = (pair[0], pair[1])
    return counts


def form_body(csrf: str) -> str:
    """What a browser posts for the intake form (as tests/web/conftest.py's form_data)."""
    from tests.briefs.factories import intake_for

    intake = intake_for("Sori Labs")
    fields = [("csrfmiddlewaretoken", csrf), ("company_name", intake["company_name"]),
              ("sector", intake["sector"]), ("keywords", intake["keywords"]),
              ("stage", intake["stage"])]
    fields += [("secondary_sectors", s) for s in intake["secondary_sectors"]]
    fields += [(f"need_{code}", str(v)) for code, v in intake["needs"].items()]
    return urllib.parse.urlencode(fields)


def csrf_pair(base: str) -> tuple[str, str]:
    """(csrftoken cookie, form token) from a real GET of the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/assess/", timeout=30) as response:
        html = response.read().decode()
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise SystemExit("no CSRF token in the form page")
    return cookie, match.group(1)


def wait_for(base: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            # An http://127.0.0.1 URL built here, never user input.
            with urllib.request.urlopen(base + "/api/v1/health/", timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


class BriefRenderer(threading.Thread):
    """Renders the assessment's brief again and again until stopped (brief generation
    running beside the load)."""

    def __init__(self, assessment) -> None:
        super().__init__(daemon=True)
        self.assessment = assessment
        self.stop = threading.Event()
        self.count = 0

    def run(self) -> None:
        from django.db import connection

        from advisor.briefs.render import render_brief_pdf

        try:
            while not self.stop.is_set():
                render_brief_pdf(self.assessment, "ko")
                self.count += 1
        finally:
            connection.close()


def wrk(url: str, *, connections: int, seconds: int, method: str = "GET", body: str = "",
        headers: dict[str, str] | None = None, assessment=None, tmp: Path) -> dict:
    header_lines = "\n".join(
        f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in (headers or {}).items()
    )
    script = tmp / f"run-{time.monotonic_ns()}.lua"
    script.write_text(LUA_TEMPLATE.format(method=lua_string(method), body=lua_string(body),
                                          headers=header_lines))
    renderer = BriefRenderer(assessment)
    renderer.start()
    try:
        out = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [WRK, "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "30s", "-s", str(script), url],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    finally:
        renderer.stop.set()
        renderer.join()
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    result = json.loads(line[len("RESULT "):])
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    # A run in which no response came back at all (the server stalled for the whole run)
    # has no latency to compare: it counts as a failure, never as a met target.
    result["stalled"] = result["requests"] == 0
    result["rps"] = result["requests"] / result["seconds"]
    result["briefs"] = renderer.count
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="seconds per run (default 60)")
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--only", nargs="+", choices=["form", "result", "api", "brief"],
                        help="some of the requests only")
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed (Debian package wrk; `make bench` installs it)")
    if not 1 <= args.seconds <= 600:
        raise SystemExit("--seconds must be between 1 and 600")

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server = None
    try:
        setup_django(str(tmp))
        assessment = make_assessment()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "",
               "GUNICORN_LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
            [str(Path(sys.executable).parent / "gunicorn"), "-c",
             str(ROOT / "advisor" / "gunicorn.conf.py"), "advisor.wsgi"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        wait_for(base, server)
        cookie, token = csrf_pair(base)
        from tests.briefs.factories import intake_for

        form = {"method": "POST", "body": form_body(token),
                "headers": {"Content-Type": "application/x-www-form-urlencoded",
                            "Cookie": f"csrftoken={cookie}"}}
        api = {"method": "POST", "body": json.dumps(intake_for("Sori Labs")),
               "headers": {"Content-Type": "application/json"}}
        t = assessment.token
        requests = {
            "form": (f"{base}/assess/", f"{base}/bench/floor/assess/", form),
            "result": (f"{base}/r/{t}/", f"{base}/bench/floor/r/{t}/", {}),
            "api": (f"{base}/api/v1/assessments/", f"{base}/bench/floor/api/assessments/", api),
            "brief": (f"{base}/r/{t}/brief.pdf", f"{base}/bench/floor/r/{t}/brief.pdf", {}),
        }
        queries = count_queries(requests)
        workers = os.environ.get("WEB_CONCURRENCY") or "gunicorn.conf.py's default"
        print(f"Load benchmark: gunicorn on {base} (workers: {workers}), {os.cpu_count()} "
              f"CPUs, load average {os.getloadavg()[0]:.1f} at start; {args.seconds} s per "
              "run, brief rendering beside every run; latency in ms")
        print("database queries of one request, app / floor: " + ", ".join(
            f"{name} {a} / {f}" for name, (a, f) in queries.items()))
        print(f"{'request':8} {'conns':>5} {'side':5} {'req/s':>7} {'p50':>8} {'p95':>8} "
              f"{'p99':>8} {'errors':>6} {'briefs':>6}  p99/floor")
        summary = []
        for name, (url, floor_url, spec) in requests.items():
            if args.only and name not in args.only:
                continue
            for connections in args.connections:
                runs = {}
                for side, target in (("floor", floor_url), ("app", url)):
                    runs[side] = wrk(target, connections=connections, seconds=args.seconds,
                                     assessment=assessment, tmp=tmp, **spec)
                ratio = (float("inf") if runs["app"]["stalled"] or runs["floor"]["stalled"]
                         else runs["app"]["p99"] / runs["floor"]["p99"])
                for side, r in runs.items():
                    tail = ""
                    if side == "app":
                        ok = ratio <= TARGET_P99 and r["errors"] == 0
                        tail = f"  {ratio:5.2f}x ({'met' if ok else 'NOT met'})"
                    if r["stalled"]:
                        tail += "  NO RESPONSE during the run"
                    print(f"{name:8} {connections:>5} {side:5} {r['rps']:7.1f} {r['p50']:8.1f} "
                          f"{r['p95']:8.1f} {r['p99']:8.1f} {r['errors']:>6} "
                          f"{r['briefs']:>6}{tail}", flush=True)
                summary.append((name, connections, runs["app"], ratio))
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        for name, connections, r, ratio in summary:
            print(f"load: {name} x{connections}: {r['rps']:.1f} req/s, p99 {r['p99']:.0f} ms "
                  f"= {ratio:.2f}x floor, {r['errors']} errors (target <= {TARGET_P99}x, 0 "
                  f"errors: {'met' if ratio <= TARGET_P99 and not r['errors'] else 'NOT met'})")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # its own session: gunicorn and its workers
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
