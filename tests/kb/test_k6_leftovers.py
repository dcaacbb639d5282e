"""Knowledge-base leftovers of the back-test (issue 12, helper k6): electricity cost per
energy-intensive sector, Hong Kong's and Kunming's specialties, the ASEAN gateway's zones and
the words users type.

Data: fixtures/00f_sources_k6.yaml, 05e_sector_cost_k6.yaml, 03f_zones_k6.yaml,
06f_specialties_k6.yaml and keyword edits in 06*_specialties*.yaml, loaded once per session by
tests/conftest.py.
"""

from __future__ import annotations

import pytest

from advisor.engine.keywords import KeywordIndex
from clusters import models as kb

pytestmark = pytest.mark.django_db

ENERGY_SECTORS = ("data_centers", "solar", "hydrogen", "new_materials")


def _cost_rows():
    return kb.ClusterSectorFactor.objects.filter(factor__code="cost").select_related(
        "cluster", "sector", "source"
    )


def test_energy_cost_rows_cite_a_dated_public_price():
    rows = list(_cost_rows())
    assert len(rows) >= 16
    for row in rows:
        label = (row.cluster.code, row.sector.code)
        assert row.sector.code in ENERGY_SECTORS, label
        assert row.source.published and row.source.url.startswith("http"), label
        assert row.source.kind in {kb.Source.Kind.ARTICLE, kb.Source.Kind.REPORT}, label
        # The rationale names the price it was read from (CNY per kWh) and its year.
        assert "CNY" in row.rationale_en and "kWh" in row.rationale_en, label
        assert "위안" in row.rationale_ko, label


def test_cheap_power_clusters_score_above_the_coast_in_every_energy_sector():
    """Sichuan's capped prices and Guizhou's data-centre power are cheaper than the Yangtze
    delta's and the south-eastern coast's published prices, in each sector both hold."""
    score = {(r.cluster.code, r.sector.code): r.score for r in _cost_rows()}
    for sector in ENERGY_SECTORS:
        inland = [score[(c, sector)] for c in ("chengyu", "west_hub") if (c, sector) in score]
        coast = [score[(c, sector)] for c in ("yrd", "gba") if (c, sector) in score]
        assert inland and coast and min(inland) > max(coast), sector


def test_energy_cost_replaces_the_general_score_for_those_sectors_only(snapshot):
    west_hub = next(c for c in snapshot.clusters if c.code == "west_hub")
    assert west_hub.sector_factors["solar"]["cost"].value == 72
    assert "cost" not in west_hub.sector_factors.get("software", {})


def test_hong_kong_and_kunming_have_sourced_specialties_and_asean_gateway_has_zones():
    for city, sector in (("hongkong", "biopharma"), ("kunming", "new_materials"),
                         ("kunming", "biopharma")):
        spec = kb.CitySpecialty.objects.get(city__slug=city, sector__code=sector)
        assert spec.source.published and spec.source.url.startswith("http"), spec.key
    zones = kb.Zone.objects.filter(city__cluster__code="asean_gateway")
    assert {z.city.slug for z in zones} >= {"kunming", "nanning"}
    assert all(z.sectors.exists() and z.source.published for z in zones)


@pytest.mark.parametrize(
    ("words", "specialty"),
    [
        ("자동차 부품", "chongqing-car-making"),
        ("auto parts", "chongqing-car-making"),
        ("汽车零部件", "chongqing-car-making"),
        ("전기차 배터리", "nanjing-lges-batteries"),
        ("EV battery", "changzhou-liyang-catl-batteries"),
        ("휴대폰", "dongguan-vivo-phones"),
        ("home appliances", "qingdao-haier-hisense"),
        ("IC design", "shenzhen-ic-design"),
        ("바이오텍 상장", "hongkong-biotech-listing"),
        ("有色金属", "kunming-nonferrous-metals"),
        ("중약", "kunming-biomedicine"),
    ],
)
def test_a_company_in_its_own_words_reaches_the_city(snapshot, words, specialty):
    index = KeywordIndex.build(snapshot.glossary, snapshot.specialties)
    found = set(index.match(words))
    assert found & index.specialty_concepts[specialty], (words, specialty, sorted(found))
