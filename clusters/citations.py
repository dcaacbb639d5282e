"""What a client may read of the knowledge base's text: no internal citation codes, no part
marked "to verify". Plain Python (no Django), shared by the public pages, the brief and the API.

The knowledge base keeps two kinds of internal marks inside its sentences, for editors:

* citation codes of the seed documents: ``(004)``, ``(003, 004)``, ``(seed 003)``,
  ``(시드 000)``, ``(004; Beijing location analyst-added)``, ``(2024 Q1–Q3, 004)``;
* the verification mark of general-knowledge parts: ``(to verify)`` / ``(검증 필요)``, also
  with a qualifier: ``(fighter types to verify)`` / ``(전투기 기종은 검증 필요)``.

Clients see a fact's source by title, publisher, date and URL (issue 13, item 5), never the
seed file or its number, and nothing unverified (issue 12, item 6): :func:`client_text` drops
the codes and every clause carrying the verification mark; a fact whose *source* is an
unverified analyst judgement is hidden as a whole (:func:`is_unverified`).
"""

from __future__ import annotations

import re

#: ``Source.kind`` of a fact resting on general knowledge only (``Source.Kind.TO_VERIFY``).
UNVERIFIED_KIND = "analyst_unverified"

# The mark in a sentence, in an event's name, and in the title of the unverified source (which
# the engine's caveats append as "— source: Analyst judgement — to verify, …").
_MARK = re.compile(
    r"\([^()]*(?:to verify|검증 필요)[^()]*\)|dates to verify|일정 검증 필요"
    r"|[—-]\s*(?:to verify|검증 필요)",
    re.IGNORECASE,
)
# One item of a parenthesis that is a seed citation: "004", "seed 003", "시드 000", "004 순위".
_CODE_ITEM = re.compile(r"^(?:seed\s*|시드\s*)?0\d\d(?:\s*순위)?$", re.IGNORECASE)
# The note after a citation code on where the analyst placed a firm: "Beijing location
# analyst-added", "도시는 분석가 판단".
_ANALYST_NOTE = re.compile(r"analyst|분석가", re.IGNORECASE)
_PAREN = re.compile(r"(\s*)\(([^()]*)\)")
# Clause boundaries inside a sentence: "…ranking; a national demonstration cluster (to verify)."
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


def is_unverified(kind: str) -> bool:
    """True for a source kind that must not reach a client (``analyst_unverified``)."""
    return kind == UNVERIFIED_KIND


def has_unverified_mark(text: str) -> bool:
    return bool(_MARK.search(text or ""))


def _without_codes(match: re.Match[str]) -> str:
    """A parenthesis without its citation items; removed entirely when nothing else is left."""
    space, inner = match.group(1), match.group(2)
    head, semicolon, tail = inner.partition(";")
    items = [item.strip() for item in head.split(",") if item.strip()]
    # A citation code, or the analyst's own note ("city assignment analyst-added").
    kept = [item for item in items
            if not _CODE_ITEM.match(item) and not _ANALYST_NOTE.search(item)]
    # After ";" comes either the analyst's note on a citation ("004; city analyst-added"),
    # dropped, or ordinary text, kept.
    tail_is_note = bool(semicolon) and bool(_ANALYST_NOTE.search(tail))
    if len(kept) == len(items) and not tail_is_note:
        return match.group(0)  # nothing internal in it: an ordinary parenthesis
    text = ", ".join(kept)
    if semicolon and not tail_is_note and tail.strip():
        text = f"{text}; {tail.strip()}" if text else tail.strip()
    return f"{space}({text})" if text else ""


# An editor's note on provenance, a clause or sentence of its own: "assigning it to Hohhot is
# an analyst judgement", "후허하오터 배정은 분석가 판단이다".
_PROVENANCE_NOTE = re.compile(r"is an analyst judgement|분석가 판단이다", re.IGNORECASE)


def _internal(clause: str) -> bool:
    return has_unverified_mark(clause) or bool(_PROVENANCE_NOTE.search(clause))


def _drop_marked(sentence: str) -> str:
    """The sentence without its clauses marked "to verify" or noting the analyst's placement
    ("" when every clause is)."""
    if not _internal(sentence):
        return sentence
    end = sentence[-1] if sentence[-1:] in ".!?。" else ""
    body = sentence[: len(sentence) - len(end)] if end else sentence
    clauses = [c for c in re.split(r";\s*", body) if c.strip() and not _internal(c)]
    if not clauses:
        return ""
    return "; ".join(c.strip() for c in clauses) + (end or ".")


def client_text(text: str) -> str:
    """``text`` as a client may read it: seed citation codes removed, clauses marked "to verify"
    dropped, whitespace tidied. Returns "" when nothing verified is left.

    >>> client_text("BOE is 2nd in components (004; Beijing headquarters analyst-added).")
    'BOE is 2nd in components.'
    >>> client_text("Aerospace City (002); national agencies' headquarters (to verify).")
    'Aerospace City.'
    """
    if not text:
        return ""
    sentences = [_drop_marked(s.strip()) for s in _SENTENCE_END.split(text.strip())]
    kept = " ".join(s for s in sentences if s)
    kept = _PAREN.sub(_without_codes, kept)
    kept = re.sub(r"\s+([.,;:!?。])", r"\1", kept)
    kept = re.sub(r"\s{2,}", " ", kept).strip()
    # A dropped leading clause can leave a sentence that starts in lower case.
    if kept[:1].islower() and not text.strip()[:1].islower():
        kept = kept[:1].upper() + kept[1:]
    return kept
