"""Rows of a spreadsheet in our template's columns: our own template as it is, a town's own
list through a column mapping file (its column names, its values, constants for every row).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder import content as content_module
from finder.content import ContentError
from finder.interop import sheets
from finder.interop.sheets import OFFER_SHEET, PROVIDER_SHEET, Table


@dataclass(frozen=True, order=True)
class SheetProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        return f"{where}, column {self.column}: {self.message}" if self.column else \
            f"{where}: {self.message}"


# --- the mapping file -------------------------------------------------------------------


@dataclass
class SheetMapping:
    """How one foreign sheet's columns become our template's columns."""

    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    drop_bad: set[str] = field(default_factory=set)
    from_offers: bool = False


@dataclass
class ColumnMapping:
    offers: SheetMapping
    providers: SheetMapping | None


MAPPING_KEYS = {"sheet", "columns", "templates", "values", "constants", "drop_bad", "from_offers"}
TEMPLATE_FIELD = re.compile(r"\{([^{}:]+)(?::(\d+))?\}")
"""{column} in a template, or {column:2} for its first two characters."""


def load_mapping(path: Path) -> ColumnMapping:
    """Read a column mapping file; raise ContentError naming its line."""
    path = Path(path)
    try:
        data = content_module.load_yaml(path)
    except OSError as error:
        raise ContentError([content_module.Problem(str(path), 1, f"cannot read: {error}")]) from None
    problems = []

    def section(name: str, sheet: str) -> SheetMapping | None:
        raw = data.get(name) if isinstance(data, dict) else None
        if raw is None:
            return None
        line = data.lines.get(name, 1) if hasattr(data, "lines") else 1
        if not isinstance(raw, dict):
            problems.append(content_module.Problem(str(path), line, f"{name} must be a mapping"))
            return None
        known = {c.header for c in sheets.COLUMNS[sheet]}
        for key in raw:
            if key not in MAPPING_KEYS:
                problems.append(content_module.Problem(
                    str(path), raw.lines.get(key, line),
                    f"unknown key {key!r} in {name} (allowed: {', '.join(sorted(MAPPING_KEYS))})"))
        result = SheetMapping(sheet=raw.get("sheet"), from_offers=raw.get("from_offers") is True)
        for key in ("columns", "templates", "values", "constants"):
            entries = raw.get(key) or {}
            if not isinstance(entries, dict):
                problems.append(content_module.Problem(str(path), raw.lines.get(key, line),
                                                       f"{name}.{key} must be a mapping"))
                continue
            for header, value in entries.items():
                if header not in known:
                    problems.append(content_module.Problem(
                        str(path), entries.lines.get(header, line),
                        f"{name}.{key}: {header!r} is no column of our sheet {sheet} "
                        f"(columns: {', '.join(sorted(known))})"))
                    continue
                if key == "values":
                    if not isinstance(value, dict):
                        problems.append(content_module.Problem(
                            str(path), entries.lines.get(header, line),
                            f"{name}.values.{header} must map their values to ours"))
                        continue
                    value = {str(k).strip(): _as_text(v) for k, v in value.items()}
                else:
                    value = _as_text(value)
                getattr(result, key)[header] = value
        drop = raw.get("drop_bad") or []
        result.drop_bad = {str(h) for h in (drop if isinstance(drop, list) else [drop])}
        return result

    if not isinstance(data, dict):
        raise ContentError([content_module.Problem(str(path), 1, "a mapping file is a YAML "
                                                                 "mapping with offers: and providers:")])
    offers = section("offers", OFFER_SHEET) or SheetMapping()
    providers = section("providers", PROVIDER_SHEET)
    if problems:
        raise ContentError(problems)
    return ColumnMapping(offers, providers)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


# --- rows through the mapping -----------------------------------------------------------


@dataclass
class Row:
    """One row in our columns, remembering where each value came from."""

    sheet: str
    number: int
    cells: dict[str, str]
    origin: dict[str, str]
    """Our header → the column to name in a message (theirs, or ours)."""
    problems: list[SheetProblem] = field(default_factory=list)
    notes: list[SheetProblem] = field(default_factory=list)
    drop_bad: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    """Our columns whose value the mapping could not give (already reported)."""

    def problem(self, header: str, message: str) -> None:
        if header in self.failed:
            return
        problem = SheetProblem(self.sheet, self.number, self.origin.get(header, header), message)
        if header in self.drop_bad:
            self.notes.append(problem)
            self.cells[header] = ""
        else:
            self.problems.append(problem)


def mapped_rows(table: Table, mapping: SheetMapping | None, ours: str) -> list[Row]:
    """The table's rows in our template's columns."""
    known = [c.header for c in sheets.COLUMNS[ours]]
    rows = []
    for number, cells in table.rows:
        row = Row(table.name, number, {}, {}, drop_bad=set(mapping.drop_bad) if mapping else set())
        for header in known:
            reported = len(row.problems)
            value, origin = _mapped_value(header, cells, mapping, table, number, row)
            if len(row.problems) > reported:
                row.failed.add(header)
            row.cells[header] = value
            row.origin[header] = origin
        for (bad_row, header), reading in table.undecodable.items():
            if bad_row == number:
                row.problems.append(SheetProblem(
                    table.name, number, _named(header, table),
                    f"text in another encoding (Windows-1252 in a UTF-8 file): did you mean "
                    f"{reading!r}? Save the file as UTF-8 and check this cell"))
        rows.append(row)
    return rows


def _named(header: str, table: Table) -> str:
    letter = table.letters.get(header)
    return f"{header} ({letter})" if letter else header


def _mapped_value(header: str, cells: dict[str, str], mapping: SheetMapping | None, table: Table,
                  number: int, row: Row) -> tuple[str, str]:
    if mapping is not None and header in mapping.templates:
        template = mapping.templates[header]
        names = [name for name, _ in TEMPLATE_FIELD.findall(template)]
        origin = ", ".join(_named(n, table) for n in names) if names else f"{header} (constant)"

        def fill(found: re.Match) -> str:
            text = cells.get(found[1], "")
            return text[:int(found[2])] if found[2] else text

        value, origin = TEMPLATE_FIELD.sub(fill, template).strip(), origin
    else:
        source = mapping.columns.get(header, header) if mapping is not None else header
        if source in cells:
            value, origin = cells[source], _named(source, table)
        elif mapping is not None and header in mapping.constants:
            return mapping.constants[header], f"{header} (constant)"
        else:
            return "", header
    table_values = mapping.values.get(header) if mapping is not None else None
    if table_values is not None and value:
        if value not in table_values:
            row.problems.append(SheetProblem(table.name, number, origin,
                                             f"value {value!r} has no entry in the mapping's "
                                             f"values for {header}"))
            return "", origin
        value = table_values[value]
    return value, origin


def unknown_headers(table: Table, mapping: SheetMapping | None, ours: str) -> list[SheetProblem]:
    """A column nobody asked for is most often a typo in a header: say so, once."""
    known = {c.header for c in sheets.COLUMNS[ours]}
    if mapping is not None:
        used = set(mapping.columns.values())
        for template in mapping.templates.values():
            used |= {name for name, _ in TEMPLATE_FIELD.findall(template)}
        return [SheetProblem(table.name, 1, h,
                             f"the mapping names column {h!r}, which this sheet does not have")
                for h in sorted(used - set(table.headers))]
    return [SheetProblem(table.name, 1, _named(h, table),
                         f"unknown column {h!r} (the template's columns: {', '.join(known)})")
            for h in table.headers if h not in known]
