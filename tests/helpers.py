"""Small helpers shared by the tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from scan.config import PrivacySettings
from scan.questionnaire import Questionnaire

# For tests of what the store keeps (not of what may be shown): every group figure, sd to 2 decimals.
PRIVACY = PrivacySettings(team_threshold=1, cross_team_threshold=1, spread_threshold=1, spread_decimals=2)


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
