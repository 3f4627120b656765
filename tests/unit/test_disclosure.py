"""The disclosure rules on their own: which group figures may be shown, and how exactly."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scan.analytics.disclosure import (
    PartChange,
    figures_from_scores,
    group_figure,
    part_changes,
    shown_parts,
    widest_disagreements,
)
from scan.config import PrivacySettings

RULES = PrivacySettings(
    team_threshold=3, cross_team_threshold=5, spread_threshold=5, spread_decimals=1, network_min_profession=3
)
SCORES = st.floats(min_value=1, max_value=5, allow_nan=False)


def moments(values):
    return len(values), sum(values), sum(v * v for v in values)


@given(st.lists(SCORES, min_size=0, max_size=12))
def test_a_group_shows_its_mean_from_the_threshold_and_its_spread_from_the_spread_threshold(values):
    shown = group_figure("d", *moments(values), threshold=RULES.team_threshold, privacy=RULES)
    if len(values) < RULES.team_threshold:
        assert shown is None
        return
    assert shown.n == len(values) and shown.mean == pytest.approx(statistics.fmean(values))
    if len(values) < RULES.spread_threshold:
        assert shown.sd is None
    else:
        assert shown.sd == round(shown.sd, 1)
        assert shown.sd == pytest.approx(statistics.stdev(values), abs=0.05 + 1e-9)
    assert not {"min", "max", "range"} & set(vars(shown))  # a group's lowest and highest never leave here


def test_the_count_is_per_dimension_the_scores_present_not_the_responses():
    # Four people answered; two of them have no score for 'b' (too many 'n.v.t.'): 'b' stays hidden.
    people = [{"a": 2.0, "b": 3.0}, {"a": 4.0, "b": 5.0}, {"a": 3.0}, {"a": 5.0}]
    figures = figures_from_scores(people, threshold=3, privacy=RULES)
    assert set(figures) == {"a"} and figures["a"].n == 4


def test_where_you_differ_most_needs_the_spread():
    three = [{"a": 1.0, "b": 3.0}, {"a": 5.0, "b": 3.0}, {"a": 3.0, "b": 4.0}]
    assert widest_disagreements(figures_from_scores(three, threshold=3, privacy=RULES)) == []
    five = [*three, {"a": 2.0, "b": 3.0}, {"a": 4.0, "b": 2.0}]
    widest = widest_disagreements(figures_from_scores(five, threshold=3, privacy=RULES))
    assert [f.dimension for f in widest] == ["a", "b"]


# ---- c and d over a filter's values: shown_parts --------------------------------------------------------------

LK, PM, OA, IB = "leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider"


@pytest.mark.parametrize(
    ("parts", "threshold", "shown"),
    [
        # Five + five + two: each part alone leaves seven, both together leave the two. One five is hidden with them.
        ({LK: 5, PM: 5, OA: 2}, 3, {PM}),
        ({LK: 5, PM: 5, OA: 2}, 5, {PM}),
        ({LK: 5, PM: 5, OA: 0}, 3, {LK, PM}),  # nobody else: the whole is the two parts
        ({LK: 3, PM: 3, OA: 3, IB: 1}, 3, {OA, PM}),  # the one with the smallest shown part: four hidden
        ({LK: 5, None: 2}, 3, set()),  # two without a profession: the whole minus the teachers would be them
        ({LK: 5, PM: 5, None: 4}, 3, {LK, PM}),
        ({LK: 2, PM: 2}, 3, set()),
    ],
)
def test_the_shown_parts_leave_a_rest_of_zero_or_at_least_the_threshold(parts, threshold, shown):
    assert shown_parts(parts, threshold) == shown


def test_a_part_hidden_for_another_reason_counts_in_the_rest():
    assert shown_parts({LK: 5, PM: 5, OA: 5}, 3, hidden=[OA]) == {LK, PM}
    assert shown_parts({LK: 5, PM: 5, OA: 1}, 3, hidden=[PM]) == {LK}  # hidden: 5 + 1


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (PartChange({LK: 3}), {LK, PM, OA}),  # the teachers moved by k, the others not at all
        (PartChange({LK: 2, PM: 1}), {OA}),  # three came, two and one: both parts hidden, together 3
        (PartChange({LK: 3, OA: 1}), {PM}),  # the one alone would be the whole's change minus the teachers'
        (PartChange({LK: 3}, unknown=1), set()),  # a deleted response may have been anyone's
        (PartChange({LK: 3, PM: 3}, unknown=1), {PM}),  # the others moved by 0 or 1: the teachers go with them
    ],
)
def test_a_part_shows_only_when_it_moved_by_zero_or_at_least_the_step(change, shown):
    assert shown_parts({LK: 6, PM: 6, OA: 6}, 3, changes=[change], step=3) == shown


def test_part_changes_count_per_part_and_deleted_responses_as_unknown():
    profession = {1: LK, 2: LK, 3: PM, 4: PM}
    (change,) = part_changes(frozenset({1, 2, 3, 4}), [frozenset({1, 3, 9})], profession, current={1, 2, 3, 4})
    assert change == PartChange({LK: 1, PM: 1}, unknown=1)  # 2 and 4 came, 9 (deleted) went
    # A dimension's count leaves out a current response without a score for it: it did not move that figure.
    (change,) = part_changes(frozenset({1, 2, 3, 4}), [frozenset({1, 3})], {1: LK, 3: PM, 4: PM}, current={1, 2, 3, 4})
    assert change == PartChange({PM: 1})


SIZES = st.dictionaries(st.sampled_from([LK, PM, OA, IB, None]), st.integers(0, 12), max_size=5)
MOVES = st.lists(
    st.builds(
        PartChange, st.dictionaries(st.sampled_from([LK, PM, OA, IB, None]), st.integers(0, 6)), st.integers(0, 2)
    ),  # fmt: skip
    max_size=3,
)


@given(SIZES, st.integers(1, 6), MOVES, st.integers(1, 6))
def test_whatever_is_shown_no_rest_is_small_and_no_rest_moved_by_too_little(parts, threshold, changes, step):
    shown = shown_parts(parts, threshold, changes=changes, step=step)
    assert None not in shown
    if not shown:  # the whole alone tells nothing about its parts
        return
    rest = sum(n for k, n in parts.items() if k not in shown)
    assert all(parts[k] >= threshold for k in shown)
    assert rest == 0 or rest >= threshold
    for change in changes:
        keys = set(parts) | set(change.known)
        assert all(change.apart(change.known.get(k, 0), step) for k in shown)
        if change.apart(sum(change.known.values()), step):  # the release rule moves the whole so, in the store
            assert change.apart(sum(change.known.get(k, 0) for k in keys - shown), step)
