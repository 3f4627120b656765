"""Read model of the director dashboard: an organisation's locations (or one location's teams) × dimensions,
with filters, never a person.

Five rules keep every figure a group's figure, whatever filters are combined. The groups are the organisation,
its locations and its teams, each whole or narrowed to one profession; which of them show is decided once for the
organisation and round (``_visibility``), and every view, the comparison page and the Excel download only look it
up, so a group hidden anywhere is hidden everywhere:
1. a group shows a mean only when at least ``threshold`` responses (per dimension: scores) are behind it;
2. every division of a shown group that some view shows (the organisation into locations, a location into
   teams, and each of them, narrowed to a profession or not, into professions) hides parts that together hold
   0 or at least ``threshold``: otherwise the shown whole minus the shown parts would give a small group away,
   so the smallest shown parts are hidden as well (disclosure.hide_small_groups, and shown_parts for the
   professions, which also keeps their parts from moving by fewer than ``threshold`` responses between releases);
3. a hidden group hides its parts: the organisation's hidden profession is hidden in every location and team,
   a hidden location or location × profession in all its teams. Otherwise the parts would add up to it;
4. no such division hides exactly one non-empty part (``_hide_lone_parts``): the whole minus the shown parts
   would be that part, and a cell of the location × profession table hidden in one direction would be worked
   out in the other;
5. every figure comes from the teams' 'board' released sets (disclosure rule d), and a group with a withheld team
   (its released set holds a deleted response) shows none until that team's next release.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import fsum

import duckdb

from scan.analytics import RoundInfo, grouped_aggregates, rounds_of
from scan.analytics.disclosure import (
    PartChange,
    ReleaseState,
    hide_small_groups,
    part_changes,
    release_steps,
    shown_parts,
)
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
    withheld: bool = False  # a team of the group is withheld (rule 5); hidden as well


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
    """The organisation in the round: every current response, and each team's release state (rule 5)."""

    responses: tuple[_Response, ...]
    states: dict[int, tuple[int, ReleaseState]]  # team → (its location, its 'board' release state)
    history: dict[int, list[frozenset[int]]]  # team → every set its 'board' figures were released as

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
    # A team's earlier sets count even when it has no responses left: its parts moved all the same.
    history: dict[int, tuple[int, dict[int, set[int]]]] = {}
    for team_id, location_id, number, response_id in conn.execute(
        "SELECT x.team_id, t.location_id, x.release_no, x.response_id FROM release_history x"
        " JOIN teams t ON t.id = x.team_id JOIN locations l ON l.id = t.location_id"
        " WHERE l.organisation_id = $organisation AND x.round_id = $round AND x.audience = 'board'",
        params,
    ).fetchall():
        history.setdefault(team_id, (location_id, {}))[1].setdefault(number, set()).add(response_id)
    current: dict[int, tuple[int, set[int]]] = {}
    for r in found.values():
        current.setdefault(r.team_id, (r.location_id, set()))[1].add(r.id)
    states = {
        team: (
            (current.get(team) or released.get(team) or history[team])[0],
            ReleaseState(frozenset(current.get(team, (0, set()))[1]), frozenset(released.get(team, (0, set()))[1])),
        )
        for team in current.keys() | released.keys() | history.keys()
    }
    releases = {team: [frozenset(sets[k]) for k in sorted(sets)] for team, (_, sets) in history.items()}
    return _Population(tuple(found.values()), states, releases)


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
    visible = _visibility(population, threshold, release_steps(settings.privacy)["board"], dimensions)
    chosen = [r for r in population.released() if r.within(filters.location_id, filters.discipline)]
    rows = _rows(population, visible, filters, dimensions)

    total_n = len(chosen)
    waiting, withheld = population.release_of(
        lambda _, location: filters.location_id in (None, location), filters.discipline
    )
    group = (filters.location_id, None, filters.discipline)
    total_visible = group in visible.groups
    total_means = {}
    profiles: dict[str, int] = {}
    intensity: dict[str, dict[int, int]] = {}
    if total_visible:
        for dimension in dimensions:
            values = [r.scores[dimension] for r in chosen if dimension in r.scores]
            if group in visible.by_dimension[dimension]:
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


Group = tuple[int | None, int | None, str | None]  # (location, team, profession); None: all of them


@dataclass(frozen=True)
class _Visibility:
    """The groups of the organisation in the round whose figures show: by their responses (the group itself,
    its profiles and intensity) and per dimension (its mean, by the scores present)."""

    groups: frozenset[Group]
    by_dimension: dict[str, frozenset[Group]]


def _visibility(population: _Population, threshold: int, step: int, dimensions: Sequence[str]) -> _Visibility:
    """Rules 1-5 for every group at once. A dimension's groups are also groups by their responses: hiding a group
    that satisfies the rules for a count never breaks them for the other groups of that count."""
    groups = _shown_groups(population, threshold, step, lambda r: True)
    by_dimension = {
        d: groups & _shown_groups(population, threshold, step, lambda r, d=d: d in r.scores) for d in dimensions
    }
    return _Visibility(groups, by_dimension)


def _shown_groups(
    population: _Population, threshold: int, step: int, counts: Callable[[_Response], bool]
) -> frozenset[Group]:
    """The groups that may show, for one count (``counts``: whether a response counts, e.g. has a score for a
    dimension). From the organisation down, so that a group's parts are decided after it (rule 3)."""
    released = [r for r in population.released() if counts(r)]
    profession = {r.id: r.discipline for r in population.responses if counts(r)}
    current = {r.id for r in population.responses}
    changes: dict[int, list[PartChange]] = {
        team: part_changes(state.shown, population.history.get(team, []), profession, current)
        for team, (_, state) in population.states.items()
    }
    teams_of: dict[int, list[int]] = defaultdict(list)
    for team, (location, _) in sorted(population.states.items()):
        teams_of[location].append(team)
    sizes: Counter[Group] = Counter()
    parts: dict[tuple[int | None, int | None], Counter] = defaultdict(Counter)  # a place's professions
    for r in released:
        for place in ((None, None), (r.location_id, None), (r.location_id, r.team_id)):
            sizes.update({(*place, p) for p in (None, r.discipline)})
            parts[place][r.discipline] += 1
    names = sorted({r.discipline for r in released if r.discipline is not None})
    shown: set[Group] = {(None, None, None)} if sizes[None, None, None] >= threshold else set()

    def professions(place: tuple[int | None, int | None], teams: Sequence[int], wider: Group | None) -> None:
        """Rule 2 (and d) over the professions of a shown place; a profession hidden in the wider place stays
        hidden here (rule 3)."""
        if (*place, None) not in shown:
            return
        hidden = [p for p in names if wider is not None and (*wider[:2], p) not in shown]
        found = shown_parts(parts[place], threshold, changes=[c for t in teams for c in changes[t]], step=step,
                            hidden=hidden)  # fmt: skip
        shown.update((*place, p) for p in found)

    def divide(parent: Group, places: Sequence[Group], allowed: Callable[[Group], bool]) -> None:
        """Rule 2 for a division into places: the hidden ones together hold 0 or at least the threshold."""
        hidden = hide_small_groups(
            [sizes[p] for p in places], threshold, [parent not in shown or not allowed(p) for p in places]
        )
        for place, out in zip(places, hidden, strict=True):
            (shown.discard if out else shown.add)(place)

    everyone = [t for teams in teams_of.values() for t in teams]
    professions((None, None), everyone, None)
    divide((None, None, None), [(loc, None, None) for loc in teams_of], lambda part: True)
    for location, teams in teams_of.items():
        professions((location, None), teams, (None, None, None))
    for name in names:  # a profession's locations: only those its own parts allow, hidden together enough
        divide((None, None, name), [(loc, None, name) for loc in teams_of], lambda part: part in shown)
    for location, teams in teams_of.items():
        divide((location, None, None), [(location, t, None) for t in teams], lambda part: True)
        for team in teams:
            professions((location, team), [team], (location, None, None))
        for name in names:
            divide((location, None, name), [(location, t, name) for t in teams], lambda part: part in shown)
    _hide_lone_parts(shown, sizes, parts, teams_of, names)
    # A group with a withheld team shows nothing until that team's next release (rule 5); its parts without
    # that team do not change meanwhile, and with one of its parts hidden, they do not add up to it.
    withheld = {team for team, (_, state) in population.states.items() if state.withheld}
    return frozenset(g for g in shown if not any(_holds(g, team, population.states[team][0]) for team in withheld))


def _hide_lone_parts(
    shown: set[Group],
    sizes: Counter[Group],
    parts: dict[tuple[int | None, int | None], Counter],
    teams_of: dict[int, list[int]],
    names: Sequence[str],
) -> None:
    """Rule 4: a shown group divided one way never hides exactly one non-empty part, for the whole minus the
    shown parts is that part. Locations × professions (and a location's teams × professions) form a table with
    both margins shown: a cell hidden in its location's professions but alone in its profession's locations is
    organisation[P] minus the shown location[P] rows, and then its location minus its other shown cells gives
    the small group it was hidden for. The smallest shown part is hidden with it (with its own parts, rule 3),
    over every line until none changes; hiding a part of at least the threshold never breaks rules 1 and 2."""
    lines: list[tuple[Group, list[Group], int]] = [((None, None, None), [(loc, None, None) for loc in teams_of], 0)]
    places = [(None, None), *((loc, None) for loc in teams_of)]
    places += [(loc, team) for loc, teams in teams_of.items() for team in teams]
    lines += [((*place, None), [(*place, p) for p in names], parts[place][None]) for place in places]
    for loc, teams in teams_of.items():
        lines.append(((loc, None, None), [(loc, team, None) for team in teams], 0))
        lines += [((loc, None, p), [(loc, team, p) for team in teams], 0) for p in names]
    lines += [((None, None, p), [(loc, None, p) for loc in teams_of], 0) for p in names]

    def hide(group: Group) -> None:
        shown.difference_update({g for g in shown if all(a is None or a == b for a, b in zip(group, g, strict=True))})

    changed = True
    while changed:
        changed = False
        for parent, line, unnamed in lines:
            hidden = [g for g in line if sizes[g] and g not in shown]
            # Those without a profession are never shown: with them, the one hidden part is not alone.
            if parent not in shown or len(hidden) != 1 or unnamed:
                continue
            others = [g for g in line if sizes[g] and g in shown]
            hide(min(others, key=lambda g: (sizes[g], str(g))) if others else parent)
            changed = True


def _holds(group: Group, team: int, location: int) -> bool:
    """Whether the team's responses are (or may be: a deleted one's profession is unknown) in the group."""
    return group[0] in (None, location) and group[1] in (None, team)


def _rows(
    population: _Population, visible: _Visibility, filters: Filters, dimensions: Sequence[str]
) -> tuple[Row, ...]:
    """The rows of a view: locations, or the teams of the chosen location, narrowed to the chosen profession;
    hidden, per row and per dimension, exactly as ``_visibility`` decided."""
    chosen = [r for r in population.released() if r.within(filters.location_id, filters.discipline)]
    by_team = filters.location_id is not None
    sizes = _group_sizes(chosen, by_team)
    cells: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in chosen:
        key = r.team_id if by_team else r.location_id
        for dimension in dimensions:
            if dimension in r.scores:
                cells[key][dimension].append(r.scores[dimension])
    rows = []
    for k, (label, n) in sizes.items():
        group = (filters.location_id, k, filters.discipline) if by_team else (k, None, filters.discipline)
        waiting, withheld = population.release_of(
            lambda team, location, k=k: (team if by_team else location) == k, filters.discipline
        )
        means = {d: fsum(cells[k][d]) / len(cells[k][d]) for d in dimensions if group in visible.by_dimension[d]}
        rows.append(Row(label, n, means, group not in visible.groups, waiting, withheld))
    return tuple(rows)


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
    visible = _visibility(population, threshold, release_steps(settings.privacy)["board"], dimensions)
    locations = sorted({r.location_id for r in population.released()})
    rows = [row for lid in locations for row in _rows(population, visible, Filters(organisation_id, round_id, lid),
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
