"""Public cluster and city pages: nothing internal or unverified, past events apart from
upcoming ones, and zones and events narrowed to a company's sectors on request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters import models as kb

pytestmark = pytest.mark.django_db

# What must never reach a client page (issue 13, item 5): seed file names and numbers,
# repository paths, the verification marks.
INTERNAL = re.compile(
    r"\d{3}_[0-9a-f]{16}\.txt|docs/|검증 필요|to verify|\((?:seed |시드 )?00\d[;,)]"
    r"|analyst-added|분석가 판단"
)


def page(client, name: str, arg: str, **params: object) -> str:
    response = client.get(reverse(name, args=[arg]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_cluster_page_shows_internal_codes_or_unverified_parts(client, language):
    client.cookies["django_language"] = language
    for code in kb.Cluster.objects.values_list("code", flat=True):
        html = page(client, "cluster-detail", code)
        assert not INTERNAL.findall(html), (code, INTERNAL.findall(html)[:5])


def test_no_city_page_shows_internal_codes_or_unverified_parts(client):
    for slug in kb.City.objects.values_list("slug", flat=True):
        html = page(client, "city-detail", slug)
        assert not INTERNAL.findall(html), (slug, INTERNAL.findall(html)[:5])


def test_an_unverified_fact_is_left_out_and_its_score_shown_without_rationale(client):
    talent = kb.ClusterChallenge.objects.get(key="west-hub-thin-talent")
    assert talent.source.kind == "analyst_unverified"
    strength = kb.ClusterSectorStrength.objects.select_related("source").get(
        cluster__code="jjj", sector__code="quantum"
    )
    assert strength.source.kind == "analyst_unverified"
    html = page(client, "cluster-detail", "west_hub")
    assert talent.text_ko[:15] not in html
    html = page(client, "cluster-detail", "jjj")
    assert "베이징 양자정보과학연구원" not in html  # the unverified rationale of jjj/quantum
    assert f"<span>{strength.strength}/5</span>" in html  # its figure stays
    assert kb.Source.objects.get(key="analyst-to-verify").title not in html


def test_a_rationale_keeps_its_verified_part(client):
    client.cookies["django_language"] = "en"
    html = page(client, "cluster-detail", "jjj")
    # jjj/hydrogen: "SinoHytec is 10th in the battery ranking (004; …); a national
    # fuel-cell-vehicle demonstration cluster (to verify)." -> only the first clause.
    assert "Fuel-cell maker SinoHytec is 10th in the battery ranking." in html
    assert "demonstration cluster" not in html


def test_sources_are_cited_by_title_publisher_date_and_url_never_the_seed_file(client):
    html = page(client, "city-detail", "beijing")
    seed = kb.Source.objects.get(key="seed-ai-cities-2025")
    assert seed.title in html and "2025-11-08" in html
    assert f'href="{seed.url}"' in html
    assert seed.reference not in html
    client.cookies["django_language"] = "en"
    html = page(client, "city-detail", "beijing")
    assert seed.title_en in html


def test_past_events_are_listed_apart_never_as_upcoming(client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 11, 30))
    html = page(client, "city-detail", "shenzhen")
    upcoming, _, past = html.partition("지난 행사")
    assert "SIA2024" not in upcoming and "SIA2024" in past
    assert "확정된 일정의 예정 행사가 아직 없습니다" in upcoming
    # Two years earlier the same fair is upcoming.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2024, 11, 30))
    html = page(client, "city-detail", "shenzhen")
    upcoming, _, past = html.partition("지난 행사")
    assert "SIA2024" in upcoming


def test_an_event_is_upcoming_until_its_last_day(client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 7, 20))
    upcoming, _, _ = page(client, "cluster-detail", "yrd").partition("지난 행사")
    assert "2026 세계인공지능대회" in upcoming  # 17–20 July 2026: still on
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 7, 21))
    upcoming, _, past = page(client, "cluster-detail", "yrd").partition("지난 행사")
    assert "2026 세계인공지능대회" not in upcoming and "2026 세계인공지능대회" in past


def test_the_sector_filter_keeps_zones_and_events_of_that_sector(client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2024, 11, 30))
    everything = page(client, "city-detail", "shenzhen")
    wearable = page(client, "city-detail", "shenzhen", sector="medical_devices")
    for name in ("리튬 배터리", "SIA2024", "DMP"):
        assert name in everything
        assert name not in wearable
    batteries = page(client, "city-detail", "shenzhen", sector="batteries")
    assert "리튬 배터리" in batteries and "SIA2024" not in batteries
    # An unknown code filters nothing out (it is ignored).
    assert "SIA2024" in page(client, "city-detail", "shenzhen", sector="nonsense")


def test_a_battery_company_is_not_shown_another_sectors_parks(client):
    park = kb.Zone.objects.get(key="zhenjiang-dantu-petrochemical").name_ko
    assert park in page(client, "cluster-detail", "yrd")
    assert park not in page(client, "cluster-detail", "yrd", sector="batteries")


def test_the_latest_full_year_gdp_is_shown_with_its_period(client):
    html = page(client, "city-detail", "shanghai")
    assert "연간 GDP(2025년)" in html
    latest = kb.CityMetric.objects.get(city__slug="shanghai", metric="gdp_full_year",
                                       period="2025")
    assert latest.source.url in html


def test_the_filtered_pages_keep_a_constant_number_of_queries(client, django_assert_num_queries):
    # + the Korean network of the city and one prefetch of its sectors
    with django_assert_num_queries(9):
        page(client, "city-detail", "shenzhen", sector="batteries")
    with django_assert_num_queries(13):
        page(client, "cluster-detail", "yrd", sector="ai")
