"""Chat settings in SQLite: language, age group, district. Nothing else.

No message text is ever stored. A chat's row is deleted on /forget and expires after
90 days without use.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from finder import clock, private

EXPIRY_DAYS = 90


@dataclass
class ChatSettings:
    chat_id: int
    lang: str | None = None
    age_group: str | None = None
    district: str | None = None


class ChatStore:
    """The chats' settings. `today` is the clock the store asks for the day (the last
    use and the expiry count in days)."""

    def __init__(self, path: Path, today: Callable[[], dt.date] = clock.today):
        self.today = today
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = private.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS chats (chat_id INTEGER PRIMARY KEY, lang TEXT, "
            "age_group TEXT, district TEXT, last_seen TEXT NOT NULL)")
        self.lock = threading.Lock()
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
        with self.lock:
            return self.conn.execute("DELETE FROM chats WHERE chat_id = ?",
                                     (chat_id,)).rowcount > 0

    def expire(self) -> int:
        with self.lock:
            return self.conn.execute("DELETE FROM chats WHERE last_seen < ?",
                                     (self._cutoff(),)).rowcount

    def _cutoff(self) -> str:
        return (self.today() - dt.timedelta(days=EXPIRY_DAYS)).isoformat()

    def close(self) -> None:
        self.conn.close()
