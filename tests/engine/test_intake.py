"""parse_intake: one validation for every entry point; errors name the field and a code."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from advisor.engine import NEED_DEFAULT, IntakeError, parse_intake
from advisor.engine.method import need_default

from .factory import intake_data


def errors_of(data: object, kb) -> dict[str, list[str]]:
    with pytest.raises(IntakeError) as info:
        parse_intake(data, kb)
    return {field: [e["code"] for e in errs] for field, errs in info.value.errors.items()}


def test_it_accepts_the_design_example(kb):
    intake = parse_intake(intake_data(), kb)
    assert intake.company_name == "Sori Labs"
    assert intake.secondary_sectors == ("robotics",)
    assert intake.needs["talent"] == 5
    assert intake.exclude == ("west_hub",)
    assert dict(intake.minimums) == {"cost": 30}


def test_missing_needs_take_the_documented_default(kb):
    intake = parse_intake({"company_name": "A", "sector": "ai", "needs": {"talent": 5}}, kb)
    assert intake.needs["talent"] == 5
    assert all(intake.needs[f] == need_default(f) for f in kb.factor_codes if f != "talent")
    assert need_default("research") == NEED_DEFAULT
    assert list(intake.needs) == list(kb.factor_codes)


def test_optional_fields_have_defaults(kb):
    intake = parse_intake({"company_name": "  A  ", "sector": "ai"}, kb)
    assert intake.company_name == "A"
    assert intake.stage == "startup"
    assert intake.language == "ko"
    assert intake.keywords == ""
    assert intake.secondary_sectors == () and intake.exclude == ()
    assert dict(intake.minimums) == {}


def test_to_dict_round_trips(kb):
    intake = parse_intake(intake_data(), kb)
    assert parse_intake(intake.to_dict(), kb) == intake
    assert intake.to_dict()["needs"]["manufacturing"] == 0


def test_numpy_integers_from_a_spreadsheet_are_fine(kb):
    intake = parse_intake(intake_data(needs={"talent": np.int64(4)}), kb)
    assert intake.needs["talent"] == 4
    assert type(intake.needs["talent"]) is int


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"company_name": ""}, "company_name", "required"),
        ({"company_name": "   "}, "company_name", "required"),
        ({"company_name": None}, "company_name", "required"),
        ({"company_name": "x" * 201}, "company_name", "too_long"),
        ({"company_name": 12}, "company_name", "invalid_type"),
        ({"sector": None}, "sector", "required"),
        ({"sector": "blockchain"}, "sector", "unknown_sector"),
        ({"sector": ["ai"]}, "sector", "unknown_sector"),
        ({"secondary_sectors": ["ai"]}, "secondary_sectors", "same_as_primary"),
        ({"secondary_sectors": ["robotics", "robotics"]}, "secondary_sectors", "duplicate"),
        ({"secondary_sectors": ["nope"]}, "secondary_sectors", "unknown_sector"),
        ({"secondary_sectors": "robotics"}, "secondary_sectors", "invalid_type"),
        ({"secondary_sectors": [1]}, "secondary_sectors", "invalid_type"),
        ({"secondary_sectors": ["ev", "drones", "solar", "quantum", "telecom", "fintech"]},
         "secondary_sectors", "too_many"),
        ({"keywords": "k" * 501}, "keywords", "too_long"),
        ({"keywords": ["a"]}, "keywords", "invalid_type"),
        ({"stage": "unicorn"}, "stage", "invalid_choice"),
        ({"language": "zh"}, "language", "invalid_choice"),
        ({"needs": {"talent": 6}}, "needs.talent", "out_of_range"),
        ({"needs": {"talent": -1}}, "needs.talent", "out_of_range"),
        ({"needs": {"talent": True}}, "needs.talent", "invalid_type"),
        ({"needs": {"talent": 2.5}}, "needs.talent", "not_integer"),
        ({"needs": {"talent": 3.0}}, "needs.talent", "not_integer"),
        ({"needs": {"talent": "3"}}, "needs.talent", "invalid_type"),
        ({"needs": {"talent": None}}, "needs.talent", "invalid_type"),
        ({"needs": {"luck": 3}}, "needs.luck", "unknown_factor"),
        ({"needs": [3, 3]}, "needs", "invalid_type"),
        ({"exclude": ["atlantis"]}, "exclude", "unknown_cluster"),
        ({"exclude": ["jjj", "jjj"]}, "exclude", "duplicate"),
        ({"exclude": {"jjj": True}}, "exclude", "invalid_type"),
        ({"minimums": {"cost": 101}}, "minimums.cost", "out_of_range"),
        ({"minimums": {"cost": "50"}}, "minimums.cost", "invalid_type"),
        ({"minimums": {"weather": 50}}, "minimums.weather", "unknown_factor"),
        ({"minimums": 50}, "minimums", "invalid_type"),
        ({"colour": "blue"}, "colour", "unknown_field"),
    ],
)
def test_it_names_the_field_and_a_stable_code(kb, overrides, field, code):
    assert code in errors_of(intake_data(**overrides), kb)[field]


@pytest.mark.parametrize("data", [None, [], "intake", 3, ["company_name"]])
def test_anything_but_an_object_is_a_non_field_error(kb, data):
    assert errors_of(data, kb) == {"non_field_errors": ["invalid_type"]}


def test_it_reports_every_problem_at_once(kb):
    errors = errors_of({"sector": "x", "needs": {"talent": 9, "luck": 1}}, kb)
    assert set(errors) == {"company_name", "sector", "needs.talent", "needs.luck"}


def test_messages_follow_the_active_language(kb):
    data = intake_data(company_name="")
    with translation.override("en"), pytest.raises(IntakeError) as info:
        parse_intake(data, kb)
    assert info.value.errors["company_name"][0]["message"] == "This field is required."
    with translation.override("ko"), pytest.raises(IntakeError) as info:
        parse_intake(data, kb)
    # Django's own catalogue translates this msgid into Korean.
    assert info.value.errors["company_name"][0]["message"] != "This field is required."
