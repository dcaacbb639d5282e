"""Render an assessment's entry brief to PDF bytes (WeasyPrint, restricted fetcher).

No caching here (see ``service.py``): this works on saved and unsaved assessments alike, which
``manage.py assess --pdf`` needs.

The brief has its own template engine rather than the site's: it needs no request context
processors, it must load the ``brief`` filters without registering them site-wide, and it
keeps autoescaping on explicitly.

Each thread that renders briefs keeps WeasyPrint objects between renders (see
:func:`_weasy_state`): the parsed stylesheets (with the brief's own faces, see ``fonts.py``),
and the font configuration, whose Pango font map caches every font loaded for a (family,
weight, size, language). Loading them again for every brief was a fifth of a brief's layout
time; the bare document of the benchmark uses a single font size, so it barely loads any.

WeasyPrint is used as documented: its own user-agent stylesheet, the interpreter's garbage
collector as it comes (issue 15 removed a cut copy of the stylesheet and a paused collector,
which saved some 75 ms per brief but reached into WeasyPrint's internals).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.template import Engine
from django.utils import translation

from advisor.briefs.content import build_context
from advisor.briefs.fetcher import BriefURLFetcher, base_url
from advisor.briefs.fonts import font_face_css
from clusters.snapshot import Snapshot, get_snapshot

# Bump when the template or CSS changes what a brief looks like: cached PDFs are keyed by it.
BRIEF_TEMPLATE_VERSION = "2026.12-1"
LANGUAGES = ("ko", "en")
TEMPLATE_NAME = "brief/brief.html"
STYLESHEET = "brief.css"  # in ASSET_DIR, applied by render_brief_pdf (no <link> in the template)
# The charts are images at charts/<name>.svg (relative to the assets), served from memory.
CHART_DIR = "charts/"


@functools.cache
def brief_engine() -> Engine:
    return Engine(
        dirs=[str(settings.BASE_DIR / "templates")],
        app_dirs=False,
        autoescape=True,
        debug=False,
        string_if_invalid="",
        libraries={
            "i18n": "django.templatetags.i18n",
            "l10n": "django.templatetags.l10n",
            "brief": "advisor.briefs.templatetags",
        },
    )


def normalize_language(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "ko"


def render_html(
    assessment: Any,
    language: str = "ko",
    *,
    decision: Any = None,
    snapshot: Snapshot | None = None,
) -> str:
    """The brief as HTML (what WeasyPrint lays out); handy for debugging and tests. The
    charts it shows as ``<img src="charts/….svg">`` are in :func:`render_parts`' second
    value."""
    return render_parts(assessment, language, decision=decision, snapshot=snapshot)[0]


def render_parts(
    assessment: Any,
    language: str = "ko",
    *,
    decision: Any = None,
    snapshot: Snapshot | None = None,
) -> tuple[str, dict[str, bytes]]:
    """(HTML of the brief, {absolute chart URL: SVG bytes}) for :func:`html_to_pdf`."""
    language = normalize_language(language)
    if snapshot is None:
        snapshot = get_snapshot()
    with translation.override(language):
        context = build_context(assessment, language, snapshot=snapshot, decision=decision)
        context["template_version"] = BRIEF_TEMPLATE_VERSION
        html = brief_engine().get_template(TEMPLATE_NAME).render(_template_context(context))
    charts = {
        urljoin(base_url(), f"{CHART_DIR}{name}.svg"): svg.encode()
        for name, svg in context["charts"].items()
        if svg
    }
    return html, charts


def _template_context(context: dict[str, Any]) -> Any:
    from django.template import Context

    return Context(context, autoescape=True)


class ChartFetcher(BriefURLFetcher):
    """The brief's fetcher, plus this render's charts served from memory at their exact URLs.

    The charts are SVG drawn by ``advisor.charts`` (every text escaped). They go in as
    images rather than inline ``<svg>``: inline, each of their ~150 elements went through
    the HTML parser and the HTML cascade before WeasyPrint serialised the element and parsed
    it again as SVG (~20 ms a brief). Any other URL gets the parent's checks and refusals.
    """

    def __init__(self, charts: Mapping[str, bytes], root: Any = None) -> None:
        super().__init__(root)
        self.charts = dict(charts)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        from weasyprint.urls import URLFetcherResponse

        body = self.charts.get(url)
        if body is None:
            return super().fetch(url, headers)
        self.served.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": "image/svg+xml"})


_local = threading.local()


def _weasy_state() -> tuple[tuple[Any, ...], Any]:
    """(stylesheets of the brief, font configuration) of this thread, made on first use.

    Per thread because Pango font maps are not thread-safe. Both only grow to what the
    brief uses: the ``@font-face`` rules of its built faces (:mod:`advisor.briefs.fonts`;
    none when they are not built), its stylesheet, and the fonts of its few sizes and
    weights. Everything is fetched through the restricted fetcher like any other resource
    of the brief.
    """
    state = getattr(_local, "state", None)
    if state is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        stylesheets = [
            CSS(url=base_url() + STYLESHEET, url_fetcher=BriefURLFetcher(), base_url=base_url())
        ]
        faces = font_face_css()
        if faces:
            # After brief.css, whose font-family it overrides. Parsing the rules with the
            # font configuration registers the faces with it.
            stylesheets.append(CSS(
                string=faces, base_url=base_url(), url_fetcher=BriefURLFetcher(),
                font_config=font_config,
            ))
        state = _local.state = (tuple(stylesheets), font_config)
    return state


def reset_weasy_state() -> None:
    """Forget this thread's stylesheets and fonts, and look for the brief's built faces
    again (tests; a process that was running when they were built keeps the old ones)."""
    from advisor.briefs import fonts

    fonts.built_faces.cache_clear()
    _local.__dict__.pop("state", None)


def html_to_pdf(
    html: str,
    *,
    fetcher: BriefURLFetcher | None = None,
    stylesheets: tuple[Any, ...] = (),
    font_config: Any = None,
) -> bytes:
    """Lay out HTML with the restricted fetcher and no attachments; return PDF bytes."""
    from weasyprint import HTML

    fetcher = fetcher or BriefURLFetcher()
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(
        stylesheets=list(stylesheets), font_config=font_config
    )
    # Attachments are fetched at write time; the fetcher would refuse foreign ones, and the
    # brief never embeds files, so drop them all (including our own assets).
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf()


def render_brief_pdf(
    assessment: Any,
    language: str = "ko",
    *,
    decision: Any = None,
    snapshot: Snapshot | None = None,
) -> bytes:
    """The PDF brief of ``assessment`` (saved or not) with ``decision`` as its note."""
    html, charts = render_parts(assessment, language, decision=decision, snapshot=snapshot)
    stylesheets, font_config = _weasy_state()
    return html_to_pdf(
        html, fetcher=ChartFetcher(charts), stylesheets=stylesheets, font_config=font_config
    )
