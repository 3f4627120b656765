"""Load and validate the questionnaire (data/questionnaire.yaml) into typed, immutable objects.

Every problem is reported as ``<file>: <where>: <problem>`` so a content editor can find it at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scan.config import QUESTIONNAIRE_FILE
from scan.yamlfile import load_yaml

LANGUAGES = ("nl", "en")
CONSTRUCT_KINDS = ("t_shape", "building_block", "module")
T_CONSTRUCTS = ("t_vertical", "t_horizontal")
T_PROFILE_IDS = ("t_shaped", "i_shaped", "generalist", "developing")
INTENSITY_LEVELS = (1, 2, 3, 4)
SEED_FILES = ("003_1ed38b01c013e2fa.txt", "000_1f6354f72a8e1094.txt")
MIN_ITEMS_PER_SUBDIMENSION = 3
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class QuestionnaireError(ValueError):
    """The questionnaire file is not valid; the message names the file, the place and the problem."""


@dataclass(frozen=True)
class LocalText:
    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True)
class Source:
    file: str
    section: str

    def __str__(self) -> str:
        return f"{self.file} § {self.section}"


@dataclass(frozen=True)
class Item:
    id: str
    text: LocalText
    reverse: bool
    source: Source
    subdimension_id: str
    construct_id: str


@dataclass(frozen=True)
class SubDimension:
    id: str
    name: LocalText
    description: LocalText
    construct_id: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ReflectionQuestion:
    text: LocalText
    source: Source


@dataclass(frozen=True)
class Construct:
    id: str
    kind: str
    optional: bool
    name: LocalText
    description: LocalText
    source: Source
    subdimensions: tuple[SubDimension, ...]
    reflection_questions: tuple[ReflectionQuestion, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for sub in self.subdimensions for item in sub.items)


@dataclass(frozen=True)
class TProfile:
    id: str
    name: LocalText
    description: LocalText
    advice: LocalText
    source: Source


@dataclass(frozen=True)
class IntensityLevel:
    level: int
    id: str
    name: LocalText
    descriptor: LocalText
    advice: LocalText


@dataclass(frozen=True)
class PartnerType:
    id: str
    name: LocalText


@dataclass(frozen=True)
class Intensity:
    source: Source
    question_current: LocalText
    question_desired: LocalText
    levels: tuple[IntensityLevel, ...]
    partner_types: tuple[PartnerType, ...]

    def level(self, number: int) -> IntensityLevel:
        return self.levels[number - 1]


@dataclass(frozen=True)
class Scale:
    id: str
    min: int
    max: int
    labels: Mapping[int, LocalText]
    not_applicable: LocalText

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    @property
    def range(self) -> int:
        return self.max - self.min


@dataclass(frozen=True)
class Questionnaire:
    version: str
    content_hash: str
    scale: Scale
    constructs: tuple[Construct, ...]
    t_profiles: tuple[TProfile, ...]
    intensity: Intensity
    _items: Mapping[str, Item] = field(repr=False, compare=False, default_factory=dict)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(self._items.values())

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def construct(self, construct_id: str) -> Construct:
        return next(c for c in self.constructs if c.id == construct_id)

    @property
    def subdimensions(self) -> tuple[SubDimension, ...]:
        return tuple(sub for c in self.constructs for sub in c.subdimensions)

    @property
    def building_blocks(self) -> tuple[Construct, ...]:
        return tuple(c for c in self.constructs if c.kind == "building_block")

    def dimension_ids(self) -> tuple[str, ...]:
        """Every scored dimension: the sub-dimensions, then the constructs, in questionnaire order."""
        return tuple(s.id for s in self.subdimensions) + tuple(c.id for c in self.constructs)

    def dimension_name(self, dimension_id: str) -> LocalText:
        for construct in self.constructs:
            if construct.id == dimension_id:
                return construct.name
            for sub in construct.subdimensions:
                if sub.id == dimension_id:
                    return sub.name
        raise KeyError(dimension_id)

    def t_profile(self, profile_id: str) -> TProfile:
        return next(p for p in self.t_profiles if p.id == profile_id)

    def codebook_rows(self) -> Iterator[dict[str, Any]]:
        for item in self.items:
            yield {
                "item_id": item.id,
                "construct": item.construct_id,
                "dimension": item.subdimension_id,
                "scale": self.scale.id,
                "reverse": item.reverse,
                "text_nl": item.text.nl,
                "text_en": item.text.en,
                "source": str(item.source),
            }


class _Reader:
    """Reads one mapping, reporting problems with the file name and a path such as ``item tv_x_1``."""

    def __init__(self, file: str, where: str, raw: Any):
        if not isinstance(raw, dict):
            raise QuestionnaireError(f"{file}: {where}: expected a mapping, found {type(raw).__name__}")
        self.file, self.where, self.raw = file, where, raw

    def fail(self, problem: str) -> QuestionnaireError:
        return QuestionnaireError(f"{self.file}: {self.where}: {problem}")

    def require(self, key: str) -> Any:
        if key not in self.raw or self.raw[key] is None:
            raise self.fail(f"missing '{key}'")
        return self.raw[key]

    def ident(self, key: str = "id") -> str:
        value = self.require(key)
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(f"'{key}' must be lowercase letters, digits and underscores, found {value!r}")
        return value

    def text(self, key: str) -> LocalText:
        value = self.require(key)
        if not isinstance(value, dict):
            raise self.fail(f"'{key}' must give a text per language ({', '.join(LANGUAGES)})")
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise self.fail(f"missing translation '{lang}' in '{key}'")
        return LocalText(nl=value["nl"].strip(), en=value["en"].strip())

    def source(self) -> Source:
        src = _Reader(self.file, f"{self.where} source", self.require("source"))
        seed = src.require("file")
        if seed not in SEED_FILES:
            raise self.fail(f"source file {seed!r} is not one of the seeds {', '.join(SEED_FILES)}")
        section = src.require("section")
        if not isinstance(section, str) or not section.strip():
            raise self.fail("source section is empty")
        return Source(file=seed, section=section.strip())

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false, found {value!r}")
        return value

    def sequence(self, key: str, *, required: bool = True) -> list[Any]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.fail(f"'{key}' must be a non-empty list")
        return value


def _scale(file: str, raw: Any) -> Scale:
    r = _Reader(file, "scale", raw)
    low, high = r.require("min"), r.require("max")
    if not (isinstance(low, int) and isinstance(high, int)) or low >= high:
        raise r.fail(f"bad scale: min and max must be whole numbers with min < max, found {low!r}..{high!r}")
    labels_raw = r.require("labels")
    labels: dict[int, LocalText] = {}
    for value in range(low, high + 1):
        per_lang = {}
        for lang in LANGUAGES:
            lang_labels = labels_raw.get(lang) if isinstance(labels_raw, dict) else None
            if not isinstance(lang_labels, dict) or not str(lang_labels.get(value, "")).strip():
                raise r.fail(f"bad scale: no '{lang}' label for value {value}")
            per_lang[lang] = str(lang_labels[value]).strip()
        labels[value] = LocalText(**per_lang)
    for lang in LANGUAGES:
        extra = set(labels_raw[lang]) - set(range(low, high + 1))
        if extra:
            raise r.fail(f"bad scale: '{lang}' labels for values outside {low}..{high}: {sorted(extra)}")
    return Scale(id=r.ident(), min=low, max=high, labels=labels, not_applicable=r.text("not_applicable"))


def parse_questionnaire(text: str, file: str = "questionnaire.yaml") -> Questionnaire:
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        raise QuestionnaireError(f"{file}: not valid YAML: {exc}") from exc
    top = _Reader(file, "top level", raw)
    version = top.require("version")
    if not isinstance(version, str | int | float) or not str(version).strip():
        raise top.fail("'version' must be a non-empty text")
    scale = _scale(file, top.require("scale"))

    seen: dict[str, str] = {}

    def claim(identifier: str, where: str) -> None:
        if identifier in seen:
            raise QuestionnaireError(f"{file}: {where}: duplicate id {identifier!r} (also used by {seen[identifier]})")
        seen[identifier] = where

    constructs: list[Construct] = []
    items: dict[str, Item] = {}
    for raw_construct in top.sequence("constructs"):
        c = _Reader(file, "construct", raw_construct)
        construct_id = c.ident()
        c.where = f"construct {construct_id}"
        claim(construct_id, c.where)
        kind = c.require("kind")
        if kind not in CONSTRUCT_KINDS:
            raise c.fail(f"unknown construct kind {kind!r} (expected one of {', '.join(CONSTRUCT_KINDS)})")
        subdimensions = []
        for raw_sub in c.sequence("subdimensions"):
            s = _Reader(file, f"{c.where} subdimension", raw_sub)
            sub_id = s.ident()
            s.where = f"subdimension {sub_id}"
            claim(sub_id, s.where)
            sub_items = []
            for raw_item in s.sequence("items"):
                i = _Reader(file, f"{s.where} item", raw_item)
                item_id = i.ident()
                i.where = f"item {item_id}"
                claim(item_id, i.where)
                item = Item(
                    id=item_id,
                    text=i.text("text"),
                    reverse=i.flag("reverse", False),
                    source=i.source(),
                    subdimension_id=sub_id,
                    construct_id=construct_id,
                )
                sub_items.append(item)
                items[item_id] = item
            if len(sub_items) < MIN_ITEMS_PER_SUBDIMENSION:
                raise s.fail(f"has {len(sub_items)} items, at least {MIN_ITEMS_PER_SUBDIMENSION} are needed")
            subdimensions.append(
                SubDimension(
                    id=sub_id,
                    name=s.text("name"),
                    description=s.text("description"),
                    construct_id=construct_id,
                    items=tuple(sub_items),
                )
            )
        questions = []
        for n, raw_q in enumerate(c.sequence("reflection_questions", required=False), start=1):
            q = _Reader(file, f"{c.where} reflection question {n}", raw_q)
            questions.append(ReflectionQuestion(text=q.text("text"), source=q.source()))
        if kind == "building_block" and not questions:
            raise c.fail("a building block needs reflection questions")
        constructs.append(
            Construct(
                id=construct_id,
                kind=kind,
                optional=c.flag("optional", False),
                name=c.text("name"),
                description=c.text("description"),
                source=c.source(),
                subdimensions=tuple(subdimensions),
                reflection_questions=tuple(questions),
            )
        )

    construct_ids = [c.id for c in constructs]
    for required in T_CONSTRUCTS:
        if required not in construct_ids:
            raise top.fail(f"unknown construct {required!r}: the T-profile needs it")
    for construct in constructs:
        if construct.kind == "t_shape" and construct.id not in T_CONSTRUCTS:
            raise QuestionnaireError(
                f"{file}: construct {construct.id}: unknown construct for kind t_shape "
                f"(expected {' or '.join(T_CONSTRUCTS)})"
            )

    profiles = []
    for raw_profile in top.sequence("t_profiles"):
        p = _Reader(file, "t_profile", raw_profile)
        profile_id = p.ident()
        p.where = f"t_profile {profile_id}"
        profiles.append(TProfile(profile_id, p.text("name"), p.text("description"), p.text("advice"), p.source()))
    if tuple(p.id for p in profiles) != T_PROFILE_IDS:
        raise top.fail(f"t_profiles must be exactly {', '.join(T_PROFILE_IDS)} in that order")

    it = _Reader(file, "intensity", top.require("intensity"))
    levels = []
    for raw_level in it.sequence("levels"):
        lv = _Reader(file, "intensity level", raw_level)
        number = lv.require("level")
        lv.where = f"intensity level {number}"
        levels.append(IntensityLevel(number, lv.ident(), lv.text("name"), lv.text("descriptor"), lv.text("advice")))
    if tuple(lv.level for lv in levels) != INTENSITY_LEVELS:
        raise it.fail(f"levels must be numbered {', '.join(map(str, INTENSITY_LEVELS))} in order")
    partners = []
    for raw_partner in it.sequence("partner_types"):
        pt = _Reader(file, "partner type", raw_partner)
        partner_id = pt.ident()
        pt.where = f"partner type {partner_id}"
        claim(f"partner:{partner_id}", pt.where)
        partners.append(PartnerType(partner_id, pt.text("name")))
    intensity = Intensity(
        source=it.source(),
        question_current=it.text("question_current"),
        question_desired=it.text("question_desired"),
        levels=tuple(levels),
        partner_types=tuple(partners),
    )

    return Questionnaire(
        version=str(version).strip(),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        scale=scale,
        constructs=tuple(constructs),
        t_profiles=tuple(profiles),
        intensity=intensity,
        _items=items,
    )


def load_questionnaire(path: Path = QUESTIONNAIRE_FILE) -> Questionnaire:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QuestionnaireError(f"{path}: cannot be read: {exc.strerror}") from exc
    return parse_questionnaire(text, file=str(path))


@cache
def default_questionnaire() -> Questionnaire:
    return load_questionnaire()
