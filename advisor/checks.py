"""Start-up checks: what WeasyPrint needs to render a Korean brief quickly and correctly.

Without Debian's ``libharfbuzz-subset0`` WeasyPrint embeds whole CJK fonts (a Korean brief
takes ~8 s instead of ~0.4 s and weighs megabytes); without a font covering Hangul and
Hanzi the brief shows empty boxes. Both are warnings, not errors, so that ``migrate`` and the
rest of the site still work while the message says exactly what to install.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

from django.core.checks import Tags, Warning, register

HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"
CJK_FONT_PACKAGE = "fonts-noto-cjk"


def harfbuzz_subset_available() -> bool:
    name = ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0"
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def fonts_for(language: str) -> list[str]:
    """Font families fontconfig offers for a language code (``ko``, ``zh-cn``)."""
    from advisor.briefs.fonts import fc_list

    out = fc_list(f":lang={language}", "family")
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


def cjk_font_available(lister: Callable[[str], list[str]] = fonts_for) -> bool:
    """True when one family covers both Hangul and simplified Chinese (as Noto CJK does)."""
    return bool(set(lister("ko")) & set(lister("zh-cn")))


def weasyprint_problems(
    harfbuzz: Callable[[], bool] = harfbuzz_subset_available,
    cjk_font: Callable[[], bool] = cjk_font_available,
) -> list[Warning]:
    problems = []
    if not harfbuzz():
        problems.append(
            Warning(
                "WeasyPrint's HarfBuzz subsetter (libharfbuzz-subset.so.0) is missing: PDF "
                "briefs will embed whole fonts and take seconds to render.",
                hint=f"Install it: apt-get install {HARFBUZZ_SUBSET_PACKAGE} (make run does).",
                id="advisor.W001",
            )
        )
    if not cjk_font():
        problems.append(
            Warning(
                "No font covering both Hangul and Chinese characters was found: PDF briefs "
                "would show empty boxes instead of Korean and Chinese text.",
                hint=f"Install one: apt-get install {CJK_FONT_PACKAGE} (make run does).",
                id="advisor.W002",
            )
        )
    return problems


def brief_font_problems(font_status: Callable[[], str] | None = None) -> list[Warning]:
    """The brief's own faces (advisor/briefs/fonts.py): missing or stale is a warning, the
    brief still renders, with the full Noto Sans CJK KR."""
    if font_status is None:
        from advisor.briefs import fonts

        font_status = fonts.status
    state = font_status()
    if state == "built":
        return []
    reason = (
        "are not built" if state == "missing"
        else "were built from another font, character set or build"
    )
    return [
        Warning(
            f"The PDF brief's font files {reason}: briefs fall back to Noto Sans CJK KR, "
            "which takes ~45 ms longer per brief and makes each PDF ~150 KB larger.",
            hint="Run: python manage.py build_brief_fonts (make setup does).",
            id="advisor.W003",
        )
    ]


@register(Tags.compatibility)
def check_pdf_dependencies(app_configs: object = None, **kwargs: object) -> list[Warning]:
    return weasyprint_problems() + brief_font_problems()
