"""Network metrics: hand-checked networks, a property test against networkx and the Freeman formula, the reader,
and the `ties` / `network` exports of a demo database built by the CLI."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scan.analytics.network_view import team_network
from scan.exports import export_sql, network_frame
from scan.network import Member, Tie, build_graph, in_degrees, mutual_pairs, network_metrics
from scan.store.responses import Submission, submit
from scan.store.responses import Tie as StatedTie
from tests.helpers import full_answers, scan_cli


def asks(*pairs: tuple[int, int]) -> list[Tie]:
    return [Tie(source, target, 3, True) for source, target in pairs]


def same_discipline(*ids: int) -> list[Member]:
    return [Member(i, "leerkracht") for i in ids]


def test_members_without_ties():
    metrics = network_metrics(same_discipline(1, 2, 3), [])
    assert (metrics.n, metrics.ties, metrics.density, metrics.centralization) == (3, 0, 0.0, 0.0)
    # A share of no ties is undefined, not zero.
    assert metrics.reciprocity is None and metrics.cross_discipline_share is None and metrics.blau is None


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_members_have_no_density_or_centralization(n):
    metrics = network_metrics(same_discipline(*range(n)), [])
    assert metrics.n == n and metrics.density is None and metrics.centralization is None


def test_complete_network():
    members = same_discipline(1, 2, 3, 4)
    ties = asks(*((a, b) for a in range(1, 5) for b in range(1, 5) if a != b))
    metrics = network_metrics(members, ties)
    assert (metrics.ties, metrics.density, metrics.reciprocity, metrics.centralization) == (12, 1.0, 1.0, 0.0)
    graph = build_graph(members, ties)
    assert in_degrees(graph) == {1: 3, 2: 3, 3: 3, 4: 3}
    assert len(mutual_pairs(graph)) == 6


def test_star_of_leaves_asking_the_centre():
    members = same_discipline(0, 1, 2, 3, 4)
    ties = asks((1, 0), (2, 0), (3, 0), (4, 0))
    metrics = network_metrics(members, ties)
    assert metrics.density == pytest.approx(4 / 20)
    assert metrics.reciprocity == 0.0
    assert metrics.centralization == pytest.approx(1.0)
    graph = build_graph(members, ties)
    assert in_degrees(graph) == {0: 4, 1: 0, 2: 0, 3: 0, 4: 0}
    assert mutual_pairs(graph) == set()


def test_one_way_chain():
    metrics = network_metrics(same_discipline(1, 2, 3, 4), asks((1, 2), (2, 3), (3, 4)))
    assert metrics.density == pytest.approx(3 / 12)
    assert metrics.reciprocity == 0.0
    # In-degrees 0, 1, 1, 1 (max 1): Σ(max − in-degree) = 1, over (n − 1)² = 9.
    assert metrics.centralization == pytest.approx(1 / 9)


def test_disciplines_mixed():
    members = [Member(1, "leerkracht"), Member(2, "leerkracht"), Member(3, "pedagogisch_medewerker"),
               Member(4, "intern_begeleider"), Member(5, "pedagogisch_medewerker")]  # fmt: skip
    ties = asks((1, 2), (1, 3), (1, 4), (2, 1), (3, 4), (5, 1), (5, 2), (5, 3))
    metrics = network_metrics(members, ties)
    assert metrics.density == pytest.approx(8 / 20)
    assert metrics.reciprocity == pytest.approx(2 / 8)  # only 1 ↔ 2 is returned
    # In-degrees 2, 2, 2, 2, 0: Σ(2 − in-degree) = 2, over (5 − 1)² = 16.
    assert metrics.centralization == pytest.approx(2 / 16)
    # Across disciplines: 1→3, 1→4, 3→4, 5→1, 5→2; within: 1→2, 2→1, 5→3.
    assert metrics.cross_discipline_share == pytest.approx(5 / 8)
    # Member 4 asks no one and is left out. 1 reaches L, P, IB: 1 − 3·(1/3)² = 2/3; 2 reaches L: 0;
    # 3 reaches IB: 0; 5 reaches L, L, P: 1 − (2/3)² − (1/3)² = 4/9. Mean (2/3 + 0 + 0 + 4/9) / 4 = 5/18.
    assert metrics.blau == pytest.approx(5 / 18)
    assert mutual_pairs(build_graph(members, ties)) == {frozenset((1, 2))}


def test_ties_to_non_members_self_ties_and_non_support_ties_are_ignored():
    members = same_discipline(1, 2, 3)
    ties = [Tie(1, 2, 4, True), Tie(2, 1, 4, False), Tie(1, 99, 3, True), Tie(99, 1, 3, True), Tie(3, 3, 2, True)]
    graph = build_graph(members, ties)
    assert list(graph.edges(data=True)) == [(1, 2, {"frequency": 4})]
    assert nx.get_node_attributes(graph, "discipline") == {1: "leerkracht", 2: "leerkracht", 3: "leerkracht"}
    metrics = network_metrics(members, ties)
    assert (metrics.n, metrics.ties, metrics.reciprocity) == (3, 1, 0.0)
    assert metrics.density == pytest.approx(1 / 6)


networks = st.tuples(
    st.dictionaries(st.integers(0, 9), st.sampled_from(["leerkracht", "jeugdhulp", "intern_begeleider"]), max_size=8),
    # Ids up to 11 so that some ties point at or come from someone outside the team.
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 4), st.booleans()), max_size=60),
)


@given(networks)
def test_metrics_agree_with_networkx_and_the_freeman_formula(network):
    disciplines, stated = network
    members = [Member(i, d) for i, d in disciplines.items()]
    metrics = network_metrics(members, [Tie(*t) for t in stated])

    edges = {(s, t) for s, t, _, support in stated if support and s != t and s in disciplines and t in disciplines}
    expected = nx.DiGraph(list(edges))
    expected.add_nodes_from(disciplines)
    n, m = len(disciplines), len(edges)
    assert (metrics.n, metrics.ties) == (n, m)
    if n >= 2:
        assert metrics.density == pytest.approx(nx.density(expected))
        assert metrics.density == pytest.approx(m / (n * (n - 1)))
        asked = Counter(t for _, t in edges)
        top = max(asked[v] for v in disciplines)
        assert metrics.centralization == pytest.approx(sum(top - asked[v] for v in disciplines) / (n - 1) ** 2)
    else:
        assert metrics.density is None and metrics.centralization is None
    if m:
        assert metrics.reciprocity == pytest.approx(nx.overall_reciprocity(expected))
    else:
        assert metrics.reciprocity is None and metrics.cross_discipline_share is None and metrics.blau is None
    for value in (metrics.density, metrics.reciprocity, metrics.centralization, metrics.cross_discipline_share,
                  metrics.blau):  # fmt: skip
        assert value is None or 0.0 <= value <= 1.0 + 1e-12


def test_team_network_reads_the_respondents_and_their_ties(db, org, questionnaire, model):
    first, second, third, absent = org.members[:4]
    stated = {
        first: [StatedTie(second, 4, True), StatedTie(absent, 3, True)],
        second: [StatedTie(first, 2, True)],
        third: [StatedTie(first, 3, False)],
    }
    for user, ties in stated.items():
        submission = Submission(str(uuid.uuid4()), user, org.team_id, org.round_id, full_answers(questionnaire),
                                ties=ties)  # fmt: skip
        submit(db, questionnaire, model, submission)

    members, ties = team_network(db, org.team_id, org.round_id)
    assert members == [Member(first, "leerkracht"), Member(second, "pedagogisch_medewerker"),
                       Member(third, "onderwijsassistent")]  # fmt: skip
    assert sorted(ties, key=lambda t: (t.source, t.target)) == [
        Tie(first, second, 4, True), Tie(first, absent, 3, True), Tie(second, first, 2, True),
        Tie(third, first, 3, False)]  # fmt: skip
    metrics = network_metrics(members, ties)
    assert (metrics.n, metrics.ties, metrics.reciprocity) == (3, 2, 1.0)
    assert metrics.density == pytest.approx(2 / 6)
    assert team_network(db, org.other_team_id, org.round_id) == ([], [])

    # The exports apply the same rules: the tie to the colleague who did not answer is left out.
    exported = db.execute(*export_sql("ties", 1, None)).df()
    pseudonym = dict(db.execute("SELECT id, pseudonym FROM users").fetchall())
    assert sorted(zip(exported["source"], exported["target"], strict=True)) == sorted(
        [(pseudonym[first], pseudonym[second]), (pseudonym[second], pseudonym[first]),
         (pseudonym[third], pseudonym[first])]
    )  # fmt: skip
    row = network_frame(db, None).iloc[0]
    assert (row["team"], row["wave"], row["n"]) == ("IKC Test · Onderbouw", 1, 3)
    assert row["density"] == pytest.approx(metrics.density)
    assert row["reciprocity"] == pytest.approx(metrics.reciprocity)
    assert row["blau"] == pytest.approx(metrics.blau)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("network")
    db = folder / "d.duckdb"
    result = scan_cli("demo", "--db", str(db), "--respondents", "200")
    assert result.returncode == 0, result.stderr
    for what, fmt in (("ties", "csv"), ("network", "csv"), ("network", "xlsx")):
        out = folder / f"{what}.{fmt}"
        result = scan_cli("export", "--db", str(db), "--what", what, "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
    return folder


def test_ties_export_is_pseudonymous(exported):
    ties = pd.read_csv(exported / "ties.csv")
    assert list(ties.columns) == ["team", "wave", "source", "target", "source_discipline", "target_discipline",
                                  "frequency", "support"]  # fmt: skip
    assert len(ties) > 0
    assert ties["source"].str.fullmatch(r"r[0-9a-f]{16}").all()
    assert ties["target"].str.fullmatch(r"r[0-9a-f]{16}").all()
    assert ties["frequency"].between(0, 4).all()
    conn = duckdb.connect(str(exported / "d.duckdb"), read_only=True)
    names = {row[0] for row in conn.execute("SELECT display_name FROM users").fetchall()}
    conn.close()
    text = (exported / "ties.csv").read_text(encoding="utf-8")
    assert not [name for name in names if name in text]


def test_network_export_agrees_with_the_ties_export(exported):
    network = pd.read_csv(exported / "network.csv")
    assert list(network.columns) == [
        "team", "wave", "n", "density", "reciprocity", "centralization", "cross_discipline_share", "blau"]  # fmt: skip
    assert not network.duplicated(["team", "wave"]).any()
    excel = pd.read_excel(exported / "network.xlsx")
    assert list(excel.columns) == list(network.columns) and len(excel) == len(network)

    ties = pd.read_csv(exported / "ties.csv")
    support = ties[ties["support"]].groupby(["team", "wave"]).size().rename("support_ties").reset_index()
    both = network.merge(support, on=["team", "wave"], how="left").fillna({"support_ties": 0})
    both = both[both["n"] >= 2]
    assert len(both) > 0
    expected = both["support_ties"] / (both["n"] * (both["n"] - 1))
    assert (both["density"] - expected).abs().max() < 1e-12
    for column in ("density", "reciprocity", "centralization", "cross_discipline_share", "blau"):
        assert network[column].dropna().between(0, 1).all()
