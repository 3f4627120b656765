"""Read models for the team views: dashboard, comparison, dialogue (the network: network_view). Thresholds are
applied here.

A team's scores are summarised only when the group (the team, or the part a filter leaves) has at least
``threshold`` responses in the team's released set (disclosure rule d); below it the views get the count and
nothing else. The viewer's own scores come along only to compare them with the team (blind spots, hidden
strengths), never anyone else's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb

from scan.analytics import RoundInfo, rounds_of
from scan.analytics.disclosure import (
    GroupFigure,
    ReleaseState,
    figures_from_scores,
    part_changes,
    release_steps,
    shown_parts,
    widest_disagreements,
)
from scan.config import Settings
from scan.questionnaire import Questionnaire
from scan.scoring import SelfTeamGap, self_team_gaps

_TEAM_LABEL = "l.name || ' · ' || t.name"


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    location_id: int
    organisation_id: int


@dataclass(frozen=True)
class TeamView:
    """One team (or the part a filter selects) in one round."""

    team: TeamInfo
    round: RoundInfo
    threshold: int
    n_responses: int  # the released responses the figures are computed from
    n_members: int
    spreads: dict[str, GroupFigure] = field(default_factory=dict)  # empty below the threshold
    intensity: dict[str, dict[str, Counter]] = field(default_factory=dict)  # partner → current/desired → level → n
    own_gaps: tuple[SelfTeamGap, ...] = ()
    own_scores: dict[str, float] = field(default_factory=dict)
    # A filtered part is also hidden when the team outside the shown professions would be a small group, or
    # would have changed by fewer than k responses since an earlier release (disclosure.shown_parts): the whole
    # team's figures minus the shown parts' would give those few away.
    rest_too_small: bool = False
    n_answered: int = 0  # everyone who filled in now: a count, live
    waiting: int = 0  # responses that came or went since the figures were last released
    withheld: bool = False  # the released set holds a deleted response: no figures until the next release

    @property
    def visible(self) -> bool:
        return self.n_responses >= self.threshold and not self.rest_too_small and not self.withheld

    @property
    def participation(self) -> float | None:
        return self.n_answered / self.n_members if self.n_members else None

    def means(self) -> dict[str, float]:
        return {d: s.mean for d, s in self.spreads.items()}

    def disagreements(self, dimensions: tuple[str, ...], n: int = 3) -> list[GroupFigure]:
        return widest_disagreements({d: s for d, s in self.spreads.items() if d in dimensions}, n)


def _teams(conn: duckdb.DuckDBPyConnection, where: str, params: list) -> list[TeamInfo]:
    rows = conn.execute(
        f"SELECT t.id, {_TEAM_LABEL}, t.location_id, l.organisation_id FROM teams t"
        f" JOIN locations l ON l.id = t.location_id WHERE {where} ORDER BY 2",
        params,
    ).fetchall()
    return [TeamInfo(*row) for row in rows]


def team(conn: duckdb.DuckDBPyConnection, team_id: int) -> TeamInfo:
    found = _teams(conn, "t.id = ?", [team_id])
    if not found:
        raise KeyError(f"no team {team_id}")
    return found[0]


def teams_of_user(conn: duckdb.DuckDBPyConnection, user_id: int) -> list[TeamInfo]:
    return _teams(conn, "t.id IN (SELECT team_id FROM memberships WHERE user_id = ?)", [user_id])


def roster(conn: duckdb.DuckDBPyConnection, team_id: int, *, exclude: int | None = None) -> list[tuple[int, str, str]]:
    """The team's members (id, name, profession), for the network step of a colleague in the same team."""
    return conn.execute(
        "SELECT u.id, u.display_name, coalesce(u.discipline, '') FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.team_id = ? AND u.id IS DISTINCT FROM ? ORDER BY u.display_name",
        [team_id, exclude],
    ).fetchall()


def discipline_mix(conn: duckdb.DuckDBPyConnection, team_id: int) -> dict[str, int]:
    """How many members of each profession the team has (its roster, not its answers)."""
    rows = conn.execute(
        "SELECT u.discipline, count(*) FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.team_id = ? AND u.discipline IS NOT NULL GROUP BY ALL ORDER BY 2 DESC",
        [team_id],
    ).fetchall()
    return dict(rows)


def team_view(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    settings: Settings,
    *,
    team_id: int,
    round_id: int,
    threshold: int,
    viewer_user_id: int | None = None,
    discipline: str | None = None,
) -> TeamView:
    """The team in one round, from its 'team' released set; ``discipline`` narrows the group to one profession
    (same threshold)."""
    # The team's members and responses are read once each and narrowed here; scores and intensity by a
    # semi-join on the team's responses. Before, six queries joined users or responses for each view.
    info = team(conn, team_id)
    round_info = next(r for r in rounds_of(conn, info.organisation_id) if r.id == round_id)
    members = sum(
        1
        for (d,) in conn.execute(
            "SELECT u.discipline FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = ?", [team_id]
        ).fetchall()
        if discipline is None or d == discipline
    )
    responses = conn.execute(
        "SELECT p.id, p.user_id, u.discipline FROM responses p JOIN users u ON u.id = p.user_id"
        " WHERE p.team_id = ? AND p.round_id = ?",
        [team_id, round_id],
    ).fetchall()
    released = conn.execute(
        "SELECT response_id FROM released_responses WHERE team_id = ? AND round_id = ? AND audience = 'team'",
        [team_id, round_id],
    ).fetchall()
    state = ReleaseState(frozenset(rid for rid, _, _ in responses), frozenset(rid for (rid,) in released))
    answered = {rid for rid, _, d in responses if discipline is None or d == discipline}
    # A deleted response's profession is gone with it: it counts as waiting in every part of the team.
    waiting = len(answered - state.released) + len(state.released - state.current)
    chosen = answered & state.released
    counts = {"n_answered": len(answered), "waiting": waiting, "withheld": state.withheld}
    part = _Parts({rid: d for rid, _, d in responses}, state, _history(conn, team_id, round_id), settings)
    # Large enough itself, but hidden for the rest of the team (below the threshold, the page says that instead).
    hidden_part = discipline is not None and len(chosen) >= threshold and discipline not in part.shown(threshold)
    view = TeamView(info, round_info, threshold, len(chosen), members, rest_too_small=hidden_part, **counts)
    if not view.visible:
        return view

    team_responses = "SELECT id FROM responses WHERE team_id = ? AND round_id = ?"
    by_response: dict[int, dict[str, float]] = {}
    for rid, dimension, score in conn.execute(
        f"SELECT response_id, dimension, score FROM scores WHERE response_id IN ({team_responses})",
        [team_id, round_id],
    ).fetchall():
        by_response.setdefault(rid, {})[dimension] = score
    per_person = [by_response[rid] for rid in sorted(by_response) if rid in chosen]
    # In questionnaire order (before, the order in which a hash join happened to return the rows).
    order = {d: k for k, d in enumerate(questionnaire.dimension_ids())}
    figures = figures_from_scores(per_person, threshold=threshold, privacy=settings.privacy)
    if discipline is not None:
        # Rule c counts the scores present per dimension: a part can show one dimension and not another.
        figures = {d: f for d, f in figures.items() if discipline in part.shown(threshold, by_response, d)}
    spreads = dict(sorted(figures.items(), key=lambda item: order.get(item[0], len(order))))

    intensity: dict[str, dict[str, Counter]] = {}
    for rid, partner, current, desired in conn.execute(
        "SELECT response_id, partner_type, current_level, desired_level FROM intensity_answers"
        f" WHERE response_id IN ({team_responses})",
        [team_id, round_id],
    ).fetchall():
        if rid not in chosen:
            continue
        slot = intensity.setdefault(partner, {"current": Counter(), "desired": Counter()})
        if current:
            slot["current"][current] += 1
        if desired:
            slot["desired"][desired] += 1

    own: dict[str, float] = {}
    if viewer_user_id is not None:
        mine = next((by_response.get(rid, {}) for rid, user, _ in responses if user == viewer_user_id), {})
        own = dict(sorted(mine.items(), key=lambda item: order.get(item[0], len(order))))
    gaps = self_team_gaps(own, {d: s.mean for d, s in spreads.items()}, questionnaire.scale.range, settings.scoring)
    return TeamView(
        info, round_info, threshold, len(chosen), members, spreads, intensity, tuple(gaps), own, False, **counts
    )


def _history(conn: duckdb.DuckDBPyConnection, team_id: int, round_id: int) -> list[frozenset[int]]:
    """Every set the team's own views have been released as in the round (release_history)."""
    sets: dict[int, set[int]] = {}
    for number, rid in conn.execute(
        "SELECT release_no, response_id FROM release_history WHERE team_id = ? AND round_id = ? AND audience = 'team'",
        [team_id, round_id],
    ).fetchall():
        sets.setdefault(number, set()).add(rid)
    return [frozenset(ids) for _, ids in sorted(sets.items())]


@dataclass(frozen=True)
class _Parts:
    """The team's released set divided by profession, with its earlier released sets: which professions the
    filter may show (disclosure rules c and d over the partition, ``shown_parts``)."""

    profession: dict[int, str | None]  # each stored response → its author's profession
    state: ReleaseState
    history: list[frozenset[int]]
    settings: Settings

    def shown(
        self, threshold: int, scores: dict[int, dict[str, float]] | None = None, dimension: str | None = None
    ) -> frozenset[str]:
        """For the responses, or (``dimension``) for the scores present for one dimension."""
        counted = {
            rid: d for rid, d in self.profession.items() if dimension is None or dimension in scores.get(rid, {})
        }
        return shown_parts(
            Counter(d for rid, d in counted.items() if rid in self.state.shown),
            threshold,
            changes=part_changes(self.state.shown, self.history, counted, self.state.current),
            step=release_steps(self.settings.privacy)["team"],
        )


def participation(conn: duckdb.DuckDBPyConnection, team_id: int) -> list[tuple[RoundInfo, int, int]]:
    """Per round of the organisation: responses of the team, and its current number of members."""
    info = team(conn, team_id)
    members = conn.execute("SELECT count(*) FROM memberships WHERE team_id = ?", [team_id]).fetchone()[0]
    counts = dict(
        conn.execute("SELECT round_id, count(*) FROM responses WHERE team_id = ? GROUP BY ALL", [team_id]).fetchall()
    )
    return [(r, counts.get(r.id, 0), members) for r in rounds_of(conn, info.organisation_id)]


def teams_of_organisation(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> list[TeamInfo]:
    return _teams(conn, "l.organisation_id = ?", [organisation_id])
