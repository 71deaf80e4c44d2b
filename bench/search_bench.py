"""Search benchmark: build, incremental build, opening, memory and latency at 1,000 to
100,000 offers, side by side with SQLite FTS5 over the same data and the same queries,
and, with --baseline, against another checkout of the code (the code before a change)
in the same run, on the same generated content.

    .venv/bin/python bench/search_bench.py                       # 1,000 / 10,000 / 100,000
    .venv/bin/python bench/search_bench.py --sizes 10000,100000 --rounds 3 \
        --baseline ../wt-main                                    # before and after, same run
    .venv/bin/python bench/search_bench.py --sizes 100000 --keep /tmp/b --reuse-builds \
        --baseline ../wt-main    # measure builds kept in /tmp/b (data-SIZE-before/after)

Catalogues are generated from the bundled one: every generated offer takes the
topics, ages, schedule and cost of a bundled offer and a description mixed from
sentences of bundled offers with the same topic, in a random district. For each size
and each code version:

- build: a full `finder build` (a command of its own, as a deployment runs it);
- incremental: one provider file changed, then `finder build --if-changed` until the
  change is searchable (the code before has no incremental build: a full one);
- latency: a fresh process opens the build (`open`) and asks every query once with the
  result cache emptied ("uncached") and once again ("cached"); the same faceted queries
  (top ten by bm25, total, topic counts) go to FTS5 in the same process. Rounds alternate
  between the code versions; a figure is the median over the rounds;
- serve: `finder serve` with two workers answers the queries over HTTP; then each
  worker's resident memory (RSS) and its proportional share (PSS: pages shared between
  the workers counted half) are read from /proc.

The machine's load average is printed with every step: on a shared machine, compare
ratios from the same run, not figures from different days.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("FINDER_CODE") or ROOT)
"""The code measured in this process: a worker of another checkout imports that one."""
sys.path.insert(0, str(CODE))

DISTRICTS = ["altstadt", "nordstadt", "suedstadt", "weststadt", "lindenhof", "ostend",
             "bergfeld", "hafen", "talwiesen", "kirchdorf"]
GERMAN_WORDS = ["Beratung", "Hebamme", "Kita", "Schwimmkurs", "Hausaufgaben", "Deutschkurs",
                "Elterncafé", "Ausbildung", "Kindergeld", "Sport", "Erziehungsberatung",
                "Krabbelgruppe", "Ferien", "Sprachförderung", "Frühförderung"]
FOREIGN_WORDS = ["midwife", "kreş", "акушерка", "قابلة", "homework help", "дитячий садок",
                 "child benefit", "ebe", "детский сад", "مهدکودک"]
TYPOS = ["Hebame", "Schwimen", "Kindergelt", "Berattung", "Hausaufgabn", "Erziehungsberatnug",
         "Kitta", "Deutsh kurs"]
KINDS = ("filters", "text", "foreign", "typo", "near")
"""Kinds of queries; "near" (a point and a radius) only where the code knows distances."""
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's writer where there is one: 100,000 offers in minutes, not an hour."""
CHANGED_PROVIDER = "gen-provider-17"
CHANGED_WORD = "Zauberflötenwerkstatt"
"""The incremental build changes one provider's file: this word goes into an offer."""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load_average() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# --- generating catalogues ----------------------------------------------------------


def generate(size: int, target: Path, seed: int = 7) -> None:
    """Write a content folder with `size` offers modelled on the bundled catalogue."""
    from finder.content import load

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
                # Translated texts of the bundled offer, for the fields this one has as the
                # bundled one has them: not the description, which is mixed (the build checks
                # that a translation keeps the German terms of its text in brackets).
                offer["translations"] = {
                    lang: {k: v for k, v in texts.items()
                           if (k in offer or k == "name") and k != "description"}
                    for lang, texts in base["translations"].items()}
            if base["id"] in bundled_situations:
                # The situations of the bundled offer: as much text to index as it has.
                situations[offer["id"]] = bundled_situations[base["id"]]
            provider["offers"].append(offer)
        (target / "providers" / f"{provider['id']}.yaml").write_text(
            yaml.dump(provider, Dumper=DUMPER, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
    if situations:
        (target / "situations.yaml").write_text(
            yaml.safe_dump({"situations": situations}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")


def change_one_provider(content: Path) -> tuple[Path, str]:
    """Put CHANGED_WORD into the first offer of one provider file; returns the file
    and its old text (to put back)."""
    path = content / "providers" / f"{CHANGED_PROVIDER}.yaml"
    old = path.read_text(encoding="utf-8")
    data = yaml.safe_load(old)
    data["offers"][0]["description"] += f" Neu: die {CHANGED_WORD} für Kinder."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, old


def mixed_queries(count: int, seed: int = 11) -> list[dict]:
    """Filter-only, text + filters, other languages, typos and (where the code knows
    distances) a point with a radius, in equal shares."""
    rng = random.Random(seed)
    topics = ["health", "childcare", "education", "leisure_sport", "meeting_places",
              "money_benefits", "parenting_advice", "migration_language"]
    queries = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        q: dict = {"ages_months": [rng.randint(0, 16) * 12]} if rng.random() < 0.7 else {}
        if rng.random() < 0.6 or kind == "near":
            q["district"] = rng.choice(DISTRICTS)
        if kind in ("filters", "near"):
            q["topics"] = [rng.choice(topics)]
            q["free"] = rng.random() < 0.3
        if kind == "near":
            if rng.random() < 0.5:
                q["near"] = [round(51.70 + rng.random() / 50, 2), round(9.78 + rng.random() / 20, 2)]
            q["radius_km"] = rng.choice((5, 10, 25))
            if rng.random() < 0.5:
                q["text"] = rng.choice(GERMAN_WORDS)
        elif kind != "filters":
            q["text"] = rng.choice({"text": GERMAN_WORDS, "foreign": FOREIGN_WORDS,
                                    "typo": TYPOS}[kind])
        q["page"] = 1 if rng.random() < 0.8 else 2
        q["kind"] = kind
        queries.append(q)
    return queries


def url_params(q: dict) -> dict:
    """A generated query as the website's search parameters."""
    params = {"page": q.get("page", 1)}
    if q.get("text"):
        params["q"] = q["text"]
    if q.get("ages_months"):
        params["age"] = q["ages_months"][0] // 12
    for key in ("district", "radius_km"):
        if q.get(key):
            params[key] = q[key]
    if q.get("topics"):
        params["topic"] = q["topics"][0]
    if q.get("free"):
        params["free"] = 1
    if q.get("near"):
        params["near"] = f"{q['near'][0]},{q['near'][1]}"
    return params


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
    """Runs in a fresh process with the code of FINDER_CODE: opens the catalogue, runs
    the queries, prints JSON."""
    import dataclasses

    rss_start = peak_rss_kb()
    from finder.catalogue import live
    from finder.clock import today
    from finder.search import Query

    TODAY = today()
    known = {f.name for f in dataclasses.fields(Query)}
    # The word lists first, as `finder serve` loads them before its workers open a build
    # (and a running worker has them when it switches to a new build): "open" is the build's.
    from finder.search import analysis, wordlists

    wordlists._load()
    analysis.key("мамам", "uk")
    opened = time.perf_counter()
    catalogue = live(Path(data_dir))
    open_seconds = time.perf_counter() - opened
    queries = [q for q in json.loads(Path(queries_path).read_text())
               if all(k in known for k in q if k != "kind")]
    engine = catalogue.engine
    clear = getattr(engine, "clear_cache", None) or engine._cache.clear
    # Warm-up: the spelling index is built on the first typo, the searcher on the first text.
    catalogue.search(Query(text="Hebame"), TODAY)
    first_search = time.perf_counter() - opened
    uncached, cached = {}, {}
    for q in queries:
        fields = {k: (tuple(v) if isinstance(v, list) else v) for k, v in q.items()
                  if k != "kind"}
        query = Query(**fields)
        clear()
        started = time.perf_counter()
        catalogue.search(query, TODAY)
        uncached.setdefault(q["kind"], []).append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        catalogue.search(query, TODAY)
        cached.setdefault(q["kind"], []).append((time.perf_counter() - started) * 1000)
    rss = peak_rss_kb()
    conn = sqlite3.connect(fts_path)
    neighbours = {d: list(v.get("neighbours") or []) for d, v in catalogue.districts.items()}
    fts: dict[str, list[float]] = {}
    for q in queries:
        started = time.perf_counter()
        fts_search(conn, q, neighbours)
        fts.setdefault(q["kind"], []).append((time.perf_counter() - started) * 1000)
    print(json.dumps({"uncached": uncached, "cached": cached, "fts": fts,
                      "rss_start_kb": rss_start, "rss_kb": rss, "open_seconds": open_seconds,
                      "first_search_seconds": first_search}))


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM; ru_maxrss would count the parent's
    memory from before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- running a code version -------------------------------------------------------------


class Version:
    """One checkout of the code, run as its own processes."""

    def __init__(self, name: str, code: Path):
        self.name, self.code = name, code.resolve()

    def env(self) -> dict:
        return {**os.environ, "FINDER_CODE": str(self.code), "PYTHONPATH": str(self.code)}

    def finder(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "finder.cli", *args], cwd=self.code,
                              env=self.env(), capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{self.name}: finder {' '.join(args)} failed:\n{done.stderr}")
        return done

    def timed(self, *args: str) -> float:
        started = time.perf_counter()
        self.finder(*args)
        return time.perf_counter() - started

    def worker(self, data: Path, fts: Path, queries: Path) -> dict:
        out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(data),
                              str(fts), str(queries)], cwd=self.code, env=self.env(),
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"{self.name}: worker failed:\n{out.stderr}")
        return json.loads(out.stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def memory_mb(pid: int) -> dict:
    """A process's resident memory, its peak, and its proportional share (PSS)."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            figures[line.split(":")[0]] = int(line.split()[1]) / 1024
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            figures["Pss"] = int(line.split()[1]) / 1024
    return figures


def serve_memory(version: Version, data: Path, queries: list[dict]) -> dict:
    """`finder serve` with two workers answers every query over HTTP (two clients);
    then each worker's memory."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "finder.cli", "serve", "--port", str(port), "--workers", "2",
         "--data-dir", str(data)], cwd=version.code, env=version.env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.perf_counter()
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/de/search?q=Kita")
                conn.getresponse().read()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"{version.name}: finder serve stopped") from None
                time.sleep(0.2)
        ready = time.perf_counter() - started
        paths = [f"/de/search?{urlencode(url_params(q))}" for q in queries]
        errors = []

        def client(mine: list[str]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for path in mine:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append((path, response.status))

        threads = [threading.Thread(target=client, args=(paths[n::2],)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        workers = [memory_mb(pid) for pid in children(process.pid)]
        return {"ready_s": ready, "workers": workers, "errors": len(errors)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: the figures are in already
            process.kill()
            process.wait(timeout=30)


# --- the run ----------------------------------------------------------------------------


def summary(figures: list[dict]) -> dict:
    """Per kind: p50 and p95 of each round, then the median over the rounds."""
    result: dict = {}
    for key in ("uncached", "cached", "fts"):
        kinds = sorted({k for f in figures for k in f[key]}, key=KINDS.index)
        for kind in [*kinds, "all"]:
            p50s, p95s = [], []
            for f in figures:
                values = [v for k in kinds for v in f[key].get(k, [])] if kind == "all" \
                    else f[key].get(kind, [])
                if values:
                    p50s.append(statistics.median(values))
                    p95s.append(percentile(values, 95))
            if p50s:
                result[(key, kind)] = (statistics.median(p50s), statistics.median(p95s))
    for key in ("open_seconds", "first_search_seconds", "rss_kb", "rss_start_kb"):
        result[key] = statistics.median(f[key] for f in figures)
    return result


def measure_size(size: int, work: Path, versions: list[Version], queries: list[dict],
                 rounds: int, serve: bool, reuse: bool = False) -> dict:
    content = work / f"content-{size}"
    if not (content / "providers").exists():
        shutil.rmtree(content, ignore_errors=True)
        started = time.perf_counter()
        generate(size, content)
        print(f"  generated {size:,} offers in {time.perf_counter() - started:.0f} s", flush=True)
    queries_path = work / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False))
    rows: dict[str, dict] = {v.name: {} for v in versions}
    for v in versions:
        data = work / f"data-{size}-{v.name}"
        if reuse and (data / "current").is_symlink():
            # A build kept from an earlier run (--reuse-builds): no build figures.
            build = (data / os.readlink(data / "current")).resolve()
            rows[v.name].update(build_s=math.nan, incremental_s=math.nan, data=data,
                                db_mb=(build / "catalogue.db").stat().st_size / 1e6,
                                other_mb=(folder_size(build) - (build / "catalogue.db").stat()
                                          .st_size) / 1e6)
            continue
        shutil.rmtree(data, ignore_errors=True)
        print(f"  {v.name}: full build ({load_average()})", flush=True)
        rows[v.name]["build_s"] = v.timed("build", "--content", str(content), "--data-dir", str(data))
        build = (data / os.readlink(data / "current")).resolve()
        rows[v.name]["db_mb"] = (build / "catalogue.db").stat().st_size / 1e6
        rows[v.name]["other_mb"] = (folder_size(build) - (build / "catalogue.db").stat().st_size) / 1e6
        rows[v.name]["data"] = data
    changed, old = change_one_provider(content)
    try:
        for v in versions:
            if math.isnan(rows[v.name].get("incremental_s", 0.0)):
                continue
            print(f"  {v.name}: one provider changed, build --if-changed ({load_average()})",
                  flush=True)
            data = rows[v.name]["data"]
            rows[v.name]["incremental_s"] = v.timed("build", "--if-changed", "--content",
                                                    str(content), "--data-dir", str(data))
            found = v.finder("search", "--json", "--data-dir", str(data), CHANGED_WORD)
            if json.loads(found.stdout)["total"] < 1:
                raise RuntimeError(f"{v.name}: the changed offer is not found after the build")
    finally:
        changed.write_text(old, encoding="utf-8")
    fts_path = work / f"fts-{size}.db"
    fts_path.unlink(missing_ok=True)
    build = (rows[versions[-1].name]["data"] / "current").resolve()
    fts_seconds = build_fts(build / "catalogue.db", fts_path)
    figures: dict[str, list[dict]] = {v.name: [] for v in versions}
    for r in range(rounds):
        for v in (versions if r % 2 == 0 else versions[::-1]):
            print(f"  {v.name}: queries, round {r + 1} ({load_average()})", flush=True)
            figures[v.name].append(v.worker(rows[v.name]["data"], fts_path, queries_path))
    for v in versions:
        rows[v.name].update(summary(figures[v.name]))
        print(f"  {v.name}: " + json.dumps({" ".join(k) if isinstance(k, tuple) else k: val
                                           for k, val in rows[v.name].items() if k != "data"}),
              flush=True)
        if serve:
            print(f"  {v.name}: finder serve, two workers ({load_average()})", flush=True)
            rows[v.name]["serve"] = serve_memory(v, rows[v.name]["data"], queries)
    rows["_fts_build_s"] = fts_seconds
    return rows


def print_size(size: int, rows: dict, versions: list[Version], queries: int) -> None:
    print(f"\n== {size:,} offers ({queries} queries; {load_average()})")
    print(f"FTS5 table from the built db: {rows['_fts_build_s']:.1f} s")
    print(f"{'':28}" + "".join(f"{v.name:>22}" for v in versions))

    def line(label: str, values: list[str]) -> None:
        print(f"{label:<28}" + "".join(f"{x:>22}" for x in values))

    line("full build s", [f"{rows[v.name]['build_s']:.1f}" for v in versions])
    line("one provider changed s", [f"{rows[v.name]['incremental_s']:.1f}" for v in versions])
    line("on disk MB (SQLite + rest)", [f"{rows[v.name]['db_mb']:.0f} + {rows[v.name]['other_mb']:.0f}"
                                        for v in versions])
    line("open build s", [f"{rows[v.name]['open_seconds']:.2f}" for v in versions])
    line("process peak RSS MB", [f"{rows[v.name]['rss_kb'] / 1024:.0f} (start "
                                 f"{rows[v.name]['rss_start_kb'] / 1024:.0f})" for v in versions])
    if all("serve" in rows[v.name] for v in versions):
        for i in range(2):
            line(f"serve worker {i + 1} RSS/PSS MB",
                 [(lambda w: f"{w.get('VmRSS', 0):.0f} / {w.get('Pss', 0):.0f}")(
                     rows[v.name]["serve"]["workers"][i])
                  if len(rows[v.name]["serve"]["workers"]) > i else "-" for v in versions])
        line("serve: first answer s", [f"{rows[v.name]['serve']['ready_s']:.1f}" for v in versions])
    print("latency ms, p50 / p95 (median of rounds); ratio p95 against FTS5 p95 in the same process")
    for kind in (*KINDS, "all"):
        values = []
        for v in versions:
            ours, fts = rows[v.name].get(("uncached", kind)), rows[v.name].get(("fts", kind))
            values.append(f"{ours[0]:.1f} / {ours[1]:.1f} ({ours[1] / fts[1]:.2f}x)" if ours and fts
                          else "-")
        line(f"  {kind}", values)
        fts = rows[versions[-1].name].get(("fts", kind))
        if fts:
            line(f"  {kind}: FTS5", [f"{rows[v.name][('fts', kind)][0]:.1f} / "
                                     f"{rows[v.name][('fts', kind)][1]:.1f}"
                                     if ("fts", kind) in rows[v.name] else "-" for v in versions])
    line("  all, cached", [f"{rows[v.name][('cached', 'all')][0]:.2f} / "
                           f"{rows[v.name][('cached', 'all')][1]:.2f}" for v in versions])
    if len(versions) == 2:
        old, new = (rows[v.name] for v in versions)
        print(f"{versions[1].name} against {versions[0].name}: build "
              f"{new['build_s'] / old['build_s']:.2f}x, one provider changed "
              f"{new['incremental_s'] / old['incremental_s']:.2f}x, p95 (all) "
              f"{new[('uncached', 'all')][1] / old[('uncached', 'all')][1]:.2f}x, open "
              f"{new['open_seconds'] / old['open_seconds']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", help="another checkout of the code, measured in the same run")
    parser.add_argument("--no-serve", action="store_true", help="skip the two-worker server")
    parser.add_argument("--keep", help="keep generated data in this folder (and reuse it)")
    parser.add_argument("--reuse-builds", action="store_true",
                        help="with --keep: measure the builds kept there (data-SIZE-before/after) "
                             "instead of building again (no build figures)")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    versions = [Version("after", ROOT)]
    if args.baseline:
        versions.insert(0, Version("before", Path(args.baseline)))
    work = Path(args.keep or tempfile.mkdtemp(prefix="finder-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {load_average()}; "
          f"versions: " + ", ".join(f"{v.name} = {v.code}" for v in versions), flush=True)
    queries = mixed_queries(args.queries)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"\n{size:,} offers", flush=True)
            rows = measure_size(size, work, versions, queries, args.rounds, not args.no_serve,
                                args.reuse_builds)
            print_size(size, rows, versions, args.queries)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
