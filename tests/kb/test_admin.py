"""Knowledge-base editors can open every admin page; scores show their source and history."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from clusters import models as kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser(username="editor", password="x" * 20)
    client.force_login(editor)
    return client


def test_every_knowledge_base_changelist_opens(editor_client) -> None:
    for model in admin.site._registry:
        if model._meta.app_label != "clusters":
            continue
        url = reverse(f"admin:clusters_{model._meta.model_name}_changelist")
        assert editor_client.get(url).status_code == 200, url


def test_a_cluster_page_shows_its_scores_with_rationale_and_source(editor_client) -> None:
    cluster = kb.Cluster.objects.get(code="gba")
    response = editor_client.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    score = kb.ClusterFactorScore.objects.get(cluster=cluster, factor__code="manufacturing")
    assert html.count('name="factor_scores-') >= 9 * 3
    assert score.rationale_ko[:20] in html


def test_to_verify_facts_can_be_filtered_by_source_kind(editor_client) -> None:
    url = reverse("admin:clusters_clustersectorstrength_changelist")
    response = editor_client.get(url, {"source__kind__exact": "analyst_unverified"})
    assert response.status_code == 200
    expected = kb.ClusterSectorStrength.objects.filter(source__kind="analyst_unverified").count()
    assert expected > 0
    assert f"{expected} " in response.content.decode()


def test_an_edit_is_recorded_in_the_history_with_its_author(editor_client) -> None:
    score = kb.ClusterFactorScore.objects.select_related("cluster", "factor").first()
    url = reverse("admin:clusters_clusterfactorscore_change", args=[score.pk])
    form = {
        "cluster": score.cluster_id, "factor": score.factor_id, "score": 77,
        "rationale_ko": score.rationale_ko, "rationale_en": score.rationale_en,
        "source": score.source_id, "change_reason": "test",
    }
    assert editor_client.post(url, form).status_code == 302
    latest = score.history.latest()
    assert latest.score == 77
    assert latest.history_user.username == "editor"


def test_anonymous_visitors_cannot_open_the_admin(client) -> None:
    response = client.get(reverse("admin:clusters_cluster_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_national_city_clusters_are_listed_with_the_cluster_covering_each(editor_client):
    response = editor_client.get(reverse("admin:clusters_plancluster_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "北部湾城市群" in html and "天山北坡城市群" in html
    plan = kb.PlanCluster.objects.get(key="beibu-gulf")
    page = editor_client.get(reverse("admin:clusters_plancluster_change", args=[plan.pk]))
    assert page.status_code == 200
    assert escape(plan.note_ko[:15]) in page.content.decode()
