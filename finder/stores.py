"""The mutable stores: what the finder writes while it serves, as opposed to the builds.

A build (catalogue.db and the index) is a file made from the content; every server can
have its own copy or mount the same folder read-only. The stores below change with every
family, chat and login, and there must be one of each for the whole installation. Where
they live is one setting, FINDER_STORE, so that moving them (to a shared folder now, to
PostgreSQL once that backend is built) is configuration, not code:

    (unset) or sqlite:           one SQLite file per store in the data folder (as before)
    sqlite:///srv/finder/stores  one SQLite file per store in that folder
    postgresql://…               designed, not built: refused with a clear message

Every store is named once here; code asks `of(data_dir).connect(name)` and never builds a
path of its own.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from finder import private

STORES = {
    "records": "coordinator.db",
    "lists": "lists.db",
    "chats": "bot-chats.db",
}
"""Each store by name, with its SQLite file: the coordinator's records (users, sessions,
unmet demand, confirmations, provider links, proposals, families' reports, reminders sent,
report figures); referral lists (offer ids, language, day; 30 days); the bot's chats
(language, age group, place), hand-over cases and date reminders."""

SETTING = "FINDER_STORE"
POSTGRESQL = ("postgresql", "postgres")


class StoreError(ValueError):
    """A FINDER_STORE the finder cannot use; the message says what to write instead (and
    never repeats the setting, which may hold a password)."""


@dataclass(frozen=True)
class SQLiteStores:
    """The stores as SQLite files in one folder (WAL, mode 600). Right for one server;
    several servers may share them only on one machine's disk, never over NFS."""

    folder: Path
    backend: str = "sqlite"

    def path(self, name: str) -> Path:
        """The file of a store; KeyError for a name not in STORES."""
        return self.folder / STORES[name]

    def connect(self, name: str, **options) -> sqlite3.Connection:
        """A new connection to a store, its file created readable by its owner only.
        Raises OSError or sqlite3.Error when the folder cannot be written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return private.connect(self.path(name), **options)


def parse(value: str | None, data_dir: str | Path) -> SQLiteStores:
    """The stores a FINDER_STORE value names; StoreError for one that cannot be used."""
    value = (value or "").strip()
    if value in ("", "sqlite:", "sqlite://"):
        return SQLiteStores(Path(data_dir))
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme in POSTGRESQL:
        raise StoreError(f"{SETTING}: PostgreSQL is designed but not built yet (README: \"One "
                         "server, several servers\"); use sqlite:///FOLDER or leave it unset")
    if scheme != "sqlite":
        raise StoreError(f"{SETTING} must be sqlite:///FOLDER (an absolute folder) or unset "
                         f"for the data folder; {scheme or 'a value without a scheme'!r} is "
                         "not a store this finder knows")
    folder = value[len("sqlite://"):] if value.startswith("sqlite://") else ""
    if not folder.startswith("/"):
        raise StoreError(f"{SETTING} must name an absolute folder, as sqlite:///srv/finder/stores")
    return SQLiteStores(Path(folder))


def of(data_dir: str | Path) -> SQLiteStores:
    """The stores of this installation: FINDER_STORE, else the data folder."""
    return parse(os.environ.get(SETTING), data_dir)
