"""Read model of the director dashboard: an organisation's locations (or one location's teams) × dimensions,
with filters, never a person.

Three rules keep every figure a group's figure, whatever filters are combined:
1. a cell shows a mean only when at least ``threshold`` responses are behind it;
2. the rows that are hidden together hold 0 or at least ``threshold`` responses: otherwise the shown total
   minus the shown rows would give a small group away, so the smallest shown rows are hidden as well;
3. a filtered population (a location, a profession) is shown only when the rest of its parent population is
   0 or at least ``threshold`` responses, for the same reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from scan.analytics import RoundInfo, rounds_of
from scan.config import Settings
from scan.questionnaire import Questionnaire
from scan.scoring import t_profile


@dataclass(frozen=True)
class Filters:
    organisation_id: int
    round_id: int
    location_id: int | None = None
    discipline: str | None = None


@dataclass(frozen=True)
class Row:
    """One group (a location, or a team of the chosen location)."""

    label: str
    n: int
    means: dict[str, float] = field(default_factory=dict)  # empty when hidden
    hidden: bool = False


@dataclass(frozen=True)
class DirectorView:
    filters: Filters
    threshold: int
    total: Row
    rows: tuple[Row, ...]
    profiles: dict[str, int]  # T-profile → number of people; empty when the total is hidden
    intensity: dict[str, dict[int, int]]  # partner → current level → number of people
    participation: tuple[tuple[str, int, int], ...]  # group, responses, members


def hide_small_groups(sizes: Sequence[int], threshold: int, forced: Sequence[bool] | None = None) -> list[bool]:
    """Rules 1 and 2: which groups to hide (``forced``: hidden for another reason). Pure, so it can be tested
    on every case."""
    hidden = [n < threshold or bool(forced and forced[k]) for k, n in enumerate(sizes)]
    while 0 < sum(n for n, h in zip(sizes, hidden, strict=True) if h) < threshold:
        shown = [(n, k) for k, (n, h) in enumerate(zip(sizes, hidden, strict=True)) if not h]
        if not shown:
            break
        hidden[min(shown)[1]] = True
    return hidden


def complement_ok(n: int, parent_n: int, threshold: int) -> bool:
    """Rule 3: the part outside the filter is empty or large enough itself."""
    rest = parent_n - n
    return rest == 0 or rest >= threshold


def _population(filters: Filters) -> tuple[str, dict]:
    where = "l.organisation_id = $organisation AND p.round_id = $round"
    params: dict = {"organisation": filters.organisation_id, "round": filters.round_id}
    if filters.location_id is not None:
        where += " AND l.id = $location"
        params["location"] = filters.location_id
    if filters.discipline is not None:
        where += " AND u.discipline = $discipline"
        params["discipline"] = filters.discipline
    return where, params


_FROM = (
    "FROM responses p JOIN users u ON u.id = p.user_id JOIN teams t ON t.id = p.team_id"
    " JOIN locations l ON l.id = t.location_id"
)


def _group_sizes(conn: duckdb.DuckDBPyConnection, filters: Filters, group: str) -> dict[int, tuple[str, int]]:
    where, params = _population(filters)
    rows = conn.execute(f"SELECT {group}, count(*) {_FROM} WHERE {where} GROUP BY ALL ORDER BY 2", params).fetchall()
    return {key: (label, n) for key, label, n in rows}


def _count(conn: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    where, params = _population(filters)
    return conn.execute(f"SELECT count(*) {_FROM} WHERE {where}", params).fetchone()[0]


def director_view(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    settings: Settings,
    filters: Filters,
    *,
    dimensions: Sequence[str],
) -> DirectorView:
    threshold = settings.privacy.cross_team_threshold
    where, params = _population(filters)
    # Rows are locations, or the teams of one chosen location.
    group = "t.id, l.name || ' · ' || t.name" if filters.location_id is not None else "l.id, l.name"
    cells = conn.execute(
        f"""
        SELECT {group}, s.dimension, count(*), avg(s.score)
        {_FROM} JOIN scores s ON s.response_id = p.id
        WHERE {where} AND list_contains($dimensions, s.dimension)
        GROUP BY ALL
        """,
        params | {"dimensions": list(dimensions)},
    ).fetchall()
    sizes = _group_sizes(conn, filters, group)
    means: dict[int, dict[str, tuple[int, float]]] = defaultdict(dict)
    for key, _, dimension, n, mean in cells:
        means[key][dimension] = (n, mean)

    keys = list(sizes)
    if filters.discipline is not None:
        # Each row is also visible without the profession filter: the rest of its row must not be small.
        unfiltered = _group_sizes(conn, Filters(filters.organisation_id, filters.round_id, filters.location_id), group)
        small_rest = [not complement_ok(sizes[k][1], unfiltered.get(k, (None, 0))[1], threshold) for k in keys]
    else:
        small_rest = [False] * len(keys)
    hide = hide_small_groups([sizes[k][1] for k in keys], threshold, forced=small_rest)
    rows = tuple(
        Row(
            label=sizes[k][0],
            n=sizes[k][1],
            means={} if hidden else {d: m for d, (n, m) in means[k].items() if n >= threshold},
            hidden=hidden,
        )
        for k, hidden in zip(keys, hide, strict=True)
    )

    total_n = sum(size for _, size in sizes.values())
    # Every view one filter wider is also on offer: against each, the rest must be empty or large enough.
    wider = [Filters(filters.organisation_id, filters.round_id, None, filters.discipline),
             Filters(filters.organisation_id, filters.round_id, filters.location_id, None)]  # fmt: skip
    total_visible = total_n >= threshold and all(
        complement_ok(total_n, _count(conn, parent), threshold) for parent in wider if parent != filters
    )
    total_means = {}
    profiles: dict[str, int] = {}
    intensity: dict[str, dict[int, int]] = {}
    if total_visible:
        per_person: dict[int, dict[str, float]] = defaultdict(dict)
        for response_id, dimension, score in conn.execute(
            f"SELECT p.id, s.dimension, s.score {_FROM} JOIN scores s ON s.response_id = p.id WHERE {where}", params
        ).fetchall():
            per_person[response_id][dimension] = score
        for dimension in dimensions:
            values = [scores[dimension] for scores in per_person.values() if dimension in scores]
            if len(values) >= threshold:
                total_means[dimension] = sum(values) / len(values)
        for scores in per_person.values():
            profile = t_profile(scores, settings.scoring).profile_id
            if profile:
                profiles[profile] = profiles.get(profile, 0) + 1
        for partner, level, n in conn.execute(
            f"SELECT i.partner_type, i.current_level, count(*) {_FROM} JOIN intensity_answers i"
            f" ON i.response_id = p.id WHERE {where} AND i.current_level IS NOT NULL GROUP BY ALL",
            params,
        ).fetchall():
            intensity.setdefault(partner, {})[level] = n
    total = Row(label="", n=total_n, means=total_means, hidden=not total_visible)

    return DirectorView(
        filters=filters,
        threshold=threshold,
        total=total,
        rows=rows,
        profiles=profiles,
        intensity=intensity,
        participation=_participation(conn, filters),
    )


def _participation(conn: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[tuple[str, int, int], ...]:
    """Responses against members per location (counts only: no scores, no threshold needed)."""
    discipline = " AND u.discipline = $discipline" if filters.discipline else ""
    params = {"organisation": filters.organisation_id, "round": filters.round_id}
    if filters.discipline:
        params["discipline"] = filters.discipline
    rows = conn.execute(
        f"""
        SELECT l.name,
               count(DISTINCT p.id) FILTER (WHERE p.round_id = $round),
               count(DISTINCT m.user_id)
        FROM locations l JOIN teams t ON t.location_id = l.id JOIN memberships m ON m.team_id = t.id
        JOIN users u ON u.id = m.user_id
        LEFT JOIN responses p ON p.user_id = m.user_id AND p.team_id = t.id
        WHERE l.organisation_id = $organisation{discipline}
        GROUP BY l.name ORDER BY l.name
        """,
        params,
    ).fetchall()
    return tuple(rows)


def trend(
    conn: duckdb.DuckDBPyConnection, settings: Settings, organisation_id: int, dimensions: Sequence[str]
) -> list[tuple[RoundInfo, dict[str, float]]]:
    """The organisation's mean per round (from the team aggregates), where a round reaches the threshold."""
    threshold = settings.privacy.cross_team_threshold
    rows = conn.execute(
        """
        SELECT a.round_id, d.name, sum(a.n), sum(a.total) / sum(a.n) FROM team_aggregates a
        JOIN dimensions d ON d.id = a.dimension_id WHERE a.organisation_id = ? GROUP BY ALL
        """,
        [organisation_id],
    ).fetchall()
    means: dict[int, dict[str, float]] = defaultdict(dict)
    for round_id, dimension, n, mean in rows:
        if n >= threshold and dimension in dimensions:
            means[round_id][dimension] = mean
    return [(r, means[r.id]) for r in rounds_of(conn, organisation_id) if means.get(r.id)]
