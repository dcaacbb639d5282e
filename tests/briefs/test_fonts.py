"""The brief's own faces: what they hold, how they are built, found and served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from weasyprint.urls import path2url

from advisor.briefs import fonts
from advisor.briefs.fetcher import AssetRefused, BriefURLFetcher, resolve
from advisor.briefs.templatetags import WORD_JOINER


@pytest.fixture
def font_dir(settings: Any, tmp_path: Path) -> Path:
    directory = tmp_path / "brief-fonts"
    settings.BRIEF_FONT_DIR = directory
    fonts.built_faces.cache_clear()
    yield directory
    fonts.built_faces.cache_clear()


def test_the_character_set_covers_korean_chinese_and_the_knowledge_base() -> None:
    points = set(fonts.charset())
    assert all(point in points for point in range(0xAC00, 0xD7A4))  # every Hangul syllable
    assert len(fonts.gb2312_han()) == 6763
    assert {ord(c) for c in fonts.gb2312_han()} <= points
    kb_han = fonts.knowledge_base_han()
    assert {"合", "肥", "深", "圳"} <= kb_han  # Hefei, Shenzhen: cities of the shipped KB
    assert {ord(c) for c in kb_han} <= points
    assert {ord(c) for c in "Sori Labs ₩¥€ %·–—“”（）、。㈜" + WORD_JOINER} <= points


def test_the_source_is_the_installed_korean_noto_face() -> None:
    for weight in fonts.WEIGHTS:
        source = fonts.find_source(weight)
        assert source is not None and source.path.is_file()
        names = TTFont(str(source.path), fontNumber=source.index, lazy=True)["name"]
        assert names.getDebugName(1).startswith("Noto Sans CJK KR")


def test_without_built_faces_the_brief_keeps_noto_and_the_check_says_so(font_dir: Path) -> None:
    from advisor import checks

    assert fonts.status() == "missing"
    assert fonts.font_face_css() == ""
    assert fonts.css_family() == fonts.FALLBACK_CSS_FAMILY
    assert "Advisor" not in fonts.css_family()  # an unknown family would pull in a Latin font
    assert [w.id for w in checks.brief_font_problems()] == ["advisor.W003"]


def test_a_build_cuts_renames_and_keeps_the_licence(font_dir: Path) -> None:
    points = [ord(c) for c in "Ab 가나 合肥"]
    assert fonts.build(points=points) == "built"
    assert fonts.build(points=points) == "up to date"
    for weight, style in fonts.WEIGHTS.items():
        font = TTFont(str(fonts.font_path(weight)))
        assert set(font.getBestCmap()) == set(points)
        names = font["name"]
        assert names.getDebugName(1) == "Advisor Brief Sans"
        assert names.getDebugName(6) == f"AdvisorBriefSans-{style}"
        assert "Noto" not in names.getDebugName(4)
        assert "Open Font License" in (names.getDebugName(13) or "")
        assert font["CFF "].cff.fontNames == [f"AdvisorBriefSans-{style}"]
    assert fonts.built_faces() == {w: fonts.font_path(w) for w in fonts.WEIGHTS}
    # Built from fewer characters than a brief needs: stale, and the check says so.
    assert fonts.status() == "stale"
    css = fonts.font_face_css()
    assert css.count("@font-face") == 2 and fonts.CSS_FAMILY in css


def test_the_fetcher_serves_built_faces_and_nothing_else_from_their_directory(
    font_dir: Path, tmp_path: Path
) -> None:
    font_dir.mkdir()
    face = font_dir / "AdvisorBriefSans-Regular.otf"
    face.write_bytes(b"OTTO fake")
    (font_dir / "manifest.json").write_text("{}")
    (font_dir / "passwd.otf").symlink_to("/etc/passwd")
    elsewhere = tmp_path / "stray.otf"
    elsewhere.write_bytes(b"OTTO")

    assert resolve(path2url(str(face))) == face.resolve()
    response = BriefURLFetcher().fetch(path2url(str(face)))
    assert response.headers["Content-Type"] == "font/otf"
    for refused in (
        font_dir / "manifest.json",  # not a font
        font_dir / "passwd.otf",  # a link out of the directory
        elsewhere,  # a font, but not one of the brief's
    ):
        with pytest.raises(AssetRefused):
            resolve(path2url(str(refused)))
