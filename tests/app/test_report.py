"""The personal report: radar with team mean, the T and its profile, intensity, strengths, reflection, trend."""

from __future__ import annotations

from scan.questionnaire import default_questionnaire
from tests.app.helpers import log_in, message, texts

Q = default_questionnaire()


def test_report_shows_every_part_for_its_owner(new_app):
    at = log_in(new_app(), "teamlead")  # took part in both rounds of the demo
    at.switch_page("pages/report.py").run()
    assert not at.exception
    shown = texts(at)
    charts = {chart.key for chart in at.get("plotly_chart")}
    assert {"radar_chart", "intensity_chart", "trend_chart"} <= charts
    profile_names = {p.name.nl for p in Q.t_profiles}
    # The T is drawn with its profile when depth and breadth both have a score; otherwise the report says why.
    if "t_chart" in charts:
        assert any(f"### {name}" in shown for name in profile_names)
    else:
        assert message("nl", "report.no_profile") in shown
    for heading in ("report.radar_title", "report.t_title", "report.intensity_title", "report.strengths",
                    "report.focus", "report.trend_title"):  # fmt: skip
        assert message("nl", heading) in shown, heading
    item_texts = {item.text.nl for item in Q.items}
    strengths = [s.value.split("  \n")[0] for s in at.success]
    assert len(strengths) == 3 and set(strengths) <= item_texts
    blocks = {b.name.nl for b in Q.building_blocks}
    assert any(message("nl", "report.reflection_title", block=b) in shown for b in blocks)
    assert {d.key for d in at.get("download_button")} == {"download_pdf", "download_csv"}


def test_report_without_a_scan_points_to_the_scan(new_app):
    at = log_in(new_app(), "professional")  # answered the closed round only: that report exists
    at.switch_page("pages/report.py").run()
    assert message("nl", "report.title") == at.title[0].value
    assert at.get("plotly_chart")


def test_report_in_english(new_app):
    at = log_in(new_app(), "teamlead")
    at.session_state["ui_language"] = "en"
    at.switch_page("pages/report.py").run()
    shown = texts(at)
    assert message("en", "report.strengths") in shown
    assert any(f"### {p.name.en}" in shown for p in Q.t_profiles) or message("en", "report.no_profile") in shown
