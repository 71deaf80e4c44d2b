"""The mapping file of an HSDS import: a publisher's taxonomy codes or names and districts
as our topics, phases and districts, with the defaults for what the data leaves open.
"""

from __future__ import annotations

from pathlib import Path

from finder import content as content_module
from finder.content import ContentError
from finder.interop.hsds import CITYWIDE
from finder.interop.hsds_tables import HsdsImportError
from finder.model import PHASE_IDS, TOPIC_IDS

MAPPING_FIELDS = {"topics", "phases", "districts", "default_topic", "default_district",
                  "default_free", "fees_description", "id_prefix"}
UNKNOWN_COST = "Kosten bitte beim Anbieter erfragen."


def read_mapping(path: Path | None, district_ids: set[str]) -> dict:
    """The mapping file: foreign term codes or names to our topics, phases, districts."""
    data = {}
    if path is not None:
        try:
            data = content_module.load_yaml(Path(path)) or {}
        except ContentError as error:
            raise HsdsImportError(str(error)) from None
        except (OSError, UnicodeDecodeError) as error:
            raise HsdsImportError(f"{path}: cannot read: {error}") from None
    problems = []

    def line(mapping, key) -> int:
        return getattr(mapping, "lines", {}).get(key, getattr(mapping, "line", 1))

    if not isinstance(data, dict):
        raise HsdsImportError(f"{path}:1: the mapping must be a mapping of sections")
    for key in data:
        if key not in MAPPING_FIELDS:
            problems.append(f"{path}:{line(data, key)}: unknown section {key!r} "
                            f"(known: {', '.join(sorted(MAPPING_FIELDS))})")
    result = {"topics": {}, "phases": {}, "districts": {}}
    for section, known in (("topics", TOPIC_IDS), ("phases", PHASE_IDS),
                           ("districts", district_ids | {CITYWIDE})):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            problems.append(f"{path}:{line(data, section)}: {section} must map foreign names "
                            "to our ids")
            continue
        for foreign, ours in entries.items():
            values = ours if isinstance(ours, list) else [ours]
            bad = [v for v in values if v not in known]
            if bad:
                problems.append(f"{path}:{line(entries, foreign)}: unknown {section[:-1]} "
                                f"{', '.join(map(repr, bad))} for {foreign!r}")
                continue
            result[section][mapping_key(str(foreign))] = values
    for key, known in (("default_topic", TOPIC_IDS), ("default_district", district_ids)):
        if data.get(key) is not None and data[key] not in known:
            problems.append(f"{path}:{line(data, key)}: unknown {key[8:]} {data[key]!r}")
        result[key] = data.get(key)
    if "default_free" in data and not isinstance(data["default_free"], bool):
        problems.append(f"{path}:{line(data, 'default_free')}: default_free is true or false")
    result["default_free"] = data.get("default_free")
    result["fees_description"] = data.get("fees_description") or UNKNOWN_COST
    result["id_prefix"] = str(data.get("id_prefix") or "")
    if problems:
        raise HsdsImportError("\n".join(problems))
    return result


def mapping_key(text: str) -> str:
    """A foreign code or name as the mapping's keys are compared: case and spaces folded."""
    return " ".join(str(text).casefold().split())
