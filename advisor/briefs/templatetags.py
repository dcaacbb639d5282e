"""Template filters of the brief (loaded by the brief's own template engine as ``brief``)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A run of non-space characters that contains Hangul (syllables or jamo).
_KOREAN_WORD = re.compile(r"\S*[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]\S*")


@register.filter(is_safe=True)
def keepwords(value: object) -> SafeString:
    """Escape ``value`` as text, then keep each Korean word on one line.

    Korean wraps between words, but HarfBuzz/Pango treat every Hangul syllable as a break
    opportunity and WeasyPrint does not implement ``word-break: keep-all``; so every
    space-separated run containing Hangul is wrapped in ``<span class="kw">`` (CSS
    ``white-space: nowrap``). The input is always escaped first, even when it arrives marked
    safe, so only the spans added here are markup.
    """
    escaped = escape("" if value is None else str(value))
    return mark_safe(  # escaped above; only our own spans are added
        _KOREAN_WORD.sub(lambda m: f'<span class="kw">{m.group(0)}</span>', escaped)
    )
