"""The director dashboard's privacy rules, on every filter combination of a demo organisation."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scan.analytics.director import Filters, director_view
from scan.analytics.disclosure import hide_small_groups
from scan.report import radar_dimensions
from scan.store import connect

THRESHOLD = 5


@given(st.lists(st.integers(0, 30), max_size=12), st.integers(1, 8))
def test_hidden_groups_never_form_a_small_remainder(sizes, threshold):
    hidden = hide_small_groups(sizes, threshold)
    assert all(n >= threshold for n, h in zip(sizes, hidden, strict=True) if not h)
    remainder = sum(n for n, h in zip(sizes, hidden, strict=True) if h)
    assert remainder == 0 or remainder >= threshold or all(hidden)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, questionnaire):
    from scan.demo import build_demo

    conn = connect(tmp_path_factory.mktemp("director") / "d.duckdb")
    build_demo(conn, 600, seed=11)
    return conn


def test_no_filter_combination_shows_a_group_under_five(demo, questionnaire, config):
    dims = radar_dimensions(questionnaire)
    org = 1
    locations = [
        None,
        *(r[0] for r in demo.execute("SELECT id FROM locations WHERE organisation_id = ?", [org]).fetchall()),
    ]
    disciplines = [None, *(d.id for d in config.disciplines)]
    rounds = [r[0] for r in demo.execute("SELECT id FROM rounds WHERE organisation_id = ?", [org]).fetchall()]
    sizes = {}

    def size(location, discipline, round_id):
        key = (location, discipline, round_id)
        if key not in sizes:
            where = "l.organisation_id = ? AND p.round_id = ?"
            params = [org, round_id]
            if location is not None:
                where, params = where + " AND l.id = ?", [*params, location]
            if discipline is not None:
                where, params = where + " AND u.discipline = ?", [*params, discipline]
            sizes[key] = demo.execute(
                "SELECT count(*) FROM responses p JOIN users u ON u.id = p.user_id JOIN teams t ON t.id = p.team_id"
                f" JOIN locations l ON l.id = t.location_id WHERE {where}", params
            ).fetchone()[0]  # fmt: skip
        return sizes[key]

    shown_views = 0
    for round_id, location, discipline in itertools.product(rounds, locations, disciplines):
        view = director_view(demo, questionnaire, config, Filters(org, round_id, location, discipline), dimensions=dims)
        assert view.total.n == size(location, discipline, round_id)
        if view.total.hidden:
            assert not view.total.means and not view.profiles and not view.intensity
            assert all(not row.means for row in view.rows)
            continue
        shown_views += 1
        assert view.total.n >= THRESHOLD
        # Against every view one filter wider, the rest is empty or a group of five or more.
        for wider in ((None, discipline), (location, None)):
            if wider != (location, discipline):
                rest = size(*wider, round_id) - view.total.n
                assert rest == 0 or rest >= THRESHOLD
        remainder = sum(row.n for row in view.rows if row.hidden)
        assert remainder == 0 or remainder >= THRESHOLD
        for row in view.rows:
            assert row.hidden or row.n >= THRESHOLD
            assert not (row.hidden and row.means)
        assert sum(view.profiles.values()) <= view.total.n
    assert shown_views > 10  # the rules leave a useful dashboard, not an empty one


def test_the_comparison_hides_exactly_what_the_board_overview_hides(demo, questionnaire, config):
    """Per team and dimension, the comparison page and the board overview (a location chosen) show the same
    means; a location's total minus its shown teams never leaves a column's hidden part under five scores."""
    from scan.analytics.director import comparison_view

    dims = radar_dimensions(questionnaire)
    org = 1
    rounds = [r[0] for r in demo.execute("SELECT id FROM rounds WHERE organisation_id = ?", [org]).fetchall()]
    locations = [r[0] for r in demo.execute("SELECT id FROM locations WHERE organisation_id = ?", [org]).fetchall()]
    hidden_somewhere = 0
    for round_id in rounds:
        compared = {row.label: row for row in comparison_view(demo, config, org, round_id, dimensions=dims)}
        overview = {}
        for location in locations:
            view = director_view(demo, questionnaire, config, Filters(org, round_id, location), dimensions=dims)
            overview |= {row.label: row for row in view.rows}
            for d in dims:
                # The location's scores for d that are not in a shown team cell: 0 or at least five.
                shown = sum(row.n for row in view.rows if d in row.means)
                total = sum(row.n for row in view.rows)
                assert total - shown == 0 or total - shown >= THRESHOLD or not view.rows
        assert compared.keys() == overview.keys()
        for label, row in compared.items():
            assert row.means == overview[label].means and row.hidden == overview[label].hidden
            hidden_somewhere += row.hidden or len(row.means) < len(dims)
    assert hidden_somewhere, "the demo should have small teams to hide"
