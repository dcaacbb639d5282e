"""The files of tests/data/inputs that are about typed text, through the API and the CLI.

Each is a file that broke the product (see /work/shared/inputs/README.md, copied here): the
test feeds it the way a user did and asserts the right value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader
from rest_framework.test import APIClient

from advisor.models import Assessment

from .conftest import input_json, input_path

pytestmark = pytest.mark.django_db

JAMO = re.compile("[\u1100-\u11ff\u3130-\u318f]")


@pytest.fixture
def api(memory_cache) -> APIClient:
    return APIClient(enforce_csrf_checks=True)


class _BinaryStdin(io.TextIOWrapper):
    """Standard input as a pipe delivers it: bytes underneath (``.buffer``)."""


def assess(*args: str, stdin: bytes | None = None, monkeypatch=None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", _BinaryStdin(io.BytesIO(stdin), encoding="utf-8"))
    call_command("assess", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# -- bom_intake.json ------------------------------------------------------------------------


def test_a_json_body_with_a_byte_order_mark_is_assessed_by_the_api(api):
    body = input_path("bom_intake.json").read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    response = api.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    saved = Assessment.objects.get(token=response.json()["token"])
    assert saved.company_name == "소리랩스"
    assert response.json()["ranking"][0]["rank"] == 1


def test_assess_reads_a_byte_order_mark_on_standard_input(snapshot, monkeypatch):
    body = input_path("bom_intake.json").read_bytes()
    out, _err = assess("-", stdin=body, monkeypatch=monkeypatch)
    ranking = json.loads(out)["ranking"]
    assert ranking[0]["rank"] == 1
    assert "west_hub" not in {entry["cluster"] for entry in ranking}  # the file excludes it


def test_assess_reads_a_byte_order_mark_in_a_file(snapshot):
    out, _err = assess(str(input_path("bom_intake.json")))
    assert json.loads(out)["ranking"][0]["rank"] == 1


# -- kw_middot.json vs kw_comma.json ---------------------------------------------------------


def test_middle_dots_separate_keywords_as_commas_do(snapshot):
    middot = json.loads(assess(str(input_path("kw_middot.json")))[0])
    comma = json.loads(assess(str(input_path("kw_comma.json")))[0])
    assert input_json("kw_middot.json")["keywords"] == "5G·6G·AI"

    def scores(result: dict) -> list[tuple[str, float, float]]:
        return [(e["cluster"], e["score"], e["sector_fit"]) for e in result["ranking"]]

    assert scores(middot) == scores(comma)


@pytest.mark.parametrize("separator", ["·", "ㆍ", "・", "･", "‧", "•", "、", "，"])
def test_every_list_separator_gives_the_comma_result(snapshot, separator):
    from advisor.engine import parse_intake
    from advisor.services import ranking_for

    data = input_json("kw_comma.json")
    comma = ranking_for(parse_intake(data, snapshot), snapshot)
    data["keywords"] = separator.join(["5G", "6G", "AI"])
    other = ranking_for(parse_intake(data, snapshot), snapshot)
    assert [e["score"] for e in other["ranking"]] == [e["score"] for e in comma["ranking"]]


# -- nfd_company.json ------------------------------------------------------------------------


def test_a_decomposed_company_name_is_drawn_as_four_syllables_in_the_brief(snapshot, tmp_path):
    data = input_json("nfd_company.json")
    assert data["company_name"] != "소리랩스"
    assert unicodedata.normalize("NFC", data["company_name"]) == "소리랩스"
    out = tmp_path / "brief.pdf"
    assess(str(input_path("nfd_company.json")), "--pdf", str(out))
    extracted = "".join(page.extract_text() for page in PdfReader(out).pages)
    # Word joiners (U+2060) keep a Korean word on one line; they are not part of the name.
    extracted = extracted.replace("\u2060", "")
    assert "소리랩스" in extracted
    assert not JAMO.search(extracted), JAMO.findall(extracted)[:10]


def test_a_decomposed_company_name_and_keywords_are_stored_composed(api):
    response = api.post(
        "/api/v1/assessments/", input_json("nfd_company.json"), format="json"
    )
    assert response.status_code == 201, response.content
    saved = Assessment.objects.get(token=response.json()["token"])
    assert saved.company_name == "소리랩스"
    assert saved.intake["keywords"] == "음성인식, speech recognition"
    assert unicodedata.is_normalized("NFC", saved.intake["keywords"])


# -- fullwidth.csv values --------------------------------------------------------------------


def _fullwidth_intake() -> dict:
    with input_path("fullwidth.csv").open(encoding="utf-8") as f:
        cells = list(csv.reader(f))[1]
    name, sector, secondary, stage, talent = cells
    assert (sector, secondary, stage, talent) == ("ＡＩ", "ｒｏｂｏｔｉｃｓ", "ｓｍｅ", "４")
    # JSON numbers are numbers: the full-width digit is the spreadsheet's (helper b's) case;
    # here codes, including a factor code used as a key, arrive full-width.
    return {"company_name": name, "sector": sector, "secondary_sectors": [secondary],
            "stage": stage, "needs": {"ｔａｌｅｎｔ": int(talent)}, "exclude": ["ＷＥＳＴ＿ＨＵＢ"],
            "language": "ｋｏ"}


def test_full_width_codes_are_read_by_the_api(api):
    response = api.post("/api/v1/assessments/", _fullwidth_intake(), format="json")
    assert response.status_code == 201, response.content
    intake = Assessment.objects.get(token=response.json()["token"]).intake
    assert intake["sector"] == "ai"
    assert intake["secondary_sectors"] == ["robotics"]
    assert intake["stage"] == "sme"
    assert intake["needs"]["talent"] == 4
    assert intake["exclude"] == ["west_hub"]
    assert intake["language"] == "ko"


def test_full_width_codes_are_read_by_the_cli(snapshot, tmp_path):
    path = tmp_path / "fullwidth.json"
    path.write_text(json.dumps(_fullwidth_intake(), ensure_ascii=False), encoding="utf-8")
    full = json.loads(assess(str(path))[0])
    ascii_path = tmp_path / "ascii.json"
    ascii_path.write_text(json.dumps(
        {"company_name": "소리랩스", "sector": "ai", "secondary_sectors": ["robotics"],
         "stage": "sme", "needs": {"talent": 4}, "exclude": ["west_hub"], "language": "ko"}
    ), encoding="utf-8")
    assert full == json.loads(assess(str(ascii_path))[0])


def test_one_factor_given_full_width_and_ascii_is_listed_twice(api):
    body = {"company_name": "A", "sector": "ai", "needs": {"talent": 3, "ｔａｌｅｎｔ": 4}}
    response = api.post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["needs.ｔａｌｅｎｔ"][0]["code"] == "duplicate"


# -- surrogate_keywords.json and NUL ---------------------------------------------------------


def test_a_lone_surrogate_is_a_400_naming_the_field_and_saves_nothing(api):
    body = input_path("surrogate_keywords.json").read_bytes()
    assert b"\\ud800" in body
    response = api.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["keywords"]
    assert errors["keywords"][0]["code"] == "invalid_character"
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("company_name", "Sori\u0000Labs"), ("keywords", "a\u0000b"), ("sector", "a\u0000i"),
     ("stage", "\ud800"), ("secondary_sectors", ["rob\udc00otics"])],
)
def test_nul_and_surrogates_are_refused_in_every_field(api, field, value):
    # json.dumps escapes the surrogate (\ud800), as a client's JSON library does.
    body = json.dumps({"company_name": "Sori Labs", "sector": "ai", field: value})
    response = api.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field][0]["code"] in {"nul_character", "invalid_character"}
    assert Assessment.objects.count() == 0


def test_a_surrogate_in_an_unknown_key_is_echoed_safely(api):
    body = b'{"company_name": "A", "sector": "ai", "needs": {"x\\ud800": 3}, "y\\udc00": 1}'
    response = api.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"needs.x\ufffd", "y\ufffd"}


def test_the_cli_refuses_a_surrogate_with_exit_status_2(snapshot, capsys):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("assess", str(input_path("surrogate_keywords.json")), stderr=err)
    assert info.value.returncode == 2
    assert "keywords:" in err.getvalue() and "[invalid_character]" in err.getvalue()


def test_invisible_characters_leave_the_stored_name_and_keywords(api):
    body = {"company_name": "\u202eSori\u200b Labs\x1b", "sector": "ai",
            "keywords": "speech\u200b recognition,\u2066 음성인식\u2069"}
    response = api.post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 201, response.content
    saved = Assessment.objects.get(token=response.json()["token"])
    assert saved.company_name == "Sori Labs"
    assert saved.intake["keywords"] == "speech recognition, 음성인식"
