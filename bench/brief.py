"""Benchmark of the PDF brief (a script, not a test): ``.venv/bin/python bench/brief.py``.

Every figure is a ratio to a baseline measured in the same run, so machines compare:

1. brief generation / a bare WeasyPrint render of a plain document with the same number of
   pages (Korean paragraphs, no template, no charts, no tables), twice: in Noto Sans CJK KR
   as installed (the floor of earlier sessions), and in the brief's own cut faces
   (advisor/briefs/fonts.py), which also make the bare render cheaper. The verdict is on
   the second, stricter ratio;
2. the cached download through the Django test client / a minimal Django view that returns
   a few bytes (same middleware stack; urlconf overridden here);
3. peak memory of one render: Python allocations (tracemalloc) and the process's peak
   resident set (ru_maxrss) growth over the run's start.

Times are median CPU seconds of this process (see ``median_seconds``).
Targets: <= 1.3x, <= 2x, < 300 MB. The script prints what it measures, target met or not.
It runs on a scratch SQLite database in a temporary directory; the real one is untouched.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="bench-brief-")
# The scratch directory takes the database and stored files, not the brief's built fonts:
# renders use the faces `make setup` built, as the running site does.
os.environ.setdefault(
    "BRIEF_FONT_DIR", str(Path(os.environ.get("VAR_DIR", ROOT / "var")) / "brief-fonts")
)
os.environ["VAR_DIR"] = SCRATCH
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
os.environ["DEBUG"] = "false"  # no SQL logging: measure what production does

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

RENDERS = int(os.environ.get("BENCH_RENDERS", "7"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))


def minimal_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


# The bench's urlconf: the real brief URLs plus the baseline view.
urlpatterns = [
    path("bench/minimal/", minimal_view),
    path("", include("advisor.briefs.urls")),
]


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    """Median CPU time of this process per call. CPU time, not wall time: the machines this
    runs on are shared (test suites in parallel), and both sides of every ratio are
    single-threaded work in this process, so CPU time compares them fairly."""
    func()  # warm-up: fonts, template cache, snapshot, connections
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def interleaved_medians(a: Callable[[], object], b: Callable[[], object], repeat: int
                        ) -> tuple[float, float]:
    """Median CPU time per call of ``a`` and of ``b``, called in turn: on a shared machine a
    burst of load then slows both sides of the ratio alike, not just one of them."""
    a()
    b()
    times_a, times_b = [], []
    for _ in range(repeat):
        start = time.process_time()
        a()
        middle = time.process_time()
        b()
        times_a.append(middle - start)
        times_b.append(time.process_time() - middle)
    return statistics.median(times_a), statistics.median(times_b)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def setup_data():  # -> Assessment
    call_command("migrate", verbosity=0)
    loaded = False
    try:
        call_command("load_kb", verbosity=0)
        loaded = True
    except Exception as exc:  # a bench reports and carries on
        print(f"  (shipped knowledge base not loadable: {exc}; using the test KB)")
    try:
        from advisor.engine import parse_intake
        from advisor.services import assessment_create
        from clusters.snapshot import get_snapshot
        from tests.briefs.factories import intake_for

        if not loaded:
            raise ImportError("no shipped KB")
        snapshot = get_snapshot()
        intake = parse_intake(intake_for("Sori Labs"), snapshot)
        print("  assessment from the engine (advisor.services.assessment_create)")
        return assessment_create(intake=intake, origin="cli", snapshot=snapshot)
    except Exception as exc:
        from clusters.snapshot import clear_cache
        from tests.briefs.factories import ensure_kb, make_assessment

        print(f"  assessment hand-written from docs/ARCHITECTURE.md ({type(exc).__name__})")
        ensure_kb()
        clear_cache()
        return make_assessment("Sori Labs")


def plain_document(paragraphs: int, family: str = "'Noto Sans CJK KR'") -> str:
    text = (
        "중국 진출을 준비하는 한국 기술 기업에게 도시 클러스터의 선택은 인재와 자본, "
        "시장과 정책을 함께 고려해야 하는 결정입니다. Hefei, Shanghai and Shenzhen "
        "each offer different strengths. 合肥 上海 深圳 "
    )
    body = "".join(f"<p>{text * 3}</p>" for _ in range(paragraphs))
    return (
        "<html><head><style>@page { size: A4; margin: 20mm } "
        f"body {{ font-family: {family}; font-size: 9.5pt; line-height: 1.6 }}"
        f"</style></head><body>{body}</body></html>"
    )


def paragraphs_for(pages: int) -> int:
    """How many paragraphs of the plain document fill ``pages`` pages (the brief's faces
    have Noto's metrics, so the same count fills them in either font)."""
    from weasyprint import HTML

    paragraphs = 4
    while len(HTML(string=plain_document(paragraphs)).render().pages) < pages:
        paragraphs += 2
    return paragraphs


def main() -> None:
    from weasyprint import HTML

    from advisor.briefs.render import render_brief_pdf
    from advisor.briefs.service import brief_pdf

    rss_start = maxrss_mb()
    print(f"Brief benchmark (scratch data in {SCRATCH})")
    assessment = setup_data()

    # 1. Generation vs a bare render with the same number of pages.
    pdf = render_brief_pdf(assessment, "ko")
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    paragraphs = paragraphs_for(pages)
    plain = plain_document(paragraphs)
    brief_s = median_seconds(lambda: render_brief_pdf(assessment, "ko"), RENDERS)
    bare_s = median_seconds(lambda: HTML(string=plain).write_pdf(), RENDERS)
    ratio_system = brief_s / bare_s
    # The same plain document in the brief's faces, when they are built.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from advisor.briefs import fonts
    from advisor.briefs.fetcher import BriefURLFetcher

    if fonts.built_faces():
        font_config = FontConfiguration()
        faces = CSS(string=fonts.font_face_css(), url_fetcher=BriefURLFetcher(),
                    font_config=font_config)
        plain_own = plain_document(paragraphs, fonts.CSS_FAMILY)
        bare_own_s = median_seconds(
            lambda: HTML(string=plain_own).write_pdf(stylesheets=[faces],
                                                     font_config=font_config), RENDERS)
    else:
        print("  (the brief's faces are not built: manage.py build_brief_fonts)")
        bare_own_s = bare_s
    ratio_render = brief_s / bare_own_s

    # 3. Memory of one render.
    tracemalloc.start()
    render_brief_pdf(assessment, "ko")
    _, peak_py = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = maxrss_mb()

    # 2. Cached download vs a minimal view, both through the whole middleware stack.
    brief_pdf(assessment, "ko")  # stored once; downloads below are cache hits
    client = Client()
    url = f"/r/{assessment.token}/brief.pdf"

    def download() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
        assert body.startswith(b"%PDF-")
        response.close()

    def minimal() -> None:
        response = client.get("/bench/minimal/")
        assert response.status_code == 200
        response.content  # noqa: B018

    with override_settings(ROOT_URLCONF=__name__):
        download_s, minimal_s = interleaved_medians(download, minimal, REQUESTS)
    ratio_download = download_s / minimal_s

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    print(f"  brief: {pages} pages, {len(pdf) / 1024:.0f} KiB")
    print(
        f"  generation       {brief_s * 1000:7.1f} ms vs bare render {bare_s * 1000:7.1f} ms"
        f"  = {ratio_system:.2f}x  (bare render in Noto Sans CJK KR as installed)"
    )
    print(
        f"  generation       {brief_s * 1000:7.1f} ms vs bare render {bare_own_s * 1000:7.1f} ms"
        f"  = {ratio_render:.2f}x  (bare render in the brief's faces; "
        f"target <= 1.3x: {verdict(ratio_render <= 1.3)})"
    )
    print(
        f"  cached download  {download_s * 1000:7.2f} ms vs minimal view {minimal_s * 1000:6.2f}"
        f" ms = {ratio_download:.2f}x  (target <= 2x: {verdict(ratio_download <= 2)})"
    )
    print(
        f"  memory of a render: Python peak {peak_py / 2**20:.1f} MB (tracemalloc); process "
        f"peak RSS {rss_after:.0f} MB, {rss_after - rss_start:.0f} MB above start "
        f"(target < 300 MB: {verdict(rss_after - rss_start < 300)})"
    )


if __name__ == "__main__":
    import shutil

    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
