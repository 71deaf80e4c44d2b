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
from finder.model import LANGUAGES, Offer

SCHEMA_VERSION = "10"
JSON_OFFER_FIELDS = ("topics", "phases", "service_areas", "languages", "phones", "locations",
                     "schedules", "translations", "translated_by", "reviews", "closures",
                     "translated_from")
LINK_TABLES = (("offer_topics", "topic", "topics"), ("offer_phases", "phase", "phases"),
               ("offer_service_areas", "area", "service_areas"))
"""The offers' lists as link tables: (table, column, the offer's field)."""
JSON_PROVIDER_FIELDS = ("phones", "location", "translations", "translated_by", "reviews",
                        "closures", "translated_from")


def offer_row(offer: dict) -> dict:
    """One offers-table row: plain columns, JSON for lists, and the facts the search
    filters by, as the model says them (finder.model.Offer)."""
    model = Offer.from_record(offer)
    row = {k: v for k, v in offer.items() if k not in JSON_OFFER_FIELDS}
    for key in JSON_OFFER_FIELDS:
        row[key] = json.dumps(offer[key], ensure_ascii=False, sort_keys=True)
    row["districts"] = json.dumps(list(model.districts))
    row["wheelchair_accessible"] = model.wheelchair
    row["open_weekends"] = model.open_weekends
    row["open_evenings"] = model.open_evenings
    row["always_reachable"] = model.always_reachable
    row["translated_languages"] = json.dumps([lang for lang in LANGUAGES if model.translated(lang)])
    return row


def write(path: Path, content: Content, lexicon: Counter, content_hash: str,
          spellings: dict[str, str] | None = None) -> None:
    """Write the whole catalogue into a new SQLite file at path."""
    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    db = sqlite_utils.Database(path)
    db["meta"].insert_all(
        [{"key": "schema_version", "value": SCHEMA_VERSION},
         {"key": "content_hash", "value": content_hash}],
        pk="key",
    )
    db["districts"].create({"id": str, "name": str, "names": str, "parent": str, "level": int,
                            "latitude": float, "longitude": float, "neighbours": str, "postal_codes": str,
                            "population": int, "children": str, "social_need_index": int}, pk="id")
    db["districts"].insert_all(
        {**d, "neighbours": json.dumps(d["neighbours"]), "children": json.dumps(d["children"]),
         "names": dumps(d.get("names") or {}), "postal_codes": dumps(d.get("postal_codes") or [])}
        for d in content.districts)
    db["levels"].create({"position": int, "id": str, "name": str, "names": str}, pk="position")
    db["levels"].insert_all({"position": i + 1, "id": lv["id"], "name": lv["name"],
                             "names": dumps(lv["names"])} for i, lv in enumerate(content.levels))
    _insert_offers(db, content.providers, content.offers)
    vocab = content.vocabulary
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
    # Created first, so that a town without a glossary still has the (empty) table.
    db["glossary"].create({"id": str, "de": str, "explanation": str, "forms": str,
                           "phrase": int, "languages": str, "position": int}, pk="id")
    db["glossary"].insert_all(
        {**term, "forms": dumps(term["forms"]), "languages": dumps(term["languages"]),
         "position": i} for i, term in enumerate(content.glossary))
    _insert_lexicon(db, lexicon, spellings)
    db.conn.commit()
    db.conn.execute("VACUUM")
    db.close()


def _insert_offers(db: sqlite_utils.Database, providers: list[dict], offers: list[dict]) -> None:
    """Providers and offers, with the offers' link tables (a full build: all of them; an
    incremental one: those of the changed provider files)."""
    db["providers"].insert_all(
        ({**p, **{k: json.dumps(p[k], ensure_ascii=False, sort_keys=True)
                  for k in JSON_PROVIDER_FIELDS}}
         for p in sorted(providers, key=lambda p: p["id"])),
        pk="id",
    )
    offers = sorted(offers, key=lambda o: o["id"])
    # Column types said here: the first rows may hold None (wheelchair access not known).
    flags = ("wheelchair_accessible", "open_weekends", "open_evenings", "always_reachable",
             "open_on_holidays", "free", "registration_required", "first_contact")
    numbers = ("min_age_months", "max_age_months", "capacity")
    db["offers"].insert_all((offer_row(o) for o in offers), pk="id",
                            columns={k: int for k in flags + numbers},
                            foreign_keys=[("provider_id", "providers", "id")])
    db["offers"].create_index(["provider_id"], if_not_exists=True)
    for table, key, source in LINK_TABLES:
        db[table].insert_all(
            ({"offer_id": o["id"], key: value} for o in offers for value in o[source]),
            pk=("offer_id", key),
        )


def _insert_lexicon(db: sqlite_utils.Database, lexicon: Counter, spellings: dict[str, str] | None) -> None:
    db["lexicon"].insert_all(
        ({"word": word, "count": count, "spelling": (spellings or {}).get(word, word)}
         for word, count in sorted(lexicon.items())), pk="word"
    )


def replace_offers(path: Path, provider_ids: list[str], providers: list[dict], offers: list[dict],
                   lexicon: Counter, content_hash: str, spellings: dict[str, str]) -> None:
    """In a copy of the last build's database, put the changed provider files' providers
    and offers in place of those the files held before (provider_ids), and the whole new
    lexicon: what an incremental build changes."""
    db = sqlite_utils.Database(path)
    with db.conn:
        marks = ",".join("?" * len(provider_ids))
        old = [r[0] for r in db.execute(
            f"SELECT id FROM offers WHERE provider_id IN ({marks})", provider_ids)]  # nosec B608
        for chunk in range(0, len(old), 500):
            ids = old[chunk:chunk + 500]
            for table, _, _ in LINK_TABLES:
                db.execute(f"DELETE FROM {table} WHERE offer_id IN ({','.join('?' * len(ids))})",  # nosec B608
                           ids)
            db.execute(f"DELETE FROM offers WHERE id IN ({','.join('?' * len(ids))})", ids)  # nosec B608
        db.execute(f"DELETE FROM providers WHERE id IN ({marks})", provider_ids)  # nosec B608
        _insert_offers(db, providers, offers)
        db.execute("DELETE FROM lexicon")
        _insert_lexicon(db, lexicon, spellings)
        db.execute("UPDATE meta SET value = ? WHERE key = 'content_hash'", [content_hash])
    db.close()


def old_texts(path: Path, provider_ids: list[str]) -> list[str]:
    """The German texts the last build held of these providers' offers (each offer's name,
    its provider's name and its other texts, as finder.catalogue.index counts them)."""
    conn = sqlite3.connect(path)
    try:
        marks = ",".join("?" * len(provider_ids))
        rows = conn.execute(
            "SELECT o.name, p.name, o.summary, o.description, o.application_process, "
            f"o.fees_description FROM offers o JOIN providers p ON p.id = o.provider_id "
            f"WHERE o.provider_id IN ({marks}) ORDER BY o.id", provider_ids).fetchall()  # nosec B608
    finally:
        conn.close()
    return [text or "" for row in rows for text in row]


def connect(path: Path) -> sqlite3.Connection:
    """Open a build's database read-only; builds never change once written."""
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def decode_offer(row: sqlite3.Row) -> dict:
    """An offers-table row back as the content's record."""
    offer = dict(row)
    for key in (*JSON_OFFER_FIELDS, "districts"):
        offer[key] = json.loads(offer[key])
    for key in ("free", "registration_required", "open_weekends", "open_evenings",
                "always_reachable", "open_on_holidays", "first_contact"):
        offer[key] = bool(offer[key])
    if offer["wheelchair_accessible"] is not None:
        offer["wheelchair_accessible"] = bool(offer["wheelchair_accessible"])
    return offer


def decode_provider(row: sqlite3.Row) -> dict:
    provider = dict(row)
    for key in JSON_PROVIDER_FIELDS:
        provider[key] = json.loads(provider[key])
    return provider
