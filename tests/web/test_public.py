"""Public pages: landing, cluster and city profiles, method, the intake form, the result."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from advisor.models import Assessment, Lead
from clusters.models import City, Cluster, ClusterFactorScore
from tests.web.conftest import form_data

pytestmark = pytest.mark.django_db


def test_home_shows_every_cluster_on_the_map_each_linking_to_its_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    for cluster in Cluster.objects.all():
        assert reverse("cluster-detail", args=[cluster.code]) in html
        assert cluster.name_ko in html
    assert reverse("assess") in html


def test_every_page_has_the_language_switch_posting_to_set_language(client):
    for url in [reverse("home"), reverse("assess"), reverse("method"), reverse("cluster-list")]:
        html = client.get(url).content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert 'name="language" value="en"' in html


def test_english_switch_changes_the_page_language(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("cluster-list")}
    )
    assert response.status_code == 302
    html = client.get(reverse("cluster-list")).content.decode()
    assert '<html lang="en">' in html
    assert Cluster.objects.get(code="yrd").name_en in html


def test_korean_is_the_default(client):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="ko">' in html


def test_cluster_list_and_detail(client, django_assert_num_queries):
    assert client.get(reverse("cluster-list")).status_code == 200
    cluster = Cluster.objects.get(code="yrd")
    # Constant: cluster, scores, strengths, challenges, cities, zones (+ their sectors),
    # metrics, firms, events.
    # + the sectors of its events (prefetch)
    # + the Korean network of its cities and their sectors (prefetch)
    with django_assert_num_queries(13):
        response = client.get(reverse("cluster-detail", args=["yrd"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert cluster.name_ko in html and cluster.name_zh in html
    score = ClusterFactorScore.objects.filter(cluster=cluster).select_related("source").first()
    assert escape(score.rationale_ko[:30]) in html
    assert score.source.title in html
    for city in cluster.cities.all():
        assert reverse("city-detail", args=[city.slug]) in html


def test_unknown_cluster_and_city_are_404(client):
    assert client.get(reverse("cluster-detail", args=["atlantis"])).status_code == 404
    assert client.get(reverse("city-detail", args=["atlantis"])).status_code == 404


def test_city_page_shows_profile_with_sources(client, django_assert_num_queries):
    # A city with zones: their focus sectors are one more (prefetch) query.
    city = City.objects.filter(cluster__isnull=False, zones__isnull=False).order_by("slug")[0]
    # city (+ cluster), specialties, zones, zone sectors, metrics, firms, events, Korean
    # network (this city has none: no prefetch of their sectors)
    with django_assert_num_queries(8):
        response = client.get(reverse("city-detail", args=[city.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert city.name_ko in html
    assert city.cluster.name_ko in html


def test_method_page_explains_the_score(client):
    response = client.get(reverse("method"))
    assert response.status_code == 200
    assert "top_share" not in response.content.decode()  # plain words, not field names


# The intake form -------------------------------------------------------------------------


def test_intake_form_offers_grouped_sectors_and_nine_needs(client):
    response = client.get(reverse("assess"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<optgroup" in html
    for code in ("research", "manufacturing", "market", "capital", "cost", "talent",
                 "policy", "openness", "pilot"):
        assert f'name="need_{code}"' in html
    # Consent states purpose, items and retention (PIPA practice).
    with translation.override("ko"):
        assert "보유" in html or "Retention" in html


def test_valid_intake_creates_a_public_assessment_and_redirects_to_its_token(client):
    response = client.post(reverse("assess"), form_data())
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("result", args=[assessment.token])
    assert assessment.origin == Assessment.Origin.PUBLIC
    assert assessment.company_name == "Sori Labs"
    assert assessment.intake["needs"]["talent"] == 5
    assert assessment.intake["secondary_sectors"] == ["robotics"]
    assert assessment.result["ranking"]
    assert not Lead.objects.exists()


def test_a_bad_need_is_shown_beside_its_control_and_other_values_stay(client):
    response = client.post(
        reverse("assess"), form_data(need_talent="9", keywords="음성인식, TTS")
    )
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    form = response.context["form"]
    assert "need_talent" in form.errors
    assert list(form.errors) == ["need_talent"]
    html = response.content.decode()
    row = html.split('id="row-need_talent"', 1)[1].split('id="row-need_openness"', 1)[0]
    assert "errorlist" in row
    # What was typed is still there.
    assert 'value="Sori Labs"' in html
    assert "음성인식, TTS" in html
    checkbox = r'<input type="checkbox" name="secondary_sectors" value="robotics"[^>]*checked'
    assert re.search(checkbox, html)


def test_missing_company_and_sector_are_reported_in_the_page_language(client):
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(reverse("assess"), form_data(company_name="", sector=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["company_name"][0] == "This field is required."
    assert "sector" in form.errors


def test_a_minimum_knockout_error_lands_on_its_field(client):
    response = client.post(reverse("assess"), form_data(min_cost="150"))
    assert response.status_code == 200
    assert "min_cost" in response.context["form"].errors


def test_knockouts_are_applied(client):
    response = client.post(reverse("assess"), form_data(exclude=["west_hub", "yrd"]))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    excluded = {e["cluster"] for e in assessment.result["excluded"]}
    assert excluded == {"west_hub", "yrd"}


def test_contact_details_need_consent(client):
    response = client.post(
        reverse("assess"),
        form_data(contact_name="김민지", contact_email="minji@example.com"),
    )
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_contact_details_with_consent_create_a_lead(client):
    response = client.post(
        reverse("assess"),
        form_data(contact_name="김민지", contact_email="minji@example.com", consent="on"),
    )
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.email == "minji@example.com"
    assert lead.consent is True and lead.consent_at is not None
    assert lead.assessment == Assessment.objects.get()


# The result page -------------------------------------------------------------------------


def test_result_page_is_private_and_shows_the_ranking(client, assessment,
                                                      django_assert_num_queries):
    # The assessment, factor names, its consultation requests (prefill and withdrawal
    # links), the sector name, the secondary sectors' names, the cluster roles.
    with django_assert_num_queries(6):
        response = client.get(reverse("result", args=[assessment.token]))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    top = assessment.result["ranking"][0]
    assert top["names"]["ko"] in html
    assert "<svg" in html  # the bar chart, inline
    assert reverse("method") in html
    assert reverse("result-consult", args=[assessment.token]) in html
    # Every ranked cluster is in the table.
    for entry in assessment.result["ranking"]:
        assert f'data-cluster="{entry["cluster"]}"' in html
    # Robustness in one plain sentence.
    share = round(assessment.result["robustness"]["top_share"] * 100)
    assert f"{share}%" in html  # Korean writes "86%", no space


def test_result_page_offers_the_brief_in_the_other_language_too(client, assessment):
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    url = reverse("brief-token", args=[assessment.token])
    # The main button gives the brief in the page's language (Korean by default) ...
    assert f'href="{url}?lang=ko" hreflang="ko" data-testid="pdf-link"' in html
    # ... and the other language is offered beside it.
    assert f'href="{url}?lang=en"' in html


def test_an_english_page_gives_the_english_brief_first(client, assessment):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("result", args=[assessment.token]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    url = reverse("brief-token", args=[assessment.token])
    assert f'href="{url}?lang=en" hreflang="en" data-testid="pdf-link"' in html
    assert f'href="{url}?lang=ko"' in html


def test_result_page_links_the_pdf_brief(client, assessment):
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    assert reverse("brief-token", args=[assessment.token]) in html


def test_result_is_rendered_from_the_stored_ranking_not_re_ranked(client, assessment):
    result = dict(assessment.result)
    result["ranking"] = [dict(e) for e in result["ranking"]]
    result["ranking"][0]["caveats"] = ["A caveat only the stored result has"]
    Assessment.objects.filter(pk=assessment.pk).update(result=result)
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    assert "A caveat only the stored result has" in html


def test_cities_sharing_a_source_cite_it_once_under_the_list(client, assessment):
    result = dict(assessment.result)
    result["ranking"] = [dict(e) for e in result["ranking"]]
    label = "중국, AI 도시 서열 재편, 동포투데이 (dspdaily.com), 2025-11-08"
    result["ranking"][0]["cities"] = [
        {"slug": "hefei", "name": "허페이 (合肥)",
         "detail": f"AI 음성의 도시(키워드 “음성인식” 일치) — 출처: {label}"},
        {"slug": "suzhou", "name": "쑤저우 (苏州)",
         "detail": f"음성 인터페이스 — 출처: {label}"},
        {"slug": "hangzhou", "name": "항저우 (杭州)", "detail": "a core city, no specialty yet"},
    ]
    Assessment.objects.filter(pk=assessment.pk).update(result=result)
    html = client.get(reverse("result", args=[assessment.token])).content.decode()
    assert html.count(label) == 1  # once, under the list, not after every city
    assert "AI 음성의 도시(키워드 “음성인식” 일치)</li>" in html
    assert "a core city, no specialty yet</li>" in html


def test_cited_cities_number_distinct_sources_in_order_of_first_use() -> None:
    from advisor.web.presenters import cited_cities

    entry = {"cities": [
        {"slug": "a", "detail": "one — source: Alpha, 2025"},
        {"slug": "b", "detail": "two — 출처: Beta"},
        {"slug": "c", "detail": "three — source: Alpha, 2025"},
        {"slug": "d", "reason": "D: four"},
        "not a city",
    ]}
    cities, sources = cited_cities(entry)
    assert sources == ["Alpha, 2025", "Beta"]
    assert [(c["slug"], c["text"], c["source_no"]) for c in cities] == [
        ("a", "one", 1), ("b", "two", 2), ("c", "three", 1), ("d", "D: four", None),
    ]


def test_a_token_opens_only_its_own_result(client, make_assessment):
    first = make_assessment(company_name="First Co")
    second = make_assessment(company_name="Second Co")
    html = client.get(reverse("result", args=[first.token])).content.decode()
    assert "First Co" in html and "Second Co" not in html
    # Another (made-up) token, a near miss and the database id are all refused.
    assert client.get(reverse("result", args=["x" * 43])).status_code == 404
    near_miss = first.token[:-1] + ("B" if first.token.endswith("A") else "A")
    assert client.get(reverse("result", args=[near_miss])).status_code == 404
    assert client.get(reverse("result", args=[str(first.pk)])).status_code == 404
    assert client.get(f"/r/{second.pk}/").status_code == 404


def test_consultation_request_creates_a_lead(client, assessment):
    url = reverse("result-consult", args=[assessment.token])
    response = client.post(url, {"name": "김민지", "email": "minji@example.com",
                                 "phone": "010-1234-5678", "message": "상담 원합니다",
                                 "consent": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("result", args=[assessment.token]))
    lead = Lead.objects.get()
    assert lead.assessment == assessment
    assert lead.consent and lead.consent_at
    assert lead.message == "상담 원합니다"


def test_consultation_request_without_consent_is_refused(client, assessment):
    url = reverse("result-consult", args=[assessment.token])
    response = client.post(url, {"name": "김민지", "email": "minji@example.com"})
    assert response.status_code == 400
    assert "consent" in response.context["consult_form"].errors
    assert not Lead.objects.exists()
    assert response["Cache-Control"] == "no-store"


def test_consultation_needs_the_token_and_a_post(client, assessment):
    assert client.get(reverse("result-consult", args=[assessment.token])).status_code == 405
    response = client.post(
        reverse("result-consult", args=["y" * 43]),
        {"name": "a", "email": "a@example.com", "consent": "on"},
    )
    assert response.status_code == 404
    assert not Lead.objects.exists()


def _with_marked_caveat(assessment):
    result = dict(assessment.result)
    result["ranking"] = [dict(e) for e in result["ranking"]]
    result["ranking"][0]["caveats"] = ["임대료가 높다(검증 필요). 엔지니어 연봉이 높다(seed 003)."]
    result["ranking"][0]["caveats_i18n"] = [{
        "ko": "임대료가 높다(검증 필요). 엔지니어 연봉이 높다(seed 003).",
        "en": "Rents are high (to verify). Engineers earn a lot (seed 003).",
    }]
    Assessment.objects.filter(pk=assessment.pk).update(result=result)


def test_an_english_result_page_of_a_korean_assessment_reads_english(client, assessment):
    _with_marked_caveat(assessment)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("result", args=[assessment.token]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Engineers earn a lot." in html
    for internal in ("to verify", "seed 003", "Rents are high", "검증 필요", "엔지니어"):
        assert internal not in html, internal


def test_the_staff_page_keeps_the_verification_marks(staff_client, assessment):
    _with_marked_caveat(assessment)
    html = staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    assert "검증 필요" in html and "seed 003" in html
