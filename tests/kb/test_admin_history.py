"""The admin's history: old and new values, a required reason, the editor, in Korean."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusters import models as kb
from clusters.history import LOAD_REASON, record_loaded_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser(username="editor", password="x" * 20)
    client.force_login(editor)
    return client


def _score_form(row: kb.ClusterFactorScore, **changes: object) -> dict[str, object]:
    return {
        "cluster": row.cluster_id, "factor": row.factor_id, "score": row.score,
        "rationale_ko": row.rationale_ko, "rationale_en": row.rationale_en,
        "source": row.source_id, **changes,
    }


def test_an_edit_with_a_reason_shows_old_and_new_values_and_the_reason(editor_client):
    score = kb.ClusterFactorScore.objects.get(cluster__code="gba", factor__code="cost")
    old = score.score
    new = 77 if old != 77 else 78
    url = reverse("admin:clusters_clusterfactorscore_change", args=[score.pk])
    response = editor_client.post(url, _score_form(score, score=new,
                                                   change_reason="2025 임대료 통계 반영"))
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.score == new
    latest = score.history.latest()
    assert (latest.history_change_reason, latest.history_user.username) == (
        "2025 임대료 통계 반영", "editor")
    page = editor_client.get(
        reverse("admin:clusters_clusterfactorscore_history", args=[score.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # simple-history's diff: "<strong>점수 (0–100):</strong> 34 → 77" (arrow as &rarr;)
    table = html.split('id="change-history"', 1)[1].split("</table>", 1)[0]
    change = " ".join(table.split("<li>", 1)[1].split("</li>", 1)[0].split())
    assert change == f"<strong>점수(0~100):</strong> {old} &nbsp;&rarr;&nbsp;&nbsp;{new}"
    assert "2025 임대료 통계 반영" in table and ">editor</a>" in table
    # The history table speaks Korean, and the object is named, not coded.
    for header in ("항목", "일시", "편집자", "변경 사유", "변경 내용"):
        assert f'<th scope="col">{header}</th>' in table, header
    assert f"웨강아오 대만구 · 비용 경쟁력: {new}" in table


def test_an_edit_without_a_reason_is_refused_and_changes_nothing(editor_client):
    score = kb.ClusterFactorScore.objects.get(cluster__code="gba", factor__code="cost")
    before = score.history.count()
    url = reverse("admin:clusters_clusterfactorscore_change", args=[score.pk])
    response = editor_client.post(url, _score_form(score, score=(score.score + 1) % 100))
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    assert kb.ClusterFactorScore.objects.get(pk=score.pk).score == score.score
    assert score.history.count() == before


def test_inline_edits_on_a_cluster_page_carry_the_reason(editor_client):
    cluster = kb.Cluster.objects.get(code="gba")
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    # Re-post the page as the browser would, with one factor score changed.
    page = editor_client.get(url)
    data = {}
    for key, value in page.context["adminform"].form.initial.items():
        data[key] = "" if value is None else value
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for index, inline_form in enumerate(fs.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is None:
                    continue
                if isinstance(value, list):
                    value = [getattr(v, "pk", v) for v in value]
                data[f"{fs.prefix}-{index}-{name}"] = getattr(value, "pk", value)
    target = kb.ClusterFactorScore.objects.get(cluster=cluster, factor__code="talent")
    index = next(i for i, f in enumerate(
        next(fs.formset for fs in page.context["inline_admin_formsets"]
             if fs.formset.prefix == "factor_scores").forms) if f.instance.pk == target.pk)
    new = (target.score + 1) % 100
    data[f"factor_scores-{index}-score"] = new
    data["change_reason"] = "인재 점수 보정"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.score == new
    assert target.history.latest().history_change_reason == "인재 점수 보정"


def test_knowledge_base_rows_read_as_korean_titles():
    score = kb.ClusterFactorScore.objects.select_related("cluster", "factor").get(
        cluster__code="gba", factor__code="cost")
    assert str(score) == f"웨강아오 대만구 · 비용 경쟁력: {score.score}"
    metric = kb.CityMetric.objects.select_related("city").get(
        city__slug="beijing", metric="gdp", period="2024Q1-Q3")
    assert str(metric).startswith("베이징 · ")
    assert "beijing" not in str(metric)


def test_the_shipped_knowledge_base_has_its_initial_history():
    score = kb.ClusterFactorScore.objects.get(cluster__code="gba", factor__code="cost")
    first = score.history.earliest()
    assert first.history_change_reason == LOAD_REASON
    assert first.score == score.score
    for model in (kb.Cluster, kb.ClusterFactorScore, kb.CityMetric, kb.Source):
        assert model.history.values("id").distinct().count() == model.objects.count(), model


def test_reloading_records_only_rows_that_changed():
    assert record_loaded_state() == {}
    score = kb.ClusterFactorScore.objects.get(cluster__code="gba", factor__code="cost")
    # A raw change, as loaddata makes when a fixture was edited: no history of its own.
    kb.ClusterFactorScore.objects.filter(pk=score.pk).update(score=(score.score + 1) % 100)
    assert record_loaded_state() == {"clusters.ClusterFactorScore": 1}
    latest = score.history.latest()
    assert latest.score == (score.score + 1) % 100 and latest.history_type == "~"
