"""Search latency on the bundled catalogue, before and after a change, in the same run.

Every query of the sets that may be tuned on (bench/relevance/, never the holdouts) is
searched once to warm the process (as a worker that has served a while), then timed once
more with the result cache emptied, in a fresh process per round and code version. Rounds
alternate between the versions, so that the load of a shared machine falls on both.
Prints per version the median and 95th percentile of the time each search took (the
median over the rounds of each), as wall-clock time and as the CPU time of the search
process (which another session's load on a shared machine does not stretch), and the
ratios after/before.

    .venv/bin/python bench/bundled_bench.py --baseline ../base [--rounds 5]

(bench/search_bench.py measures generated catalogues of 1,000 to 100,000 offers.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = r'''
import json, sys, time, datetime as dt
from pathlib import Path
code, data, queries = sys.argv[1], Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text())
sys.path.insert(0, code)
from finder.catalogue import Catalogue, build
from finder.search import Query
if not (data / "current").exists():
    build.build(Path(code) / "content", data)
catalogue = Catalogue((data / "current").resolve())
today = dt.date(2026, 12, 5)

def query(q):
    return Query(text=q["q"], lang=q["lang"], ages_months=tuple(a * 12 for a in q.get("age") or ()),
                 district=q.get("district"), page_size=10)


for q in queries:  # warm, as a worker that has served a while: analysers' caches filled
    catalogue.search(query(q), today)
times, cpu = [], []
for q in queries:
    catalogue.engine.clear_cache()
    start, start_cpu = time.perf_counter(), time.process_time()
    catalogue.search(query(q), today)
    cpu.append(1000 * (time.process_time() - start_cpu))
    times.append(1000 * (time.perf_counter() - start))
times.sort()
cpu.sort()
print(json.dumps({"median": times[len(times) // 2], "p95": times[int(len(times) * 0.95)],
                  "cpu_median": cpu[len(cpu) // 2], "cpu_p95": cpu[int(len(cpu) * 0.95)]}))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="a checkout of the code before")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from relevance import load_queries

    queries = [{k: e.get(k) for k in ("q", "lang", "age", "district")}
               for e in load_queries("main")]
    versions = {"before": Path(args.baseline).resolve(), "after": ROOT}
    found: dict[str, list[dict]] = {name: [] for name in versions}
    with tempfile.TemporaryDirectory() as work:
        listed = Path(work) / "queries.json"
        listed.write_text(json.dumps(queries))
        for round_ in range(args.rounds):
            for name, code in versions.items():
                done = subprocess.run(
                    [sys.executable, "-c", WORKER, str(code), str(Path(work) / name), str(listed)],
                    capture_output=True, text=True, check=True,
                    env={**os.environ, "FINDER_TODAY": "2026-12-05"})
                found[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"round {round_ + 1}: " + ", ".join(
                f"{name} median {found[name][-1]['median']:.2f} ms p95 {found[name][-1]['p95']:.2f} ms"
                f" (CPU {found[name][-1]['cpu_median']:.2f} / {found[name][-1]['cpu_p95']:.2f})"
                for name in versions), f"(load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"\n{len(queries)} queries of the tuning sets, bundled catalogue, cache emptied, "
          f"{args.rounds} rounds")
    keys = ("median", "p95", "cpu_median", "cpu_p95")
    figures = {name: {k: statistics.median(r[k] for r in rows) for k in keys}
               for name, rows in found.items()}
    for name, f in figures.items():
        print(f"  {name:7s} median {f['median']:.2f} ms   p95 {f['p95']:.2f} ms   "
              f"CPU time: median {f['cpu_median']:.2f} ms   p95 {f['cpu_p95']:.2f} ms")
    print("  ratio after/before: " + ", ".join(
        f"{k} {figures['after'][k] / figures['before'][k]:.2f}" for k in keys))


if __name__ == "__main__":
    main()
