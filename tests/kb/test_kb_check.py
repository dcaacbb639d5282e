"""kb_check finds what is wrong with the knowledge base and names it.

Each test breaks the loaded knowledge base (the change rolls back after the test) or writes a
small fixture folder, and expects a CommandError with the problem spelled out on stderr.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusters import kbcheck
from clusters import models as kb

pytestmark = pytest.mark.django_db

CITY = """\
- model: clusters.city
  fields:
    slug: {slug}
    name_ko: 시안
    name_en: Xi'an
    province_ko: 산시성
    province_en: Shaanxi
"""


def run_kb_check(*args: str) -> str:
    """Run kb_check expecting failure; return what it wrote to stderr."""
    err = StringIO()
    with pytest.raises(CommandError, match=r"kb_check found \d+ problem"):
        call_command("kb_check", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_a_missing_factor_score_is_named():
    kb.ClusterFactorScore.objects.get(cluster__code="jjj", factor__code="research").delete()
    assert "cluster 'jjj' has no score for factor 'research'" in run_kb_check()


def test_a_missing_sector_strength_is_named():
    kb.ClusterSectorStrength.objects.get(cluster__code="gba", sector__code="drones").delete()
    assert "cluster 'gba' has no strength for sector 'drones'" in run_kb_check()


def test_a_score_without_rationale_is_named():
    kb.ClusterFactorScore.objects.filter(cluster__code="yrd", factor__code="cost").update(
        rationale_ko="  "
    )
    assert "factor score yrd/cost lacks a rationale" in run_kb_check()


def test_a_strength_without_english_rationale_is_named():
    kb.ClusterSectorStrength.objects.filter(
        cluster__code="west_hub", sector__code="data_centers"
    ).update(rationale_en="")
    assert "sector strength west_hub/data_centers lacks a rationale" in run_kb_check()


def test_an_unknown_cluster_code_is_named():
    kb.Cluster.objects.create(
        code="tibet", name_ko="티베트", name_en="Tibet", role_ko="-", role_en="-",
        summary_ko="-", summary_en="-", provinces_ko="-", provinces_en="-",
    )
    assert "cluster code 'tibet' is unknown" in run_kb_check()


def test_a_missing_cluster_is_named():
    kb.City.objects.filter(cluster__code="northeast").update(cluster=None)  # City is PROTECTed
    kb.PlanCluster.objects.filter(cluster__code="northeast").delete()  # and so is PlanCluster
    kb.Cluster.objects.get(code="northeast").delete()
    assert "cluster 'northeast' is missing" in run_kb_check()


def test_an_unknown_factor_code_is_named():
    kb.Factor.objects.create(
        code="weather", name_ko="날씨", name_en="Weather", description_ko="-",
        description_en="-",
    )
    assert "factor code 'weather' is unknown" in run_kb_check()


def test_a_city_slug_that_is_not_lowercase_pinyin_is_named():
    kb.City.objects.create(
        slug="Xian", name_ko="시안", name_en="Xi'an", province_ko="산시성", province_en="Shaanxi"
    )
    err = run_kb_check()
    assert "city slug 'Xian' is not a lowercase pinyin slug" in err
    assert "city slug 'xian' is duplicated" in err


def test_a_city_slug_written_twice_in_a_fixture_file_is_named(tmp_path: Path):
    (tmp_path / "03_cities.yaml").write_text(
        CITY.format(slug="xian") + CITY.format(slug="xian"), encoding="utf-8"
    )
    err = run_kb_check("--fixtures", str(tmp_path))
    assert "city slug ('xian',) is duplicated" in err
    assert "03_cities.yaml item 1 and 03_cities.yaml item 2" in err


def test_a_key_written_twice_across_fixture_files_is_named(tmp_path: Path):
    (tmp_path / "03_a.yaml").write_text(CITY.format(slug="hefei"), encoding="utf-8")
    (tmp_path / "03_b.yaml").write_text(CITY.format(slug="hefei"), encoding="utf-8")
    err = run_kb_check("--fixtures", str(tmp_path))
    assert "city slug ('hefei',) is duplicated (03_a.yaml item 1 and 03_b.yaml item 1)" in err


def test_distinct_keys_in_a_fixture_folder_pass(tmp_path: Path):
    (tmp_path / "03_cities.yaml").write_text(
        CITY.format(slug="taizhoujs") + CITY.format(slug="taizhouzj"), encoding="utf-8"
    )
    err = StringIO()
    # --warn: this test is about the fixture files; the database's own gaps (cities and
    # evidence other branches add) must not hide a duplicate.
    call_command("kb_check", "--fixtures", str(tmp_path), "--warn", stdout=StringIO(), stderr=err)
    assert "duplicated" not in err.getvalue()


# --- the checks of issue 12, item 7 ----------------------------------------------------------


def test_a_city_without_a_cluster_is_named():
    kb.City.objects.filter(slug="hefei").update(cluster=None)
    assert "city 'hefei' belongs to no cluster" in run_kb_check()


def test_a_strength_of_3_without_city_evidence_is_named():
    kb.ClusterSectorStrength.objects.filter(
        cluster__code="west_hub", sector__code="quantum"
    ).update(strength=3)
    kb.CitySpecialty.objects.filter(city__cluster__code="west_hub", sector__code="quantum").delete()
    kb.Firm.objects.filter(city__cluster__code="west_hub", sector__code="quantum").update(city=None)
    err = run_kb_check()
    assert "cluster 'west_hub' has strength 3 in 'quantum' but no city specialty" in err


def test_a_specialty_or_a_located_firm_is_evidence_for_a_strength():
    kb.ClusterSectorStrength.objects.filter(
        cluster__code="west_hub", sector__code="quantum"
    ).update(strength=4)
    guiyang = kb.City.objects.get(slug="guiyang")
    firm = kb.Firm.objects.filter(sector__isnull=False).first()
    quantum = kb.Sector.objects.get(code="quantum")
    kb.Firm.objects.filter(pk=firm.pk).update(city=guiyang, sector=quantum)
    assert ("west_hub", "quantum", 4) in kbcheck.evidenced_pairs()
    kb.Firm.objects.filter(pk=firm.pk).update(city=None)
    assert ("west_hub", "quantum", 4) not in kbcheck.evidenced_pairs()
    kb.CitySpecialty.objects.create(
        key="test-guiyang-quantum", city=guiyang, sector=quantum, title_ko="양자",
        title_en="Quantum",
        keywords_ko="양자", keywords_en="quantum", rationale_ko="-", rationale_en="-",
        source=kb.Source.objects.get(key="seed-kic-weekly-403"),
    )
    assert ("west_hub", "quantum", 4) in kbcheck.evidenced_pairs()


def test_a_source_without_a_date_is_named():
    kb.Source.objects.filter(key="seed-ai-cities-2025").update(published=None)
    assert "source 'seed-ai-cities-2025' has no date" in run_kb_check()


def test_an_event_ending_before_it_starts_is_named():
    kb.Event.objects.filter(key="waic-2026").update(
        starts=dt.date(2026, 7, 20), ends=dt.date(2026, 7, 17)
    )
    assert "event 'waic-2026' ends (2026-07-17) before it starts (2026-07-20)" in run_kb_check()


def test_a_specialty_without_keywords_is_named():
    kb.CitySpecialty.objects.filter(key="hefei-quantum").update(
        keywords_ko="", keywords_en=" , ", keywords_zh=""
    )
    assert "city specialty 'hefei-quantum' has no keywords" in run_kb_check()


def test_a_specialty_whose_keywords_are_in_no_glossary_group_is_named():
    kb.CitySpecialty.objects.filter(key="hefei-quantum").update(
        keywords_ko="뭔가 새로운 것", keywords_en="something new", keywords_zh=""
    )
    err = run_kb_check()
    assert "city specialty 'hefei-quantum': none of its keywords is in the glossary" in err


def test_one_glossary_keyword_is_enough_in_any_spelling():
    """The check normalises as the engine's keyword index does: 'Zepto-Flux Lattice' is the
    glossary's 'zepto flux lattice' (a made-up term, so no shipped group has it)."""
    entry = kb.GlossaryEntry.objects.create(
        key="test-zepto-flux", terms_ko="젭토플럭스", terms_en="zepto flux lattice"
    )
    kb.CitySpecialty.objects.filter(key="hefei-quantum").update(
        keywords_ko="뭔가 새로운 것", keywords_en="Zepto-Flux Lattice", keywords_zh=""
    )
    assert not any("hefei-quantum" in p for p in kbcheck.specialty_keyword_problems())
    entry.delete()
    assert any("hefei-quantum" in p for p in kbcheck.specialty_keyword_problems())


def test_kb_check_prints_the_coverage_and_warn_does_not_fail():
    out, err = StringIO(), StringIO()
    kb.City.objects.filter(slug="hefei").update(cluster=None)
    call_command("kb_check", "--warn", stdout=out, stderr=err)
    text = out.getvalue()
    total = kb.City.objects.count()
    assert f"kb_check: clusters: {kb.Cluster.objects.count()}" in text
    assert f"kb_check: cities: {total} (" in text
    assert f"kb_check: city specialties: {kb.CitySpecialty.objects.count()}" in text
    pairs = kbcheck.coverage()
    assert (f"pairs with strength >= 3 and city evidence: {pairs.evidenced_pairs}/"
            f"{pairs.strength_pairs}") in text
    assert "sources by kind: " in text and "seed 5" in text
    assert "city 'hefei' belongs to no cluster" in err.getvalue()
    assert "--warn: not failing" in err.getvalue()


def test_coverage_counts_on_small_data():
    before = kbcheck.coverage()
    kb.City.objects.filter(slug="hefei").update(cluster=None)
    after = kbcheck.coverage()
    assert after.cities == before.cities
    assert after.cities_in_clusters == before.cities_in_clusters - 1
    assert after.evidenced_pairs <= before.evidenced_pairs <= before.strength_pairs


def test_unverified_lists_every_fact_resting_on_general_knowledge():
    out = StringIO()
    call_command("kb_check", "--warn", "--unverified", stdout=out, stderr=StringIO())
    text = out.getvalue()
    unverified = kb.ClusterSectorStrength.objects.filter(source__kind="analyst_unverified")
    assert unverified.exists()
    for row in unverified:
        assert f"sector strength {row.cluster.code}/{row.sector.code} (unverified source)" in text
    # A verified fact with one clause to verify is listed as such.
    assert "sector strength jjj/hydrogen (part to verify)" in text
    assert "challenge jjj-research-to-industry-gap" not in text
