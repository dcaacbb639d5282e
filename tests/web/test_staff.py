"""The staff workspace: permissions, dashboard, detail, what-if, compare, decision notes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from advisor.models import Assessment, DecisionNote, Lead
from tests.web.conftest import BASE_NEEDS, form_data

pytestmark = pytest.mark.django_db


def staff_urls(pk: int) -> list[str]:
    return [
        reverse("staff-dashboard"),
        reverse("staff-assessment-new"),
        reverse("staff-assessment", args=[pk]),
        reverse("staff-whatif", args=[pk]),
        reverse("staff-compare", args=[pk]),
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, assessment):
    for url in staff_urls(assessment.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    for name in ("staff-whatif-rank", "staff-whatif-save", "staff-decision"):
        response = client.post(reverse(name, args=[assessment.pk]), {})
        assert response.status_code == 302
    assert Assessment.objects.count() == 1
    assert not DecisionNote.objects.exists()


def test_logged_in_non_staff_users_are_refused(non_staff_client, assessment):
    for url in staff_urls(assessment.pk):
        assert non_staff_client.get(url).status_code == 403, url
    for name in ("staff-whatif-rank", "staff-whatif-save", "staff-decision"):
        assert non_staff_client.post(reverse(name, args=[assessment.pk]), {}).status_code == 403
    assert Assessment.objects.count() == 1


def test_an_unknown_id_is_404_for_staff(staff_client):
    assert staff_client.get(reverse("staff-assessment", args=[999999])).status_code == 404
    assert staff_client.get(reverse("staff-whatif", args=[999999])).status_code == 404


# Dashboard -------------------------------------------------------------------------------


def test_dashboard_lists_assessments_and_leads_newest_first(staff_client, make_assessment):
    old = make_assessment(company_name="Old Co")
    Assessment.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    new = make_assessment(company_name="New Co")
    Lead.objects.create(assessment=new, name="김민지", email="minji@example.com",
                        consent=True, consent_at=timezone.now())
    response = staff_client.get(reverse("staff-dashboard"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.company_name for r in rows] == ["New Co", "Old Co"]
    assert rows[0].lead_count == 1
    html = response.content.decode()
    assert "minji@example.com" in html


def test_dashboard_query_count_does_not_grow_with_rows(staff_client, make_assessment,
                                                       django_assert_num_queries, staff_user):
    for index in range(3):
        make_assessment(company_name=f"Co {index}", origin="staff", user=staff_user)
    # session, user, sectors, clusters, count, page of assessments, latest leads, the
    # person's zip still being made (the button waits for it)
    with django_assert_num_queries(8):
        staff_client.get(reverse("staff-dashboard"))
    for index in range(3, 30):
        a = make_assessment(company_name=f"Co {index}", origin="staff", user=staff_user)
        Lead.objects.create(assessment=a, name="n", email="n@example.com", consent=True,
                            consent_at=timezone.now())
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("staff-dashboard"))
    assert len(response.context["rows"]) == 25
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("staff-dashboard") + "?page=2&q=Co")
    assert len(response.context["rows"]) == 5


def test_dashboard_filters(staff_client, make_assessment):
    make_assessment(company_name="Alpha Robotics", sector="robotics", secondary_sectors=[])
    beta = make_assessment(company_name="Beta AI", origin="staff")
    Lead.objects.create(assessment=beta, name="n", email="n@example.com", consent=True,
                        consent_at=timezone.now())

    def names(query: str) -> list[str]:
        response = staff_client.get(reverse("staff-dashboard") + query)
        assert response.status_code == 200
        return [r.company_name for r in response.context["rows"]]

    assert names("?q=alpha") == ["Alpha Robotics"]
    assert names("?sector=robotics") == ["Alpha Robotics"]
    assert names("?origin=staff") == ["Beta AI"]
    assert names("?has_lead=yes") == ["Beta AI"]
    assert names("?has_lead=no") == ["Alpha Robotics"]
    today = timezone.localdate().isoformat()
    assert sorted(names(f"?date_from={today}&date_to={today}")) == ["Alpha Robotics", "Beta AI"]
    assert names("?date_to=2000-01-01") == []
    # A malformed value filters nothing rather than failing.
    assert len(names("?date_from=yesterday&origin=nonsense")) == 2


# Create for a client ----------------------------------------------------------------------


def test_staff_creates_an_assessment_for_a_client(staff_client, staff_user):
    response = staff_client.post(
        reverse("staff-assessment-new"), form_data(company_name="Client Co")
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-assessment", args=[assessment.pk])
    assert assessment.origin == Assessment.Origin.STAFF
    assert assessment.created_by == staff_user


def test_staff_form_shows_errors_beside_fields(staff_client):
    response = staff_client.post(reverse("staff-assessment-new"), form_data(sector="atlantis"))
    assert response.status_code == 200
    assert "sector" in response.context["form"].errors
    assert not Assessment.objects.exists()


# Detail ----------------------------------------------------------------------------------


def test_detail_shows_result_scenarios_leads_and_decisions(staff_client, assessment,
                                                           make_assessment, staff_user,
                                                           django_assert_num_queries):
    make_assessment(parent=assessment, origin="staff", user=staff_user)
    Lead.objects.create(assessment=assessment, name="김민지", email="minji@example.com",
                        consent=True, consent_at=timezone.now())
    DecisionNote.objects.create(assessment=assessment, cluster="gba", city="shenzhen",
                                note="Hardware partner there", author=staff_user)
    staff_client.get(reverse("staff-assessment", args=[assessment.pk]))  # warm the snapshot
    with django_assert_num_queries(11):
        response = staff_client.get(reverse("staff-assessment", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "minji@example.com" in html
    assert "Hardware partner there" in html
    assert reverse("brief-staff", args=[assessment.pk]) in html
    assert assessment.token in html  # the private link to hand to the client


def test_detail_names_the_company_stage_in_words_not_its_code(staff_client, make_assessment):
    assessment = make_assessment(stage="sme")
    html = staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    assert "<dd>중소·중견기업</dd>" in html and "<dd>sme</dd>" not in html


def test_decision_note_is_saved_and_shown_in_the_history(staff_client, assessment, staff_user):
    response = staff_client.post(
        reverse("staff-decision", args=[assessment.pk]),
        {"cluster": "gba", "city": "shenzhen", "note": "공급망 파트너가 선전에 있음"},
    )
    assert response.status_code == 302
    note = DecisionNote.objects.get()
    assert (note.assessment, note.cluster, note.city, note.author) == (
        assessment, "gba", "shenzhen", staff_user)
    html = staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    history = html.split('id="history"', 1)[1]
    assert "공급망 파트너가 선전에 있음" in history


def test_decision_note_city_must_be_in_the_cluster(staff_client, assessment):
    response = staff_client.post(
        reverse("staff-decision", args=[assessment.pk]),
        {"cluster": "jjj", "city": "shenzhen", "note": "x"},
    )
    assert response.status_code == 400
    assert "city" in response.context["decision_form"].errors
    assert not DecisionNote.objects.exists()


# What-if ---------------------------------------------------------------------------------


def test_whatif_page_has_a_slider_per_need(staff_client, assessment):
    response = staff_client.get(reverse("staff-whatif", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for code, value in BASE_NEEDS.items():
        assert f'name="need_{code}" id="id_need_{code}" value="{value}"' in html


def _rank(client, assessment, **fields):
    data = {f"need_{code}": str(v) for code, v in BASE_NEEDS.items()}
    data.update(fields)
    return client.post(reverse("staff-whatif-rank", args=[assessment.pk]), data)


def test_whatif_reranks_with_changed_weights_and_saves_nothing(staff_client, make_assessment):
    assessment = make_assessment(
        needs={**BASE_NEEDS, "manufacturing": 0, "research": 5, "cost": 0, "pilot": 0}
    )
    before = dict(Assessment.objects.values().get(pk=assessment.pk))
    same = _rank(staff_client, assessment, need_manufacturing="0", need_research="5",
                 need_cost="0", need_pilot="0")
    assert same.status_code == 200
    assert [e["cluster"] for e in same.json()["ranking"]] == [
        e["cluster"] for e in assessment.result["ranking"]]
    changed = _rank(staff_client, assessment, need_research="0", need_talent="0",
                    need_cost="5", need_manufacturing="5", need_market="0")
    payload = changed.json()
    assert changed.status_code == 200 and payload["ok"]
    assert [e["cluster"] for e in payload["ranking"]] != [
        e["cluster"] for e in assessment.result["ranking"]]
    assert "<table" in payload["html"]
    # Nothing saved, nothing changed.
    assert Assessment.objects.count() == 1
    assert dict(Assessment.objects.values().get(pk=assessment.pk)) == before


def test_whatif_accepts_a_json_body(staff_client, assessment):
    response = staff_client.post(
        reverse("staff-whatif-rank", args=[assessment.pk]),
        json.dumps({"needs": {**BASE_NEEDS, "cost": 5}, "exclude": ["yrd"]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "yrd" in response.json()["excluded"]


def test_whatif_knockouts_and_errors(staff_client, assessment):
    response = _rank(staff_client, assessment, exclude=["yrd", "gba"])
    assert set(response.json()["excluded"]) == {"yrd", "gba"}
    bad = _rank(staff_client, assessment, need_cost="7")
    assert bad.status_code == 400
    assert "need_cost" in bad.json()["errors"]


def test_whatif_needs_the_csrf_token(client, staff_user, assessment):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(staff_user)
    response = csrf_client.post(reverse("staff-whatif-rank", args=[assessment.pk]), {})
    assert response.status_code == 403


def test_save_scenario_creates_a_child_and_keeps_the_original(staff_client, assessment,
                                                              staff_user):
    original = dict(Assessment.objects.values().get(pk=assessment.pk))
    data = {f"need_{code}": str(v) for code, v in BASE_NEEDS.items()}
    data.update(need_cost="5", exclude=["west_hub"], scenario_name="cost first")
    response = staff_client.post(reverse("staff-whatif-save", args=[assessment.pk]), data)
    scenario = Assessment.objects.exclude(pk=assessment.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-assessment", args=[scenario.pk])
    assert scenario.parent == assessment
    assert scenario.origin == Assessment.Origin.STAFF
    assert scenario.created_by == staff_user
    assert scenario.intake["needs"]["cost"] == 5
    assert scenario.intake["exclude"] == ["west_hub"]
    assert scenario.intake["company_name"] == assessment.intake["company_name"]
    assert dict(Assessment.objects.values().get(pk=assessment.pk)) == original
    html = staff_client.get(reverse("staff-assessment", args=[assessment.pk])).content.decode()
    assert reverse("staff-assessment", args=[scenario.pk]) in html


# Compare ---------------------------------------------------------------------------------


def test_compare_two_or_three_clusters_from_the_stored_result(staff_client, assessment):
    response = staff_client.get(
        reverse("staff-compare", args=[assessment.pk]) + "?c=yrd&c=gba"
    )
    assert response.status_code == 200
    assert [e["cluster"] for e in response.context["entries"]] == ["yrd", "gba"]
    html = response.content.decode()
    assert "<svg" in html
    default = staff_client.get(reverse("staff-compare", args=[assessment.pk]))
    assert len(default.context["entries"]) == 3
    too_many = staff_client.get(
        reverse("staff-compare", args=[assessment.pk]) + "?c=yrd&c=gba&c=jjj&c=chengyu"
    )
    assert too_many.status_code == 400
    assert too_many.context["problem"]
