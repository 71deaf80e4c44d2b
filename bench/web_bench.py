"""Website benchmark: results-page latency and requests per second at 1, 8 and 32
concurrent clients against `finder serve` (waitress) on 127.0.0.1 with a 10,000-offer
catalogue, and in the same run the same faceted queries against Datasette serving the
same SQLite data with an FTS5 index.

    .venv/bin/pip install -e ".[bench]"     # Datasette
    .venv/bin/python bench/web_bench.py [--offers 10000] [--seconds 10]

Each client has its own keep-alive connection and sends the next URL as soon as the
previous answer is read. The load comes from wrk (Debian's package `wrk`) when it is
installed – it costs the machine far less than Python threads – and from Python
threads otherwise; the output says which. Latencies are medians and 95th
percentiles of all requests at that level; the ratio compares requests per second.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import DISTRICTS, GERMAN_WORDS, generate, percentile  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} stopped with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


def query_pairs(count: int, seed: int = 5) -> list[tuple[str, str]]:
    """The same faceted query for both: text, a child's age, a district, maybe free of
    charge, topic counts; all different from each other."""
    rng = random.Random(seed)
    pairs, seen = [], set()
    while len(pairs) < count:
        word = rng.choice(GERMAN_WORDS)
        months = rng.randint(0, 17) * 12
        district = rng.choice(DISTRICTS)
        page = rng.choice((1, 1, 2, 3))
        free = rng.random() < 0.5
        if (word, months, district, page, free) in seen:
            continue
        seen.add((word, months, district, page, free))
        ours = {"q": word, "age": months // 12, "district": district, "page": page}
        theirs = {"_search": word, "min_age_months__lte": months + 11,
                  "max_age_months__gte": months, "districts__contains": district,
                  "_facet_array": "topics", "_size": 10}
        if free:
            ours["free"] = 1
            theirs["free"] = 1
        if page > 1:
            theirs["_next"] = (page - 1) * 10
        pairs.append(("/de/search?" + urlencode(ours), "/catalogue/offers?" + urlencode(theirs)))
    return pairs


def load(port: int, urls: list[str], clients: int, seconds: float, once: bool = False) -> dict:
    """Clients in threads until the time is up (or, with once, until each URL was asked)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, i = [], offset
        while time.perf_counter() < stop and not (once and i >= len(urls)):
            url = urls[i % len(urls)]
            i += clients
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors[0] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if not latencies:
        return {"rps": 0.0, "p50": float("nan"), "p95": float("nan"), "requests": 0,
                "errors": errors[0]}
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p95": percentile(latencies, 95), "requests": len(latencies), "errors": errors[0]}


WRK_SCRIPT = """
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do urls[#urls + 1] = line end
local once = os.getenv("BENCH_ONCE") == "1"
local stride = tonumber(os.getenv("BENCH_THREADS"))
local started = 0
setup = function(thread) thread:set("offset", started); started = started + 1 end
-- Thread k asks urls k, k + stride, k + 2 stride, ...: never the same URL twice.
init = function(args) i = offset end
request = function()
  if once and i >= #urls then wrk.thread:stop() end
  local url = urls[(i % #urls) + 1]
  i = i + stride
  return wrk.format("GET", url, {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %f %f %f\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def load_wrk(port: int, urls: list[str], clients: int, seconds: float, work: Path,
             once: bool = False) -> dict:
    """The same measurement with wrk: one connection per client, two wrk threads at most."""
    script, url_file = work / "bench.lua", work / f"urls-{port}.txt"
    script.write_text(WRK_SCRIPT)
    url_file.write_text("\n".join(urls) + "\n")
    threads = min(2, clients)
    env = {**os.environ, "BENCH_URLS": str(url_file), "BENCH_ONCE": "1" if once else "0",
           "BENCH_THREADS": str(threads)}
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:.0f}s",
         "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, env=env, check=True).stdout
    line = next(row for row in out.splitlines() if row.startswith("BENCH "))
    requests, errors, duration, p50, p95 = line.split()[1:]
    return {"rps": int(requests) / float(duration), "p50": float(p50), "p95": float(p95),
            "requests": int(requests), "errors": int(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--serve-args", default="", help="more options for finder serve")
    parser.add_argument("--python-clients", action="store_true",
                        help="load from Python threads even when wrk is installed")
    args = parser.parse_args()
    from finder.catalogue.build import build

    work = Path(tempfile.mkdtemp(prefix="finder-webbench-"))
    processes = []
    try:
        generate(args.offers, work / "content")
        result = build(work / "content", work / "data")
        db = work / "catalogue.db"
        shutil.copy(result.path / "catalogue.db", db)
        subprocess.run([sys.executable, "-m", "sqlite_utils", "enable-fts", str(db), "offers",
                        "name", "summary", "description", "--fts5", "--create-triggers"],
                       check=True)
        finder_port, datasette_port = free_port(), free_port()
        # Server output goes to files: an unread pipe fills up and stalls the server.
        finder = subprocess.Popen(
            [sys.executable, "-m", "finder.cli", "serve", "--port", str(finder_port),
             "--data-dir", str(work / "data"), *args.serve_args.split()],
            stdout=subprocess.DEVNULL, stderr=open(work / "finder.log", "w"), cwd=ROOT)
        datasette = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(datasette_port),
             "--setting", "sql_time_limit_ms", "5000", "--setting", "num_sql_threads", "8",
             "--setting", "suggest_facets", "off"],
            stdout=subprocess.DEVNULL, stderr=open(work / "datasette.log", "w"))
        processes = [finder, datasette]
        all_pairs = query_pairs(12_060)
        wait_for(finder_port, all_pairs[0][0], finder)
        wait_for(datasette_port, all_pairs[0][1], datasette)
        use_wrk = shutil.which("wrk") is not None and not args.python_clients

        def measure(port, urls, clients, once=False):
            if use_wrk:
                return load_wrk(port, urls, clients, args.seconds, work, once=once)
            return load(port, urls, clients, args.seconds, once=once)

        print(f"{args.offers:,} offers, {args.seconds:.0f} s per level, results page as HTML, "
              f"load from {'wrk' if use_wrk else 'Python threads'}")
        print("queries     clients  server      req/s     p50 ms   p95 ms  errors   "
              "req/s vs Datasette")
        # "popular": 60 queries asked again and again (both servers warmed up with them);
        # "distinct": every request a query not asked before, so no cache can answer it.
        popular = all_pairs[:60]
        load(finder_port, [f for f, _ in popular], 2, 3)
        load(datasette_port, [d for _, d in popular], 2, 3)
        fresh = iter(range(60, len(all_pairs)))
        levels = [int(c) for c in args.clients.split(",")]
        per_level = (len(all_pairs) - 60) // len(levels)
        for mode in ("popular", "distinct"):
            for clients in levels:
                if mode == "popular":
                    ours_urls, their_urls = [f for f, _ in popular], [d for _, d in popular]
                else:
                    chunk = [all_pairs[next(fresh)] for _ in range(per_level)]
                    ours_urls, their_urls = [f for f, _ in chunk], [d for _, d in chunk]
                ours = measure(finder_port, ours_urls, clients, once=mode == "distinct")
                theirs = measure(datasette_port, their_urls, clients, once=mode == "distinct")
                for name, r in (("finder", ours), ("Datasette", theirs)):
                    ratio = r["rps"] / theirs["rps"]
                    print(f"{mode:<10} {clients:>7}  {name:<10} {r['rps']:7.1f}  {r['p50']:8.1f} "
                          f"{r['p95']:8.1f}  {r['errors']:6d}   {ratio:5.2f}x")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
