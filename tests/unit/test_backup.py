"""Backup and restore of a real demo database in a temporary folder: everything back, or nothing changed."""

from __future__ import annotations

import io
import json
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from scan import __version__
from scan.store import SCHEMA_VERSION, connect
from scan.store.backup import BackupError, backup_bytes, restore_bytes
from scan.store.org import add_user
from scan.store.responses import Submission, delete_person_data, submit
from tests.helpers import full_answers


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh copy of the demo database (scan.demo.build_demo) for each test."""
    path = tmp_path / "scan.duckdb"
    shutil.copy(demo_template, path)
    conn = connect(path)
    yield conn
    conn.close()


def tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]


def contents(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {table: conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in tables(conn)}


def schema_of(conn: duckdb.DuckDBPyConnection) -> list[tuple]:
    return conn.execute(
        "SELECT 'table', table_name, sql FROM duckdb_tables() UNION ALL"
        " SELECT 'sequence', sequence_name, NULL FROM duckdb_sequences() ORDER BY ALL"
    ).fetchall()


def user_id_of(conn: duckdb.DuckDBPyConnection, username: str) -> int:
    return conn.execute("SELECT user_id FROM accounts WHERE username = ?", [username]).fetchone()[0]


def max_id(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    return conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]


def change_everything(conn: duckdb.DuckDBPyConnection) -> None:
    """What happens between a backup and a restore: people leave, an invite goes, someone new comes."""
    for user_id in conn.execute("SELECT DISTINCT user_id FROM responses ORDER BY 1 LIMIT 3").fetchall():
        delete_person_data(conn, user_id[0])
    conn.execute("DELETE FROM invites WHERE code = 'DEMO-TEAM-1'")
    add_user(conn, organisation_id=1, display_name="Nieuwe collega", discipline="leerkracht")


def new_scan(conn: duckdb.DuckDBPyConnection, questionnaire, model) -> int:
    """The demo professional's scan in the open round (they left it open on purpose)."""
    user_id = user_id_of(conn, "professional")
    team_id = conn.execute("SELECT min(team_id) FROM memberships WHERE user_id = ?", [user_id]).fetchone()[0]
    round_id = conn.execute(
        "SELECT r.id FROM rounds r JOIN users u USING (organisation_id) WHERE u.id = ? AND r.status = 'open'",
        [user_id],
    ).fetchone()[0]
    submission = Submission(str(uuid.uuid4()), user_id, team_id, round_id, full_answers(questionnaire, 3))
    result = submit(conn, questionnaire, model, submission)
    assert result.created
    return result.response_id


def rewritten(backup: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The backup with its members changed by ``change`` (name → content)."""
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_backup_holds_every_table_and_a_manifest(demo):
    backup = backup_bytes(demo)
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    assert names == {"manifest.json"} | {f"{table}.parquet" for table in tables(demo)}
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["app_version"] == __version__
    assert manifest["tables"] == {table: len(rows) for table, rows in contents(demo).items()}
    assert "schema_version" in manifest["tables"] and manifest["tables"]["answers"] > 1000
    assert manifest["sequences"]["users_id"] == max_id(demo, "users") + 1


def test_restore_brings_back_every_row_and_ids_stay_fresh(demo, questionnaire, model):
    before, schema = contents(demo), schema_of(demo)
    backup = backup_bytes(demo)
    change_everything(demo)
    assert contents(demo) != before

    counts = restore_bytes(demo, backup)
    assert contents(demo) == before
    assert schema_of(demo) == schema  # the tables were made again with every key, check and default
    assert counts == {table: len(rows) for table, rows in before.items()}

    # The sequences go on after the restored rows, and the columns' defaults still use them.
    assert new_scan(demo, questionnaire, model) == max(row[0] for row in before["responses"]) + 1
    user_id = add_user(demo, organisation_id=1, display_name="Na het terugzetten", discipline="jeugdhulp")
    assert user_id == max(row[0] for row in before["users"]) + 1
    audit_before = max_id(demo, "audit_log")
    delete_person_data(demo, user_id)  # writes an audit entry with a default id
    assert max_id(demo, "audit_log") == audit_before + 1


def test_restore_into_a_new_database_keeps_ids_of_deleted_rows_unused(demo, tmp_path, questionnaire, model):
    # The newest scan is deleted before the backup: its id must not be handed out again after a restore.
    newest, owner = demo.execute(
        "SELECT id, user_id FROM responses WHERE user_id <> ? ORDER BY id DESC LIMIT 1",
        [user_id_of(demo, "professional")],
    ).fetchone()
    delete_person_data(demo, owner)
    before = contents(demo)
    backup = backup_bytes(demo)

    fresh = connect(tmp_path / "new.duckdb")  # its sequences have never handed out an id
    restore_bytes(fresh, backup)
    assert contents(fresh) == before
    fresh.close()
    fresh = connect(tmp_path / "new.duckdb")  # the new sequences are stored in the file
    try:
        assert contents(fresh) == before
        assert new_scan(fresh, questionnaire, model) == newest + 1
        user_id = add_user(fresh, organisation_id=1, display_name="Nieuw", discipline=None)
        assert user_id == max(row[0] for row in before["users"]) + 1
    finally:
        fresh.close()


def _set_manifest(members: dict[str, bytes], **changes: object) -> None:
    manifest = json.loads(members["manifest.json"])
    manifest.update(changes)
    members["manifest.json"] = json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (lambda backup: b"this is not a zip file", "not_a_backup"),
        (lambda backup: rewritten(backup, lambda m: m.pop("manifest.json")), "not_a_backup"),
        (lambda backup: rewritten(backup, lambda m: m.update({"manifest.json": b"{not json"})), "damaged"),
        (lambda backup: rewritten(backup, lambda m: _set_manifest(m, schema_version=SCHEMA_VERSION + 1)),
         "wrong_version"),
        (lambda backup: rewritten(backup, lambda m: _set_manifest(m, schema_version=SCHEMA_VERSION - 1)),
         "wrong_version"),
        (lambda backup: rewritten(backup, lambda m: m.pop("users.parquet")), "incomplete"),
        (lambda backup: rewritten(backup, lambda m: m.update({"users.parquet": b"PAR1 cut off"})), "damaged"),
        (lambda backup: rewritten(backup, lambda m: m.update({"teams.parquet": m["locations.parquet"]})), "damaged"),
        (lambda backup: backup[: len(backup) // 2], "not_a_backup"),
    ],
)  # fmt: skip
def test_a_bad_upload_is_refused_and_changes_nothing(demo, spoil, code):
    backup = backup_bytes(demo)
    change_everything(demo)
    before = contents(demo)
    with pytest.raises(BackupError) as info:
        restore_bytes(demo, spoil(backup))
    assert info.value.code == code, info.value
    assert contents(demo) == before
    # The tables, their defaults and the sequences are the old ones still.
    next_user = max_id(demo, "users") + 1
    assert add_user(demo, organisation_id=1, display_name="Daarna", discipline=None) == next_user


def test_a_failure_while_loading_rolls_everything_back(demo, tmp_path):
    """Right columns and row count, but a value the table's CHECK refuses: found only inside the transaction."""
    backup = backup_bytes(demo)
    change_everything(demo)
    before = contents(demo)

    def bad_answers(members: dict[str, bytes]) -> None:
        good, bad = tmp_path / "answers.parquet", tmp_path / "bad.parquet"
        good.write_bytes(members["answers.parquet"])
        demo.execute(f"COPY (SELECT * REPLACE (9 AS value) FROM read_parquet('{good}')) TO '{bad}' (FORMAT parquet)")
        members["answers.parquet"] = bad.read_bytes()

    with pytest.raises(BackupError) as info:
        restore_bytes(demo, rewritten(backup, bad_answers))
    assert info.value.code == "restore_failed"
    assert "CHECK" in str(info.value)
    assert contents(demo) == before
    next_user = max_id(demo, "users") + 1
    assert add_user(demo, organisation_id=1, display_name="Daarna", discipline=None) == next_user
