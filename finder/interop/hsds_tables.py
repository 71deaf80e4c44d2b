"""HSDS as publishers give it, read into the standard's tables by id: JSON (one object, a
list, an API page, a folder of files) or the tabular data package (CSV files with or
without datapackage.json).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from finder.interop.hsds import TABLES, flatten


class HsdsImportError(Exception):
    """The input or the mapping cannot be read; the message names the file."""


def read_tables(path: Path) -> dict[str, dict[str, dict]]:
    """Every HSDS object found at path, as rows of the standard's tables by id."""
    path = Path(path)
    tables: dict[str, dict[str, dict]] = {}
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".csv"))
        if (path / "datapackage.json").exists():
            _read_package(path / "datapackage.json", tables)
            files = [p for p in files if p.suffix == ".json" and p.name != "datapackage.json"]
        for file in files:
            _read_file(file, tables)
    elif path.exists():
        if path.name == "datapackage.json":
            _read_package(path, tables)
        else:
            _read_file(path, tables)
    else:
        raise HsdsImportError(f"{path}: no such file or folder")
    return tables


_BY_FILE = {file_name: table for table, (file_name, _) in TABLES.items()}
_BY_FILE["funding.csv"] = "funding"


def _read_file(path: Path, tables: dict) -> None:
    if path.suffix == ".csv":
        table = _BY_FILE.get(path.name)
        if table is not None:
            _read_csv(path, table, tables)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HsdsImportError(f"{path}: not readable JSON: {error}") from None
    _read_json(data, tables, path.stem)


def _read_json(data, tables: dict, hint: str = "") -> None:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]  # a page of the HSDS API
    if isinstance(data, dict) and data and all(k.endswith(".csv") for k in data):
        for file_name, rows in data.items():  # the tabular form as JSON
            table = _BY_FILE.get(file_name)
            if table is not None and isinstance(rows, list):
                for row in rows:
                    if isinstance(row, dict):
                        tables.setdefault(table, {}).setdefault(str(row.get("id")), dict(row))
        return
    for obj in data if isinstance(data, list) else [data]:
        if isinstance(obj, dict):
            flatten(obj, _kind(obj, hint), tables)


def _kind(obj: dict, hint: str) -> str:
    """Which HSDS object this is: by its file name, else by its fields."""
    for prefix, table in (("service_at_location", "service_at_location"),
                          ("taxonomy_term", "taxonomy_term"), ("taxonom", "taxonomy"),
                          ("organization", "organization"), ("service", "service"),
                          ("location", "location")):
        if hint.startswith(prefix):
            return table
    if "service" in obj and "location" in obj or {"service_id", "location_id"} <= set(obj):
        return "service_at_location"
    if "status" in obj or "service_areas" in obj or "service_at_locations" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if {"code", "taxonomy_id", "parent_id", "term_uri", "taxonomy_detail"} & set(obj):
        return "taxonomy_term"
    if set(obj) <= {"id", "name", "description", "uri", "version", "metadata"} \
            and {"uri", "version"} & set(obj):
        return "taxonomy"
    return "organization"


def _read_package(path: Path, tables: dict) -> None:
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        package = None  # the CSV files beside it still say what they hold by their names
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        # Some packages (the official example's) point elsewhere; read the CSVs beside it.
        for file in sorted(path.parent.glob("*.csv")):
            _read_file(file, tables)
        return
    for resource in resources:
        file_name = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(file_name, str) or "/" in file_name or "\\" in file_name:
            continue
        table = _BY_FILE.get(file_name) or resource.get("name")
        csv_path = path.parent / file_name
        if table and csv_path.exists():
            _read_csv(csv_path, table, tables)


def _read_csv(path: Path, table: str, tables: dict) -> None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                clean = {k: v for k, v in row.items() if k and v not in (None, "")}
                tables.setdefault(table, {}).setdefault(str(clean.get("id")), clean)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise HsdsImportError(f"{path}: not a readable CSV file: {error}") from None
