"""Pages draw; analytics decides; the store writes (DESIGN.md §4, issue 9 part 2).

The source of pages/*.py, app.py and src/scan/**/*.py is parsed with ``ast`` and checked for three rules:

- ``sql``: SQL only in src/scan/store/ (writes, schema) and src/scan/analytics/ (read models): elsewhere no call of
  ``.execute(``, ``.executemany(`` or ``.sql(`` and no string constant that reads as a statement;
- ``page-import``: a page or app.py does not import duckdb, networkx or pandas: it gets finished view data;
- ``threshold``: the privacy settings (``.privacy``, ``.team_threshold`` …) are read only in src/scan/analytics/
  and src/scan/config.py, so that what is hidden is decided in one place.

A second test runs the checker on small snippets, so that a rule cannot silently stop finding anything.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SQL_HOMES = ("src/scan/store/", "src/scan/analytics/")
THRESHOLD_HOMES = ("src/scan/analytics/", "src/scan/config.py")
PAGE_FORBIDDEN_IMPORTS = frozenset({"duckdb", "networkx", "pandas"})
SQL_METHODS = frozenset({"execute", "executemany", "sql"})
THRESHOLD_ATTRIBUTES = frozenset(
    {"privacy", "team_threshold", "cross_team_threshold", "spread_threshold", "network_min_profession"}
)
# A statement keyword followed by what that statement needs next, so that UI text such as "DELETE to confirm" or
# "Select a team" is not taken for SQL. The keyword is upper case, as all SQL in this code base is; SQL in lower case
# still meets the method rule where it runs.
SQL_STATEMENT = re.compile(
    r"""\s*(
        SELECT\s+\S
      | INSERT\s+(OR\s+\w+\s+)?INTO\s
      | UPDATE\s+\w+\s+SET\s
      | DELETE\s+FROM\s
      | WITH\s+(RECURSIVE\s+)?\w+\s+AS\s*\(
      | COPY\s+[\w(]
      | CREATE\s+(OR\s+REPLACE\s+)?(TEMP\w*\s+)?(UNIQUE\s+)?(TABLE|INDEX|VIEW|SEQUENCE|TYPE|MACRO|SCHEMA)\s
      | ALTER\s+(TABLE|VIEW|SEQUENCE)\s
      | DROP\s+(TABLE|INDEX|VIEW|SEQUENCE|TYPE|MACRO|SCHEMA)\s
    )""",
    re.VERBOSE,
)

# Files that still break a rule on this branch only because another engineer is changing them right now (issue 9
# part 2): they are not edited here, so as not to collide, and each entry goes when that work lands. The list can only
# shrink: test_in_flight_entries_still_break_their_rule fails on an entry that no longer breaks its rule.
IN_FLIGHT: dict[str, frozenset[str]] = {
    # Pages that read a threshold for the text of a message; the read models are to hand them the number.
    "pages/about.py": frozenset({"threshold"}),
    "pages/admin.py": frozenset({"threshold"}),
    "pages/compare.py": frozenset({"threshold"}),
    "pages/dialogue.py": frozenset({"threshold"}),
    "pages/director.py": frozenset({"threshold"}),
    "pages/guest.py": frozenset({"threshold"}),
    "pages/privacy.py": frozenset({"threshold"}),
    "pages/report.py": frozenset({"threshold"}),
    "pages/scan.py": frozenset({"threshold"}),
    "pages/team.py": frozenset({"threshold"}),
    # The exports and the benchmark still run their own queries (the benchmark also picks thresholds).
    "src/scan/exports.py": frozenset({"sql"}),
    "src/scan/bench.py": frozenset({"sql", "threshold"}),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.detail}"


def _imported_packages(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


def violations_in(source: str, path: str) -> list[Violation]:
    """What the source of the file at ``path`` (relative to the repository, with /) breaks of the three rules."""
    sql_allowed = path.startswith(SQL_HOMES)
    threshold_allowed = path.startswith(THRESHOLD_HOMES)
    page = path == "app.py" or path.startswith("pages/")
    found: list[Violation] = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not sql_allowed:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_METHODS:
                found.append(Violation(path, node.lineno, "sql", f"call of .{node.func.attr}("))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_STATEMENT.match(node.value):
                found.append(Violation(path, node.lineno, "sql", f"SQL string {node.value.strip()[:40]!r}"))
        if page:
            for package in _imported_packages(node):
                if package in PAGE_FORBIDDEN_IMPORTS:
                    found.append(Violation(path, node.lineno, "page-import", f"imports {package}"))
        if not threshold_allowed and isinstance(node, ast.Attribute) and node.attr in THRESHOLD_ATTRIBUTES:
            found.append(Violation(path, node.lineno, "threshold", f"reads .{node.attr}"))
    return sorted(found, key=lambda v: (v.line, v.rule, v.detail))


def checked_files() -> list[str]:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "src" / "scan").rglob("*.py"))]
    return [file.relative_to(ROOT).as_posix() for file in files]


def all_violations() -> list[Violation]:
    return [v for path in checked_files() for v in violations_in((ROOT / path).read_text(encoding="utf-8"), path)]


def test_code_keeps_to_the_architecture() -> None:
    broken = [v for v in all_violations() if v.rule not in IN_FLIGHT.get(v.path, ())]
    assert not broken, "Pages draw, analytics decides, the store writes:\n" + "\n".join(map(str, broken))


def test_in_flight_entries_still_break_their_rule() -> None:
    broken = {(v.path, v.rule) for v in all_violations()}
    stale = [
        f"{path}: {rule}" for path, rules in IN_FLIGHT.items() for rule in sorted(rules) if (path, rule) not in broken
    ]
    assert not stale, "No longer broken, remove from IN_FLIGHT:\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("path", "source", "rule"),
    [
        ("pages/about.py", 'conn.execute("SELECT 1")', "sql"),
        ("src/scan/cli.py", "cursor.executemany(statement, rows)", "sql"),
        ("src/scan/demo.py", "duckdb.sql(query)", "sql"),
        ("src/scan/roster.py", 'QUERY = """\n    SELECT id FROM teams"""', "sql"),
        ("src/scan/admin.py", 'q = f"DELETE FROM users WHERE id = {n}"', "sql"),
        ("src/scan/ui/session.py", 'DDL = "CREATE TABLE t (x INT)"', "sql"),
        ("src/scan/platform.py", 'q = "WITH x AS (SELECT 1) SELECT * FROM x"', "sql"),
        ("pages/team.py", "import duckdb", "page-import"),
        ("app.py", "import pandas as pd", "page-import"),
        ("pages/network.py", "from networkx.algorithms import density", "page-import"),
        ("pages/team.py", "if n < settings.privacy.team_threshold: pass", "threshold"),
        ("src/scan/exports.py", "k = privacy.cross_team_threshold", "threshold"),
        ("src/scan/ui/charts.py", "k = load_settings().privacy", "threshold"),
    ],
)
def test_checker_finds_a_planted_break(path: str, source: str, rule: str) -> None:
    assert rule in {v.rule for v in violations_in(source, path)}


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("src/scan/store/org.py", 'conn.execute("DELETE FROM users WHERE id = ?", [1])'),
        ("src/scan/analytics/teams.py", 'conn.execute("SELECT 1"); k = settings.privacy.team_threshold'),
        ("src/scan/config.py", "privacy = PrivacySettings(team_threshold=3); x = settings.privacy"),
        ("src/scan/cli.py", "import duckdb\nimport pandas as pd"),
        ("pages/admin.py", 'st.caption("Select a team"); st.button("DELETE to confirm"); import streamlit'),
        ("pages/team.py", "from scan.analytics.teams import team_view\nview = team_view(conn, 1)"),
    ],
)
def test_checker_passes_clean_code(path: str, source: str) -> None:
    assert violations_in(source, path) == []
