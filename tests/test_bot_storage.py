"""Chat settings: only what the bot needs, forgotten after 90 days or on request."""

from __future__ import annotations

import datetime as dt

from bot.storage import EXPIRY_DAYS, ChatSettings, ChatStore
from tests.conftest import TODAY


def test_settings_are_saved_and_forgotten(tmp_path):
    store = ChatStore(tmp_path / "chats.db")
    store.save(ChatSettings(7, "tr", "3", "hafen"))
    assert store.get(7) == ChatSettings(7, "tr", "3", "hafen")
    assert store.forget(7) is True
    assert store.get(7) == ChatSettings(7)
    assert store.forget(7) is False


def test_settings_expire_after_ninety_days_without_use(tmp_path):
    store = ChatStore(tmp_path / "chats.db")
    store.save(ChatSettings(8, "ar", "0", None))
    old = (TODAY - dt.timedelta(days=EXPIRY_DAYS + 1)).isoformat()
    store.conn.execute("UPDATE chats SET last_seen = ? WHERE chat_id = 8", (old,))
    assert store.get(8) == ChatSettings(8), "an expired row is not used"
    assert store.expire() == 1
    assert store.conn.execute("SELECT count(*) FROM chats").fetchone() == (0,)
    store.save(ChatSettings(9, "uk", None, None))
    recent = (TODAY - dt.timedelta(days=EXPIRY_DAYS - 1)).isoformat()
    store.conn.execute("UPDATE chats SET last_seen = ? WHERE chat_id = 9", (recent,))
    assert store.expire() == 0 and store.get(9).lang == "uk"
