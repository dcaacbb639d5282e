"""SVG charts of a ranking, drawn once and used by both the result page and the PDF brief.

Plain functions: ranking JSON in (docs/ARCHITECTURE.md), an SVG string out. No ORM, no
request, no I/O, so the web page and WeasyPrint show exactly the same drawing and the
drawing is tested without a database.

Every piece of text goes through :func:`_text` (XML-escaped, control characters dropped):
company-controlled strings such as keywords or names must never become markup, and a stray
control character would make the whole SVG invalid XML. Numbers are formatted by us.
Fonts come from CSS family names only (fontconfig on the server, the browser on the page);
nothing is downloaded. The brief passes its own family list (``font_family``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext

FONT_FAMILY = "'Noto Sans CJK KR', 'Noto Sans KR', sans-serif"

# A calm, print-safe palette that stays distinguishable in greyscale.
COLOR_TOP = "#1f4e79"
COLOR_SCORE = "#5b7fa6"
COLOR_SECTOR = "#d08c2a"
COLOR_NEEDS = "#4f9a8b"
COLOR_TEXT = "#1d2733"
COLOR_MUTED = "#5d6b7a"
COLOR_GRID = "#d9dee4"
COLOR_TRACK = "#eef1f4"

# Characters XML 1.0 forbids (C0 controls except tab/newline/CR, and the two non-characters).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    """Escaped element content."""
    return escape(_XML_INVALID.sub("", str(value)))


def _attr(value: object) -> str:
    """An escaped, quoted attribute value (quotes included)."""
    return quoteattr(_XML_INVALID.sub("", str(value)))


def _num(value: float) -> str:
    """Coordinates with one decimal at most: short output, stable across runs."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def shown(value: Any, digits: int = 0) -> str:
    """A number as every chart, table and sentence shows it: ``digits`` decimals, half up.

    This is Django's ``floatformat`` (Decimal, ROUND_HALF_UP), the filter the page and brief
    tables use, so a chart can no longer print 64 where the table beside it prints 65
    (f"{64.5:.0f}" rounds half to even). Unreadable values show as "–".
    """
    text = floatformat(value, digits)
    return str(text) if text != "" else "–"


def _score(value: Any) -> float:
    """A 0–100 value, clamped; anything unreadable counts as 0 rather than breaking the page."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if number != number:  # NaN
        return 0.0
    return max(0.0, min(100.0, number))


def _text_width(text: str, font_size: float) -> float:
    """Rough advance width: Hangul/Hanzi one em, Latin capitals and digits ~0.62 em, the
    rest ~0.52 em (Noto Sans CJK). Good enough to keep labels out of the bars."""
    total = 0.0
    for ch in text:
        if ord(ch) > 0x2E7F:
            total += 1.0
        elif ch.isupper() or ch.isdigit():
            total += 0.62
        else:
            total += 0.52
    return total * font_size


def _fit(text: str, max_width: float, font_size: float) -> str:
    """``text`` shortened with an ellipsis to fit ``max_width`` (the full text stays in the
    row's <title> and the chart's description)."""
    if _text_width(text, font_size) <= max_width:
        return text
    while text and _text_width(text + "…", font_size) > max_width:
        text = text[:-1]
    return text.rstrip(" –-,(") + "…"


def cluster_label(entry: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(name in the language, Chinese name) of a ranking entry, tolerant of older results."""
    names = entry.get("names") or {}
    lang = "en" if language.startswith("en") else "ko"
    name = names.get(lang) or entry.get("name") or entry.get("cluster", "")
    zh = names.get("zh", "")
    if zh and zh == name:
        zh = ""
    return str(name), str(zh)


def _svg_open(*, width: float, height: float, chart_id: str, title: str, desc: str,
              css_class: str, font_family: str = FONT_FAMILY) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class={_attr(css_class)} '
        f'width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" '
        f"aria-labelledby={_attr(f'{chart_id}-title {chart_id}-desc')} "
        f"aria-label={_attr(title)} font-family={_attr(font_family)} "
        f'font-size="11" fill="{COLOR_TEXT}">',
        f"<title id={_attr(chart_id + '-title')}>{_text(title)}</title>",
        f"<desc id={_attr(chart_id + '-desc')}>{_text(desc)}</desc>",
    ]


def _legend(items: Sequence[tuple[str, str]], *, x: float, y: float) -> list[str]:
    parts = ['<g class="legend">']
    for color, label in items:
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y - 8)}" width="10" height="10" rx="2" '
            f'fill="{color}"/>'
            f'<text x="{_num(x + 14)}" y="{_num(y)}" font-size="10" '
            f'fill="{COLOR_MUTED}">{_text(label)}</text>'
        )
        # Width estimate: Hangul/Hanzi are about one em, Latin about half.
        x += 14 + sum(10 if ord(ch) > 0x2E7F else 5.6 for ch in label) + 18
    parts.append("</g>")
    return parts


def ranking_bar_chart(
    ranking: Sequence[Mapping[str, Any]],
    *,
    language: str,
    width: int = 640,
    chart_id: str = "ranking-chart",
    font_family: str = FONT_FAMILY,
) -> str:
    """Horizontal bars of every ranked cluster's score, with sector fit and needs fit below.

    One row per entry in the order given (the ranking's order). The score bar's length is
    ``score / 100`` of the bar area, so rows compare at a glance and against the 0–100 scale;
    the two thin bars underneath show the parts the score is made of.
    """
    with translation.override(language):
        title = gettext("Ranking of China's city clusters for this company")
        legend_items = [
            (COLOR_SCORE, gettext("Score")),
            (COLOR_SECTOR, gettext("Sector fit")),
            (COLOR_NEEDS, gettext("Needs fit")),
        ]
        summary = "; ".join(
            gettext(
                "%(rank)s. %(name)s: score %(score)s, sector fit %(sector)s, "
                "needs fit %(needs)s"
            )
            % {
                "rank": entry.get("rank", index + 1),
                "name": " ".join(filter(None, cluster_label(entry, language))),
                "score": shown(_score(entry.get("score")), 1),
                "sector": shown(_score(entry.get("sector_fit"))),
                "needs": shown(_score(entry.get("needs_fit"))),
            }
            for index, entry in enumerate(ranking)
        )

    label_w = max(150.0, width * 0.3)
    value_w = 44.0
    left = label_w + 8
    bar_w = max(60.0, width - left - value_w)
    top = 30.0
    row_h = 40.0
    height = top + row_h * len(ranking) + 22

    parts = _svg_open(
        width=width, height=height, chart_id=chart_id, title=title, desc=summary,
        css_class="chart chart-ranking", font_family=font_family,
    )
    parts += _legend(legend_items, x=left, y=14)
    # Gridlines every 20 points, behind the bars, with the scale written at the bottom.
    parts.append('<g class="grid" aria-hidden="true">')
    for tick in range(0, 101, 20):
        gx = left + bar_w * tick / 100
        parts.append(
            f'<line x1="{_num(gx)}" y1="{_num(top - 4)}" x2="{_num(gx)}" '
            f'y2="{_num(height - 18)}" stroke="{COLOR_GRID}" stroke-width="0.6"/>'
            f'<text x="{_num(gx)}" y="{_num(height - 6)}" font-size="9" text-anchor="middle" '
            f'fill="{COLOR_MUTED}">{tick}</text>'
        )
    parts.append("</g>")

    for index, entry in enumerate(ranking):
        y = top + row_h * index
        name, zh = cluster_label(entry, language)
        rank = entry.get("rank", index + 1)
        score = _score(entry.get("score"))
        sector = _score(entry.get("sector_fit"))
        needs = _score(entry.get("needs_fit"))
        color = COLOR_TOP if index == 0 else COLOR_SCORE
        weight = "700" if index == 0 else "400"
        label = f"{rank}. {name}"
        parts.append(
            f'<g class="row" data-cluster={_attr(entry.get("cluster", ""))}>'
            f"<title>{_text(label)}</title>"
        )
        parts.append(
            f'<text x="0" y="{_num(y + 12)}" font-size="11.5" font-weight="{weight}">'
            f"{_text(_fit(label, label_w, 11.5))}</text>"
        )
        if zh:
            parts.append(
                f'<text x="14" y="{_num(y + 27)}" font-size="10" fill="{COLOR_MUTED}" '
                f'lang="zh-Hans">{_text(zh)}</text>'
            )
        parts.append(
            f'<rect x="{_num(left)}" y="{_num(y + 2)}" width="{_num(bar_w)}" height="14" '
            f'fill="{COLOR_TRACK}"/>'
            f'<rect class="bar bar-score" x="{_num(left)}" y="{_num(y + 2)}" '
            f'width="{_num(bar_w * score / 100)}" height="14" rx="1.5" fill="{color}" '
            f'data-value="{score:.1f}"/>'
            f'<rect class="bar bar-sector" x="{_num(left)}" y="{_num(y + 19)}" '
            f'width="{_num(bar_w * sector / 100)}" height="5" fill="{COLOR_SECTOR}" '
            f'data-value="{sector:.1f}"/>'
            f'<rect class="bar bar-needs" x="{_num(left)}" y="{_num(y + 26)}" '
            f'width="{_num(bar_w * needs / 100)}" height="5" fill="{COLOR_NEEDS}" '
            f'data-value="{needs:.1f}"/>'
            f'<text x="{_num(left + bar_w + 6)}" y="{_num(y + 13)}" font-size="11.5" '
            f'font-weight="{weight}">{shown(score, 1)}</text>'
            f'<text x="{_num(left + bar_w + 6)}" y="{_num(y + 30)}" font-size="8.5" '
            f'fill="{COLOR_MUTED}">{shown(sector)} · {shown(needs)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def contributions_chart(
    entry: Mapping[str, Any],
    factor_names: Mapping[str, str],
    *,
    language: str,
    width: int = 640,
    chart_id: str = "contributions-chart",
    font_family: str = FONT_FAMILY,
) -> str:
    """One bar per factor: the points it adds to the cluster's needs fit, largest first.

    Contributions add up to ``needs_fit`` (the engine's contract), so the bars share one
    scale: the largest contribution spans the bar area and the total is written underneath.
    Each row also shows the factor's weight and the cluster's 0–100 score on it, because
    "many points" can mean a high weight or a strong cluster and a consultant needs to say
    which.
    """
    contributions = sorted(
        (c for c in entry.get("contributions") or [] if isinstance(c, Mapping)),
        key=lambda c: (-float(c.get("points") or 0), str(c.get("factor", ""))),
    )
    name = cluster_label(entry, language)[0]
    with translation.override(language):
        title = gettext("What makes up the needs fit of %(cluster)s") % {"cluster": name}
        row_note = gettext("weight %(weight)s%%, cluster score %(score)s")
        total_label = gettext("Needs fit (sum of contributions): %(total)s")
        desc = "; ".join(
            f"{factor_names.get(str(c.get('factor')), str(c.get('factor')))}: "
            f"{shown(float(c.get('points') or 0), 1)}"
            for c in contributions
        )
        total_text = total_label % {"total": shown(_score(entry.get("needs_fit")), 1)}

    label_w = max(90.0, width * 0.16)
    note_w = max(140.0, width * 0.26)
    left = label_w + 8
    bar_w = max(60.0, width - left - note_w - 40)
    row_h = 20.0
    top = 6.0
    height = top + row_h * len(contributions) + 24
    largest = max((float(c.get("points") or 0) for c in contributions), default=0.0) or 1.0

    parts = _svg_open(
        width=width, height=height, chart_id=chart_id, title=title, desc=desc,
        css_class="chart chart-contributions", font_family=font_family,
    )
    for index, item in enumerate(contributions):
        y = top + row_h * index
        code = str(item.get("factor", ""))
        points = max(0.0, float(item.get("points") or 0))
        weight = item.get("weight")
        factor_score = item.get("factor_score")
        note = row_note % {
            "weight": shown(float(weight) * 100) if weight is not None else "–",
            "score": shown(factor_score) if factor_score is not None else "–",
        }
        length = bar_w * points / largest
        parts.append(
            f'<g class="row" data-factor={_attr(code)}>'
            f'<text x="{_num(label_w)}" y="{_num(y + 12)}" text-anchor="end">'
            f"{_text(_fit(factor_names.get(code, code), label_w, 11))}</text>"
            f'<rect class="bar bar-points" x="{_num(left)}" y="{_num(y + 3)}" '
            f'width="{_num(length)}" height="12" rx="1.5" '
            f'fill="{COLOR_TOP if index == 0 else COLOR_NEEDS}" data-value="{points:.1f}"/>'
            f'<text x="{_num(left + length + 5)}" y="{_num(y + 12)}" font-weight="700">'
            f"{shown(points, 1)}</text>"
            f'<text x="{_num(left + bar_w + 40)}" y="{_num(y + 12)}" font-size="9" '
            f'fill="{COLOR_MUTED}">{_text(note)}</text>'
            "</g>"
        )
    parts.append(
        f'<text x="{_num(left)}" y="{_num(height - 6)}" font-size="10" fill="{COLOR_MUTED}">'
        f"{_text(total_text)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def factor_profile_chart(
    entries: Sequence[Mapping[str, Any]],
    factor_names: Mapping[str, str],
    needs: Mapping[str, int | float],
    *,
    language: str,
    width: int = 640,
    chart_id: str = "profile-chart",
) -> str:
    """Side-by-side clusters on each factor the company weighs (a dot plot, not a radar).

    A dot plot reads more exactly than a radar and prints well: one row per factor the
    company rated above 0 (most important first), one dot per cluster at its 0–100 score
    (``contributions[].factor_score``), the importance written beside the factor's name.
    """
    palette = (COLOR_TOP, COLOR_SECTOR, COLOR_NEEDS, "#8a5a9e", "#a33b3b")
    factors = sorted(
        (code for code, value in needs.items() if value and float(value) > 0),
        key=lambda code: (-float(needs[code]), code),
    )
    scores: list[dict[str, float]] = []
    for entry in entries:
        scores.append({
            str(c.get("factor")): _score(c.get("factor_score"))
            for c in entry.get("contributions") or []
            if isinstance(c, Mapping) and c.get("factor_score") is not None
        })
    with translation.override(language):
        title = gettext("Cluster scores on the factors this company weighs")
        importance = gettext("importance %(value)s/5")
        labels = [" ".join(filter(None, cluster_label(e, language)[:1])) for e in entries]
        desc = "; ".join(
            f"{factor_names.get(f, f)}: "
            + ", ".join(
                f"{labels[i]} {shown(scores[i][f])}" for i in range(len(entries)) if f in scores[i]
            )
            for f in factors
        )

    label_w = max(130.0, width * 0.24)
    left = label_w + 10
    plot_w = max(60.0, width - left - 16)
    top = 28.0
    row_h = 22.0
    height = top + row_h * len(factors) + 20
    parts = _svg_open(
        width=width, height=height, chart_id=chart_id, title=title, desc=desc,
        css_class="chart chart-profile",
    )
    parts += _legend(
        [(palette[i % len(palette)], labels[i]) for i in range(len(entries))], x=left, y=14
    )
    for tick in range(0, 101, 25):
        gx = left + plot_w * tick / 100
        parts.append(
            f'<line x1="{_num(gx)}" y1="{_num(top - 4)}" x2="{_num(gx)}" '
            f'y2="{_num(height - 16)}" stroke="{COLOR_GRID}" stroke-width="0.6"/>'
            f'<text x="{_num(gx)}" y="{_num(height - 4)}" font-size="9" text-anchor="middle" '
            f'fill="{COLOR_MUTED}">{tick}</text>'
        )
    for row, code in enumerate(factors):
        y = top + row_h * row + 11
        with translation.override(language):
            note = importance % {"value": f"{float(needs[code]):g}"}
        parts.append(
            f'<g class="row" data-factor={_attr(code)}>'
            f'<text x="{_num(label_w)}" y="{_num(y - 1)}" text-anchor="end">'
            f"{_text(_fit(factor_names.get(code, code), label_w, 11))}</text>"
            f'<text x="{_num(label_w)}" y="{_num(y + 9)}" text-anchor="end" font-size="8.5" '
            f'fill="{COLOR_MUTED}">{_text(note)}</text>'
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_w)}" '
            f'y2="{_num(y)}" stroke="{COLOR_TRACK}" stroke-width="6"/>'
        )
        for i, per_cluster in enumerate(scores):
            if code in per_cluster:
                cx = left + plot_w * per_cluster[code] / 100
                parts.append(
                    f'<circle class="dot" cx="{_num(cx)}" cy="{_num(y)}" r="4.5" '
                    f'fill="{palette[i % len(palette)]}" stroke="#fff" stroke-width="1" '
                    f'data-value="{per_cluster[code]:.0f}"/>'
                )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
