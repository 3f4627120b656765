"""Read model of the director dashboard: an organisation's locations (or one location's teams) × dimensions,
with filters, never a person.

Three rules keep every figure a group's figure, whatever filters are combined:
1. a cell shows a mean only when at least ``threshold`` responses are behind it;
2. the rows that are hidden together hold 0 or at least ``threshold`` responses: otherwise the shown total
   minus the shown rows would give a small group away, so the smallest shown rows are hidden as well;
3. a filtered population (a location, a profession) is shown only when the rest of its parent population is
   0 or at least ``threshold`` responses, for the same reason;
4. every figure comes from the teams' 'board' released sets (disclosure rule d), and a group with a withheld team
   (its released set holds a deleted response) shows none until that team's next release.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import fsum

import duckdb

from scan.analytics import RoundInfo, grouped_aggregates, rounds_of
from scan.analytics.disclosure import ReleaseState, complement_ok, hide_small_groups
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
    n: int  # the released responses behind the figures
    means: dict[str, float] = field(default_factory=dict)  # empty when hidden
    hidden: bool = False
    waiting: int = 0  # responses that came or went since the group's figures were last released
    withheld: bool = False  # a team of the group is withheld (rule 4); hidden as well


@dataclass(frozen=True)
class DirectorView:
    filters: Filters
    threshold: int
    total: Row
    rows: tuple[Row, ...]
    profiles: dict[str, int]  # T-profile → number of people; empty when the total is hidden
    intensity: dict[str, dict[int, int]]  # partner → current level → number of people
    participation: tuple[tuple[str, int, int], ...]  # group, responses, members


T_PROFILE_DIMENSIONS = ("t_vertical", "t_horizontal")  # what scoring.t_profile reads
# The responses of an organisation in a round, for reading their rows in other tables by a semi-join (the
# population's few hundred ids filter the scan; joined, DuckDB builds its hash table on the larger side).
_ORGANISATION_ROUND = (
    "FROM responses p JOIN teams t ON t.id = p.team_id JOIN locations l ON l.id = t.location_id"
    " WHERE l.organisation_id = $organisation AND p.round_id = $round"
)
_FROM = (
    "FROM responses p JOIN users u ON u.id = p.user_id JOIN teams t ON t.id = p.team_id"
    " JOIN locations l ON l.id = t.location_id"
)


@dataclass(frozen=True)
class _Response:
    """One response of the organisation in the round, with what the filters and the rows look at."""

    id: int
    user_id: int
    team_id: int
    team_label: str
    location_id: int
    location: str
    discipline: str | None
    scores: dict[str, float]
    released: bool  # in its team's 'board' released set: its scores count in the figures

    def within(self, location_id: int | None, discipline: str | None) -> bool:
        return (location_id is None or self.location_id == location_id) and (
            discipline is None or self.discipline == discipline
        )


@dataclass(frozen=True)
class _Population:
    """The organisation in the round: every current response, and each team's release state (rule 4)."""

    responses: tuple[_Response, ...]
    states: dict[int, tuple[int, ReleaseState]]  # team → (its location, its 'board' release state)

    def released(self) -> list[_Response]:
        return [r for r in self.responses if r.released]

    def release_of(self, teams: Callable[[int, int], bool], discipline: str | None) -> tuple[int, bool]:
        """(waiting, withheld) of the group of the teams for which ``teams(team, location)`` holds. A deleted
        response's profession is gone with it: it counts as waiting in every profession's figures."""
        chosen = [state for team, (location, state) in self.states.items() if teams(team, location)]
        new = sum(
            1
            for r in self.responses
            if not r.released and teams(r.team_id, r.location_id) and r.within(None, discipline)
        )
        return new + sum(len(s.released - s.current) for s in chosen), any(s.withheld for s in chosen)


def _responses(conn: duckdb.DuckDBPyConnection, filters: Filters, dimensions: Sequence[str]) -> _Population:
    """Every response of the organisation in the round with the scores the view uses: the chosen filter, the
    views one filter wider and the participation are all parts of it (a few hundred people per board, where
    eight queries with four joins each took 60-80 ms at 1,000,000 respondents). Two reads: with the scores
    in a LEFT JOIN DuckDB builds its hash table on the scores, three times slower."""
    params = {"organisation": filters.organisation_id, "round": filters.round_id}
    released: dict[int, tuple[int, set[int]]] = {}
    for team_id, location_id, response_id in conn.execute(
        "SELECT x.team_id, t.location_id, x.response_id FROM released_responses x JOIN teams t ON t.id = x.team_id"
        " JOIN locations l ON l.id = t.location_id"
        " WHERE l.organisation_id = $organisation AND x.round_id = $round AND x.audience = 'board'",
        params,
    ).fetchall():
        released.setdefault(team_id, (location_id, set()))[1].add(response_id)
    shown = {rid for _, ids in released.values() for rid in ids}
    found = {
        row[0]: _Response(*row, scores={}, released=row[0] in shown)
        for row in conn.execute(
            "SELECT p.id, p.user_id, p.team_id, l.name || ' · ' || t.name, l.id, l.name, u.discipline"
            f" {_FROM} WHERE l.organisation_id = $organisation AND p.round_id = $round",
            params,
        ).fetchall()
    }
    for rid, dimension, score in conn.execute(
        "SELECT response_id, dimension, score FROM scores WHERE list_contains($dimensions, dimension)"
        f" AND response_id IN (SELECT p.id {_ORGANISATION_ROUND})",
        params | {"dimensions": sorted({*dimensions, *T_PROFILE_DIMENSIONS})},
    ).fetchall():
        found[rid].scores[dimension] = score
    current: dict[int, tuple[int, set[int]]] = {}
    for r in found.values():
        current.setdefault(r.team_id, (r.location_id, set()))[1].add(r.id)
    states = {
        team: (
            (current.get(team) or released[team])[0],
            ReleaseState(frozenset(current.get(team, (0, set()))[1]), frozenset(released.get(team, (0, set()))[1])),
        )
        for team in current.keys() | released.keys()
    }
    return _Population(tuple(found.values()), states)


def _group_sizes(responses: Sequence[_Response], by_team: bool) -> dict[int, tuple[str, int]]:
    """Rows (a location, or a team of the chosen location) and their numbers of responses, by label."""
    sizes: dict[int, tuple[str, int]] = {}
    for r in responses:
        key, label = (r.team_id, r.team_label) if by_team else (r.location_id, r.location)
        sizes[key] = (label, sizes.get(key, (label, 0))[1] + 1)
    return dict(sorted(sizes.items(), key=lambda item: item[1][0]))


def director_view(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    settings: Settings,
    filters: Filters,
    *,
    dimensions: Sequence[str],
) -> DirectorView:
    threshold = settings.privacy.cross_team_threshold
    population = _responses(conn, filters, dimensions)
    everyone = population.released()
    chosen = [r for r in everyone if r.within(filters.location_id, filters.discipline)]
    rows = _rows(population, filters, threshold, dimensions)

    total_n = len(chosen)
    waiting, withheld = population.release_of(
        lambda _, location: filters.location_id in (None, location), filters.discipline
    )
    # Every view one filter wider is also on offer: against each, the rest must be empty or large enough.
    wider = [(None, filters.discipline), (filters.location_id, None)]
    total_visible = (
        not withheld
        and total_n >= threshold
        and all(
            complement_ok(total_n, sum(r.within(*parent) for r in everyone), threshold)
            for parent in wider
            if parent != (filters.location_id, filters.discipline)
        )
    )
    total_means = {}
    profiles: dict[str, int] = {}
    intensity: dict[str, dict[int, int]] = {}
    if total_visible:
        for dimension in dimensions:
            values = [r.scores[dimension] for r in chosen if dimension in r.scores]
            if len(values) >= threshold:
                total_means[dimension] = fsum(values) / len(values)
        for r in chosen:
            profile = t_profile(r.scores, settings.scoring).profile_id
            if profile:
                profiles[profile] = profiles.get(profile, 0) + 1
        ids = {r.id for r in chosen}
        for rid, partner, level in conn.execute(
            "SELECT response_id, partner_type, current_level FROM intensity_answers WHERE current_level IS NOT NULL"
            f" AND response_id IN (SELECT p.id {_ORGANISATION_ROUND})",
            {"organisation": filters.organisation_id, "round": filters.round_id},
        ).fetchall():
            if rid in ids:
                levels = intensity.setdefault(partner, {})
                levels[level] = levels.get(level, 0) + 1
    total = Row("", total_n, total_means, not total_visible, waiting, withheld)

    return DirectorView(
        filters=filters,
        threshold=threshold,
        total=total,
        rows=rows,
        profiles=profiles,
        intensity=intensity,
        participation=_participation(conn, filters, population.responses),
    )


def _rows(population: _Population, filters: Filters, threshold: int, dimensions: Sequence[str]) -> tuple[Row, ...]:
    """The rows of a view: locations, or the teams of the chosen location (rules 1-4, per dimension).

    A row's mean of a dimension counts the scores present; the cells hidden in a column hold 0 or at least
    ``threshold`` scores, so that the column's total minus the shown cells gives no small group away."""
    everyone = population.released()
    chosen = [r for r in everyone if r.within(filters.location_id, filters.discipline)]
    by_team = filters.location_id is not None
    sizes = _group_sizes(chosen, by_team)
    cells: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in chosen:
        key = r.team_id if by_team else r.location_id
        for dimension in dimensions:
            if dimension in r.scores:
                cells[key][dimension].append(r.scores[dimension])
    keys = list(sizes)
    releases = [
        population.release_of(lambda team, location, k=k: (team if by_team else location) == k, filters.discipline)
        for k in keys
    ]
    if filters.discipline is not None:
        # Each row is also visible without the profession filter: the rest of its row must not be small.
        unfiltered = _group_sizes([r for r in everyone if r.within(filters.location_id, None)], by_team)
        small_rest = [not complement_ok(sizes[k][1], unfiltered.get(k, (None, 0))[1], threshold) for k in keys]
    else:
        small_rest = [False] * len(keys)
    forced = [rest or withheld for rest, (_, withheld) in zip(small_rest, releases, strict=True)]
    hidden_rows = hide_small_groups([sizes[k][1] for k in keys], threshold, forced=forced)
    shown_cells: dict[str, list[bool]] = {
        dimension: [
            not hidden
            for hidden in hide_small_groups([len(cells[k][dimension]) for k in keys], threshold, forced=hidden_rows)
        ]
        for dimension in dimensions
    }
    return tuple(
        Row(
            label=sizes[k][0],
            n=sizes[k][1],
            means={d: fsum(cells[k][d]) / len(cells[k][d]) for d in dimensions if shown_cells[d][i]},
            hidden=hidden_rows[i],
            waiting=releases[i][0],
            withheld=releases[i][1],
        )
        for i, k in enumerate(keys)
    )


def comparison_view(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    organisation_id: int,
    round_id: int,
    *,
    dimensions: Sequence[str],
) -> tuple[Row, ...]:
    """Every team of the organisation in one round, hidden exactly as the board overview hides it when a
    location is chosen there: the two pages never show a different set of groups."""
    threshold = settings.privacy.cross_team_threshold
    population = _responses(conn, Filters(organisation_id, round_id), dimensions)
    locations = sorted({r.location_id for r in population.released()})
    rows = [row for lid in locations for row in _rows(population, Filters(organisation_id, round_id, lid), threshold,
                                                      dimensions)]  # fmt: skip
    return tuple(sorted(rows, key=lambda row: row.label))


def _participation(
    conn: duckdb.DuckDBPyConnection, filters: Filters, responses: Sequence[_Response]
) -> tuple[tuple[str, int, int], ...]:
    """Responses against members per location (counts only: no scores, no threshold needed). A response
    counts when its author is still a member of the team it answered for."""
    members: dict[str, set[int]] = defaultdict(set)
    memberships = set()
    for user, team, location, discipline in conn.execute(
        "SELECT m.user_id, m.team_id, l.name, u.discipline FROM memberships m JOIN teams t ON t.id = m.team_id"
        " JOIN locations l ON l.id = t.location_id JOIN users u ON u.id = m.user_id WHERE l.organisation_id = ?",
        [filters.organisation_id],
    ).fetchall():
        if filters.discipline is None or discipline == filters.discipline:
            members[location].add(user)
            memberships.add((user, team))
    answered = Counter(r.location for r in responses if (r.user_id, r.team_id) in memberships)
    return tuple((location, answered.get(location, 0), len(members[location])) for location in sorted(members))


def trend(
    conn: duckdb.DuckDBPyConnection, settings: Settings, organisation_id: int, dimensions: Sequence[str]
) -> list[tuple[RoundInfo, dict[str, float]]]:
    """The organisation's mean per round (from the team aggregates), where a round reaches the threshold."""
    threshold = settings.privacy.cross_team_threshold
    frame = grouped_aggregates(
        conn, "organisation_id", "a.organisation_id = $organisation", {"organisation": organisation_id}, threshold
    )
    means: dict[int, dict[str, float]] = defaultdict(dict)
    for round_id, dimension, mean, hidden in frame[["round_id", "dimension", "mean", "hidden"]].itertuples(index=False):
        if not hidden and dimension in dimensions:
            means[round_id][dimension] = mean
    return [(r, means[r.id]) for r in rounds_of(conn, organisation_id) if means.get(r.id)]
