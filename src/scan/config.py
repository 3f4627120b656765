"""Settings from the environment and data/settings.yaml, with defaults.

SCAN_DB    path of the DuckDB file (default data/scan.duckdb)
SCAN_DEMO  "1" turns on demo mode, on a demo database only: demo accounts listed, the public cookie key tolerated
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scan.yamlfile import load_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
QUESTIONNAIRE_FILE = DATA_DIR / "questionnaire.yaml"
SETTINGS_FILE = DATA_DIR / "settings.yaml"


@dataclass(frozen=True)
class ScoringSettings:
    min_answered_ratio: float
    depth_threshold: float
    breadth_threshold: float
    gap_share_of_range: float


@dataclass(frozen=True)
class PrivacySettings:
    team_threshold: int
    cross_team_threshold: int
    spread_threshold: int
    spread_decimals: int
    network_min_profession: int


@dataclass(frozen=True)
class Choice:
    """An option with a Dutch and an English name (a profession, a partner type)."""

    id: str
    name_nl: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nl


@dataclass(frozen=True)
class Settings:
    scoring: ScoringSettings
    privacy: PrivacySettings
    disciplines: tuple[Choice, ...]
    external_partners: tuple[Choice, ...]

    def discipline(self, discipline_id: str) -> Choice:
        return next(d for d in self.disciplines if d.id == discipline_id)


def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    raw = load_yaml(path.read_text(encoding="utf-8"))
    scoring, privacy = raw["scoring"], raw["privacy"]
    settings = Settings(
        scoring=ScoringSettings(
            min_answered_ratio=float(scoring["min_answered_ratio"]),
            depth_threshold=float(scoring["t_profile"]["depth_threshold"]),
            breadth_threshold=float(scoring["t_profile"]["breadth_threshold"]),
            gap_share_of_range=float(scoring["gap_share_of_range"]),
        ),
        privacy=PrivacySettings(
            team_threshold=int(privacy["team_threshold"]),
            cross_team_threshold=int(privacy["cross_team_threshold"]),
            spread_threshold=int(privacy["spread_threshold"]),
            spread_decimals=int(privacy["spread_decimals"]),
            network_min_profession=int(privacy["network_min_profession"]),
        ),
        disciplines=tuple(Choice(d["id"], d["name"]["nl"], d["name"]["en"]) for d in raw["disciplines"]),
        external_partners=tuple(Choice(d["id"], d["name"]["nl"], d["name"]["en"]) for d in raw["external_partners"]),
    )
    if not 0 < settings.scoring.min_answered_ratio <= 1:
        raise ValueError(f"{path}: scoring.min_answered_ratio must be in (0, 1]")
    privacy = settings.privacy
    if min(privacy.team_threshold, privacy.cross_team_threshold, privacy.spread_threshold,
           privacy.network_min_profession) < 1:  # fmt: skip
        raise ValueError(f"{path}: privacy thresholds must be at least 1")
    if privacy.spread_threshold < privacy.team_threshold or not 0 <= privacy.spread_decimals <= 2:
        raise ValueError(f"{path}: privacy.spread_threshold must be at least team_threshold, spread_decimals 0-2")
    return settings


@cache
def settings() -> Settings:
    return load_settings()


def db_path() -> Path:
    return Path(os.environ.get("SCAN_DB", DATA_DIR / "scan.duckdb"))


def demo_mode() -> bool:
    return os.environ.get("SCAN_DEMO", "") == "1"
