"""The per-offer arrays the search filters and orders by, computed once per build.

Each filter is an array with one place per offer (its Whoosh document number): the
topics and phases as boolean rows, ages as numbers, where offers are held as sorted
pairs of place and offer, their points for distances. Reading them from the offers'
rows costs seconds at 100,000 offers; so `finder build` writes them next to the
database (COLUMNS_DIR, one .npy file each), and every web worker opens them
memory-mapped and read-only: opening costs milliseconds, and the pages are the
operating system's, shared by all workers instead of copied into each.

A build without the folder (made before it existed) still opens: the arrays are then
computed from the rows as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from finder.model import COMES_TO_FAMILY, LANGUAGES, PHASE_IDS, REMOTE, TOPIC_IDS

COLUMNS_DIR = "columns"
FORMAT = "1"
"""Raised when the arrays' meaning changes: a build with another format is recomputed."""
ADULT_MONTHS = 18 * 12
FLAGS = ("citywide", "online", "at_home", "free", "wheelchair", "weekend", "evening",
         "first_contact", "for_parents", "for_adults", "always_reachable", "bounded")
"""One boolean row each, per offer (see Columns)."""
OFFER_FIELDS = (
    "id, name, provider_id, topics, phases, service_areas, districts, attending_type, free, "
    "languages, wheelchair_accessible, open_weekends, open_evenings, locations, min_age_months, "
    "max_age_months, valid_from, valid_to, assured_date, audience, translated_languages, "
    "first_contact, always_reachable")


class Columns:
    """The arrays of one build (all NumPy; memory-mapped when read from files).

    ids: each document's offer id; id_rank: its place in id order; topics, phases,
    translated, spoken: boolean matrices (one row per topic, phase, language);
    flags: one boolean row per FLAGS entry; low, high: the age range in months
    (0 and 359 where open); first_topic, topic_count; validity, assured: an index per
    offer into the distinct (valid_from, valid_to) pairs and assured dates (few: the
    model's rules run once per distinct value, not per offer); named_*: the offers named
    at each place (held there or serving it), sorted by place; facet_*: the (offer,
    place) pairs the place facets count; point_*: the points distances are measured to."""

    ARRAYS = ("ids", "id_rank", "topics", "phases", "translated", "spoken", "flags", "low",
              "high", "first_topic", "topic_count", "validity", "assured", "named_docs",
              "named_area", "named_start", "facet_docs", "facet_places", "point_lat",
              "point_lon", "point_cos", "point_docs", "point_start")

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict):
        for name in self.ARRAYS:
            setattr(self, name, arrays[name])
        self.spoken_languages: list[str] = meta["spoken_languages"]
        self.validity_values: list[tuple[str | None, str | None]] = [
            tuple(v) for v in meta["validity_values"]]
        self.assured_values: list[str | None] = meta["assured_values"]
        self.place_ids: list[str] = meta["place_ids"]
        self.n = len(self.ids)

    def flag(self, name: str) -> np.ndarray:
        return self.flags[FLAGS.index(name)]

    # --- computing them from a build's rows ------------------------------------

    @classmethod
    def compute(cls, rows, ids: list[str], places) -> Columns:
        """The arrays from the offers' rows (OFFER_FIELDS, any order; a cursor is read
        once, row by row), at their document numbers (ids, in document order)."""
        docnum = {offer_id: doc for doc, offer_id in enumerate(ids)}
        n = len(ids)
        place_index = {p: i for i, p in enumerate(places.ids)}
        a = {
            "topics": np.zeros((len(TOPIC_IDS), n), dtype=bool),
            "phases": np.zeros((len(PHASE_IDS), n), dtype=bool),
            "translated": np.zeros((len(LANGUAGES), n), dtype=bool),
            "flags": np.zeros((len(FLAGS), n), dtype=bool),
            "low": np.zeros(n, dtype=np.int16),
            "high": np.full(n, 359, dtype=np.int16),
            "first_topic": np.zeros(n, dtype=np.int8),
            "topic_count": np.zeros(n, dtype=np.int8),
            "validity": np.zeros(n, dtype=np.int32),
            "assured": np.zeros(n, dtype=np.int32),
        }
        spoken: dict[str, np.ndarray] = {}
        validity: dict[tuple, int] = {}
        assured: dict[str | None, int] = {}
        named: list[tuple[int, str, bool]] = []
        points: list[tuple[int, float, float]] = []
        seen = 0
        for r in rows:
            doc = docnum.get(r["id"])
            if doc is None:
                raise RuntimeError("index and database of the build disagree")
            seen += 1
            _mark(a, doc, r, spoken, named, points, place_index)
            a["validity"][doc] = validity.setdefault((r["valid_from"], r["valid_to"]), len(validity))
            a["assured"][doc] = assured.setdefault(r["assured_date"], len(assured))
        if seen != n:
            raise RuntimeError("index and database of the build disagree")
        languages = sorted(spoken)
        a["spoken"] = np.array([spoken[lang] for lang in languages], dtype=bool).reshape(
            len(languages), n)
        a["ids"] = np.array(ids, dtype=str)
        a["id_rank"] = np.argsort(np.argsort(np.array(ids, dtype=object))).astype(np.int32)
        a.update(_place_arrays(named, points, places, place_index))
        meta = {"spoken_languages": languages, "validity_values": list(validity),
                "assured_values": list(assured), "place_ids": list(places.ids)}
        return cls(a, meta)

    @classmethod
    def from_build(cls, db, reader, places) -> Columns:
        """The arrays of a build from its database rows, in the document order of its
        index (reader: a Whoosh reader of it)."""
        ids = [fields["id"] for fields in reader.all_stored_fields()]
        rows = db.execute(f"SELECT {OFFER_FIELDS} FROM offers")  # nosec B608
        return cls.compute(rows, ids, places)

    # --- files ----------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write every array as .npy and the small lists as JSON into folder (new)."""
        folder.mkdir()
        for name in self.ARRAYS:
            np.save(folder / f"{name}.npy", np.ascontiguousarray(getattr(self, name)),
                    allow_pickle=False)
        meta = {"format": FORMAT, "spoken_languages": self.spoken_languages,
                "validity_values": self.validity_values, "assured_values": self.assured_values,
                "place_ids": self.place_ids}
        (folder / "columns.json").write_text(json.dumps(meta, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> Columns | None:
        """The arrays of a build, memory-mapped read-only; None when the build has none
        (or of another format)."""
        try:
            meta = json.loads((folder / "columns.json").read_text())
        except OSError:
            return None
        if meta.get("format") != FORMAT:
            return None
        # Plain arrays over the mapped pages: NumPy's memmap class costs a Python call on
        # every indexing, and the search indexes them a few hundred times per query.
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                  .view(np.ndarray) for name in cls.ARRAYS}
        return cls(arrays, meta)



def _mark(a: dict, doc: int, r, spoken: dict[str, np.ndarray], named: list, points: list,
          place_index: dict) -> None:
    """One offer's row into the arrays, at its document number."""
    topics = json.loads(r["topics"])
    a["first_topic"][doc] = TOPIC_IDS.index(topics[0])
    a["topic_count"][doc] = len(topics)
    for t in topics:
        a["topics"][TOPIC_IDS.index(t), doc] = True
    for p in json.loads(r["phases"]):
        a["phases"][PHASE_IDS.index(p), doc] = True
    areas = json.loads(r["service_areas"])
    held = set(json.loads(r["districts"]))
    for d in held | set(areas):
        if d in place_index:
            # Where it is held, and the places it serves (an area may be a whole Gemeinde).
            named.append((doc, d, d in areas and d not in held))
    for location in json.loads(r["locations"]):
        if location.get("latitude") is not None and location.get("longitude") is not None:
            points.append((doc, location["latitude"], location["longitude"]))
    flags = {
        "citywide": "citywide" in areas,
        "online": r["attending_type"] in REMOTE,
        "at_home": r["attending_type"] in COMES_TO_FAMILY,
        "free": bool(r["free"]),
        "wheelchair": r["wheelchair_accessible"] == 1,
        "weekend": bool(r["open_weekends"]),
        "evening": bool(r["open_evenings"]),
        "first_contact": bool(r["first_contact"]),
        "for_parents": r["audience"] == "parents",
        "for_adults": r["audience"] != "child" or r["max_age_months"] is None
        or r["max_age_months"] >= ADULT_MONTHS,
        "always_reachable": bool(r["always_reachable"]),
        "bounded": r["min_age_months"] is not None or r["max_age_months"] is not None,
    }
    for name, value in flags.items():
        a["flags"][FLAGS.index(name), doc] = value
    for lang in json.loads(r["languages"]):
        spoken.setdefault(lang, np.zeros(len(a["low"]), dtype=bool))[doc] = True
    for lang in json.loads(r["translated_languages"]):
        a["translated"][LANGUAGES.index(lang), doc] = True
    if r["min_age_months"] is not None:
        a["low"][doc] = r["min_age_months"]
    if r["max_age_months"] is not None:
        a["high"][doc] = r["max_age_months"]


def _place_arrays(named: list, points: list, places, index: dict) -> dict[str, np.ndarray]:
    """The offers' places as arrays: which offers are named at each place (held there or
    serving it), the pairs the place facets count (each place and the places it lies
    in), and the points distances are measured to."""
    ordered = sorted((index[place], doc, area) for doc, place, area in named)
    found = {
        "named_docs": np.array([doc for _, doc, _ in ordered], dtype=np.int32),
        # Whether the offer only serves the place (a service area) rather than being held there.
        "named_area": np.array([area for _, _, area in ordered], dtype=bool),
        "named_start": np.searchsorted(np.array([p for p, _, _ in ordered], dtype=np.int32),
                                       np.arange(len(index) + 1)).astype(np.int64),
    }
    facets = sorted({(doc, index[a]) for doc, place, _ in named
                     for a in [place, *places.ancestors(place)]})
    found["facet_docs"] = np.array([d for d, _ in facets], dtype=np.int32)
    found["facet_places"] = np.array([p for _, p in facets], dtype=np.int32)
    # Offers held nowhere of their own (they come to the family, or are online) are as
    # far away as the places they serve.
    points = list(points)
    located = {doc for doc, _, _ in points}
    for doc, place, _ in named:
        point = places.point(place)
        if doc not in located and point is not None:
            points.append((doc, *point))
    points.sort()
    docs = np.array([doc for doc, _, _ in points], dtype=np.int32)
    found["point_lat"] = np.radians(np.array([p[1] for p in points], dtype=np.float64))
    found["point_lon"] = np.radians(np.array([p[2] for p in points], dtype=np.float64))
    found["point_cos"] = np.cos(found["point_lat"])
    found["point_docs"], found["point_start"] = np.unique(docs, return_index=True)
    return found
