"""Writes the Berlin example's places (examples/berlin/content/districts.yaml): the 12
Bezirke as kept in that file, and under each of them the Planungsräume (LOR, 2021 scheme)
that the Kita list names.

The Kita list gives each Kita's planning area as an 8-digit code (geojson_feature_id; the
first two digits are the Bezirk 01–12). It gives no names of planning areas and no shapes,
so each Planungsraum here is

- called "Planungsraum", its code and its Bezirk: "Planungsraum 08100209 (Neukölln)" (no
  name is made up; the Bezirk tells a family on an offer's page where that is),
- put at the middle of its Kitas (the mean of their coordinates, rounded to about 10 m):
  the point distances to a family in that planning area are measured from,
- listed only when a Kita lies in it: the 520 of the published
  data/berlin-daycare-centers-2026-07-planning-areas.csv (Berlin has 542; the others have
  no Kita in the list and so no row there).

Deterministic; run it again after the data change:

    .venv/bin/python examples/berlin/generate.py
"""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PLACES = HERE / "content" / "districts.yaml"
KITAS = HERE / "data" / "berlin-daycare-centers-2026-07-details.csv"
AREAS = HERE / "data" / "berlin-daycare-centers-2026-07-planning-areas.csv"
BEZIRK_CODES = ("mitte", "friedrichshain-kreuzberg", "pankow", "charlottenburg-wilmersdorf",
                "spandau", "steglitz-zehlendorf", "tempelhof-schoeneberg", "neukoelln",
                "treptow-koepenick", "marzahn-hellersdorf", "lichtenberg", "reinickendorf")
"""The Bezirke in the order of their numbers 01–12 (the first two digits of a code)."""

HEADER = """\
# Berlin's places in two levels: the 12 Bezirke and, under each, its Planungsräume (LOR,
# 2021 scheme) that have a Kita in the list. Written by examples/berlin/generate.py from
# the Bezirke below and the Kita list; edit the Bezirke here, then run it again.
#
# Bezirke: their shapes are in districts.geojson (same names), so that a Kita with
# coordinates and no place gets the Bezirk it lies in. latitude/longitude: a point inside
# each Bezirk; neighbours: Bezirke that share a border (both computed from the GeoJSON).
#
# Planungsräume: id the official 8-digit code (the first two digits are the Bezirk). The
# data name no planning area, so the name is the honest label "Planungsraum <code>
# (<Bezirk>)", not an invented one; the point is the middle of its Kitas; no neighbours and
# no shapes (the Bezirk's shape holds them). No population figures: the data have none.
"""

LEVELS = [
    {"id": "bezirk", "name": "Bezirk",
     "names": {"en": "District", "tr": "İlçe", "ar": "منطقة", "uk": "Район", "ru": "Район",
               "fa": "منطقه"}},
    {"id": "planungsraum", "name": "Planungsraum",
     "names": {"en": "Planning area", "tr": "Planlama bölgesi", "ar": "منطقة تخطيط",
               "uk": "Планувальний район", "ru": "Планировочный район",
               "fa": "ناحیه برنامه‌ریزی"}},
]


def bezirke() -> list[dict]:
    """The Bezirke as districts.yaml keeps them (the places without a parent)."""
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8"))["districts"]
    found = [p for p in places if not p.get("parent")]
    assert [p["id"] for p in found] == list(BEZIRK_CODES), "the 12 Bezirke, 01–12 in order"
    return found


def planning_areas(bezirk_names: dict[str, str]) -> list[dict]:
    """One place per planning area of the published figures, at the middle of its Kitas."""
    with open(AREAS, encoding="utf-8", newline="") as handle:
        codes = [row["id"] for row in csv.DictReader(handle)]
    points: dict[str, list[tuple[float, float]]] = {code: [] for code in codes}
    with open(KITAS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            points[row["geojson_feature_id"]].append((float(row["lat"]), float(row["lon"])))
    parents = {code: BEZIRK_CODES[int(code[:2]) - 1] for code in codes}
    return [{"id": code, "name": f"Planungsraum {code} ({bezirk_names[parents[code]]})",
             "parent": parents[code],
             "latitude": round(statistics.fmean(p[0] for p in points[code]), 4),
             "longitude": round(statistics.fmean(p[1] for p in points[code]), 4)}
            for code in sorted(codes)]


def scalar(value) -> str:
    """A YAML scalar; every id in quotes, so that no reader takes a code for a number."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def render(levels: list[dict], places: list[dict]) -> str:
    lines = [HEADER.rstrip("\n"), "levels:"]
    for level in levels:
        names = ", ".join(f"{k}: {scalar(v)}" for k, v in level["names"].items())
        lines.append(f"  - {{id: {level['id']}, name: {level['name']}, names: {{{names}}}}}")
    lines.append("districts:")
    for bezirk in (p for p in places if not p.get("parent")):
        lines += [f"  - id: {bezirk['id']}", f"    name: {bezirk['name']}",
                  f"    latitude: {scalar(bezirk['latitude'])}",
                  f"    longitude: {scalar(bezirk['longitude'])}",
                  f"    neighbours: [{', '.join(bezirk['neighbours'])}]"]
    lines.append("  # Planungsräume, by code")
    for area in (p for p in places if p.get("parent")):
        lines.append("  - {" + ", ".join(f"{k}: {scalar(area[k])}" for k in
                                         ("id", "name", "parent", "latitude", "longitude")) + "}")
    return "\n".join(lines) + "\n"


def main() -> None:
    places = bezirke()
    areas = planning_areas({p["id"]: p["name"] for p in places})
    PLACES.write_text(render(LEVELS, places + areas), encoding="utf-8")


if __name__ == "__main__":
    main()
