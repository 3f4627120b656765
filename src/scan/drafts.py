"""A scan in progress as values, and reading a stored draft back.

The scan holds values: a scale value 1-5 or "na" per item, intensity levels 1-4, frequencies 0-4, partner
ids. Never the label a widget shows, so a draft reads the same in every language. Drafts saved before that
rule held may hold labels ('4 · Eens', '4 · Agree', 'n.v.t.'): they are turned back into values. What cannot
be read is dropped, and the steps that lost something are named so the person can fill them in again.

The payload format (store.responses.save_draft/load_draft) stays as it was: key, step,
answers {item_id: int | "na"}, intensity {partner: [current, desired]}, modules {construct_id: bool},
ties {user_id: [frequency, support]}, external [partner ids], consented, names_agreed (the network step's
agreement that colleagues may see one's name in the network picture; a draft without it has not agreed).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from scan.config import Choice
from scan.locales import text
from scan.questionnaire import LANGUAGES, Questionnaire
from scan.store.responses import Tie

NOT_APPLICABLE = "na"
INTENSITY_STEP = "intensity"
NETWORK_STEP = "network"
SUMMARY_STEP = "summary"
FREQUENCIES = (0, 1, 2, 3, 4)

# Every label the scan draws starts with its value: '4 · Eens', '2 · Coördinerend'.
_LABELLED_NUMBER = re.compile(r"^\s*(\d+)\s*(?:·.*)?$", re.DOTALL)


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
        "names_agreed": False,
        "revision": 0,  # raised by every save: an older copy never replaces a newer draft
    }


def scan_steps(questionnaire: Questionnaire, *, network: bool) -> list[str]:
    """One step per construct, the intensity step, the network step (not for guests), the summary."""
    return [c.id for c in questionnaire.constructs] + [INTENSITY_STEP, *([NETWORK_STEP] if network else []),
                                                       SUMMARY_STEP]  # fmt: skip


# ---- single values --------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> int | None:
    """The whole number a value, a JSON float or a drawn label stands for."""
    if _is_int(value):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = _LABELLED_NUMBER.match(value)
        if match:
            return int(match.group(1))
    return None


def _same_text(value: Any, names: Collection[str]) -> bool:
    return isinstance(value, str) and value.strip().casefold() in {n.strip().casefold() for n in names}


def scale_value(value: Any, questionnaire: Questionnaire) -> int | str | None:
    """An answer as a value (1-5 or "na"), from a value or its label in any language; None if unreadable."""
    not_applicable = {NOT_APPLICABLE, *(text(lang, "scan.not_applicable") for lang in LANGUAGES)}
    not_applicable |= {questionnaire.scale.not_applicable.get(lang) for lang in LANGUAGES}
    if _same_text(value, not_applicable):
        return NOT_APPLICABLE
    number = _number(value)
    return number if number in questionnaire.scale.values else None


def level_value(value: Any, questionnaire: Questionnaire, *, not_applicable: bool) -> int | str | None:
    """An intensity level (1-4, or "na" where that may be chosen) from a value or its label; None if unreadable."""
    if not_applicable and scale_value(value, questionnaire) == NOT_APPLICABLE:
        return NOT_APPLICABLE
    number = _number(value)
    return number if number in {lv.level for lv in questionnaire.intensity.levels} else None


def frequency_value(value: Any) -> int | None:
    """How often one works with a colleague (0-4) from a value or its label in any language; None if unreadable."""
    for frequency in FREQUENCIES:
        if _same_text(value, [text(lang, f"scan.frequency_{frequency}") for lang in LANGUAGES]):
            return frequency
    number = _number(value)
    return number if number in FREQUENCIES else None


# ---- a whole draft --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairedDraft:
    state: dict[str, Any]
    damaged_steps: tuple[str, ...] = ()  # steps that lost something, in the order of the scan
    unreadable: bool = False  # nothing in it could be read: the scan starts afresh
    changed: bool = False  # differs from what was stored, so it is worth saving back
    dropped: list[str] = field(default_factory=list)  # what was left out and why, for the log (no answers)


def _pair(value: Any) -> tuple[Any, Any] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None


class _Repair:
    def __init__(self, questionnaire: Questionnaire, colleagues: Collection[str] | None, external: tuple[Choice, ...]):
        self.q = questionnaire
        self.colleagues = colleagues
        self.external = external
        self.damaged: set[str] = set()
        self.dropped: list[str] = []

    def lose(self, step: str | None, what: str) -> None:
        if step is not None:
            self.damaged.add(step)
        self.dropped.append(what)

    def answers(self, raw: Any) -> dict[str, int | str]:
        if not isinstance(raw, Mapping):
            for construct in self.q.constructs:
                self.lose(construct.id, "answers: not a mapping")
            return {}
        clean = {}
        for item_id, value in raw.items():
            if not isinstance(item_id, str) or not self.q.has_item(item_id):
                self.lose(None, f"answers: unknown item {item_id!r}")  # nothing the person can answer again
                continue
            read = scale_value(value, self.q)
            if read is None:
                self.lose(self.q.item(item_id).construct_id, f"answers: unreadable value for {item_id}")
            else:
                clean[item_id] = read
        return clean

    def modules(self, raw: Any, answers: Mapping[str, Any]) -> dict[str, bool]:
        optional = {c.id: c for c in self.q.constructs if c.optional}
        clean = {}
        for construct_id, value in (raw if isinstance(raw, Mapping) else {}).items():
            if construct_id not in optional:
                self.lose(None, f"modules: unknown module {construct_id!r}")
            elif isinstance(value, bool):
                clean[construct_id] = value
            elif any(item.id in answers for item in optional[construct_id].items):
                clean[construct_id] = True  # it was answered, so it was chosen
            else:
                self.lose(None, f"modules: unreadable choice for {construct_id}")
        return clean

    def intensity(self, raw: Any) -> dict[str, list[Any]]:
        if not isinstance(raw, Mapping):
            self.lose(INTENSITY_STEP, "intensity: not a mapping")
            return {}
        known = {p.id for p in self.q.intensity.partner_types}
        clean = {}
        for partner, value in raw.items():
            if partner not in known:
                self.lose(None, f"intensity: unknown partner {partner!r}")
                continue
            pair = _pair(value)
            if pair is None:
                self.lose(INTENSITY_STEP, f"intensity: unreadable pair for {partner}")
                continue
            current = None if pair[0] is None else level_value(pair[0], self.q, not_applicable=True)
            desired = None
            if current != NOT_APPLICABLE and pair[1] is not None:
                desired = level_value(pair[1], self.q, not_applicable=False)
                if desired is None:
                    self.lose(INTENSITY_STEP, f"intensity: unreadable desired level for {partner}")
            if current is None and pair[0] is not None:
                self.lose(INTENSITY_STEP, f"intensity: unreadable current level for {partner}")
            if current is not None or desired is not None:
                clean[partner] = [current, desired]
        return clean

    def ties(self, raw: Any) -> dict[str, list[Any]]:
        if self.colleagues is None:
            return {}  # no roster, no network step (a guest)
        if not isinstance(raw, Mapping):
            self.lose(NETWORK_STEP, "ties: not a mapping")
            return {}
        clean = {}
        for colleague, value in raw.items():
            if str(colleague) not in self.colleagues:
                self.lose(None, "ties: a colleague no longer in the team")  # left the team: nothing to redo
                continue
            pair = _pair(value)
            frequency = None if pair is None or pair[0] is None else frequency_value(pair[0])
            support = pair[1] if pair is not None and isinstance(pair[1], bool) else None
            if pair is None or (frequency is None and pair[0] is not None) or support is None:
                self.lose(NETWORK_STEP, f"ties: unreadable answer for colleague {colleague}")
            if frequency is not None or support:
                clean[str(colleague)] = [frequency, bool(support)]
        return clean

    def external_partners(self, raw: Any) -> list[str]:
        if self.colleagues is None:
            return []  # asked in the network step only
        by_name = {name.casefold(): p.id for p in self.external for name in (p.id, p.name_nl, p.name_en)}
        clean: list[str] = []
        for value in raw if isinstance(raw, list) else [raw]:
            partner = by_name.get(value.strip().casefold()) if isinstance(value, str) else None
            if partner is None:
                self.lose(NETWORK_STEP, "external: unknown partner")
            elif partner not in clean:
                clean.append(partner)
        return clean


def repair_draft(
    payload: Any,
    questionnaire: Questionnaire,
    *,
    colleagues: Collection[str] | None = None,
    external_partners: tuple[Choice, ...] = (),
) -> RepairedDraft:
    """A stored draft as a scan state of values, with what was lost named by step.

    ``colleagues`` are the user ids (as text) of the team roster, None for a guest (no network step).
    No draft (None) is a fresh scan; anything that is not a mapping is unreadable and also a fresh scan.
    """
    if payload is None:
        return RepairedDraft(new_state())
    if not isinstance(payload, Mapping):
        return RepairedDraft(new_state(), unreadable=True, changed=True, dropped=["payload: not a mapping"])
    repair = _Repair(questionnaire, colleagues, external_partners)
    answers = repair.answers(payload.get("answers", {}))
    state = {
        "key": payload.get("key"),
        "step": payload.get("step"),
        "answers": answers,
        "intensity": repair.intensity(payload.get("intensity", {})),
        "modules": repair.modules(payload.get("modules", {}), answers),
        "ties": repair.ties(payload.get("ties", {})),
        "external": repair.external_partners(payload.get("external", [])),
        "consented": payload.get("consented") is True,
        # Asked in the network step only: a guest has none, so cannot have agreed.
        "names_agreed": colleagues is not None and payload.get("names_agreed") is True,
        "revision": payload["revision"] if _is_int(payload.get("revision")) else 0,
    }
    if not isinstance(state["key"], str) or not state["key"].strip():
        state["key"] = new_state()["key"]
    all_steps = scan_steps(questionnaire, network=colleagues is not None)
    damaged = tuple(step for step in all_steps if step in repair.damaged)
    if not _is_int(state["step"]) or not 0 <= state["step"] < len(all_steps):
        repair.lose(None, f"step: {state['step']!r} is not a step")
        state["step"] = 0
    if damaged:
        state["step"] = min(state["step"], all_steps.index(damaged[0]))
    return RepairedDraft(state, damaged, changed=state != dict(payload), dropped=repair.dropped)


# ---- what is sent ---------------------------------------------------------------------------------
# These read whatever the state holds without raising: anything that is not a value is left out, and
# the scan checks for gaps (and names them) before it sends.


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def submission_answers(state: Mapping[str, Any]) -> dict[str, int | None]:
    """Item id to value; None for 'not applicable'."""
    return {
        item_id: None if value == NOT_APPLICABLE else value
        for item_id, value in _mapping(state.get("answers")).items()
        if value == NOT_APPLICABLE or _is_int(value)
    }


def submission_intensity(state: Mapping[str, Any]) -> dict[str, tuple[int | None, int | None]]:
    """Partner type to (current, desired); 'not applicable' is (None, None); an unanswered current is left out."""
    out = {}
    for partner, value in _mapping(state.get("intensity")).items():
        current, desired = _pair(value) or (None, None)
        if current == NOT_APPLICABLE:
            out[partner] = (None, None)
        elif _is_int(current):
            out[partner] = (current, desired if _is_int(desired) else None)
    return out


def submission_names_agreed(state: Mapping[str, Any]) -> bool:
    """Only a ticked box is an agreement."""
    return state.get("names_agreed") is True


def submission_ties(state: Mapping[str, Any]) -> list[Tie]:
    """A tie for every colleague one works with or asks for support; 'never and no support' is no tie."""
    ties = []
    for colleague, value in _mapping(state.get("ties")).items():
        frequency, support = _pair(value) or (None, False)
        if str(colleague).isdigit() and _is_int(frequency) and (frequency > 0 or support is True):
            ties.append(Tie(int(colleague), frequency, support is True))
    return ties
