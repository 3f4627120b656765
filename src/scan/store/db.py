"""Opening the database file. One process owns it; a second one gets a clear DatabaseBusy."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from scan.store.schema import migrate

T = TypeVar("T")


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


class WriteConflict(RuntimeError):
    """Another transaction changed the same rows first, and retrying did not get through."""


def is_conflict(exc: BaseException) -> bool:
    """DuckDB's optimistic concurrency: a write-write conflict, or a unique key another transaction took first
    (both raised as TransactionException, during the statement or at COMMIT)."""
    return isinstance(exc, duckdb.TransactionException) and (
        "conflict" in str(exc).lower() or "constraint violation" in str(exc).lower()
    )


def _roll_back(conn: duckdb.DuckDBPyConnection) -> None:
    # After a conflict DuckDB may already have ended the transaction itself.
    with contextlib.suppress(duckdb.TransactionException):
        conn.execute("ROLLBACK")


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure anywhere inside rolls every statement back.

    Nested use joins the outer transaction, so that store functions compose (DuckDB has no savepoints).
    A conflict with a concurrent writer surfaces as duckdb.TransactionException; use ``write`` to retry.
    """
    if id(conn) in _open_transactions:
        yield conn
        return
    conn.execute("BEGIN TRANSACTION")
    _open_transactions.add(id(conn))
    try:
        yield conn
    except BaseException:
        _roll_back(conn)
        raise
    else:
        conn.execute("COMMIT")  # a failed COMMIT has ended the transaction already
    finally:
        _open_transactions.discard(id(conn))


def in_transaction(conn: duckdb.DuckDBPyConnection) -> bool:
    return id(conn) in _open_transactions


def write(conn: duckdb.DuckDBPyConnection, work: Callable[[], T], *, attempts: int = 8, upsert: bool = False) -> T:
    """Run ``work`` in one transaction; on a write-write conflict roll back and run it again, a few times, after a
    random pause that doubles each time (so that writers who collided do not collide again). ``work`` must read
    what it needs inside: a retry sees the other writer's result.

    ``upsert``: an INSERT ... ON CONFLICT racing another one for the same new key meets a duplicate key
    (ConstraintException) instead of the row; run again, it finds the row and updates it.
    Inside an outer transaction there is nothing to retry: the conflict goes to the outer caller.
    """
    if in_transaction(conn):
        return work()
    for attempt in range(1, attempts + 1):
        try:
            with transaction(conn):
                return work()
        except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
            if not (is_conflict(exc) or (upsert and isinstance(exc, duckdb.ConstraintException))):
                raise
            if attempt == attempts:
                raise WriteConflict(str(exc)) from exc
            back_off(attempt)
    raise AssertionError("unreachable")


def back_off(attempt: int) -> None:
    """Wait before trying a conflicted write again: a random pause that doubles each time, so that writers who
    collided do not collide again."""
    time.sleep(random.uniform(0.001, 0.004 * 2**attempt))
