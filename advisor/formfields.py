"""Form fields that apply the site's one text normalisation (``advisor.text``).

Every free-text field outside the intake uses these: the consultation request, the contact
details of the self-assessment, the consultant's decision note, the staff filters and the
API's query filters. The intake's own fields are normalised by ``parse_intake``.

A NUL or a lone surrogate is a field error (``nul_character`` / ``invalid_character``), as
in the intake; invisible and control characters are removed; names are one line.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from advisor import text


def refuse_unstorable(value: str) -> None:
    """Raise the field's ``ValidationError`` when ``value`` holds NUL or a lone surrogate."""
    kind = text.problem(value)
    if kind == "nul_character":
        raise ValidationError(gettext("Remove the NUL character from this text."), code=kind)
    if kind == "invalid_character":
        raise ValidationError(
            gettext("This text holds an invalid character (a lone UTF-16 surrogate). "
                    "Type it again."),
            code=kind,
        )


class CleanCharField(forms.CharField):
    """A ``CharField`` whose value is :func:`advisor.text.clean_name` (``one_line``, the
    default) or :func:`advisor.text.clean_text` (multi-line: a message, a note).

    ``max_length`` counts the cleaned text, as it will be stored."""

    def __init__(self, *, one_line: bool = True, **kwargs: Any) -> None:
        self.one_line = one_line
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        refuse_unstorable(value)
        return text.clean_name(value) if self.one_line else text.clean_text(value)


class CodeField(forms.CharField):
    """A code typed or pasted by a person (a filter's ``sector=ＡＩ``): NFKC, lower case."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        refuse_unstorable(value)
        return text.clean_code(value)
