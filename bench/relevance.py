"""How often the first results answer what families ask: the relevance benchmark.

The queries in bench/relevance/*.yaml were written the way parents, teenagers and
family-centre staff type them, in every supported language, before anyone looked
at what the search returns; each names the offers that answer it (`relevant`) and
may name offers that must not come first (`not_first`). queries-holdout.yaml was
written by a second writer and is never used to tune the search: it shows whether
the figures hold on queries nobody tuned for.

Prints success@3 (an answering offer among the first three), precision@1 (the
first result answers), nDCG@5, not_first violations and suggestions given,
overall, per set, per language and per kind of query, then lists the misses.

    .venv/bin/python bench/relevance.py [--set main|holdout|all] [--misses N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finder.catalogue import Catalogue  # noqa: E402
from finder.catalogue import build as build_module  # noqa: E402
from finder.clock import today  # noqa: E402
from finder.search import Query  # noqa: E402

TODAY = today()
"""The day the benchmark searches on (FINDER_TODAY fixes it)."""

QUERIES = ROOT / "bench" / "relevance"
KINDS = ("keyword", "sentence", "typo")


def load_queries(which: str) -> list[dict]:
    queries = []
    for path in sorted(QUERIES.glob("*.yaml")):
        holdout = path.stem.endswith("holdout")
        if (which == "main" and holdout) or (which == "holdout" and not holdout):
            continue
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            entry["set"] = "holdout" if holdout else "main"
            queries.append(entry)
    return queries


def run(catalogue: Catalogue, entry: dict, today=TODAY) -> dict:
    query = Query(text=entry["q"], lang=entry["lang"],
                  ages_months=tuple(a * 12 for a in entry.get("age") or ()),
                  district=entry.get("district"), page_size=5)
    results = catalogue.search(query, today)
    ids = [h.id for h in results.hits]
    relevant = set(entry["relevant"])
    gains = [1.0 if i in relevant else 0.0 for i in ids[:5]]
    dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
    ideal = sum(1 / math.log2(r + 2) for r in range(min(5, len(relevant))))
    return {
        "success3": any(i in relevant for i in ids[:3]),
        "precision1": bool(ids) and ids[0] in relevant,
        "ndcg5": dcg / ideal if ideal else 0.0,
        "not_first": bool(ids) and ids[0] in set(entry.get("not_first") or ()),
        "suggestion": results.suggestion,
        "top": ids[:3],
        "relaxed": list(results.relaxed),
    }


def table(rows: list[tuple[str, list[dict]]]) -> str:
    lines = ["| group | queries | success@3 | precision@1 | nDCG@5 | not_first | suggestions |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, outcomes in rows:
        if not outcomes:
            continue
        n = len(outcomes)
        lines.append(
            f"| {name} | {n} | {100 * sum(o['success3'] for o in outcomes) / n:.0f} % "
            f"| {100 * sum(o['precision1'] for o in outcomes) / n:.0f} % "
            f"| {sum(o['ndcg5'] for o in outcomes) / n:.2f} "
            f"| {sum(o['not_first'] for o in outcomes)} "
            f"| {sum(1 for o in outcomes if o['suggestion'])} |")
    return "\n".join(lines)


def evaluate(catalogue: Catalogue, which: str, today=TODAY) -> tuple[list[dict], dict]:
    """Every query of the sets run against the catalogue on `today`: the outcomes, and
    the outcomes grouped (all, per set, language and kind)."""
    queries = load_queries(which)
    outcomes = []
    for entry in queries:
        outcome = run(catalogue, entry, today)
        outcome.update(q=entry["q"], lang=entry["lang"], kind=entry["kind"], set=entry["set"],
                       relevant=entry["relevant"])
        outcomes.append(outcome)
    groups: dict[str, list[dict]] = defaultdict(list)
    for o in outcomes:
        groups["all"].append(o)
        groups[f"set {o['set']}"].append(o)
        groups[f"lang {o['lang']}"].append(o)
        groups[f"kind {o['kind']}"].append(o)
        if o["lang"] != "de":
            groups["kind other language"].append(o)
        if len(o["q"].split()) >= 5:
            groups["5+ words"].append(o)
        elif len(o["q"].split()) <= 2:
            groups["1-2 words"].append(o)
    return outcomes, groups


def summary(groups: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    """Per group: how many queries, success@3 and precision@1 in per cent, nDCG@5."""
    return {name: {"n": len(found),
                   "success3": 100 * sum(o["success3"] for o in found) / len(found),
                   "precision1": 100 * sum(o["precision1"] for o in found) / len(found),
                   "ndcg5": sum(o["ndcg5"] for o in found) / len(found)}
            for name, found in groups.items() if found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("main", "holdout", "all"), default="all")
    parser.add_argument("--misses", type=int, default=40, help="how many misses to list")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        built = build_module.build(ROOT / "content", Path(data))
        catalogue = Catalogue(built.path)
        outcomes, groups = evaluate(catalogue, args.set)
    order = ["all", "set main", "set holdout",
             *[f"lang {lang}" for lang in ("de", "en", "tr", "ar", "uk", "ru", "fa")],
             *[f"kind {k}" for k in (*KINDS, "other language")], "5+ words", "1-2 words"]
    print(table([(name, groups.get(name, [])) for name in order]))
    suggestions = [o for o in outcomes if o["suggestion"]]
    print(f"\nsuggestions: {len(suggestions)}; with no answer in the top 3 (to read, possibly "
          f"harmful): {sum(1 for o in suggestions if not o['success3'])}")
    for o in suggestions:
        mark = "ok " if o["success3"] else "BAD"
        print(f"  {mark} {o['q']!r} -> {o['suggestion']!r}")
    misses = [o for o in outcomes if not o["success3"]]
    print(f"\nmisses: {len(misses)} (showing {min(len(misses), args.misses)})")
    for o in misses[: args.misses]:
        print(f"  [{o['set']} {o['lang']} {o['kind']}] {o['q']!r}\n      got {o['top']} "
              f"want {o['relevant'][:4]}{' relaxed ' + ','.join(o['relaxed']) if o['relaxed'] else ''}")
    if args.json:
        args.json.write_text(json.dumps(outcomes, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
