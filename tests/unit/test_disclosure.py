"""The disclosure rules on their own: which group figures may be shown, and how exactly."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scan.analytics.disclosure import figures_from_scores, group_figure, widest_disagreements
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
