"""``manage.py assess FILE.json --pdf OUT.pdf`` writes the brief, saved or not."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from advisor.models import Assessment, BriefFile
from tests.briefs.factories import intake_for

pytest.importorskip("advisor.services")


@pytest.mark.django_db
def test_assess_pdf_renders_an_unsaved_assessment_without_storing_it(tmp_path: Path) -> None:
    source = tmp_path / "intake.json"
    source.write_text(json.dumps(intake_for("Sori Labs")), encoding="utf-8")
    out = tmp_path / "brief.pdf"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("assess", str(source), "--pdf", str(out), stdout=stdout, stderr=stderr)
    assert f"pdf: {out}" in stderr.getvalue()
    reader = PdfReader(out)
    assert 3 <= len(reader.pages) <= 10
    assert "Sori Labs" in reader.metadata.title
    assert Assessment.objects.count() == 0 and BriefFile.objects.count() == 0
