"""Engine texts as a client reads them: in the reader's language, without internal material.

Two presenter functions shared by the brief, the result page and the staff page:

* :func:`text_in` picks an explanation in the reader's language from a stored result. The
  engine (method 2026.12 on) stores every text it writes in both languages beside the
  text in the intake's language (``reason_i18n``, ``caveats_i18n``, ...); older results
  have only the stored text, which is right when the reader's language is the one the
  assessment was made in, and otherwise the caller's ``rebuild`` says it again from the
  stored intake and codes (see ``content._excluded_reason``).
* :func:`client_text` (from ``clusters.citations``, the one implementation, also used by
  the knowledge-base pages and API) removes what a client must not see from a
  knowledge-base text: internal citation codes such as "(001)" or "(seed 003)", and clauses
  marked as not yet verified ("(to verify)", "(검증 필요)"); staff pages keep the raw text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from clusters.citations import client_text

__all__ = ["client_text", "text_in"]

def text_in(
    entry: Mapping[str, Any],
    field: str,
    language: str,
    *,
    stored_language: str | None,
    rebuild: Callable[[], Any] | None = None,
    strict: bool = False,
) -> Any:
    """The text (or list of texts) ``entry[field]`` in ``language`` ("ko" | "en").

    1. ``entry[field + "_i18n"][language]`` when the engine stored both languages (a
       mapping for a text; for a list field, a list of such mappings parallel to it);
    2. else the stored ``entry[field]`` when the assessment was made in ``language``;
    3. else ``rebuild()`` (the caller's rebuild from the stored intake and codes) when
       given and it returns something;
    4. else the stored text, or with ``strict`` nothing ("" or []): a client document
       in one language leaves out what it cannot say in that language.
    """
    lang = "en" if str(language).startswith("en") else "ko"
    stored = entry.get(field)
    i18n = entry.get(f"{field}_i18n")
    if isinstance(i18n, Mapping) and i18n.get(lang):
        return i18n[lang]
    if isinstance(i18n, list) and isinstance(stored, list) and len(i18n) == len(stored):
        texts = [item.get(lang) if isinstance(item, Mapping) else None for item in i18n]
        if all(texts):
            return texts
    if stored_language and str(stored_language).startswith(lang):
        return stored if stored is not None else ""
    if rebuild is not None:
        rebuilt = rebuild()
        if rebuilt:
            return rebuilt
    if strict or stored is None:
        return [] if isinstance(stored, list) else ""
    return stored
