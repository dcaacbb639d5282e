"""The knowledge-base API is a client channel: nothing internal or unverified in it."""

from __future__ import annotations

import json
import re

import pytest
from rest_framework import status

from clusters import models as kb

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(
    r"\d{3}_[0-9a-f]{16}\.txt|검증 필요|to verify|\((?:seed |시드 )?00\d[;,)]|analyst-added"
)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_cluster_shows_internal_codes_or_unverified_parts(api, language):
    body = api.get("/api/v1/clusters/", {"lang": language, "page_size": 50}).json()
    text = json.dumps(body, ensure_ascii=False)
    assert not INTERNAL.findall(text), INTERNAL.findall(text)[:5]
    assert '"reference"' not in text


def test_an_unverified_fact_keeps_its_figure_without_rationale_or_source(api):
    row = kb.ClusterSectorStrength.objects.get(cluster__code="jjj", sector__code="quantum")
    assert row.source.kind == "analyst_unverified"
    body = api.get("/api/v1/clusters/jjj/").json()
    quantum = next(s for s in body["strengths"] if s["sector"] == "quantum")
    assert quantum == {"sector": "quantum", "strength": row.strength, "rationale": "",
                       "source": None}
    assert "analyst-to-verify" not in {s["key"] for s in body["sources"]}


def test_an_unverified_challenge_is_left_out(api):
    body = api.get("/api/v1/clusters/west_hub/").json()
    keys = {c["key"] for c in body["challenges"]}
    assert "west-hub-small-market" in keys  # sourced since this round
    assert "west-hub-thin-talent" not in keys  # still to verify


def test_sources_give_title_gloss_date_and_url_never_the_reference(api):
    body = api.get("/api/v1/clusters/gba/").json()
    seed = next(s for s in body["sources"] if s["key"] == "seed-ai-cities-2025")
    assert seed["url"] == "https://www.dspdaily.com/news/view.php?no=24968"
    assert seed["title_en"] and seed["published"] == "2025-11-08"
    assert "reference" not in seed


def test_a_city_lists_only_verified_zones_and_specialties(api):
    assert kb.Zone.objects.get(key="nansha").source.kind == "analyst_unverified"
    response = api.get("/api/v1/cities/guangzhou/")
    assert response.status_code == status.HTTP_200_OK
    assert "nansha" not in {z["key"] for z in response.json()["zones"]}
    response = api.get("/api/v1/cities/shenzhen/")
    body = response.json()
    zones = {z["key"] for z in body["zones"]}
    assert {"nanshan-high-tech-zone", "qianhai"} <= zones  # qianhai: sourced since this round
    text = json.dumps(body, ensure_ascii=False)
    assert not INTERNAL.findall(text), INTERNAL.findall(text)[:5]
    full_year = [m for m in body["metrics"] if m["metric"] == "gdp_full_year"]
    assert full_year and all(m["source"] for m in full_year)
