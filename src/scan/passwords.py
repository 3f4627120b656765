"""Password hashing with bcrypt (the same scheme streamlit-authenticator uses)."""

from __future__ import annotations

import bcrypt

MAX_PASSWORD_BYTES = 72  # bcrypt ignores what follows; longer passwords are refused, not cut


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        raise ValueError(f"password longer than {MAX_PASSWORD_BYTES} bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    raw = password.encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(raw, password_hash.encode("ascii"))
