"""Validators for everything a user or a file hands in. They raise; they never repair silently.

Each problem carries a code that the UI turns into a message in the user's language
(data/locales/*.yaml, key ``error.<code>``) and a plain English message for logs and the CLI.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scan.questionnaire import Questionnaire

MAX_TEXT_LENGTH = 500
# Control characters: C0 but tab and line breaks, DEL, C1. A browser's text field does not produce them; a
# paste from another program can, and they break exports and displays.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Characters that change the direction text is shown in (embeddings, overrides, isolates): with U+202E a
# text reads differently from what it holds ("Trojan Source").
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Characters without width (space, non-joiner, joiner, word joiner, byte order mark): two texts look the same
# while they differ. Names refuse every invisible character (_invisible); free text refuses these.
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
# Names are shown in many places (menus, reports, sociograms, Streamlit markdown): no markup, so nothing can
# render as code, a link, LaTeX ($) or strike-through (~).
_MARKUP = re.compile(r"[<>*_`#\[\]{}|\\$~]")
# A spreadsheet reads a cell that starts with one of these as a formula (CSV/Excel injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@")
MAX_EMAIL_LENGTH = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(value: str) -> bool:
    """Plausible, not verified: an address is only checked by the mail that reaches it."""
    return bool(_EMAIL.match(value)) and len(value) <= MAX_EMAIL_LENGTH and not _invisible(value)


def _invisible(text: str) -> bool:
    """A control, format (zero-width, bidi, BOM, soft hyphen) or line/paragraph separator character."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in text)


@dataclass(frozen=True)
class Problem:
    code: str
    field: str | None
    message: str


class CodedError(ValueError):
    """A refusal with a code the UI turns into the user's language; the message is English, for logs."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


class InvalidInput(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def validate_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, int | None]:
    """Item id → whole number on the scale, or None for 'not applicable'. Unknown items are refused."""
    problems = []
    clean: dict[str, int | None] = {}
    scale = questionnaire.scale
    for item_id, value in answers.items():
        if not questionnaire.has_item(item_id):
            problems.append(Problem("unknown_item", item_id, f"unknown item {item_id!r}"))
        elif value is None:
            clean[item_id] = None
        elif isinstance(value, bool) or not isinstance(value, int) or value not in scale.values:
            problems.append(
                Problem(
                    "out_of_range",
                    item_id,
                    f"item {item_id}: {value!r} is not on the scale {scale.min}-{scale.max}",
                )
            )
        else:
            clean[item_id] = value
    if problems:
        raise InvalidInput(problems)
    return clean


def validate_intensity(
    questionnaire: Questionnaire, intensity: Mapping[str, tuple[Any, Any]]
) -> dict[str, tuple[int | None, int | None]]:
    """Partner type → (current level, desired level), each 1..4 or None."""
    known = {p.id for p in questionnaire.intensity.partner_types}
    levels = {lv.level for lv in questionnaire.intensity.levels}
    problems = []
    clean = {}
    for partner, pair in intensity.items():
        if partner not in known:
            problems.append(Problem("unknown_partner_type", partner, f"unknown partner type {partner!r}"))
            continue
        for value in pair:
            if value is not None and (isinstance(value, bool) or value not in levels):
                problems.append(Problem("out_of_range", partner, f"partner {partner}: level {value!r} is not 1-4"))
        clean[partner] = (pair[0], pair[1])
    if problems:
        raise InvalidInput(problems)
    return clean


def validate_choices(chosen: Iterable[str], allowed: set[str], field: str) -> None:
    unknown = [c for c in chosen if c not in allowed]
    if unknown:
        raise InvalidInput([Problem("unknown_choice", field, f"unknown {field}: {', '.join(map(repr, unknown))}")])


def clean_text(value: str, field: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Free text as typed (NFC-normalised, without leading and trailing white space); line breaks and tabs
    are kept. Control characters, characters that turn the reading direction and characters without width
    are refused, as is a text that is too long: nothing is removed silently, so what is stored is what the
    person typed.

    Markup is kept as typed and shown as plain text (escaped) wherever it is displayed.
    """
    text = unicodedata.normalize("NFC", value or "").strip()
    problems = []
    if _CONTROL.search(text):
        problems.append(Problem("control_character", field, f"{field}: control characters are not allowed"))
    if _BIDI_CONTROL.search(text):
        problems.append(Problem("bidi_control", field, f"{field}: text-direction characters are not allowed"))
    if _ZERO_WIDTH.search(text):
        problems.append(Problem("invisible_character", field, f"{field}: invisible characters are not allowed"))
    if len(text) > max_length:
        problems.append(Problem("text_too_long", field, f"{field}: longer than {max_length} characters"))
    if problems:
        raise InvalidInput(problems)
    return text


def clean_name(value: str, field: str, max_length: int = 80) -> str:
    """A person's or a group's name: plain text on one line. Markup, invisible characters (control,
    zero-width, bidi) and a leading formula character are refused, not stripped."""
    text = clean_text(value, field, max_length)
    problems = []
    if _invisible(text):
        problems.append(Problem("invisible_character", field, f"{field}: invisible characters are not allowed"))
    if _MARKUP.search(text):
        problems.append(Problem("markup", field, f"{field}: HTML or markdown characters are not allowed"))
    if text.startswith(_FORMULA_PREFIXES):
        problems.append(Problem("formula_prefix", field, f"{field}: may not start with {' '.join(_FORMULA_PREFIXES)}"))
    if not text:
        problems.append(Problem("required", field, f"{field}: a name is needed"))
    if problems:
        raise InvalidInput(problems)
    return text
