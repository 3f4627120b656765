"""Opening the database file. One process owns it; a second one gets a clear DatabaseBusy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from scan.store.schema import migrate


class DatabaseBusy(RuntimeError):
    """The file is held by another process, typically the running app."""


def connect(path: Path | str, *, read_only: bool = False, migrate_schema: bool = True) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no database at {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                f"the database {path} is in use by another process (is the app running?); stop it and try again"
            ) from exc
        raise
    if migrate_schema and not read_only:
        migrate(conn)
    return conn


_open_transactions: set[int] = set()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure anywhere inside rolls every statement back.

    Nested use joins the outer transaction, so that store functions compose (DuckDB has no savepoints).
    """
    if id(conn) in _open_transactions:
        yield conn
        return
    conn.execute("BEGIN TRANSACTION")
    _open_transactions.add(id(conn))
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
    finally:
        _open_transactions.discard(id(conn))
