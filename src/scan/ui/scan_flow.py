"""The questionnaire: one step per construct, collaboration intensity, the network, then a summary.

The answers live in one plain dict in the session (and, for signed-in users, as a draft in the store after
every change), never only in widget state: Streamlit forgets the state of widgets that are not drawn, so
going back and forth would lose answers otherwise.

That dict holds values (1-5, "na", levels, frequencies, partner ids), whatever the language; widgets turn
them into labels only when drawing. Streamlit 1.67 keeps a radio's or multiselect's value as the formatted
label under an id made from the key alone: when the language changes the labels, the browser still holds
(and sends back) a label that is no longer an option. So the widgets whose options are labels get a key per
language (a switch draws fresh widgets, initialised from the dict), and a widget's value is copied into the
dict only when it is one of the widget's options.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from scan import locales
from scan.config import Choice
from scan.drafts import (
    FREQUENCIES,
    INTENSITY_STEP,
    NETWORK_STEP,
    NOT_APPLICABLE,
    SUMMARY_STEP,
    RepairedDraft,
    repair_draft,
    scan_steps,
)
from scan.questionnaire import Construct, Questionnaire
from scan.ui.errors import guarded
from scan.ui.i18n import current_language, t
from scan.ui.plain import markdown_literal

log = logging.getLogger(__name__)

STATE = "_scan_state"
MISSING = "_scan_missing"
NOT_SENT = "_scan_not_sent"


@dataclass(frozen=True)
class DraftKeeper:
    """Where a half-finished scan is kept: the store for signed-in users, nowhere for guests."""

    load: Callable[[], dict[str, Any] | None]
    save: Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Colleague:
    user_id: int
    name: str
    discipline: str


@dataclass(frozen=True)
class Flow:
    """What the questionnaire needs besides the answers. Without a roster (a guest) there is no network step."""

    questionnaire: Questionnaire
    keeper: DraftKeeper
    roster: tuple[Colleague, ...] | None = None
    external_partners: tuple[Choice, ...] = ()
    discipline_name: Callable[[str], str] = str


def _repair(payload: Any, flow: Flow) -> RepairedDraft:
    # The same steps as steps(flow): without colleagues there is no network step.
    colleagues = {str(c.user_id) for c in flow.roster} if flow.roster else None
    return repair_draft(payload, flow.questionnaire, colleagues=colleagues, external_partners=flow.external_partners)


def scan_state(flow: Flow, scope: str) -> dict[str, Any]:
    """The scan being filled in, for this scope (user and round, or guest); resumed from a draft if any.

    A draft that cannot be read as it is gets repaired (and saved back, so it is not broken again next time);
    the steps that lost answers are kept in the state to tell the person.
    """
    held = st.session_state.get(STATE)
    if held is None or held.get("_scope") != scope:
        try:
            draft = flow.keeper.load()
        except ValueError:  # the stored payload is not even JSON
            log.warning("scan draft for %s is not JSON; starting afresh", scope)
            draft = "unreadable"
        repaired = _repair(draft, flow)
        if repaired.dropped:
            log.warning("scan draft for %s repaired: %s", scope, "; ".join(repaired.dropped))
        held = {
            **repaired.state,
            "_scope": scope,
            "_resumed": bool(repaired.state["answers"]),
            "_damaged": list(repaired.damaged_steps),
            "_unreadable": repaired.unreadable,
        }
        if repaired.changed:
            _save(held, flow)
        st.session_state[STATE] = held
    return held


def reset_scan() -> None:
    st.session_state.pop(STATE, None)
    st.session_state.pop(MISSING, None)
    st.session_state.pop(NOT_SENT, None)


def _save(state: dict[str, Any], flow: Flow) -> None:
    state["revision"] = state.get("revision", 0) + 1
    flow.keeper.save({k: v for k, v in state.items() if not k.startswith("_")})


def steps(flow: Flow) -> list[str]:
    return scan_steps(flow.questionnaire, network=bool(flow.roster))


def included_items(state: dict[str, Any], construct: Construct) -> list:
    if construct.optional and not state["modules"].get(construct.id, False):
        return []
    return list(construct.items)


def missing_in_step(flow: Flow, state: dict[str, Any], step: str) -> list[str]:
    if step == INTENSITY_STEP:
        missing = []
        for partner in flow.questionnaire.intensity.partner_types:
            current, desired = state["intensity"].get(partner.id, [None, None])
            if current is None or (current != NOT_APPLICABLE and desired is None):
                missing.append(partner.id)
        return missing
    if step == NETWORK_STEP:
        return [str(c.user_id) for c in flow.roster or () if state["ties"].get(str(c.user_id), [None])[0] is None]
    if step == SUMMARY_STEP:
        return []
    construct = flow.questionnaire.construct(step)
    return [i.id for i in included_items(state, construct) if i.id not in state["answers"]]


def progress(flow: Flow, state: dict[str, Any]) -> tuple[int, int]:
    """Answered and total questions of the steps that are included (skipped modules do not count)."""
    total = done = 0
    for construct in flow.questionnaire.constructs:
        items = included_items(state, construct)
        total += len(items)
        done += sum(i.id in state["answers"] for i in items)
    for step, size in ((INTENSITY_STEP, len(flow.questionnaire.intensity.partner_types)),
                       (NETWORK_STEP, len(flow.roster or ()))):  # fmt: skip
        total += size
        done += size - len(missing_in_step(flow, state, step))
    return done, total


# ---- drawing -------------------------------------------------------------------------------------


def consent(state: dict[str, Any], flow: Flow, text: str, on_consent: Callable[[], None]) -> bool:
    """The plain-words screen before a first scan. Returns True once the person has agreed."""
    if state["consented"]:
        return True
    st.subheader(t("scan.consent_title"))
    st.markdown(text)
    agreed = st.checkbox(t("scan.consent_check"), key="consent_check")
    if st.button(t("scan.consent_button"), type="primary", key="consent_start"):
        if agreed:
            state["consented"] = True
            on_consent()
            _save(state, flow)
            st.rerun()
        st.warning(t("scan.consent_needed"))
    return False


# Label functions take the language as it was when drawing: AppTest calls them outside the script run.
def _scale_label(questionnaire: Questionnaire, lang: str, value: Any) -> str:
    if value == NOT_APPLICABLE:
        return locales.text(lang, "scan.not_applicable")
    return f"{value} · {questionnaire.scale.labels[value].get(lang)}"


def _widget_key(name: str, lang: str) -> str:
    """A key per language for widgets whose options are labels: a language switch draws them afresh."""
    return f"{name}.{lang}"


def _is_option(value: Any, options: Sequence[Any]) -> bool:
    return any(value == option and type(value) is type(option) for option in options)


def _take(state: dict[str, Any], bucket: str, key: str, value: Any, options: Sequence[Any], slot: int = 0) -> bool:
    """Copy a widget's value into the scan; True when the scan changed.

    Only an option is a value: a stale label the browser sends back (or an emptied radio) changes nothing."""
    if bucket == "external":
        if not isinstance(value, list):
            return False
        chosen = [v for v in value if _is_option(v, options)]
        if chosen == state["external"]:
            return False
        state["external"] = chosen
        return True
    if not _is_option(value, options):
        return False
    if bucket == "answers":
        if key in state["answers"] and state["answers"][key] == value:
            return False
        state["answers"][key] = value
        return True
    if bucket == "names_agreed":
        if state["names_agreed"] == value:
            return False
        state["names_agreed"] = value
        return True
    empty = [None, None] if bucket == "intensity" else [None, False]
    pair = list(state[bucket].get(key, empty))
    if pair[slot] is not None and pair[slot] == value:  # also an unticked box that was never ticked
        return False
    pair[slot] = value
    state[bucket][key] = pair
    return True


@guarded
def _remember(
    state: dict[str, Any], flow: Flow, bucket: str, key: str, widget_key: str, options: Sequence[Any], slot: int = 0
) -> None:
    """A widget changed: copy its value into the scan and keep the draft."""
    if _take(state, bucket, key, st.session_state.get(widget_key), options, slot):
        _save(state, flow)


class _Drawn:
    """What the widgets of a step hold as they are drawn, taken into the scan.

    The callback (``_remember``) normally has it already. Streamlit can drop a callback when quick clicks
    make one run replace another before it drew the widget; the drawn value still holds the click."""

    def __init__(self, state: dict[str, Any]):
        self.state = state
        self.changed = False

    def take(self, bucket: str, key: str, value: Any, options: Sequence[Any], slot: int = 0) -> None:
        self.changed |= _take(self.state, bucket, key, value, options, slot)

    def save(self, flow: Flow) -> None:
        if self.changed:
            _save(self.state, flow)


def _missing_marker(key: str) -> None:
    if key in st.session_state.get(MISSING, set()):
        st.markdown(f":red[{t('scan.missing_item')}]")


def _construct_step(flow: Flow, state: dict[str, Any], construct: Construct) -> None:
    lang = current_language()
    st.subheader(construct.name.get(lang))
    st.write(construct.description.get(lang))
    if construct.optional:
        st.info(t("scan.optional_module"), icon=":material/explore:")
        include = st.toggle(
            t("scan.include_module"),
            value=state["modules"].get(construct.id, False),
            key=f"module_{construct.id}",
        )
        if include != state["modules"].get(construct.id, False):
            state["modules"][construct.id] = include
            _save(state, flow)
        if not include:
            return
    st.caption(t("scan.scale_hint"))
    options = [*flow.questionnaire.scale.values, NOT_APPLICABLE]
    number = 0
    drawn = _Drawn(state)
    for sub in construct.subdimensions:
        st.markdown(f"##### {sub.name.get(lang)}")
        for item in sub.items:
            number += 1
            widget_key = _widget_key(f"q_{item.id}", lang)
            stored = state["answers"].get(item.id)
            chosen = st.radio(
                f"{number}. {item.text.get(lang)}",
                options=options,
                index=options.index(stored) if _is_option(stored, options) else None,
                format_func=partial(_scale_label, flow.questionnaire, lang),
                horizontal=True,
                key=widget_key,
                on_change=_remember,
                args=(state, flow, "answers", item.id, widget_key, options),
            )
            drawn.take("answers", item.id, chosen, options)
            _missing_marker(item.id)
    drawn.save(flow)


def _intensity_step(flow: Flow, state: dict[str, Any]) -> None:
    lang = current_language()
    intensity = flow.questionnaire.intensity
    st.subheader(t("scan.intensity_title"))
    st.write(t("scan.intensity_intro"))
    with st.expander(t("scan.intensity_levels")):
        for level in intensity.levels:
            st.markdown(f"**{level.level}. {level.name.get(lang)}** — {level.descriptor.get(lang)}")
    levels = [lv.level for lv in intensity.levels]
    names = {lv.level: f"{lv.level} · {lv.name.get(lang)}" for lv in intensity.levels}
    now_names = {**names, NOT_APPLICABLE: t("scan.not_applicable")}
    now_options = [*levels, NOT_APPLICABLE]
    drawn = _Drawn(state)
    for partner in intensity.partner_types:
        current, desired = state["intensity"].get(partner.id, [None, None])
        now_key, want_key = _widget_key(f"int_now_{partner.id}", lang), _widget_key(f"int_want_{partner.id}", lang)
        with st.container(border=True):
            st.markdown(f"**{partner.name.get(lang)}**")
            chosen = st.radio(
                t("scan.current"),
                options=now_options,
                index=now_options.index(current) if _is_option(current, now_options) else None,
                format_func=now_names.get,
                horizontal=True,
                key=now_key,
                on_change=_remember,
                args=(state, flow, "intensity", partner.id, now_key, now_options, 0),
            )
            drawn.take("intensity", partner.id, chosen, now_options, 0)
            current, desired = state["intensity"].get(partner.id, [None, None])
            if current != NOT_APPLICABLE:
                wanted = st.radio(
                    t("scan.desired"),
                    options=levels,
                    index=levels.index(desired) if _is_option(desired, levels) else None,
                    format_func=names.get,
                    horizontal=True,
                    key=want_key,
                    on_change=_remember,
                    args=(state, flow, "intensity", partner.id, want_key, levels, 1),
                )
                drawn.take("intensity", partner.id, wanted, levels, 1)
            _missing_marker(partner.id)
    drawn.save(flow)


def _network_step(flow: Flow, state: dict[str, Any]) -> None:
    """The team roster: how often you work with each colleague, and whether you ask them for support."""
    lang = current_language()
    st.subheader(t("scan.network_title"))
    st.write(t("scan.network_intro"))
    labels = {f: t(f"scan.frequency_{f}") for f in FREQUENCIES}
    drawn = _Drawn(state)
    for colleague in flow.roster or ():
        key = str(colleague.user_id)
        frequency, support = state["ties"].get(key, [None, False])
        # A checkbox's value is a bool, not a label: its key need not change with the language.
        frequency_key, support_key = _widget_key(f"tie_freq_{key}", lang), f"tie_support_{key}"
        with st.container(border=True):
            st.markdown(f"**{markdown_literal(colleague.name)}** · {flow.discipline_name(colleague.discipline)}")
            chosen = st.radio(
                t("scan.frequency"),
                options=list(FREQUENCIES),
                index=FREQUENCIES.index(frequency) if _is_option(frequency, FREQUENCIES) else None,
                format_func=labels.get,
                horizontal=True,
                key=frequency_key,
                on_change=_remember,
                args=(state, flow, "ties", key, frequency_key, FREQUENCIES, 0),
            )
            drawn.take("ties", key, chosen, FREQUENCIES, 0)
            asks = st.checkbox(
                t("scan.support"),
                value=bool(support),
                key=support_key,
                on_change=_remember,
                args=(state, flow, "ties", key, support_key, (False, True), 1),
            )
            drawn.take("ties", key, asks, (False, True), 1)
            _missing_marker(key)
    partners = {p.id: p.name(lang) for p in flow.external_partners}
    external_key = _widget_key("external_partners", lang)
    named = st.multiselect(
        t("scan.external"),
        options=list(partners),
        default=[p for p in state["external"] if p in partners],
        format_func=partners.get,
        key=external_key,
        on_change=_remember,
        args=(state, flow, "external", "", external_key, list(partners)),
    )
    drawn.take("external", "", named, list(partners))
    # Off unless ticked: the team sees names in its network picture only when everyone in it agreed.
    agreed = st.checkbox(
        t("scan.names_agreed"),
        value=state["names_agreed"],
        key="network_names_agreed",
        help=t("scan.names_agreed_help"),
        on_change=_remember,
        args=(state, flow, "names_agreed", "", "network_names_agreed", (False, True)),
    )
    drawn.take("names_agreed", "", agreed, (False, True))
    drawn.save(flow)


def _summary_step(flow: Flow, state: dict[str, Any]) -> None:
    lang = current_language()
    st.subheader(t("scan.summary_title"))
    st.write(t("scan.summary_intro"))
    part, answered_label, na_label = t("scan.summary_step"), t("scan.summary_answered"), t("scan.summary_na")
    rows = []
    for construct in flow.questionnaire.constructs:
        items = included_items(state, construct)
        if not items:
            rows.append({part: construct.name.get(lang), answered_label: t("scan.summary_skipped"), na_label: ""})
            continue
        answered = [i for i in items if i.id in state["answers"]]
        na = sum(state["answers"][i.id] == NOT_APPLICABLE for i in answered)
        rows.append(
            {part: construct.name.get(lang), answered_label: f"{len(answered)} / {len(items)}", na_label: str(na)}
        )
    for step, title, size in ((INTENSITY_STEP, "scan.intensity_title", len(flow.questionnaire.intensity.partner_types)),
                              (NETWORK_STEP, "scan.network_title", len(flow.roster or ()))):  # fmt: skip
        if size:
            done = size - len(missing_in_step(flow, state, step))
            rows.append({part: t(title), answered_label: f"{done} / {size}", na_label: ""})
    st.dataframe(rows, hide_index=True, width="stretch")


@guarded
def _go(state: dict[str, Any], flow: Flow, delta: int) -> None:
    step = steps(flow)[state["step"]]
    if delta > 0:
        missing = missing_in_step(flow, state, step)
        if missing:
            st.session_state[MISSING] = set(missing)
            return
    st.session_state.pop(MISSING, None)
    st.session_state.pop(NOT_SENT, None)
    state["_unreadable"] = False
    state["step"] = max(0, min(state["step"] + delta, len(steps(flow)) - 1))
    _save(state, flow)


@guarded
def _send(state: dict[str, Any], flow: Flow, on_submit: Callable[[], None]) -> None:
    """Send only a whole scan of values; otherwise go to the first step with a gap and say what is missing."""
    repaired = _repair({k: v for k, v in state.items() if not k.startswith("_")}, flow)
    state.update({k: v for k, v in repaired.state.items() if k != "step"})
    state["_damaged"] = [*state.get("_damaged", []), *repaired.damaged_steps]
    if repaired.dropped:
        log.warning("scan %s repaired before sending: %s", state.get("_scope"), "; ".join(repaired.dropped))
    for index, step in enumerate(steps(flow)):
        missing = missing_in_step(flow, state, step)
        if missing:
            state["step"] = index
            st.session_state[MISSING] = set(missing)
            st.session_state[NOT_SENT] = True
            _save(state, flow)
            return
    on_submit()


def _step_name(flow: Flow, step: str) -> str:
    """'stap 3 (Netwerk)'."""
    if step == INTENSITY_STEP:
        name = t("scan.intensity_title")
    elif step == NETWORK_STEP:
        name = t("scan.network_title")
    elif step == SUMMARY_STEP:
        name = t("scan.summary_title")
    else:
        name = flow.questionnaire.construct(step).name.get(current_language())
    return t("scan.step_name", k=steps(flow).index(step) + 1, name=name)


def _draft_notice(flow: Flow, state: dict[str, Any]) -> None:
    """What was lost from a stored draft, until the steps that lost it are complete again."""
    damaged = [s for s in state.get("_damaged", []) if s in steps(flow) and missing_in_step(flow, state, s)]
    state["_damaged"] = list(dict.fromkeys(damaged))
    if state.get("_unreadable"):
        st.warning(t("scan.draft_unreadable"), icon=":material/restart_alt:")
    elif state["_damaged"]:
        names = ", ".join(_step_name(flow, s) for s in state["_damaged"])
        st.warning(t("scan.draft_damaged", steps=names), icon=":material/restart_alt:")


def questionnaire_steps(flow: Flow, state: dict[str, Any], on_submit: Callable[[], None]) -> None:
    """Draw the current step with its progress bar, its questions and the buttons to move on."""
    all_steps = steps(flow)
    state["step"] = min(state["step"], len(all_steps) - 1)
    step = all_steps[state["step"]]
    done, total = progress(flow, state)
    step_text = t("scan.step", k=state["step"] + 1, n=len(all_steps))
    st.progress(done / total if total else 0.0, text=f"{step_text} · {t('scan.progress', done=done, total=total)}")

    _draft_notice(flow, state)
    if st.session_state.get(NOT_SENT):
        st.error(t("scan.not_sent", step=_step_name(flow, step)), icon=":material/unpublished:")
    missing = st.session_state.get(MISSING)
    if missing:
        st.error(t("scan.missing", questions=_missing_list(flow, state, step, missing)), icon=":material/error:")

    if step == INTENSITY_STEP:
        _intensity_step(flow, state)
    elif step == NETWORK_STEP:
        _network_step(flow, state)
    elif step == SUMMARY_STEP:
        _summary_step(flow, state)
    else:
        _construct_step(flow, state, flow.questionnaire.construct(step))

    back, _, forward = st.columns([1, 3, 1])
    if state["step"] > 0:
        back.button(t("scan.back"), key="scan_back", on_click=_go, args=(state, flow, -1), width="stretch")
    if step == SUMMARY_STEP:
        forward.button(
            t("scan.submit"),
            key="scan_submit",
            type="primary",
            on_click=_send,
            args=(state, flow, on_submit),
            width="stretch",
        )
    else:
        forward.button(
            t("scan.next"), key="scan_next", type="primary", on_click=_go, args=(state, flow, 1), width="stretch"
        )


def _missing_list(flow: Flow, state: dict[str, Any], step: str, missing: set[str]) -> str:
    """'vraag 2, vraag 5' for questions, names for the intensity and network steps."""
    lang = current_language()
    if step == INTENSITY_STEP:
        return ", ".join(p.name.get(lang) for p in flow.questionnaire.intensity.partner_types if p.id in missing)
    if step == NETWORK_STEP:
        return ", ".join(c.name for c in flow.roster or () if str(c.user_id) in missing)
    if step == SUMMARY_STEP:
        return ""
    items = included_items(state, flow.questionnaire.construct(step))
    return ", ".join(t("scan.question", n=n) for n, item in enumerate(items, start=1) if item.id in missing)
