"""The director's overview through the real app."""

from __future__ import annotations

from tests.app.helpers import is_refused, log_in, message, texts


def test_director_sees_the_overview_and_can_filter(new_app):
    at = log_in(new_app(), "director").run()
    at.switch_page("pages/director.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == message("nl", "director.title")
    shown = {c.key for c in at.get("plotly_chart")}
    assert "director_trend" in shown and "director_participation" in shown
    assert any(d.key == "director_xlsx" for d in at.get("download_button"))
    location = next(s for s in at.selectbox if s.key == "director_location")
    location.select_index(1).run()
    assert not at.exception
    discipline = next(s for s in at.selectbox if s.key == "director_discipline")
    discipline.select("jeugdhulp").run()
    assert not at.exception
    # A small demo board: narrowed this far, only counts and the explanation remain.
    assert message("nl", "director.total_hidden", threshold=5) in texts(at)
    assert "director_heatmap" not in {c.key for c in at.get("plotly_chart")}


def test_professionals_and_team_leads_have_no_overview(new_app):
    for user in ("professional", "teamlead"):
        at = log_in(new_app(), user).run()
        assert is_refused(at, "pages/director.py")
