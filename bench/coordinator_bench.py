"""The coordinator's costs: counting one unmet search, and computing the coverage, the
freshness list and the report, on the bundled catalogue and on generated ones.

    .venv/bin/python bench/coordinator_bench.py                    # bundled + 10,000 offers
    .venv/bin/python bench/coordinator_bench.py --sizes 1000

Prints medians (and the 95th percentile for the per-search cost) of repeated runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_bench import generate, percentile  # noqa: E402
from finder.catalogue import live  # noqa: E402
from finder.catalogue.build import build  # noqa: E402
from finder.clock import today  # noqa: E402
from finder.coordinator import coverage, demand, freshness, report  # noqa: E402
from finder.search import Query  # noqa: E402

TODAY = today()
"""The day the benchmark searches on (FINDER_TODAY fixes it)."""


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(label: str, content: Path, work: Path) -> None:
    data = work / "data"
    build(content, data)
    cat = live(data)
    unmet = Query(text="Reitstall Ponyhof", district="hafen")
    results = cat.search(unmet, TODAY)
    assert demand.unmet(results)
    record = timed(lambda: demand.record(unmet, results, TODAY, data), 500)
    cover = timed(lambda: coverage.compute(cat, today=TODAY), 20)
    fresh = timed(lambda: freshness.compute(cat, data, TODAY), 20)
    whole = timed(lambda: report.compose(cat, data, today=TODAY), 10)
    offers = len(cat.all_offers())
    print(f"| {label} | {offers:,} | {statistics.median(record):.2f} / "
          f"{percentile(record, 95):.2f} ms | {statistics.median(cover):.1f} ms | "
          f"{statistics.median(fresh):.1f} ms | {statistics.median(whole):.1f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="generated catalogue sizes, e.g. 1000,10000")
    args = parser.parse_args()
    print("| catalogue | offers | count one unmet search p50 / p95 | coverage | freshness | report |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bundled").mkdir()
        measure("bundled (Wiesbrück)", ROOT / "content", work / "bundled")
        for size in (int(s) for s in args.sizes.split(",") if s):
            target = work / f"gen-{size}"
            target.mkdir()
            generate(size, target / "content")
            measure(f"generated {size:,}", target / "content", target)


if __name__ == "__main__":
    main()
