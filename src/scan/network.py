"""Network metrics of one team in one measurement round, computed with networkx.

The network of a team in a round has the team's respondents of that round as nodes, and a directed tie
source → target where the source asks the target for support (``support`` true). Ties that only say how
often two people work together, ties to someone who did not take part, and ties of a person to themselves
are left out: they are not a support tie between two members.

Definitions (DESIGN.md §3, FIELD-NOTES "Networks in school teams"), with n members and m ties:

- density: m / (n(n−1));
- reciprocity: the share of ties that are returned (``nx.overall_reciprocity``);
- centralization: Freeman in-degree centralization, Σ(max in-degree − in-degree) / (n−1)²; a star whose
  leaves all ask the centre is 1, a network where everyone is asked equally often is 0;
- cross_discipline_share: the share of ties between members of different disciplines;
- blau: the mean, over the members with at least one outgoing tie, of Blau's index 1 − Σ p_k² where p_k is
  the share of the colleagues they ask that belong to discipline k. Only outgoing ties count: it describes
  how varied the disciplines are that a person turns to, not who turns to them.

Undefined values are None: density and centralization when n < 2 (no tie is possible); reciprocity,
cross_discipline_share and blau when there is no tie (a share of nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Member:
    id: int
    discipline: str


@dataclass(frozen=True)
class Tie:
    source: int
    target: int
    frequency: int
    support: bool


@dataclass(frozen=True)
class NetworkMetrics:
    n: int
    ties: int
    density: float | None
    reciprocity: float | None
    centralization: float | None
    cross_discipline_share: float | None
    blau: float | None


def build_graph(members: Iterable[Member], ties: Iterable[Tie]) -> nx.DiGraph:
    """The support network: members as nodes (attribute ``discipline``), support ties between two members as
    edges (attribute ``frequency``). A pair stored twice is one tie."""
    graph = nx.DiGraph()
    graph.add_nodes_from((m.id, {"discipline": m.discipline}) for m in members)
    graph.add_edges_from(
        (t.source, t.target, {"frequency": t.frequency})
        for t in ties
        if t.support and t.source != t.target and t.source in graph and t.target in graph
    )
    return graph


def in_degrees(graph: nx.DiGraph) -> dict[int, int]:
    """How often each member is asked for support."""
    return dict(graph.in_degree())


def mutual_pairs(graph: nx.DiGraph) -> set[frozenset[int]]:
    """The pairs that ask each other for support."""
    return {frozenset((a, b)) for a, b in graph.edges if graph.has_edge(b, a)}


def _centralization(graph: nx.DiGraph) -> float:
    degrees = [d for _, d in graph.in_degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / (len(degrees) - 1) ** 2


def _blau(graph: nx.DiGraph) -> float:
    indices = []
    for node in graph:
        reached = Counter(graph.nodes[target]["discipline"] for target in graph.successors(node))
        total = sum(reached.values())
        if total:
            indices.append(1 - sum((count / total) ** 2 for count in reached.values()))
    return sum(indices) / len(indices)


def network_metrics(members: Iterable[Member], ties: Iterable[Tie]) -> NetworkMetrics:
    graph = build_graph(members, ties)
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    discipline = nx.get_node_attributes(graph, "discipline")
    return NetworkMetrics(
        n=n,
        ties=m,
        density=nx.density(graph) if n >= 2 else None,
        reciprocity=nx.overall_reciprocity(graph) if m else None,
        centralization=_centralization(graph) if n >= 2 else None,
        cross_discipline_share=sum(discipline[a] != discipline[b] for a, b in graph.edges) / m if m else None,
        blau=_blau(graph) if m else None,
    )
