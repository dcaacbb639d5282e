"""Assessments through the API: create, read by token, staff list and detail, what-if."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import status

from advisor.models import Assessment
from clusters.vocabulary import CLUSTERS
from tests.api.conftest import make_assessment

pytestmark = pytest.mark.django_db

RANKING_KEYS = {"ranking", "excluded", "robustness", "language", "dataset_version",
                "method_version"}
# Token lookup: the revision check of the snapshot cache is not involved in a read.
TOKEN_READ_QUERIES = 1
STAFF_DETAIL_QUERIES = 2  # token auth (token with its user), the assessment with its author
STAFF_LIST_QUERIES = 3  # token auth (token with its user), count, page with authors


def test_anyone_can_create_an_assessment(api, intake):
    response = api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_201_CREATED, response.content
    body = response.json()
    assert set(body) >= RANKING_KEYS
    ranked = {row["cluster"] for row in body["ranking"]}
    excluded = {row["cluster"] for row in body["excluded"]}
    assert ranked | excluded == set(CLUSTERS)
    assert "west_hub" in excluded

    assessment = Assessment.objects.get(token=body["token"])
    assert assessment.origin == Assessment.Origin.API
    assert assessment.created_by is None
    assert assessment.result["ranking"] == body["ranking"]
    links = body["links"]
    assert links["self"].endswith(f"/api/v1/assessments/{assessment.token}/")
    assert response["Location"] == links["self"]
    assert f"/r/{assessment.token}/" in links["result_page"]
    assert links["brief_pdf"].endswith(f"/api/v1/assessments/{assessment.token}/brief.pdf?lang=ko")


def test_a_staff_assessment_records_who_made_it(staff_api, staff_user, intake):
    response = staff_api.post("/api/v1/assessments/", intake, format="json")
    assert response.status_code == status.HTTP_201_CREATED
    assert Assessment.objects.get(token=response.json()["token"]).created_by == staff_user


def test_the_token_holder_reads_the_stored_ranking(api, snapshot, django_assert_num_queries):
    assessment = make_assessment(snapshot)
    with django_assert_num_queries(TOKEN_READ_QUERIES):
        response = api.get(f"/api/v1/assessments/{assessment.token}/")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["token"] == assessment.token
    assert body["ranking"] == assessment.result["ranking"]
    assert body["intake"] == assessment.intake
    assert "id" not in body  # the token route never reveals the database id


def test_it_reads_the_stored_result_not_a_new_ranking(api, snapshot):
    assessment = make_assessment(snapshot)
    assessment.result = {**assessment.result, "method_version": "an-old-method"}
    assessment.save(update_fields=["result"])
    body = api.get(f"/api/v1/assessments/{assessment.token}/").json()
    assert body["method_version"] == "an-old-method"


@pytest.mark.parametrize(
    "make_key",
    [
        lambda a: "x" * len(a.token),  # someone else's (non-existent) token
        lambda a: a.token[:-1],  # a near miss
        lambda a: a.token.upper() if a.token.upper() != a.token else a.token + "A",
        lambda a: str(a.pk),  # the id in place of the token
    ],
    ids=["another-token", "truncated", "other-case", "id"],
)
def test_anything_but_the_exact_token_is_refused(api, snapshot, make_key):
    assessment = make_assessment(snapshot)
    response = api.get(f"/api/v1/assessments/{make_key(assessment)}/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["code"] == "not_found"


def test_one_token_does_not_open_another_assessment(api, snapshot):
    mine = make_assessment(snapshot, company_name="Mine")
    theirs = make_assessment(snapshot, company_name="Theirs")
    body = api.get(f"/api/v1/assessments/{mine.token}/").json()
    assert body["company_name"] == "Mine"
    assert theirs.token not in str(body)


def test_staff_read_any_assessment_by_id(staff_api, snapshot, django_assert_num_queries):
    assessment = make_assessment(snapshot)
    with django_assert_num_queries(STAFF_DETAIL_QUERIES):
        response = staff_api.get(f"/api/v1/staff/assessments/{assessment.pk}/")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["id"] == assessment.pk
    assert body["token"] == assessment.token
    assert body["origin"] == "api"
    assert body["links"]["staff"].endswith(f"/api/v1/staff/assessments/{assessment.pk}/")


def test_the_staff_route_refuses_everyone_else(api, user_api, snapshot):
    assessment = make_assessment(snapshot)
    anonymous = api.get(f"/api/v1/staff/assessments/{assessment.pk}/")
    assert anonymous.status_code == status.HTTP_401_UNAUTHORIZED
    assert anonymous.json()["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"].startswith("Token")
    not_staff = user_api.get(f"/api/v1/staff/assessments/{assessment.pk}/")
    assert not_staff.status_code == status.HTTP_403_FORBIDDEN
    assert not_staff.json()["code"] == "staff_only"


def test_the_staff_route_does_not_take_a_token(staff_api, snapshot):
    assessment = make_assessment(snapshot)
    response = staff_api.get(f"/api/v1/staff/assessments/{assessment.token}/")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["code"] == "not_found"


def test_staff_get_a_404_for_a_missing_id(staff_api):
    response = staff_api.get("/api/v1/staff/assessments/987654/")
    assert response.status_code == status.HTTP_404_NOT_FOUND


def test_the_list_is_for_staff_only(api, user_api):
    anonymous = api.get("/api/v1/assessments/")
    assert anonymous.status_code == status.HTTP_401_UNAUTHORIZED
    assert anonymous.json()["code"] == "not_authenticated"
    not_staff = user_api.get("/api/v1/assessments/")
    assert not_staff.status_code == status.HTTP_403_FORBIDDEN
    assert not_staff.json()["code"] == "staff_only"


def test_the_list_query_count_is_constant(staff_api, staff_user, snapshot,
                                          django_assert_num_queries):
    for index in range(5):
        make_assessment(snapshot, user=staff_user if index % 2 else None,
                        company_name=f"Firm {index}")
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        response = staff_api.get("/api/v1/assessments/")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["count"] == 5
    row = body["results"][0]
    assert {"id", "token", "company_name", "top_cluster", "top_score", "links"} <= set(row)
    assert "ranking" not in row


def test_the_list_filters(staff_api, snapshot):
    ai = make_assessment(snapshot, company_name="Sori Labs")
    batteries = make_assessment(snapshot, company_name="Volta Cells", sector="batteries",
                                secondary_sectors=[], keywords="cathode")
    old = make_assessment(snapshot, company_name="Old Sori")
    Assessment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30), origin="import"
    )

    def ids(**params: str) -> set[int]:
        response = staff_api.get("/api/v1/assessments/", params)
        assert response.status_code == status.HTTP_200_OK, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(sector="batteries") == {batteries.pk}
    assert ids(q="sori") == {ai.pk, old.pk}
    assert ids(origin="import") == {old.pk}
    assert ids(top_cluster=ai.top_cluster) >= {ai.pk}
    today = timezone.localdate().isoformat()
    assert ids(date_from=today) == {ai.pk, batteries.pk}
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert ids(date_to=week_ago) == {old.pk}


def test_a_bad_list_filter_is_a_400(staff_api):
    response = staff_api.get("/api/v1/assessments/", {"date_from": "yesterday"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "date_from" in response.json()["errors"]
    response = staff_api.get("/api/v1/assessments/", {"origin": "carrier-pigeon"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST


def test_whatif_ranks_without_saving(api, intake):
    intake["needs"]["cost"] = 5
    response = api.post("/api/v1/whatif/", intake, format="json")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert set(body) >= RANKING_KEYS
    assert "token" not in body
    assert not Assessment.objects.exists()


def test_whatif_matches_the_assessment_it_would_make(api, intake):
    whatif = api.post("/api/v1/whatif/", intake, format="json").json()
    created = api.post("/api/v1/assessments/", intake, format="json").json()
    assert whatif["ranking"] == created["ranking"]
    assert whatif["robustness"] == created["robustness"]


def test_the_api_gives_the_same_verdict_as_the_page_and_the_brief(api, snapshot):
    from advisor.engine.verdict import verdict

    assessment = make_assessment(snapshot)
    body = api.get(f"/api/v1/assessments/{assessment.token}/").json()
    decided = verdict(assessment.result)
    assert body["verdict"]["code"] == decided.code
    assert body["verdict"]["clear_winner"] is decided.clear
    assert body["verdict"]["percent"] == decided.percent
    assert body["verdict"]["sentence"]
