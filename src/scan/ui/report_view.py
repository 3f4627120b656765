"""The personal report on screen; the same PersonalReport feeds the PDF and the CSV downloads."""

from __future__ import annotations

import streamlit as st

from scan.questionnaire import Questionnaire
from scan.report import PersonalReport, personal_csv
from scan.reports.pdf import personal_report_pdf
from scan.ui import charts
from scan.ui.i18n import t
from scan.ui.plain import markdown_literal


def _file_stem(report: PersonalReport) -> str:
    return "kindcentrum-scan-" + "".join(c if c.isalnum() else "-" for c in report.round_name.lower())


def show_personal_report(report: PersonalReport, questionnaire: Questionnaire, team_threshold: int) -> None:
    lang = report.lang
    st.caption(f"{t('report.round')}: {markdown_literal(report.round_name)}")

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("report.radar_title"))
        st.plotly_chart(
            charts.radar(report.radar, t("report.own"), t("report.team"), lang),
            width="stretch",
            key="radar_chart",
            config=charts.CONFIG,
        )
        st.caption(t("report.radar_caption"))
        if not report.team_shown:
            st.caption(t("report.team_hidden", n=team_threshold))
    with right:
        st.subheader(t("report.t_title"))
        shape = report.t_shape
        if shape.profile_id:
            st.markdown(f"### {shape.name}")
            st.plotly_chart(
                charts.t_shape(shape.depth, shape.breadth, t("report.depth"), t("report.breadth"), lang),
                width="stretch",
                key="t_chart",
                config=charts.CONFIG,
            )
            st.write(shape.description)
            st.markdown(f"**{t('report.advice')}**")
            st.write(shape.advice)
        else:
            st.info(t("report.no_profile"))

    st.subheader(t("report.intensity_title"))
    if any(line.current for line in report.intensity):
        level_names = {lv.level: lv.name.get(lang) for lv in questionnaire.intensity.levels}
        st.plotly_chart(
            charts.intensity(report.intensity, level_names, t("report.now"), t("report.wanted"), lang),
            width="stretch",
            key="intensity_chart",
            config=charts.CONFIG,
        )
        st.caption(t("report.intensity_caption"))
    else:
        st.caption(t("report.intensity_none"))

    strong, weak = st.columns(2, gap="large")
    with strong:
        st.subheader(t("report.strengths"))
        for line in report.strengths:
            st.success(f"{line.text}  \n*{line.dimension}*", icon=":material/star:")
    with weak:
        st.subheader(t("report.focus"))
        for line in report.focus:
            st.warning(f"{line.text}  \n*{line.dimension}*", icon=":material/flag:")

    if report.weakest_block:
        st.subheader(t("report.reflection_title", block=report.weakest_block))
        st.write(t("report.reflection_intro"))
        st.markdown("\n".join(f"- {question}" for question in report.reflection_questions))

    st.subheader(t("report.trend_title"))
    if len(report.trend) >= 2:
        labels = {p.dimension_id: p.label for p in report.radar}
        st.plotly_chart(
            charts.trend(report.trend, labels, lang), width="stretch", key="trend_chart", config=charts.CONFIG
        )
    else:
        st.caption(t("report.trend_single"))

    with st.expander(t("report.scores_title")):
        st.dataframe(
            [
                {
                    "": line.construct_label,
                    t("report.scores_title"): line.label,
                    t("report.score"): round(line.score, 2),
                }
                for line in report.scores
                if line.score is not None
            ],
            hide_index=True,
            width="stretch",
        )

    st.subheader(t("report.downloads"))
    pdf_column, csv_column = st.columns(2)
    pdf_column.download_button(
        t("report.pdf"),
        data=personal_report_pdf(report),
        file_name=_file_stem(report) + ".pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="download_pdf",
        width="stretch",
    )
    csv_column.download_button(
        t("report.csv"),
        data=personal_csv(report, questionnaire),
        file_name=_file_stem(report) + ".csv",
        mime="text/csv",
        icon=":material/table:",
        key="download_csv",
        width="stretch",
    )
