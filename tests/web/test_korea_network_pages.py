"""The Korean network on the public city and cluster pages, and its admin."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from clusters import models as kb

pytestmark = pytest.mark.django_db

# Yancheng: city (+ cluster), specialties, zones, metrics, firms, events (it has no zones or
# events, so no prefetch of their sectors), then the Korean network: its rows and one
# prefetch of their sectors, whatever their number.
CITY_PAGE_QUERIES = 8
# Shandong: cluster, scores, strengths, challenges, cities, zones, zone sectors, metrics,
# firms, events (none: no prefetch), the Korean network's rows and their sectors.
CLUSTER_PAGE_QUERIES = 12


def test_the_city_page_lists_the_korean_network_by_kind_with_sources(
    client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(CITY_PAGE_QUERIES):
        response = client.get(reverse("city-detail", args=["yancheng"]))
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="korea-network"'):]
    section = section[: section.index("</section>")]
    # Grouped by kind, in the display order: the park before the firms.
    assert section.index("한중 산업단지") < section.index("진출 한국 기업")
    park = kb.KoreaLink.objects.select_related("source").get(key="yancheng-park")
    assert escape(park.name_ko) in section and park.name_zh in section
    assert escape(park.detail_ko[:30]) in section
    # Each link cites its source as a numbered note listed under "Sources".
    assert 'href="#source-' in section
    assert park.source.title in html
    kia = kb.KoreaLink.objects.get(key="yancheng-firm-kia")
    assert escape(kia.name_ko) in section
    assert "전기차" in section  # the firm's sector


def test_the_query_count_does_not_grow_with_the_number_of_links(client) -> None:
    url = reverse("city-detail", args=["kunming"])
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    city = kb.City.objects.get(slug="kunming")
    source = kb.Source.objects.get(key="news-wowtv-20241024-korean-air-fuzhou")
    sectors = list(kb.Sector.objects.filter(code__in=["ev", "batteries", "semiconductors"]))
    for n in range(6):
        link = kb.KoreaLink.objects.create(
            key=f"kunming-firm-test-{n}", city=city, kind="firm", name_ko=f"시험 기업 {n}",
            name_en=f"Test firm {n}", detail_ko="시험", detail_en="Test", source=source,
        )
        link.sectors.set(sectors[: n % 3 + 1])
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert "시험 기업 5" in html
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_city_without_links_says_so(client) -> None:
    city = kb.City.objects.filter(korea_links__isnull=True).order_by("slug").first()
    html = client.get(reverse("city-detail", args=[city.slug])).content.decode()
    assert 'id="korea-network"' in html
    assert "아직 이곳의 KOTRA 무역관" in html


def test_the_cluster_page_lists_its_cities_links_with_the_city_named(
    client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(CLUSTER_PAGE_QUERIES):
        response = client.get(reverse("cluster-detail", args=["shandong"]))
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="korea-network"'):]
    section = section[: section.index("</section>")]
    for key in ("yantai-park", "qingdao-consulate", "qingdao-kotra", "yantai-firm-doosan"):
        link = kb.KoreaLink.objects.select_related("city").get(key=key)
        assert escape(link.name_ko) in section, key
        assert reverse("city-detail", args=[link.city.slug]) in section, key
    # Only links of this cluster's cities.
    assert escape(kb.KoreaLink.objects.get(key="yancheng-park").name_ko) not in section


def test_the_english_page_shows_english_names_and_details(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("city-detail", args=["wuxi"])).content.decode()
    link = kb.KoreaLink.objects.get(key="wuxi-firm-skhynix")
    assert "Korean network" in html and "Korean firm already there" in html
    assert escape(link.name_en) in html and escape(link.detail_en[:30]) in html
    assert escape(link.detail_ko[:20]) not in html


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser(username="editor", password="x" * 20)
    client.force_login(editor)
    return client


def test_the_korean_network_admin_lists_filters_and_searches_in_korean(editor_client) -> None:
    url = reverse("admin:clusters_korealink_changelist")
    response = editor_client.get(url, {"kind__exact": "park"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "한국 네트워크" in html  # the Korean verbose name
    assert "중한(옌타이)산업원" in html and "KOTRA 베이징무역관" not in html
    found = editor_client.get(url, {"q": "SK하이닉스"}).content.decode()
    assert "SK하이닉스 우시 D램 공장" in found and "중한(옌청)산업원" not in found


def test_the_admin_changelist_costs_the_same_queries_for_few_or_all_rows(editor_client) -> None:
    url = reverse("admin:clusters_korealink_changelist")
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url, {"kind__exact": "park"})
    with CaptureQueriesContext(connection) as many:
        editor_client.get(url, {"all": ""})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_edit_of_a_link_is_recorded_in_its_history(editor_client) -> None:
    link = kb.KoreaLink.objects.get(key="hefei-flight")
    url = reverse("admin:clusters_korealink_change", args=[link.pk])
    form = {
        "key": link.key, "city": link.city_id, "kind": link.kind, "name_ko": link.name_ko,
        "name_en": link.name_en, "name_zh": link.name_zh, "detail_ko": "주 7회로 늘었다.",
        "detail_en": "Now seven a week.", "source": link.source_id,
    }
    assert editor_client.post(url, form).status_code == 302
    latest = link.history.latest()
    assert latest.detail_en == "Now seven a week."
    assert latest.history_user.username == "editor"


def test_sector_specific_scores_and_plan_clusters_have_admin_pages(editor_client) -> None:
    for name in ("clustersectorfactor", "plancluster"):
        response = editor_client.get(reverse(f"admin:clusters_{name}_changelist"))
        assert response.status_code == 200, name
