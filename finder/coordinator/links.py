"""Private links for providers, without an account: each provider checks its own offers
through a link that is signed, expires and can be revoked.

A link is `<public_url>/anbieter/<provider>.<serial>.<signature>`: the signature is an
HMAC of provider and serial under the installation's key (finder.keys, with its own
prefix), so a changed letter is told apart from a link that was once real. The records
keep each link's serial, its day of issue and of expiry, and when it was revoked; the
token itself is worked out again from them and never stored. A new link for a provider
revokes the ones before.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from finder import keys
from finder.coordinator import records

LINK_DAYS = 180
"""How long a link works: long enough for a reminder to be read, short enough that a
forwarded e-mail stops opening the form."""
RENEW_BEFORE_DAYS = 60
"""A reminder never sends a link with fewer days left than this: it sends a new one."""
PATH = "/anbieter/"
TOKEN = re.compile(r"^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.([0-9a-f]{8})\.([A-Za-z0-9_-]{22})$")
PREFIX = b"provider-link\0"


class LinkError(Exception):
    """A link that opens nothing; reason is altered (never made here, or changed),
    expired or revoked."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Link:
    provider: str
    serial: str
    issued: str
    expires: str
    revoked: str | None
    token: str

    def url(self, base: str) -> str:
        return base.rstrip("/") + PATH + self.token

    def valid_on(self, day: dt.date) -> bool:
        return self.revoked is None and self.expires >= day.isoformat()


def _signature(key: bytes, provider: str, serial: str) -> str:
    mac = hmac.new(key, PREFIX + f"{provider}\0{serial}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def _key(data_dir: str | Path) -> bytes:
    return keys.secret_key(str(data_dir)).encode()


def _link(row, key: bytes) -> Link:
    provider, serial = row["provider"], row["serial"]
    return Link(provider, serial, row["issued"], row["expires"], row["revoked"],
                f"{provider}.{serial}.{_signature(key, provider, serial)}")


def issue(data_dir: str | Path, provider: str, today: dt.date) -> Link:
    """A new link for the provider; its earlier links stop working."""
    row = {"serial": secrets.token_hex(4), "provider": provider, "issued": today.isoformat(),
           "expires": (today + dt.timedelta(days=LINK_DAYS)).isoformat(), "revoked": None}
    db = records.open_db(data_dir)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE provider_links SET revoked = ? WHERE provider = ? AND revoked IS NULL",
                   [today.isoformat(), provider])
        db.execute("INSERT INTO provider_links (serial, provider, issued, expires, revoked) "
                   "VALUES (:serial, :provider, :issued, :expires, :revoked)", row)
        db.execute("COMMIT")
    finally:
        db.conn.close()
    return _link(row, _key(data_dir))


def latest(data_dir: str | Path) -> dict[str, Link]:
    """Each provider's newest link, working or not."""
    key = _key(data_dir)
    db = records.open_db(data_dir)
    try:
        rows = list(db.query("SELECT * FROM provider_links ORDER BY issued, rowid"))
    finally:
        db.conn.close()
    return {row["provider"]: _link(row, key) for row in rows}


def current(data_dir: str | Path, provider: str, today: dt.date,
            renew_before: int = 0) -> Link:
    """The provider's working link, a new one when there is none or it ends within
    renew_before days."""
    found = latest(data_dir).get(provider)
    soon = (today + dt.timedelta(days=renew_before)).isoformat()
    if found and found.valid_on(today) and found.expires >= soon:
        return found
    return issue(data_dir, provider, today)


def revoke(data_dir: str | Path, provider: str, today: dt.date) -> int:
    """Stop every link of the provider; returns how many were working."""
    db = records.open_db(data_dir)
    try:
        cursor = db.execute("UPDATE provider_links SET revoked = ? WHERE provider = ? "
                            "AND revoked IS NULL", [today.isoformat(), provider])
        return cursor.rowcount
    finally:
        db.conn.close()


def find(data_dir: str | Path, token: str, today: dt.date) -> Link:
    """The link behind a token, if it works today; else LinkError with the reason."""
    match = TOKEN.match(token or "")
    if not match:
        raise LinkError("altered")
    provider, serial, signature = match.groups()
    key = _key(data_dir)
    if not hmac.compare_digest(signature, _signature(key, provider, serial)):
        raise LinkError("altered")
    db = records.open_db(data_dir)
    try:
        row = next(db.query("SELECT * FROM provider_links WHERE serial = ? AND provider = ?",
                            [serial, provider]), None)
    finally:
        db.conn.close()
    if row is None or row["revoked"]:
        raise LinkError("revoked")      # a real link once (it is signed), now gone
    link = _link(row, key)
    if not link.valid_on(today):
        raise LinkError("expired")
    return link
