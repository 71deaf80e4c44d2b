"""Build benchmark: a full `finder build` against the incremental one after one provider
file changed, on generated catalogues (bench/search_bench.py's generator), and where a
build's time goes.

    .venv/bin/python bench/incremental_build.py --sizes 10000 --rounds 3
    .venv/bin/python bench/incremental_build.py --sizes 10000 --phases   # time per stage

Each round: `finder build --full`, then one provider file changed (a word added to one
offer) and `finder build` (incremental), the change checked to be searchable, the file put
back and `finder build` again (incremental too). Figures are medians over the rounds and
the ratio full / incremental from the same run; with --baseline DIR (a checkout of the
code before, e.g. `git archive places-scale | tar -x -C DIR`) that code's full build too,
in the same rounds. --phases times the stages of one full
build in this process: loading and validating the content, counting the lexicon, writing
SQLite, writing the index.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search_bench  # noqa: E402  (the generator and the changed provider)


def finder(*args: str, code: Path = ROOT) -> subprocess.CompletedProcess:
    """The CLI of the code in `code` (this checkout, or a baseline's)."""
    return subprocess.run([sys.executable, "-m", "finder.cli", *args], cwd=code, check=True,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code)})


def timed_build(content: Path, data: Path, *extra: str, code: Path = ROOT) -> tuple[float, str]:
    started = time.perf_counter()
    result = finder("build", *extra, "--content", str(content), "--data-dir", str(data), code=code)
    return time.perf_counter() - started, result.stdout.strip()


def generated(size: int, work: Path) -> Path:
    content = work / f"content-{size}"
    if not (content / "providers").exists():
        shutil.rmtree(content, ignore_errors=True)
        started = time.perf_counter()
        search_bench.generate(size, content)
        # The glossary's rule (German term in brackets) is for reviewed translations; the
        # generated offers borrow translations of other texts, so it would refuse them.
        (content / "glossary.yaml").unlink(missing_ok=True)
        print(f"  generated {size:,} offers in {time.perf_counter() - started:.0f} s", flush=True)
    return content


def phases(content: Path, data: Path) -> None:
    """Where a full build's time goes, stage by stage, in this process."""
    from finder.catalogue import index, store
    from finder.content import load
    from finder.search.analysis import Lexicon

    data.mkdir(parents=True, exist_ok=True)
    stages: list[tuple[str, float]] = []

    def stage(name: str, started: float) -> float:
        now = time.perf_counter()
        stages.append((name, now - started))
        return now

    t = time.perf_counter()
    loaded = load(content)
    t = stage("load and validate the content", t)
    counts = index.lexicon_counts(loaded)
    forms = index.catalogue_forms(loaded)
    t = stage("lexicon and spellings", t)
    target = Path(tempfile.mkdtemp(dir=data))
    store.write(target / "catalogue.db", loaded, counts, "x", index.usual_spellings(forms))
    t = stage("SQLite", t)
    index.write(target / "index", loaded, Lexicon(counts), index.buckets_for(len(loaded.offers)))
    stage(f"index ({index.buckets_for(len(loaded.offers))} buckets)", t)
    total = sum(s for _, s in stages)
    for name, seconds in stages:
        print(f"  {name:<34} {seconds:7.1f} s  {seconds / total:5.0%}")
    shutil.rmtree(target, ignore_errors=True)


def measure(size: int, work: Path, rounds: int, baseline: Path | None) -> dict:
    content = generated(size, work)
    data = work / f"data-{size}"
    figures: dict[str, list[float]] = {"full": [], "incremental": [], "back": [], "baseline": []}
    for r in range(rounds):
        if baseline is not None:
            shutil.rmtree(data, ignore_errors=True)
            seconds, _ = timed_build(content, data, code=baseline)
            figures["baseline"].append(seconds)
            print(f"  round {r + 1}: baseline full {seconds:.1f} s ({search_bench.load_average()})",
                  flush=True)
        shutil.rmtree(data, ignore_errors=True)
        seconds, said = timed_build(content, data, "--full")
        figures["full"].append(seconds)
        print(f"  round {r + 1}: full {seconds:.1f} s ({search_bench.load_average()})", flush=True)
        changed, old = search_bench.change_one_provider(content)
        try:
            seconds, said = timed_build(content, data)
            if "incrementally" not in said:
                raise RuntimeError(f"not incremental: {said}")
            figures["incremental"].append(seconds)
            found = finder("search", "--json", "--data-dir", str(data), search_bench.CHANGED_WORD)
            if json.loads(found.stdout)["total"] < 1:
                raise RuntimeError("the changed offer is not found after the incremental build")
        finally:
            changed.write_text(old, encoding="utf-8")
        seconds, said = timed_build(content, data)
        figures["back"].append(seconds)
        print(f"  round {r + 1}: one provider changed {figures['incremental'][-1]:.1f} s, "
              f"put back {seconds:.1f} s ({search_bench.load_average()})", flush=True)
    return {k: statistics.median(v) if v else None for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phases", action="store_true", help="time the stages of a full build")
    parser.add_argument("--baseline", help="another checkout (the code before): its full build "
                        "in the same rounds")
    parser.add_argument("--keep", help="keep generated data in this folder (and reuse it)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="finder-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"{search_bench.load_average()}", flush=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"\n{size:,} offers", flush=True)
            if args.phases:
                phases(generated(size, work), work / f"phases-{size}")
                continue
            m = measure(size, work, args.rounds, Path(args.baseline) if args.baseline else None)
            print(f"== {size:,} offers, medians of {args.rounds}: full build {m['full']:.1f} s, "
                  f"one provider changed {m['incremental']:.1f} s (put back {m['back']:.1f} s); "
                  f"full / incremental {m['full'] / m['incremental']:.1f}x "
                  f"({search_bench.load_average()})", flush=True)
            if m["baseline"]:
                print(f"== baseline full build {m['baseline']:.1f} s; this full build against it "
                      f"{m['full'] / m['baseline']:.2f}x, one provider changed against it "
                      f"{m['incremental'] / m['baseline']:.2f}x", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
