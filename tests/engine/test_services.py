"""Services store the ranking exactly as the engine returned it (database tests)."""

from __future__ import annotations

import pytest

from advisor.engine import METHOD_VERSION, parse_intake, rank
from advisor.models import Assessment
from advisor.services import assessment_create, assessments_create_many, ranking_for

from . import factory


@pytest.fixture
def code_kb():
    return factory.build()


def test_assessment_create_stores_intake_result_and_versions(db, code_kb, staff_user):
    intake = parse_intake(factory.intake_data(), code_kb)
    assessment = assessment_create(intake=intake, origin="staff", user=staff_user,
                                   snapshot=code_kb)
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.result == rank(intake, code_kb)
    assert stored.intake == intake.to_dict()
    assert parse_intake(stored.intake, code_kb) == intake
    assert (stored.company_name, stored.sector, stored.language) == ("Sori Labs", "ai", "ko")
    assert stored.top_cluster == stored.result["ranking"][0]["cluster"]
    assert stored.top_score == stored.result["ranking"][0]["score"]
    assert stored.dataset_version == code_kb.version
    assert stored.method_version == METHOD_VERSION
    assert stored.created_by == staff_user and stored.origin == "staff"
    assert len(stored.token) >= 40


def test_a_scenario_points_at_its_parent(db, code_kb):
    intake = parse_intake(factory.intake_data(), code_kb)
    parent = assessment_create(intake=intake, origin="public", snapshot=code_kb)
    child = assessment_create(intake=intake, origin="staff", parent=parent, snapshot=code_kb)
    assert list(parent.scenarios.all()) == [child]
    assert child.created_by is None


def test_an_empty_ranking_is_stored_without_a_top_cluster(db, code_kb):
    intake = parse_intake(factory.intake_data(minimums={"research": 100}), code_kb)
    assessment = assessment_create(intake=intake, origin="api", snapshot=code_kb)
    assert assessment.top_cluster == "" and assessment.top_score is None


def test_an_unknown_origin_is_refused(db, code_kb):
    intake = parse_intake(factory.intake_data(), code_kb)
    with pytest.raises(ValueError, match="origin"):
        assessment_create(intake=intake, origin="fax", snapshot=code_kb)
    assert not Assessment.objects.exists()


def test_create_many_ranks_in_one_pass_and_saves_in_order(db, code_kb,
                                                          django_assert_max_num_queries):
    intakes = [parse_intake(factory.intake_data(company_name=f"C{k}", sector=sector), code_kb)
               for k, sector in enumerate(["ai", "drones", "ev", "hydrogen"])]
    with django_assert_max_num_queries(4):  # savepoint/transaction + one INSERT
        created = assessments_create_many(intakes=intakes, origin="import", snapshot=code_kb)
    assert [a.company_name for a in created] == ["C0", "C1", "C2", "C3"]
    assert all(a.pk for a in created)
    for assessment, intake in zip(created, intakes, strict=True):
        assert Assessment.objects.get(pk=assessment.pk).result == rank(intake, code_kb)


def test_the_shipped_knowledge_base_is_used_by_default(snapshot):
    intake = parse_intake(
        {"company_name": "Default KB", "sector": "ai", "needs": {"talent": 5}}, snapshot
    )
    assessment = assessment_create(intake=intake, origin="cli")
    assert assessment.dataset_version == snapshot.version
    assert ranking_for(intake) == assessment.result
    assert Assessment.objects.count() == 1  # ranking_for saved nothing



def test_stored_rankings_read_back_exactly_as_ranked(db, code_kb):
    # The database must give back the very same values (Korean text, floats, nulls, nested
    # lists), not a near copy: rankings written before issue 15 (with orjson) and after
    # (Django's JSONField) read the same.
    intakes = [parse_intake(factory.intake_data(company_name=f"회사 {k}", keywords="드론"),
                            code_kb) for k in range(3)]
    created = assessments_create_many(intakes=intakes, origin="import", snapshot=code_kb)
    for assessment, intake in zip(created, intakes, strict=True):
        stored = Assessment.objects.get(pk=assessment.pk)
        assert stored.result == rank(intake, code_kb)
        assert stored.intake == intake.to_dict()


def test_odd_json_values_read_back_unchanged(db, code_kb):
    intake = parse_intake(factory.intake_data(), code_kb)
    assessment = assessment_create(intake=intake, origin="staff", snapshot=code_kb)
    odd = {"text": "장강삼각주 长三角 \u2060 \"quoted\" <b>", "float": 0.1 + 0.2, "none": None,
           "nested": [[1, 2.5, {"k": True}]], "empty": {}, "big": 2**53 + 1}
    Assessment.objects.filter(pk=assessment.pk).update(result=odd)
    assessment.result = odd
    assessment.save(update_fields=["result"])
    assert Assessment.objects.get(pk=assessment.pk).result == odd
