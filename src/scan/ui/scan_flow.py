"""The questionnaire: one step per construct, collaboration intensity, the network, then a summary.

The answers live in one plain dict in the session (and, for signed-in users, as a draft in the store after
every change), never only in widget state: Streamlit forgets the state of widgets that are not drawn, so
going back and forth would lose answers otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from scan.config import Choice
from scan.questionnaire import Construct, Questionnaire
from scan.store.responses import Tie
from scan.ui.errors import guarded
from scan.ui.i18n import current_language, t

NOT_APPLICABLE = "na"
STATE = "_scan_state"
MISSING = "_scan_missing"
INTENSITY_STEP = "intensity"
NETWORK_STEP = "network"
SUMMARY_STEP = "summary"
FREQUENCIES = (0, 1, 2, 3, 4)


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


def new_state() -> dict[str, Any]:
    return {
        "key": str(uuid.uuid4()),
        "step": 0,
        "answers": {},
        "intensity": {},
        "modules": {},
        "ties": {},
        "external": [],
        "consented": False,
    }


def scan_state(keeper: DraftKeeper, scope: str) -> dict[str, Any]:
    """The scan being filled in, for this scope (user and round, or guest); resumed from a draft if any."""
    held = st.session_state.get(STATE)
    if held is None or held.get("_scope") != scope:
        draft = keeper.load()
        held = {**new_state(), **(draft or {}), "_scope": scope, "_resumed": bool(draft and draft.get("answers"))}
        st.session_state[STATE] = held
    return held


def reset_scan() -> None:
    st.session_state.pop(STATE, None)
    st.session_state.pop(MISSING, None)


def _save(state: dict[str, Any], flow: Flow) -> None:
    flow.keeper.save({k: v for k, v in state.items() if not k.startswith("_")})


def steps(flow: Flow) -> list[str]:
    network = [NETWORK_STEP] if flow.roster else []
    return [c.id for c in flow.questionnaire.constructs] + [INTENSITY_STEP, *network, SUMMARY_STEP]


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


def submission_answers(state: dict[str, Any]) -> dict[str, int | None]:
    return {k: (None if v == NOT_APPLICABLE else int(v)) for k, v in state["answers"].items()}


def submission_intensity(state: dict[str, Any]) -> dict[str, tuple[int | None, int | None]]:
    out = {}
    for partner, (current, desired) in state["intensity"].items():
        if current == NOT_APPLICABLE:
            out[partner] = (None, None)
        elif current is not None:
            out[partner] = (int(current), None if desired is None else int(desired))
    return out


def submission_ties(state: dict[str, Any]) -> list[Tie]:
    """A tie for every colleague one works with or asks for support; 'never and no support' is no tie."""
    ties = []
    for colleague, (frequency, support) in state["ties"].items():
        if frequency is not None and (frequency > 0 or support):
            ties.append(Tie(int(colleague), int(frequency), bool(support)))
    return ties


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


def _scale_label(questionnaire: Questionnaire, value: Any) -> str:
    if value == NOT_APPLICABLE:
        return t("scan.not_applicable")
    return f"{value} · {questionnaire.scale.labels[value].get(current_language())}"


@guarded
def _remember(state: dict[str, Any], flow: Flow, bucket: str, key: str, widget_key: str, slot: int = 0) -> None:
    """A widget changed: copy its value into the scan and keep the draft."""
    value = st.session_state.get(widget_key)
    if bucket == "answers":
        if value is None:
            state["answers"].pop(key, None)
        else:
            state["answers"][key] = value
    elif bucket == "external":
        state["external"] = list(value or [])
    else:
        empty = [None, None] if bucket == "intensity" else [None, False]
        pair = list(state[bucket].get(key, empty))
        pair[slot] = value
        state[bucket][key] = pair
    _save(state, flow)


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
    for sub in construct.subdimensions:
        st.markdown(f"##### {sub.name.get(lang)}")
        for item in sub.items:
            number += 1
            widget_key = f"q_{item.id}"
            stored = state["answers"].get(item.id)
            st.radio(
                f"{number}. {item.text.get(lang)}",
                options=options,
                index=options.index(stored) if stored in options else None,
                format_func=lambda v: _scale_label(flow.questionnaire, v),
                horizontal=True,
                key=widget_key,
                on_change=_remember,
                args=(state, flow, "answers", item.id, widget_key),
            )
            _missing_marker(item.id)


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
    for partner in intensity.partner_types:
        current, desired = state["intensity"].get(partner.id, [None, None])
        with st.container(border=True):
            st.markdown(f"**{partner.name.get(lang)}**")
            now_options = [*levels, NOT_APPLICABLE]
            st.radio(
                t("scan.current"),
                options=now_options,
                index=now_options.index(current) if current in now_options else None,
                format_func=lambda v: t("scan.not_applicable") if v == NOT_APPLICABLE else names[v],
                horizontal=True,
                key=f"int_now_{partner.id}",
                on_change=_remember,
                args=(state, flow, "intensity", partner.id, f"int_now_{partner.id}", 0),
            )
            if current != NOT_APPLICABLE:
                st.radio(
                    t("scan.desired"),
                    options=levels,
                    index=levels.index(desired) if desired in levels else None,
                    format_func=names.get,
                    horizontal=True,
                    key=f"int_want_{partner.id}",
                    on_change=_remember,
                    args=(state, flow, "intensity", partner.id, f"int_want_{partner.id}", 1),
                )
            _missing_marker(partner.id)


def _network_step(flow: Flow, state: dict[str, Any]) -> None:
    """The team roster: how often you work with each colleague, and whether you ask them for support."""
    st.subheader(t("scan.network_title"))
    st.write(t("scan.network_intro"))
    labels = {f: t(f"scan.frequency_{f}") for f in FREQUENCIES}
    for colleague in flow.roster or ():
        key = str(colleague.user_id)
        frequency, support = state["ties"].get(key, [None, False])
        with st.container(border=True):
            st.markdown(f"**{colleague.name}** · {flow.discipline_name(colleague.discipline)}")
            st.radio(
                t("scan.frequency"),
                options=list(FREQUENCIES),
                index=FREQUENCIES.index(frequency) if frequency in FREQUENCIES else None,
                format_func=labels.get,
                horizontal=True,
                key=f"tie_freq_{key}",
                on_change=_remember,
                args=(state, flow, "ties", key, f"tie_freq_{key}", 0),
            )
            st.checkbox(
                t("scan.support"),
                value=bool(support),
                key=f"tie_support_{key}",
                on_change=_remember,
                args=(state, flow, "ties", key, f"tie_support_{key}", 1),
            )
            _missing_marker(key)
    lang = current_language()
    st.multiselect(
        t("scan.external"),
        options=[p.id for p in flow.external_partners],
        default=[p for p in state["external"] if p in {x.id for x in flow.external_partners}],
        format_func=lambda pid: next(p.name(lang) for p in flow.external_partners if p.id == pid),
        key="external_partners",
        on_change=_remember,
        args=(state, flow, "external", "", "external_partners"),
    )


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
    state["step"] = max(0, min(state["step"] + delta, len(steps(flow)) - 1))
    _save(state, flow)


def questionnaire_steps(flow: Flow, state: dict[str, Any], on_submit: Callable[[], None]) -> None:
    """Draw the current step with its progress bar, its questions and the buttons to move on."""
    on_submit = guarded(on_submit)  # an unexpected error: a calm message, not a traceback
    all_steps = steps(flow)
    state["step"] = min(state["step"], len(all_steps) - 1)
    step = all_steps[state["step"]]
    done, total = progress(flow, state)
    step_text = t("scan.step", k=state["step"] + 1, n=len(all_steps))
    st.progress(done / total if total else 0.0, text=f"{step_text} · {t('scan.progress', done=done, total=total)}")

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
        forward.button(t("scan.submit"), key="scan_submit", type="primary", on_click=on_submit, width="stretch")
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
