"""Berlin benchmark: import, check, build and search the real Berlin Kita list.

    .venv/bin/python bench/berlin_bench.py              # 3 rounds of each place setup
    .venv/bin/python bench/berlin_bench.py --rounds 5 --places planungsraeume

Each round imports examples/berlin's 2,893 Kitas through the CSV path with the mapping
file into a fresh temporary content folder, runs the check, a build and the coverage per
place of the most specific level (as the `finder` commands do, in this process). Two place
setups, their rounds taken in turn so that the machine's load falls on both alike:
"planungsraeume" is the example as it is (12 Bezirke and 520 Planungsräume, each Kita in
its planning area); "bezirke" the same list with the 12 Bezirke alone (the example before
the Planungsräume: the Bezirk from the code's first two digits), the baseline. Then a fresh
process per setup opens the built catalogue and asks a set of queries a Berlin family or a
Kita-Gutschein office would ask (Bezirk or Planungsraum only, with an age, Kita names,
words in German and other languages, typos), each once with the result cache emptied and
once again. Prints medians and 95th percentiles, and the ratios of the two setups.
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

import yaml

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


SETUPS = ("bezirke", "planungsraeume")
AREAS = ("01100101", "02200212", "03400725", "04300414", "05100209", "06100101", "07100101",
         "08100209", "09100101", "10100104", "11100102", "12100101")
"""A Planungsraum with Kitas in each Bezirk."""


def bezirke_only(content: Path) -> Path:
    """The example as it was before its Planungsräume: the 12 Bezirke as the only level,
    and a mapping that takes the Bezirk from the planning area's first two digits. Returns
    that mapping file."""
    places = yaml.safe_load((content / "districts.yaml").read_text(encoding="utf-8"))
    places = {"districts": [p for p in places["districts"] if not p.get("parent")]}
    (content / "districts.yaml").write_text(yaml.safe_dump(places, allow_unicode=True),
                                            encoding="utf-8")
    mapping = yaml.safe_load((EXAMPLE / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["offers"]["templates"]["Stadtteil"] = "{geojson_feature_id:2}"
    mapping["offers"]["values"]["Stadtteil"] = {f"{i:02d}": b for i, b in enumerate(BEZIRKE, 1)}
    path = content.parent / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


def one_round(base: Path, setup: str) -> dict[str, float]:
    from finder import content as content_module
    from finder.catalogue import live
    from finder.catalogue.build import build
    from finder.clock import today
    from finder.coordinator.coverage import per_place
    from finder.interop.sheet_import import import_sheet
    from finder.interop.sheet_mapping import load_mapping

    content = base / "content"
    content.mkdir(parents=True)
    for name in ("vocabulary.yaml", "needs.yaml", "helplines.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    for path in (EXAMPLE / "content").iterdir():
        shutil.copy(path, content / path.name)
    (content / "providers").mkdir()
    mapping = bezirke_only(content) if setup == "bezirke" else EXAMPLE / "mapping.yaml"
    times: dict[str, float] = {}

    def timed(step: str, work):
        """Run one step; keep its wall-clock and its CPU seconds (the CPU time of this
        process hardly changes with the load that other processes put on the machine)."""
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        times[step] = time.perf_counter() - wall
        times[f"{step} (CPU)"] = time.process_time() - cpu
        return result

    result = timed("import", lambda: import_sheet(KITAS, content, load_mapping(mapping)))
    assert result.offers == 2893, result.report()
    loaded = timed("check", lambda: content_module.load(content))
    assert len(loaded.districts) == (12 if setup == "bezirke" else 532)
    timed("build", lambda: build(content, base / "data"))
    for kind in ("", " (CPU)"):
        times[f"import+check+build{kind}"] = sum(times[f"{s}{kind}"] for s in
                                                  ("import", "check", "build"))
    catalogue = live(base / "data")
    rows = timed("coverage", lambda: per_place(catalogue, len(catalogue.places.levels),
                                               today=today()))
    assert sum(r.offers for r in rows) == 2893
    return times


def queries(setup: str) -> list[dict]:
    found = []
    places = AREAS if setup == "planungsraeume" else BEZIRKE
    for i, district in enumerate(places):
        found.append({"district": district})
        found.append({"district": district, "ages_months": (12 * (i % 6),)})
        found.append({"district": district, "text": TEXTS[i % len(TEXTS)]})
    found += [{"text": text} for text in TEXTS]
    found += [{"text": text, "lang": lang} for text, lang in
              (("daycare", "en"), ("kreş", "tr"), ("дитячий садок", "uk"), ("روضة أطفال", "ar"))]
    return found


def measure(data_dir: str, setup: str) -> None:
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
    for fields in queries(setup):
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
    parser.add_argument("--places", choices=(*SETUPS, "both"), default="both")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    setups = SETUPS if args.places == "both" else (args.places,)
    rounds: dict[str, list[dict]] = {setup: [] for setup in setups}
    figures = {}
    with tempfile.TemporaryDirectory(prefix="berlin-bench-") as tmp:
        for i in range(args.rounds):
            for setup in setups:
                rounds[setup].append(one_round(Path(tmp) / f"{setup}-{i}", setup))
        for setup in setups:
            data = Path(tmp) / f"{setup}-{args.rounds - 1}" / "data"
            out = subprocess.run([sys.executable, __file__, "--measure", str(data), setup],
                                 check=True, capture_output=True, text=True).stdout
            figures[setup] = json.loads(out.strip().splitlines()[-1])
    print(f"Berlin Kita list: 2,893 offers of 1,176 providers; {args.rounds} rounds of each "
          f"setup, taken in turn")
    print(f"| step | {' | '.join(f'{s} median (min – max)' for s in setups)}"
          f"{' | ratio' if len(setups) == 2 else ''} |")
    print("| --- " * (len(setups) + 1 + (len(setups) == 2)) + "|")
    steps = ("import", "check", "build", "import+check+build", "coverage")
    for step in (*steps, *(f"{s} (CPU)" for s in steps)):
        medians = [statistics.median(r[step] for r in rounds[s]) for s in setups]
        cells = [f"{m:.2f} s ({min(r[step] for r in rounds[s]):.2f} – "
                 f"{max(r[step] for r in rounds[s]):.2f} s)" for m, s in zip(medians, setups)]
        ratio = f" | {medians[1] / medians[0]:.2f}×" if len(setups) == 2 else ""
        print(f"| {step} | {' | '.join(cells)}{ratio} |")
    for setup in setups:
        found = figures[setup]
        print(f"\n{setup}: opening the catalogue (and the word lists): {found['open']:.2f} s; "
              f"{len(found['uncached'])} queries")
        print("| search | p50 | p95 | max |")
        print("| --- | --- | --- | --- |")
        for key in ("uncached", "cached"):
            values = found[key]
            print(f"| {key} | {statistics.median(values):.2f} ms | "
                  f"{percentile(values, 95):.2f} ms | {max(values):.2f} ms |")


if __name__ == "__main__":
    main()
