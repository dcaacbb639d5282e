"""The shared SVG charts: valid XML, escaped text, one bar per cluster, honest lengths."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from advisor.charts import (
    _text_width,
    contributions_chart,
    factor_profile_chart,
    ranking_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"

RANKING = [
    {
        "rank": 1, "cluster": "yrd", "name": "창장삼각주 (长三角)",
        "names": {"ko": "창장삼각주", "en": "Yangtze River Delta", "zh": "长三角"},
        "score": 81.4, "sector_fit": 90.0, "needs_fit": 74.2,
        "contributions": [
            {"factor": "talent", "points": 30.0, "weight": 0.4, "factor_score": 75},
            {"factor": "research", "points": 44.2, "weight": 0.6, "factor_score": 73.7},
        ],
    },
    {
        "rank": 2, "cluster": "gba", "name": "웨강아오 대만구 (粤港澳大湾区)",
        "names": {"ko": "웨강아오 대만구", "en": "Greater Bay Area", "zh": "粤港澳大湾区"},
        "score": 40.7, "sector_fit": 50.0, "needs_fit": 31.0,
        "contributions": [
            {"factor": "talent", "points": 20.0, "weight": 0.4, "factor_score": 50},
            {"factor": "research", "points": 11.0, "weight": 0.6, "factor_score": 18.3},
        ],
    },
    {
        "rank": 3, "cluster": "jjj", "name": "징진지 (京津冀)",
        "names": {"ko": "징진지", "en": "Beijing–Tianjin–Hebei", "zh": "京津冀"},
        "score": 20.35, "sector_fit": 10.0, "needs_fit": 30.0, "contributions": [],
    },
]
FACTORS = {"talent": "인재", "research": "연구"}
HOSTILE = "<script>alert(1)</script><img src=http://x>&\x01"


def parse(svg: str) -> ET.Element:
    # Our own generated output, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def score_bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "bar-score" in r.get("class", "")]


def test_ranking_chart_is_valid_accessible_svg() -> None:
    root = parse(ranking_bar_chart(RANKING, language="ko"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert "Noto Sans CJK KR" in root.get("font-family", "")
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "창장삼각주" in texts and "长三角" in texts


def test_ranking_chart_draws_one_bar_per_cluster_in_order() -> None:
    root = parse(ranking_bar_chart(RANKING, language="en"))
    rows = [g.get("data-cluster") for g in root.iter(f"{SVG}g") if g.get("data-cluster")]
    assert rows == ["yrd", "gba", "jjj"]
    assert len(score_bars(root)) == 3
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Yangtze River Delta" in texts


@pytest.mark.parametrize("width", [400, 640, 900])
def test_bar_lengths_are_proportional_to_scores(width: int) -> None:
    root = parse(ranking_bar_chart(RANKING, language="ko", width=width))
    bars = score_bars(root)
    widths = [float(b.get("width")) for b in bars]
    scores = [e["score"] for e in RANKING]
    # Same scale for every row: width / score is constant (within rounding to 0.1 px).
    ratios = [w / s for w, s in zip(widths, scores, strict=True)]
    assert max(ratios) - min(ratios) < 0.01
    for kind, key in (("bar-sector", "sector_fit"), ("bar-needs", "needs_fit")):
        thin = [r for r in root.iter(f"{SVG}rect") if kind in r.get("class", "")]
        assert [float(r.get("width")) for r in thin] == pytest.approx(
            [e[key] * ratios[0] for e in RANKING], abs=0.06
        )
    assert float(root.get("width")) == width


def test_company_controlled_text_stays_text() -> None:
    hostile = [dict(RANKING[0], names={"ko": HOSTILE, "en": HOSTILE, "zh": HOSTILE})]
    svg = ranking_bar_chart(hostile, language="ko")
    root = parse(svg)  # still well-formed despite "<", "&" and a control character
    assert "<script" not in svg and "<img" not in svg
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "<script>alert(1)</script>" in texts
    svg = contributions_chart(RANKING[0], {"talent": HOSTILE}, language="en")
    assert "<script" not in svg
    parse(svg)


def test_out_of_range_and_missing_values_do_not_break_the_drawing() -> None:
    odd = [{"cluster": "x", "score": 250, "sector_fit": None, "needs_fit": "n/a"}]
    root = parse(ranking_bar_chart(odd, language="ko"))
    (bar,) = score_bars(root)
    track = float(bar.get("width"))
    assert track > 0 and float(bar.get("data-value")) == 100.0


def test_contributions_chart_scales_to_the_largest_and_shows_the_total() -> None:
    root = parse(contributions_chart(RANKING[0], FACTORS, language="ko"))
    bars = [r for r in root.iter(f"{SVG}rect") if "bar-points" in r.get("class", "")]
    assert [b.get("data-value") for b in bars] == ["44.2", "30.0"]  # largest first
    w0, w1 = (float(b.get("width")) for b in bars)
    assert w1 / w0 == pytest.approx(30.0 / 44.2, abs=0.01)
    rows = [g.get("data-factor") for g in root.iter(f"{SVG}g") if g.get("data-factor")]
    assert rows == ["research", "talent"]
    assert "74.2" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_factor_profile_chart_has_one_row_per_weighed_factor() -> None:
    svg = factor_profile_chart(
        RANKING[:2], FACTORS, {"talent": 5, "research": 3, "cost": 0}, language="en"
    )
    root = parse(svg)
    rows = [g.get("data-factor") for g in root.iter(f"{SVG}g") if g.get("data-factor")]
    assert rows == ["talent", "research"]
    dots = [c for c in root.iter(f"{SVG}circle")]
    assert len(dots) == 4


def test_long_names_wrap_between_words_to_stay_clear_of_the_bars() -> None:
    long = dict(RANKING[1], names={"ko": "웨강아오 대만구", "zh": "粤港澳大湾区",
                                   "en": "Guangdong–Hong Kong–Macao Greater Bay Area"})
    root = parse(ranking_bar_chart([long], language="en", width=620))
    row = next(g for g in root.iter(f"{SVG}g") if g.get("data-cluster"))
    texts = [t.text for t in row.findall(f"{SVG}text")]
    # Two lines of the name, broken at a space (no word cut, no ellipsis), then the Chinese.
    assert texts[0] == "2. Guangdong–Hong Kong–Macao"
    assert texts[1] == "Greater Bay Area"
    assert texts[2] == "粤港澳大湾区"
    assert row.find(f"{SVG}title").text == "2. Guangdong–Hong Kong–Macao Greater Bay Area"
    first_bar = row.find(f"{SVG}rect")
    assert float(first_bar.get("x")) > _text_width(texts[0], 11.5)


def test_a_name_too_long_for_two_lines_is_cut_between_words() -> None:
    name = "Western compute and green-energy hub of the far western provinces and beyond"
    entry = dict(RANKING[1], names={"en": name, "ko": name, "zh": ""})
    root = parse(ranking_bar_chart([entry], language="en", width=620))
    row = next(g for g in root.iter(f"{SVG}g") if g.get("data-cluster"))
    last = [t.text for t in row.findall(f"{SVG}text")][1]
    assert last.endswith("…")
    assert last[:-1].rstrip() in name and name[name.index(last[:-1].rstrip()) +
                                             len(last[:-1].rstrip())] == " "


def test_the_phone_layout_fits_360_px_with_names_above_the_bars() -> None:
    long = dict(RANKING[1], names={"ko": "웨강아오 대만구", "zh": "粤港澳大湾区",
                                   "en": "Guangdong–Hong Kong–Macao Greater Bay Area"})
    svg = ranking_bar_chart([RANKING[0], long], language="en", width=360, compact=True)
    root = parse(svg)
    assert root.get("width") == "360"
    rows = [g for g in root.iter(f"{SVG}g") if g.get("data-cluster")]
    for row in rows:
        texts = row.findall(f"{SVG}text")
        assert _text_width(texts[0].text, 13) <= 360
        score_bar = row.find(f"{SVG}rect[@class='bar bar-score']")
        # The name sits above its bar, and the bar starts at the left edge (full width).
        assert float(texts[0].get("y")) < float(score_bar.get("y"))
        assert score_bar.get("x") == "0"
    # A name and Chinese name too long for one line: the Chinese gets its own line.
    texts = [t.text for t in rows[1].findall(f"{SVG}text")]
    assert texts[0] == "2. Guangdong–Hong Kong–Macao Greater Bay Area"
    assert texts[1] == "粤港澳大湾区"
