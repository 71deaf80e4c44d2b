"""What the bot stores, in one SQLite file, and nothing else:

- chats: each chat's language, age group and district; expires after 90 days without use;
- cases: a hand-over to a person, as its case number and the chat (nothing of what was
  said); deleted when either side ends it, after 14 days, and on /forget;
- reminders: chat, offer and the date to be reminded of; deleted when sent, when the date
  is past or no longer takes place, and on /forget.

No message text is ever stored. /forget deletes all three for the chat.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from finder import clock, private

EXPIRY_DAYS = 90
CASE_DAYS = 14
"""A hand-over ends by itself after this many days."""


@dataclass
class ChatSettings:
    chat_id: int
    lang: str | None = None
    age_group: str | None = None
    district: str | None = None


class ChatStore:
    """The chats' settings, and the cases and reminders beside them. `today` is the clock
    the store asks for the day (the last use and the expiry count in days)."""

    def __init__(self, path: Path, today: Callable[[], dt.date] = clock.today):
        self.today = today
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = private.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS chats (chat_id INTEGER PRIMARY KEY, lang TEXT, "
            "age_group TEXT, district TEXT, last_seen TEXT NOT NULL)")
        self.lock = threading.Lock()
        self.cases = Cases(self.conn, self.lock, today)
        self.reminders = Reminders(self.conn, self.lock)
        self.expire()

    def get(self, chat_id: int) -> ChatSettings:
        with self.lock:
            row = self.conn.execute(
                "SELECT lang, age_group, district, last_seen FROM chats WHERE chat_id = ?",
                (chat_id,)).fetchone()
        if row is None or row[3] < self._cutoff():
            return ChatSettings(chat_id)
        return ChatSettings(chat_id, row[0], row[1], row[2])

    def save(self, settings: ChatSettings) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT INTO chats (chat_id, lang, age_group, district, last_seen) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET lang = excluded.lang, "
                "age_group = excluded.age_group, district = excluded.district, "
                "last_seen = excluded.last_seen",
                (settings.chat_id, settings.lang, settings.age_group, settings.district,
                 self.today().isoformat()))

    def forget(self, chat_id: int) -> bool:
        """Delete everything about the chat: settings, its case, its reminders."""
        with self.lock:
            deleted = self.conn.execute("DELETE FROM chats WHERE chat_id = ?",
                                        (chat_id,)).rowcount
            deleted += self.conn.execute("DELETE FROM cases WHERE chat_id = ?",
                                         (chat_id,)).rowcount
            deleted += self.conn.execute("DELETE FROM reminders WHERE chat_id = ?",
                                         (chat_id,)).rowcount
        return deleted > 0

    def expire(self) -> int:
        with self.lock:
            return self.conn.execute("DELETE FROM chats WHERE last_seen < ?",
                                     (self._cutoff(),)).rowcount

    def _cutoff(self) -> str:
        return (self.today() - dt.timedelta(days=EXPIRY_DAYS)).isoformat()

    def close(self) -> None:
        self.conn.close()


class Cases:
    """Hand-overs to a person: case number ↔ chat, and the day it was opened (for the
    14 days). One open case per chat."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock,
                 today: Callable[[], dt.date]):
        self.conn, self.lock, self.today = conn, lock, today
        conn.execute("CREATE TABLE IF NOT EXISTS cases (number TEXT PRIMARY KEY, "
                     "chat_id INTEGER NOT NULL UNIQUE, opened TEXT NOT NULL)")

    def open(self, chat_id: int) -> str:
        """The chat's case number: its open case's, or a new one."""
        with self.lock:
            row = self.conn.execute("SELECT number FROM cases WHERE chat_id = ?",
                                    (chat_id,)).fetchone()
            if row:
                return row[0]
            for digits in (4, 4, 4, 5, 6, 6, 6, 8):
                number = str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))
                try:
                    self.conn.execute("INSERT INTO cases (number, chat_id, opened) VALUES (?, ?, ?)",
                                      (number, chat_id, self.today().isoformat()))
                    return number
                except sqlite3.IntegrityError:
                    continue  # that number is taken: another, longer as they fill up
        raise RuntimeError("no free case number")

    def of_chat(self, chat_id: int) -> str | None:
        with self.lock:
            row = self.conn.execute("SELECT number FROM cases WHERE chat_id = ? AND opened >= ?",
                                    (chat_id, self._cutoff())).fetchone()
        return row[0] if row else None

    def chat_of(self, number: str) -> int | None:
        with self.lock:
            row = self.conn.execute("SELECT chat_id FROM cases WHERE number = ? AND opened >= ?",
                                    (number, self._cutoff())).fetchone()
        return row[0] if row else None

    def close(self, number: str) -> int | None:
        """End the case; the chat it was with, or None when it was not open."""
        with self.lock:
            row = self.conn.execute("DELETE FROM cases WHERE number = ? RETURNING chat_id",
                                    (number,)).fetchone()
        return row[0] if row else None

    def expire(self) -> list[tuple[str, int]]:
        """End the cases older than CASE_DAYS; (number, chat) of each."""
        with self.lock:
            return [tuple(r) for r in self.conn.execute(
                "DELETE FROM cases WHERE opened < ? RETURNING number, chat_id", (self._cutoff(),))]

    def _cutoff(self) -> str:
        return (self.today() - dt.timedelta(days=CASE_DAYS)).isoformat()


@dataclass(frozen=True)
class Reminder:
    chat_id: int
    offer_id: str
    day: dt.date


class Reminders:
    """Reminders of an offer's date: chat, offer, date – nothing else."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock):
        self.conn, self.lock = conn, lock
        conn.execute("CREATE TABLE IF NOT EXISTS reminders (chat_id INTEGER NOT NULL, "
                     "offer_id TEXT NOT NULL, date TEXT NOT NULL, "
                     "PRIMARY KEY (chat_id, offer_id, date))")

    def add(self, reminder: Reminder) -> None:
        with self.lock:
            self.conn.execute("INSERT INTO reminders (chat_id, offer_id, date) VALUES (?, ?, ?) "
                              "ON CONFLICT DO NOTHING", (reminder.chat_id, reminder.offer_id,
                                                         reminder.day.isoformat()))

    def remove(self, reminder: Reminder) -> bool:
        with self.lock:
            return self.conn.execute(
                "DELETE FROM reminders WHERE chat_id = ? AND offer_id = ? AND date = ?",
                (reminder.chat_id, reminder.offer_id, reminder.day.isoformat())).rowcount > 0

    def all(self, until: dt.date | None = None) -> list[Reminder]:
        """Every reminder (up to a day), soonest first."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT chat_id, offer_id, date FROM reminders WHERE date <= ? "
                "ORDER BY date, chat_id", ((until or dt.date.max).isoformat(),)).fetchall()
        return [Reminder(chat, offer, dt.date.fromisoformat(day)) for chat, offer, day in rows]

    def of_chat(self, chat_id: int) -> list[Reminder]:
        with self.lock:
            rows = self.conn.execute("SELECT offer_id, date FROM reminders WHERE chat_id = ? "
                                     "ORDER BY date", (chat_id,)).fetchall()
        return [Reminder(chat_id, offer, dt.date.fromisoformat(day)) for offer, day in rows]
