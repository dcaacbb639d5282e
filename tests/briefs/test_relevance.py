"""The brief shows only what concerns the company: zones and events of its sectors, events
still ahead of the brief's date, sources as a reader can check them, nothing unverified.

The assessments are ranked by the real engine over the shipped knowledge base, as a user's
would be, and dated 28 November 2024 so that the December 2024 fairs of the knowledge base
are upcoming for the brief (the freshness rule is relative to the brief's own date).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from advisor.briefs.content import Sources, _metrics, _zones, build_context
from advisor.briefs.render import render_brief_pdf, render_html
from advisor.engine import parse_intake
from advisor.models import Assessment
from advisor.services import assessment_create
from clusters import models as kb
from clusters.snapshot import get_snapshot
from tests.briefs.conftest import pdftotext

pytestmark = pytest.mark.django_db

BRIEF_DATE = dt.datetime(2024, 11, 28, 10, 0)
NEEDS = {"research": 3, "manufacturing": 4, "market": 5, "capital": 2, "cost": 4, "talent": 3,
         "policy": 3, "openness": 2, "pilot": 4}
CAR_OR_CHIP_FAIRS = ("changsha-auto-expo-2024", "shanghai-nev-tech-2024", "cise-shanghai-2024",
                     "auto-shanghai-2027", "semicon-china-2027")


def assess(sector: str, keywords: str, secondary: list[str] | None = None,
           when: dt.datetime = BRIEF_DATE) -> Assessment:
    snapshot = get_snapshot()
    intake = parse_intake({
        "company_name": "Test Co", "sector": sector, "secondary_sectors": secondary or [],
        "keywords": keywords, "stage": "startup", "language": "ko", "needs": NEEDS,
    }, snapshot)
    assessment = assessment_create(intake=intake, origin=Assessment.Origin.PUBLIC,
                                   snapshot=snapshot)
    Assessment.objects.filter(pk=assessment.pk).update(created_at=timezone.make_aware(when))
    assessment.refresh_from_db()
    return assessment


def context(assessment: Assessment, language: str = "en") -> dict[str, Any]:
    with translation.override(language):
        return build_context(assessment, language, snapshot=get_snapshot())


def names(keys: tuple[str, ...], language: str = "en") -> list[str]:
    field = "name_en" if language == "en" else "name_ko"
    return [getattr(e, field) for e in kb.Event.objects.filter(key__in=keys)]


@pytest.fixture
def wearable_ecg() -> Assessment:
    return assess("medical_devices", "wearable ECG, 웨어러블 심전도")


def test_a_wearable_ecg_brief_lists_no_car_or_chip_fair(wearable_ecg):
    events = [e["name"] for e in context(wearable_ecg)["events"]]
    assert not set(events) & set(names(CAR_OR_CHIP_FAIRS)), events


def test_an_ev_brief_of_the_same_day_does_list_the_car_fairs():
    """The control: the same knowledge base and date give an EV maker its car fairs."""
    events = [e["name"] for e in context(assess("ev", "electric car, 전기차"))["events"]]
    assert set(names(("changsha-auto-expo-2024", "shanghai-nev-tech-2024"))) <= set(events)


def test_a_wearable_ecg_brief_has_no_car_caveat(wearable_ecg):
    """The engine keeps a challenge for the sectors it concerns (ChallengeInfo.sectors); the
    data tags the car-glut challenge with ev, autonomous_driving, advanced_manufacturing."""
    # The stored caveats are in the intake's language (Korean here).
    caveats = " ".join(c["text"] for e in context(wearable_ecg)["entries"] for c in e["caveats"])
    assert caveats and "내연기관" not in caveats and "combustion" not in caveats


def test_an_ev_brief_keeps_the_car_caveat():
    """The control of the test above: the car-glut caveat does reach a car maker."""
    ev = assess("ev", "electric car, 전기차")
    caveats = " ".join(c["text"] for e in context(ev)["entries"] for c in e["caveats"])
    assert "내연기관" in caveats or "combustion" in caveats


def test_the_car_glut_challenge_concerns_car_makers_only():
    glut = kb.ClusterChallenge.objects.get(key="gba-guangzhou-foshan-slowdown")
    assert set(glut.sectors.values_list("code", flat=True)) == {
        "ev", "autonomous_driving", "advanced_manufacturing"
    }
    assert get_snapshot().cluster("gba").challenges  # the snapshot carries them
    info = next(c for c in get_snapshot().cluster("gba").challenges if c.key == glut.key)
    assert "medical_devices" not in info.sectors


def test_past_fairs_are_not_upcoming_in_a_brief_dated_after_them():
    later = assess("ev", "electric car, 전기차", when=dt.datetime(2026, 11, 30, 10, 0))
    events = context(later)["events"]
    assert all(e["ends"] >= dt.date(2026, 11, 30) for e in events)
    assert not set(e["name"] for e in events) & set(names(CAR_OR_CHIP_FAIRS[:3]))


def test_events_with_unverified_dates_never_reach_the_brief():
    later = assess("semiconductors", "chip design, 반도체 설계",
                   when=dt.datetime(2026, 11, 30, 10, 0))
    events = [e["name"] for e in context(later)["events"]]
    assert names(("semicon-china-2027",)) and not set(events) & set(names(("semicon-china-2027",)))


def test_a_battery_recycler_is_shown_no_petrochemical_park_of_another_city():
    recycler = assess("batteries", "폐배터리 재활용, black mass", ["new_materials"])
    brief = context(recycler)
    park = kb.Zone.objects.get(key="zhenjiang-dantu-petrochemical")
    assert park.name_en not in [z["name"] for z in brief["in_depth"]["zones"]]
    assert "zhenjiang" not in [c["slug"] for c in brief["top"]["cities"]]


def test_a_zone_of_the_main_sector_is_shown_anywhere_in_the_cluster_a_secondary_one_not():
    main = _zones("yrd", ["changzhou"], ["new_materials"], "en", Sources(None))
    secondary = _zones("yrd", ["changzhou"], ["batteries", "new_materials"], "en", Sources(None))
    here = _zones("yrd", ["zhenjiang"], ["batteries", "new_materials"], "en", Sources(None))
    park = kb.Zone.objects.get(key="zhenjiang-dantu-petrochemical").name_en
    assert park in [z["name"] for z in main]
    assert park not in [z["name"] for z in secondary]
    assert park in [z["name"] for z in here]  # a secondary-sector zone in a recommended city


def test_an_unverified_zone_is_never_in_the_brief():
    zones = _zones("gba", ["shenzhen", "guangzhou"], ["fintech", "autonomous_driving"], "en",
                   Sources(None))
    unverified = kb.Zone.objects.filter(source__kind="analyst_unverified",
                                        city__cluster__code="gba")
    assert unverified.exists()
    assert not {z.name_en for z in unverified} & {z["name"] for z in zones}


def test_the_brief_cites_sources_by_title_date_and_url_never_the_seed_file(wearable_ecg):
    html = render_html(wearable_ecg, "en")
    for seed in kb.Source.objects.filter(kind="seed"):
        assert seed.reference not in html
    assert ".txt" not in html
    assert "to verify" not in html and "검증 필요" not in html
    lines = context(wearable_ecg)["sources"]  # as the reader sees them: title, date, URL
    assert lines
    with_url = [line for line in lines if line["url"]]
    assert with_url, "the cited 2025-2026 sources give their URL"
    for line in with_url:
        assert line["url"] in html


def test_an_english_brief_glosses_korean_titles(wearable_ecg):
    # An English brief shows the English gloss of a Korean title (every source has one).
    lines = context(wearable_ecg, "en")["sources"]
    assert lines and not [line for line in lines if re.search(r"[가-힣]", line["title"])]


def test_the_brief_shows_the_latest_full_year_gdp_with_its_period():
    with translation.override("en"):
        grid = _metrics(["shanghai", "hefei"], "en", Sources(None))
    rows = {(r["metric"], r["period"]): r["cells"] for r in grid["rows"]}
    assert grid["cities"] == ["Shanghai", "Hefei"]
    # Each city's latest full year: Shanghai 2025 (a 2026 release), Hefei still 2023.
    # In the English brief's units (CNY bn; the knowledge base stores CNY 100m).
    assert rows[("GDP, full year", "2025")] == ["CNY 5,670 bn", None]
    assert rows[("GDP, full year", "2023")] == [None, "CNY 1,268 bn"]
    assert next(iter(rows))[0] == "GDP, full year"  # first, before the partial-year figures


def test_the_printed_wearable_brief_lists_no_car_fair_and_no_internal_material(
    wearable_ecg, tmp_path
):
    path = tmp_path / "ecg.pdf"
    path.write_bytes(render_brief_pdf(wearable_ecg, "ko"))
    text = pdftotext(path)
    assert "웨어러블" in text or "Test Co" in text  # the brief of this company
    for name in names(CAR_OR_CHIP_FAIRS, "ko"):
        assert name[:12] not in text
    assert "검증 필요" not in text and ".txt" not in text
    assert not re.search(r"\((?:시드 )?00\d[;,)]", text)
