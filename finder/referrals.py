"""Referral lists: the offers staff pick during a consultation, kept for the family
under a short code for 30 days, so that a QR code or `/start list_<code>` in the bot
opens the same list on the family's phone.

What is kept is the offer ids, the family's language and the day the list was made;
never a name, a note or anything else about the family. The code carries its own
day and a signature, so an expired code is told apart from a mistyped or altered
one without asking the store.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from finder import keys, stores

KEEP_DAYS = 30
MAX_OFFERS = 12
CODE = re.compile(r"^[a-z2-7]{16}$")
_EPOCH = dt.date(2024, 1, 1)


class ListError(Exception):
    """A list code that cannot be opened; `reason` is "expired" or "invalid"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Referral:
    code: str
    offer_ids: tuple[str, ...]
    lang: str
    made: dt.date

    @property
    def expires(self) -> dt.date:
        return self.made + dt.timedelta(days=KEEP_DAYS)


def _sign(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"referral-list\0" + body, hashlib.sha256).digest()[:4]


def _encode(raw: bytes) -> str:
    return base64.b32encode(raw).decode().lower().rstrip("=")


def _decode(code: str) -> bytes:
    return base64.b32decode(code.upper() + "=" * (-len(code) % 8))


class Lists:
    """The short codes of referral lists, in <data>/lists.db (the store "lists",
    finder.stores)."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.store = stores.of(self.data_dir)
        self.path = self.store.path("lists")
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = keys.secret_key(self.data_dir).encode()
        return self._key

    def _db(self) -> sqlite_utils.Database:
        db = sqlite_utils.Database(self.store.connect("lists", timeout=5))
        db.execute("create table if not exists lists (code text primary key, offers text "
                   "not null, lang text not null, made text not null)")
        return db

    def save(self, offer_ids: list[str] | tuple[str, ...], lang: str,
             today: dt.date) -> Referral:
        """Keep a list and return it with its code. The same list in the same language on
        the same day gets the same code, so printing a slip twice keeps one row.
        Raises OSError or sqlite3.Error when the data folder cannot be written."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ids = tuple(dict.fromkeys(offer_ids))[:MAX_OFFERS]
        day = (today - _EPOCH).days.to_bytes(2, "big")
        seed = hmac.new(self.key, f"{today}|{lang}|{','.join(ids)}".encode(),
                        hashlib.sha256).digest()[:4]
        body = day + seed
        code = _encode(body + _sign(self.key, body))
        db = self._db()
        try:
            with db.conn:
                db.execute("delete from lists where made < ?",
                           [(today - dt.timedelta(days=KEEP_DAYS)).isoformat()])
                db.execute("insert into lists (code, offers, lang, made) values (?, ?, ?, ?) "
                           "on conflict (code) do update set offers = excluded.offers, "
                           "lang = excluded.lang, made = excluded.made",
                           [code, ",".join(ids), lang, today.isoformat()])
        finally:
            db.close()
        return Referral(code, ids, lang, today)

    def load(self, code: str, today: dt.date) -> Referral:
        """The list behind a code; ListError("invalid") for a code that was never made
        here (mistyped, cut off, altered), ListError("expired") after 30 days."""
        code = code.strip().lower()
        if not CODE.match(code):
            raise ListError("invalid")
        raw = _decode(code)
        body, signature = raw[:6], raw[6:]
        if not hmac.compare_digest(signature, _sign(self.key, body)):
            raise ListError("invalid")
        made = _EPOCH + dt.timedelta(days=int.from_bytes(body[:2], "big"))
        if made > today:
            raise ListError("invalid")
        if (today - made).days > KEEP_DAYS:
            raise ListError("expired")
        if not self.path.exists():
            raise ListError("expired")
        db = self._db()
        try:
            row = db.execute("select offers, lang from lists where code = ?", [code]).fetchone()
        finally:
            db.close()
        if row is None:  # signed and recent, but gone: the data folder was reset
            raise ListError("expired")
        return Referral(code, tuple(i for i in row[0].split(",") if i), row[1], made)
