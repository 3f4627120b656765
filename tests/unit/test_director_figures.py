"""The director view's figures equal the plain SQL aggregates of the people behind them, for every filter."""

from __future__ import annotations

import itertools

import pytest

from scan.analytics.director import Filters, director_view
from scan.report import radar_dimensions
from scan.store import connect

_FROM = (
    "FROM responses p JOIN users u ON u.id = p.user_id JOIN teams t ON t.id = p.team_id"
    " JOIN locations l ON l.id = t.location_id"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from scan.demo import build_demo

    conn = connect(tmp_path_factory.mktemp("figures") / "d.duckdb")
    build_demo(conn, 600, seed=11)
    return conn


def where(filters: Filters) -> tuple[str, list]:
    sql, params = "l.organisation_id = ? AND p.round_id = ?", [filters.organisation_id, filters.round_id]
    if filters.location_id is not None:
        sql, params = sql + " AND l.id = ?", [*params, filters.location_id]
    if filters.discipline is not None:
        sql, params = sql + " AND u.discipline = ?", [*params, filters.discipline]
    return sql, params


def test_rows_totals_intensity_and_participation_are_the_sql_aggregates(demo, questionnaire, config):
    dims = radar_dimensions(questionnaire)
    org = 1
    locations = [
        None,
        *(r[0] for r in demo.execute("SELECT id FROM locations WHERE organisation_id = ?", [org]).fetchall()),
    ]
    rounds = [r[0] for r in demo.execute("SELECT id FROM rounds WHERE organisation_id = ?", [org]).fetchall()]
    checked = 0
    for round_id, location, discipline in itertools.product(rounds, locations, [None, "leerkracht"]):
        filters = Filters(org, round_id, location, discipline)
        view = director_view(demo, questionnaire, config, filters, dimensions=dims)
        sql, params = where(filters)
        label = "l.name || ' · ' || t.name" if location is not None else "l.name"
        sizes = demo.execute(f"SELECT {label}, count(*) {_FROM} WHERE {sql} GROUP BY 1 ORDER BY 1", params).fetchall()
        assert [(row.label, row.n) for row in view.rows] == sizes
        means = {
            (group, dimension): mean
            for group, dimension, mean in demo.execute(
                f"SELECT {label}, s.dimension, avg(s.score) {_FROM} JOIN scores s ON s.response_id = p.id"
                f" WHERE {sql} GROUP BY ALL",
                params,
            ).fetchall()
        }
        for row in view.rows:
            for dimension, mean in row.means.items():
                assert mean == pytest.approx(means[(row.label, dimension)], abs=1e-12)
                checked += 1
        if not view.total.hidden:
            for dimension, mean in view.total.means.items():
                expected = demo.execute(
                    f"SELECT avg(s.score) {_FROM} JOIN scores s ON s.response_id = p.id"
                    f" WHERE {sql} AND s.dimension = ?",
                    [*params, dimension],
                ).fetchone()[0]
                assert mean == pytest.approx(expected, abs=1e-12)
            intensity = demo.execute(
                f"SELECT i.partner_type, i.current_level, count(*) {_FROM} JOIN intensity_answers i"
                f" ON i.response_id = p.id WHERE {sql} AND i.current_level IS NOT NULL GROUP BY ALL",
                params,
            ).fetchall()
            assert {(p, lv, n) for p, levels in view.intensity.items() for lv, n in levels.items()} == set(intensity)
        participation = demo.execute(
            "SELECT l.name, count(DISTINCT p.id) FILTER (WHERE p.round_id = ?), count(DISTINCT m.user_id)"
            " FROM locations l JOIN teams t ON t.location_id = l.id JOIN memberships m ON m.team_id = t.id"
            " JOIN users u ON u.id = m.user_id LEFT JOIN responses p ON p.user_id = m.user_id AND p.team_id = t.id"
            " WHERE l.organisation_id = ?" + (" AND u.discipline = ?" if discipline else "") + " GROUP BY 1 ORDER BY 1",
            [round_id, org, *([discipline] if discipline else [])],
        ).fetchall()
        assert list(view.participation) == participation
    assert checked > 50
