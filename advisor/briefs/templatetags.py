"""Template filters of the brief (loaded by the brief's own template engine as ``brief``)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CJK = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff"
# A run of non-space characters that contains Hangul or Han characters.
_CJK_WORD = re.compile(f"\\S*[{_CJK}]\\S*")
# Between two characters of such a run where at least one is Hangul or Han.
_JOIN = re.compile(f"(?<=[{_CJK}])(?=\\S)|(?<=\\S)(?=[{_CJK}])")
WORD_JOINER = "\u2060"


@register.filter(is_safe=True)
def keepwords(value: object) -> SafeString:
    """Escape ``value`` as text, then keep each Korean word on one line.

    Korean wraps between words, but Pango treats every Hangul syllable (and every Han
    character) as a break opportunity and WeasyPrint does not implement
    ``word-break: keep-all``. So inside each space-separated run containing Hangul or Han,
    a WORD JOINER (U+2060, invisible, dropped from extracted text) goes between the
    characters; lines still break at the spaces. Joiners rather than ``white-space: nowrap``
    spans because every span is an inline box to lay out: spans made a brief ~15% slower.

    The input is always escaped first, even when it arrives marked safe; joiners are
    inserted next to CJK characters only, so never inside an entity such as ``&amp;``.
    """
    escaped = escape("" if value is None else str(value))
    return mark_safe(  # escaped above; only joiners are added
        _CJK_WORD.sub(lambda m: _JOIN.sub(WORD_JOINER, m.group(0)), escaped)
    )
