"""kb_check finds what is wrong with the knowledge base and names it.

Each test breaks the loaded knowledge base (the change rolls back after the test) or writes a
small fixture folder, and expects a CommandError with the problem spelled out on stderr.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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
    out = StringIO()
    call_command("kb_check", "--fixtures", str(tmp_path), stdout=out, stderr=StringIO())
    assert "complete" in out.getvalue()
