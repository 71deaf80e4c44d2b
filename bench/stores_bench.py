"""What asking finder.stores for a store costs on the writes a family's visit makes:
counting an unmet search (open the records, one upsert, close) and keeping a referral
list (Lists.save), each in a fresh process per round, against another checkout (the
baseline) in the same run, rounds alternating between the two.

    .venv/bin/python bench/stores_bench.py --baseline /path/to/other/checkout
    .venv/bin/python bench/stores_bench.py --baseline DIR --store sqlite:///tmp/stores

Prints medians and 95th percentiles per checkout and the ratio of the medians.
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

WORKER = r"""
import datetime as dt, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from finder.coordinator import records
from finder.referrals import Lists
data, runs = Path(sys.argv[2]), int(sys.argv[3])
day = dt.date(2026, 12, 5)
def timed(fn):
    found = []
    for n in range(runs):
        started = time.perf_counter()
        fn(n)
        found.append((time.perf_counter() - started) * 1000)
    return found
def count(n):
    db = records.open_db(data)
    db.execute("INSERT INTO demand (text, filters, week, count) VALUES (?, ?, ?, 1) "
               "ON CONFLICT (text, filters, week) DO UPDATE SET count = count + 1",
               [f"reitstall {n % 20}", "{}", "2026-W49"])
    db.conn.close()
def keep(n):
    Lists(data).save([f"offer-{n}", "elternbriefe"], "ar", day)
import finder
assert Path(finder.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), finder.__file__
print(json.dumps({"count": timed(count), "list": timed(keep)}))
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(checkout: Path, data: Path, runs: int, store: str | None) -> dict[str, list[float]]:
    env = {k: v for k, v in os.environ.items() if k != "FINDER_STORE"}
    if store:
        env["FINDER_STORE"] = store
    done = subprocess.run([sys.executable, "-c", WORKER, str(checkout), str(data), str(runs)],
                          cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="another checkout")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=300, help="writes of each kind a round")
    parser.add_argument("--store", help="FINDER_STORE for this checkout (the baseline never "
                                        "has it)")
    args = parser.parse_args()
    found = {"baseline": {"count": [], "list": []}, "this": {"count": [], "list": []}}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            order = [("baseline", args.baseline), ("this", ROOT)]
            for name, checkout in order if round_ % 2 == 0 else reversed(order):
                data = Path(tmp) / f"{name}-{round_}"
                data.mkdir()
                store = f"{args.store.rstrip('/')}/{round_}" if args.store and name == "this" \
                    else None  # a fresh store folder each round, as the data folder
                for kind, times in run(checkout, data, args.runs, store).items():
                    found[name][kind].extend(times)
    print(f"{args.rounds} rounds x {args.runs} writes, fresh data folder each round"
          + (f", FINDER_STORE={args.store} for this checkout" if args.store else ""))
    import timeit

    sys.path.insert(0, str(ROOT))
    from finder import stores

    lookups = timeit.repeat(lambda: stores.of(ROOT / "var").path("records"), number=10_000,
                            repeat=5)
    print(f"asking finder.stores for a store's path: {min(lookups) / 10_000 * 1e6:.1f} µs "
          "(best of 5 × 10,000)")
    print("| write | baseline p50 / p95 | this p50 / p95 | ratio of medians |")
    print("| --- | --- | --- | --- |")
    for kind, label in (("count", "count an unmet search"), ("list", "keep a referral list")):
        base, this = found["baseline"][kind], found["this"][kind]
        print(f"| {label} | {statistics.median(base):.2f} / {percentile(base, 95):.2f} ms | "
              f"{statistics.median(this):.2f} / {percentile(this, 95):.2f} ms | "
              f"{statistics.median(this) / statistics.median(base):.2f} |")


if __name__ == "__main__":
    main()
