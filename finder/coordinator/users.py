"""The coordinator's accounts: argon2 password hashes, lockout after failed logins and
server-side sessions, all in the coordinator's records.

A lockout is per account name (we keep no addresses): after MAX_FAILURES wrong
passwords within FAILURE_WINDOW seconds the account refuses every password, the right
one too, for LOCKOUT seconds. Unknown names are counted the same way, so the answers
do not tell which names exist.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from finder import clock
from finder.coordinator import records

MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60
LOCKOUT = 15 * 60
SESSION_IDLE = 2 * 3600
SESSION_MAX = 12 * 3600
MIN_PASSWORD = 10
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")

_hasher = PasswordHasher()
# Verifying against this costs what verifying a real hash costs: an unknown name takes
# as long to refuse as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    """A user name or password the command line refuses; says why."""


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    locked: bool = False


def add(data_dir: str | Path, name: str, password: str) -> None:
    if not NAME.match(name):
        raise UserError("a user name is 2 to 40 lower-case letters, digits, dots, dashes or "
                        "underscores")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")
    db = records.open_db(data_dir)
    try:
        if db["users"].count_where("name = ?", [name]):
            raise UserError(f"user {name!r} exists already; remove it first to set a new password")
        db["users"].insert({"name": name, "password_hash": _hasher.hash(password),
                            "created_at": clock.stamp()})
    finally:
        db.conn.close()


def remove(data_dir: str | Path, name: str) -> None:
    db = records.open_db(data_dir)
    try:
        if not db["users"].count_where("name = ?", [name]):
            raise UserError(f"there is no user {name!r}")
        db.execute("DELETE FROM users WHERE name = ?", [name])
        db.execute("DELETE FROM sessions WHERE user = ?", [name])
    finally:
        db.conn.close()


def names(data_dir: str | Path) -> list[dict]:
    db = records.open_db(data_dir)
    try:
        return list(db.query("SELECT name, created_at FROM users ORDER BY name"))
    finally:
        db.conn.close()


def login(data_dir: str | Path, name: str, password: str, now: float | None = None) -> LoginResult:
    """Check a password; count failures and lock the name after MAX_FAILURES."""
    now = time.time() if now is None else now
    name = name.strip().lower()[:40]
    db = records.open_db(data_dir)
    try:
        failures = db.execute("SELECT failures, first_at, locked_until FROM login_failures "
                              "WHERE name = ?", [name]).fetchone()
        if failures and failures[2] and failures[2] > now:
            return LoginResult(False, locked=True)
        row = db.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()
        try:
            _hasher.verify(row[0] if row else _DUMMY_HASH, password)
            good = row is not None
        except (VerificationError, InvalidHashError):
            good = False
        if good:
            db.execute("DELETE FROM login_failures WHERE name = ?", [name])
            if _hasher.check_needs_rehash(row[0]):
                db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                           [_hasher.hash(password), name])
            return LoginResult(True)
        count, first = (failures[0], failures[1]) if failures else (0, now)
        if now - first > FAILURE_WINDOW:
            count, first = 0, now
        count += 1
        locked = now + LOCKOUT if count >= MAX_FAILURES else None
        db.execute("INSERT INTO login_failures (name, failures, first_at, locked_until) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET failures = "
                   "excluded.failures, first_at = excluded.first_at, "
                   "locked_until = excluded.locked_until",
                   [name, 0 if locked else count, now if locked else first, locked])
        return LoginResult(False, locked=locked is not None)
    finally:
        db.conn.close()


def start_session(data_dir: str | Path, name: str) -> str:
    """A new session id for a user who just logged in (never one the browser brought)."""
    sid = secrets.token_urlsafe(32)
    now = time.time()
    db = records.open_db(data_dir)
    try:
        db.execute("DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
                   [now - SESSION_IDLE, now - SESSION_MAX])
        db["sessions"].insert({"id": sid, "user": name, "created_at": now, "seen_at": now})
    finally:
        db.conn.close()
    return sid


def session_user(data_dir: str | Path, sid: str | None) -> str | None:
    """The user of a live session, or None; a session ends after SESSION_IDLE without
    use and SESSION_MAX after login."""
    if not sid or not isinstance(sid, str):
        return None
    now = time.time()
    db = records.open_db(data_dir)
    try:
        row = db.execute("SELECT user, created_at, seen_at FROM sessions WHERE id = ?",
                         [sid]).fetchone()
        if row is None:
            return None
        if row[2] < now - SESSION_IDLE or row[1] < now - SESSION_MAX:
            db.execute("DELETE FROM sessions WHERE id = ?", [sid])
            return None
        db.execute("UPDATE sessions SET seen_at = ? WHERE id = ?", [now, sid])
        return row[0]
    finally:
        db.conn.close()


def end_session(data_dir: str | Path, sid: str | None) -> None:
    if not sid:
        return
    db = records.open_db(data_dir)
    try:
        db.execute("DELETE FROM sessions WHERE id = ?", [sid])
    finally:
        db.conn.close()
