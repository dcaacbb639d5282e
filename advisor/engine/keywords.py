"""Company keywords against city specialties, through the glossary's synonym groups.

A *concept* is one glossary group ("g:speech_recognition": 음성인식 = speech recognition =
语音识别) or, for a specialty keyword the glossary does not know, that keyword on its own
("t:<normalised term>"). Matching is on normalised text: NFKC (full-width Ｌｉｄａｒ → Lidar),
case-folded, without spaces, punctuation or control characters, so "Speech-Recognition",
"speech recognition" and "ＳＰＥＥＣＨ　ＲＥＣＯＧＮＩＴＩＯＮ" are one term.

An intake's free text is split into phrases at commas, semicolons, slashes and line breaks
(ASCII, full-width and ideographic) and at the middle dots Korean, Chinese and Japanese
writers list with (``·`` U+00B7, ``ㆍ`` U+318D, ``・`` U+30FB and its half-width form,
``‧`` U+2027, ``•`` U+2022, ``∙`` U+2219, ``⋅`` U+22C5): "5G·6G·AI" is three phrases, as
"5G, 6G, AI" is. A phrase matches a term when the phrase, or one of its
space-separated words, *is* the term, or when the phrase *contains* the term and the term is
long enough not to hide inside unrelated words (see :func:`_containable`): "ai" must stand
alone, while "음성인식" is found in "음성인식기술". The other way round, one of the company's
words matches a longer term that contains it when the word is Korean or Chinese (written
as compounds without spaces) and at least 3 characters: "연료전지" finds the specialty
keyword "연료전지차".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from clusters.snapshot import GlossaryGroup, SpecialtyInfo

# Text is NFKC-normalised first, so the half-width ･ (U+FF65) arrives as ・, the small and
# full-width commas (﹐ ﹑ ，) as , and 、, and ㆍ (U+318D) as the jamo ᆞ (U+119E), which
# modern Korean uses only as this dot.
_PHRASE_SPLIT = re.compile(r"[,;/|\n\r\t、，；·ㆍᆞ・‧•∙⋅]+")
# Categories dropped by normalisation: punctuation (P*), separators (Z*), control/format.
_DROP = ("P", "Z", "Cc", "Cf")
# ASCII terms shorter than this only match as a whole phrase or word ("ai", "ev", "5g").
_MIN_ASCII_CONTAINED = 4
_MIN_OTHER_CONTAINED = 2
# A company's word found *inside* a longer term ("연료전지" in "연료전지차") must be Korean
# or Chinese, where compounds are written without spaces, and at least this long: shorter
# words ("부품", "parts") are too generic to point at one specialty. English compounds are
# separate words, which the word-by-word match above already finds; an English word inside
# a longer term ("manufacturing" in "contract manufacturing") is mostly a generic word.
_MIN_OTHER_CONTAINING = 3
_MATCH_CACHE_SIZE = 4096


def normalise(text: str) -> str:
    """The form two spellings of one term share (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in folded
        if not ch.isspace() and not unicodedata.category(ch).startswith(_DROP)
    )


def _containable(term: str) -> bool:
    limit = _MIN_ASCII_CONTAINED if term.isascii() else _MIN_OTHER_CONTAINED
    return len(term) >= limit


def _specific(word: str) -> bool:
    return not word.isascii() and len(word) >= _MIN_OTHER_CONTAINING


def phrases(text: str) -> list[str]:
    """The separate keywords of the company's free text, NFKC-normalised, stripped."""
    text = unicodedata.normalize("NFKC", text)
    return [p.strip() for p in _PHRASE_SPLIT.split(text) if p.strip()]


@dataclass(frozen=True)
class KeywordIndex:
    """Built once per snapshot (see ``prepared.prepare``)."""

    terms: Mapping[str, frozenset[str]]  # normalised term -> concepts
    contained: tuple[tuple[str, frozenset[str]], ...]  # terms that may match inside a phrase
    specialty_concepts: Mapping[str, frozenset[str]]  # SpecialtyInfo.key -> concepts
    _cache: dict[str, Mapping[str, str]] = field(default_factory=dict, repr=False,
                                                 compare=False)

    @classmethod
    def build(
        cls, glossary: Iterable[GlossaryGroup], specialties: Iterable[SpecialtyInfo]
    ) -> KeywordIndex:
        terms: dict[str, set[str]] = {}
        for group in glossary:
            for raw in group.terms:
                norm = normalise(raw)
                if norm:
                    terms.setdefault(norm, set()).add(f"g:{group.key}")
        glossary_terms = set(terms)
        specialty_concepts: dict[str, frozenset[str]] = {}
        for spec in specialties:
            concepts: set[str] = set()
            for raw in spec.keywords:
                norm = normalise(raw)
                if not norm:
                    continue
                if norm in glossary_terms:
                    concepts |= terms[norm]
                else:
                    # Its own concept; also indexed so a company typing it matches.
                    concept = f"t:{norm}"
                    terms.setdefault(norm, set()).add(concept)
                    concepts.add(concept)
            specialty_concepts[spec.key] = frozenset(concepts)
        frozen = {k: frozenset(v) for k, v in terms.items()}
        # Longest first, so the matched text reported is the most specific one.
        contained = tuple(
            sorted(((t, c) for t, c in frozen.items() if _containable(t)),
                   key=lambda item: (-len(item[0]), item[0]))
        )
        return cls(MappingProxyType(frozen), contained, MappingProxyType(specialty_concepts))

    def match(self, text: str) -> Mapping[str, str]:
        """Concepts found in ``text``, each with the company's words that matched it."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        found: dict[str, str] = {}
        for phrase in phrases(text):
            norm = normalise(phrase)
            candidates = [(phrase, norm)] + [(w, normalise(w)) for w in phrase.split()]
            for label, key in candidates:
                for concept in self.terms.get(key, ()):
                    found.setdefault(concept, label)
            for term, concepts in self.contained:
                if term in norm:
                    for concept in concepts:
                        found.setdefault(concept, phrase)
            # The other way round: one of the company's words inside a longer term of the
            # knowledge base ("연료전지" in the specialty keyword "연료전지차").
            for label, key in candidates:
                if not _specific(key):
                    continue
                for term, concepts in self.contained:
                    if len(term) > len(key) and key in term:
                        for concept in concepts:
                            found.setdefault(concept, label)
        result = MappingProxyType(dict(sorted(found.items())))
        if len(self._cache) >= _MATCH_CACHE_SIZE:
            self._cache.clear()  # simple bound; intakes rarely repeat beyond a batch
        self._cache[text] = result
        return result
