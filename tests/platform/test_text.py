"""advisor.text: the one normalisation of typed text (plain functions, no database)."""

from __future__ import annotations

import unicodedata

import pytest

from advisor import text

NFD_SORI_LABS = unicodedata.normalize("NFD", "소리랩스")


def test_decomposed_hangul_is_stored_composed():
    assert len(NFD_SORI_LABS) > 4  # loose jamo, as macOS writes them
    assert text.clean_name(NFD_SORI_LABS) == "소리랩스"
    assert len(text.clean_name(NFD_SORI_LABS)) == 4
    assert text.clean_text(NFD_SORI_LABS + ", 음성인식") == "소리랩스, 음성인식"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("ＡＩ", "ai"), ("ｓｍｅ", "sme"), ("ｒｏｂｏｔｉｃｓ", "robotics"), (" AI\u200b ", "ai"),
     ("ＹＲＤ", "yrd"), ("ｋｏｒｅａ＿ｌｉｎｋ", "korea_link")],
)
def test_codes_are_compared_after_nfkc_and_lower_case(typed, code):
    assert text.clean_code(typed) == code


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202a", "\u202b",
     "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\x1b", "\x7f",
     "\x9b", "\u3164", "\u115f"],
)
def test_invisible_and_control_characters_leave_names_and_text(invisible):
    assert text.clean_name(f"Sori{invisible}Labs") == "SoriLabs"
    assert text.clean_text(f"음성{invisible}인식") == "음성인식"


def test_a_right_to_left_override_cannot_turn_a_name_round():
    assert text.clean_name("Sori \u202etxt.exe") == "Sori txt.exe"


def test_names_are_one_line_and_text_keeps_its_lines():
    assert text.clean_name("  Sori\t\n Labs\u3000Co\u00a0 ") == "Sori Labs Co"
    assert text.clean_text("speech recognition\r\n음성인식\u2028lidar\tx") == (
        "speech recognition\n음성인식\nlidar\tx"
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [("X\ud800Y", "invalid_character"), ("\udfff", "invalid_character"),
     ("A\x00B", "nul_character"), ("소리랩스", None), ("\U0001f600 emoji", None)],
)
def test_nul_and_lone_surrogates_are_named(value, kind):
    assert text.problem(value) == kind


def test_printable_makes_any_string_safe_to_echo():
    shown = text.printable("X\ud800Y\x00Z")
    assert shown == "X\ufffdYZ"
    shown.encode("utf-8")  # would raise UnicodeEncodeError with the surrogate left in
