"""Teams vergelijken: the teams of one's organisation side by side, with the cross-team threshold."""

import streamlit as st

from scan.analytics import rounds_of
from scan.analytics.teams import comparison
from scan.report import radar_dimensions, short_label
from scan.ui import charts
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.pickers import pick_round
from scan.ui.session import db, questionnaire, settings

account = require_roles("team_lead", "director")
conn, q, lang = db(), questionnaire(), current_language()
threshold = settings().privacy.cross_team_threshold
st.title(t("compare.title"))
st.write(t("compare.intro", threshold=threshold))

round_info = pick_round(rounds_of(conn, account.organisation_id), key="compare_round")
frame = comparison(conn, account.organisation_id, round_info.id, threshold)
dims = list(radar_dimensions(q))
labels = [short_label(q.dimension_name(d).get(lang)) for d in dims]
frame = frame[frame["dimension"].isin(dims)]
teams = sorted(frame["team"].unique())
if not teams:
    st.info(t("compare.none"), icon=":material/hourglass_empty:")
    st.stop()

# Hidden cells have no mean (NaN in the frame): they stay None, drawn as an empty cell that says why.
cell = {(r.team, r.dimension): r.mean for r in frame.itertuples() if r.mean == r.mean}
values = [[cell.get((team, d)) for d in dims] for team in teams]
counts = frame.groupby("team")["responses"].first()
rows = [f"{team} (n={counts[team]})" for team in teams]
st.subheader(t("compare.heatmap_title"))
st.plotly_chart(
    charts.heatmap(rows, labels, values, t("compare.hidden", threshold=threshold), lang),
    width="stretch",
    key="compare_heatmap",
    config=charts.CONFIG,
)

shown = [team for team, row in zip(teams, values, strict=True) if all(v is not None for v in row)]
st.subheader(t("compare.overlay_title"))
chosen = st.multiselect(t("compare.choose_teams"), shown, default=shown[:2], max_selections=4, key="compare_teams")
if chosen:
    series = {team: values[teams.index(team)] for team in chosen}
    st.plotly_chart(
        charts.overlay_radar(labels, series, lang), width="stretch", key="compare_radar", config=charts.CONFIG
    )
