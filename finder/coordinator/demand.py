"""Unmet demand: what families searched for and did not find, with no personal data.

A search is unmet when the search itself says its results do not answer it (its fit is
none or partial, in any language: a Turkish search that matched only the word "group" is
as unmet as a German one that found nothing), or when it found something only after its
filters were relaxed. It is counted per normalised text + filters (with how it went
unmet and the needs recognised in it) + ISO week. Nothing else is stored: no address,
browser, chat, session or time of day. A row is shown and exported only once its count
reaches THRESHOLD; smaller counts are summed into "other".
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from finder import clock
from finder.coordinator import records, tables
from finder.model import phases_for_range
from finder.search.analysis import words

THRESHOLD = 5
MARKS = ("offer_added", "vocabulary_fixed")
KINDS = ("none", "partial", "relaxed")
"""How a search went unmet: nothing relevant, only related offers, or an answer only after
relaxing its filters."""
_LONG_NUMBER = re.compile(r"^\d{4,}$")

log = logging.getLogger(__name__)


def normalise(text: str) -> str:
    """The query's words as the search folds them (lower case, no accents, one form of
    Arabic letters), without numbers of four digits or more (a phone or house number
    says nothing about a need and may say who someone is)."""
    return " ".join(w for w in words(text) if not _LONG_NUMBER.match(w))[:200]


def filters_of(query) -> dict:
    """The query's filters, coarsened: children's ages become life phases."""
    phases = set()
    if query.phase:
        phases.add(query.phase)
    if query.expecting:
        phases.add("pregnancy")
    for months in query.ages_months:
        phases.update(phases_for_range(months, months))
    found = {
        "lang": query.lang,
        "phases": sorted(phases),
        "district": query.district,
        "topics": list(query.topics),
        "free": query.free, "lang_spoken": query.lang_spoken, "wheelchair": query.wheelchair,
        "weekend": query.weekend, "online": query.online,
    }
    return {k: v for k, v in found.items() if v not in (None, False, [], ())}


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def unmet(results) -> str | None:
    """How the search went unmet (one of KINDS), or None when its results answer it."""
    if results.fit != "strong":
        return results.fit
    return "relaxed" if results.relaxed else None


def key_of(query, results) -> dict:
    """What is kept of an unmet search besides its text: its coarsened filters, how it went
    unmet and the needs recognised in it."""
    found = {**filters_of(query), "fit": unmet(results)}
    if results.needs:
        found["needs"] = sorted(results.needs)
    return found


def record(query, results, today: dt.date, data_dir: str | Path | None = None) -> bool:
    """Count the search when it went unmet; True if it did. Never raises: a data folder
    that cannot be written must not break a family's search."""
    if query.page != 1 or not unmet(results):
        return False
    try:
        from finder import config

        db = records.open_db(config.data_dir(data_dir))
        db.execute(
            "INSERT INTO demand (text, filters, week, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (text, filters, week) DO UPDATE SET count = count + 1",
            [normalise(query.text), json.dumps(key_of(query, results), sort_keys=True),
             week_of(today)])
        db.conn.close()
    except (OSError, sqlite3.Error) as error:
        # The query is not in the line: only that counting failed, and why.
        log.warning("unmet demand not counted: %s", type(error).__name__)
    return True


@dataclass(frozen=True)
class Need:
    """One unmet need the coordinator may see: its count reached the threshold."""

    text: str
    filters: dict
    count: int
    weeks: tuple[str, ...]
    mark: str | None

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(self.filters.get("phases", ()))

    @property
    def district(self) -> str | None:
        return self.filters.get("district")

    @property
    def lang(self) -> str:
        return self.filters.get("lang", "de")

    @property
    def fit(self) -> str:
        """How it went unmet (KINDS); rows from before the fit was kept were "none" or
        "relaxed", which they cannot tell apart."""
        return self.filters.get("fit", "none")

    @property
    def needs_read(self) -> tuple[str, ...]:
        """The needs recognised in the search (ids of the need vocabulary)."""
        return tuple(self.filters.get("needs", ()))


@dataclass(frozen=True)
class Demand:
    needs: tuple[Need, ...]
    """Rows whose weekly count reached THRESHOLD, summed over their weeks, most first."""
    other: int
    """The searches of all rows below THRESHOLD, summed."""
    weeks: tuple[str, str] | None = None
    """The first and the last week counted (every row, below the threshold too)."""
    by_language: dict = field(default_factory=dict)
    """Language → how it went unmet (KINDS) → searches, every row counted (counts only)."""

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The days the counts cover: the Monday of the first week to the Sunday of the
        last."""
        if not self.weeks:
            return None
        return week_days(self.weeks[0])[0], week_days(self.weeks[1])[1]


def week_days(week: str) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of an ISO week like 2026-W49."""
    year, number = (int(part) for part in week.split("-W"))
    return dt.date.fromisocalendar(year, number, 1), dt.date.fromisocalendar(year, number, 7)


def summary(data_dir: str | Path, since: str | None = None) -> Demand:
    """What the coordinator sees: rows at or over the threshold, the rest as "other".
    since: an ISO week like 2026-W40; older weeks are left out."""
    db = records.open_db(data_dir)
    try:
        rows = list(db.query("SELECT text, filters, week, count FROM demand "
                             "WHERE week >= ? ORDER BY week", [since or ""]))
        marks = {(r["text"], r["filters"]): r["mark"] for r in db.query(
            "SELECT text, filters, mark FROM demand_marks")}
    finally:
        db.conn.close()
    grouped: dict[tuple[str, str], list] = {}
    other = 0
    by_language: dict[str, dict[str, int]] = {}
    for row in rows:
        kept = json.loads(row["filters"])
        counts = by_language.setdefault(kept.get("lang", "de"), dict.fromkeys(KINDS, 0))
        kind = kept.get("fit", "none")
        counts[kind] = counts.get(kind, 0) + row["count"]
        if row["count"] < THRESHOLD:
            other += row["count"]
            continue
        grouped.setdefault((row["text"], row["filters"]), []).append(row)
    needs = [Need(text, json.loads(filters), sum(r["count"] for r in group),
                  tuple(r["week"] for r in group), marks.get((text, filters)))
             for (text, filters), group in grouped.items()]
    needs.sort(key=lambda n: (-n.count, n.text, json.dumps(n.filters, sort_keys=True)))
    weeks = (rows[0]["week"], rows[-1]["week"]) if rows else None
    return Demand(tuple(needs), other, weeks, by_language)


def mark(data_dir: str | Path, text: str, filters: dict, value: str | None, by: str) -> None:
    """The coordinator's mark on a need: offer_added, vocabulary_fixed, or None to clear."""
    if value is not None and value not in MARKS:
        raise ValueError(f"unknown mark {value!r}")
    key = json.dumps(filters, sort_keys=True)
    db = records.open_db(data_dir)
    try:
        db.execute("DELETE FROM demand_marks WHERE text = ? AND filters = ?", [text, key])
        if value:
            db["demand_marks"].insert({"text": text, "filters": key, "mark": value,
                                       "marked_by": by,
                                       "marked_at": clock.stamp()})
    finally:
        db.conn.close()


MARK_WORDS = {"offer_added": "Angebot ergänzt", "vocabulary_fixed": "Suchwörter ergänzt"}
FLAG_WORDS = {"free": "kostenlos", "wheelchair": "barrierefrei", "weekend": "am Wochenende",
              "online": "online oder am Telefon"}


def to_csv(found: Demand, name: Callable[[str, str], str]) -> bytes:
    """The needs the page shows, their filters in words, for German Excel. name(kind, id)
    gives the German name of a phase, topic, district or language."""
    header = ["Suche", "Sprache", "Lebensphasen", "Stadtteil", "Themen", "weitere Filter",
              "Anzahl", "Wochen", "Stand"]
    rows = []
    for need in found.needs:
        f = need.filters
        more = [FLAG_WORDS[k] for k in FLAG_WORDS if f.get(k)]
        if f.get("lang_spoken"):
            more.append("gesprochen: " + name("language", f["lang_spoken"]))
        rows.append([need.text, name("language", f.get("lang", "de")),
                     ", ".join(name("phase", p) for p in need.phases),
                     name("district", need.district) if need.district else "",
                     ", ".join(name("topic", t) for t in f.get("topics", ())),
                     ", ".join(more), need.count, ", ".join(need.weeks),
                     MARK_WORDS.get(need.mark or "", "")])
    rows.append([f"(seltener als {THRESHOLD}-mal in einer Woche)", "", "", "", "", "",
                 found.other, "", ""])
    return tables.excel_csv(header, rows)
