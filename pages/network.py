"""Teamnetwerk: who asks whom for support, as a sociogram by profession, with the measures of seed 003."""

import networkx as nx
import streamlit as st

from scan.analytics.teams import team_network_view
from scan.network import build_graph, in_degrees, mutual_pairs, network_metrics
from scan.report import short_label
from scan.ui import charts
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.pickers import pick_team_and_round
from scan.ui.session import db, settings

account = require_roles("professional", "team_lead")
conn, lang = db(), current_language()
threshold = settings().privacy.team_threshold
st.title(t("network.title"))
st.write(t("network.intro"))

chosen, round_info = pick_team_and_round(conn, account.user_id, key="network")

respondents, members, ties = team_network_view(conn, chosen.id, round_info.id, threshold)
if not members:
    st.info(t("network.below", threshold=threshold, n=respondents), icon=":material/lock:")
    st.stop()

metrics = network_metrics(members, ties)
cards = [
    ("network.density", metrics.density),
    ("network.reciprocity", metrics.reciprocity),
    ("network.centralization", metrics.centralization),
    ("network.diversity", metrics.cross_discipline_share),
    ("network.blau", metrics.blau),
]
for column, (key, value) in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(t(key + "_short"), charts.number(value, lang, 2) if value is not None else "–", help=t(key + "_help"))
    if value is None:
        column.caption(t("network.not_defined"))
# The measures in the words of the source (Sannen's parameters, building block 2 of seed 003).
st.markdown("\n".join(f"- **{t(key)}**: {t(key + '_help')}" for key, _ in cards))

graph = build_graph(members, ties)
# A fixed seed: the same team looks the same every time it is opened.
positions = {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(graph, seed=7).items()}
palette = ["#2E7D6B", "#E0A030", "#5B7DB1", "#B5577D", "#7A8A90", "#8C6BB1", "#4FA3A5"]
disciplines = sorted({m.discipline for m in members})
colours = {m.id: palette[disciplines.index(m.discipline) % len(palette)] for m in members}
names = {m.id: short_label(settings().discipline(m.discipline).name(lang)) if m.discipline else "" for m in members}
names[account.user_id] = (
    f"{account.display_name} ({names.get(account.user_id, '')})" if account.user_id in names else ""
)
mutual = mutual_pairs(graph)
edges = [(a, b, frozenset((a, b)) in mutual) for a, b in graph.edges if not (frozenset((a, b)) in mutual and a > b)]
st.subheader(t("network.sociogram"))
st.plotly_chart(
    charts.sociogram(positions, {n: names[n] for n in positions}, in_degrees(graph), edges, colours, lang),
    width="stretch",
    key="sociogram",
    config=charts.CONFIG,
)
