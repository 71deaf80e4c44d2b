"""`finder export hsds DIR`: the catalogue as Open Referral HSDS 3.0 files.

Two forms of the same data: JSON (services, organizations, service_at_locations,
taxonomies and taxonomy_terms as the standard's compiled schemas describe them) and
the tabular data package (one CSV per table and a datapackage.json).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from finder.content import Content
from finder.interop.hsds import HSDS_VERSION, TABLES, Mapper, flatten


@dataclass(frozen=True)
class Exported:
    services: int
    organizations: int
    files: tuple[str, ...]


def mapper_for(content: Content) -> Mapper:
    vocabulary = {"topic": content.vocabulary["topics"], "phase": content.vocabulary["phases"]}
    return Mapper(vocabulary, {d["id"]: d for d in content.districts}, content.town)


def documents(content: Content) -> dict[str, list[dict]]:
    """The JSON documents: file stem -> list of HSDS objects."""
    mapper = mapper_for(content)
    providers = {p["id"]: p for p in sorted(content.providers, key=lambda p: p["id"])}
    offers = sorted(content.offers, key=lambda o: o["id"])
    services = [mapper.service(o, providers[o["provider_id"]]) for o in offers]
    organizations = [
        mapper.organization(p, [mapper.service(o, full=False) for o in offers
                                if o["provider_id"] == pid])
        for pid, p in providers.items()]
    at_locations = [mapper.service_at_location(o, loc, with_service=True,
                                               provider=providers[o["provider_id"]])
                    for o in offers for loc in o["locations"]]
    return {"services": services, "organizations": organizations,
            "service_at_locations": at_locations, "taxonomies": mapper.taxonomies(),
            "taxonomy_terms": mapper.terms()}


def tables(docs: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The same data as rows of the standard's tables."""
    found: dict[str, dict[str, dict]] = {}
    for table, key in (("service", "services"), ("organization", "organizations"),
                       ("taxonomy", "taxonomies"), ("taxonomy_term", "taxonomy_terms")):
        for obj in docs[key]:
            flatten(obj, table, found)
    return {table: list(rows.values()) for table, rows in found.items() if table in TABLES}


def export(content: Content, out_dir: Path) -> Exported:
    out_dir = Path(out_dir)
    json_dir, tabular_dir = out_dir / "json", out_dir / "tabular"
    json_dir.mkdir(parents=True, exist_ok=True)
    tabular_dir.mkdir(parents=True, exist_ok=True)
    docs = documents(content)
    written = []
    for name, items in docs.items():
        path = json_dir / f"{name}.json"
        path.write_text(json.dumps(items, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(str(path))
    resources = []
    for table, rows in sorted(tables(docs).items()):
        file_name, columns = TABLES[table]
        used = [c for c in columns if any(r.get(c) not in (None, "") for r in rows)] or ["id"]
        path = tabular_dir / file_name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=used, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: _cell(row.get(c)) for c in used})
        resources.append({"name": table, "path": file_name, "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": {"fields": [{"name": c, "type": _field_type(c)} for c in used],
                                     "primaryKey": "id"}})
        written.append(str(path))
    package = {"profile": "tabular-data-package", "name": "familienwegweiser-hsds",
               "title": f"Familienwegweiser {content.town.get('name') or ''}".strip(),
               "version": HSDS_VERSION, "resources": resources}
    path = tabular_dir / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(str(path))
    return Exported(len(docs["services"]), len(docs["organizations"]), tuple(written))


NUMBER_COLUMNS = {"latitude", "longitude", "minimum_age", "maximum_age", "amount", "interval",
                  "count", "extension", "timezone", "year_incorporated"}


def _field_type(column: str) -> str:
    return "number" if column in NUMBER_COLUMNS else "string"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
