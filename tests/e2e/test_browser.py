"""End to end in a real browser: a startup's self-assessment and a staff member's what-if."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e


def _choose_need(page, code: str, value: int) -> None:
    # The radio buttons are visually hidden behind their number labels; click the label.
    page.locator(f"#row-need_{code} label").nth(value).click()


def test_a_startup_fixes_a_validation_error_and_reaches_its_result(kb, live_server, page):
    page.goto(live_server.url + "/assess/")
    assert page.locator("html").get_attribute("lang") == "ko"

    # Everything but the company name, then submit: the error appears beside the field.
    page.select_option("#id_sector", "ai")
    page.fill("#id_keywords", "음성인식, speech recognition")
    _choose_need(page, "talent", 5)
    _choose_need(page, "research", 4)
    _choose_need(page, "manufacturing", 0)
    page.get_by_role("button", name=re.compile("순위|ranking", re.I)).click()
    page.wait_for_load_state()
    row = page.locator("#row-company_name")
    assert row.locator(".errorlist li").count() == 1
    # What was typed and chosen is still there.
    assert page.input_value("#id_keywords") == "음성인식, speech recognition"
    assert page.input_value("#id_sector") == "ai"
    assert page.locator("#row-need_talent input[value='5']").is_checked()

    page.fill("#id_company_name", "소리랩스")
    page.get_by_role("button", name=re.compile("순위|ranking", re.I)).click()
    page.wait_for_url(re.compile(r"/r/[\w-]{20,}/$"))
    assert "소리랩스" in page.locator("h1").inner_text()
    assert page.locator(".ranking-table tbody tr").count() >= 1
    assert page.locator("#ranking-chart, svg.chart-ranking").count() >= 1

    link = page.locator("[data-testid=pdf-link]")
    assert link.count() == 1
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:4] == b"%PDF"


def test_staff_moves_a_weight_sees_the_ranking_change_and_saves_a_scenario(
    kb, live_server, page, django_user_model
):
    from advisor.engine import parse_intake
    from advisor.models import Assessment
    from advisor.services import assessment_create
    from clusters.snapshot import get_snapshot

    django_user_model.objects.create_user(
        username="consultant", password="a-long-e2e-password", is_staff=True
    )
    snapshot = get_snapshot()
    needs = {"research": 5, "manufacturing": 0, "market": 1, "capital": 1, "cost": 0,
             "talent": 5, "policy": 1, "openness": 1, "pilot": 0}
    intake = parse_intake(
        {"company_name": "Sori Labs", "sector": "ai", "keywords": "speech recognition",
         "stage": "startup", "language": "ko", "needs": needs},
        snapshot,
    )
    original = assessment_create(intake=intake, origin="public", snapshot=snapshot)
    original_top = original.result["ranking"][0]["cluster"]

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "consultant")
    page.fill("#id_password", "a-long-e2e-password")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    page.get_by_role("link", name="Sori Labs").click()
    page.wait_for_url(re.compile(r"/staff/assessments/\d+/$"))
    page.locator(".tabs a").nth(1).click()
    page.wait_for_url(re.compile(r"/whatif/$"))

    rows = page.locator("#whatif-result .ranking-table tbody tr")
    assert rows.first.get_attribute("data-cluster") == original_top
    table_before = page.locator("#whatif-result .ranking-table tbody").inner_text()
    # Someone who needs cheap production and nothing else.
    for code, value in (("research", 0), ("talent", 0), ("market", 0), ("cost", 5),
                        ("manufacturing", 5)):
        page.locator(f"#id_need_{code}").fill(str(value))
    # The table is redrawn from the server's answer: scores (and usually the order) change.
    page.wait_for_function(
        "(before) => document.querySelector('#whatif-result .ranking-table tbody')"
        ".innerText !== before",
        arg=table_before,
    )
    page.wait_for_load_state("networkidle")
    new_order = [rows.nth(i).get_attribute("data-cluster") for i in range(rows.count())]

    page.fill("#id_scenario_name", "cost first")
    page.locator("#whatif-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/assessments/\d+/$"))
    scenario = Assessment.objects.exclude(pk=original.pk).get()
    assert scenario.parent_id == original.pk
    assert scenario.intake["needs"]["cost"] == 5
    assert [e["cluster"] for e in scenario.result["ranking"]] == new_order
    original.refresh_from_db()
    assert original.intake["needs"]["cost"] == 0


def test_a_consultants_day_intake_named_scenario_compare_and_decision(
    kb, live_server, page, django_user_model
):
    """Create an intake for a client, save a named what-if scenario, compare it with the
    original (from the scenario page and from the dashboard's ticks), add a decision note."""
    from advisor.models import Assessment, DecisionNote

    django_user_model.objects.create_user(
        username="consultant", password="a-long-e2e-password", is_staff=True
    )
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "consultant")
    page.fill("#id_password", "a-long-e2e-password")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    # The intake, typed in for the client.
    page.goto(live_server.url + reverse("staff-assessment-new"))
    page.fill("#id_company_name", "한빛배터리")
    page.select_option("#id_sector", "batteries")
    for code, value in (("manufacturing", 5), ("research", 2), ("cost", 1), ("talent", 3)):
        _choose_need(page, code, value)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/staff/assessments/\d+/$"))
    original = Assessment.objects.get(company_name="한빛배터리")

    # What-if: cost matters most now; the scenario gets a name.
    page.goto(live_server.url + reverse("staff-whatif", args=[original.pk]))
    table = page.locator("#whatif-result .ranking-table tbody")
    before = table.inner_text()
    page.locator("#id_need_cost").fill("5")
    page.locator("#id_need_manufacturing").fill("1")
    page.wait_for_function(
        "(b) => document.querySelector('#whatif-result .ranking-table tbody').innerText !== b",
        arg=before,
    )
    page.wait_for_load_state("networkidle")
    # Score deltas, not only arrows: some row shows a signed change in points.
    assert re.search(r"[+-]\d+\.\d", table.inner_text())
    page.fill("#id_scenario_name", "비용 우선")
    page.locator("#whatif-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/assessments/\d+/$"))
    scenario = Assessment.objects.get(parent=original)
    assert scenario.scenario_name == "비용 우선"

    # Compare it with the original from the scenario's page.
    page.locator("#compare-with-original").click()
    page.wait_for_url(re.compile(r"/staff/compare/\?a=\d+&b=\d+$"))
    assert "비용 우선" in page.locator("#side-b").inner_text()
    cost_row = page.locator(".compare-intakes tr[data-factor=cost]")
    assert cost_row.get_attribute("class") == "differs"
    assert "1/5" in cost_row.inner_text() and "5/5" in cost_row.inner_text()
    assert page.locator(".compare-intakes tr[data-factor=talent]").get_attribute("class") is None
    assert page.locator(".compare-ranking tbody tr").count() >= 10

    # The same from the dashboard: tick both, press compare.
    page.goto(live_server.url + reverse("staff-dashboard"))
    assert "비용 우선" in page.locator("main table").first.inner_text()
    for pk in (original.pk, scenario.pk):
        page.locator(f"input[name=assessment][value='{pk}']").check()
    page.locator("#compare-selected").click()
    page.wait_for_url(re.compile(r"/staff/compare/\?a=\d+&b=\d+$"))
    assert page.locator("h1").inner_text() == "두 평가 비교"

    # The decision note on the original.
    page.goto(live_server.url + reverse("staff-assessment", args=[original.pk]))
    page.locator("#id_note").fill("비용 시나리오를 검토했지만 공급망 때문에 원안 유지")
    page.locator("#decision button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/assessments/\d+/#history$"))
    assert "원안 유지" in page.locator("#history").inner_text()
    assert "비용 우선" in page.locator("#history").inner_text()
    assert DecisionNote.objects.get().assessment == original
