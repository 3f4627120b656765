"""UI texts per language from data/locales/<lang>.yaml; every language must have every key."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from scan.config import DATA_DIR
from scan.questionnaire import LANGUAGES
from scan.yamlfile import DuplicateKey, load_yaml

LOCALES_DIR = DATA_DIR / "locales"


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = str(value)
    return flat


def load_locales(folder: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """Every ``<lang>.yaml`` and ``<area>.<lang>.yaml`` of a language, merged; a key may occur only once."""
    texts: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        merged: dict[str, str] = {}
        for path in [folder / f"{lang}.yaml", *sorted(folder.glob(f"*.{lang}.yaml"))]:
            try:
                tree = load_yaml(path.read_text(encoding="utf-8")) or {}
            except DuplicateKey as exc:
                raise ValueError(f"{path}: {exc}") from exc
            flat = _flatten(tree)

            twice = set(flat) & set(merged)
            if twice:
                raise ValueError(f"{path}: keys defined twice: {', '.join(sorted(twice))}")
            merged.update(flat)
        texts[lang] = merged

    reference = set(texts[LANGUAGES[0]])
    for lang in LANGUAGES[1:]:
        missing = reference ^ set(texts[lang])
        if missing:
            raise ValueError(
                f"{folder}/{lang}.yaml: keys differ from {LANGUAGES[0]}.yaml: {', '.join(sorted(missing))}"
            )
    return texts


@cache
def locales() -> dict[str, dict[str, str]]:
    return load_locales()


def text(lang: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang``, with {placeholders} filled in. An unknown key shows itself."""
    template = locales().get(lang, locales()["nl"]).get(key, key)
    return template.format(**values) if values else template
