"""What reaches a client in the brief, read back from the PDF as text: one language, no
internal material, correct Korean, the same verdict as the result page, the consultant's
signature (never a login name)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from advisor.briefs.render import render_brief_pdf
from advisor.engine.verdict import verdict
from clusters.snapshot import clear_cache
from tests.briefs.conftest import CONSULTANT_LOGIN, pdftotext
from tests.briefs.factories import CITIES, CLUSTERS, FACTOR_NAMES, make_assessment

pytestmark = pytest.mark.django_db

PLACEHOLDER_PARTICLES = ("이(가)", "가(이)", "은(는)", "는(은)", "을(를)", "를(을)", "(으)로",
                         "와/과", "과/와", "와(과)", "과(와)", "이나(나)", "(이)나", "(이)라")
INTERNAL = (".txt", "docs/", "to verify", "검증 필요", "seed 00", "(00", "brief-test-")
HANGUL = re.compile(r"[\uac00-\ud7a3\u3130-\u318f]+")
LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def allowed_hangul() -> set[str]:
    """Hangul an English brief may show: the company's own words (its name and keywords;
    the test company's keywords include "음성인식"). The test knowledge base shows no Korean
    name beside an English one."""
    return {"음성인식"}


def _split_sources(text: str) -> tuple[str, str]:
    """(everything before the source list, the source list); the heading may open a page
    (after a form feed) as well as follow a line."""
    parts = re.split(r"(?:^|[\n\f])Sources\n", text)
    return ("".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (text, "")


@pytest.mark.parametrize("key", ["en", "en_old", "hostile"])
def test_an_english_brief_has_no_hangul(rendered: Any, key: str) -> None:
    body, _sources = _split_sources(rendered[key]["text"])
    found = set(HANGUL.findall(body)) - allowed_hangul()
    assert not found, found


@pytest.mark.parametrize("key", ["en", "en_old"])
def test_english_source_titles_are_glossed_where_the_knowledge_base_has_a_gloss(
    rendered: Any, key: str
) -> None:
    """Hangul in the source list only from a source the knowledge base has not glossed
    yet, or from a publisher's own Korean name (a proper name, like 국민일보), never from a
    glossed title."""
    from clusters.models import Source

    _body, sources = _split_sources(rendered[key]["text"])
    assert sources
    unglossed = " ".join(
        [f"{s.title} {s.publisher}" for s in Source.objects.filter(title_en="")]
        + [s.publisher for s in Source.objects.all()]
    )
    glossed = [s.title for s in Source.objects.exclude(title_en="")]
    for word in set(HANGUL.findall(sources)):
        assert word in unglossed, word
    for title in glossed:
        assert title not in sources, title


@pytest.mark.parametrize("key", ["ko", "en", "en_old"])
def test_a_brief_shows_no_internal_material(rendered: Any, key: str) -> None:
    text = rendered[key]["text"]
    for marker in INTERNAL:
        assert marker not in text, marker
    assert not re.search(r"\(\s*(?:seeds?\s*)?\d{3}\s*\)", text)


def test_sources_are_cited_by_title_publisher_date_and_url(rendered: Any) -> None:
    ko, en = flat(rendered["ko"]["text"]), flat(rendered["en"]["text"])
    assert "KICChina주간뉴스레터403호,KICChina(글로벌혁신센터)—2025-01-10" in ko
    assert "KICChinaweeklynewsletterno.403,KICChina—2025-01-10" in en
    assert "https://kic.example.org/newsletter/403" in en


@pytest.mark.parametrize("key", ["ko", "en", "en_old", "hostile"])
def test_no_placeholder_particle_in_a_brief(rendered: Any, key: str) -> None:
    text = rendered[key]["text"]
    for particle in PLACEHOLDER_PARTICLES:
        assert particle not in text, particle


def test_no_placeholder_particle_in_the_korean_catalogue() -> None:
    translations = [line for line in LOCALE.read_text(encoding="utf-8").splitlines()
                    if not line.startswith(("#", "msgid"))]
    # msgid continuation lines are English; only a msgstr's lines can hold Hangul.
    hits = [line for line in translations for p in PLACEHOLDER_PARTICLES if p in line]
    assert not hits, hits


def test_the_korean_catalogue_says_도시군_not_클러스터() -> None:
    assert "클러스터" not in LOCALE.read_text(encoding="utf-8")


def test_the_decision_is_signed_with_name_and_title_never_the_login(rendered: Any) -> None:
    text = flat(rendered["en"]["text"])
    assert "JihyunKim,SeniorConsultant" in text
    for key in ("ko", "en", "en_old", "hostile"):
        assert CONSULTANT_LOGIN not in rendered[key]["text"]


def test_the_consultants_recommendation_leads_the_cover(rendered: Any) -> None:
    first_page = flat(rendered["en"]["text"].split("\f")[0])
    assert "KICChina'srecommendation" in first_page
    assert "GreaterBayArea" in first_page and "Shenzhen" in first_page
    assert "Firstinthesupportinganalysis:YangtzeRiverDelta" in first_page


def _close_call(assessment: Any, *, share: float, margin: float) -> Any:
    result = dict(assessment.result)
    result["robustness"] = {**result["robustness"], "top_share": share, "margin": margin,
                            "clear_winner": True}  # a stale flag: the figures decide
    assessment.result = result
    assessment.save(update_fields=["result"])
    return assessment


@pytest.mark.parametrize(("share", "margin"), [(0.59, 0.2), (0.9, 0.9)])
def test_the_page_and_the_brief_give_the_same_verdict(
    client: Any, kb: Any, tmp_path: Path, share: float, margin: float
) -> None:
    assessment = _close_call(make_assessment("Sori Labs", language="en"), share=share,
                             margin=margin)
    clear_cache()
    page = client.get(reverse("result", args=[assessment.token]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    path = tmp_path / "brief.pdf"
    path.write_bytes(render_brief_pdf(assessment, "en"))
    brief = re.sub(r"\s+", " ", pdftotext(path))
    html = page.content.decode()
    assert "No clear winner" in html
    assert "no clear winner" in brief
    for wrong in ("fully robust", "fairly robust", "a robust choice", "a clear winner"):
        assert wrong not in brief and wrong not in html.lower()
    with translation.override("en"):
        assert verdict(assessment.result).code == "no_clear_winner"


def test_the_korean_brief_says_no_clear_winner_in_korean(kb: Any, tmp_path: Path) -> None:
    assessment = _close_call(make_assessment("소리랩스"), share=0.59, margin=0.2)
    clear_cache()
    path = tmp_path / "brief.pdf"
    path.write_bytes(render_brief_pdf(assessment, "ko"))
    text = flat(pdftotext(path))
    assert "59%에서1위이고" in text and "뚜렷한1위는아닙니다" in text


def test_the_test_knowledge_base_names_are_what_the_brief_shows() -> None:
    # Guards the allow-list above: the factory's names are the ones the brief prints.
    assert CLUSTERS["yrd"][1] == "Yangtze River Delta" and CITIES["hefei"][1] == "Hefei"
    assert FACTOR_NAMES["cost"][1] == "Cost"
