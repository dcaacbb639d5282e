"""The anonymous journey end to end in a real browser, in Korean and in English (issue 13):
intake with contact details, the result at phone width, the language switch, "change my
answers", the consultation request with its e-mails, and both briefs downloaded.

One test per language walks the whole way, so the expensive parts (two rankings and two
PDF briefs) run once each; every step asserts what the user sees. The live server runs in
this process, so Django's in-memory mail backend (``mail.outbox``) captures the e-mails.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from django.core import mail

pytestmark = pytest.mark.e2e

KIC_INBOX = "consult@kic.test"

# What each language shows; the Korean strings are the catalogue's.
TEXT = {
    "ko": {
        "submit": "순위",
        "secondary_label": "기타 분야",
        "robotics": "로봇",
        "thanks": "상담과 관련해 KIC China에서 연락드리겠습니다",
        "copy_subject": "중국 진출 진단 결과: 소리랩스",
        "copied": "링크를 복사했습니다",
        "change": "답변 수정하기",
        "other": "en",
    },
    "en": {
        "submit": "ranking",
        "secondary_label": "Other sectors",
        "robotics": "Robotics",
        "thanks": "KIC China will contact you about a consultation",
        "copy_subject": "Your China entry result: 소리랩스",
        "copied": "Link copied",
        "change": "Change my answers",
        "other": "ko",
    },
}


def _pdf_text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def _switch_language(page, language: str) -> None:
    page.locator(f"form.lang-switch button[value={language}]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_startup_goes_from_intake_to_consultation_and_briefs(
    kb, live_server, browser, settings, language
):
    settings.CONSULT_NOTIFY_EMAIL = [KIC_INBOX]
    text = TEXT[language]
    context = browser.new_context(
        locale="ko-KR", viewport={"width": 390, "height": 844}, accept_downloads=True,
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    csp_violations: list[str] = []
    page.on("console", lambda m: csp_violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    try:
        # Intake, with contact details and a secondary sector.
        page.goto(live_server.url + "/assess/")
        if language == "en":
            _switch_language(page, "en")
        page.fill("#id_company_name", "소리랩스")
        page.select_option("#id_sector", "ai")
        page.locator("details:has(#id_secondary_sectors) > summary").click()  # folded
        page.locator("#id_secondary_sectors input[value=robotics]").check()
        page.fill("#id_keywords", "음성인식, speech recognition")
        page.fill("#id_contact_name", "김민지")
        page.fill("#id_contact_email", "minji@example.com")
        page.locator("#row-consent input[type=checkbox]").check()
        page.get_by_role("button", name=re.compile(text["submit"], re.I)).click()
        page.wait_for_url(re.compile(r"/r/[\w-]{20,}/$"))
        result_url = page.url
        assert "소리랩스" in page.locator("h1").inner_text()

        # At 390 px: nothing scrolls sideways, the phone chart is the one shown.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator(".chart-narrow svg").is_visible()
        assert not page.locator(".chart-wide svg").is_visible()
        answers = page.locator("#answers").inner_text()
        assert text["secondary_label"] in answers and text["robotics"] in answers

        # Copy link (a static script: the CSP allows no inline one).
        page.get_by_role("button", name=re.compile("링크 복사|Copy link")).click()
        page.wait_for_function(
            "t => document.querySelector('[data-copy-status]').textContent === t",
            arg=text["copied"],
        )
        assert page.evaluate("navigator.clipboard.readText()") == result_url

        # The language switch on the result page itself, and back.
        _switch_language(page, text["other"])
        assert page.url == result_url
        _switch_language(page, language)

        # "Change my answers": the form comes back filled in.
        page.get_by_role("link", name=text["change"]).click()
        page.wait_for_url(re.compile(r"/again/$"))
        assert page.input_value("#id_company_name") == "소리랩스"
        assert page.input_value("#id_sector") == "ai"
        assert page.locator("#id_secondary_sectors input[value=robotics]").is_checked()
        page.go_back()
        page.wait_for_url(result_url)

        # The consultation request, prefilled with the intake's contact details.
        assert page.input_value("#id_name") == "김민지"
        assert page.input_value("#id_email") == "minji@example.com"
        page.fill("#id_message", "허페이와 쑤저우 중 어디가 나을지 상담받고 싶습니다.")
        consult = page.locator("#consult")
        consult.locator("input[name=consent]").check()
        consult.locator("input[name=send_copy]").check()
        consult.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"#consult$"))
        thanks = page.locator("[data-testid=consult-thanks]")
        assert text["thanks"] in thanks.inner_text()
        assert thanks.is_visible() and thanks.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }"
        )
        assert consult.locator("form").count() == 0  # the thank-you replaced the form

        # E-mails: the intake's contact and the request each reach the KIC inbox; the copy
        # goes to the startup in the page's language, with the private link.
        assert [m.to for m in mail.outbox] == [[KIC_INBOX], [KIC_INBOX], ["minji@example.com"]]
        copy = mail.outbox[2]
        assert copy.subject == text["copy_subject"]
        assert result_url in copy.body
        assert "/withdraw/" in copy.body

        # Both briefs, downloaded the way a user does, each naming the best fit in its
        # language (the first word: pdftotext may break a long name across lines).
        from advisor.models import Assessment

        top = Assessment.objects.get().result["ranking"][0]["names"]
        prefixes = {"ko": "진출브리프", "en": "EntryBrief"}
        other = text["other"]
        # The brief in the assessment's language, and the one offered in the other.
        for link, brief_language in (("pdf-link", language), (f"pdf-link-{other}", other)):
            prefix = prefixes[brief_language]
            with page.expect_download() as download_info:
                page.locator(f"[data-testid={link}]").click()
            download = download_info.value
            assert download.suggested_filename.startswith(prefix)
            brief = _pdf_text(download.path())
            assert "소리랩스" in brief
            assert top[brief_language].split()[0] in brief
        assert csp_violations == []
    finally:
        context.close()
