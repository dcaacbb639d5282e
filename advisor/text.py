"""Text as people type it: one normalisation for every entry point.

Plain functions over ``str`` (the standard library's ``unicodedata``; no Django, no app
code), used by the one intake validation (``advisor.engine.intake.parse_intake``) and by the
site's other free-text fields (consultation request, decision note, staff fields, API
filters) through :class:`advisor.formfields.CleanCharField`.

Three kinds of value, three rules:

* **codes** (sector, stage, language, factor and cluster codes): compared after NFKC and
  lower-casing, so full-width ``ＡＩ`` or ``ｓｍｅ`` pasted from an East Asian input method
  reads as ``ai`` / ``sme`` (Unicode Standard Annex #15, compatibility composition);
* **names** (one line: a company or person's name, a phone number): NFC, so decomposed
  Hangul as macOS writes it (``ᄉ ᅩ ᄅ ᅵ``) is stored as the composed syllables (``소리``);
  every run of white space (tabs, line breaks, no-break and ideographic spaces) becomes one
  space;
* **free text** (keywords, messages, notes): NFC, line breaks and tabs kept.

Names and free text lose invisible and control characters: format characters (category
``Cf``: zero-width space and joiners, the bidirectional embeddings and overrides
U+202A–U+202E and isolates U+2066–U+2069, the byte-order mark, soft hyphen), control
characters (``Cc``: ESC, DEL, the C1 block) other than ordinary white space, and the Hangul
filler letters that render as nothing (U+115F, U+1160, U+3164, U+FFA0). They hide text from
the reader (a right-to-left override turns ``exe.txt`` round) and from matching, and carry
nothing a person meant to type.

Two characters cannot be cleaned away, because no database or file format stores them
faithfully: NUL (PostgreSQL refuses it in text) and a lone UTF-16 surrogate (JSON's
``"\\ud800"`` escape decodes to one; UTF-8 cannot encode it, so every later export of the
row fails). :func:`problem` names them; callers turn that into a field error.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

Problem = Literal["nul_character", "invalid_character"]

# Hangul fillers are letters (category Lo) that draw nothing; used to fake blank names.
_INVISIBLE_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0")
# Line and paragraph separators (Zl, Zp) are line breaks to a person.
_LINE_BREAKS: Final = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")
_SPACES: Final = re.compile(r"\s+")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_FORMAT_OR_CONTROL: Final = ("Cf", "Cc")


def problem(value: str) -> Problem | None:
    """``"nul_character"`` if ``value`` holds NUL, ``"invalid_character"`` if it holds a lone
    surrogate (U+D800–U+DFFF), otherwise ``None``."""
    if "\x00" in value:
        return "nul_character"
    if _SURROGATE.search(value):
        return "invalid_character"
    return None


def printable(value: str) -> str:
    """``value`` safe to echo in a message or a JSON body: lone surrogates become U+FFFD and
    NUL is dropped (both would break the UTF-8 response or the log line)."""
    return _SURROGATE.sub("\ufffd", value).replace("\x00", "")


def _drop_invisible(text: str, *, keep: frozenset[str]) -> str:
    return "".join(
        ch
        for ch in text
        if ch in keep
        or not (
            unicodedata.category(ch) in _FORMAT_OR_CONTROL or ch in _INVISIBLE_LETTERS
        )
    )


def clean_text(value: str) -> str:
    """Free text (keywords, a message, a note): NFC, invisible and control characters
    removed, line breaks unified to ``\\n``, tabs kept, outer white space stripped.

    Call :func:`problem` first: this function does not refuse anything.
    """
    text = unicodedata.normalize("NFC", value)
    text = "".join("\n" if ch in _LINE_BREAKS else ch for ch in text.replace("\r\n", "\n"))
    return _drop_invisible(text, keep=frozenset("\n\t")).strip()


def clean_name(value: str) -> str:
    """A one-line name: NFC, invisible and control characters removed, every run of white
    space (line breaks included) one ordinary space, outer space stripped."""
    text = unicodedata.normalize("NFC", value)
    # White space first: tabs and line breaks are control characters, but they separate
    # words, so they become spaces rather than vanishing ("Sori\nLabs" is "Sori Labs").
    text = _SPACES.sub(" ", text)
    return _drop_invisible(text, keep=frozenset()).strip()


def clean_code(value: str) -> str:
    """A code as people type it, in the form the knowledge base writes codes: NFKC
    (full-width and compatibility letters and digits to ASCII), invisible characters
    removed, outer space stripped, lower case. ``"ＡＩ "`` -> ``"ai"``."""
    text = unicodedata.normalize("NFKC", value)
    return _drop_invisible(text, keep=frozenset()).strip().lower()
