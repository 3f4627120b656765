"""Disclosure rule d on the team dashboard: the figures move only in steps of at least 3 responses."""

from __future__ import annotations

import uuid
from contextlib import closing

from scan.passwords import hash_password
from scan.store import connect
from scan.store.org import add_team, add_user
from scan.store.responses import Submission, delete_person_data, submit
from tests.app.helpers import log_in, message, query, texts
from tests.helpers import full_answers

PASSWORD = "lang-genoeg-wachtwoord"


def shown_figures(at) -> tuple:
    """Every figure the dashboard draws from the team's answers: the spread table and the two charts."""
    charts = {c.key: str(c.proto.spec) for c in at.get("plotly_chart") if c.key in ("team_radar", "team_intensity")}
    tables = [frame.value.to_dict("records") for frame in at.dataframe]
    return charts, tables


def test_a_new_response_waits_and_a_deletion_withholds_until_three_changed(new_app, demo_db, questionnaire, model):
    organisation, location, round_id = query(
        demo_db,
        "SELECT l.organisation_id, l.id, r.id FROM teams t JOIN locations l ON l.id = t.location_id"
        " JOIN rounds r ON r.organisation_id = l.organisation_id AND r.status = 'open' WHERE t.id = 1",
    )[0]
    with closing(connect(demo_db)) as conn:
        team = add_team(conn, location, "Peuterteam")
        add_user(conn, organisation_id=organisation, display_name="Fatima", discipline="leerkracht",
                 username="fatima", password_hash=hash_password(PASSWORD), team_ids=[team])  # fmt: skip
        colleagues = [
            add_user(
                conn, organisation_id=organisation, display_name=f"Collega {k}", discipline="jeugdhulp", team_ids=[team]
            )
            for k in range(5)
        ]

    def answered(k: int) -> None:
        with closing(connect(demo_db)) as conn:
            scan = Submission(str(uuid.uuid4()), colleagues[k], team, round_id, full_answers(questionnaire, 1 + k))
            submit(conn, questionnaire, model, scan)

    for k in range(3):
        answered(k)
    at = log_in(new_app(), "fatima", PASSWORD)
    at.switch_page("pages/team.py").run()
    assert not at.exception, at.exception
    three = shown_figures(at)
    assert "team_radar" in three[0] and three[1], "a team of three shows its means"

    answered(3)
    at.run()
    assert shown_figures(at) == three, "a fourth response changed a figure"
    assert message("nl", "release.waiting", n=1, step=3) in texts(at)
    assert any(m.label == message("nl", "team.responses") and m.value == "4 / 6" for m in at.metric)

    with closing(connect(demo_db)) as conn:
        delete_person_data(conn, colleagues[0])
    at.run()
    assert not at.exception, at.exception
    assert shown_figures(at) == ({}, []), "figures without the deleted response would give it away"
    assert message("nl", "release.withheld", n=2, step=3) in texts(at)

    answered(4)  # the third change since the figures were released
    at.run()
    four = shown_figures(at)
    assert "team_radar" in four[0] and four[1] and four != three
    assert message("nl", "release.waiting", n=1, step=3) not in texts(at)
