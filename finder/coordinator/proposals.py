"""What providers and families tell the coordinator, and what the coordinator decides.

A provider's corrections of an offer arrive as a proposal (per field the old and the
new values under their content keys); a family's "something is wrong" as a report (a
reason and a short text, with nothing about the family). Nothing of either is
published: the coordinator accepts a proposal's fields (all or some) or rejects it
with a note, and closes a report. Accepted fields are written into the content by
`finder content write-back` (finder.coordinator.changes), for review in git.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finder import clock
from finder.coordinator import freshness, records

REASONS = ("wrong_phone", "closed_moved", "wrong_times", "other")
"""What a family can say is wrong with an offer."""
MAX_REPORT_TEXT = 300
REPORTS_PER_OFFER_A_DAY = 10
"""Reports about one offer kept a day, however many addresses send them: a flood from
many machines cannot bury the queue."""
PROPOSALS_PER_PROVIDER_A_DAY = 50
MAX_MESSAGE = 1000

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\+?\d[\d /().-]{4,}\d")
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")


def scrub(text: str) -> str:
    """A family's short text without what could say who they are: e-mail addresses and
    numbers of seven digits or more (a phone number; a date stays) are taken out, the
    text is cut to MAX_REPORT_TEXT letters and to one line."""
    text = " ".join((text or "").split())
    text = _EMAIL.sub("[…]", text)

    def number(found: re.Match) -> str:
        value = found.group(0)
        if _DATE.fullmatch(value) or sum(c.isdigit() for c in value) < 7:
            return value
        return "[…]"

    return _NUMBER.sub(number, text)[:MAX_REPORT_TEXT]


@dataclass(frozen=True)
class Proposal:
    id: int
    offer: str
    provider: str
    day: str
    changes: dict[str, dict[str, dict[str, Any]]]
    """Per field of finder.coordinator.offer_form: {"old": {...}, "new": {...}}."""
    message: str
    status: str
    """open, accepted or rejected."""
    accepted: tuple[str, ...]
    decided_by: str | None
    decided_at: str | None
    note: str
    written_at: str | None


@dataclass(frozen=True)
class Report:
    id: int
    offer: str
    reason: str
    text: str
    day: str
    status: str
    """open, done or dismissed."""
    note: str


class DecisionError(ValueError):
    """A decision that cannot be taken (already decided, no field chosen)."""


# --- from providers ---------------------------------------------------------------------

def propose(data_dir: str | Path, offer: str, provider: str, changes: dict, message: str,
            day: dt.date) -> int | None:
    """Keep a provider's changes of an offer for review; None when the provider has sent
    PROPOSALS_PER_PROVIDER_A_DAY today already."""
    db = records.open_db(data_dir)
    try:
        if db["proposals"].count_where("provider = ? AND day = ?",
                                       [provider, day.isoformat()]) >= PROPOSALS_PER_PROVIDER_A_DAY:
            return None
        cursor = db.execute(
            "INSERT INTO proposals (offer, provider, day, changes, message, status, accepted, "
            "note) VALUES (?, ?, ?, ?, ?, 'open', '[]', '')",
            [offer, provider, day.isoformat(), json.dumps(changes, ensure_ascii=False, sort_keys=True),
             " ".join((message or "").split())[:MAX_MESSAGE]])
        return cursor.lastrowid
    finally:
        db.conn.close()


def confirm(data_dir: str | Path, offer: str, provider: str, day: dt.date) -> None:
    """The provider says the offer is still correct: a confirmation like the
    coordinator's, kept with who said it."""
    freshness.verify(data_dir, "offer", offer, f"Anbieter {provider}", day)


def _proposal(row: dict) -> Proposal:
    return Proposal(row["id"], row["offer"], row["provider"], row["day"],
                    json.loads(row["changes"]), row["message"] or "", row["status"],
                    tuple(json.loads(row["accepted"] or "[]")), row["decided_by"],
                    row["decided_at"], row["note"] or "", row["written_at"])


def proposals(data_dir: str | Path, status: str | None = None) -> list[Proposal]:
    db = records.open_db(data_dir)
    try:
        rows = db.query("SELECT * FROM proposals WHERE ? IS NULL OR status = ? ORDER BY id",
                        [status, status])
        return [_proposal(row) for row in rows]
    finally:
        db.conn.close()


def proposal(data_dir: str | Path, number: int) -> Proposal | None:
    found = [p for p in proposals(data_dir) if p.id == number]
    return found[0] if found else None


def accept(data_dir: str | Path, number: int, fields: list[str], by: str, note: str = "") -> Proposal:
    """Accept the chosen fields of an open proposal (the rest are rejected with it)."""
    found = proposal(data_dir, number)
    if found is None or found.status != "open":
        raise DecisionError("Dieser Vorschlag ist schon entschieden.")
    chosen = [f for f in fields if f in found.changes]
    if not chosen:
        raise DecisionError("Bitte mindestens eine Änderung auswählen.")
    _decide(data_dir, number, "accepted", chosen, by, note)
    return proposal(data_dir, number)


def reject(data_dir: str | Path, number: int, by: str, note: str) -> Proposal:
    found = proposal(data_dir, number)
    if found is None or found.status != "open":
        raise DecisionError("Dieser Vorschlag ist schon entschieden.")
    _decide(data_dir, number, "rejected", [], by, note)
    return proposal(data_dir, number)


def _decide(data_dir, number: int, status: str, fields: list[str], by: str, note: str) -> None:
    db = records.open_db(data_dir)
    try:
        db.execute("UPDATE proposals SET status = ?, accepted = ?, decided_by = ?, "
                   "decided_at = ?, note = ? WHERE id = ? AND status = 'open'",
                   [status, json.dumps(fields), by, clock.stamp(), " ".join(note.split())[:MAX_MESSAGE],
                    number])
    finally:
        db.conn.close()


def unwritten(data_dir: str | Path) -> list[Proposal]:
    """Accepted proposals not yet written into the content, oldest first."""
    return [p for p in proposals(data_dir, "accepted") if not p.written_at]


def mark_written(data_dir: str | Path, numbers: list[int]) -> None:
    db = records.open_db(data_dir)
    try:
        now = clock.stamp()
        for number in numbers:
            db.execute("UPDATE proposals SET written_at = ? WHERE id = ?", [now, number])
    finally:
        db.conn.close()


# --- from families ----------------------------------------------------------------------

def report(data_dir: str | Path, offer: str, reason: str, text: str, day: dt.date) -> bool:
    """Keep a family's report about an offer; False when it was not kept (an unknown
    reason, or the offer has had REPORTS_PER_OFFER_A_DAY today)."""
    if reason not in REASONS:
        return False
    db = records.open_db(data_dir)
    try:
        if db["family_reports"].count_where("offer = ? AND day = ?",
                                            [offer, day.isoformat()]) >= REPORTS_PER_OFFER_A_DAY:
            return False
        db.execute("INSERT INTO family_reports (offer, reason, text, day, status, note) "
                   "VALUES (?, ?, ?, ?, 'open', '')", [offer, reason, scrub(text), day.isoformat()])
        return True
    finally:
        db.conn.close()


def reports(data_dir: str | Path, status: str | None = None) -> list[Report]:
    db = records.open_db(data_dir)
    try:
        rows = db.query("SELECT * FROM family_reports WHERE ? IS NULL OR status = ? ORDER BY id",
                        [status, status])
        return [Report(r["id"], r["offer"], r["reason"], r["text"] or "", r["day"], r["status"],
                       r["note"] or "") for r in rows]
    finally:
        db.conn.close()


def close_report(data_dir: str | Path, number: int, status: str, by: str, note: str = "") -> None:
    """done (the offer was corrected or asked about) or dismissed."""
    if status not in ("done", "dismissed"):
        raise ValueError(f"unknown status {status!r}")
    db = records.open_db(data_dir)
    try:
        cursor = db.execute("UPDATE family_reports SET status = ?, decided_by = ?, decided_at = ?, "
                            "note = ? WHERE id = ? AND status = 'open'",
                            [status, by, clock.stamp(), " ".join(note.split())[:MAX_MESSAGE], number])
        if cursor.rowcount == 0:
            raise DecisionError("Dieser Hinweis ist schon erledigt.")
    finally:
        db.conn.close()


def open_reports_by_offer(data_dir: str | Path) -> dict[str, int]:
    """How many open reports each offer has (they count in freshness)."""
    db = records.open_db(data_dir)
    try:
        return {row["offer"]: row["n"] for row in db.query(
            "SELECT offer, count(*) AS n FROM family_reports WHERE status = 'open' GROUP BY offer")}
    finally:
        db.conn.close()
