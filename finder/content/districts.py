"""districts.yaml: the town's places (districts, or Gemeinden and Ortsteile, or Bezirke and
Planungsräume) as a tree of up to three levels, their neighbours and figures, and their
shapes when the town keeps a districts.geojson."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from finder.content import shapes as geo
from finder.content.checker import ID, Checker, is_coordinate
from finder.content.yamlfile import Mapping
from finder.model import LANGUAGES, PHASE_IDS
from finder.model.places import MAX_LEVELS, Places

PLACE_FIELDS = {"id", "name", "names", "parent", "latitude", "longitude", "population", "postal_codes",
                "children", "social_need_index", "neighbours"}
LEVEL_FIELDS = {"id", "name", "names"}


def check_levels(c: Checker, data: Any) -> list[dict]:
    """The names of the levels, most general first (`levels: [{name: Gemeinde}, {name:
    Ortsteil}]`); none for a town of Stadtteile only."""
    raw = data.get("levels") if isinstance(data, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_LEVELS:
        c.problem(c.line_of(data, "levels"), f"levels must be a list of 1 to {MAX_LEVELS} levels, "
                                             "the most general first")
        return []
    levels = []
    for entry in raw:
        if isinstance(entry, str):
            entry = Mapping({"name": entry})
            entry.line, entry.lines = c.line_of(data, "levels"), {}
        if not c.expect_mapping(entry, c.line_of(data, "levels"), "a level"):
            return []
        c.unknown_fields(entry, LEVEL_FIELDS, "level")
        name = c.text(entry, "name", f"level {len(levels) + 1}")
        level_id = entry.get("id") or _slug(name or "")
        if not isinstance(level_id, str) or not ID.match(level_id):
            c.problem(c.line_of(entry, "id"), f"level id {level_id!r} must be lower-case letters, "
                                              "digits and dashes")
        elif any(lv["id"] == level_id for lv in levels):
            c.problem(c.line_of(entry), f"duplicate level id {level_id!r}")
        levels.append({"id": level_id, "name": name or level_id,
                       "names": _check_names(c, entry, f"level {level_id!r}")})
    return levels


def check_districts(c: Checker, data: Any, levels: list[dict] | None = None,
                    shaped: bool = False) -> list[dict]:
    """The places: one flat list, each place naming the place it lies in (`parent`).
    With `shaped`, a place may leave out its coordinates when districts.geojson has its
    shape (check_shapes fills them in; check_located reports the rest and drops the
    records' `_line`)."""
    if data is None:
        return []
    entries = data.get("districts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        c.problem(1, "districts.yaml needs a list under 'districts'")
        return []
    result = []
    for entry in entries:
        if not c.expect_mapping(entry, 1, "district"):
            continue
        did = entry.get("id")
        if not isinstance(did, str) or not ID.match(did):
            c.problem(c.line_of(entry), f"district id {did!r} must be lower-case letters, "
                                         "digits and dashes")
            continue
        if any(d["id"] == did for d in result):
            c.problem(c.line_of(entry, "id"), f"duplicate district id {did!r}")
            continue
        c.unknown_fields(entry, PLACE_FIELDS, f"district {did!r}")
        name = c.text(entry, "name", f"district {did!r}")
        lat, lon = entry.get("latitude"), entry.get("longitude")
        if not is_coordinate(lat, 90) or not is_coordinate(lon, 180):
            if shaped and lat is None and lon is None:
                lat = lon = None  # from its shape, or reported by check_shapes
            else:
                c.problem(c.line_of(entry), f"district {did!r} needs latitude and longitude")
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            c.problem(c.line_of(entry, "parent"), f"parent of district {did!r} must be a place id")
            parent = None
        result.append({
            "id": did, "name": name, "names": _check_names(c, entry, f"district {did!r}"),
            "parent": parent, "level": 1, "latitude": lat, "longitude": lon,
            "postal_codes": _check_postal_codes(c, entry, did),
            "neighbours": list(entry.get("neighbours") or []),
            "population": entry.get("population"),
            "children": _check_children(c, entry, did),
            "social_need_index": _check_need_index(c, entry, did),
            "_line": c.line_of(entry), "_neighbours_line": c.line_of(entry, "neighbours"),
            "_parent_line": c.line_of(entry, "parent"),
        })
    _check_tree(c, result, levels or [])
    by_id = {d["id"]: d for d in result}
    for district in result:
        for other in district["neighbours"]:
            if other not in by_id:
                c.problem(district["_neighbours_line"],
                          f"unknown neighbour {other!r} of district {district['id']!r}")
            elif district["id"] not in by_id[other]["neighbours"]:
                c.problem(district["_neighbours_line"],
                          f"district {other!r} does not name {district['id']!r} as its neighbour")
            elif by_id[other]["level"] != district["level"]:
                c.problem(district["_neighbours_line"],
                          f"neighbour {other!r} of district {district['id']!r} is on another level "
                          "(neighbours share a border on the same level)")
    return [{k: v for k, v in d.items() if k == "_line" or not k.startswith("_")} for d in result]


def _check_tree(c: Checker, places: list[dict], levels: list[dict]) -> None:
    """Each parent known, no place inside itself, no deeper than the levels named."""
    by_id = {d["id"]: d for d in places}
    allowed = max(len(levels), 1)
    for place in places:
        parent = place["parent"]
        if parent is None:
            continue
        if parent not in by_id:
            c.problem(place["_parent_line"], f"unknown parent {parent!r} of district {place['id']!r}")
            place["parent"] = None
            continue
        if not levels:
            c.problem(place["_parent_line"], f"district {place['id']!r} lies in {parent!r}, but "
                                             "districts.yaml names no levels (levels: [{name: "
                                             "Gemeinde}, {name: Ortsteil}])")
    for place in places:
        seen, current = [place["id"]], place["parent"]
        while current is not None and current not in seen:
            seen.append(current)
            current = by_id[current]["parent"]
        if current is not None:
            c.problem(place["_parent_line"], f"district {place['id']!r} lies inside itself "
                                             f"({' → '.join(seen + [current])})")
            place["parent"] = None
            continue
        place["level"] = len(seen)
        if place["level"] > allowed:
            c.problem(place["_parent_line"], f"district {place['id']!r} is on level {place['level']}, "
                                             f"but districts.yaml names {allowed} level"
                                             f"{'s' if allowed > 1 else ''}")


def _check_names(c: Checker, entry: Mapping, what: str) -> dict[str, str]:
    """The name in other languages or scripts (`names: {ar: …, uk: …}`)."""
    raw = entry.get("names")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.problem(c.line_of(entry, "names"), f"names of {what} must be a mapping of language: name")
        return {}
    names = {}
    for lang, text in raw.items():
        if lang not in LANGUAGES or lang == "de":
            c.problem(c.line_of(raw, lang), f"name of {what} in unsupported language {lang!r} "
                                            f"(supported: {', '.join(x for x in LANGUAGES if x != 'de')})")
        elif not isinstance(text, str) or not text.strip():
            c.problem(c.line_of(raw, lang), f"the {lang} name of {what} must be a text")
        else:
            names[lang] = " ".join(text.split())
    return names


def _slug(text: str) -> str:
    folded = text.casefold().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class Districts(set):
    """The place ids, the tree they form, their shapes when the town has a
    districts.geojson, and the districts of each postal code that districts.yaml lists."""

    shapes: geo.DistrictShapes | None = None
    places: Places = Places(())
    postal_codes: dict[str, list[str]] = {}

    @classmethod
    def of(cls, districts: list[dict], levels: list[dict]) -> Districts:
        found = cls(d["id"] for d in districts)
        found.places = Places.from_records(districts, levels)
        found.postal_codes = postal_code_districts(districts)
        return found


def postal_code_districts(districts: list[dict]) -> dict[str, list[str]]:
    """Postal code → the districts that list it (a code may cross a district border)."""
    result: dict[str, list[str]] = {}
    for district in districts:
        for code in district.get("postal_codes") or ():
            result.setdefault(code, []).append(district["id"])
    return result


POSTAL_CODE = re.compile(r"^[0-9]{5}$")


def _check_postal_codes(c: Checker, entry: Mapping, did: str) -> list[str]:
    """The district's postal codes: where an address has no coordinates, its postal code
    gives its district. Optional."""
    raw = entry.get("postal_codes")
    if raw is None:
        return []
    line = c.line_of(entry, "postal_codes")
    if not isinstance(raw, list):
        c.problem(line, f"postal_codes of district {did!r} must be a list like [\"37581\", \"37582\"]")
        return []
    result = []
    for code in raw:
        if isinstance(code, int) and not isinstance(code, bool) and 10000 <= code <= 99999:
            code = str(code)
        if not isinstance(code, str) or not POSTAL_CODE.match(code):
            c.problem(line, f"postal code {code!r} of district {did!r} must be five digits in "
                            "quotes, like \"01067\"")
        elif code in result:
            c.problem(line, f"postal code {code!r} is listed twice for district {did!r}")
        else:
            result.append(code)
    return result


def check_shapes(c: Checker, path: Path, districts: list[dict]) -> geo.DistrictShapes | None:
    """The shapes of districts.geojson; a place without coordinates gets a point inside
    its shape."""
    c.file = c.rel(path)
    try:
        shapes, unmatched = geo.DistrictShapes.load(path, [d for d in districts if d["name"]])
    except geo.GeoError as error:
        c.problem(1, str(error))
        return None
    for feature in unmatched:
        c.problem(1, f"feature {feature.index + 1} ({feature.label!r}) names no district of "
                     "districts.yaml (its id or name property must be a district's id or name)")
    for district in districts:
        if district["latitude"] is None and shapes.has(district["id"]):
            district["latitude"], district["longitude"] = shapes.inner_point(district["id"])
    return shapes


def check_located(c: Checker, districts: list[dict]) -> None:
    """Every place has coordinates (its own, or from its shape): distances start there."""
    for district in districts:
        if district["latitude"] is None or district["longitude"] is None:
            c.problem(district.get("_line", 1), f"district {district['id']!r} needs latitude and "
                                                f"longitude (or a shape in {geo.FILE_NAME})")
        district.pop("_line", None)


def _check_children(c: Checker, entry: Mapping, did: str) -> dict[str, int]:
    """The district's children per life phase's age band (births a year for pregnancy):
    the coordinator's offers per 1,000 children. Optional; a town may not have them."""
    raw = entry.get("children")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.problem(c.line_of(entry, "children"), f"children of district {did!r} must be a mapping "
                                                 "of life phase: number of children")
        return {}
    result = {}
    for phase, count in raw.items():
        line = c.line_of(raw, phase)
        if phase not in PHASE_IDS:
            c.problem(line, f"unknown life phase {phase!r} in children of district {did!r} "
                            f"(known: {', '.join(PHASE_IDS)})")
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
            c.problem(line, f"children.{phase} of district {did!r} must be a whole number "
                            f"of 0 or more, not {count!r}")
        else:
            result[phase] = count
    return result


def _check_need_index(c: Checker, entry: Mapping, did: str) -> int | None:
    """The district's social-need index, 1 (little need) to 5 (high need). Optional."""
    value = entry.get("social_need_index")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        c.problem(c.line_of(entry, "social_need_index"),
                  f"social_need_index of district {did!r} must be a whole number from 1 "
                  f"(little need) to 5 (high need), not {value!r}")
        return None
    return value
