"""Build benchmark: a full `finder build` against the incremental one after one provider
file changed, on generated catalogues (bench/search_bench.py's generator), and where a
build's time goes.

    .venv/bin/python bench/incremental_build.py --sizes 10000 --rounds 3
    .venv/bin/python bench/incremental_build.py --sizes 10000 --phases   # time per stage

One `finder build --full`; then, each round, one provider file changed (a word added to
one offer) and `finder build` (incremental), the change checked to be searchable, the file
put back and `finder build` again (incremental too); last, with --baseline DIR (a checkout
of the code before, e.g. `git archive places-scale | tar -x -C DIR`), that code's full
build. Wall and CPU seconds (the builds' processes; on a shared machine the steadier
figure), medians over the rounds, and ratios from the same run. --phases times the stages of one full
build in this process: loading and validating the content, counting the lexicon, writing
SQLite, writing the index.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    result = subprocess.run([sys.executable, "-m", "finder.cli", *args], cwd=code,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(code)})
    if result.returncode != 0:
        raise RuntimeError(f"finder {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def cpu_seconds() -> float:
    """User and system time of the finished child processes (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(content: Path, data: Path, *extra: str, code: Path = ROOT) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `finder build`, and what it said. On a shared machine
    the CPU seconds say more: the wall clock counts other people's work too."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = finder("build", *extra, "--content", str(content), "--data-dir", str(data), code=code)
    return time.perf_counter() - started, cpu_seconds() - cpu, result.stdout.strip()


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
    """One full build, then `rounds` times one provider changed and put back (both
    incremental), then the baseline's full build: (wall, CPU) seconds of each."""
    content = generated(size, work)
    data = work / f"data-{size}"
    shutil.rmtree(data, ignore_errors=True)
    wall, cpu, _ = timed_build(content, data, "--full")
    figures: dict[str, list[tuple[float, float]]] = {"full": [(wall, cpu)], "incremental": [],
                                                     "back": [], "baseline": []}
    print(f"  full build {wall:.1f} s, CPU {cpu:.1f} s ({search_bench.load_average()})", flush=True)
    for r in range(rounds):
        changed, old = search_bench.change_one_provider(content)
        try:
            wall, cpu, said = timed_build(content, data)
            if "incrementally" not in said:
                raise RuntimeError(f"not incremental: {said}")
            figures["incremental"].append((wall, cpu))
            found = finder("search", "--json", "--data-dir", str(data), search_bench.CHANGED_WORD)
            if json.loads(found.stdout)["total"] < 1:
                raise RuntimeError("the changed offer is not found after the incremental build")
        finally:
            changed.write_text(old, encoding="utf-8")
        figures["back"].append(timed_build(content, data)[:2])
        print(f"  round {r + 1}: one provider changed {wall:.1f} s, CPU {cpu:.1f} s; put back "
              f"{figures['back'][-1][0]:.1f} s ({search_bench.load_average()})", flush=True)
    if baseline is not None:
        base_data = work / f"baseline-{size}"
        shutil.rmtree(base_data, ignore_errors=True)
        wall, cpu, _ = timed_build(content, base_data, code=baseline)
        figures["baseline"].append((wall, cpu))
        print(f"  baseline full build {wall:.1f} s, CPU {cpu:.1f} s ({search_bench.load_average()})",
              flush=True)
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) if v else None
            for k, v in figures.items()}


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
            full, inc = m["full"], m["incremental"]
            print(f"== {size:,} offers: full build {full[0]:.1f} s (CPU {full[1]:.1f} s); one provider "
                  f"changed, median of {args.rounds}: {inc[0]:.1f} s (CPU {inc[1]:.1f} s), put back "
                  f"{m['back'][0]:.1f} s; full / incremental {full[0] / inc[0]:.1f}x "
                  f"(CPU {full[1] / inc[1]:.1f}x)", flush=True)
            if m["baseline"]:
                base = m["baseline"]
                print(f"== baseline full build {base[0]:.1f} s (CPU {base[1]:.1f} s); this full build "
                      f"against it {full[0] / base[0]:.2f}x (CPU {full[1] / base[1]:.2f}x); one "
                      f"provider changed against it {inc[0] / base[0]:.3f}x (CPU "
                      f"{inc[1] / base[1]:.3f}x)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
