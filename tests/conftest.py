"""Shared fixtures: the real questionnaire and settings, and real DuckDB files in a temporary folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from scan.config import Settings, settings
from scan.demo import build_demo
from scan.questionnaire import Questionnaire, default_questionnaire
from scan.scoring import ScoringModel
from scan.store import connect
from scan.store.org import add_location, add_organisation, add_team, add_user, open_round, register_questionnaire


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return default_questionnaire()


@pytest.fixture(scope="session")
def config() -> Settings:
    return settings()


@pytest.fixture(scope="session")
def model(questionnaire: Questionnaire, config: Settings) -> ScoringModel:
    return ScoringModel.from_questionnaire(questionnaire, config.scoring)


@pytest.fixture
def db(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    conn = connect(tmp_path / "scan.duckdb")
    yield conn
    conn.close()


@dataclass
class SmallOrg:
    organisation_id: int
    location_id: int
    team_id: int
    other_team_id: int
    round_id: int
    members: list[int]
    outsider: int


@pytest.fixture
def org(db: duckdb.DuckDBPyConnection, questionnaire: Questionnaire) -> SmallOrg:
    """One board, one location, two teams; six members in the first team, one in the second; an open round."""
    register_questionnaire(db, questionnaire)
    org_id = add_organisation(db, "Stichting Test")
    loc = add_location(db, org_id, "IKC Test")
    team = add_team(db, loc, "Onderbouw")
    other = add_team(db, loc, "Bovenbouw")
    disciplines = ["leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider", "jeugdhulp"]
    members = [
        add_user(db, organisation_id=org_id, display_name=f"Lid {k}", discipline=disciplines[k % 5], team_ids=[team])
        for k in range(6)
    ]
    outsider = add_user(db, organisation_id=org_id, display_name="Ander", discipline="leerkracht", team_ids=[other])
    round_id = open_round(db, org_id, "Voorjaar 2026")
    return SmallOrg(org_id, loc, team, other, round_id, members, outsider)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    conn = connect(path)
    build_demo(conn, 40, seed=3)
    conn.close()
    return path
