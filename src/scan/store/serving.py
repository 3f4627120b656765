"""How the app's one connection runs queries: one DuckDB thread per query.

DuckDB parallelises every query over its worker threads (by default one per core). The app's queries are
small (a team, a person, an organisation's few hundred responses), and on two cores every hand-over to a
worker thread costs more than it saves. Measured on the 2-core machine (median wall time, load 4-6): at
1,000,000 respondents the board overview's data work went from 134 to 86 ms and the team dashboard's
from 103 to 64-69 ms; a submission at 20,000 respondents from 20 to 16 ms. Concurrent users still use
both cores: each script run queries on its own cursor in its own thread. Bulk work outside the app (demo
data, exports and backups from the command line) keeps DuckDB's default.
"""

from __future__ import annotations

import os

import duckdb

THREADS_VARIABLE = "SCAN_DUCKDB_THREADS"


def query_threads() -> int:
    """1, unless SCAN_DUCKDB_THREADS says otherwise (e.g. on a machine with many cores and few users)."""
    value = os.environ.get(THREADS_VARIABLE, "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_VARIABLE} must be a whole number of at least 1, not {value!r}")
    return int(value)


def tune_for_serving(conn: duckdb.DuckDBPyConnection) -> None:
    """For the app's connection (and the benchmark, which measures what the app does). DuckDB-only setting."""
    conn.execute(f"SET threads = {query_threads()}")
