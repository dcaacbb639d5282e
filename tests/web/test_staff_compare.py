"""Compare two assessments, named scenarios, score deltas in what-if, names not codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from advisor.models import Assessment
from clusters.models import City, Cluster, Factor
from tests.web.conftest import BASE_NEEDS

pytestmark = pytest.mark.django_db


def _scenario_data(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {f"need_{code}": str(v) for code, v in BASE_NEEDS.items()}
    data.update(fields)
    return data


def _compare_url(a: Assessment, b: Assessment) -> str:
    return reverse("staff-compare-assessments") + f"?a={a.pk}&b={b.pk}"


@pytest.fixture
def scenario(staff_client, assessment) -> Assessment:
    response = staff_client.post(
        reverse("staff-whatif-save", args=[assessment.pk]),
        _scenario_data(need_cost="5", need_research="0", scenario_name="  cost   first "),
    )
    assert response.status_code == 302
    return Assessment.objects.get(parent=assessment)


# Named scenarios ---------------------------------------------------------------------------


def test_a_saved_scenario_keeps_its_name_and_the_dashboard_shows_it(staff_client, scenario):
    assert scenario.scenario_name == "cost first"  # spaces tidied
    html = staff_client.get(reverse("staff-dashboard")).content.decode()
    assert "cost first" in html
    detail = staff_client.get(reverse("staff-assessment", args=[scenario.pk])).content.decode()
    assert "<dd>cost first</dd>" in detail
    parent = staff_client.get(
        reverse("staff-assessment", args=[scenario.parent_id])).content.decode()
    assert "“cost first”" in parent.split('id="history"', 1)[1]


def test_a_scenario_cannot_be_saved_without_a_name(staff_client, assessment):
    response = staff_client.post(reverse("staff-whatif-save", args=[assessment.pk]),
                                 _scenario_data(need_cost="5"))
    assert response.status_code == 400
    assert "scenario_name" in response.context["form"].errors
    assert Assessment.objects.count() == 1


# What-if deltas ----------------------------------------------------------------------------


def test_whatif_shows_score_deltas_not_only_rank_arrows(staff_client, assessment):
    response = staff_client.post(reverse("staff-whatif-rank", args=[assessment.pk]),
                                 _scenario_data(need_cost="5", need_research="0"))
    assert response.status_code == 200
    before = {e["cluster"]: e["score"] for e in assessment.result["ranking"]}
    payload = response.json()
    html = payload["html"]
    for entry in payload["ranking"]:
        expected = round(entry["score"] - before[entry["cluster"]], 1)
        assert entry["score_change"] == expected
    moved = next(e for e in payload["ranking"] if e["score_change"])
    sign = "+" if moved["score_change"] > 0 else ""
    table = html.split("<table", 1)[1]
    row = table.split(f'data-cluster="{moved["cluster"]}"', 1)[1].split("</tr>", 1)[0]
    assert f"{sign}{moved['score_change']:.1f}" in row


# Compare two assessments -------------------------------------------------------------------


def test_compare_a_scenario_with_its_original(staff_client, assessment, scenario,
                                              django_assert_num_queries):
    staff_client.get(_compare_url(assessment, scenario))  # warm the snapshot
    # session, user, assessment A, assessment B, the snapshot's revision
    with django_assert_num_queries(5):
        response = staff_client.get(_compare_url(assessment, scenario))
    assert response.status_code == 200
    assert response.context["is_scenario_pair"]
    rows = {r["cluster"]: r for r in response.context["rows"]}
    before = {e["cluster"]: e for e in assessment.result["ranking"]}
    after = {e["cluster"]: e for e in scenario.result["ranking"]}
    assert set(rows) == set(before) | {e["cluster"] for e in assessment.result["excluded"]}
    for code, row in rows.items():
        assert row["score_change"] == round(after[code]["score"] - before[code]["score"], 1)
        assert row["rank_change"] == before[code]["rank"] - after[code]["rank"]
    assert response.context["rows"][0]["cluster"] == scenario.top_cluster
    needs = {r["factor"]: r for r in response.context["needs"]}
    assert needs["cost"]["differs"] and needs["research"]["differs"]
    assert not needs["talent"]["differs"]
    html = response.content.decode()
    assert '<tr class="differs" data-factor="cost">' in html
    assert '<tr data-factor="talent">' in html
    assert "cost first" in html


def test_compare_puts_the_original_first_whichever_order(staff_client, assessment, scenario):
    response = staff_client.get(_compare_url(scenario, assessment))
    assert (response.context["a"], response.context["b"]) == (assessment, scenario)


def test_compare_two_clients_shows_the_differing_profile(staff_client, make_assessment):
    first = make_assessment(company_name="Alpha", sector="ai")
    second = make_assessment(company_name="Beta", sector="batteries", exclude=["west_hub"],
                             minimums={"cost": 40})
    response = staff_client.get(_compare_url(first, second))
    assert response.status_code == 200
    profile = {r["label"]: r for r in response.context["profile"]}
    assert profile["분야"]["differs"]
    west_hub = Cluster.objects.get(code="west_hub")
    cost = Factor.objects.get(code="cost")
    assert profile["제외"]["b"] == f"{west_hub.name_ko} ({west_hub.name_zh})"
    assert profile["최소 기준"]["b"] == f"{cost.name_ko} ≥ 40"
    west = next(r for r in response.context["rows"] if r["cluster"] == "west_hub")
    assert west["a"] is not None and west["b"] is None and west["score_change"] is None


def test_the_dashboard_sends_two_ticked_rows_to_the_comparison(staff_client, assessment,
                                                               scenario):
    url = reverse("staff-compare-assessments")
    response = staff_client.post(url, {"assessment": [assessment.pk, scenario.pk]})
    assert response.status_code == 302
    assert response["Location"] == _compare_url(assessment, scenario)
    one = staff_client.post(url, {"assessment": [assessment.pk]}, follow=True)
    assert one.redirect_chain[-1][0] == reverse("staff-dashboard")
    assert "두 개" in one.content.decode()
    html = staff_client.get(reverse("staff-dashboard")).content.decode()
    assert f'formaction="{url}"' in html


def test_compare_is_refused_to_anonymous_visitors(assessment, scenario):
    from django.test import Client

    client = Client()  # (the client fixture is logged in by the scenario's staff_client)
    response = client.get(_compare_url(assessment, scenario))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    post = client.post(reverse("staff-compare-assessments"),
                       {"assessment": [assessment.pk, scenario.pk]})
    assert post.status_code == 302 and post["Location"].startswith(reverse("login"))


def test_compare_is_refused_to_users_who_are_not_staff(non_staff_client, make_assessment):
    a, b = make_assessment(company_name="A"), make_assessment(company_name="B")
    assert non_staff_client.get(_compare_url(a, b)).status_code == 403
    assert non_staff_client.post(reverse("staff-compare-assessments"),
                                 {"assessment": [a.pk, b.pk]}).status_code == 403


def test_compare_with_an_unknown_or_missing_id_is_404(staff_client, assessment):
    url = reverse("staff-compare-assessments")
    assert staff_client.get(url + f"?a={assessment.pk}&b=999999").status_code == 404
    assert staff_client.get(url + f"?a={assessment.pk}").status_code == 404
    assert staff_client.get(url + "?a=x&b=y").status_code == 404


# Names, not codes --------------------------------------------------------------------------


def test_the_summary_card_names_left_out_clusters_and_minimums(staff_client, make_assessment,
                                                               staff_user):
    assessment = make_assessment(exclude=["west_hub"], minimums={"cost": 40})
    html = staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    west_hub = Cluster.objects.get(code="west_hub")
    cost = Factor.objects.get(code="cost")
    left_out = html.split('id="left-out">', 1)[1].split("</p>", 1)[0]
    assert left_out == f"제외: {west_hub.name_ko} ({west_hub.name_zh})"
    minimums = html.split('id="minimums">', 1)[1].split("</p>", 1)[0]
    assert minimums == f"최소 기준: {cost.name_ko} ≥ 40"


def test_a_decision_note_names_its_city(staff_client, assessment):
    staff_client.post(reverse("staff-decision", args=[assessment.pk]),
                      {"cluster": "gba", "city": "shenzhen", "note": "파트너가 선전에 있음"})
    html = staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    history = html.split('id="history"', 1)[1]
    shenzhen = City.objects.get(slug="shenzhen")
    assert f"{shenzhen.name_ko} ({shenzhen.name_zh})" in history
    assert "· shenzhen" not in history
