"""Reading a stored draft back as values: labels repaired, the unreadable dropped and named by step."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan.config import settings as app_settings
from scan.drafts import (
    INTENSITY_STEP,
    NETWORK_STEP,
    NOT_APPLICABLE,
    frequency_value,
    new_state,
    repair_draft,
    scale_value,
    submission_answers,
    submission_intensity,
    submission_names_agreed,
    submission_ties,
)
from scan.locales import text
from scan.questionnaire import default_questionnaire
from scan.store.responses import Tie

Q = default_questionnaire()
FIRST, SECOND = Q.constructs[0], Q.constructs[1]
PARTNERS = [p.id for p in Q.intensity.partner_types]
EXTERNAL = app_settings().external_partners
COLLEAGUES = {"11", "12"}


def repair(payload, colleagues=COLLEAGUES):
    return repair_draft(payload, Q, colleagues=colleagues, external_partners=EXTERNAL)


def clean_draft() -> dict:
    return {
        **new_state(),
        "step": 2,
        "answers": {FIRST.items[0].id: 4, FIRST.items[1].id: NOT_APPLICABLE, SECOND.items[0].id: 1},
        "intensity": {PARTNERS[0]: [2, 3], PARTNERS[1]: [NOT_APPLICABLE, None]},
        "ties": {"11": [3, True], "12": [0, False]},
        "external": ["logopedie"],
        "consented": True,
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_an_answer_label_in_any_language_is_its_value(lang, value):
    assert scale_value(f"{value} · {Q.scale.labels[value].get(lang)}", Q) == value
    assert scale_value(value, Q) == value
    assert scale_value(str(value), Q) == value


@pytest.mark.parametrize("label", ["na", "n.v.t.", "n/a", "N/A ", "Niet van toepassing", "not applicable"])
def test_not_applicable_in_any_language_is_the_marker(label):
    assert text("nl", "scan.not_applicable") == "n.v.t." and text("en", "scan.not_applicable") == "n/a"
    assert scale_value(label, Q) == NOT_APPLICABLE


@pytest.mark.parametrize("value", [0, 6, -1, True, False, None, "banana", "6 · Eens", 4.5, [4], {"v": 4}, "· 4"])
def test_what_is_not_on_the_scale_is_unreadable(value):
    assert scale_value(value, Q) is None


def test_frequency_labels_in_any_language():
    assert frequency_value("wekelijks") == 3 == frequency_value("weekly") == frequency_value(3)
    assert frequency_value("nooit") == 0 == frequency_value(0)
    assert frequency_value(5) is None and frequency_value(False) is None and frequency_value("soms") is None


def test_a_draft_of_values_comes_back_unchanged():
    draft = clean_draft()
    repaired = repair(json.loads(json.dumps(draft)))  # as the store keeps it
    assert repaired.state == draft
    assert not repaired.changed and not repaired.damaged_steps and not repaired.unreadable


def test_no_draft_is_a_fresh_scan():
    repaired = repair(None)
    assert repaired.state["answers"] == {} and repaired.state["step"] == 0
    assert not repaired.changed and not repaired.unreadable


def test_labels_become_values_and_nothing_is_lost():
    scale = Q.scale.labels
    level = {lv.level: lv.name for lv in Q.intensity.levels}
    draft = {
        **clean_draft(),
        "answers": {
            FIRST.items[0].id: f"4 · {scale[4].en}",
            FIRST.items[1].id: f"4 · {scale[4].nl}",
            FIRST.items[2].id: "n.v.t.",
            FIRST.items[3].id: "n/a",
            SECOND.items[0].id: 2.0,
        },
        "intensity": {PARTNERS[0]: [f"2 · {level[2].en}", f"3 · {level[3].nl}"], PARTNERS[1]: ["n/a", "4"]},
        "ties": {"11": ["wekelijks", True], "12": ["never", False]},
        "external": ["Speech therapy", "Leerplicht", "logopedie"],
    }
    repaired = repair(draft)
    assert repaired.state["answers"] == {
        FIRST.items[0].id: 4,
        FIRST.items[1].id: 4,
        FIRST.items[2].id: NOT_APPLICABLE,
        FIRST.items[3].id: NOT_APPLICABLE,
        SECOND.items[0].id: 2,
    }
    assert repaired.state["intensity"] == {PARTNERS[0]: [2, 3], PARTNERS[1]: [NOT_APPLICABLE, None]}
    assert repaired.state["ties"] == {"11": [3, True], "12": [0, False]}
    assert repaired.state["external"] == ["logopedie", "leerplicht"]
    assert repaired.changed and not repaired.damaged_steps
    assert repaired.state["step"] == 2


def test_what_cannot_be_read_is_dropped_and_its_steps_named_in_scan_order():
    draft = {
        **clean_draft(),
        "step": 5,
        "answers": {
            SECOND.items[0].id: "banana",
            FIRST.items[0].id: [4],
            FIRST.items[1].id: 3,
            "no_such_item": 4,  # not a question anyone can answer again: dropped without a step
        },
        "intensity": {PARTNERS[0]: ["2", "x"], "no_such_partner": [1, 1]},
        "ties": {"11": [3, "yes"], "99": [3, True]},  # 99 has left the team
    }
    repaired = repair(draft)
    assert repaired.state["answers"] == {FIRST.items[1].id: 3}
    assert repaired.state["intensity"] == {PARTNERS[0]: [2, None]}
    assert repaired.state["ties"] == {"11": [3, False]}
    assert repaired.damaged_steps == (FIRST.id, SECOND.id, INTENSITY_STEP, NETWORK_STEP)
    assert repaired.state["step"] == 0  # back to the first step that lost something
    assert repaired.changed and not repaired.unreadable
    assert all("banana" not in reason for reason in repaired.dropped)  # the log names places, not answers


@pytest.mark.parametrize("step", [-1, 99, "2", None, True, 2.5])
def test_a_step_that_is_no_step_starts_at_the_first(step):
    repaired = repair({**clean_draft(), "step": step})
    assert repaired.state["step"] == 0 and repaired.changed and not repaired.damaged_steps


@pytest.mark.parametrize("payload", ["{broken", 42, ["answers"], "unreadable"])
def test_a_payload_that_is_no_mapping_is_unreadable(payload):
    repaired = repair(payload)
    assert repaired.unreadable and repaired.changed
    assert repaired.state["answers"] == {} and repaired.state["step"] == 0


def test_wrong_types_for_whole_parts():
    repaired = repair(
        {**clean_draft(), "answers": ["4"], "intensity": "2", "ties": 3, "external": "logopedie", "key": 7}
    )
    state = repaired.state
    assert state["answers"] == {} and state["intensity"] == {} and state["ties"] == {}
    assert state["external"] == ["logopedie"]
    assert isinstance(state["key"], str) and state["key"]
    assert set(repaired.damaged_steps) == {c.id for c in Q.constructs} | {INTENSITY_STEP, NETWORK_STEP}


def test_a_guest_has_no_network():
    repaired = repair(clean_draft(), colleagues=None)
    assert repaired.state["ties"] == {} and repaired.state["external"] == []
    assert NETWORK_STEP not in repaired.damaged_steps


def test_an_unreadable_module_choice_follows_its_answers():
    module = next(c for c in Q.constructs if c.optional)
    other = next(c for c in Q.constructs[::-1] if c.optional and c.id != module.id)
    draft = {**clean_draft(), "modules": {module.id: "yes", other.id: 1, FIRST.id: True}}
    draft["answers"] = {**draft["answers"], module.items[0].id: 3}
    assert repair(draft).state["modules"] == {module.id: True}


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["key", "step", "answers", "intensity", "modules", "ties", "external", "consented", "names_agreed"]
        ),
        junk,
    )
)
def test_nothing_a_draft_holds_makes_reading_or_sending_raise(payload):
    state = repair(payload).state
    assert set(state) == set(new_state())
    submission_answers(payload)
    submission_intensity(payload)
    submission_ties(payload)
    assert repair(state).state == state  # repaired once is repaired for good


def test_what_is_sent():
    state = {**clean_draft(), "answers": {"a": 4, "b": NOT_APPLICABLE, "c": "4 · Eens"}}
    assert submission_answers(state) == {"a": 4, "b": None}
    state["intensity"] = {"p": [2, 3], "q": [NOT_APPLICABLE, 4], "r": [None, 3], "s": "x", "t": [1, "x"]}
    assert submission_intensity(state) == {"p": (2, 3), "q": (None, None), "t": (1, None)}
    state["ties"] = {"11": [3, True], "12": [0, False], "13": [0, True], "14": [None, True], "x": [3, True]}
    assert submission_ties(state) == [Tie(11, 3, True), Tie(13, 0, True)]


def test_the_agreement_to_show_ones_name_holds_only_when_ticked():
    assert new_state()["names_agreed"] is False
    before = {k: v for k, v in clean_draft().items() if k != "names_agreed"}  # a draft saved before it was asked
    assert repair(before).state["names_agreed"] is False
    assert repair({**clean_draft(), "names_agreed": True}).state["names_agreed"] is True
    for unclear in ("true", 1, None, [True]):
        assert repair({**clean_draft(), "names_agreed": unclear}).state["names_agreed"] is False
    # A guest has no network step, so cannot have agreed.
    assert repair({**clean_draft(), "names_agreed": True}, colleagues=None).state["names_agreed"] is False
    assert submission_names_agreed({"names_agreed": True}) is True
    assert submission_names_agreed({"names_agreed": "true"}) is False and submission_names_agreed({}) is False
