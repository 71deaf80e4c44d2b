"""districts.yaml: the town's districts, their neighbours and figures, and their
shapes when the town keeps a districts.geojson."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from finder.content import shapes as geo
from finder.content.checker import ID, Checker, is_coordinate
from finder.content.yamlfile import Mapping
from finder.model import PHASE_IDS


def check_districts(c: Checker, data: Any) -> list[dict]:
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
        name = c.text(entry, "name", f"district {did!r}")
        lat, lon = entry.get("latitude"), entry.get("longitude")
        if not is_coordinate(lat, 90) or not is_coordinate(lon, 180):
            c.problem(c.line_of(entry), f"district {did!r} needs latitude and longitude")
        result.append({
            "id": did, "name": name, "latitude": lat, "longitude": lon,
            "postal_codes": _check_postal_codes(c, entry, did),
            "neighbours": list(entry.get("neighbours") or []),
            "population": entry.get("population"),
            "children": _check_children(c, entry, did),
            "social_need_index": _check_need_index(c, entry, did),
            "_line": c.line_of(entry), "_neighbours_line": c.line_of(entry, "neighbours"),
        })
    ids = {d["id"] for d in result}
    for district in result:
        for other in district["neighbours"]:
            if other not in ids:
                c.problem(district["_neighbours_line"],
                          f"unknown neighbour {other!r} of district {district['id']!r}")
            elif district["id"] not in next(d for d in result if d["id"] == other)["neighbours"]:
                c.problem(district["_neighbours_line"],
                          f"district {other!r} does not name {district['id']!r} as its neighbour")
    return [{k: v for k, v in d.items() if not k.startswith("_")} for d in result]


class Districts(set):
    """The district ids, their shapes when the town has a districts.geojson, and the
    districts of each postal code that districts.yaml lists."""

    shapes: geo.DistrictShapes | None = None
    postal_codes: dict[str, list[str]] = {}

    @classmethod
    def of(cls, districts: list[dict]) -> Districts:
        result = cls(d["id"] for d in districts)
        result.postal_codes = postal_code_districts(districts)
        return result


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
    c.file = c.rel(path)
    try:
        shapes, unmatched = geo.DistrictShapes.load(path, [d for d in districts if d["name"]])
    except geo.GeoError as error:
        c.problem(1, str(error))
        return None
    for feature in unmatched:
        c.problem(1, f"feature {feature.index + 1} ({feature.label!r}) names no district of "
                     "districts.yaml (its id or name property must be a district's id or name)")
    return shapes


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
