"""Search benchmark: build time, size, memory and latency at 1,000 to 100,000 offers,
side by side with SQLite FTS5 over the same data and the same queries.

    .venv/bin/python bench/search_bench.py                  # 1,000 / 10,000 / 100,000
    .venv/bin/python bench/search_bench.py --sizes 1000,10000 --queries 300

Catalogues are generated from the bundled one: every generated offer takes the
topics, ages, schedule and cost of a bundled offer and a description mixed from
sentences of bundled offers with the same topic, in a random district. Latency is
measured in a fresh process per size (so memory is that process's), each query
once with the result cache emptied ("uncached") and once again ("cached").
Figures are medians and 95th percentiles; ratios are against FTS5 in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finder.content import load  # noqa: E402

DISTRICTS = ["altstadt", "nordstadt", "suedstadt", "weststadt", "lindenhof", "ostend",
             "bergfeld", "hafen", "talwiesen", "kirchdorf"]
GERMAN_WORDS = ["Beratung", "Hebamme", "Kita", "Schwimmkurs", "Hausaufgaben", "Deutschkurs",
                "Elterncafé", "Ausbildung", "Kindergeld", "Sport", "Erziehungsberatung",
                "Krabbelgruppe", "Ferien", "Sprachförderung", "Frühförderung"]
FOREIGN_WORDS = ["midwife", "kreş", "акушерка", "قابلة", "homework help", "дитячий садок",
                 "child benefit", "ebe", "детский сад", "مهدکودک"]
TYPOS = ["Hebame", "Schwimen", "Kindergelt", "Berattung", "Hausaufgabn", "Erziehungsberatnug",
         "Kitta", "Deutsh kurs"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- generating catalogues ----------------------------------------------------------


def generate(size: int, target: Path, seed: int = 7) -> None:
    """Write a content folder with `size` offers modelled on the bundled catalogue."""
    rng = random.Random(seed)
    bundled = load(ROOT / "content")
    shutil.copytree(ROOT / "content", target,
                    ignore=shutil.ignore_patterns("providers", "translations", "situations.yaml"))
    (target / "providers").mkdir()
    bundled_situations = (yaml.safe_load((ROOT / "content" / "situations.yaml").read_text(
        encoding="utf-8")) or {}).get("situations") or {} \
        if (ROOT / "content" / "situations.yaml").exists() else {}
    situations: dict[str, dict] = {}
    sentences: dict[str, list[str]] = {}
    for offer in bundled.offers:
        parts = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(offer["description"]
                                                                        .split())) if s.strip()]
        for topic in offer["topics"]:
            sentences.setdefault(topic, []).extend(parts)
    per_provider = 4
    for start in range(0, size, per_provider):
        district = rng.choice(DISTRICTS)
        base_provider = rng.choice(bundled.providers)
        provider = {
            "id": f"gen-provider-{start // per_provider}",
            "name": f"{base_provider['name']} {start // per_provider}",
            "email": f"info{start}@generated.example.org",
            "phones": [f"+49 69 90009 {start % 1000:03d}"],
            "offers": [],
        }
        for i in range(start, min(size, start + per_provider)):
            base = rng.choice(bundled.offers)
            pool = sentences[rng.choice(base["topics"])]
            description = " ".join(rng.sample(pool, k=min(len(pool), rng.randint(3, 6))))
            offer = {
                "id": f"gen-{i}",
                "name": f"{base['name']} ({rng.choice(DISTRICTS).capitalize()} {i})",
                "summary": base["summary"],
                "description": description,
                "topics": base["topics"],
                "free": base["free"],
                "languages": base["languages"],
                "attending_type": base["attending_type"],
                "registration_required": base["registration_required"],
                "assured_date": base["assured_date"],
            }
            for key in ("min_age_months", "max_age_months", "fees_description", "valid_to"):
                if base[key] is not None:
                    offer[key] = base[key]
            if base["attending_type"] == "in_person":
                offer["locations"] = [{
                    "address_1": f"Musterweg {i % 200 + 1}", "district": district,
                    "latitude": 51.70 + rng.random() / 50, "longitude": 9.78 + rng.random() / 20,
                    "wheelchair_accessible": rng.random() < 0.6,
                }]
            elif rng.random() < 0.5:
                offer["service_areas"] = "citywide"
            offer["schedules"] = [
                {k: v for k, v in s.items() if v not in (None, [])} for s in base["schedules"]
            ]
            if base["translations"]:
                # Translated texts of the bundled offer, for the fields this one has.
                offer["translations"] = {
                    lang: {k: v for k, v in texts.items() if k in offer or k == "name"}
                    for lang, texts in base["translations"].items()}
            if base["id"] in bundled_situations:
                # The situations of the bundled offer: as much text to index as it has.
                situations[offer["id"]] = bundled_situations[base["id"]]
            provider["offers"].append(offer)
        (target / "providers" / f"{provider['id']}.yaml").write_text(
            yaml.safe_dump(provider, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if situations:
        (target / "situations.yaml").write_text(
            yaml.safe_dump({"situations": situations}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")


def mixed_queries(count: int, seed: int = 11) -> list[dict]:
    """Filter-only, text + filters, other languages and typos, in equal shares."""
    rng = random.Random(seed)
    topics = ["health", "childcare", "education", "leisure_sport", "meeting_places",
              "money_benefits", "parenting_advice", "migration_language"]
    queries = []
    for i in range(count):
        kind = ("filters", "text", "foreign", "typo")[i % 4]
        q: dict = {"ages_months": [rng.randint(0, 16) * 12]} if rng.random() < 0.7 else {}
        if rng.random() < 0.6:
            q["district"] = rng.choice(DISTRICTS)
        if kind == "filters":
            q["topics"] = [rng.choice(topics)]
            q["free"] = rng.random() < 0.3
        else:
            q["text"] = rng.choice({"text": GERMAN_WORDS, "foreign": FOREIGN_WORDS,
                                    "typo": TYPOS}[kind])
        q["page"] = 1 if rng.random() < 0.8 else 2
        q["kind"] = kind
        queries.append(q)
    return queries


# --- FTS5, the baseline -------------------------------------------------------------


def build_fts(catalogue_db: Path, target: Path) -> float:
    """A plain SQLite FTS5 table over the same offers (unicode61, no stemming)."""
    started = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.execute(f"ATTACH DATABASE '{catalogue_db}' AS src")
    conn.executescript("""
        CREATE TABLE offers (rid INTEGER PRIMARY KEY, id TEXT, name TEXT, summary TEXT,
            description TEXT, topics TEXT, districts TEXT, service_areas TEXT,
            attending_type TEXT, free INTEGER, min_age_months INTEGER, max_age_months INTEGER,
            valid_to TEXT);
        INSERT INTO offers SELECT rowid, id, name, summary, description, topics, districts,
            service_areas, attending_type, free, min_age_months, max_age_months, valid_to
            FROM src.offers;
        CREATE VIRTUAL TABLE offers_fts USING fts5(name, summary, description, content='offers',
            content_rowid='rid', tokenize='unicode61 remove_diacritics 2');
        INSERT INTO offers_fts(rowid, name, summary, description)
            SELECT rid, name, summary, description FROM offers;
    """)
    conn.commit()
    conn.execute("DETACH DATABASE src")
    conn.close()
    return time.perf_counter() - started


def fts_search(conn: sqlite3.Connection, q: dict, neighbours: dict) -> tuple:
    """The same faceted query in SQL: top ten by bm25, total, and topic facets."""
    where, params = ["(o.valid_to IS NULL OR o.valid_to >= date('now'))"], []
    if q.get("ages_months"):
        m = q["ages_months"][0]
        where.append("coalesce(o.min_age_months, 0) <= ? AND coalesce(o.max_age_months, 359) >= ?")
        params += [m + 11, m]
    if q.get("district"):
        places = [q["district"], "citywide", *neighbours[q["district"]]]
        marks = ",".join("?" * len(places))
        where.append(f"(EXISTS (SELECT 1 FROM json_each(o.districts) WHERE value IN ({marks})) "
                     f"OR EXISTS (SELECT 1 FROM json_each(o.service_areas) WHERE value IN ({marks}))"
                     " OR o.attending_type = 'online')")
        params += places + places
    if q.get("topics"):
        where.append("EXISTS (SELECT 1 FROM json_each(o.topics) WHERE value = ?)")
        params.append(q["topics"][0])
    if q.get("free"):
        where.append("o.free = 1")
    source = "offers o"
    if q.get("text"):
        tokens = re.findall(r"\w+", q["text"])
        if tokens:
            # The full-text match drives the query; rows are looked up by rowid.
            source = "offers_fts JOIN offers o ON o.rid = offers_fts.rowid"
            where.insert(0, "offers_fts MATCH ?")
            params = [" ".join(f'"{t}"*' for t in tokens)] + params
    sql_where = " AND ".join(where)
    offset = (q.get("page", 1) - 1) * 10
    rank = "bm25(offers_fts)" if source != "offers o" else "0"
    matched = (f"WITH m AS MATERIALIZED (SELECT o.rid AS rid, o.name AS name, {rank} AS rank "
               f"FROM {source} WHERE {sql_where})")
    top = conn.execute(f"{matched} SELECT o.id FROM m JOIN offers o ON o.rid = m.rid "
                       f"ORDER BY m.rank, m.name LIMIT 10 OFFSET {offset}", params).fetchall()
    total = conn.execute(f"{matched} SELECT count(*) FROM m", params).fetchone()[0]
    facets = conn.execute(f"{matched} SELECT t.value, count(*) FROM m JOIN offers o "
                          f"ON o.rid = m.rid, json_each(o.topics) t GROUP BY t.value",
                          params).fetchall()
    return top, total, facets


# --- the measuring process ------------------------------------------------------------


def worker(data_dir: str, fts_path: str, queries_path: str) -> None:
    """Runs in a fresh process: opens the catalogue, runs the queries, prints JSON."""
    rss_start = peak_rss_kb()
    from finder.catalogue import live
    from finder.clock import today
    from finder.search import Query

    TODAY = today()

    opened = time.perf_counter()
    catalogue = live(Path(data_dir))
    open_seconds = time.perf_counter() - opened
    queries = json.loads(Path(queries_path).read_text())
    engine = catalogue.engine
    # Warm-up: the spelling index is built on the first typo, the searcher on the first text.
    catalogue.search(Query(text="Hebame"), TODAY)
    uncached, cached, by_kind = [], [], {}
    for q in queries:
        fields = {k: (tuple(v) if isinstance(v, list) else v) for k, v in q.items()
                  if k != "kind"}
        query = Query(**fields)
        engine._cache.clear()
        started = time.perf_counter()
        catalogue.search(query, TODAY)
        elapsed = (time.perf_counter() - started) * 1000
        uncached.append(elapsed)
        by_kind.setdefault(q["kind"], []).append(elapsed)
        started = time.perf_counter()
        catalogue.search(query, TODAY)
        cached.append((time.perf_counter() - started) * 1000)
    rss_whoosh = peak_rss_kb()
    conn = sqlite3.connect(fts_path)
    neighbours = {d: v["neighbours"] for d, v in catalogue.districts.items()}
    fts = []
    for q in queries:
        started = time.perf_counter()
        fts_search(conn, q, neighbours)
        fts.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"uncached": uncached, "cached": cached, "fts": fts, "by_kind": by_kind,
                      "rss_start_kb": rss_start, "rss_kb": rss_whoosh,
                      "open_seconds": open_seconds}))


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM; ru_maxrss would count the parent's
    memory from before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--keep", help="keep generated data in this folder")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from finder.catalogue.build import build

    work = Path(args.keep or tempfile.mkdtemp(prefix="finder-bench-"))
    queries_path = work / "queries.json"
    queries_path.write_text(json.dumps(mixed_queries(args.queries), ensure_ascii=False))
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        content, data = work / f"content-{size}", work / f"data-{size}"
        shutil.rmtree(content, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
        generate(size, content)
        result = build(content, data)
        fts_path = work / f"fts-{size}.db"
        fts_path.unlink(missing_ok=True)
        fts_seconds = build_fts(result.path / "catalogue.db", fts_path)
        out = subprocess.run([sys.executable, __file__, "--worker", str(data), str(fts_path),
                              str(queries_path)], capture_output=True, text=True, check=True)
        figures = json.loads(out.stdout)
        row = {
            "offers": size,
            "build_s": result.seconds,
            "fts_build_s": fts_seconds,
            "db_mb": (result.path / "catalogue.db").stat().st_size / 1e6,
            "index_mb": folder_size(result.path / "index") / 1e6,
            "fts_mb": fts_path.stat().st_size / 1e6,
            "rss_mb": figures["rss_kb"] / 1024,
            "rss_start_mb": figures["rss_start_kb"] / 1024,
            "open_s": figures["open_seconds"],
        }
        for key in ("uncached", "cached", "fts"):
            row[f"{key}_p50"] = statistics.median(figures[key])
            row[f"{key}_p95"] = percentile(figures[key], 95)
        row["by_kind"] = {k: (statistics.median(v), percentile(v, 95))
                          for k, v in figures["by_kind"].items()}
        rows.append(row)
        print_row(row, args.queries)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def print_row(r: dict, queries: int) -> None:
    print(f"\n== {r['offers']:,} offers ({queries} mixed queries)")
    print(f"build (validate + SQLite + Whoosh): {r['build_s']:.1f} s   "
          f"FTS5 table from the built db: {r['fts_build_s']:.2f} s")
    print(f"on disk: SQLite {r['db_mb']:.1f} MB + Whoosh index {r['index_mb']:.1f} MB   "
          f"(FTS5 database {r['fts_mb']:.1f} MB)")
    print(f"searching process peak RSS: {r['rss_mb']:.0f} MB (Python and imports alone: "
          f"{r['rss_start_mb']:.0f} MB; opening the catalogue took {r['open_s']:.2f} s)")
    print("latency ms      p50     p95    p95 / FTS5 p95")
    for key, label in (("uncached", "finder"), ("cached", "finder cached"), ("fts", "FTS5")):
        ratio = r[f"{key}_p95"] / r["fts_p95"]
        print(f"{label:<14} {r[key + '_p50']:6.2f}  {r[key + '_p95']:6.2f}    {ratio:5.2f}x")
    kinds = "  ".join(f"{k} {p50:.1f}/{p95:.1f}" for k, (p50, p95) in r["by_kind"].items())
    print(f"finder uncached by kind (p50/p95 ms): {kinds}")


if __name__ == "__main__":
    main()
