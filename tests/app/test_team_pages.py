"""Team pages through the real app: dashboard, thresholds under filters, comparison, network, dialogue."""

from __future__ import annotations

import json
import re

import duckdb

from scan.report import short_label
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


def network_page(new_app, username: str):
    at = log_in(new_app(), username)
    at.switch_page("pages/network.py").run()
    assert not at.exception, at.exception
    return at


def shown_text(at) -> str:
    """The page's text, the measures and the figures' data, as a person (or their browser) gets them."""
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return "\n".join([texts(at), *(str(x.value) for x in at.text), *(m.label for m in at.metric), json.dumps(figures)])


def chart_labels(at) -> set[str]:
    """Every label a chart puts on the page: the heatmap's rows and columns, the sociogram's node texts."""
    labels = set()
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            if trace["type"] == "heatmap":
                labels |= {*trace["x"], *trace["y"]}
            elif "text" in trace.get("mode", ""):
                labels |= {re.sub(r"</?b>", "", label) for label in trace["text"]}
    return labels


def the_demo_team(demo_db, username: str) -> tuple[int, int, int]:
    """(viewer, team, open round) of a demo account: the round the network page opens on."""
    return query(demo_db, "SELECT a.user_id, m.team_id, r.id FROM accounts a"
                 " JOIN memberships m ON m.user_id = a.user_id"
                 " JOIN teams t ON t.id = m.team_id JOIN locations l ON l.id = t.location_id"
                 " JOIN rounds r ON r.organisation_id = l.organisation_id AND r.status = 'open'"
                 " WHERE a.username = ?", [username])[0]  # fmt: skip


def test_network_page_shows_no_colleague_and_no_single_person_profession(new_app, demo_db, config):
    viewer, team, round_id = the_demo_team(demo_db, "professional")
    colleagues = [
        name
        for (name,) in query(
            demo_db,
            "SELECT u.display_name FROM memberships m JOIN users u"
            " ON u.id = m.user_id WHERE m.team_id = ? AND u.id <> ?",
            [team, viewer],
        )
    ]
    per_profession = dict(query(demo_db, "SELECT u.discipline, count(*) FROM responses p JOIN users u"
                                " ON u.id = p.user_id WHERE p.team_id = ? AND p.round_id = ? GROUP BY ALL",
                                [team, round_id]))  # fmt: skip
    minimum = config.privacy.network_min_profession
    small = {config.discipline(d).name_nl for d, n in per_profession.items() if n < minimum}
    assert small and len(colleagues) >= 5  # the demo team has professions only one or two people in it have

    at = network_page(new_app, "professional")
    shown = shown_text(at)
    assert not [name for name in colleagues if name in shown]
    # Every label in a chart is a profession of at least three respondents (in full or short), or the merged group.
    allowed = {config.discipline(d).name_nl for d, n in per_profession.items() if n >= minimum}
    allowed |= {short_label(name) for name in allowed}
    assert chart_labels(at) <= allowed | {message("nl", "network.other_professions")}
    assert "sociogram" not in {c.key for c in at.get("plotly_chart")}
    assert message("nl", "network.names_only_when_all_agreed") in shown
    # The measures still show, explained in the words of seed 003.
    labels = [m.label for m in at.metric]
    assert message("nl", "network.density_short") in labels and message("nl", "network.centralization_short") in labels
    assert message("nl", "network.density") in texts(at)


def test_network_page_shows_ones_own_network_and_names_once_everyone_agreed(new_app, demo_db):
    viewer, team, round_id = the_demo_team(demo_db, "teamlead")
    named = sorted(name for (name,) in query(
        demo_db, "SELECT u.display_name FROM network_ties x JOIN responses p ON p.id = x.response_id"
        " JOIN users u ON u.id = x.target_user_id WHERE p.user_id = ? AND p.round_id = ? AND x.support",
        [viewer, round_id]))  # fmt: skip
    asked_by = query(demo_db, "SELECT count(*) FROM network_ties x JOIN responses p ON p.id = x.response_id"
                     " WHERE x.target_user_id = ? AND p.round_id = ? AND p.team_id = ? AND x.support",
                     [viewer, round_id, team])[0][0]  # fmt: skip
    at = network_page(new_app, "teamlead")
    own = [x.value for x in at.text]
    assert message("nl", "network.own_named_by", n=asked_by) in own
    assert message("nl", "network.own_named", names=", ".join(sorted(named, key=str.casefold))) in own and named

    with duckdb.connect(str(demo_db)) as conn:  # everyone in the team's round ticked the box in the network step
        conn.execute("UPDATE responses SET network_names_agreed = true WHERE team_id = ? AND round_id = ?",
                     [team, round_id])  # fmt: skip
    respondents = {name for (name,) in query(demo_db, "SELECT u.display_name FROM responses p JOIN users u"
                                             " ON u.id = p.user_id WHERE p.team_id = ? AND p.round_id = ?",
                                             [team, round_id])}  # fmt: skip
    at = network_page(new_app, "teamlead")
    assert "sociogram" in {c.key for c in at.get("plotly_chart")}
    assert respondents <= chart_labels(at)
    assert message("nl", "network.names_only_when_all_agreed") not in shown_text(at)


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
