"""Small helpers shared by the tests."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from scan.questionnaire import Questionnaire


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
