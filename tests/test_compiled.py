"""CompiledLookup: a queryset compiled once, run with parameters, same answer as the ORM."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat

from advisor.compiled import CompiledLookup
from advisor.models import Assessment
from tests.briefs.factories import make_assessment

pytestmark = pytest.mark.django_db


def _lookup() -> CompiledLookup[Assessment]:
    return CompiledLookup(
        lambda token, suffix: Assessment.objects.only("id", "company_name", "created_at")
        .annotate(label=Concat(F("company_name"), Value(suffix)))
        .filter(token=token),
        ("token", "suffix"),
    )


def test_a_compiled_lookup_returns_what_the_orm_returns() -> None:
    assessment = make_assessment("Sori Labs")
    make_assessment("Other Co")
    row = _lookup()(token=assessment.token, suffix="!")
    orm = Assessment.objects.get(pk=assessment.pk)
    assert row == {
        "id": orm.pk, "company_name": "Sori Labs", "created_at": orm.created_at,
        "label": "Sori Labs!",
    }


def test_a_compiled_lookup_runs_one_query_per_call_and_compiles_once(
    django_assert_num_queries: Any
) -> None:
    first, second = make_assessment("A Co"), make_assessment("B Co")
    lookup = _lookup()
    lookup(token=first.token, suffix="")
    plan = lookup._plan()
    with django_assert_num_queries(1):
        assert lookup(token=second.token, suffix="?")["label"] == "B Co?"
    assert lookup._plan() is plan


def test_values_are_parameters_never_sql() -> None:
    assessment = make_assessment()
    lookup = _lookup()
    assert lookup(token="' OR '1'='1", suffix="") is None
    assert lookup(token=assessment.token, suffix="'); DROP TABLE x; --")["label"].endswith(
        "'); DROP TABLE x; --"
    )
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_no_row_gives_none() -> None:
    assert _lookup()(token="x" * 30, suffix="") is None


def test_a_queryset_that_ignores_a_placeholder_is_refused() -> None:
    lookup = CompiledLookup(lambda token, unused: Assessment.objects.filter(token=token),
                            ("token", "unused"))
    with pytest.raises(ValueError, match="placeholder"):
        lookup(token="x", unused="y")
