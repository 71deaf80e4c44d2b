"""Berlin benchmark: import, check, build and search the real Berlin Kita list.

    .venv/bin/python bench/berlin_bench.py              # 3 rounds of import/check/build
    .venv/bin/python bench/berlin_bench.py --rounds 5

Each round imports examples/berlin's 2,893 Kitas through the CSV path with the mapping
file into a fresh temporary content folder, runs the check and a build (as the `finder`
commands do, in this process). Then a fresh process opens the built catalogue and asks
a set of queries a Berlin family or a Kita-Gutschein office would ask (Bezirk only, Bezirk
and age, Kita names, words in German and other languages, typos), each once with the
result cache emptied and once again. Prints medians and 95th percentiles.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "examples" / "berlin"
KITAS = EXAMPLE / "data" / "berlin-daycare-centers-2026-07-details.csv"
BEZIRKE = ("mitte", "friedrichshain-kreuzberg", "pankow", "charlottenburg-wilmersdorf", "spandau",
           "steglitz-zehlendorf", "tempelhof-schoeneberg", "neukoelln", "treptow-koepenick",
           "marzahn-hellersdorf", "lichtenberg", "reinickendorf")
TEXTS = ("Kita", "Kita Sonnenschein", "Casa Fantasia", "Kinderladen", "Sprachförderung",
         "heilpädagogisch", "Fröbel", "Waldkita", "kindergarten", "daycare", "kreş", "дитячий садок",
         "روضة أطفال", "Kita Regenbogn", "Krippe für mein Baby", "bilingual deutsch englisch",
         "Montessori", "Kita in der Nähe Hermannplatz", "Betreuungsplatz 2 Jahre", "Eltern-Kind-Gruppe")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def one_round(base: Path) -> dict[str, float]:
    from finder import content as content_module
    from finder.catalogue.build import build
    from finder.interop.sheet_import import import_sheet
    from finder.interop.sheet_mapping import load_mapping

    content = base / "content"
    content.mkdir(parents=True)
    for name in ("vocabulary.yaml", "needs.yaml", "helplines.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    for path in (EXAMPLE / "content").iterdir():
        shutil.copy(path, content / path.name)
    (content / "providers").mkdir()
    times = {}
    started = time.perf_counter()
    result = import_sheet(KITAS, content, load_mapping(EXAMPLE / "mapping.yaml"))
    times["import"] = time.perf_counter() - started
    assert result.offers == 2893, result.report()
    started = time.perf_counter()
    content_module.load(content)
    times["check"] = time.perf_counter() - started
    started = time.perf_counter()
    build(content, base / "data")
    times["build"] = time.perf_counter() - started
    return times


def queries() -> list[dict]:
    found = []
    for i, district in enumerate(BEZIRKE):
        found.append({"district": district})
        found.append({"district": district, "ages_months": (12 * (i % 6),)})
        found.append({"district": district, "text": TEXTS[i % len(TEXTS)]})
    found += [{"text": text} for text in TEXTS]
    found += [{"text": text, "lang": lang} for text, lang in
              (("daycare", "en"), ("kreş", "tr"), ("дитячий садок", "uk"), ("روضة أطفال", "ar"))]
    return found


def measure(data_dir: str) -> None:
    """In a fresh process: open the catalogue, then time every query twice."""
    from finder.catalogue import live
    from finder.clock import today
    from finder.search import Query

    TODAY = today()

    opened = time.perf_counter()
    catalogue = live(Path(data_dir))
    catalogue.search(Query(text="Kita"), TODAY)  # load the word lists once, as a server worker does
    open_seconds = time.perf_counter() - opened
    uncached, cached = [], []
    for fields in queries():
        query = Query(**fields)
        catalogue.engine._cache.clear()
        started = time.perf_counter()
        catalogue.search(query, TODAY)
        uncached.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        catalogue.search(query, TODAY)
        cached.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"open": open_seconds, "uncached": uncached, "cached": cached}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    rounds = []
    with tempfile.TemporaryDirectory(prefix="berlin-bench-") as tmp:
        for i in range(args.rounds):
            rounds.append(one_round(Path(tmp) / f"round-{i}"))
        data = Path(tmp) / f"round-{args.rounds - 1}" / "data"
        out = subprocess.run([sys.executable, __file__, "--measure", str(data)], check=True,
                             capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"Berlin Kita list: 2,893 offers of 1,176 providers in 12 Bezirke; {args.rounds} rounds")
    print("| step | median | min | max |")
    print("| --- | --- | --- | --- |")
    for step in ("import", "check", "build"):
        values = [r[step] for r in rounds]
        print(f"| {step} | {statistics.median(values):.2f} s | {min(values):.2f} s | "
              f"{max(values):.2f} s |")
    print(f"\nopening the catalogue (and the word lists): {figures['open']:.2f} s")
    print(f"{len(figures['uncached'])} queries")
    print("| search | p50 | p95 | max |")
    print("| --- | --- | --- | --- |")
    for key in ("uncached", "cached"):
        values = figures[key]
        print(f"| {key} | {statistics.median(values):.2f} ms | {percentile(values, 95):.2f} ms | "
              f"{max(values):.2f} ms |")


if __name__ == "__main__":
    main()
