"""The live catalogue: one read-only handle on the current build, for every reader.

The website's workers and the bot call `live(data_dir)` for each request. It
costs one readlink; when `finder build` has switched `current` to a new build,
the next call opens the new build and later calls get it, without a restart.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from finder.catalogue import index, store
from finder.content import shapes as geo
from finder.model import Holidays, Offer, Provider
from finder.model.glossary import Glossary
from finder.model.places import Places
from finder.search.analysis import Lexicon

OFFER_CACHE_SIZE = 4096


class CatalogueMissing(Exception):
    """There is no build yet in the data folder."""


class Catalogue:
    """A read-only view of one build: offers, providers, districts, vocabulary, search."""

    def __init__(self, path: Path):
        self.path = path
        self.info = json.loads((path / "build.json").read_text())
        self.db = store.connect(path / "catalogue.db")
        self.ix = index.open_index(path / "index")
        self._local = threading.local()
        self.districts = district_records(self.db)
        """The places by id as plain records (districts.yaml), for readers that name them."""
        self.places = places_of(self.db, self.districts)
        """The same places as a tree (finder.model.places)."""
        self.providers = _Providers(self.db)
        """The providers by id (a mapping read from the database when asked: a catalogue of
        100,000 offers has some 25,000, and opening it should not wait for them)."""
        self.vocabulary: dict[str, dict] = {"phase": {}, "topic": {}, "need": {}}
        for r in self.db.execute("SELECT * FROM vocabulary ORDER BY kind, id"):
            self.vocabulary[r["kind"]][r["id"]] = {"labels": json.loads(r["labels"]),
                                                   "words": json.loads(r["words"]),
                                                   **json.loads(r["details"])}
        self.town = json.loads(self.db.execute("SELECT town FROM town").fetchone()[0])
        self.holidays = Holidays(self.town.get("land"))
        self._offers: OrderedDict[str, Offer] = OrderedDict()
        self._offers_lock = threading.Lock()
        self.helplines = [
            {**dict(r), "translations": json.loads(r["translations"]),
             "emergency": bool(r["emergency"])}
            for r in self.db.execute("SELECT * FROM helplines ORDER BY position")]
        self.glossary = Glossary.from_records([
            {**dict(r), "forms": json.loads(r["forms"]), "languages": json.loads(r["languages"])}
            for r in self.db.execute("SELECT * FROM glossary ORDER BY position")])
        """The German terms families meet, explained (content/glossary.yaml)."""
        rows = self.db.execute("SELECT word, count, spelling FROM lexicon").fetchall()
        self.lexicon_counts = {r["word"]: r["count"] for r in rows}
        self.spellings = {r["word"]: r["spelling"] for r in rows if r["spelling"] != r["word"]}
        self.lexicon = Lexicon(self.lexicon_counts)
        self._shapes: geo.DistrictShapes | bool | None = None
        from finder.search import Engine, wordlists

        wordlists.load_saved(path / wordlists.SAVED_NAME)

        self.engine = Engine(self)

    def columns(self):
        """The per-offer arrays the search filters by (finder.search.columns): the build's
        files, memory-mapped, or, for a build made before they existed, computed here."""
        from finder.search.columns import COLUMNS_DIR, Columns

        found = Columns.load(self.path / COLUMNS_DIR)
        if found is None:
            found = Columns.from_build(self.db, self.searcher().reader(), self.places)
        return found

    def searcher(self):
        """A Whoosh searcher for the calling thread (searchers are not shared)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.ix.searcher()
            _keep_average_lengths(searcher)
        return searcher

    def search(self, query, today: dt.date):
        """The one search: Query in, Results out (see finder.search); `today` is the day
        whose current offers are searched (the caller's clock: finder.clock)."""
        return self.engine.search(query, today)

    def language_of(self, text: str, current: str | None = None) -> str | None:
        """The town's language a family's text is clearly written in, or None when it is
        short or ambiguous (finder.search.language, with this build's need vocabulary)."""
        from finder.search.language import detect

        return detect(text, self.town.get("languages") or (), current, self.engine.vocabulary)

    def district_at(self, latitude: float, longitude: float) -> str | None:
        """The district a point lies in: by the districts' shapes when the town has them
        (districts.geojson), else the district whose centre is nearest, if the point is no
        farther from it than districts here lie from their nearest neighbour; None outside
        the town. (Ordering by distance is the places' work; this only picks a district.)"""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        if self._shapes is None:
            path = self.path / geo.FILE_NAME
            self._shapes = geo.DistrictShapes.load(path, list(self.districts.values()))[0] \
                if path.is_file() else False
        if self._shapes:
            return self._shapes.district_at(latitude, longitude)
        centres = {d: (v["latitude"], v["longitude"]) for d, v in self.districts.items()
                   if v.get("latitude") is not None and v.get("longitude") is not None}
        if not centres:
            return None
        distance = {d: geo.metres_between(latitude, longitude, *c) for d, c in centres.items()}
        nearest = min(distance, key=distance.get)
        spacing = max((min(geo.metres_between(*c, *other) for o, other in centres.items() if o != d)
                       for d, c in centres.items()), default=0.0) if len(centres) > 1 else 0.0
        return nearest if distance[nearest] <= max(spacing, geo.TOWN_RADIUS_METRES) else None

    def offer(self, offer_id: str) -> Offer | None:
        """One offer, or None."""
        return self.offers_by_ids([offer_id]).get(offer_id)

    def offers_by_ids(self, ids: list[str]) -> dict[str, Offer]:
        """The offers of these ids that exist. Each is made once from its row and kept
        while it is asked for (a bounded cache: a catalogue may hold 100,000)."""
        found: dict[str, Offer] = {}
        with self._offers_lock:
            for offer_id in ids:
                offer = self._offers.get(offer_id)
                if offer is not None:
                    self._offers.move_to_end(offer_id)
                    found[offer_id] = offer
        missing = [i for i in dict.fromkeys(ids) if i not in found]
        if missing:
            marks = ",".join("?" * len(missing))
            # Only "?" placeholders are put into the text; the ids travel as parameters.
            rows = self.db.execute(f"SELECT * FROM offers WHERE id IN ({marks})",  # nosec B608
                                   missing).fetchall()
            with self._offers_lock:
                for row in rows:
                    offer = self._make_offer(store.decode_offer(row))
                    found[offer.id] = self._offers[offer.id] = offer
                while len(self._offers) > OFFER_CACHE_SIZE:
                    self._offers.popitem(last=False)
        return found

    def _make_offer(self, record: dict) -> Offer:
        provider = self.providers.get(record["provider_id"])
        return Offer.from_record(record, self.holidays, provider.closures if provider else ())

    def all_offers(self) -> list[dict]:
        """Every offer of the build, expired ones too, ordered by id, with the fields the
        coordinator counts by (not the texts: decoding those costs 10 times more)."""
        found = getattr(self, "_all_offers", None)
        if found is None:
            rows = self.db.execute(
                "SELECT id, provider_id, name, topics, phases, districts, service_areas, "
                "attending_type, valid_from, valid_to, assured_date, capacity FROM offers ORDER BY id")
            found = self._all_offers = [
                {**dict(r), **{k: json.loads(r[k]) for k in ("topics", "phases", "districts",
                                                            "service_areas")}} for r in rows]
        return found

    def crisis_lines(self, day: dt.date) -> list[Offer]:
        """The town's own crisis lines (a women's shelter, the child-protection line): the
        current offers about crisis and protection that answer by phone day and night.
        Crisis searches show them beside the national numbers, not below all of them."""
        ids = [r["id"] for r in self.all_offers() if "crisis_protection" in r["topics"]]
        return sorted((o for o in self.offers_by_ids(ids).values()
                       if o.always_reachable and o.phones and o.is_current(day)),
                      key=lambda o: o.name)

    def provider_offer_ids(self, provider_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM offers WHERE provider_id = ? ORDER BY name", (provider_id,))]


def _keep_average_lengths(searcher) -> None:
    """A build's field lengths never change; Whoosh's BM25F scorer asks the searcher for a
    field's average length for every term, and the searcher adds it up over all segments
    each time (64 at 100,000 offers). The first answer per field is kept."""
    found: dict[tuple, float] = {}
    compute = searcher.avg_field_length

    def average(fieldname, default=None):
        key = (fieldname, default)
        if key not in found:
            found[key] = compute(fieldname, default)
        return found[key]

    searcher.avg_field_length = average


def district_records(db) -> dict[str, dict]:
    """A build's places by id as plain records (as in districts.yaml)."""
    rows = db.execute("SELECT * FROM districts ORDER BY id").fetchall()
    return {r["id"]: {**dict(r), "neighbours": json.loads(r["neighbours"]),
                      "children": json.loads(r["children"]), "names": json.loads(r["names"]),
                      "postal_codes": json.loads(r["postal_codes"] or "[]")} for r in rows}


def places_of(db, districts: dict[str, dict] | None = None) -> Places:
    """A build's places as a tree (finder.model.places)."""
    levels = [{**dict(r), "names": json.loads(r["names"])}
              for r in db.execute("SELECT * FROM levels ORDER BY position")]
    return Places.from_records((districts or district_records(db)).values(), levels)


def warm(data_dir: Path, today: dt.date) -> None:
    """Open the live catalogue and everything its search loads lazily, and read what the
    needs' search words find: a web worker and the bot do this before their first family."""
    from finder.search import Query

    try:
        catalogue = live(data_dir)
    except CatalogueMissing:
        return
    catalogue.engine.vocabulary.correct("hebamne")
    catalogue.search(Query(text="Hebamme dringend", lang="de"), today)
    catalogue.engine.warm()


def write_columns(build: Path) -> None:
    """The build step that writes the search's per-offer arrays (finder.search.columns)
    from a staged build's database and index, in the index's document order, so that
    workers open them memory-mapped instead of computing them."""
    from finder.search.columns import COLUMNS_DIR, Columns

    db = store.connect(build / "catalogue.db")
    try:
        with index.open_index(build / "index").reader() as reader:
            Columns.from_build(db, reader, places_of(db)).save(build / COLUMNS_DIR)
    finally:
        db.close()


class _Providers(Mapping):
    """A build's providers by id, in id order, each made from its row when first asked for
    and then kept (they are few next to the offers, and every hit names its provider)."""

    def __init__(self, db):
        self._db = db
        self._ids = [r[0] for r in db.execute("SELECT id FROM providers ORDER BY id")]
        self._known = frozenset(self._ids)
        self._made: dict[str, Provider] = {}
        self._lock = threading.Lock()

    def __getitem__(self, provider_id: str) -> Provider:
        found = self._made.get(provider_id)
        if found is not None:
            return found
        if provider_id not in self._known:
            raise KeyError(provider_id)
        row = self._db.execute("SELECT * FROM providers WHERE id = ?", (provider_id,)).fetchone()
        with self._lock:
            return self._made.setdefault(provider_id, Provider.from_record(store.decode_provider(row)))

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self._known

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self):
        """Every provider, made in one pass over the table (the coordinator's lists)."""
        if len(self._made) < len(self._ids):
            rows = self._db.execute("SELECT * FROM providers ORDER BY id").fetchall()
            with self._lock:
                for row in rows:
                    if row["id"] not in self._made:
                        self._made[row["id"]] = Provider.from_record(store.decode_provider(row))
        return [self._made[i] for i in self._ids]


_lock = threading.Lock()
_live: dict[Path, tuple[str, Catalogue]] = {}


def _libc():
    """The C library, for the two malloc settings below; None where there is none."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def _trim_heap() -> None:
    """glibc's malloc_trim: return freed heap pages to the system (Linux only)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def limit_malloc_arenas() -> None:
    """glibc gives every thread of a worker its own memory arena; with four threads and
    large catalogues that nearly doubles what a worker holds. Two arenas are enough."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(-8, 2)  # M_ARENA_MAX


def live(data_dir: Path) -> Catalogue:
    """The catalogue of the current build in data_dir, reopened after a new build."""
    data_dir = Path(data_dir)
    try:
        target = os.readlink(data_dir / "current")
    except OSError:
        raise CatalogueMissing(
            f"no catalogue built yet in {data_dir}; run `finder build` first") from None
    known = _live.get(data_dir)
    if known is not None and known[0] == target:
        return known[1]
    with _lock:
        known = _live.get(data_dir)
        if known is None or known[0] != target:
            replaced = known is not None
            known = (target, Catalogue((data_dir / target).resolve()))
            _live[data_dir] = known
            if replaced:
                # The old build's engine holds cyclic references (Whoosh readers): collect
                # it now rather than whenever the collector next runs, and hand the freed
                # memory back to the system, so that a worker does not grow with switches.
                gc.collect()
                _trim_heap()
        return known[1]
