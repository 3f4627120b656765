"""Teamdashboard: the team's profile and spread, for the members and team leads of that team."""

import streamlit as st

from scan.analytics import rounds_of, team_trend
from scan.analytics.teams import discipline_mix, participation, team_view, teams_of_user
from scan.report import TrendPoint, radar_dimensions, short_label
from scan.reports.excel import team_excel
from scan.reports.team_pdf import team_report_pdf
from scan.scoring import BLIND_SPOT
from scan.ui import charts
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.pickers import pick_round, pick_team
from scan.ui.session import db, questionnaire, settings

account = require_roles("professional", "team_lead")
conn, q, lang = db(), questionnaire(), current_language()
threshold = settings().privacy.team_threshold
st.title(t("team.title"))

left, middle, right = st.columns(3)
with left:
    chosen = pick_team(teams_of_user(conn, account.user_id))
if chosen is None:
    st.stop()
with middle:
    round_info = pick_round(rounds_of(conn, chosen.organisation_id))
mix = discipline_mix(conn, chosen.id)
with right:
    narrowed = st.selectbox(
        t("team.filter_discipline"),
        [None, *mix],
        format_func=lambda d: t("team.all_disciplines") if d is None else settings().discipline(d).name(lang),
        key="team_discipline",
    )

view = team_view(
    conn,
    q,
    settings(),
    team_id=chosen.id,
    round_id=round_info.id,
    threshold=threshold,
    viewer_user_id=account.user_id,
    discipline=narrowed,
)
first, second = st.columns(2)
first.metric(t("team.responses"), f"{view.n_answered} / {view.n_members}")
if view.participation is not None:
    second.metric(t("team.participation"), f"{view.participation:.0%}")

if view.waiting and not view.withheld:
    st.caption(t("release.waiting", n=view.waiting, step=threshold))

if view.withheld:
    st.info(t("release.withheld", n=view.waiting, step=threshold), icon=":material/update:")
elif view.rest_too_small:
    st.info(t("team.rest_too_small", threshold=threshold), icon=":material/lock:")
elif not view.visible:
    st.info(t("team.below", n=view.n_answered, members=view.n_members, threshold=threshold), icon=":material/lock:")

else:
    dims = [d for d in radar_dimensions(q) if d in view.spreads]
    labels = [short_label(q.dimension_name(d).get(lang)) for d in dims]
    own = [view.own_scores.get(d) for d in dims] if view.own_scores else None
    st.subheader(t("team.radar_title"))
    st.plotly_chart(
        charts.team_radar(
            labels,
            [view.spreads[d].mean for d in dims],
            [view.spreads[d].sd for d in dims],
            own,
            (t("team.team_mean"), t("team.band"), t("team.you")),
            lang,
        ),
        width="stretch",
        key="team_radar",
        config=charts.CONFIG,
    )
    st.caption(t("team.radar_caption"))

    st.subheader(t("team.disagreements_title"))
    st.write(t("team.disagreements_intro"))
    subdims = tuple(s.id for c in q.constructs if not c.optional for s in c.subdimensions)
    widest = view.disagreements(subdims)
    for spread in widest:
        st.markdown(f"- **{q.dimension_name(spread.dimension).get(lang)}** — {t('team.sd')}: {spread.sd:.1f}")
    if not widest:
        st.caption(t("team.spread_hidden", threshold=settings().privacy.spread_threshold))
    with st.expander(t("team.spread_table")):
        st.dataframe(
            [
                {
                    t("team.dimension"): q.dimension_name(d).get(lang),
                    t("team.n"): s.n,
                    t("team.mean"): round(s.mean, 2),
                    t("team.sd"): s.sd,
                }
                for d, s in view.spreads.items()
            ],
            hide_index=True,
            width="stretch",
        )

    if view.own_gaps:
        st.subheader(t("team.gaps_title"))
        flagged = [g for g in view.own_gaps if g.kind and g.dimension in subdims + tuple(dims)]
        for gap in flagged:
            key = "team.blind_spot" if gap.kind == BLIND_SPOT else "team.hidden_strength"
            name = q.dimension_name(gap.dimension).get(lang)
            st.markdown(
                f"**{name}**: "
                + t(key, own=charts.number(gap.self_score, lang), team=charts.number(gap.team_mean, lang))
            )
        if not flagged:
            st.caption(t("team.no_gaps"))

    st.subheader(t("team.intensity_title"))
    level_names = {lv.level: lv.name.get(lang) for lv in q.intensity.levels}
    rows, counts = [], {}
    for partner in q.intensity.partner_types:
        slot = view.intensity.get(partner.id)
        if slot:
            for moment in ("current", "desired"):
                row = f"{partner.name.get(lang)} · {t('team.' + moment)}"
                rows.append(row)
                counts[row] = dict(slot[moment])
    st.plotly_chart(
        charts.distribution(rows, level_names, counts, lang),
        width="stretch",
        key="team_intensity",
        config=charts.CONFIG,
    )
    st.caption(t("team.intensity_caption"))

left, right = st.columns(2)
with left:
    st.subheader(t("team.mix_title"))
    st.plotly_chart(
        charts.bars([settings().discipline(d).name(lang) for d in mix], list(mix.values()), lang),
        width="stretch",
        key="team_mix",
        config=charts.CONFIG,
    )
with right:
    st.subheader(t("team.participation_title"))
    rounds = participation(conn, chosen.id)
    st.plotly_chart(
        charts.bars([r.name for r, _, _ in rounds], [n / m if m else 0 for _, n, m in rounds], lang, percent=True),
        width="stretch",
        key="team_participation",
        config=charts.CONFIG,
    )

if narrowed is None:  # the trend is the whole team's: not beside a filtered part
    st.subheader(t("team.trend_title"))
    trend = [
        TrendPoint(i.name, agg.means())
        for i, agg in team_trend(conn, chosen.id, threshold, privacy=settings().privacy)
        if agg.visible
    ]
    if len(trend) >= 2:
        names = {d: short_label(q.dimension_name(d).get(lang)) for d in radar_dimensions(q)}
        st.plotly_chart(charts.trend(trend, names, lang), width="stretch", key="team_trend", config=charts.CONFIG)
    else:
        st.caption(t("team.trend_single"))


if "team_lead" in account.roles and view.visible and narrowed is None:
    st.subheader(t("team.downloads"))
    excel, pdf = st.columns(2)
    stem = "team-" + "".join(c if c.isalnum() else "-" for c in f"{chosen.name}-{round_info.name}".lower())
    excel.download_button(
        t("team.excel"),
        team_excel(view, q, lang),
        file_name=stem + ".xlsx",
        key="team_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        width="stretch",
    )
    pdf.download_button(
        t("team.pdf"),
        team_report_pdf(view, q, lang),
        file_name=stem + ".pdf",
        key="team_pdf",
        mime="application/pdf",
        width="stretch",
    )
