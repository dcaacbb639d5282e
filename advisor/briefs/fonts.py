"""The brief's own font files: Noto Sans CJK KR cut down to the characters a brief uses.

Why: WeasyPrint subsets every font it embeds, keeping each glyph's number. Noto Sans CJK is
one 65,000-glyph font for four scripts, and Hangul syllables sit near its end, so each face
of a Korean brief was subset as a ~60,000-glyph font: ~25 ms per face per brief and about
100 KB of empty glyph slots per face in every PDF. Built once from the installed Noto Sans
CJK KR, the brief's faces hold Latin, punctuation and symbols, all 11,172 Hangul syllables,
the 6,763 Chinese characters of GB 2312 and every Han character of the shipped knowledge
base (27,861 glyphs with their layout variants; Hangul at 14,000-25,000 instead of
47,600-58,800): a Korean brief is ~45 ms faster and ~40% smaller (bench/brief.py,
docs/PERFORMANCE.md).

Nothing is lost when a character is not in them: the brief's CSS lists Noto Sans CJK KR
after them, and Pango takes any other character (a rare Chinese name added in the admin)
from there, which only costs that render the old subsetting time. Without built files the
brief uses Noto Sans CJK KR alone, as before; the ``advisor.W003`` check says so.

The files are derived from Noto Sans CJK (SIL Open Font License 1.1): they keep its
copyright and licence records and carry their own family and PostScript names, as the
licence asks of modified versions. They are built locally (``manage.py build_brief_fonts``,
run by ``make setup``) into ``settings.BRIEF_FONT_DIR`` and never committed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FAMILY = "Advisor Brief Sans"
SOURCE_FAMILY = "Noto Sans CJK KR"
# The brief's font-family (its charts' too) when its faces are built, and when they are not.
CSS_FAMILY = f"'{FAMILY}', '{SOURCE_FAMILY}', sans-serif"
FALLBACK_CSS_FAMILY = f"'{SOURCE_FAMILY}', sans-serif"
WEIGHTS = {400: "Regular", 700: "Bold"}
# Bump when the character set or the build changes: built files are then stale.
BUILD_VERSION = "1"
MANIFEST = "manifest.json"

# (first, last) code points, inclusive.
_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
    (0x02B0, 0x02FF),  # spacing modifiers
    (0x0391, 0x03C9),  # Greek (units, formulas)
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2000, 0x206F),  # general punctuation (the WORD JOINER of keepwords among it)
    (0x2070, 0x209F),  # super- and subscripts
    (0x20A0, 0x20CF),  # currency: won, yuan, euro
    (0x2100, 0x21FF),  # letterlike symbols, number forms, arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2460, 0x24FF),  # enclosed alphanumerics
    (0x2500, 0x25FF),  # box drawing, geometric shapes
    (0x2600, 0x26FF),  # miscellaneous symbols
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x3200, 0x33FF),  # enclosed CJK (such as U+3231, used in company names), CJK units
    (0xAC00, 0xD7A3),  # every Hangul syllable
    (0xFF00, 0xFFEF),  # full-width forms
)
_HAN = ("\u3400", "\u9fff")


def font_dir() -> Path:
    return Path(settings.BRIEF_FONT_DIR)


def font_path(weight: int) -> Path:
    return font_dir() / f"AdvisorBriefSans-{WEIGHTS[weight]}.otf"


def gb2312_han() -> list[str]:
    """The 6,763 Chinese characters of GB 2312 (its rows 16 to 87)."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def knowledge_base_han(fixture_dir: Path | None = None) -> set[str]:
    """Every Han character in the shipped knowledge base's fixture files."""
    fixture_dir = fixture_dir or Path(settings.BASE_DIR) / "fixtures"
    found: set[str] = set()
    for path in sorted(fixture_dir.glob("*.yaml")):
        found.update(c for c in path.read_text(encoding="utf-8") if _HAN[0] <= c <= _HAN[1])
    return found


def charset() -> list[int]:
    """The code points the brief's faces hold, sorted."""
    points = {point for first, last in _RANGES for point in range(first, last + 1)}
    points.update(ord(c) for c in gb2312_han())
    points.update(ord(c) for c in knowledge_base_han())
    return sorted(points)


@dataclass(frozen=True)
class SourceFace:
    path: Path
    index: int  # the face's number inside a .ttc collection

    def fingerprint(self) -> dict[str, object]:
        stat = self.path.stat()
        return {"path": str(self.path), "index": self.index, "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns}


def fc_list(*args: str) -> str:
    """fc-list's output for ``args`` (fixed arguments, never user input); "" when fontconfig
    is missing or fails."""
    executable = shutil.which("fc-list")
    if not executable:
        return ""
    try:
        return subprocess.run(  # noqa: S603 (fixed arguments, no user input)
            [executable, *args], capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def find_source(weight: int) -> SourceFace | None:
    """The installed Noto Sans CJK KR face of ``weight``, via fontconfig (any distribution's
    paths), or None."""
    style = WEIGHTS[weight]
    out = fc_list("--format", "%{file}|%{index}|%{family}|%{style}\n",
                  f"{SOURCE_FAMILY}:style={style}")
    for line in sorted(out.splitlines()):
        file, index, families, styles = [*line.split("|"), "", "", ""][:4]
        # fc-list matches loosely; insist on the exact family and style.
        if SOURCE_FAMILY in families.split(",") and style in styles.split(","):
            return SourceFace(Path(file), int(index or 0))
    return None


def _manifest_for(sources: dict[int, SourceFace], points: list[int]) -> dict[str, object]:
    return {
        "build": BUILD_VERSION,
        "family": FAMILY,
        "charset_sha256": hashlib.sha256(
            ",".join(map(str, points)).encode()).hexdigest(),
        "sources": {str(w): face.fingerprint() for w, face in sorted(sources.items())},
    }


def _read_manifest() -> dict[str, object] | None:
    try:
        return json.loads((font_dir() / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _files_present() -> bool:
    return all(font_path(w).is_file() for w in WEIGHTS)


def status() -> str:
    """``"built"``, ``"missing"`` (not every face file is there) or ``"stale"`` (built from
    another font file, character set or build)."""
    if not _files_present():
        return "missing"
    manifest = _read_manifest()
    if manifest is None:
        return "stale"
    sources = {w: find_source(w) for w in WEIGHTS}
    if any(face is None for face in sources.values()):
        # Built, but the source font is gone: the built files still work on their own.
        return "built" if manifest.get("build") == BUILD_VERSION else "stale"
    expected = _manifest_for(sources, charset())  # type: ignore[arg-type]
    return "built" if manifest == expected else "stale"


@functools.cache
def built_faces() -> dict[int, Path]:
    """{weight: file} of the built faces, or {} when they are not all there. Looked at once
    per process, so that a brief's charts and its stylesheets agree (see
    ``render.reset_weasy_state``)."""
    return {w: font_path(w) for w in WEIGHTS} if _files_present() else {}


def _rename(font: object, style: str) -> None:
    """Give the cut font its own names (a modified version under the OFL must not pass for
    the original) and keep the copyright (0) and licence (13, 14) records."""
    ps_family = FAMILY.replace(" ", "")
    names = {
        1: FAMILY, 2: style, 3: f"{ps_family}-{style};{BUILD_VERSION}",
        4: f"{FAMILY} {style}", 6: f"{ps_family}-{style}", 16: FAMILY, 17: style,
    }
    table = font["name"]  # type: ignore[index]
    table.names = [rec for rec in table.names if rec.nameID not in names]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        table.setName(value, name_id, 1, 0, 0)  # Macintosh, Roman, English
    if "CFF " in font:  # type: ignore[operator]
        cff = font["CFF "].cff  # type: ignore[index]
        cff.fontNames = [f"{ps_family}-{style}"]
        top = cff.topDictIndex[0]
        for key in ("FullName", "FamilyName", "CIDFontName"):
            if hasattr(top, key):
                setattr(top, key, names[4] if key == "FullName" else
                        FAMILY if key == "FamilyName" else names[6])


def build_face(source: SourceFace, weight: int, points: list[int], target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # Layout features stay at fontTools' defaults (Pango shapes with them); WeasyPrint drops
    # GSUB/GPOS when it embeds. Keep the licence and copyright name records.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    font = TTFont(str(source.path), fontNumber=source.index, lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    _rename(font, WEIGHTS[weight])
    # Written beside the target and renamed over it: a render never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".otf.part")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build(*, force: bool = False, points: list[int] | None = None) -> str:
    """Build the faces into :func:`font_dir` unless they are up to date; return what
    happened: ``"up to date"``, ``"built"`` or ``"no source font"``."""
    sources = {w: find_source(w) for w in WEIGHTS}
    if any(face is None for face in sources.values()):
        return "no source font"
    points = points if points is not None else charset()
    manifest = _manifest_for(sources, points)  # type: ignore[arg-type]
    if not force and _read_manifest() == manifest and _files_present():
        return "up to date"
    font_dir().mkdir(parents=True, exist_ok=True)
    # One process per weight: each cut takes fontTools ~15-20 s of one CPU.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(sources), mp_context=context) as pool:
        jobs = [
            pool.submit(build_face, face, weight, points, font_path(weight))
            for weight, face in sources.items()
        ]
        for job in jobs:
            job.result()  # re-raises a failed cut here
    (font_dir() / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    built_faces.cache_clear()
    return "built"


def css_family() -> str:
    """The brief's font-family list: its own faces first when they are built. (Never name
    them otherwise: fontconfig answers an unknown family with some Latin font, which the
    brief would then embed too.)"""
    return CSS_FAMILY if built_faces() else FALLBACK_CSS_FAMILY


def font_face_css() -> str:
    """``@font-face`` rules for the built faces (file URLs the brief's fetcher serves) and
    the brief's font-family, to apply after brief.css; empty when the faces are not built,
    and the brief keeps brief.css's Noto Sans CJK KR."""
    from weasyprint.urls import path2url

    faces = built_faces()
    if not faces:
        return ""
    rules = [
        f"@font-face {{ font-family: '{FAMILY}'; font-weight: {weight}; "
        f"src: url('{path2url(str(path))}'); }}"
        for weight, path in faces.items()
    ]
    rules.append(f"html {{ font-family: {CSS_FAMILY}; }}")
    return "\n".join(rules)
