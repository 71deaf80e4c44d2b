"""Every database and key file the finder creates is readable by its owner only (600),
whatever the umask, with SQLite's journal files alike; one left readable by an older
version is narrowed when it is next opened."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from finder.coordinator import records, users
from finder.referrals import Lists
from tests.conftest import TODAY


@pytest.fixture
def open_umask():
    """A umask that lets everyone read new files, as many servers have."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_coordinators_records_are_600_with_their_journal(tmp_path, open_umask):
    users.add(tmp_path, "koordination", "lange-geheime-phrase")
    db = records.open_db(tmp_path)           # held open: the WAL files exist meanwhile
    try:
        db["verifications"].insert({"kind": "offer", "item": "x", "day": "2026-12-05",
                                    "by": "k", "at": "now"})
        files = [p for p in tmp_path.iterdir() if p.name.startswith(records.FILE_NAME)]
        assert {p.name for p in files} >= {"coordinator.db", "coordinator.db-wal",
                                           "coordinator.db-shm"}
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        db.conn.close()


def test_referral_lists_are_600(tmp_path, open_umask):
    Lists(tmp_path).save(["a", "b"], "ar", TODAY)
    assert mode(tmp_path / "lists.db") == 0o600
    assert mode(tmp_path / "secret-key") == 0o600


def test_the_bots_chats_are_600(tmp_path, open_umask):
    from bot.storage import ChatStore

    store = ChatStore(tmp_path / "bot-chats.db", today=lambda: TODAY)
    store.conn.close()
    for path in tmp_path.iterdir():
        assert mode(path) == 0o600, path.name


def test_files_left_readable_by_an_older_version_are_narrowed(tmp_path, open_umask):
    for name in ("coordinator.db", "lists.db", "secret-key"):
        path = tmp_path / name
        if name == "secret-key":
            path.write_text("k" * 64)
        else:
            path.touch()
        path.chmod(0o644)
    records.open_db(tmp_path).conn.close()
    Lists(tmp_path).save(["a"], "de", TODAY)
    Lists(tmp_path).load(Lists(tmp_path).save(["a"], "de", TODAY).code,
                         TODAY + dt.timedelta(days=1))
    for name in ("coordinator.db", "lists.db", "secret-key"):
        assert mode(tmp_path / name) == 0o600, name
