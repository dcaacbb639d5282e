"""Keywords match city specialties across languages, spellings and widths."""

from __future__ import annotations

import pytest

from advisor.engine import normalise, parse_intake, rank
from advisor.engine.keywords import phrases
from advisor.engine.method import KEYWORD_SHARE
from advisor.engine.prepared import prepare

from . import factory


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Speech Recognition", "speech-recognition"),
        ("speech recognition", "ＳＰＥＥＣＨ　ＲＥＣＯＧＮＩＴＩＯＮ"),
        ("음성 인식", "음성인식"),
        ("语音识别", "语音 识别。"),
        ("Lidar!", "ｌｉｄａｒ"),
    ],
)
def test_normalise_ignores_case_spacing_punctuation_and_width(a, b):
    assert normalise(a) == normalise(b)


def test_phrases_split_at_ascii_full_width_and_ideographic_separators():
    assert phrases("drone，드론、无人机; LLM/robots\nAI") == [
        "drone", "드론", "无人机", "LLM", "robots", "AI",
    ]


def test_korean_english_and_chinese_synonyms_are_one_concept(kb):
    index = prepare(kb).keywords
    for text in ("speech recognition", "음성인식", "语音识别", "Voice-Recognition"):
        assert set(index.match(text)) == {"g:speech_recognition"}, text


def test_a_term_is_found_inside_a_longer_phrase(kb):
    index = prepare(kb).keywords
    assert "g:speech_recognition" in index.match("음성인식기술 스타트업")
    assert "g:drones" in index.match("agricultural drone spraying")


def test_short_ascii_terms_only_match_as_whole_words(kb):
    index = prepare(kb).keywords
    assert "g:llm" in index.match("an LLM startup")
    # "llm" must not be found inside an unrelated word.
    assert "g:llm" not in index.match("allmighty")


def test_specialty_keywords_outside_the_glossary_are_their_own_concept(kb):
    index = prepare(kb).keywords
    assert "t:iflytek" in index.match("iFlytek partner")
    assert index.specialty_concepts["hefei-voice-ai"] >= {"g:speech_recognition", "t:iflytek"}


def test_matched_words_are_reported_as_the_company_wrote_them(kb):
    index = prepare(kb).keywords
    assert index.match("드론, UAV")["g:drones"] == "드론"


def test_the_index_is_built_once_per_snapshot(kb):
    assert prepare(kb) is prepare(kb)
    other = factory.build(version=kb.version)  # same version string, another object
    assert prepare(other) is not prepare(kb)


def test_a_keyword_match_lifts_sector_fit_and_names_the_city(kb):
    base = dict(factory.intake_data(keywords="", secondary_sectors=[], minimums={},
                                    exclude=[]))
    plain = rank(parse_intake(base, kb), kb)
    voice = rank(parse_intake({**base, "keywords": "语音识别"}, kb), kb)

    def entry(result, code):
        return next(e for e in result["ranking"] if e["cluster"] == code)

    # The company's one concept, held by Hefei's specialty: the whole keyword part (§4).
    lift = KEYWORD_SHARE * 100
    assert entry(voice, "yrd")["sector_fit"] == pytest.approx(
        entry(plain, "yrd")["sector_fit"] + lift, abs=0.1)
    assert entry(voice, "jjj")["sector_fit"] == entry(plain, "jjj")["sector_fit"]
    hefei = entry(voice, "yrd")["cities"][0]
    assert hefei["slug"] == "hefei"
    assert hefei["name"] == "허페이 (合肥)"
    assert "iFlytek" in hefei["reason"] and "语音识别" in hefei["reason"]
    assert entry(voice, "yrd")["sector_detail"]["matched_keywords"] == ["语音识别"]
