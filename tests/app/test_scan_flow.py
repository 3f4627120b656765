"""The questionnaire flow: consent, step validation, back and next, draft resume, submit, guest."""

from __future__ import annotations

import json

from scan.questionnaire import default_questionnaire
from scan.ui.i18n import LANGUAGE_KEY
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
    assert question_radios(at)[0].key == f"q_{FIRST.items[0].id}.nl"  # still on the first step
    question_radios(at)[-2].set_value(3)
    question_radios(at)[-1].set_value("na")  # "niet van toepassing" counts as an answer
    next_step(at.run())
    assert not at.error
    assert {r.key for r in question_radios(at)} == {f"q_{i.id}.nl" for i in SECOND.items}


def test_back_and_next_keep_the_answers(new_app):
    at = start_scan(log_in(new_app(), "professional"))
    next_step(answer_step(at, 2))
    answer_step(at, 5)
    button(at, "scan_back").click().run()
    assert {r.value for r in question_radios(at)} == {2}
    next_step(at)
    assert {r.value for r in question_radios(at)} == {5}


def test_an_answer_whose_callback_streamlit_dropped_is_still_taken_and_kept(new_app, demo_db):
    """Quick clicks can make Streamlit replace a run before it drew a widget, and then skip that widget's
    callback: the value the widget holds when drawn is taken into the scan and the draft all the same."""
    at = start_scan(log_in(new_app(), "professional"))
    answer_step(at, 4)
    last = question_radios(at)[-1]
    at.session_state[last.key] = 2  # the widget's value, without its on_change callback
    at.run()
    next_step(at)
    assert not at.error
    assert {r.key for r in question_radios(at)} == {f"q_{i.id}.nl" for i in SECOND.items}
    draft = json.loads(query(demo_db, "SELECT payload FROM drafts")[0][0])
    assert draft["answers"][FIRST.items[-1].id] == 2


def test_a_half_finished_scan_resumes_after_a_new_login(new_app, demo_db):
    at = start_scan(log_in(new_app(), "professional"))
    next_step(answer_step(at, 4))
    question_radios(at)[0].set_value(1)
    at.run()
    assert query(demo_db, "SELECT count(*) FROM drafts")[0][0] == 1

    again = start_scan(log_in(new_app(), "professional"))  # a new session, as after closing the browser
    radios = question_radios(again)
    assert radios[0].key == f"q_{SECOND.items[0].id}.nl" and radios[0].value == 1
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
    # The network step's box was left as it was: no agreement to show one's name.
    assert query(demo_db, "SELECT bool_or(network_names_agreed) FROM responses WHERE round_id = 2") == [(False,)]
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
    next(m for m in at.multiselect if m.key.startswith("external_partners")).select("logopedie").run()
    user = query(demo_db, "SELECT user_id FROM accounts WHERE username = 'professional'")[0][0]
    # Off unless ticked; ticked, it is kept in the draft like the other answers, and sent.
    agreement = next(b for b in at.checkbox if b.key == "network_names_agreed")
    assert agreement.value is False and agreement.label == message("nl", "scan.names_agreed")
    agreement.check().run()
    draft = json.loads(query(demo_db, "SELECT payload FROM drafts WHERE user_id = ? AND round_id = 2", [user])[0][0])
    assert draft["names_agreed"] is True
    next_step(at)
    button(at, "scan_submit").click().run()
    assert query(demo_db, "SELECT network_names_agreed FROM responses WHERE user_id = ? AND round_id = 2", [user]) == [
        (True,)
    ]
    ties = query(demo_db, "SELECT count(*), sum(support::INT) FROM network_ties t JOIN responses p"
                          " ON p.id = t.response_id WHERE p.user_id = ? AND p.round_id = 2", [user])  # fmt: skip
    assert ties == [(team - 1, 1)]
    assert query(demo_db, "SELECT partner_type FROM external_contacts") == [("logopedie",)]


# ---- a language switch in the middle of the scan, and drafts that cannot be read as they are ------------


def switch_language(at, lang):
    """What the sidebar's language control does: its callback sets the session language, and the page reruns.

    AppTest runs the page scripts without app.py's sidebar; the browser test clicks the control itself.
    """
    at.session_state[LANGUAGE_KEY] = lang
    return at.run()


def professional_ids(db_path, username="professional"):
    return query(
        db_path,
        "SELECT a.user_id, r.id FROM accounts a JOIN users u ON u.id = a.user_id"
        " JOIN rounds r ON r.organisation_id = u.organisation_id AND r.status = 'open' WHERE a.username = ?",
        [username],
    )[0]


def stored_draft(db_path, username="professional"):
    user, round_id = professional_ids(db_path, username)
    rows = query(db_path, "SELECT payload FROM drafts WHERE user_id = ? AND round_id = ?", [user, round_id])
    return json.loads(rows[0][0]) if rows else None


def put_draft(db_path, payload, username="professional"):
    """A draft as an older version of the app (or a damaged database) left it."""
    user, round_id = professional_ids(db_path, username)
    raw = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    query(db_path, "DELETE FROM drafts WHERE user_id = ? AND round_id = ?", [user, round_id])
    query(db_path, "INSERT INTO drafts (user_id, round_id, payload) VALUES (?, ?, ?)", [user, round_id, raw])


def sent_answers(db_path, username="professional"):
    """The answers stored for this round's response (the demo person answered earlier rounds too)."""
    user, round_id = professional_ids(db_path, username)
    sql = "SELECT item_id, value FROM answers JOIN responses p ON p.id = response_id WHERE user_id = ? AND round_id = ?"
    return dict(query(db_path, sql, [user, round_id]))


def radio_values(at, prefix):
    return [r.value for r in at.radio if r.key.startswith(prefix)]


def finish_remaining(at):
    """Answer every later step (4, intensity 2/3, weekly) until the summary."""
    while not any(b.key == "scan_submit" for b in at.button):
        next_step(answer_step(at))
        assert not at.exception
    return at


def test_a_language_switch_mid_step_keeps_the_answers_shown_stored_and_sent(new_app, demo_db):
    at = start_scan(log_in(new_app(), "professional"))
    first, second, third = FIRST.items[:3]
    radios = question_radios(at)
    radios[0].set_value(4)
    radios[1].set_value("na")
    at.run()

    switch_language(at, "en")
    assert question_radios(at)[0].label.endswith(first.text.en)
    assert question_radios(at)[0].options[3] == f"4 · {Q.scale.labels[4].en}"
    assert radio_values(at, "q_")[:3] == [4, "na", None]
    question_radios(at)[2].set_value(2)  # the next answer, given in English
    at.run()
    assert not at.exception
    assert radio_values(at, "q_")[:3] == [4, "na", 2]
    assert stored_draft(demo_db)["answers"] == {first.id: 4, second.id: "na", third.id: 2}

    switch_language(at, "nl")
    for radio in question_radios(at)[3:]:
        radio.set_value(5)
    at.run()
    assert radio_values(at, "q_")[:4] == [4, "na", 2, 5]
    assert stored_draft(demo_db)["answers"][first.id] == 4
    next_step(at)
    switch_language(at, "en")
    finish_remaining(at)
    button(at, "scan_submit").click().run()
    assert not at.exception
    answers = sent_answers(demo_db)
    assert answers[first.id] == 4 and answers[third.id] == 2 and second.id not in answers  # n.v.t. is no row
    assert all(answers[item.id] == 5 for item in FIRST.items[3:])
    assert query(demo_db, "SELECT count(*) FROM drafts")[0][0] == 0


def test_a_guest_switching_language_keeps_consent_and_answers(new_app, demo_db):
    at = new_app()
    at.switch_page("pages/guest.py").run()
    next(c for c in at.checkbox if c.key == "consent_check").check().run()
    switch_language(at, "en")  # on the consent screen: the tick stays
    button(at, "consent_start").click().run()
    assert question_radios(at) and question_radios(at)[0].label.endswith(FIRST.items[0].text.en)

    question_radios(at)[0].set_value(1)
    question_radios(at)[1].set_value("na")
    at.run()
    switch_language(at, "nl")
    assert radio_values(at, "q_")[:2] == [1, "na"]
    question_radios(at)[2].set_value(3)
    at.run()
    assert not at.exception
    assert at.session_state["_scan_state"]["answers"] == {FIRST.items[0].id: 1, FIRST.items[1].id: "na",
                                                          FIRST.items[2].id: 3}  # fmt: skip
    for radio in question_radios(at)[3:]:
        radio.set_value(4)
    next_step(at.run())
    switch_language(at, "en")
    finish_remaining(at)
    button(at, "scan_submit").click().run()
    assert not at.exception
    answers, _ = at.session_state["_guest_result"]
    assert answers[FIRST.items[0].id] == 1 and answers[FIRST.items[1].id] is None and answers[FIRST.items[2].id] == 3
    assert at.get("plotly_chart")
    assert query(demo_db, "SELECT count(*) FROM drafts")[0][0] == 0


def test_a_language_switch_on_the_module_intensity_and_network_steps_keeps_every_answer(new_app, demo_db):
    at = start_scan(log_in(new_app(), "professional"))
    module = next(c for c in Q.constructs if c.optional)
    for construct in Q.constructs:
        if construct is module:  # an optional module, switched on, then the language
            next(g for g in at.toggle if g.key == f"module_{module.id}").set_value(True).run()
            switch_language(at, "en")
            assert next(g for g in at.toggle if g.key == f"module_{module.id}").value is True
            assert question_radios(at)[0].label.endswith(module.items[0].text.en)
            answer_step(at, 2)
            switch_language(at, "nl")
            assert set(radio_values(at, "q_")) == {2}
        next_step(answer_step(at) if construct is not module else at)
    draft = stored_draft(demo_db)
    assert draft["modules"][module.id] is True
    assert all(draft["answers"][item.id] == 2 for item in module.items)
    partners = [p.id for p in Q.intensity.partner_types]
    now = [r for r in at.radio if r.key.startswith("int_now_")]
    now[0].set_value(2)
    now[1].set_value("na")
    at.run()
    next(r for r in at.radio if r.key.startswith("int_want_")).set_value(4)
    at.run()

    switch_language(at, "en")
    assert radio_values(at, "int_now_")[:2] == [2, "na"]
    assert radio_values(at, "int_want_")[0] == 4
    assert len(radio_values(at, "int_want_")) == len(partners) - 1  # n.v.t. asks no wish
    for radio in at.radio:
        if radio.key.startswith("int_now_") and radio.value is None:
            radio.set_value(3)
    at.run()
    for radio in at.radio:
        if radio.key.startswith("int_want_") and radio.value is None:
            radio.set_value(3)
    at.run()
    assert not at.exception
    expected = {partners[0]: [2, 4], partners[1]: ["na", None], **{p: [3, 3] for p in partners[2:]}}
    assert stored_draft(demo_db)["intensity"] == expected
    switch_language(at, "nl")
    assert radio_values(at, "int_now_") == [2, "na", *[3] * (len(partners) - 2)]
    next_step(at)

    colleagues = [r for r in at.radio if r.key.startswith("tie_freq_")]
    colleagues[0].set_value(1)
    for radio in colleagues[1:]:
        radio.set_value(3)
    next(b for b in at.checkbox if b.key.startswith("tie_support_")).check()
    next(m for m in at.multiselect if m.key.startswith("external_partners")).select("logopedie")
    at.run()
    switch_language(at, "en")
    assert radio_values(at, "tie_freq_") == [1, *[3] * (len(colleagues) - 1)]
    assert [b.value for b in at.checkbox if b.key.startswith("tie_support_")][0] is True
    external = next(m for m in at.multiselect if m.key.startswith("external_partners"))
    assert external.value == ["logopedie"]
    external.select("leerplicht").run()  # one more choice, in English
    assert not at.exception
    draft = stored_draft(demo_db)
    assert draft["external"] == ["logopedie", "leerplicht"]
    assert sorted(f for f, _ in draft["ties"].values()) == sorted([1, *[3] * (len(colleagues) - 1)])
    assert sum(s for _, s in draft["ties"].values()) == 1

    next_step(at)
    button(at, "scan_submit").click().run()
    assert not at.exception
    user, round_id = professional_ids(demo_db)
    response = "SELECT id FROM responses WHERE user_id = ? AND round_id = ?"
    intensity = query(demo_db, f"SELECT partner_type, current_level, desired_level FROM intensity_answers"
                               f" WHERE response_id = ({response})", [user, round_id])  # fmt: skip
    assert {p: [c, d] for p, c, d in intensity} == {**expected, partners[1]: [None, None]}
    ties = query(demo_db, f"SELECT frequency, support FROM network_ties WHERE response_id = ({response})",
                 [user, round_id])  # fmt: skip
    assert sorted(ties) == sorted([(1, True), *[(3, False)] * (len(colleagues) - 1)])
    external_rows = query(demo_db, f"SELECT partner_type FROM external_contacts WHERE response_id = ({response})",
                          [user, round_id])  # fmt: skip
    assert sorted(r[0] for r in external_rows) == ["leerplicht", "logopedie"]


def test_a_draft_holding_labels_is_repaired_and_sent_with_the_values(new_app, demo_db):
    scale, levels = Q.scale.labels, {lv.level: lv.name for lv in Q.intensity.levels}
    partners = [p.id for p in Q.intensity.partner_types]
    answers = {item.id: f"5 · {scale[5].nl}" for item in FIRST.items}
    answers |= {FIRST.items[0].id: f"4 · {scale[4].en}", FIRST.items[1].id: f"2 · {scale[2].nl}",
                FIRST.items[2].id: "n.v.t.", FIRST.items[3].id: "n/a"}  # fmt: skip
    answers[SECOND.items[0].id] = f"3 · {scale[3].en}"
    put_draft(demo_db, {
        "key": "draft-with-labels", "step": 1, "answers": answers, "modules": {}, "ties": {}, "external": [],
        "intensity": {partners[0]: [f"2 · {levels[2].en}", f"3 · {levels[3].nl}"]}, "consented": True,
    })  # fmt: skip

    at = start_scan(log_in(new_app(), "professional"))
    assert not at.exception and not at.warning
    assert question_radios(at)[0].key.startswith(f"q_{SECOND.items[0].id}") and question_radios(at)[0].value == 3
    draft = stored_draft(demo_db)  # saved back as values
    assert draft["answers"][FIRST.items[0].id] == 4 and draft["answers"][FIRST.items[2].id] == "na"
    assert draft["intensity"] == {partners[0]: [2, 3]}
    button(at, "scan_back").click().run()
    assert radio_values(at, "q_")[:5] == [4, 2, "na", "na", 5]
    next_step(at)
    finish_remaining(at)
    button(at, "scan_submit").click().run()
    assert not at.exception
    sent = sent_answers(demo_db)
    assert sent[FIRST.items[0].id] == 4 and sent[FIRST.items[1].id] == 2 and FIRST.items[2].id not in sent


def test_an_unreadable_draft_names_the_steps_to_fill_in_again(new_app, demo_db):
    put_draft(demo_db, {
        "key": "broken", "step": 99, "consented": True, "ties": {"999999": [3, True]}, "external": 7,
        "answers": {FIRST.items[0].id: "banana", FIRST.items[1].id: 4, "no_such_item": 3, SECOND.items[0].id: [1]},
        "intensity": "2 · Coordinating",
    })  # fmt: skip
    at = start_scan(log_in(new_app(), "professional"))
    assert not at.exception
    names = [(1, FIRST.name.nl), (2, SECOND.name.nl), (len(Q.constructs) + 1, message("nl", "scan.intensity_title")),
             (len(Q.constructs) + 2, message("nl", "scan.network_title"))]  # fmt: skip
    steps = ", ".join(message("nl", "scan.step_name", k=k, name=name) for k, name in names)
    assert at.warning[0].value == message("nl", "scan.draft_damaged", steps=steps)
    assert radio_values(at, "q_")[:2] == [None, 4]  # back at the first step that lost an answer
    assert stored_draft(demo_db)["answers"] == {FIRST.items[1].id: 4} and stored_draft(demo_db)["step"] == 0

    switch_language(at, "en")
    assert message("en", "scan.step_name", k=1, name=FIRST.name.en) in at.warning[0].value
    next_step(answer_step(at, 3))  # the first step is whole again: it is no longer named
    assert message("en", "scan.step_name", k=1, name=FIRST.name.en) not in at.warning[0].value


def test_a_draft_that_is_not_json_starts_afresh_with_a_message(new_app, demo_db):
    put_draft(demo_db, '{"answers": {"t_')
    at = start_scan(log_in(new_app(), "professional"))
    assert not at.exception
    assert at.warning[0].value == message("nl", "scan.draft_unreadable")
    assert radio_values(at, "q_") == [None] * len(FIRST.items)
    assert stored_draft(demo_db)["answers"] == {}  # readable again
    next_step(answer_step(at))
    assert not at.warning


def test_sending_a_scan_with_unreadable_answers_names_the_step_and_never_raises(new_app, demo_db):
    at = finish_scan(start_scan(log_in(new_app(), "professional")))
    state = at.session_state["_scan_state"]
    state["answers"][SECOND.items[1].id] = "banana"
    state["answers"][FIRST.items[0].id] = f"2 · {Q.scale.labels[2].en}"  # a label is repaired on the way
    state["intensity"][Q.intensity.partner_types[0].id] = "x"
    at.session_state["_scan_state"] = state
    button(at, "scan_submit").click().run()
    assert not at.exception
    assert query(demo_db, "SELECT count(*) FROM responses r JOIN accounts a USING (user_id)"
                          " WHERE a.username = 'professional' AND r.round_id = ?",
                 [professional_ids(demo_db)[1]])[0][0] == 0  # fmt: skip
    step = message("nl", "scan.step_name", k=2, name=SECOND.name.nl)
    assert message("nl", "scan.not_sent", step=step) in texts(at)
    assert message("nl", "scan.missing", questions="vraag 2") in texts(at)
    assert question_radios(at)[0].key.startswith(f"q_{SECOND.items[0].id}")
    question_radios(at)[1].set_value(5)
    at.run()
    while not any(r.key.startswith("int_now_") for r in at.radio):  # on through the whole steps
        next_step(at)
    next_step(at)
    assert message("nl", "scan.missing_item") in texts(at)  # the intensity step lost one partner
    finish_remaining(at)
    button(at, "scan_submit").click().run()
    assert not at.exception
    sent = sent_answers(demo_db)
    assert sent[FIRST.items[0].id] == 2 and sent[SECOND.items[1].id] == 5
