"""Team pages through the real app: dashboard, thresholds under filters, comparison, network, dialogue."""

from __future__ import annotations

from tests.app.helpers import is_refused, log_in, message, query, texts


def team_lead(new_app):
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/team.py").run()
    assert not at.exception, at.exception
    return at


def select(at, key: str, value):
    next(s for s in at.selectbox if s.key == key).select(value).run()
    return at


def test_dashboard_shows_the_team_profile_with_band_and_spread(new_app):
    at = team_lead(new_app)
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"team_radar", "team_intensity", "team_mix", "team_participation"} <= charts
    shown = texts(at)
    assert message("nl", "team.disagreements_title") in shown
    assert message("nl", "team.gaps_title") in shown  # the viewer's own comparison, for them only
    assert {d.key for d in at.get("download_button")} == {"team_xlsx", "team_pdf"}


def test_a_filter_that_narrows_the_team_below_the_threshold_shows_only_counts(new_app, demo_db):
    rows = query(demo_db, "SELECT u.discipline, count(*) FROM responses p JOIN users u ON u.id = p.user_id"
                          " WHERE p.team_id = 1 AND p.round_id = 2 GROUP BY ALL ORDER BY 2")  # fmt: skip
    small = next(d for d, n in rows if n < 3)
    at = select(team_lead(new_app), "team_discipline", small)
    assert not at.exception
    charts = {c.key for c in at.get("plotly_chart")}
    assert not charts & {"team_radar", "team_intensity", "team_trend"}
    assert any("vanaf 3 ingevulde scans" in i.value for i in at.info)
    assert message("nl", "team.disagreements_title") not in texts(at)
    assert not at.get("download_button")


def test_members_see_the_dashboard_but_no_team_exports(new_app):
    at = log_in(new_app(), "professional")
    at.switch_page("pages/team.py").run()
    assert "team_radar" in {c.key for c in at.get("plotly_chart")}
    assert not at.get("download_button")


def test_comparison_hides_small_teams_and_shows_no_total(new_app, demo_db):
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    heatmap = next(c for c in at.get("plotly_chart") if c.key == "compare_heatmap")
    figure = heatmap.proto.spec if hasattr(heatmap, "proto") else ""
    assert "minder dan 5" in str(figure) or "minder dan 5" in str(heatmap.proto)
    assert "Totaal" not in str(heatmap.proto) and "Total" not in str(heatmap.proto)


def test_director_compares_teams_but_has_no_team_pages(new_app):
    at = log_in(new_app(), "director").run()
    assert is_refused(at, "pages/team.py") and is_refused(at, "pages/dialogue.py")


def test_network_page_shows_metrics_and_sociogram(new_app):
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/network.py").run()
    assert not at.exception, at.exception
    assert "sociogram" in {c.key for c in at.get("plotly_chart")}
    labels = [m.label for m in at.metric]
    assert message("nl", "network.density_short") in labels and message("nl", "network.centralization_short") in labels
    assert message("nl", "network.density") in texts(at)  # explained in the words of seed 003


def test_team_lead_keeps_actions_members_only_read(new_app, demo_db):
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/dialogue.py").run()
    assert not at.exception, at.exception
    next(a for a in at.text_area if a.key == "action_what").input("Maandelijks intervisie met de jeugdhulp")
    next(i for i in at.text_input if i.key == "action_who").input("Jeroen")
    next(b for b in at.button if b.key.startswith("FormSubmitter:action_form")).click().run()
    assert query(demo_db, "SELECT what, who, status FROM team_actions") == [
        ("Maandelijks intervisie met de jeugdhulp", "Jeroen", "open")]  # fmt: skip
    select(at, next(s.key for s in at.selectbox if s.key.startswith("action_status_")), "done")
    assert query(demo_db, "SELECT status FROM team_actions") == [("done",)]

    member = log_in(new_app(), "professional")
    member.switch_page("pages/dialogue.py").run()
    assert not any(a.key == "action_what" for a in member.text_area)
    assert message("nl", "dialogue.lead_only") in texts(member)
    assert "Maandelijks intervisie met de jeugdhulp" in "\n".join(x.value for x in member.text)


def test_markup_in_an_action_is_stored_and_shown_as_plain_text(new_app, demo_db):
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/dialogue.py").run()
    next(a for a in at.text_area if a.key == "action_what").input("<b>vet</b> **ook vet**")
    next(b for b in at.button if b.key.startswith("FormSubmitter:action_form")).click().run()
    assert "<b>vet</b> **ook vet**" in [x.value for x in at.text]
    assert "vet" not in "\n".join(m.value for m in at.markdown)


def test_a_team_of_three_shows_means_but_no_spread_and_never_lowest_or_highest(new_app, demo_db):
    """With your own score, lowest and highest (or mean and sd) of three give both colleagues' scores away."""
    from scan.store import connect
    from scan.store.responses import delete_person_data

    lead = query(demo_db, "SELECT user_id FROM accounts WHERE username = 'teamlead'")[0][0]
    others = [u for (u,) in query(demo_db, "SELECT user_id FROM responses WHERE team_id = 1 AND round_id = 2"
                                           " ORDER BY user_id = ? DESC, user_id", [lead])][1:]  # fmt: skip
    conn = connect(demo_db)
    for user in others[2:]:
        delete_person_data(conn, user)
    conn.close()
    assert query(demo_db, "SELECT count(*) FROM responses WHERE team_id = 1 AND round_id = 2")[0][0] == 3

    at = team_lead(new_app)
    assert "team_radar" in {c.key for c in at.get("plotly_chart")}
    assert message("nl", "team.spread_hidden", threshold=5) in texts(at)
    table = at.dataframe[0].value
    assert list(table.columns)[-1] == message("nl", "team.sd") and len(table.columns) == 4  # no lowest, highest
    assert table[message("nl", "team.sd")].isna().all() and (table[message("nl", "team.n")] <= 3).all()
