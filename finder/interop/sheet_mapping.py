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
    kind: str = field(default="", compare=False)
    """What went wrong, in a word or two, for the summary's count by kind."""

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        return f"{where}, column {self.column}: {self.message}" if self.column else \
            f"{where}: {self.message}"


# --- the mapping file -------------------------------------------------------------------


@dataclass
class SheetMapping:
    """How one foreign sheet's columns become our template's columns."""

    sheet: str | int | None = None
    """The sheet by its name or its place among the workbook's sheets (1 is the first)."""
    columns: dict[str, str | None] = field(default_factory=dict)
    """Our column → theirs; None: ours stays empty even if they have a column of its name."""
    templates: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    drop_bad: set[str] = field(default_factory=set)
    fill_down: list[str] = field(default_factory=list)
    """Their columns whose empty cells take the value above (merged cells saved as CSV)."""
    from_offers: bool = False

    def names(self) -> set[str]:
        """Their column names the mapping uses."""
        used = {c for c in self.columns.values() if c} | set(self.fill_down)
        for template in self.templates.values():
            used |= {name for name, _ in TEMPLATE_FIELD.findall(template)}
        return used

    def says(self, header: str) -> bool:
        """Whether the mapping says where our column's value comes from."""
        return header in self.columns or header in self.templates or header in self.constants


@dataclass
class ColumnMapping:
    offers: SheetMapping
    providers: SheetMapping | None

    def expected_headers(self) -> frozenset[str]:
        """Their column names to look for when finding a sheet's header row."""
        found = self.offers.names() | (self.providers.names() if self.providers else set())
        return frozenset(found)


MAPPING_KEYS = {"sheet", "columns", "templates", "values", "constants", "drop_bad", "fill_down",
                "from_offers"}
TEMPLATE_FIELD = re.compile(r"\{([^{}:]+)(?::(\d+))?\}")
"""{column} in a template, or {column:2} for its first two characters."""
TEMPLATE_HEADERS = frozenset(c.header for columns in sheets.COLUMNS.values() for c in columns)


def load_mapping(path: Path) -> ColumnMapping:
    """Read a column mapping file; raise ContentError naming its line."""
    path = Path(path)
    try:
        data = content_module.load_yaml(path)
    except OSError as error:
        raise ContentError([content_module.Problem(str(path), 1, f"cannot read: {error}")]) from None
    if not isinstance(data, dict):
        raise ContentError([content_module.Problem(str(path), 1, "a mapping file is a YAML "
                                                                 "mapping with offers: and providers:")])
    problems: list = []
    offers = _section(path, data, "offers", OFFER_SHEET, problems) or SheetMapping()
    providers = _section(path, data, "providers", PROVIDER_SHEET, problems)
    if problems:
        raise ContentError(problems)
    return ColumnMapping(offers, providers)


def _section(path: Path, data: dict, name: str, sheet: str, problems: list) -> SheetMapping | None:
    raw = data.get(name)
    if raw is None:
        return None
    line = data.lines.get(name, 1) if hasattr(data, "lines") else 1

    def problem(at: int, message: str) -> None:
        problems.append(content_module.Problem(str(path), at, message))

    if not isinstance(raw, dict):
        problem(line, f"{name} must be a mapping")
        return None
    known = {c.header for c in sheets.COLUMNS[sheet]}
    for key in raw:
        if key not in MAPPING_KEYS:
            problem(raw.lines.get(key, line),
                    f"unknown key {key!r} in {name} (allowed: {', '.join(sorted(MAPPING_KEYS))})")
    chosen = raw.get("sheet")
    if chosen is not None and (isinstance(chosen, bool) or not isinstance(chosen, (str, int))
                               or (isinstance(chosen, int) and chosen < 1)):
        problem(raw.lines.get("sheet", line), f"{name}.sheet: a sheet's name, or its place "
                                              "among the sheets (1 is the first)")
        chosen = None
    result = SheetMapping(sheet=chosen, from_offers=raw.get("from_offers") is True)
    for key in ("columns", "templates", "values", "constants"):
        entries = raw.get(key) or {}
        if not isinstance(entries, dict):
            problem(raw.lines.get(key, line), f"{name}.{key} must be a mapping")
            continue
        for header, value in entries.items():
            at = entries.lines.get(header, line)
            if header not in known:
                problem(at, f"{name}.{key}: {header!r} is no column of our sheet {sheet} "
                            f"(columns: {', '.join(sorted(known))})")
                continue
            if key == "values":
                if not isinstance(value, dict):
                    problem(at, f"{name}.values.{header} must map their values to ours")
                    continue
                value = {str(k).strip(): _as_text(v) for k, v in value.items()}
            elif key == "columns" and value is None:
                pass  # ours stays empty
            else:
                value = _as_text(value)
            getattr(result, key)[header] = value
    drop = raw.get("drop_bad") or []
    result.drop_bad = {str(h) for h in (drop if isinstance(drop, list) else [drop])}
    fill = raw.get("fill_down") or []
    result.fill_down = [str(h) for h in (fill if isinstance(fill, list) else [fill])]
    return result


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


# --- rows through the mapping -----------------------------------------------------------


FIELD_KINDS = {c.header: c.field.removeprefix("location.")
               for columns in sheets.COLUMNS.values() for c in columns}


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
    prefix: str = ""
    """Put before each message: the provider side of an offer row says so."""

    def problem(self, header: str, message: str, kind: str | None = None) -> None:
        if header in self.failed:
            return
        problem = SheetProblem(self.sheet, self.number, self.origin.get(header, header),
                               self.prefix + message, kind or FIELD_KINDS.get(header, header))
        if header in self.drop_bad:
            self.notes.append(problem)
            self.cells[header] = ""
        else:
            self.problems.append(problem)

    def note(self, header: str, message: str, kind: str = "note") -> None:
        """Something done to the row that its writer should know; the row is kept."""
        self.notes.append(SheetProblem(self.sheet, self.number, self.origin.get(header, header),
                                       self.prefix + message, kind))


def mapped_rows(table: Table, mapping: SheetMapping | None, ours: str,
                drop_bad: set[str] = frozenset(), prefix: str = "", by_name: bool = True) -> list[Row]:
    """The table's rows in our template's columns (drop_bad: more of our columns whose
    bad values are left out; prefix: before every message of these rows; by_name: a
    column of theirs with the name of ours fills it unless the mapping says otherwise)."""
    known = [c.header for c in sheets.COLUMNS[ours]]
    rows = []
    for number, cells in table.rows:
        row = Row(table.name, number, {}, {},
                  drop_bad=(set(mapping.drop_bad) if mapping else set()) | set(drop_bad),
                  prefix=prefix)
        for header in known:
            value, origin, trouble = _mapped_value(header, cells, mapping, table, by_name)
            row.cells[header], row.origin[header] = value, origin
            if trouble:
                row.problem(header, trouble, "value table")
                row.failed.add(header)
        for (bad_row, header), reading in table.undecodable.items():
            if bad_row == number:
                row.problems.append(SheetProblem(
                    table.name, number, named(header, table),
                    f"text in another encoding (Windows-1252 in a UTF-8 file): did you mean "
                    f"{reading!r}? Save the file as UTF-8 and check this cell", "encoding"))
        rows.append(row)
    return rows


def named(header: str, table: Table) -> str:
    """A column as a message names it: its header and letter."""
    letter = table.letters.get(header)
    if letter and header.endswith(f" ({letter})"):
        return header
    return f"{header} ({letter})" if letter else header


def _mapped_value(header: str, cells: dict[str, str], mapping: SheetMapping | None,
                  table: Table, by_name: bool = True) -> tuple[str, str, str | None]:
    """(value, the column to name, a problem with the mapping's values or None)."""
    if mapping is not None and header in mapping.templates:
        template = mapping.templates[header]
        names = [name for name, _ in TEMPLATE_FIELD.findall(template)]
        origin = ", ".join(named(n, table) for n in names) if names else f"{header} (constant)"

        def fill(found: re.Match) -> str:
            text = cells.get(found[1], "")
            return text[:int(found[2])] if found[2] else text

        value = TEMPLATE_FIELD.sub(fill, template).strip()
    else:
        source = mapping.columns.get(header, header if by_name else None) \
            if mapping is not None else header
        if source is not None and source in cells:
            value, origin = cells[source], named(source, table)
        elif mapping is not None and header in mapping.constants:
            return mapping.constants[header], f"{header} (constant)", None
        else:
            return "", header, None
    table_values = mapping.values.get(header) if mapping is not None else None
    if table_values is not None and value:
        # A list column's cell ("Sport, Freizeit") is looked up whole, else part by part.
        parts = [value] if value in table_values or header not in LIST_COLUMNS \
            else [p.strip() for p in re.split(r"[,;]", value) if p.strip()]
        for part in parts:
            if part not in table_values:
                return "", origin, (f"value {part!r} has no entry in the mapping's values for "
                                    f"{header}")
            if not table_values[part].strip():
                return "", origin, (f"value {part!r} is still empty in the mapping's values for "
                                    f"{header}: fill it in")
        value = ", ".join(table_values[part] for part in parts)
    return value, origin, None


LIST_COLUMNS = frozenset({"Themen", "Lebensphasen", "Einzugsgebiet", "Sprachen"})
"""Our columns that take several values separated by commas."""


def header_problems(table: Table, mapping: SheetMapping | None, ours: str,
                    by_name: bool = True) -> list[SheetProblem]:
    """What is wrong with the columns before any row is read: a column the mapping names
    that the sheet lacks, a name two columns share, a column of ours filled by its name
    (by_name) from a column the mapping already uses for another; without a mapping, a
    column the template does not know (most often a typo in a header)."""
    row = table.header_row
    if mapping is None:
        known = [c.header for c in sheets.COLUMNS[ours]]
        problems = [SheetProblem(table.name, row, named(h, table),
                                 f"unknown column {h!r} (the template's columns: {', '.join(known)})",
                                 "header") for h in table.headers if h not in known
                    and not any(h in keys for keys in table.same_named.values())]
        problems += [_same_named(table, name, "the template") for name in table.same_named
                     if name in known]
        return problems
    problems = []
    for name in sorted(mapping.names()):
        if name in table.same_named:
            problems.append(_same_named(table, name, "the mapping"))
        elif name not in table.headers:
            problems.append(SheetProblem(table.name, row, name, _missing(table, name), "header"))
    if not by_name:
        return problems
    used = {theirs: ours_ for ours_, theirs in mapping.columns.items() if theirs}
    for header in (c.header for c in sheets.COLUMNS[ours]):
        if mapping.says(header) or header not in table.headers:
            continue
        other = used.get(header)
        if other is not None:
            problems.append(SheetProblem(
                table.name, row, named(header, table),
                f"their column {header!r} is mapped to our {other!r}, and by its name it would "
                f"also fill our column {header!r}: say which is meant (under columns: "
                f"'{header}: ~' leaves ours empty, '{header}: {header}' fills both)", "header"))
        elif header in table.same_named:
            problems.append(_same_named(table, header, "our template"))
    return problems


def _same_named(table: Table, name: str, who: str) -> SheetProblem:
    keys = table.same_named[name]
    return SheetProblem(table.name, table.header_row, name,
                        f"{len(keys)} columns are named {name!r} "
                        f"({', '.join(table.letters[k] for k in keys)}), and {who} names it: "
                        f"name the one meant with its letter, as {' or '.join(map(repr, keys))}, "
                        "or rename one in the sheet", "same-named columns")


def _missing(table: Table, name: str) -> str:
    found = ", ".join(repr(h) for h in table.headers[:8]) + (" …" if len(table.headers) > 8 else "")
    return (f"the mapping names column {name!r}, which this sheet does not have (its header "
            f"row is row {table.header_row}: {found or 'empty'})")
