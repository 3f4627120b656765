"""The read model of the team network page: what a team member may see of their team's support network in a round.

Rule 1e of the disclosure control (issue 9, DESIGN.md §3): no one sees another identifiable person's ties. A node
labelled with a profession that only one person in the team has is that person, so by default there are no nodes:

- the measures (density, reciprocity, centralisation, diversity, Blau) show from the team threshold, like every
  team figure;
- the team sees a profession × profession picture of the support ties, in which every profession with fewer
  respondents than ``privacy.network_min_profession`` is merged into "other professions" (respondents without a
  profession too). When that merged group is itself smaller than the minimum, the smallest remaining profession
  joins it, so that no group is smaller than the minimum; with fewer than two groups left there is no picture;
- the viewer sees their own ego network: whom they ask for support (by name: they chose them themselves) and how
  many respondents ask them (a count, from the team threshold);
- a sociogram with names only when every respondent of the team in that round agreed to it in the scan's
  network step. Its layout is computed here, so the page only draws.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import networkx as nx

from scan.config import Settings
from scan.network import Member, NetworkMetrics, Tie, build_graph, mutual_pairs, network_metrics
from scan.store.db import transaction


@dataclass(frozen=True)
class ProfessionGroup:
    """A row and column of the profession picture: one profession, or the merged "other professions"."""

    disciplines: tuple[str, ...]  # the profession ids it holds ('' for respondents without one)
    respondents: int
    merged: bool  # "other professions": the page labels it so, never by the professions inside


@dataclass(frozen=True)
class EgoNetwork:
    """The viewer's own place in the network."""

    named: tuple[str, ...]  # the colleagues the viewer asks for support, by display name
    named_by: int | None  # how many respondents ask the viewer for support; None below the team threshold


@dataclass(frozen=True)
class NamedNode:
    name: str
    discipline: str
    x: float
    y: float
    asked: int  # how often this person is asked for support
    is_viewer: bool


@dataclass(frozen=True)
class NamedEdge:
    source: int  # positions in NamedSociogram.nodes
    target: int
    mutual: bool  # they ask each other: drawn once


@dataclass(frozen=True)
class NamedSociogram:
    nodes: tuple[NamedNode, ...]
    edges: tuple[NamedEdge, ...]


@dataclass(frozen=True)
class NetworkView:
    respondents: int
    threshold: int
    min_profession: int  # the smallest profession group the picture shows on its own
    shown: bool  # the team's network figures show (respondents ≥ threshold)
    metrics: NetworkMetrics | None = None
    groups: tuple[ProfessionGroup, ...] = ()  # empty: no profession picture
    matrix: tuple[tuple[int, ...], ...] = ()  # support ties from groups[i] to groups[j]
    ego: EgoNetwork | None = None  # None: the viewer did not answer in this round
    sociogram: NamedSociogram | None = None  # only when every respondent agreed to show their name


def profession_groups(sizes: Mapping[str, int], order: Sequence[str], minimum: int) -> tuple[ProfessionGroup, ...]:
    """The groups of the profession picture from the respondents per profession, in ``order`` with the merged
    group last; empty when fewer than two groups remain."""
    rank = {d: k for k, d in enumerate(order)}
    own = {d: n for d, n in sizes.items() if d and n >= minimum}
    rest = {d: n for d, n in sizes.items() if n and d not in own}
    if 0 < sum(rest.values()) < minimum and own:
        # Alone, the merged group would be small enough to give its few members away. Of equal sizes, the
        # profession last in the settings' order joins it.
        smallest = min(own, key=lambda d: (own[d], -rank.get(d, len(rank))))
        rest[smallest] = own.pop(smallest)
    groups = [ProfessionGroup((d,), own[d], False) for d in sorted(own, key=lambda d: rank.get(d, len(rank)))]
    if rest:
        merged = tuple(sorted(rest, key=lambda d: (rank.get(d, len(rank)), d)))
        groups.append(ProfessionGroup(merged, sum(rest.values()), True))
    return tuple(groups) if len(groups) >= 2 else ()


def profession_matrix(
    groups: Sequence[ProfessionGroup], discipline_of: Mapping[int, str], ties: Sequence[tuple[int, int]]
) -> tuple[tuple[int, ...], ...]:
    """Support ties counted from the asker's group to the asked one's group."""
    group_of = {d: k for k, group in enumerate(groups) for d in group.disciplines}
    counts = [[0] * len(groups) for _ in groups]
    for source, target in ties:
        counts[group_of[discipline_of[source]]][group_of[discipline_of[target]]] += 1
    return tuple(tuple(row) for row in counts)


def _sociogram(graph: nx.DiGraph, names: Mapping[int, str], viewer_user_id: int) -> NamedSociogram:
    # A fixed seed: the same team looks the same every time it is opened.
    positions = nx.spring_layout(graph, seed=7)
    order = list(graph.nodes)
    index = {node: k for k, node in enumerate(order)}
    nodes = tuple(
        NamedNode(
            name=names[node],
            discipline=graph.nodes[node]["discipline"],
            x=float(positions[node][0]),
            y=float(positions[node][1]),
            asked=graph.in_degree(node),
            is_viewer=node == viewer_user_id,
        )
        for node in order
    )
    mutual = mutual_pairs(graph)
    edges = tuple(
        NamedEdge(index[a], index[b], frozenset((a, b)) in mutual)
        for a, b in graph.edges
        if not (frozenset((a, b)) in mutual and a > b)
    )
    return NamedSociogram(nodes, edges)


def team_network(conn: duckdb.DuckDBPyConnection, team_id: int, round_id: int) -> tuple[list[Member], list[Tie]]:
    """The respondents of a team in a round and the ties they stated (also those ``build_graph`` leaves out)."""
    # A respondent without a discipline (e.g. a director who also answered for a team) forms a group of its own.
    members = conn.execute(
        "SELECT u.id, coalesce(u.discipline, '') FROM responses p JOIN users u ON u.id = p.user_id"
        " WHERE p.team_id = ? AND p.round_id = ? ORDER BY u.id",
        [team_id, round_id],
    ).fetchall()
    ties = conn.execute(
        "SELECT p.user_id, x.target_user_id, x.frequency, x.support FROM network_ties x"
        " JOIN responses p ON p.id = x.response_id WHERE p.team_id = ? AND p.round_id = ?"
        " ORDER BY p.user_id, x.target_user_id",
        [team_id, round_id],
    ).fetchall()
    return [Member(*row) for row in members], [Tie(*row) for row in ties]


def network_view(
    conn: duckdb.DuckDBPyConnection, settings: Settings, *, viewer_user_id: int, team_id: int, round_id: int
) -> NetworkView:
    """Everything the network page draws for ``viewer_user_id`` about a team in a round, read in one transaction."""
    privacy = settings.privacy
    threshold = privacy.team_threshold
    with transaction(conn):
        members, ties = team_network(conn, team_id, round_id)
        agreed = conn.execute(
            "SELECT coalesce(bool_and(network_names_agreed), false) FROM responses WHERE team_id = ? AND round_id = ?",
            [team_id, round_id],
        ).fetchone()[0]
        shown = len(members) >= threshold
        mine = sorted({t.target for t in ties if t.source == viewer_user_id and t.support and t.target != t.source})
        # Names are read only where they may show: the viewer's own choices, and everyone when all agreed.
        wanted = sorted({*mine, *(m.id for m in members)}) if agreed and shown else mine
        names = dict(
            conn.execute("SELECT id, display_name FROM users WHERE list_contains(?::BIGINT[], id)", [wanted]).fetchall()
        )

    graph = build_graph(members, ties)
    answered = viewer_user_id in graph
    ego = None
    if answered:
        named = tuple(sorted((names[target] for target in mine if target in names), key=str.casefold))
        ego = EgoNetwork(named, graph.in_degree(viewer_user_id) if shown else None)
    if not shown:
        return NetworkView(len(members), threshold, privacy.network_min_profession, False, ego=ego)

    sizes = Counter(m.discipline for m in members)
    groups = profession_groups(sizes, [d.id for d in settings.disciplines], privacy.network_min_profession)
    discipline_of = {m.id: m.discipline for m in members}
    return NetworkView(
        respondents=len(members),
        threshold=threshold,
        min_profession=privacy.network_min_profession,
        shown=True,
        metrics=network_metrics(members, ties),
        groups=groups,
        matrix=profession_matrix(groups, discipline_of, list(graph.edges)) if groups else (),
        ego=ego,
        sociogram=_sociogram(graph, names, viewer_user_id) if agreed else None,
    )
