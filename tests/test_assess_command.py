"""``manage.py assess``: JSON or a table on stdout, --save, and exit 2 on bad input."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from advisor.models import Assessment

INTAKE = {
    "company_name": "Sori Labs", "sector": "ai", "secondary_sectors": ["robotics"],
    "keywords": "speech recognition, 음성인식", "stage": "startup", "language": "ko",
    "needs": {"research": 4, "manufacturing": 0, "market": 3, "capital": 2, "cost": 2,
              "talent": 5, "policy": 2, "openness": 1, "pilot": 1},
    "exclude": ["west_hub"], "minimums": {"cost": 20},
}


def run(*args: str, stdin: str | None = None, monkeypatch=None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("assess", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def intake_file(tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(INTAKE, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_prints_the_ranking_json_and_saves_nothing(snapshot, intake_file):
    out, _err = run(str(intake_file))
    result = json.loads(out)
    assert {e["cluster"] for e in result["ranking"]} | {
        e["cluster"] for e in result["excluded"]
    } == set(snapshot.cluster_codes)
    assert result["dataset_version"] == snapshot.version
    assert "음" in out or "\\u" not in out  # ensure_ascii=False
    assert not Assessment.objects.exists()


def test_it_reads_standard_input(snapshot, monkeypatch):
    out, _err = run("-", stdin=json.dumps(INTAKE), monkeypatch=monkeypatch)
    assert json.loads(out)["language"] == "ko"


def test_table_format_is_readable(snapshot, intake_file, tmp_path):
    out, _err = run(str(intake_file), "--format", "table")
    first = json.loads(run(str(intake_file))[0])["ranking"][0]
    lines = out.splitlines()
    assert first["name"] in lines[2]
    assert f"{first['score']:.1f}" in lines[2]
    assert any("400" in line for line in lines)  # the robustness line
    english = tmp_path / "en.json"
    english.write_text(json.dumps({**INTAKE, "language": "en"}), encoding="utf-8")
    out_en, _err = run(str(english), "--format", "table")
    assert "Rank" in out_en and "Robustness" in out_en


def test_save_stores_one_assessment_and_prints_its_link(snapshot, intake_file):
    out, err = run(str(intake_file), "--save")
    assessment = Assessment.objects.get()
    assert assessment.origin == "cli"
    assert assessment.result == json.loads(out)
    assert f"/r/{assessment.token}/" in err


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({**INTAKE, "sector": "blockchain"}, "sector"),
        ({**INTAKE, "needs": {"talent": 9}}, "needs.talent"),
        ({**INTAKE, "colour": "blue"}, "colour"),
        ([1, 2], "non_field_errors"),
        ("{not json", "non_field_errors"),
    ],
)
def test_bad_input_exits_2_with_the_field_on_stderr(snapshot, tmp_path, content, field):
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content),
                    encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("assess", str(path), stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 2
    assert err.getvalue().startswith(f"{field}: ")
    assert "[" in err.getvalue()  # the code
    assert not Assessment.objects.exists()


def test_a_missing_file_exits_2(snapshot, tmp_path):
    with pytest.raises(CommandError) as info:
        call_command("assess", str(tmp_path / "nope.json"), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert info.value.returncode == 2


def test_pdf_writes_the_brief_without_saving(snapshot, intake_file, tmp_path):
    out_pdf = tmp_path / "brief.pdf"
    _out, err = run(str(intake_file), "--pdf", str(out_pdf))
    assert out_pdf.read_bytes().startswith(b"%PDF")
    assert "brief.pdf" in err
    assert not Assessment.objects.exists()
