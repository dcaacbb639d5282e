"""The start-up check says clearly what WeasyPrint is missing."""

from __future__ import annotations

from advisor import checks


def test_it_reports_nothing_when_subsetter_and_cjk_font_are_present() -> None:
    assert checks.weasyprint_problems(harfbuzz=lambda: True, cjk_font=lambda: True) == []


def test_it_names_the_debian_package_when_the_harfbuzz_subsetter_is_missing() -> None:
    problems = checks.weasyprint_problems(harfbuzz=lambda: False, cjk_font=lambda: True)
    assert [p.id for p in problems] == ["advisor.W001"]
    assert "libharfbuzz-subset0" in problems[0].hint


def test_it_names_the_font_package_when_no_font_covers_hangul_and_hanzi() -> None:
    problems = checks.weasyprint_problems(harfbuzz=lambda: True, cjk_font=lambda: False)
    assert [p.id for p in problems] == ["advisor.W002"]
    assert "fonts-noto-cjk" in problems[0].hint


def test_a_font_must_cover_both_korean_and_chinese() -> None:
    only_korean = {"ko": ["Nanum Gothic"], "zh-cn": ["WenQuanYi"]}
    assert not checks.cjk_font_available(lambda lang: only_korean[lang])
    both = {"ko": ["Noto Sans CJK KR"], "zh-cn": ["Noto Sans CJK KR", "WenQuanYi"]}
    assert checks.cjk_font_available(lambda lang: both[lang])


def test_this_machine_has_what_the_brief_needs() -> None:
    # make run / make test install both; if this fails, set-up is broken, not the app.
    assert checks.harfbuzz_subset_available()
    assert checks.cjk_font_available()


def test_it_asks_for_the_brief_fonts_to_be_built_when_they_are_missing_or_stale() -> None:
    assert checks.brief_font_problems(lambda: "built") == []
    missing = checks.brief_font_problems(lambda: "missing")
    assert [p.id for p in missing] == ["advisor.W003"]
    assert "are not built" in missing[0].msg and "build_brief_fonts" in missing[0].hint
    stale = checks.brief_font_problems(lambda: "stale")
    assert "another font" in stale[0].msg


def test_this_machine_has_the_brief_fonts_built() -> None:
    # make setup builds them (manage.py build_brief_fonts); if this fails, set-up is broken.
    from advisor.briefs import fonts

    assert fonts.status() == "built"
