"""The coordinator's records: the writable SQLite file beside the builds (or where
FINDER_STORE puts the stores, finder.stores).

Builds are thrown away and rebuilt; what the coordinator's work produces must outlive
them: users and failed logins, sessions, the unmet-demand counts, "still current"
confirmations and the figures of the last report, providers' links and proposals,
families' reports and the reminders sent. They live in
`<data_dir>/coordinator.db` (the store "records"), whose tables are created here,
idempotently.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlite_utils

from finder import stores

FILE_NAME = stores.STORES["records"]

_ready: set[Path] = set()
_ready_lock = threading.Lock()


def path(data_dir: str | Path) -> Path:
    return stores.of(data_dir).path("records")


def open_db(data_dir: str | Path) -> sqlite_utils.Database:
    """The records of data_dir, with every table there. Raises OSError or sqlite3.Error
    when the file cannot be created or written (a read-only data folder)."""
    store = stores.of(data_dir)
    file = store.path("records")
    fresh = not file.exists()
    conn = store.connect("records", timeout=10, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    # With WAL, NORMAL loses at most the last moments' counts on a power cut, and spares
    # every counted search a wait for the disk.
    conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn)
    with _ready_lock:
        if file not in _ready or fresh:
            _create(db)
            _ready.add(file)
    return db


def _create(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    # Families' searches that found nothing (or only after relaxing): the normalised
    # text, the filters, the ISO week and a count. Nothing else, by design.
    db["demand"].create({"text": str, "filters": str, "week": str, "count": int},
                        pk=("text", "filters", "week"), if_not_exists=True)
    # The coordinator's mark on an unmet need ("offer added", "vocabulary gap fixed").
    db["demand_marks"].create({"text": str, "filters": str, "mark": str, "marked_by": str,
                               "marked_at": str}, pk=("text", "filters"), if_not_exists=True)
    db["users"].create({"name": str, "password_hash": str, "created_at": str},
                       pk="name", if_not_exists=True)
    db["login_failures"].create({"name": str, "failures": int, "first_at": float,
                                 "locked_until": float}, pk="name", if_not_exists=True)
    db["sessions"].create({"id": str, "user": str, "created_at": float, "seen_at": float},
                          pk="id", if_not_exists=True)
    # "Still current": kind is offer or provider; day is the date confirmed.
    db["verifications"].create({"id": int, "kind": str, "item": str, "day": str, "by": str,
                                "at": str}, pk="id", if_not_exists=True)
    db["reports"].create({"id": int, "at": str, "by": str, "figures": str}, pk="id",
                         if_not_exists=True)
    # Providers' private links: the token is worked out from serial and key, never kept.
    db["provider_links"].create({"serial": str, "provider": str, "issued": str, "expires": str,
                                 "revoked": str}, pk="serial", if_not_exists=True)
    # A provider's corrections of an offer, waiting for the coordinator: per field the
    # old and new values under their content keys (JSON); accepted ones are written into
    # the content by `finder content write-back` (written_at).
    db["proposals"].create({"id": int, "offer": str, "provider": str, "day": str,
                            "changes": str, "message": str, "status": str, "accepted": str,
                            "decided_by": str, "decided_at": str, "note": str,
                            "written_at": str}, pk="id", if_not_exists=True)
    # Families' "something is wrong": the offer, a reason, a short text with e-mail
    # addresses and phone numbers taken out, the day. No address, browser, chat or time.
    db["family_reports"].create({"id": int, "offer": str, "reason": str, "text": str,
                                 "day": str, "status": str, "decided_by": str,
                                 "decided_at": str, "note": str}, pk="id", if_not_exists=True)
    # Reminders sent to providers (whom, which day), so that none is asked twice a month.
    db["reminders"].create({"provider": str, "day": str}, pk=("provider", "day"),
                           if_not_exists=True)
