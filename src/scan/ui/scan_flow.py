"""The questionnaire, one step per construct, then collaboration intensity and a summary.

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

from scan.questionnaire import Construct, Questionnaire
from scan.ui.i18n import current_language, t

NOT_APPLICABLE = "na"
STATE = "_scan_state"
MISSING = "_scan_missing"
INTENSITY_STEP = "intensity"
SUMMARY_STEP = "summary"


@dataclass
class DraftKeeper:
    """Where a half-finished scan is kept: the store for signed-in users, nowhere for guests."""

    load: Callable[[], dict[str, Any] | None]
    save: Callable[[dict[str, Any]], None]


def new_state() -> dict[str, Any]:
    return {"key": str(uuid.uuid4()), "step": 0, "answers": {}, "intensity": {}, "modules": {}, "consented": False}


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


def _save(state: dict[str, Any], keeper: DraftKeeper) -> None:
    keeper.save({k: v for k, v in state.items() if not k.startswith("_")})


def steps(questionnaire: Questionnaire) -> list[str]:
    return [c.id for c in questionnaire.constructs] + [INTENSITY_STEP, SUMMARY_STEP]


def included_items(questionnaire: Questionnaire, state: dict[str, Any], construct: Construct) -> list:
    if construct.optional and not state["modules"].get(construct.id, False):
        return []
    return list(construct.items)


def missing_in_step(questionnaire: Questionnaire, state: dict[str, Any], step: str) -> list[str]:
    if step == INTENSITY_STEP:
        missing = []
        for partner in questionnaire.intensity.partner_types:
            current, desired = state["intensity"].get(partner.id, [None, None])
            if current is None or (current != NOT_APPLICABLE and desired is None):
                missing.append(partner.id)
        return missing
    if step == SUMMARY_STEP:
        return []
    construct = questionnaire.construct(step)
    return [i.id for i in included_items(questionnaire, state, construct) if i.id not in state["answers"]]


def progress(questionnaire: Questionnaire, state: dict[str, Any]) -> tuple[int, int]:
    """Answered and total questions of the steps that are included (skipped modules do not count)."""
    total = done = 0
    for construct in questionnaire.constructs:
        items = included_items(questionnaire, state, construct)
        total += len(items)
        done += sum(i.id in state["answers"] for i in items)
    partners = questionnaire.intensity.partner_types
    total += len(partners)
    done += len(partners) - len(missing_in_step(questionnaire, state, INTENSITY_STEP))
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


# ---- drawing -------------------------------------------------------------------------------------


def consent(state: dict[str, Any], keeper: DraftKeeper, text: str, on_consent: Callable[[], None]) -> bool:
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
            _save(state, keeper)
            st.rerun()
        st.warning(t("scan.consent_needed"))
    return False


def _scale_label(questionnaire: Questionnaire, value: Any) -> str:
    if value == NOT_APPLICABLE:
        return t("scan.not_applicable")
    return f"{value} · {questionnaire.scale.labels[value].get(current_language())}"


def _remember(state: dict[str, Any], keeper: DraftKeeper, bucket: str, key: str, widget_key: str, slot=None) -> None:
    value = st.session_state.get(widget_key)
    if bucket == "answers":
        if value is None:
            state["answers"].pop(key, None)
        else:
            state["answers"][key] = value
    else:
        pair = list(state["intensity"].get(key, [None, None]))
        pair[slot] = value
        state["intensity"][key] = pair
    _save(state, keeper)


def _construct_step(questionnaire: Questionnaire, state: dict[str, Any], keeper: DraftKeeper, construct: Construct):
    lang = current_language()
    st.subheader(construct.name.get(lang))
    st.write(construct.description.get(lang))
    if construct.optional:
        st.info(t("scan.optional_module"), icon=":material/explore:")
        include = st.toggle(
            t("scan.include_module"), value=state["modules"].get(construct.id, False), key=f"module_{construct.id}"
        )
        if include != state["modules"].get(construct.id, False):
            state["modules"][construct.id] = include
            _save(state, keeper)
        if not include:
            return
    st.caption(t("scan.scale_hint"))
    missing = st.session_state.get(MISSING, set())
    options = [*questionnaire.scale.values, NOT_APPLICABLE]
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
                format_func=lambda v: _scale_label(questionnaire, v),
                horizontal=True,
                key=widget_key,
                on_change=_remember,
                args=(state, keeper, "answers", item.id, widget_key),
            )
            if item.id in missing:
                st.markdown(f":red[{t('scan.missing_item')}]")


def _intensity_step(questionnaire: Questionnaire, state: dict[str, Any], keeper: DraftKeeper) -> None:
    lang = current_language()
    intensity = questionnaire.intensity
    st.subheader(t("scan.intensity_title"))
    st.write(t("scan.intensity_intro"))
    with st.expander(t("scan.intensity_levels")):
        for level in intensity.levels:
            st.markdown(f"**{level.level}. {level.name.get(lang)}** — {level.descriptor.get(lang)}")
    levels = [lv.level for lv in intensity.levels]
    names = {lv.level: f"{lv.level} · {lv.name.get(lang)}" for lv in intensity.levels}
    missing = st.session_state.get(MISSING, set())
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
                args=(state, keeper, "intensity", partner.id, f"int_now_{partner.id}", 0),
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
                    args=(state, keeper, "intensity", partner.id, f"int_want_{partner.id}", 1),
                )
            if partner.id in missing:
                st.markdown(f":red[{t('scan.missing_item')}]")


def _summary_step(questionnaire: Questionnaire, state: dict[str, Any]) -> None:
    lang = current_language()
    st.subheader(t("scan.summary_title"))
    st.write(t("scan.summary_intro"))
    rows = []
    for construct in questionnaire.constructs:
        items = included_items(questionnaire, state, construct)
        if not items:
            rows.append(
                {
                    t("scan.summary_step"): construct.name.get(lang),
                    t("scan.summary_answered"): t("scan.summary_skipped"),
                    t("scan.summary_na"): "",
                }
            )
            continue
        answered = [i for i in items if i.id in state["answers"]]
        na = sum(state["answers"][i.id] == NOT_APPLICABLE for i in answered)
        rows.append(
            {
                t("scan.summary_step"): construct.name.get(lang),
                t("scan.summary_answered"): f"{len(answered)} / {len(items)}",
                t("scan.summary_na"): str(na),
            }
        )
    partners = questionnaire.intensity.partner_types
    done = len(partners) - len(missing_in_step(questionnaire, state, INTENSITY_STEP))
    rows.append(
        {
            t("scan.summary_step"): t("scan.intensity_title"),
            t("scan.summary_answered"): f"{done} / {len(partners)}",
            t("scan.summary_na"): "",
        }
    )
    st.dataframe(rows, hide_index=True, width="stretch")


def _go(state: dict[str, Any], keeper: DraftKeeper, questionnaire: Questionnaire, delta: int) -> None:
    step = steps(questionnaire)[state["step"]]
    if delta > 0:
        missing = missing_in_step(questionnaire, state, step)
        if missing:
            st.session_state[MISSING] = set(missing)
            return
    st.session_state.pop(MISSING, None)
    state["step"] = max(0, min(state["step"] + delta, len(steps(questionnaire)) - 1))
    _save(state, keeper)


def questionnaire_steps(
    questionnaire: Questionnaire, state: dict[str, Any], keeper: DraftKeeper, on_submit: Callable[[], None]
) -> None:
    """Draw the current step with its progress bar, its questions and the buttons to move on."""
    all_steps = steps(questionnaire)
    step = all_steps[state["step"]]
    done, total = progress(questionnaire, state)
    st.progress(
        done / total if total else 0.0,
        text=f"{t('scan.step', k=state['step'] + 1, n=len(all_steps))} · {t('scan.progress', done=done, total=total)}",
    )

    missing = st.session_state.get(MISSING)
    if missing:
        st.error(
            t("scan.missing", questions=_missing_list(questionnaire, state, step, missing)), icon=":material/error:"
        )

    if step == INTENSITY_STEP:
        _intensity_step(questionnaire, state, keeper)
    elif step == SUMMARY_STEP:
        _summary_step(questionnaire, state)
    else:
        _construct_step(questionnaire, state, keeper, questionnaire.construct(step))

    back, _, forward = st.columns([1, 3, 1])
    if state["step"] > 0:
        back.button(
            t("scan.back"),
            key="scan_back",
            on_click=_go,
            args=(state, keeper, questionnaire, -1),
            width="stretch",
        )
    if step == SUMMARY_STEP:
        forward.button(t("scan.submit"), key="scan_submit", type="primary", on_click=on_submit, width="stretch")
    else:
        forward.button(
            t("scan.next"),
            key="scan_next",
            type="primary",
            on_click=_go,
            args=(state, keeper, questionnaire, 1),
            width="stretch",
        )


def _missing_list(questionnaire: Questionnaire, state: dict[str, Any], step: str, missing: set[str]) -> str:
    """'vraag 2, vraag 5' for questions, partner names for the intensity step."""
    lang = current_language()
    if step == INTENSITY_STEP:
        return ", ".join(p.name.get(lang) for p in questionnaire.intensity.partner_types if p.id in missing)
    if step == SUMMARY_STEP:
        return ""
    items = included_items(questionnaire, state, questionnaire.construct(step))
    return ", ".join(t("scan.question", n=n) for n, item in enumerate(items, start=1) if item.id in missing)
