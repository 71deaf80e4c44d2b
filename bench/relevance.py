"""How often the first results answer what families ask, and whether the search knows
when nothing fits: the relevance benchmark.

The queries in bench/relevance/*.yaml were written the way parents, teenagers and
family-centre staff type them, in every supported language, before anyone looked
at what the search returns; each names the offers that answer it (`relevant`) and
may name offers that must not come first (`not_first`). Newer sets also say who is
asking (`who`: parent, teen, staff, grandparent …), give a child's age in years and a
district as the search form's own fields (`age`, `district`), and hold needs the
catalogue does not answer (`answerable: false`, with the offers that are at least
`related`). A file's set is its name: queries-de/-en-tr-ar/-uk-ru-fa.yaml are "main",
queries-new.yaml is "new", queries-c.yaml (writer C's, written blind and measured before
any change was made for it) is "c", and a name ending in "holdout" is a holdout, never used to
tune the search: it shows whether the figures hold on queries nobody tuned for.

Prints success@3 (an answering offer among the first three), precision@1 (the
first result answers), nDCG@5, not_first violations and suggestions given, over the
answered needs, per set, language, kind and who is asking; then the fit table (how
often the search called its results strong, partial or none, answered needs against
unanswerable ones); then the misses.

    .venv/bin/python bench/relevance.py [--set main|holdout|all|NAME] [--misses N] [--json FILE]

`--set main` is every set that may be tuned on (main, new and c), `--set holdout` every
holdout.
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
WHO = ("parent", "newcomer", "teen", "pregnant", "crisis", "staff", "grandparent", "foster")
FITS = ("strong", "partial", "none")
MAIN_FILES = {"queries-de", "queries-en-tr-ar", "queries-uk-ru-fa"}


def set_of(path: Path) -> str:
    """The set a query file belongs to: its name after "queries-" (main for the first
    three files, written per language)."""
    if path.stem in MAIN_FILES:
        return "main"
    return path.stem.removeprefix("queries-")


def is_holdout(name: str) -> bool:
    return name.endswith("holdout")


def load_queries(which: str, leave_out: tuple[str, ...] = ()) -> list[dict]:
    """The queries of the sets `which` names: main (every set that may be tuned on),
    holdout (every holdout), all, or one set by its name; without the sets named in
    leave_out."""
    queries = []
    for path in sorted(QUERIES.glob("*.yaml")):
        name = set_of(path)
        wanted = (which == "all" or which == name
                  or (which == "main" and not is_holdout(name))
                  or (which == "holdout" and is_holdout(name)))
        if not wanted or name in leave_out:
            continue
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            entry["set"] = name
            entry.setdefault("answerable", True)
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
        "related3": any(i in set(entry.get("related") or ()) | relevant
                        for i in [*ids[:3], *(h.id for h in results.first_contact)]),
        "suggestion": results.suggestion,
        "fit": getattr(results, "fit", None),
        "total": results.total,
        "top": ids[:3],
        "relaxed": list(results.relaxed),
    }


def table(rows: list[tuple[str, list[dict]]]) -> str:
    """success@3, precision@1, nDCG@5 over the answered needs of each group."""
    lines = ["| group | queries | success@3 | precision@1 | nDCG@5 | not_first | suggestions |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, outcomes in rows:
        outcomes = [o for o in outcomes if o["answerable"]]
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


def fit_table(rows: list[tuple[str, list[dict]]]) -> str:
    """How often each fit was given, answered needs against unanswerable ones."""
    lines = ["| group | answered | strong | partial | none | unanswerable | strong | partial "
             "| none | related@3 | not_first |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, outcomes in rows:
        if not outcomes:
            continue
        cells = [name]
        for answerable in (True, False):
            found = [o for o in outcomes if o["answerable"] == answerable]
            cells.append(str(len(found)))
            cells += [f"{100 * sum(o['fit'] == f for o in found) / len(found):.0f} %"
                      if found else "–" for f in FITS]
        unanswerable = [o for o in outcomes if not o["answerable"]]
        related = [o for o in unanswerable if o["related"]]
        cells.append(f"{sum(o['related3'] for o in related)} of {len(related)}")
        cells.append(str(sum(o["not_first"] for o in unanswerable)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def evaluate(catalogue: Catalogue, which: str, today=TODAY,
             leave_out: tuple[str, ...] = ()) -> tuple[list[dict], dict]:
    """Every query of the sets run against the catalogue on `today`: the outcomes, and
    the outcomes grouped (all, per set, language, kind and who is asking)."""
    queries = load_queries(which, leave_out)
    outcomes = []
    for entry in queries:
        outcome = run(catalogue, entry, today)
        outcome.update(q=entry["q"], lang=entry["lang"], kind=entry["kind"], set=entry["set"],
                       relevant=entry["relevant"], related=entry.get("related") or [],
                       answerable=entry["answerable"], who=entry.get("who"))
        outcomes.append(outcome)
    groups: dict[str, list[dict]] = defaultdict(list)
    for o in outcomes:
        groups["all"].append(o)
        groups[f"set {o['set']}"].append(o)
        groups[f"lang {o['lang']}"].append(o)
        groups[f"kind {o['kind']}"].append(o)
        if o["who"]:
            groups[f"who {o['who']}"].append(o)
        if o["lang"] != "de":
            groups["kind other language"].append(o)
        if len(o["q"].split()) >= 5:
            groups["5+ words"].append(o)
        elif len(o["q"].split()) <= 2:
            groups["1-2 words"].append(o)
        for lang_or_kind in (f"lang {o['lang']}", f"kind {o['kind']}"):
            groups[f"set {o['set']}, {lang_or_kind}"].append(o)
    return outcomes, groups


def summary(groups: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    """Per group: how many answered needs, success@3 and precision@1 in per cent, nDCG@5;
    and the fit: strong for answered needs, not strong for unanswerable ones (per cent)."""
    found = {}
    for name, outcomes in groups.items():
        answered = [o for o in outcomes if o["answerable"]]
        unanswerable = [o for o in outcomes if not o["answerable"]]
        figures: dict[str, float] = {"n": len(answered), "unanswerable": len(unanswerable)}
        if answered:
            figures.update(
                success3=100 * sum(o["success3"] for o in answered) / len(answered),
                precision1=100 * sum(o["precision1"] for o in answered) / len(answered),
                ndcg5=sum(o["ndcg5"] for o in answered) / len(answered),
                strong=100 * sum(o["fit"] == "strong" for o in answered) / len(answered))
        if unanswerable:
            figures["not_strong"] = 100 * sum(o["fit"] != "strong" for o in unanswerable) \
                / len(unanswerable)
        found[name] = figures
    return found


def group_order(groups: dict) -> list[str]:
    sets = sorted({name.removeprefix("set ") for name in groups
                   if name.startswith("set ") and "," not in name})
    return ["all", *[f"set {s}" for s in sets],
            *[f"lang {lang}" for lang in ("de", "en", "tr", "ar", "uk", "ru", "fa")],
            *[f"kind {k}" for k in (*KINDS, "other language")], "5+ words", "1-2 words",
            *[f"who {w}" for w in WHO],
            *[f"set {s}, lang {lang}" for s in sets
              for lang in ("de", "en", "tr", "ar", "uk", "ru", "fa")],
            *[f"set {s}, kind {k}" for s in sets for k in KINDS]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="all",
                        help="main (every set tuned on), holdout (every holdout), all, or a "
                             "set's name (main, new, holdout …)")
    parser.add_argument("--misses", type=int, default=40, help="how many misses to list")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        built = build_module.build(ROOT / "content", Path(data))
        catalogue = Catalogue(built.path)
        outcomes, groups = evaluate(catalogue, args.set)
    order = [name for name in group_order(groups) if groups.get(name)]
    print(table([(name, groups[name]) for name in order]))
    print("\nfit: how often the search called its results strong, partial or none\n")
    print(fit_table([(name, groups[name]) for name in order]))
    suggestions = [o for o in outcomes if o["suggestion"]]
    print(f"\nsuggestions: {len(suggestions)}; with no answer in the top 3 (to read, possibly "
          f"harmful): {sum(1 for o in suggestions if o['answerable'] and not o['success3'])}")
    for o in suggestions:
        mark = "ok " if o["success3"] or not o["answerable"] else "BAD"
        print(f"  {mark} {o['q']!r} -> {o['suggestion']!r}")
    misses = [o for o in outcomes if o["answerable"] and not o["success3"]]
    print(f"\nmisses: {len(misses)} (showing {min(len(misses), args.misses)})")
    for o in misses[: args.misses]:
        print(f"  [{o['set']} {o['lang']} {o['kind']} {o['who'] or ''}] {o['q']!r}\n"
              f"      got {o['top']} want {o['relevant'][:4]} fit {o['fit']}"
              f"{' relaxed ' + ','.join(o['relaxed']) if o['relaxed'] else ''}")
    wrong_fit = [o for o in outcomes if (o["fit"] == "strong") != o["answerable"]]
    print(f"\nfit misjudged: {len(wrong_fit)} (showing {min(len(wrong_fit), args.misses)})")
    for o in wrong_fit[: args.misses]:
        print(f"  [{o['set']} {o['lang']} {o['kind']} {o['who'] or ''}] {o['q']!r} "
              f"{'answerable' if o['answerable'] else 'unanswerable'} fit {o['fit']}, "
              f"top {o['top']}{' (hit)' if o['success3'] else ''}")
    if args.json:
        args.json.write_text(json.dumps(outcomes, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
