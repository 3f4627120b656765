"""The questionnaire flow: consent, step validation, back and next, draft resume, submit, guest."""

from __future__ import annotations

from scan.questionnaire import default_questionnaire
from tests.app.helpers import answer_step, button, log_in, message, next_step, query, start_scan, texts

Q = default_questionnaire()
FIRST, SECOND = Q.constructs[0], Q.constructs[1]


def question_radios(at):
    return [r for r in at.radio if r.key.startswith("q_")]


def test_consent_comes_first_and_is_recorded(new_app, demo_db):
    at = log_in(new_app(), "professional")
    at.switch_page("pages/scan.py").run()
    assert message("nl", "scan.consent_title") in texts(at)
    assert not question_radios(at)
    button(at, "consent_start").click().run()  # not ticked yet
    assert message("nl", "scan.consent_needed") in texts(at)
    next(c for c in at.checkbox if c.key == "consent_check").check().run()
    button(at, "consent_start").click().run()
    assert len(question_radios(at)) == len(FIRST.items)
    assert query(demo_db, "SELECT count(*) FROM consents")[0][0] == 1


def test_next_is_blocked_until_every_question_has_an_answer(new_app):
    at = start_scan(log_in(new_app(), "professional"))
    radios = question_radios(at)
    for radio in radios[:-2]:
        radio.set_value(4)
    at.run()
    next_step(at)
    error = at.error[0].value
    n = len(FIRST.items)
    assert error == message("nl", "scan.missing", questions=f"vraag {n - 1}, vraag {n}")
    assert texts(at).count(message("nl", "scan.missing_item")) == 2
    assert question_radios(at)[0].key == f"q_{FIRST.items[0].id}"  # still on the first step
    question_radios(at)[-2].set_value(3)
    question_radios(at)[-1].set_value("na")  # "niet van toepassing" counts as an answer
    next_step(at.run())
    assert not at.error
    assert {r.key for r in question_radios(at)} == {f"q_{i.id}" for i in SECOND.items}


def test_back_and_next_keep_the_answers(new_app):
    at = start_scan(log_in(new_app(), "professional"))
    next_step(answer_step(at, 2))
    answer_step(at, 5)
    button(at, "scan_back").click().run()
    assert {r.value for r in question_radios(at)} == {2}
    next_step(at)
    assert {r.value for r in question_radios(at)} == {5}


def test_a_half_finished_scan_resumes_after_a_new_login(new_app, demo_db):
    at = start_scan(log_in(new_app(), "professional"))
    next_step(answer_step(at, 4))
    question_radios(at)[0].set_value(1)
    at.run()
    assert query(demo_db, "SELECT count(*) FROM drafts")[0][0] == 1

    again = start_scan(log_in(new_app(), "professional"))  # a new session, as after closing the browser
    radios = question_radios(again)
    assert radios[0].key == f"q_{SECOND.items[0].id}" and radios[0].value == 1
    button(again, "scan_back").click().run()
    assert {r.value for r in question_radios(again)} == {4}


def finish_scan(at, value=4):
    for construct in Q.constructs:
        assert question_radios(at) or construct.optional, construct.id
        next_step(answer_step(at, value))
    next_step(answer_step(at))  # collaboration intensity
    if any(r.key.startswith("tie_freq_") for r in at.radio):  # the network step (signed-in users only)
        for box in at.checkbox:
            if box.key.startswith("tie_support_"):
                box.check()
                break
        next_step(answer_step(at))
    return at


def test_submit_stores_one_response_and_shows_the_report(new_app, demo_db):
    at = finish_scan(start_scan(log_in(new_app(), "professional")))
    assert message("nl", "scan.summary_title") in texts(at)
    before = query(demo_db, "SELECT count(*) FROM responses")[0][0]
    button(at, "scan_submit").click().run()
    assert not at.exception
    assert query(demo_db, "SELECT count(*) FROM responses")[0][0] == before + 1
    assert query(demo_db, "SELECT count(*) FROM drafts")[0][0] == 0
    at.switch_page("pages/report.py").run()
    assert at.title[0].value == message("nl", "report.title")
    assert at.get("plotly_chart")
    at.switch_page("pages/scan.py").run()  # the round is done: no second scan
    assert not question_radios(at)
    assert message("nl", "scan.already_done", round="Voorjaar 2026") in texts(at)


def test_the_questionnaire_follows_the_language(new_app):
    at = start_scan(log_in(new_app(), "professional"))
    assert question_radios(at)[0].label.endswith(FIRST.items[0].text.nl)
    at.session_state["ui_language"] = "en"
    at.run()
    assert question_radios(at)[0].label.endswith(FIRST.items[0].text.en)
    assert button(at, "scan_next").label == message("en", "scan.next")


def test_guest_scan_shows_a_report_and_stores_nothing(new_app, demo_db):
    tables = ("responses", "answers", "drafts", "consents", "users")
    before = [query(demo_db, f"SELECT count(*) FROM {t}")[0][0] for t in tables]
    at = new_app()
    at.switch_page("pages/guest.py").run()
    next(c for c in at.checkbox if c.key == "consent_check").check().run()
    button(at, "consent_start").click().run()
    finish_scan(at)
    button(at, "scan_submit").click().run()
    assert not at.exception
    assert at.get("plotly_chart") and any(b.key == "download_pdf" for b in at.get("download_button"))
    assert message("nl", "report.guest_note") in texts(at)
    assert [query(demo_db, f"SELECT count(*) FROM {t}")[0][0] for t in tables] == before


def test_network_step_lists_the_colleagues_and_stores_the_ties(new_app, demo_db):
    at = start_scan(log_in(new_app(), "professional"))
    for _ in Q.constructs:
        next_step(answer_step(at))
    next_step(answer_step(at))  # intensity
    colleagues = [r for r in at.radio if r.key.startswith("tie_freq_")]
    team = query(demo_db, "SELECT count(*) FROM memberships WHERE team_id = 1")[0][0]
    assert len(colleagues) == team - 1  # everyone but oneself
    next_step(at)
    assert at.error and message("nl", "scan.missing_item") in texts(at)
    answer_step(at)
    next(b for b in at.checkbox if b.key.startswith("tie_support_")).check().run()
    next(m for m in at.multiselect if m.key == "external_partners").select("logopedie").run()
    next_step(at)
    button(at, "scan_submit").click().run()
    user = query(demo_db, "SELECT user_id FROM accounts WHERE username = 'professional'")[0][0]
    ties = query(demo_db, "SELECT count(*), sum(support::INT) FROM network_ties t JOIN responses p"
                          " ON p.id = t.response_id WHERE p.user_id = ? AND p.round_id = 2", [user])  # fmt: skip
    assert ties == [(team - 1, 1)]
    assert query(demo_db, "SELECT partner_type FROM external_contacts") == [("logopedie",)]
