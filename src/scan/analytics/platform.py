"""The read model of the platform: every organisation with the size of its structure, and whether a name is taken.
Only the platform (its page and the command line) reads across organisations."""

from __future__ import annotations

import duckdb
import pandas as pd


def organisations(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every organisation with the size of its structure: what a platform administrator keeps track of."""
    return conn.execute(
        """
        SELECT o.id, o.name,
               (SELECT count(*) FROM locations l WHERE l.organisation_id = o.id) AS locations,
               (SELECT count(*) FROM teams t JOIN locations l ON l.id = t.location_id
                WHERE l.organisation_id = o.id) AS teams,
               (SELECT count(*) FROM users u WHERE u.organisation_id = o.id) AS people
        FROM organisations o ORDER BY o.name
        """
    ).df()


def organisation_exists(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM organisations WHERE name = ?", [name]).fetchone() is not None
