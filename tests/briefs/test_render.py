"""The rendered brief: content in both languages, fonts, pages, glyphs, escaping."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from advisor.briefs.render import html_to_pdf
from advisor.briefs.templatetags import WORD_JOINER, keepwords
from tests.briefs.conftest import DECISION_NOTE, HOSTILE_NAME, pdftotext

# The session fixture renders inside the test database; the marker makes pytest-django create
# it (it only sets up databases that some collected test asks for).
pytestmark = pytest.mark.django_db

SECTION_HEADINGS = (
    "Summary", "Ranking of the clusters", "Alternatives", "Next steps", "Method and sources",
)


def flat(text: str) -> str:
    """Text without any white space: robust to where pdftotext breaks lines."""
    return re.sub(r"\s+", "", text)


def test_the_korean_brief_names_the_company_and_the_recommendation(rendered: Any) -> None:
    text = flat(rendered["ko"]["text"])
    for expected in ("SoriLabs", "창장삼각주", "长三角", "허페이", "合肥", "웨강아오대만구",
                     "81.4", "2024Q1–Q3", "9,422억위안", "아이플라이텍", "科大讯飞", "KICChina",
                     "kb-0123456789ab", "2026.11-1", "2026년11월21일"):
        assert expected in text, expected
    with translation.override("ko"):
        for heading in SECTION_HEADINGS:
            # Whatever the Korean catalogue says (English until it translates the msgid).
            assert flat(translation.gettext(heading)) in text, heading


def test_the_english_brief_is_in_english(rendered: Any) -> None:
    text = flat(rendered["en"]["text"])
    for expected in ("SoriLabs", "YangtzeRiverDelta", "长三角", "GreaterBayArea",
                     "iFlytek", "Hefei", "WorldAIConference", "21November2026",
                     *(flat(h) for h in SECTION_HEADINGS)):
        assert expected in text, expected
    assert "86%" in text  # robustness in plain words
    # Both charts were drawn (they are SVG images served from memory by the fetcher).
    assert "Needsfit(sumofcontributions)" in text  # contributions chart
    assert "90·74" in text  # ranking chart: sector fit · needs fit under the first bar
    # Its consultant recommends the Greater Bay Area: that leads, the ranking supports it.
    assert "KICChinarecommendsGreaterBayArea" in text
    assert "ranksYangtzeRiverDeltafirst" in text


def test_the_flip_is_told_when_the_engine_leads(rendered: Any) -> None:
    text = flat(rendered["en_old"]["text"])
    assert "Costmattered5outof5insteadof2" in text.replace("cost", "Cost")


def test_only_events_after_the_brief_date_are_listed(rendered: Any) -> None:
    text = flat(rendered["en"]["text"])
    assert "WorldAIConference" in text and "PastAIExpo" not in text


def test_the_decision_note_is_shown_as_text(rendered: Any) -> None:
    en = flat(rendered["en"]["text"])
    assert flat(DECISION_NOTE) in en
    assert "Startin" not in flat(rendered["ko"]["text"])


def test_markup_in_the_company_name_comes_out_as_text(rendered: Any) -> None:
    reader = PdfReader(rendered["hostile"]["path"])
    assert HOSTILE_NAME in reader.metadata.title
    assert flat(HOSTILE_NAME) in flat(rendered["hostile"]["text"])


@pytest.mark.parametrize("key", ["ko", "en", "hostile"])
def test_the_brief_embeds_its_own_two_faces_and_nothing_else(rendered: Any, key: str) -> None:
    out = subprocess.run(
        ["pdffonts", str(rendered[key]["path"])], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    # Columns from the right: emb sub uni object-id generation.
    assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows), out
    # Subset tags ("ABCDEF+") aside: the regular and bold cut faces, no fallback font (the
    # cut faces hold every character a brief of the shipped knowledge base uses).
    names = sorted(row[0].split("+", 1)[-1] for row in rows)
    assert names == ["Advisor-Brief-Sans", "Advisor-Brief-Sans-Bold"], out


@pytest.mark.parametrize("key", ["ko", "en"])
def test_a_pdf_reader_draws_every_page_without_a_font_error(
    rendered: Any, key: str, tmp_path: Path
) -> None:
    # pdftoppm rasterises every glyph, so a font the reader cannot load shows up here.
    result = subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(rendered[key]["path"]), str(tmp_path / "page")],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert result.stderr == ""
    assert len(list(tmp_path.glob("page*.png"))) == len(PdfReader(rendered[key]["path"]).pages)


@pytest.mark.parametrize("key", ["ko", "en"])
def test_page_count_is_within_bounds(rendered: Any, key: str) -> None:
    assert 3 <= len(PdfReader(rendered[key]["path"]).pages) <= 10


@pytest.mark.parametrize("key", ["ko", "en", "hostile"])
def test_no_glyph_is_missing(rendered: Any, key: str) -> None:
    text = rendered[key]["text"]
    assert "\ufffd" not in text and ".notdef" not in text
    assert WORD_JOINER not in text  # joiners keep words whole and leave no trace
    assert not [w for w in rendered["warnings"] if "glyph" in w.lower() or "font" in w.lower()]


def test_rendering_needed_nothing_from_outside(rendered: Any) -> None:
    assert not [w for w in rendered["warnings"] if "refused" in w or "Failed" in w]


def test_keepwords_escapes_then_joins_the_characters_of_korean_words() -> None:
    j = WORD_JOINER
    html = keepwords("창장삼각주 <b>R&D</b> 허페이(合肥)")
    assert html == (
        f"창{j}장{j}삼{j}각{j}주 &lt;b&gt;R&amp;D&lt;/b&gt; 허{j}페{j}이{j}({j}合{j}肥{j})"
    )
    # Even text that arrives marked safe is escaped: only joiners are added.
    assert keepwords(mark_safe("<i>이름</i>")) == f"&lt;i&gt;{j}이{j}름{j}&lt;/i&gt;"
    assert keepwords(None) == "" and keepwords("R&D") == "R&amp;D"


def test_korean_lines_break_between_words_only(tmp_path: Path) -> None:
    sentence = "창장삼각주는 중국 혁신 네트워크에서 연구개발과 첨단 제조를 잇는 핵심 거점입니다. "
    html = (
        '<html><body style="font-family: Noto Sans CJK KR; width: 42mm">'
        f"<p>{keepwords(sentence * 6)}</p></body></html>"
    )
    path = tmp_path / "narrow.pdf"
    path.write_bytes(html_to_pdf(html))
    text = pdftotext(path)
    assert WORD_JOINER not in text
    lines = [line.split() for line in text.splitlines() if line.strip()]
    assert len(lines) > 10  # it did wrap, many times
    words = set(sentence.split())
    assert all(word in words for line in lines for word in line), lines


def test_list_items_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "list.pdf"
    path.write_bytes(html_to_pdf(
        '<html><body style="font-family: Noto Sans CJK KR">'
        "<ol><li>첫째 출처</li><li>둘째 출처</li></ol><p>본문<br>둘째 줄</p></body></html>"
    ))
    lines = [line.strip() for line in pdftotext(path).splitlines() if line.strip()]
    assert lines[:4] == ["1. 첫째 출처", "2. 둘째 출처", "본문", "둘째 줄"]


def test_a_character_outside_the_brief_faces_comes_from_noto(tmp_path: Path) -> None:
    # A Chinese name an editor might add in the admin, outside GB 2312 and the shipped KB.
    from advisor.briefs import fonts
    from advisor.briefs.render import _weasy_state, reset_weasy_state

    rare = "龘"
    assert fonts.build() in ("built", "up to date")
    assert ord(rare) not in set(fonts.charset())
    reset_weasy_state()
    stylesheets, font_config = _weasy_state()
    path = tmp_path / "rare.pdf"
    path.write_bytes(html_to_pdf(
        f"<p>{keepwords('허페이 ' + rare + ' Hefei')}</p>",
        stylesheets=stylesheets, font_config=font_config,
    ))
    assert flat(pdftotext(path)) == flat(f"허페이 {rare} Hefei")
    fonts_out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Advisor-Brief-Sans" in fonts_out  # the rest of the line
    assert "Noto-Sans-CJK-KR" in fonts_out  # the one character, from the full font
