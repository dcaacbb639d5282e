"""Properties of the method that must hold for every input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from advisor import text
from advisor.engine import IntakeError, parse_intake, rank
from advisor.engine.intake import FIELDS
from advisor.engine.prepared import prepare
from advisor.engine.ranking import company_concepts
from advisor.engine.scoring import inputs_for, score
from clusters.vocabulary import SECTORS

from . import factory
from .factory import FACTORS

KB = factory.build()  # module level: hypothesis runs many examples against one snapshot

needs_st = st.dictionaries(st.sampled_from(FACTORS), st.integers(0, 5))
intake_st = st.fixed_dictionaries(
    {
        # A name that is still a name after the intake's normalisation (advisor.text): not
        # only invisible or control characters, no NUL or lone surrogate.
        "company_name": st.text(min_size=1, max_size=50).filter(
            lambda s: not text.problem(s) and text.clean_name(s)
        ),
        "sector": st.sampled_from(SECTORS),
    },
    optional={
        "secondary_sectors": st.lists(st.sampled_from(SECTORS), max_size=5, unique=True),
        "keywords": st.sampled_from(["", "drone", "음성인식", "语音识别, LLM", "fuel cell"]),
        "stage": st.sampled_from(["startup", "sme", "large"]),
        "language": st.sampled_from(["ko", "en"]),
        "needs": needs_st,
        # The factory snapshot's codes, not the vocabulary's: the intake is checked against KB.
        "exclude": st.lists(st.sampled_from(tuple(factory.CLUSTER_SCORES)), max_size=9,
                            unique=True),
        "minimums": st.dictionaries(st.sampled_from(FACTORS), st.integers(0, 100), max_size=3),
    },
).map(lambda d: {
    **d, "secondary_sectors": [s for s in d.get("secondary_sectors", []) if s != d["sector"]]
})

cluster_st = st.builds(
    lambda scores, strengths: factory.cluster("new_cluster", tuple(scores), strengths),
    st.lists(st.integers(0, 100), min_size=len(FACTORS), max_size=len(FACTORS)),
    st.dictionaries(st.sampled_from(SECTORS), st.integers(0, 5)),
)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _by_cluster(result):
    ranked = {e["cluster"]: (e["score"], e["sector_fit"], e["needs_fit"], e["contributions"])
              for e in result["ranking"]}
    excluded = {e["cluster"]: e["reason"] for e in result["excluded"]}
    return ranked, excluded


@SETTINGS
@given(data=intake_st, extra=cluster_st)
def test_adding_a_cluster_leaves_the_other_scores_unchanged(data, extra):
    bigger = factory.build(extra=(extra,))
    intake = parse_intake(data, KB)
    ranked, excluded = _by_cluster(rank(intake, KB))
    ranked2, excluded2 = _by_cluster(rank(intake, bigger))
    ranked2.pop("new_cluster", None)
    excluded2.pop("new_cluster", None)
    assert ranked2 == ranked
    assert excluded2 == excluded


def _exact(intake):
    prep = prepare(KB)
    found = [company_concepts(prep, intake)]
    return score(inputs_for([intake], prep, found), prep)


@SETTINGS
@given(data=intake_st, factor=st.sampled_from(FACTORS), raise_by=st.integers(1, 5))
def test_raising_a_need_never_favours_the_cluster_that_scores_lower_on_it(
    data, factor, raise_by
):
    """With weights w and W = sum(w), A's lead over B in needs_fit is sum w_f (a_f - b_f) / W.
    Raising w_f where a_f >= b_f adds (a_f - b_f) >= 0 to the weighted lead: A can never fall
    behind B because of it. (The *mean* lead may shrink as W grows; the order cannot turn.)
    Holds whenever some need is above 0; all-zero needs switch to the default weights."""
    intake = parse_intake(data, KB)
    assume(sum(intake.needs.values()) > 0 and intake.needs[factor] + raise_by <= 5)
    raised = parse_intake({**data, "needs": {**intake.needs,
                                             factor: intake.needs[factor] + raise_by}}, KB)
    before, after = _exact(intake), _exact(raised)
    f = KB.factor_codes.index(factor)
    # The factor scores the intake is judged on: those of its primary sector (§3).
    scores = prepare(KB).sector_scores[KB.sector_codes.index(intake.sector)]
    for a in range(len(KB.clusters)):
        for b in range(len(KB.clusters)):
            if scores[a, f] >= scores[b, f]:
                lead_before = (before.needs_fit[0, a] - before.needs_fit[0, b]) * \
                    before.denominator[0]
                lead_after = (after.needs_fit[0, a] - after.needs_fit[0, b]) * \
                    after.denominator[0]
                assert lead_after >= lead_before - 1e-9
                if before.needs_fit[0, a] >= before.needs_fit[0, b]:
                    assert after.needs_fit[0, a] >= after.needs_fit[0, b] - 1e-9


@SETTINGS
@given(data=intake_st)
def test_any_valid_intake_yields_a_complete_ranking(data):
    intake = parse_intake(data, KB)
    result = rank(intake, KB)
    ranked = [e["cluster"] for e in result["ranking"]]
    excluded = [e["cluster"] for e in result["excluded"]]
    assert sorted(ranked + excluded) == sorted(KB.cluster_codes)
    assert set(excluded) >= set(intake.exclude)
    for item in result["ranking"]:
        for key in ("score", "sector_fit", "needs_fit"):
            assert 0 <= item[key] <= 100
        tenths = sum(round(c["points"] * 10) for c in item["contributions"])
        assert tenths == round(item["needs_fit"] * 10)
    assert 0 <= result["robustness"]["top_share"] <= 1
    assert np.isclose(sum(result["robustness"]["shares"].values()), 1.0 if ranked else 0.0)


json_st = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(data=st.one_of(json_st, st.dictionaries(st.sampled_from([*FIELDS, "other"]), json_st)))
def test_any_input_gives_an_intake_or_field_errors_never_another_exception(data):
    try:
        parse_intake(data, KB)
    except IntakeError as exc:
        assert exc.errors
        for field, errors in exc.errors.items():
            assert isinstance(field, str) and errors
            for error in errors:
                assert set(error) == {"code", "message"} and error["code"] and error["message"]


@SETTINGS
@given(data=intake_st, field=st.sampled_from(FIELDS), bad=json_st)
def test_a_wrong_value_is_reported_under_its_field(data, field, bad):
    broken = {**data, field: bad}
    try:
        parse_intake(broken, KB)
    except IntakeError as exc:
        assert all(name == field or name.startswith(f"{field}.") or name == "secondary_sectors"
                   for name in exc.errors)
