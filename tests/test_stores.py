"""The mutable stores as configuration (finder.stores): FINDER_STORE moves the
coordinator's records, referral lists and the bot's chats out of the data folder, through
the real entry points (HTTP on the app, the `finder` command, the bot's storage); a
setting that cannot be used stops every command and the app before anything is written,
and its message never repeats the setting (it may hold a password)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage import ChatSettings, ChatStore
from finder import stores
from finder.web import create_app
from tests.conftest import ROOT

THREE = ("sprechstunde-erziehungsberatung-talwiesen", "rucksack-kita-talwiesen", "elternbriefe")


@pytest.fixture
def data(bundled_data, tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(bundled_data, copy, symlinks=True)
    for name in stores.STORES.values():
        (copy / name).unlink(missing_ok=True)
    return copy


def finder(*args: str, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "finder.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=120)


def test_unset_keeps_every_store_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(stores.SETTING, raising=False)
    found = stores.of(tmp_path)
    assert found.backend == "sqlite"
    assert {name: found.path(name) for name in stores.STORES} == {
        "records": tmp_path / "coordinator.db", "lists": tmp_path / "lists.db",
        "chats": tmp_path / "bot-chats.db"}


def test_a_store_folder_takes_the_records_the_lists_and_the_chats(data, tmp_path, monkeypatch):
    folder = tmp_path / "shared" / "stores"
    monkeypatch.setenv(stores.SETTING, f"sqlite://{folder}")
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    # An unmet search is counted in the records, a slip keeps its list.
    assert client.get("/de/search?q=zqxwvplm").status_code == 200
    assert client.get(f"/de/slip?list={','.join(THREE)}&family=ar").status_code == 200
    # The bot's chats, where `finder bot` puts them without --chats-db.
    chats = ChatStore(stores.of(data).path("chats"), today=lambda: dt.date(2026, 12, 5))
    chats.save(ChatSettings(7, "uk", None, "altstadt"))
    chats.close()
    assert sorted(p.name for p in folder.glob("*.db")) == [
        "bot-chats.db", "coordinator.db", "lists.db"]
    assert not [p.name for p in data.glob("*.db")], "nothing written beside the builds"
    with sqlite3.connect(folder / "coordinator.db") as db:
        assert db.execute("select count from demand where text = 'zqxwvplm'").fetchone() == (1,)
    with sqlite3.connect(folder / "lists.db") as db:
        assert db.execute("select lang from lists").fetchall() == [("ar",)]
    with sqlite3.connect(folder / "bot-chats.db") as db:
        assert db.execute("select lang, district from chats").fetchall() == [("uk", "altstadt")]
    assert oct((folder / "coordinator.db").stat().st_mode & 0o777) == oct(0o600)


def test_the_command_line_writes_the_coordinators_logins_to_the_store(data, tmp_path):
    folder = tmp_path / "stores"
    done = finder("users", "add", "koordination", "--password-stdin", "--data-dir", str(data),
                  env={stores.SETTING: f"sqlite://{folder}"}, stdin="ein langes Passwort 42\n")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(folder / "coordinator.db") as db:
        assert db.execute("select name from users").fetchall() == [("koordination",)]
    assert not (data / "coordinator.db").exists()


@pytest.mark.parametrize("setting, says", [
    ("postgresql://finder:geheim-123@db.example.org/finder", "PostgreSQL is designed but not built"),
    ("postgres://finder:geheim-123@db.example.org/finder", "PostgreSQL is designed but not built"),
    ("mysql://finder:geheim-123@db.example.org/finder", "'mysql' is not a store"),
    ("sqlite:relative/folder", "absolute folder"),
    ("/srv/finder/stores", "sqlite:///FOLDER"),
])
def test_a_store_that_cannot_be_used_stops_every_command_with_a_clear_line(data, setting, says):
    done = finder("users", "add", "koordination", "--password-stdin", "--data-dir", str(data),
                  env={stores.SETTING: setting}, stdin="ein langes Passwort 42\n")
    assert done.returncode == 1
    assert says in done.stderr
    assert "geheim" not in done.stderr and "db.example.org" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (data / "coordinator.db").exists()
    with pytest.raises(stores.StoreError, match=re.escape(says)):
        stores.parse(setting, data)


def test_the_app_does_not_start_on_a_store_it_cannot_use(data, monkeypatch):
    monkeypatch.setenv(stores.SETTING, "postgresql://finder@db.example.org/finder")
    with pytest.raises(stores.StoreError, match="PostgreSQL"):
        create_app({"DATA_DIR": str(data), "TESTING": True})
