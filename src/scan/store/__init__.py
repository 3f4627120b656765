"""DuckDB store: the schema and every SQL write. Reads for dashboards live in scan.analytics."""

from scan.store.db import DatabaseBusy, connect, transaction
from scan.store.schema import ROLES, SCHEMA_VERSION, migrate

__all__ = ["DatabaseBusy", "ROLES", "SCHEMA_VERSION", "connect", "migrate", "transaction"]
