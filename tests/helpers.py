"""Small helpers shared by the tests."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scan.config import PrivacySettings
from scan.questionnaire import Questionnaire
from scan.scoring import ScoringModel

# For tests of what the store keeps (not of what may be shown): every group figure, sd to 2 decimals.
PRIVACY = PrivacySettings(
    team_threshold=1, cross_team_threshold=1, spread_threshold=1, spread_decimals=2, network_min_profession=1
)


def full_answers(questionnaire: Questionnaire, value: int = 4) -> dict[str, int]:
    return {item.id: value for item in questionnaire.items}


def count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@contextmanager
def database_held_by_another_process(path: Path) -> Iterator[None]:
    """A second process keeps the DuckDB file open, as the running app does."""
    code = f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print('ok', flush=True); sys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def scan_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m scan …` as its own process, as a person would run it."""
    return subprocess.run(
        [sys.executable, "-m", "scan", *args], input=stdin, capture_output=True, text=True, timeout=600
    )


ELDERS_PASSWORD = "elders-wachtwoord"


@dataclass(frozen=True)
class SecondOrganisation:
    """Another organisation in the same database, with something in every place an administrator looks."""

    organisation_id: int
    team_id: int
    round_id: int
    members: list[int]
    administrator: int
    invite: str
    pseudonyms: list[str]
    # Words that occur only in this organisation's names: none may reach another organisation's administrator.
    markers: tuple[str, ...] = ("Elders", "beheer.elders", "ELDERS-CODE")


def add_second_organisation(
    conn: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, model: ScoringModel
) -> SecondOrganisation:
    """A location, a team of six who all answered (with ties to each other), an administrator with a login, an open
    round, an invite and audit entries of its own."""
    from scan.passwords import hash_password
    from scan.store.org import add_location, add_organisation, add_team, add_user, create_invite, open_round
    from scan.store.responses import Submission, Tie, submit
    from scan.store.retention import set_retention

    organisation_id = add_organisation(conn, "Stichting Elders")
    team_id = add_team(conn, add_location(conn, organisation_id, "IKC Elders"), "Bovenbouw Elders")
    disciplines = ["leerkracht", "pedagogisch_medewerker", "jeugdhulp"]
    members = [
        add_user(conn, organisation_id=organisation_id, display_name=f"Lid Elders {k}", discipline=disciplines[k % 3],
                 team_ids=[team_id])
        for k in range(6)
    ]  # fmt: skip
    administrator = add_user(
        conn, organisation_id=organisation_id, display_name="Beheerder Elders", discipline=None,
        username="beheer.elders", password_hash=hash_password(ELDERS_PASSWORD), roles=["admin"],
    )  # fmt: skip
    round_id = open_round(conn, organisation_id, "Ronde Elders")
    for k, member in enumerate(members):
        ties = [Tie(members[(k + 1) % len(members)], 3, True)]
        answers = full_answers(questionnaire, 2 + k % 3)
        submit(conn, questionnaire, model, Submission(str(uuid.uuid4()), member, team_id, round_id, answers, ties=ties))
    invite = create_invite(conn, team_id, created_by=administrator, code="ELDERS-CODE-1")
    set_retention(conn, organisation_id, 24, actor_user_id=administrator)
    pseudonyms = [conn.execute("SELECT pseudonym FROM users WHERE id = ?", [m]).fetchone()[0] for m in members]
    return SecondOrganisation(organisation_id, team_id, round_id, members, administrator, invite, pseudonyms)


# ---- text shown through Streamlit's markdown ------------------------------------------------------------

_MARKDOWN_PUNCTUATION = r"[!-/:-@\[-`{-~]"


def parsed_text(markdown: str) -> str:
    """The text a markdown parser makes of a text without markup: backslash escapes undone."""
    return re.sub(r"\\(" + _MARKDOWN_PUNCTUATION + ")", r"\1", markdown)


def as_seen(markdown: str) -> str:
    """What a reader sees of it: the invisible word joiners are not seen."""
    return parsed_text(markdown).replace("\u2060", "")


def assert_no_markup(markdown: str) -> None:
    """None of what Streamlit's markdown would act on (checked against its front end, 1.67): every ASCII
    punctuation character is backslash-escaped, so CommonMark, GFM links, remark-math's $ and remark-directive's
    :name[...] see plain characters; no :word: remains in the parsed text (the emoji and :streamlit: plugins
    look there, after the escapes are gone); and no :material/ in the source (replaced before parsing)."""
    assert not re.search(_MARKDOWN_PUNCTUATION, re.sub(r"\\" + _MARKDOWN_PUNCTUATION, "", markdown)), markdown
    assert not re.search(r":[\w+-]+:", parsed_text(markdown)), markdown
    assert ":material/" not in markdown, markdown
