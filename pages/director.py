"""Overzicht bestuur: locations and teams × building blocks, profiles, intensity, trend, participation.
For directors; every figure is a group of at least the cross-team threshold."""

import time

import streamlit as st

from scan.analytics import data_version, locations_of, rounds_of
from scan.analytics.director import DirectorView, Filters, director_view, trend
from scan.report import TrendPoint, radar_dimensions, short_label
from scan.reports.excel import director_excel
from scan.ui import charts
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.pickers import pick_round
from scan.ui.session import db, questionnaire, settings

account = require_roles("director")
conn, q, lang = db(), questionnaire(), current_language()
threshold = settings().privacy.cross_team_threshold
dims = radar_dimensions(q)
labels = [short_label(q.dimension_name(d).get(lang)) for d in dims]
st.title(t("director.title"))
st.write(t("director.intro", threshold=threshold))

locations = locations_of(conn, account.organisation_id)
left, middle, right = st.columns(3)
with left:
    round_info = pick_round(rounds_of(conn, account.organisation_id), key="director_round")
with middle:
    location = st.selectbox(
        t("director.location"),
        [None, *locations],
        key="director_location",
        format_func=lambda k: t("director.all_locations") if k is None else locations[k],
    )
with right:
    discipline = st.selectbox(
        t("director.discipline"),
        [None, *(d.id for d in settings().disciplines)],
        key="director_discipline",
        format_func=lambda d: t("director.all_disciplines") if d is None else settings().discipline(d).name(lang),
    )


@st.cache_data(show_spinner=False, max_entries=256)
def cached_view(filters: Filters, version: tuple) -> tuple[DirectorView, float]:
    """Keyed on the data version: a new submission shows up, an unchanged database is not recomputed."""
    start = time.perf_counter()
    view = director_view(db(), questionnaire(), settings(), filters, dimensions=radar_dimensions(questionnaire()))
    return view, (time.perf_counter() - start) * 1000


@st.cache_data(show_spinner=False, max_entries=64)
def cached_excel(filters: Filters, version: tuple, lang: str) -> bytes:
    dimensions = radar_dimensions(questionnaire())
    names = {d: short_label(questionnaire().dimension_name(d).get(lang)) for d in dimensions}
    return director_excel(cached_view(filters, version)[0], questionnaire(), lang, labels=names)


filters = Filters(account.organisation_id, round_info.id, location, discipline)

view, ms = cached_view(filters, data_version(conn))
st.metric(t("director.responses"), view.total.n)
st.caption(t("director.computed", ms=f"{ms:.0f}"))

if view.total.waiting and not view.total.withheld:
    st.caption(t("release.waiting", n=view.total.waiting, step=threshold))

if view.total.withheld:
    st.info(t("release.withheld", n=view.total.waiting, step=threshold), icon=":material/update:")
elif view.total.hidden:
    st.info(t("director.total_hidden", threshold=threshold), icon=":material/lock:")
else:
    title = t("director.heatmap_teams") if location else t("director.heatmap_locations")
    st.subheader(title)
    rows = [f"{row.label} (n={row.n})" for row in view.rows]
    values = [[row.means.get(d) for d in dims] for row in view.rows]
    st.plotly_chart(
        charts.heatmap(rows, labels, values, t("director.hidden_cell"), lang),
        width="stretch",
        key="director_heatmap",
        config=charts.CONFIG,
    )
    hidden = sum(row.hidden for row in view.rows)
    if hidden:
        st.caption(t("director.hidden_rows", n=hidden))

    left, right = st.columns(2)
    with left:
        st.subheader(t("director.profile_title"))
        names = [p.name.get(lang) for p in q.t_profiles]
        st.plotly_chart(
            charts.bars(names, [view.profiles.get(p.id, 0) for p in q.t_profiles], lang),
            width="stretch",
            key="director_profiles",
            config=charts.CONFIG,
        )
    with right:
        st.subheader(t("director.intensity_title"))
        level_names = {lv.level: lv.name.get(lang) for lv in q.intensity.levels}
        partners = [p.name.get(lang) for p in q.intensity.partner_types]
        counts = {p.name.get(lang): view.intensity.get(p.id, {}) for p in q.intensity.partner_types}
        st.plotly_chart(
            charts.distribution(partners, level_names, counts, lang),
            width="stretch",
            key="director_intensity",
            config=charts.CONFIG,
        )

left, right = st.columns(2)
with left:
    st.subheader(t("director.trend_title"))
    points = [TrendPoint(r.name, means) for r, means in trend(conn, settings(), account.organisation_id, dims)]
    st.plotly_chart(
        charts.trend(points, dict(zip(dims, labels, strict=True)), lang),
        width="stretch",
        key="director_trend",
        config=charts.CONFIG,
    )
with right:
    st.subheader(t("director.participation_title"))
    st.plotly_chart(
        charts.bars(
            [name for name, _, _ in view.participation],
            [n / m if m else 0 for _, n, m in view.participation],
            lang,
            percent=True,
        ),
        width="stretch",
        key="director_participation",
        config=charts.CONFIG,
    )

st.download_button(
    t("director.download"),
    cached_excel(filters, data_version(conn), lang),
    file_name=f"overzicht-{round_info.name.lower().replace(' ', '-')}.xlsx",
    key="director_xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
