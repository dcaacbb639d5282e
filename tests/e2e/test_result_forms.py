"""The result page's own forms in a real browser: the consultation request and the language
switch. With ``Referrer-Policy: no-referrer`` Chromium sent ``Origin: null`` on these POSTs
and Django's CSRF check refused both (403, the typed message lost): issue 13, item 1.

Also checks that the strict Content-Security-Policy reports no violation on the page (the
browser would refuse an inline script or event handler).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e


@pytest.fixture
def stored_result(kb):
    from advisor.engine import parse_intake
    from advisor.services import assessment_create
    from clusters.snapshot import get_snapshot

    snapshot = get_snapshot()
    intake = parse_intake(
        {"company_name": "소리랩스", "sector": "ai", "keywords": "음성인식", "language": "ko"},
        snapshot,
    )
    return assessment_create(intake=intake, origin="public", snapshot=snapshot)


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    return violations


def test_the_consultation_request_is_sent_from_the_result_page(live_server, page,
                                                               stored_result):
    from advisor.models import Lead

    violations = _watch_csp(page)
    url = live_server.url + reverse("result", args=[stored_result.token])
    page.goto(url)
    page.fill("#id_name", "김소리")
    page.fill("#id_email", "sori@example.com")
    page.fill("#id_message", "상하이와 허페이 중 어디가 나을지 상담받고 싶습니다.")
    page.locator("#consult input[type=checkbox][name=consent]").check()
    page.locator("#consult button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.split("#")[0] == url
    thanks = page.locator("[data-testid=consult-thanks]").inner_text()
    assert "상담과 관련해 KIC China에서 연락드리겠습니다" in thanks
    lead = Lead.objects.get(assessment=stored_result)
    assert lead.message == "상하이와 허페이 중 어디가 나을지 상담받고 싶습니다."
    assert violations == []


def test_the_language_switch_works_on_the_result_page(live_server, page, stored_result):
    violations = _watch_csp(page)
    url = live_server.url + reverse("result", args=[stored_result.token])
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "ko"
    page.locator("form.lang-switch button[value=en]").click()
    page.wait_for_load_state()

    assert page.url == url  # back on the same result, now in English
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name=re.compile("Send the request")).count() == 1
    assert violations == []
