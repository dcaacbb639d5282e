"""Brief test set-up: a small knowledge base, stored files in a temporary directory, and
PDFs rendered once per session (each render takes about half a second)."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from tests.briefs.factories import ensure_kb, make_assessment, result_for

FAKE_PDF = b"%PDF-1.7\n% fake brief\n"
HOSTILE_NAME = "<script>alert(1)</script><img src=http://x>"
CONSULTANT_LOGIN = "jkim_login7"
DECISION_NOTE = "Start in Shenzhen with <b>hardware</b> partners.\nMove R&D to Hefei later."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def kb(db: None) -> dict[str, Any]:
    from clusters.snapshot import clear_cache

    rows = ensure_kb()
    clear_cache()
    return rows


class _Rollback(Exception):
    pass


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="session")
def rendered(django_db_setup: None, django_db_blocker: Any,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Korean, English and hostile-name briefs, rendered once; the rows roll back after.

    Also collects WeasyPrint's warnings (missing glyphs, refused or failed resources).
    """
    from django.contrib.auth import get_user_model

    from advisor.briefs import fonts
    from advisor.briefs.render import render_brief_pdf, reset_weasy_state
    from advisor.models import DecisionNote, StaffProfile
    from clusters.snapshot import clear_cache

    # The brief's own faces, as make setup builds them (a no-op when they are up to date).
    assert fonts.build() in ("built", "up to date")
    reset_weasy_state()
    out_dir = tmp_path_factory.mktemp("briefs")
    collector = _WarningCollector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    out: dict[str, Any] = {}
    try:
        with django_db_blocker.unblock():
            try:
                with transaction.atomic():
                    ensure_kb()
                    clear_cache()
                    assessment = make_assessment("Sori Labs")
                    hostile = make_assessment(HOSTILE_NAME)
                    # An assessment stored before the engine wrote both languages.
                    old = make_assessment("Sori Labs")
                    old.result = result_for("ko", i18n=False)
                    old.save(update_fields=["result"])
                    consultant = get_user_model().objects.create_user(
                        CONSULTANT_LOGIN, first_name="Ji-hyun", last_name="Kim")
                    StaffProfile.objects.create(
                        user=consultant, name_ko="김지현", name_en="Jihyun Kim",
                        title_ko="수석 컨설턴트", title_en="Senior Consultant")
                    for key, subject, language in (
                        ("ko", assessment, "ko"),
                        ("en", assessment, "en"),
                        ("en_old", old, "en"),
                        ("hostile", hostile, "en"),
                    ):
                        decision = None
                        if key == "en":
                            # The English brief also shows a consultant's note, which
                            # recommends another cluster than the engine's first.
                            decision = DecisionNote.objects.create(
                                assessment=assessment, cluster="gba", city="shenzhen",
                                note=DECISION_NOTE, author=consultant,
                            )
                        pdf = render_brief_pdf(subject, language, decision=decision)
                        path = out_dir / f"{key}.pdf"
                        path.write_bytes(pdf)
                        out[key] = {"pdf": pdf, "path": path, "text": pdftotext(path)}
                    # Leave nothing behind for other test modules.
                    raise _Rollback
            except _Rollback:
                pass
    finally:
        weasy_logger.removeHandler(collector)
        clear_cache()
    out["warnings"] = collector.messages
    return out


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str, Any]]:
    """Count renders; return a tiny stand-in PDF instead of laying out a real one."""
    calls: list[tuple[Any, str, Any]] = []

    def fake(assessment: Any, language: str = "ko", *, decision: Any = None,
             snapshot: Any = None) -> bytes:
        calls.append((assessment.pk, language, decision.pk if decision else None))
        return FAKE_PDF + f"{assessment.pk}/{language}/{len(calls)}".encode()

    from advisor.briefs import service

    monkeypatch.setattr(service, "render_brief_pdf", fake)
    return calls
