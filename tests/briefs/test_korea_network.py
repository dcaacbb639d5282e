"""The brief's Korean network: the offices, parks, flights, chambers and Korean firms of the
recommended cities that concern the company's sectors, each with its numbered source."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from advisor.briefs.content import MAX_KOREA_LINKS_PER_CITY, Sources, korea_network
from clusters.snapshot import CityInfo, KoreaLinkInfo, Names, Snapshot, SourceRef


def link(key: str, kind: str, ko: str, en: str, *sectors: str,
         source: str = "news") -> KoreaLinkInfo:
    return KoreaLinkInfo(key=key, kind=kind, name=Names(ko, en, ""), detail_ko=f"{ko} 설명",
                         detail_en=f"{en} note", sectors=sectors, source=source)


YANCHENG_LINKS = (
    link("yc-kia", "firm", "기아 옌청 공장", "Kia Yancheng plants", "ev"),
    link("yc-skon", "firm", "SK온 옌청 배터리 공장", "SK On Yancheng battery plants",
         "batteries", "ev"),
    link("yc-park", "park", "중한(옌청)산업원", "China–Korea (Yancheng) Industrial Park",
         source="park-news"),
    link("yc-chip", "firm", "반도체 공장", "Chip fab", "semiconductors"),
)
SNAPSHOT = Snapshot.from_parts(
    factors=(), sectors=(), clusters=(),
    cities=(
        CityInfo("yancheng", Names("옌청", "Yancheng", "盐城"), "yrd",
                 korea_links=YANCHENG_LINKS),
        CityInfo("nantong", Names("난퉁", "Nantong", "南通"), "yrd"),
    ),
    sources=(
        SourceRef("news", "article", "SK On invests in Yancheng", "Yonhap", "2021-11-04"),
        SourceRef("park-news", "article", "China-South Korea (Yancheng) Industrial Park",
                  "China Daily", "2019-02-18"),
    ),
)


def network(slugs: list[str], sectors: list[str], language: str = "ko",
            sources: Sources | None = None) -> list[dict[str, Any]]:
    with translation.override(language):
        return korea_network(slugs, sectors, language, SNAPSHOT, sources or Sources(SNAPSHOT))


def test_a_battery_maker_sees_the_park_and_the_battery_plant_but_not_the_chip_fab() -> None:
    (yancheng,) = network(["yancheng"], ["batteries"])
    assert yancheng["city"] == "옌청 (盐城)"
    names = [row["name"] for row in yancheng["links"]]
    # The park (every sector) first, then the firm of the company's sector.
    assert names == ["중한(옌청)산업원", "SK온 옌청 배터리 공장"]
    assert yancheng["links"][0]["kind"] == "한중 산업단지"


def test_a_secondary_sector_counts_as_the_companys_sector() -> None:
    (yancheng,) = network(["yancheng"], ["semiconductors", "ev"])
    names = {row["name"] for row in yancheng["links"]}
    assert names == {"중한(옌청)산업원", "기아 옌청 공장", "SK온 옌청 배터리 공장", "반도체 공장"}


def test_each_link_cites_its_source_once_as_a_numbered_note() -> None:
    sources = Sources(SNAPSHOT)
    (yancheng,) = network(["yancheng"], ["ev"], sources=sources)
    numbers = {row["name"]: row["source_no"] for row in yancheng["links"]}
    assert numbers["중한(옌청)산업원"] == 1  # cited first: listed first
    assert numbers["기아 옌청 공장"] == numbers["SK온 옌청 배터리 공장"] == 2
    assert [line.key for line in sources._lines.values()] == ["park-news", "news"]


def test_an_english_brief_reads_english_names_kinds_and_details() -> None:
    (yancheng,) = network(["yancheng"], ["batteries"], language="en")
    assert yancheng["city"] == "Yancheng (盐城)"
    park = yancheng["links"][0]
    assert park["kind"] == "China–Korea industrial park"
    assert park["name"] == "China–Korea (Yancheng) Industrial Park"
    assert park["detail"] == "China–Korea (Yancheng) Industrial Park note"


def test_a_city_without_links_is_listed_empty_and_an_unknown_city_is_skipped() -> None:
    rows = network(["nantong", "atlantis", "yancheng"], ["ai"])
    assert [row["city"] for row in rows] == ["난퉁 (南通)", "옌청 (盐城)"]
    assert rows[0]["links"] == []
    assert [row["name"] for row in rows[1]["links"]] == ["중한(옌청)산업원"]


def test_the_list_per_city_is_capped_and_keeps_the_support_first() -> None:
    many = tuple(link(f"f{n:02d}", "firm", f"기업 {n}", f"Firm {n}", "ev") for n in range(20))
    snapshot = Snapshot.from_parts(
        factors=(), sectors=(), clusters=(),
        cities=(CityInfo("x", Names("엑스", "X"), None,
                         korea_links=(*many, link("x-office", "kotra", "KOTRA", "KOTRA"))),),
    )
    with translation.override("ko"):
        (city,) = korea_network(["x"], ["ev"], "ko", snapshot, Sources(snapshot))
    assert len(city["links"]) == MAX_KOREA_LINKS_PER_CITY
    assert city["links"][0]["name"] == "KOTRA"


def test_without_a_snapshot_there_is_no_section() -> None:
    assert korea_network(["yancheng"], ["ev"], "ko", None, Sources(None)) == []


def flat(text: str) -> str:
    """Text without white space: robust to where pdftotext breaks lines."""
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
def test_the_rendered_korean_brief_shows_the_network_of_the_recommended_city(
    rendered: dict[str, Any],
) -> None:
    text = flat(rendered["ko"]["text"])
    assert flat("추천 도시의 한국 네트워크") in text
    assert flat("허페이~인천 직항") in text and flat("한국 AI 연구소 허페이 분소") in text
    assert flat("허페이~인천 직항 세부") in text
    # A firm of a sector the company does not work in is left out.
    assert flat("한국 배터리 공장") not in text


@pytest.mark.django_db
def test_the_rendered_english_brief_shows_it_in_english(rendered: dict[str, Any]) -> None:
    text = flat(rendered["en"]["text"])
    assert flat("Korean network in the recommended cities") in text
    assert flat("Hefei–Incheon flights") in text and flat("Korean AI lab in Hefei") in text
    assert flat("Korean battery plant") not in text
