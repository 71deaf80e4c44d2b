"""The SQLite side of a build: writing the catalogue database and reading it back.

The database is a build product, written once by `finder build` with sqlite-utils
and then only read. It is meant to be opened by anyone (Datasette, the coordinator's
spreadsheet tools), so lists are kept both as JSON columns and as link tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import sqlite_utils

from finder.content import Content

SCHEMA_VERSION = "7"
JSON_OFFER_FIELDS = ("topics", "phases", "service_areas", "languages", "phones", "locations",
                     "schedules", "translations", "translated_by")
WEEKEND = {"SA", "SU"}
EVENING = "18:00"
"""An offer is open in the evening when a session lasts past 18:00."""


def offer_row(offer: dict) -> dict:
    """One offers-table row: plain columns, JSON for lists, and derived flags."""
    row = {k: v for k, v in offer.items() if k not in JSON_OFFER_FIELDS}
    for key in JSON_OFFER_FIELDS:
        row[key] = json.dumps(offer[key], ensure_ascii=False, sort_keys=True)
    row["districts"] = json.dumps(sorted({loc["district"] for loc in offer["locations"]
                                          if loc["district"]}))
    row["wheelchair_accessible"] = any(loc["wheelchair_accessible"] for loc in offer["locations"])
    row["open_weekends"] = any(
        WEEKEND & set(s["byday"]) or (s["date"] and _is_weekend(s["date"]))
        for s in offer["schedules"]
    )
    row["open_evenings"] = any(s["closes_at"] > EVENING for s in offer["schedules"])
    return row


def _is_weekend(iso_date: str) -> bool:
    import datetime as dt

    return dt.date.fromisoformat(iso_date).weekday() >= 5


def write(path: Path, content: Content, lexicon: Counter, content_hash: str,
          spellings: dict[str, str] | None = None) -> None:
    """Write the whole catalogue into a new SQLite file at path."""
    db = sqlite_utils.Database(path)
    db["meta"].insert_all(
        [{"key": "schema_version", "value": SCHEMA_VERSION},
         {"key": "content_hash", "value": content_hash}],
        pk="key",
    )
    db["districts"].insert_all(
        ({**d, "neighbours": json.dumps(d["neighbours"]), "children": json.dumps(d["children"])}
         for d in content.districts), pk="id"
    )
    db["providers"].insert_all(
        ({**p, "phones": json.dumps(p["phones"]),
          "location": json.dumps(p["location"], ensure_ascii=False, sort_keys=True),
          "translations": json.dumps(p["translations"], ensure_ascii=False, sort_keys=True),
          "translated_by": json.dumps(p["translated_by"], ensure_ascii=False, sort_keys=True)}
         for p in sorted(content.providers, key=lambda p: p["id"])),
        pk="id",
    )
    offers = sorted(content.offers, key=lambda o: o["id"])
    db["offers"].insert_all((offer_row(o) for o in offers), pk="id",
                            foreign_keys=[("provider_id", "providers", "id")])
    db["offers"].create_index(["provider_id"])
    for table, key in (("offer_topics", "topic"), ("offer_phases", "phase"),
                       ("offer_service_areas", "area")):
        source = {"offer_topics": "topics", "offer_phases": "phases",
                  "offer_service_areas": "service_areas"}[table]
        db[table].insert_all(
            ({"offer_id": o["id"], key: value} for o in offers for value in o[source]),
            pk=("offer_id", key),
        )
    vocab = content.vocabulary

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    db["vocabulary"].insert_all(
        [{"kind": kind[:-1], "id": key, "labels": dumps(entry["labels"]),
          "words": dumps(entry["words"]), "details": "{}"}
         for kind in ("phases", "topics") for key, entry in vocab[kind].items()]
        + [{"kind": "need", "id": key, "labels": "{}", "words": dumps(entry["words"]),
            "details": dumps({k: v for k, v in entry.items() if k != "words"})}
           for key, entry in vocab["needs"].items()],
        pk=("kind", "id"),
    )
    # Created first, so that a town without helplines still has the (empty) table.
    db["helplines"].create({"id": str, "phone": str, "name": str, "hours": str, "for": str,
                            "emergency": int, "translations": str, "position": int}, pk="id")
    db["helplines"].insert_all(
        {**h, "translations": dumps(h["translations"]), "position": i}
        for i, h in enumerate(content.helplines))
    db["town"].insert({"id": 1, "town": dumps(content.town)}, pk="id")
    db["lexicon"].insert_all(
        ({"word": word, "count": count, "spelling": (spellings or {}).get(word, word)}
         for word, count in sorted(lexicon.items())), pk="word"
    )
    db.conn.commit()
    db.conn.execute("VACUUM")
    db.close()


def connect(path: Path) -> sqlite3.Connection:
    """Open a build's database read-only; builds never change once written."""
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def decode_offer(row: sqlite3.Row) -> dict:
    offer = dict(row)
    for key in (*JSON_OFFER_FIELDS, "districts"):
        offer[key] = json.loads(offer[key])
    for key in ("free", "registration_required", "wheelchair_accessible", "open_weekends",
                "open_evenings"):
        offer[key] = bool(offer[key])
    return offer


def decode_provider(row: sqlite3.Row) -> dict:
    provider = dict(row)
    for key in ("phones", "location", "translations", "translated_by"):
        provider[key] = json.loads(provider[key])
    return provider
