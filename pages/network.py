"""Teamnetwerk: the measures of seed 003, a picture of who asks whom for support by profession group, the viewer's
own network, and names only where everyone in the team agreed. What may show is decided in analytics.network_view."""

import streamlit as st

from scan.analytics.network_view import network_view
from scan.ui import charts
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.pickers import pick_team_and_round
from scan.ui.session import db, settings

account = require_roles("professional", "team_lead")
conn, lang = db(), current_language()
st.title(t("network.title"))
st.write(t("network.intro"))

chosen, round_info = pick_team_and_round(conn, account.user_id, key="network")
view = network_view(conn, settings(), viewer_user_id=account.user_id, team_id=chosen.id, round_id=round_info.id)


def own_network() -> None:
    st.subheader(t("network.own_title"))
    if view.ego is None:
        st.caption(t("network.own_missing"))
        return
    named = ", ".join(view.ego.named) if view.ego.named else t("network.own_named_nobody")
    # Names as typed: st.text shows no markdown, links or formulas.
    st.text(t("network.own_named", names=named))
    if view.ego.named_by is not None:
        st.text(t("network.own_named_by", n=view.ego.named_by))


if not view.shown:
    st.info(t("network.below", threshold=view.threshold, n=view.respondents), icon=":material/lock:")
    own_network()
    st.stop()

metrics = view.metrics
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

own_network()

st.subheader(t("network.professions_title"))
if view.groups:
    labels = [
        t("network.other_professions") if g.merged else settings().discipline(g.disciplines[0]).name(lang)
        for g in view.groups
    ]
    st.caption(t("network.professions_intro", minimum=view.min_profession))
    st.plotly_chart(
        charts.profession_matrix(labels, view.matrix, t("network.asker"), t("network.asked"), lang),
        width="stretch",
        key="profession_matrix",
        config=charts.CONFIG,
    )
else:
    st.caption(t("network.professions_none"))

if view.sociogram is not None:
    st.subheader(t("network.sociogram"))
    st.caption(t("network.sociogram_intro"))
    st.plotly_chart(
        charts.sociogram(view.sociogram.nodes, view.sociogram.edges, lang),
        width="stretch",
        key="sociogram",
        config=charts.CONFIG,
    )
else:
    st.caption(t("network.names_only_when_all_agreed"))
