"""Backup and restore of the whole database, through the app's own connection (the app holds the only one).

A backup is a zip file: ``manifest.json`` (schema version, time, app version, rows per table, the next value
of each id sequence) and one Parquet file per table, as DuckDB's EXPORT DATABASE writes them. Any DuckDB or
Parquet reader opens it. A restore replaces every table by the backup's, all or nothing, and only from a
backup of this program's schema version.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
import zlib
from datetime import datetime
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb

from scan import __version__
from scan.store.db import transaction
from scan.store.schema import SCHEMA_VERSION
from scan.validation import CodedError

MANIFEST = "manifest.json"
FORMAT = "kindcentrum-scan-backup"
_NEXTVAL = re.compile(r"^nextval\('([^']+)'\)$")


class BackupError(CodedError):
    """The upload is no usable backup, or restoring it failed; nothing was changed.

    ``code`` names the reason for the UI (backup.<code>); the message is English, for logs.
    """


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _here() -> str:
    """The filter on a DuckDB catalog function for the objects of this database's schema (not attached ones)."""
    return "database_name = current_database() AND schema_name = current_schema()"


def _tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table of the schema, schema_version among them."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
            " AND table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]


def _next_values(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The value each sequence hands out next."""
    return {
        name: start if last is None else last + increment
        for name, start, last, increment in conn.execute(
            f"SELECT sequence_name, start_value, last_value, increment_by FROM duckdb_sequences() WHERE {_here()}"
        ).fetchall()
    }


def _rows_in(conn: duckdb.DuckDBPyConnection, path: Path) -> int:
    return conn.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]


def backup_bytes(conn: duckdb.DuckDBPyConnection) -> bytes:
    """The whole database as a zip file (see the module text)."""
    tables = _tables(conn)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="scan-backup-") as folder:
        # EXPORT takes no parameters: the folder is a path of our own making, quoted as a string literal.
        literal = folder.replace("'", "''")
        conn.execute(f"EXPORT DATABASE '{literal}' (FORMAT parquet)")
        files = {table: Path(folder) / f"{table}.parquet" for table in tables}
        missing = [table for table, path in files.items() if not path.is_file()]
        if missing:
            raise RuntimeError(f"EXPORT DATABASE wrote no file for {', '.join(missing)}")
        manifest = {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "app_version": __version__,
            # Counted in the files, not the tables: the manifest describes exactly what the zip holds.
            "tables": {table: _rows_in(conn, path) for table, path in files.items()},
            "sequences": _next_values(conn),
        }
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
            for path in files.values():
                archive.write(path, path.name)
    return buffer.getvalue()


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("not_a_backup", f"the zip file holds no {MANIFEST}") from None
    except (ValueError, zipfile.BadZipFile, zlib.error) as exc:
        raise BackupError("damaged", f"{MANIFEST} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not_a_backup", f"{MANIFEST} is not the manifest of a Kindcentrum Scan backup")
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise BackupError(
            "wrong_version",
            f"the backup has schema version {version}, this program {SCHEMA_VERSION}; "
            "restore it with the program version that made it",
        )
    return manifest


def _unpack(conn: duckdb.DuckDBPyConnection, data: bytes, folder: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Check the upload and write its Parquet files to ``folder``: rows per table, and the sequences' next values.

    Only the expected member names are read, so a crafted zip cannot write outside the folder.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BackupError("not_a_backup", "the file is not a zip file") from None
    with archive:
        manifest = _read_manifest(archive)
        tables = _tables(conn)
        counts, sequences = manifest.get("tables"), manifest.get("sequences", {})
        if not isinstance(counts, dict) or set(counts) != set(tables) or not isinstance(sequences, dict):
            raise BackupError("incomplete", "the backup does not list the tables of this schema")
        for table in tables:
            try:
                with archive.open(f"{table}.parquet") as source, open(folder / f"{table}.parquet", "wb") as target:
                    shutil.copyfileobj(source, target)
            except KeyError:
                raise BackupError("incomplete", f"the backup holds no file for the table {table}") from None
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a bad checksum, a cut-off file
                raise BackupError("damaged", f"the file of the table {table} is damaged: {exc}") from None
    for table in tables:
        path = folder / f"{table}.parquet"
        columns = conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND " + _here(), [table]
        ).fetchall()
        try:
            found = conn.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
            rows = _rows_in(conn, path)
        except duckdb.Error as exc:
            raise BackupError("damaged", f"the file of the table {table} cannot be read: {exc}") from None
        if sorted(c[0] for c in found) != sorted(c[0] for c in columns) or rows != counts[table]:
            raise BackupError("damaged", f"the file of the table {table} does not match the table or the manifest")
    return counts, {name: value for name, value in sequences.items() if isinstance(value, int)}


def _sequence_starts(conn: duckdb.DuckDBPyConnection, folder: Path, recorded: dict[str, int]) -> dict[str, int]:
    """Where each sequence starts again: after the backup's own next value and after the highest restored id.

    The recorded value keeps ids of rows deleted before the backup from being handed out a second time.
    """
    starts = {name: max(1, recorded.get(name, 1)) for name in _next_values(conn)}
    for table, column, default in conn.execute(
        f"SELECT table_name, column_name, column_default FROM duckdb_columns() WHERE {_here()}"
        " AND column_default LIKE 'nextval(%'"
    ).fetchall():
        sequence = _NEXTVAL.match(default)
        if sequence and sequence[1] in starts:
            highest = conn.execute(
                f"SELECT max({_ident(column)}) FROM read_parquet(?)", [str(folder / f"{table}.parquet")]
            ).fetchone()[0]
            starts[sequence[1]] = max(starts[sequence[1]], (highest or 0) + 1)
    return starts


def _parents_first(conn: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """The tables ordered along their foreign keys, referenced tables before the tables that reference them."""
    parents: dict[str, set[str]] = {table: set() for table in tables}
    for table, referenced in conn.execute(
        "SELECT table_name, referenced_table FROM duckdb_constraints()"
        f" WHERE constraint_type = 'FOREIGN KEY' AND {_here()}"
    ).fetchall():
        if referenced != table:
            parents[table].add(referenced)
    return list(TopologicalSorter(parents).static_order())


def restore_bytes(conn: duckdb.DuckDBPyConnection, data: bytes) -> dict[str, int]:
    """Replace the contents of every table by those of the backup ``data``; returns the rows per table.

    Raises BackupError, with nothing changed, for an upload that is not a complete backup of this schema
    version, and when loading it fails.
    """
    with tempfile.TemporaryDirectory(prefix="scan-restore-") as name:
        folder = Path(name)
        counts, recorded = _unpack(conn, data, folder)
        starts = _sequence_starts(conn, folder, recorded)
        order = _parents_first(conn, list(counts))
        tables = dict(conn.execute(f"SELECT table_name, sql FROM duckdb_tables() WHERE {_here()}").fetchall())
        indexes = [row[0] for row in conn.execute(f"SELECT sql FROM duckdb_indexes() WHERE {_here()}").fetchall()]
        # Not DELETE and INSERT: DuckDB refuses to delete a referenced row in the transaction that deleted the
        # rows referencing it ("key is still referenced", a documented foreign key limitation). And DuckDB 2.0
        # has no ALTER SEQUENCE ... RESTART, and refuses DROP or CREATE OR REPLACE of a sequence that a column
        # default uses ("Dependency Error"). So the tables are
        # dropped (children first) and made again from their own CREATE statements, read from the catalog
        # above, after their sequences were made again with the new start. DuckDB's DDL is transactional:
        # a failure anywhere rolls back to the old tables, sequences and rows.
        try:
            with transaction(conn):
                for table in reversed(order):
                    conn.execute(f"DROP TABLE {_ident(table)}")
                for sequence, start in starts.items():
                    conn.execute(f"DROP SEQUENCE {_ident(sequence)}")
                    conn.execute(f"CREATE SEQUENCE {_ident(sequence)} START {int(start)}")
                for table in order:
                    conn.execute(tables[table])
                    conn.execute(
                        f"INSERT INTO {_ident(table)} BY NAME SELECT * FROM read_parquet(?)",
                        [str(folder / f"{table}.parquet")],
                    )
                for statement in indexes:
                    conn.execute(statement)
        except duckdb.Error as exc:
            raise BackupError("restore_failed", f"restoring failed and was undone: {exc}") from exc
    return {table: counts[table] for table in sorted(counts)}
