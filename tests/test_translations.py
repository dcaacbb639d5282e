"""Every user-facing string has a Korean translation, and the catalogue is up to date.

The test extracts the strings from the code into a scratch copy of the project (Django's own
makemessages) and compares them with the committed catalogue, so a new string without a
Korean translation fails here, not in front of a user.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [ROOT / "locale" / "ko" / "LC_MESSAGES" / name for name in ("django.po",)]
SOURCE_DIRS = ("advisor", "clusters", "templates")



def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode("raw_unicode_escape").decode("unicode_escape")


def parse_po(text: str) -> dict[str, tuple[list[str], bool]]:
    """msgid -> (translations, fuzzy) for every entry but the header."""
    entries: dict[str, tuple[list[str], bool]] = {}
    for chunk in text.split("\n\n"):
        if "msgid" not in chunk or chunk.lstrip().startswith("#~"):
            continue
        fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", chunk, re.M))
        ctx = re.search(r'^msgctxt\s+((?:".*"\n?)+)', chunk, re.M)
        mid = re.search(r'^msgid\s+((?:".*"\n?)+)', chunk, re.M)
        if not mid:
            continue
        msgid = _unquote(mid.group(1))
        if not msgid:
            continue
        key = (_unquote(ctx.group(1)) + "\x04" if ctx else "") + msgid
        strs = [
            _unquote(m)
            for m in re.findall(r'^msgstr(?:\[\d\])?\s+((?:".*"\n?)+)', chunk, re.M)
        ]
        entries[key] = (strs, fuzzy)
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], bool]]:
    scratch = tmp_path_factory.mktemp("messages")
    for name in (*SOURCE_DIRS, "manage.py"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, scratch / name)
    (scratch / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ko", "--no-location",
         "--ignore=static/*"],
        cwd=scratch, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    return parse_po((scratch / "locale/ko/LC_MESSAGES/django.po").read_text(encoding="utf-8"))


def test_every_string_in_the_code_is_in_the_korean_catalogue(extracted) -> None:
    committed = parse_po(CATALOGUES[0].read_text(encoding="utf-8"))
    missing = sorted(set(extracted) - set(committed))
    assert not missing, f"{len(missing)} strings missing from locale/ko (make messages): " + (
        "; ".join(missing[:15])
    )


def test_every_korean_entry_is_translated_and_not_fuzzy() -> None:
    committed = parse_po(CATALOGUES[0].read_text(encoding="utf-8"))
    untranslated = [k for k, (strs, _) in committed.items() if not all(s.strip() for s in strs)]
    fuzzy = [k for k, (_, is_fuzzy) in committed.items() if is_fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated: " + "; ".join(untranslated[:15])
    assert not fuzzy, f"{len(fuzzy)} fuzzy: " + "; ".join(fuzzy[:15])
