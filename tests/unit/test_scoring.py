"""Scoring invariants, checked on generated answer sets (hypothesis) and on hand-made cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan.config import ScoringSettings
from scan.scoring import (
    BLIND_SPOT,
    HIDDEN_STRENGTH,
    score_answers,
    score_matrix,
    self_team_gaps,
    strengths_and_focus,
    summary_from_moments,
    t_profile,
)
from scan.validation import InvalidInput, validate_answers

ANSWER = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@st.composite
def answer_sets(draw, questionnaire):
    """Any mix of answered, skipped (key absent) and 'not applicable' (None) items."""
    answers = {}
    for item in questionnaire.items:
        if draw(st.booleans()) or draw(st.booleans()):
            answers[item.id] = draw(ANSWER)
    return answers


def answered_share(questionnaire, answers, sub):
    return sum(answers.get(i.id) is not None for i in sub.items) / len(sub.items)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_scores_follow_the_rules(data, questionnaire, model, config):
    answers = data.draw(answer_sets(questionnaire))
    scores = score_answers(model, answers)
    for sub in questionnaire.subdimensions:
        share = answered_share(questionnaire, answers, sub)
        assert (sub.id in scores) == (share >= config.scoring.min_answered_ratio)
        if sub.id in scores:
            values = [
                6 - answers[i.id] if i.reverse else answers[i.id] for i in sub.items if answers.get(i.id) is not None
            ]
            assert scores[sub.id] == pytest.approx(sum(values) / len(values))
            assert 1 <= scores[sub.id] <= 5
    for construct in questionnaire.constructs:
        parts = [s.id for s in construct.subdimensions]
        assert (construct.id in scores) == all(p in scores for p in parts)
        if construct.id in scores:
            assert scores[construct.id] == pytest.approx(np.mean([scores[p] for p in parts]))


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_matrix_and_single_respondent_agree(data, questionnaire, model):
    sets = [data.draw(answer_sets(questionnaire)) for _ in range(4)]
    matrix = score_matrix(model, np.vstack([model.to_matrix(a) for a in sets]))
    for row, answers in zip(matrix, sets, strict=True):
        single = score_answers(model, answers)
        for dim, value in zip(model.dimension_ids, row, strict=True):
            assert (dim in single) == (not math.isnan(value))
            if dim in single:
                assert single[dim] == pytest.approx(value)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_raising_an_answer_never_lowers_its_score(data, questionnaire, model):
    answers = data.draw(answer_sets(questionnaire))
    item = data.draw(st.sampled_from(questionnaire.items))
    low = data.draw(st.integers(1, 4))
    before = score_answers(model, {**answers, item.id: low})
    after = score_answers(model, {**answers, item.id: low + 1})
    for dim in (item.subdimension_id, item.construct_id):
        if dim in before:
            if item.reverse:
                assert after[dim] <= before[dim]
            else:
                assert after[dim] >= before[dim]


def test_seventy_five_percent_rule_on_a_four_item_subdimension(questionnaire, model):
    sub = next(s for s in questionnaire.subdimensions if len(s.items) == 4)
    three = {i.id: 4 for i in sub.items[:3]}
    two = {i.id: 4 for i in sub.items[:2]}
    assert sub.id in score_answers(model, three)
    assert sub.id not in score_answers(model, two)
    assert sub.id not in score_answers(model, {**two, sub.items[2].id: None})  # "not applicable" is unanswered


def test_reverse_items_are_flipped(questionnaire, model):
    sub = next(s for s in questionnaire.subdimensions if any(i.reverse for i in s.items))
    answers = {i.id: (1 if i.reverse else 5) for i in sub.items}
    assert score_answers(model, answers)[sub.id] == 5


@pytest.mark.parametrize(
    ("depth", "breadth", "profile"),
    [(4.0, 4.0, "t_shaped"), (4.0, 2.0, "i_shaped"), (2.0, 4.0, "generalist"), (2.0, 2.0, "developing"),
     (3.5, 3.5, "t_shaped"), (3.49, 3.5, "generalist")],
)  # fmt: skip
def test_t_profile_thresholds(depth, breadth, profile, config):
    result = t_profile({"t_vertical": depth, "t_horizontal": breadth}, config.scoring)
    assert result.profile_id == profile
    assert t_profile({"t_vertical": depth}, config.scoring).profile_id is None


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_strengths_and_focus_are_extremes_and_disjoint(data, questionnaire, model):
    answers = data.draw(answer_sets(questionnaire))
    strong, focus = strengths_and_focus(model, answers)
    given_ = [i for i in questionnaire.items if answers.get(i.id) is not None]
    assert len(strong) == min(3, len(given_))
    assert not {s.item_id for s in strong} & {f.item_id for f in focus}
    if strong and focus:
        assert min(s.value for s in strong) >= max(f.value for f in focus)


@given(
    own=st.floats(1, 5),
    team=st.floats(1, 5),
)
def test_blind_spot_and_hidden_strength_beyond_a_third_of_the_range(own, team):
    scoring = ScoringSettings(0.75, 3.5, 3.5, 1 / 3)
    (gap,) = self_team_gaps({"netwerk": own}, {"netwerk": team}, 4, scoring)
    if own - team > 4 / 3:
        assert gap.kind == BLIND_SPOT
    elif team - own > 4 / 3:
        assert gap.kind == HIDDEN_STRENGTH
    else:
        assert gap.kind is None


@given(st.lists(st.floats(1, 5), min_size=1, max_size=40))
def test_moments_give_mean_and_sample_sd(values):
    arr = np.array(values)
    summary = summary_from_moments(len(arr), float(arr.sum()), float((arr**2).sum()))
    assert summary.mean == pytest.approx(arr.mean())
    if len(arr) > 1:
        assert summary.sd == pytest.approx(arr.std(ddof=1), abs=1e-6)
    else:
        assert summary.sd is None


def test_out_of_range_and_unknown_items_are_refused(questionnaire):
    first = questionnaire.items[0].id
    for bad in (0, 6, 2.5, "4", True):
        with pytest.raises(InvalidInput) as info:
            validate_answers(questionnaire, {first: bad})
        assert info.value.problems[0].code == "out_of_range"
    with pytest.raises(InvalidInput) as info:
        validate_answers(questionnaire, {"no_such_item": 3})
    assert info.value.problems[0].code == "unknown_item"
