"""A word's first search against its later ones: one process opens a build (the word
lists as the build keeps them, timed) and asks search_bench's queries in rounds, the
result cache emptied before every query. In round 1 each word is searched for the first
time in this process (its postings read from every segment); in later rounds the postings
are kept and only the result cache is empty. p50 / p95 per kind and per round, in ms.

    .venv/bin/python bench/search_rounds.py DATA_DIR [--queries 400] [--rounds 2] [--warm]
    FINDER_CODE=../before .venv/bin/python bench/search_rounds.py DATA_DIR   # other code

DATA_DIR is a data folder with a build (e.g. search_bench.py --keep DIR: DIR/data-100000-after).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, os.environ.get("FINDER_CODE") or str(ROOT))
"""FINDER_CODE: another checkout's code to measure (the queries stay this one's)."""

from search_bench import mixed_queries, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm", action="store_true",
                        help="first warm the catalogue as `finder serve` does in each worker")
    args = parser.parse_args()

    started = time.perf_counter()
    from finder.catalogue import live
    from finder.clock import today
    from finder.search import Query

    imported = time.perf_counter()
    catalogue = live(args.data_dir)
    opened = time.perf_counter()
    print(f"imports {imported - started:.2f} s, open the build with its word lists "
          f"{opened - imported:.2f} s")
    known = {f.name for f in dataclasses.fields(Query)}
    day = today()
    catalogue.search(Query(text="Hebamme"), day)
    if args.warm:
        from finder.cli import warm

        t = time.perf_counter()
        warm(str(args.data_dir))
        print(f"warm as a worker does {time.perf_counter() - t:.2f} s")
    times: dict[str, list[float]] = {}
    for round_ in range(1, args.rounds + 1):
        for q in mixed_queries(args.queries):
            fields = {k: tuple(v) if isinstance(v, list) else v for k, v in q.items() if k in known}
            catalogue.engine.clear_cache()
            t = time.perf_counter()
            catalogue.search(Query(**fields), day)
            ms = (time.perf_counter() - t) * 1000
            for key in ((q["kind"], round_), ("all", round_), (q["kind"], 0), ("all", 0)):
                times.setdefault(key, []).append(ms)
    kinds = sorted({kind for kind, _ in times}, key=lambda k: (k == "all", k))
    heads = [f"round {r}" for r in range(1, args.rounds + 1)] + ["all rounds"]
    print(f"  {'p50 / p95 ms':<10}" + "".join(f"{h:>16}" for h in heads))
    for kind in kinds:
        cells = []
        for r in [*range(1, args.rounds + 1), 0]:
            values = times[(kind, r)]
            cells.append(f"{statistics.median(values):.1f} / {percentile(values, 95):.1f}")
        print(f"  {kind:<10}" + "".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
