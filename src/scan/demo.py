"""A synthetic but plausible demo organisation: boards, IKC locations, mixed teams, two rounds, networks.

Patterns built in, so the dashboards have something to show: teams differ, disciplines differ in depth
and breadth (the T), about half of the teams grow between the rounds, parents and youth care are the
partners people work with least intensively, and a few colleagues (care coordinators, team leads) are
asked for support more than others. Sizes come from the command line, so the same code builds the
benchmark sets of a million respondents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from scan.config import Settings, settings
from scan.passwords import check_password, hash_password
from scan.questionnaire import Questionnaire, default_questionnaire
from scan.scoring import ScoringModel
from scan.store import org, transaction
from scan.store.accounts import password_hash
from scan.store.bulk import ResponseBatch, insert_responses, insert_structure, insert_users
from scan.store.org import (
    add_user,
    create_invite,
    has_mark,
    holds_organisations,
    mark_database,
    register_questionnaire,
    rename_user,
    set_login,
)
from scan.store.released import release_everything

DEMO_PASSWORD = "demo"
DEMO_USERNAMES = ("professional", "teamlead", "director", "admin")
DEMO_MARK = "demo"  # a database made by build_demo: only there do demo mode and its public cookie key work
DEMO_INVITES = ("DEMO-TEAM-1", "DEMO-TEAM-2", "DEMO-TEAM-3")
ROUND_NAMES = ("Najaar 2025", "Voorjaar 2026")
BOARD_NAMES = ("Stichting Kindcentra Rivierenland", "Stichting Samen Groot", "Kindkracht Bestuur")
LOCATION_NAMES = (
    "IKC De Regenboog", "Kindcentrum Het Kompas", "IKC De Vlinder", "Kindcentrum De Boomgaard",
    "IKC Het Palet", "Kindcentrum De Wereldwijzer", "IKC De Zonnewijzer", "Kindcentrum Het Anker",
    "IKC De Springplank", "Kindcentrum De Sterrenkijker", "IKC Het Startpunt", "Kindcentrum De Klimboom",
)  # fmt: skip
TEAM_NAMES = ("Onderbouw", "Middenbouw", "Bovenbouw", "Peuters en BSO")
FIRST_NAMES = (
    "Sanne", "Fatima", "Daan", "Lotte", "Mohamed", "Eva", "Jeroen", "Noor", "Kees", "Ayse", "Bram",
    "Iris", "Youssef", "Marieke", "Tim", "Anouk", "Sem", "Esra", "Ruben", "Femke", "Joost", "Lisa",
)  # fmt: skip
LAST_NAMES = (
    "de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Meijer", "Yilmaz", "de Boer",
    "Mulder", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Kaya", "Brouwer",
)  # fmt: skip
LOCATIONS_PER_BOARD = 12
CHUNK_PEOPLE = 100_000

# Discipline mix of a team and how each discipline tends to stand on depth (vertical) and breadth.
DISCIPLINE_WEIGHTS = {
    "leerkracht": 0.36,
    "pedagogisch_medewerker": 0.26,
    "onderwijsassistent": 0.14,
    "intern_begeleider": 0.09,
    "jeugdhulp": 0.08,
    "teamleider": 0.07,
}
DEPTH_OFFSET = {"leerkracht": 0.15, "pedagogisch_medewerker": 0.0, "onderwijsassistent": -0.35,
                "intern_begeleider": 0.35, "jeugdhulp": 0.3, "teamleider": 0.1}  # fmt: skip
BREADTH_OFFSET = {"leerkracht": -0.1, "pedagogisch_medewerker": 0.1, "onderwijsassistent": 0.0,
                  "intern_begeleider": 0.35, "jeugdhulp": -0.15, "teamleider": 0.3}  # fmt: skip
# Disciplines colleagues turn to for support more often: a little centralisation, as in real teams.
POPULARITY = {"intern_begeleider": 2.2, "teamleider": 1.8, "jeugdhulp": 1.2}
CONSTRUCT_BASE = {"t_vertical": 3.8, "t_horizontal": 3.45, "identiteit": 3.6, "netwerk": 3.25,
                  "organisatie": 3.0, "verbinding": 3.05}  # fmt: skip
GROWING_CONSTRUCTS = ("t_horizontal", "netwerk", "organisatie", "verbinding")
PARTNER_BASE = {"leerkracht": 2.8, "pedagogisch_medewerker": 2.3, "onderwijsassistent": 2.6,
                "intern_begeleider": 2.7, "jeugdhulp": 1.8, "ouders": 2.0}  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    locations: int
    teams: int
    people: int
    responses: int


@dataclass(frozen=True)
class _People:
    """Everyone in a team roster, ordered by team; arrays indexed by person number."""

    team: np.ndarray  # team number (0-based)
    discipline: np.ndarray  # discipline ids
    general: np.ndarray  # person effect, all constructs
    team_start: np.ndarray  # first person number of each team
    team_size: np.ndarray


def _team_sizes(respondents: int, rng: np.random.Generator) -> np.ndarray:
    sizes = [10]  # the demo accounts' team: large enough for every view's threshold
    while sum(sizes) < respondents:
        sizes.append(int(rng.integers(6, 15)))
    sizes[-1] -= sum(sizes) - respondents
    if len(sizes) > 1 and sizes[-1] < 3:
        sizes[-2] += sizes.pop()
    return np.array(sizes[: max(len(sizes), 1)])


def _people(respondents: int, rng: np.random.Generator) -> _People:
    sizes = _team_sizes(respondents, rng)
    team = np.repeat(np.arange(len(sizes)), sizes)
    disciplines = np.array(list(DISCIPLINE_WEIGHTS))
    discipline = rng.choice(disciplines, size=len(team), p=list(DISCIPLINE_WEIGHTS.values()))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # Every team is mixed: its first member teaches, its second works in childcare.
    discipline[starts] = "leerkracht"
    discipline[starts[sizes > 1] + 1] = "pedagogisch_medewerker"
    discipline[1] = "teamleider"  # the demo team lead
    return _People(team, discipline, rng.normal(0, 0.35, len(team)), starts, sizes)


def _answer_values(
    model: ScoringModel, questionnaire: Questionnaire, people: _People, persons: np.ndarray,
    team_effect: np.ndarray, growth: np.ndarray, wave: int, rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Item values for the given persons in one wave (NaN where unanswered or not applicable)."""
    constructs = [c.id for c in questionnaire.constructs]
    n = len(persons)
    disc = people.discipline[persons]
    latent = np.empty((n, len(constructs)))
    for k, cid in enumerate(constructs):
        base = CONSTRUCT_BASE.get(cid, 3.2)
        offset = np.zeros(n)
        if cid == "t_vertical":
            offset = np.vectorize(DEPTH_OFFSET.get)(disc)
        elif cid == "t_horizontal":
            offset = np.vectorize(BREADTH_OFFSET.get)(disc)
        grow = growth[people.team[persons]] if (wave == 2 and cid in GROWING_CONSTRUCTS) else 0.0
        latent[:, k] = (
            base + offset + team_effect[people.team[persons], k] + people.general[persons] + grow
            + rng.normal(0, 0.25, n)
        )  # fmt: skip
    construct_of_item = np.array([constructs.index(i.construct_id) for i in questionnaire.items])
    difficulty = np.random.default_rng(7).normal(0, 0.25, len(model.item_ids))  # fixed per item
    raw = latent[:, construct_of_item] + difficulty + rng.normal(0, 0.6, (n, len(model.item_ids)))
    values = np.clip(np.rint(raw), 1, 5)
    values = np.where(model.reverse, 6 - values, values)
    values[rng.random(values.shape) < 0.04] = np.nan  # skipped or "niet van toepassing"
    optional = np.array([questionnaire.construct(i.construct_id).optional for i in questionnaire.items])
    skip_modules = rng.random(n) > 0.35
    values[np.ix_(skip_modules, optional)] = np.nan
    return values


def _intensity(partners: tuple[str, ...], team_collab: np.ndarray, growth: np.ndarray, wave: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    n = len(team_collab)
    base = np.array([PARTNER_BASE.get(p, 2.3) for p in partners])
    lift = growth * 1.2 if wave == 2 else 0.0
    current = np.clip(np.rint(base + (team_collab + lift)[:, None] + rng.normal(0, 0.7, (n, len(partners)))), 1, 4)
    desired = np.clip(current + rng.choice([0, 1, 1, 1, 2], size=current.shape), 1, 4)
    missing = rng.random(current.shape) < 0.08
    current[missing] = np.nan
    desired[missing] = np.nan
    return current, desired


def _ties(people: _People, persons: np.ndarray, user_ids: np.ndarray, density: np.ndarray,
          rng: np.random.Generator) -> pd.DataFrame:  # fmt: skip
    """Per respondent, a row for every team colleague they work with or ask for support."""
    teams = people.team[persons]
    sizes = people.team_size[teams]
    row = np.repeat(np.arange(len(persons)), sizes)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    target = people.team_start[teams][row] + offset
    keep = target != persons[row]
    row, target = row[keep], target[keep]
    weight = np.vectorize(lambda d: POPULARITY.get(d, 1.0))(people.discipline[target]) if len(target) else target
    p_support = np.clip(density[people.team[persons[row]]] * weight, 0, 0.97)
    support = rng.random(len(row)) < p_support
    frequency = np.where(support, rng.integers(2, 5, len(row)), rng.integers(0, 3, len(row)))
    keep = support | (frequency > 0)
    return pd.DataFrame(
        {"row": row[keep], "target_user_id": user_ids[target[keep]], "frequency": frequency[keep],
         "support": support[keep]}
    )  # fmt: skip


def build_demo(
    conn: duckdb.DuckDBPyConnection,
    respondents: int,
    seed: int = 42,
    *,
    progress: Callable[[int, int], None] | None = None,
    config: Settings | None = None,
    questionnaire: Questionnaire | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo organisation. ``respondents`` people, two rounds."""
    if respondents < 10:
        raise ValueError("the demo needs at least 10 respondents")
    if holds_organisations(conn):
        raise ValueError("the database already holds organisations; the demo needs an empty database")
    config = config or settings()
    questionnaire = questionnaire or default_questionnaire()
    model = ScoringModel.from_questionnaire(questionnaire, config.scoring)
    partners = tuple(p.id for p in questionnaire.intensity.partner_types)
    rng = np.random.default_rng(seed)
    register_questionnaire(conn, questionnaire)

    people = _people(respondents, rng)
    n_teams = len(people.team_size)
    organisations: list[str] = []
    locations: list[tuple[int, str]] = []
    teams: list[tuple[int, str]] = []
    while len(teams) < n_teams:
        if len(locations) % LOCATIONS_PER_BOARD == 0:
            board = len(organisations)
            suffix = f" {board // len(BOARD_NAMES) + 1}" if board >= len(BOARD_NAMES) else ""
            organisations.append(BOARD_NAMES[board % len(BOARD_NAMES)] + suffix)
        n = len(locations)
        suffix = f" {n // len(LOCATION_NAMES) + 1}" if n >= len(LOCATION_NAMES) else ""
        locations.append((len(organisations) - 1, LOCATION_NAMES[n % len(LOCATION_NAMES)] + suffix))
        for team_name in TEAM_NAMES[: int(rng.integers(2, 5))][: n_teams - len(teams)]:
            teams.append((len(locations) - 1, team_name))
    org_ids, team_ids, round_ids = insert_structure(conn, organisations, locations, teams, ROUND_NAMES)
    org_of_team = np.array([locations[loc][0] for loc, _ in teams])  # organisation index per team
    team_org = org_ids[org_of_team]

    first = rng.integers(0, len(FIRST_NAMES), len(people.team))
    last = rng.integers(0, len(LAST_NAMES), len(people.team))
    names = [f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(first, last, strict=True)]
    roster = pd.DataFrame(
        {
            "organisation_id": team_org[people.team],
            "display_name": names,
            "discipline": people.discipline,
            "team_id": team_ids[people.team],
        }
    )
    user_ids = np.concatenate(
        [insert_users(conn, roster.iloc[i : i + CHUNK_PEOPLE], rng) for i in range(0, len(roster), CHUNK_PEOPLE)]
    )

    n_constructs = len(questionnaire.constructs)
    team_effect = rng.normal(0, 0.3, (n_teams, n_constructs))
    growing = rng.random(n_teams) < 0.5
    growth = np.where(growing, rng.uniform(0.2, 0.6, n_teams), rng.normal(0, 0.08, n_teams))
    verbinding = [c.id for c in questionnaire.constructs].index("verbinding")
    team_collab = team_effect[:, verbinding]
    density = rng.uniform(0.3, 0.65, n_teams)

    total = 0
    steps = 2 * len(range(0, len(people.team), CHUNK_PEOPLE))
    done = 0
    for wave in (1, 2):
        takes_part = rng.random(len(people.team)) < (0.85 if wave == 1 else 0.8)
        takes_part[: people.team_size[0]] = True  # the demo team answers in full...
        takes_part[people.team_size[0] - 1] = wave == 2  # ...but for one late joiner
        takes_part[0] = wave == 1  # the demo professional has a scan waiting in the open round
        wave_density = density + (growth * 0.3 if wave == 2 else 0.0)
        for start in range(0, len(people.team), CHUNK_PEOPLE):
            persons = np.arange(start, min(start + CHUNK_PEOPLE, len(people.team)))
            persons = persons[takes_part[persons]]
            if len(persons):
                current, desired = _intensity(
                    partners, team_collab[people.team[persons]], growth[people.team[persons]], wave, rng
                )
                batch = ResponseBatch(
                    user_ids=user_ids[persons],
                    team_ids=team_ids[people.team[persons]],
                    round_ids=round_ids[org_of_team[people.team[persons]], wave - 1],
                    values=_answer_values(model, questionnaire, people, persons, team_effect, growth, wave, rng),
                    intensity_current=current,
                    intensity_desired=desired,
                    ties=_ties(people, persons, user_ids, wave_density, rng),
                )  # fmt: skip
                insert_responses(conn, questionnaire, model, batch, partners)
                total += len(persons)
            done += 1
            if progress:
                progress(done, steps)
    with transaction(conn):  # a fresh demo shows its figures
        release_everything(conn)
    _demo_accounts(conn, int(org_ids[0]), int(user_ids[0]), int(user_ids[1]), team_ids[:3])
    return DemoSummary(len(org_ids), len(locations), n_teams, len(people.team), total)


def _demo_accounts(conn: duckdb.DuckDBPyConnection, org_id: int, professional: int, team_lead: int,
                   first_teams: np.ndarray) -> None:  # fmt: skip
    """Logins for the four demo roles, and invite codes for the first teams of the first board."""
    with transaction(conn):
        mark_database(conn, DEMO_MARK)
        for user_id, username, name in ((professional, "professional", "Sanne de Vries"),
                                        (team_lead, "teamlead", "Jeroen Bakker")):  # fmt: skip
            rename_user(conn, user_id, name)
            set_login(conn, user_id, username=username, email=f"{username}@example.org",
                      password_hash=hash_password(DEMO_PASSWORD))  # fmt: skip
        org.set_roles(conn, team_lead, ["professional", "team_lead"], actor_user_id=None, now=0.0)
    for username, name, role in (("director", "Marieke Smit", "director"), ("admin", "Kees Visser", "admin")):
        add_user(
            conn, organisation_id=org_id, display_name=name, discipline=None, username=username,
            email=f"{username}@example.org", password_hash=hash_password(DEMO_PASSWORD), roles=(role,),
        )  # fmt: skip
    for code, team_id in zip(DEMO_INVITES, first_teams, strict=False):
        create_invite(conn, int(team_id), code=code, max_uses=1000)


def is_demo_database(conn: duckdb.DuckDBPyConnection) -> bool:
    return has_mark(conn, DEMO_MARK)


def holds_demo_accounts(conn: duckdb.DuckDBPyConnection) -> bool:
    """A demo file, or any account that opens with a demo username and the public demo password."""
    if is_demo_database(conn):
        return True
    for username in DEMO_USERNAMES:
        stored = password_hash(conn, username)
        if stored and check_password(DEMO_PASSWORD, stored[1]):
            return True
    return False
