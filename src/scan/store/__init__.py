"""DuckDB store: the schema and every SQL write. Reads for dashboards live in scan.analytics."""

from scan.store.db import DatabaseBusy, WriteConflict, connect, is_conflict, transaction, write
from scan.store.schema import ROLES, SCHEMA_VERSION, migrate

__all__ = [
    "DatabaseBusy",
    "WriteConflict",
    "is_conflict",
    "write",
    "ROLES",
    "SCHEMA_VERSION",
    "connect",
    "migrate",
    "transaction",
]
