"""Teams vergelijken: the teams of one's organisation side by side, with the cross-team threshold."""

import streamlit as st

from scan.analytics import rounds_of
from scan.analytics.director import comparison_view
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
dims = list(radar_dimensions(q))
rows = comparison_view(conn, settings(), account.organisation_id, round_info.id, dimensions=dims)
if not rows:
    st.info(t("compare.none"), icon=":material/hourglass_empty:")
    st.stop()

labels = [short_label(q.dimension_name(d).get(lang)) for d in dims]
# A hidden cell has no mean: None, drawn as an empty cell that says why.
values = [[row.means.get(d) for d in dims] for row in rows]
st.subheader(t("compare.heatmap_title"))
st.plotly_chart(
    charts.heatmap([f"{row.label} (n={row.n})" for row in rows], labels, values,
                   t("compare.hidden", threshold=threshold), lang),
    width="stretch",
    key="compare_heatmap",
    config=charts.CONFIG,
)  # fmt: skip

withheld = sum(row.withheld for row in rows)
if withheld:
    st.caption(t("release.withheld_rows", n=withheld))
waiting = sum(row.waiting for row in rows)
if waiting:
    st.caption(t("release.waiting", n=waiting, step=threshold))

shown = [row.label for row, row_values in zip(rows, values, strict=True) if all(v is not None for v in row_values)]
st.subheader(t("compare.overlay_title"))
chosen = st.multiselect(t("compare.choose_teams"), shown, default=shown[:2], max_selections=4, key="compare_teams")
if chosen:
    series = {row.label: row_values for row, row_values in zip(rows, values, strict=True) if row.label in chosen}
    st.plotly_chart(
        charts.overlay_radar(labels, series, lang), width="stretch", key="compare_radar", config=charts.CONFIG
    )
