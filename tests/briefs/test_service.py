"""The brief is rendered once per variant, served from storage, and regenerates identically."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from advisor.briefs.render import BRIEF_TEMPLATE_VERSION, render_brief_pdf
from advisor.briefs.service import (
    ascii_filename,
    brief_file,
    brief_filename,
    brief_pdf,
    content_disposition,
)
from advisor.models import BriefFile, DecisionNote
from tests.briefs.factories import make_assessment


def test_the_second_call_is_served_from_storage(kb: Any, renders: list) -> None:
    assessment = make_assessment()
    first = brief_pdf(assessment, "ko")
    second = brief_pdf(assessment, "ko")
    assert first == second
    assert len(renders) == 1
    stored = BriefFile.objects.get()
    assert (stored.language, stored.template_version, stored.decision_id) == (
        "ko", BRIEF_TEMPLATE_VERSION, 0
    )
    assert stored.size == len(first)
    assert stored.file.read() == first


def test_each_language_and_each_decision_note_is_its_own_file(kb: Any, renders: list) -> None:
    assessment = make_assessment()
    brief_pdf(assessment, "ko")
    brief_pdf(assessment, "en")
    brief_pdf(assessment, "EN-us")  # normalised to "en": no new render
    note = DecisionNote.objects.create(assessment=assessment, cluster="gba", note="Shenzhen")
    brief_pdf(assessment, "ko")
    brief_pdf(assessment, "ko")
    assert renders == [
        (assessment.pk, "ko", None), (assessment.pk, "en", None), (assessment.pk, "ko", note.pk)
    ]
    assert BriefFile.objects.count() == 3


def test_a_lost_file_is_rendered_again(kb: Any, renders: list) -> None:
    assessment = make_assessment()
    stored = brief_file(assessment, "ko")
    stored.file.storage.delete(stored.file.name)
    again = brief_file(assessment, "ko")
    assert len(renders) == 2
    assert again.file.storage.exists(again.file.name)
    assert BriefFile.objects.count() == 1


def test_an_unsaved_assessment_is_rendered_but_not_stored(kb: Any, renders: list) -> None:
    assessment = make_assessment(save=False)
    assert brief_pdf(assessment, "ko").startswith(b"%PDF")
    assert len(renders) == 1
    assert BriefFile.objects.count() == 0


def test_file_names_are_korean_with_an_ascii_fallback(kb: Any) -> None:
    assessment = make_assessment("Sori Labs")
    assert brief_filename(assessment, "ko") == "진출브리프_SoriLabs_2026-11-21.pdf"
    assert brief_filename(assessment, "en") == "EntryBrief_SoriLabs_2026-11-21.pdf"
    assert ascii_filename("진출브리프_소리랩스_2026-11-21.pdf") == "EntryBrief_2026-11-21.pdf"
    header = content_disposition("진출브리프_SoriLabs_2026-11-21.pdf")
    assert header == (
        'attachment; filename="EntryBrief_SoriLabs_2026-11-21.pdf"; '
        "filename*=UTF-8''%EC%A7%84%EC%B6%9C%EB%B8%8C%EB%A6%AC%ED%94%84_SoriLabs_2026-11-21.pdf"
    )
    hostile = make_assessment('a"b\r\n<c>/../d; e')
    assert brief_filename(hostile, "en") == "EntryBrief_abcde_2026-11-21.pdf"


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
        check=True,
    ).stdout


def test_regenerating_after_a_knowledge_base_change_gives_the_same_brief(
    kb: Any, tmp_path: Path
) -> None:
    """The recommendation comes from the stored result: editing the scores the ranking
    rested on changes the dataset version, not an old brief."""
    from clusters.models import ClusterSectorStrength, DatasetVersion
    from clusters.snapshot import get_snapshot

    assessment = make_assessment()
    before_version = get_snapshot().version
    before = pdf_text(render_brief_pdf(assessment, "ko"), tmp_path, "before.pdf")

    score = kb["score"]
    score.score = 10
    score.save()
    strength = ClusterSectorStrength.objects.get(cluster=score.cluster, sector__code="ai")
    strength.strength = 1
    strength.save()
    DatasetVersion.objects.update_or_create(pk=1, defaults={"revision": 99})
    assert get_snapshot().version != before_version

    after = pdf_text(render_brief_pdf(assessment, "ko"), tmp_path, "after.pdf")
    assert after == before
