"""A sheet as people keep it, made a table: the header row found below title lines, merged
cells filled down, empty rows and sum lines at the foot set aside, columns of the same
name told apart by their letter, and every line set aside said, not dropped silently.

finder.interop.sheets reads the files (xlsx, CSV) into grids of cell texts; this module
turns a grid into a Table whose rows are header → text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER_SCAN = 30
"""Rows looked at for the header: title lines above a list are a few, not dozens."""
FOOTER = re.compile(r"^(summe|gesamt|insgesamt|anzahl|total|ergebnis|stand)\b", re.IGNORECASE)
"""The first words of a sum line at a list's foot ("Summe: 30 Angebote", "Gesamt", "Stand: …")."""
NUMBER = re.compile(r"^[-+]?[\d.,/ :€%-]+$")


@dataclass
class Table:
    """One sheet as read: its rows as header → text, each with its row number."""

    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    letters: dict[str, str] = field(default_factory=dict)
    """The column letter of each header (A, B, …), for messages."""
    undecodable: dict[tuple[int, str], str] = field(default_factory=dict)
    """Cells whose bytes were not in the file's encoding: (row, header) → best reading."""
    encoding: str = ""
    position: int = 1
    """The sheet's place among the workbook's sheets, from 1."""
    header_row: int = 1
    same_named: dict[str, list[str]] = field(default_factory=dict)
    """A header that several columns have → their keys ("Anmeldung (K)", "Anmeldung (P)")."""
    layout: list[tuple[int, str]] = field(default_factory=list)
    """(row, what was done): title lines, empty rows and sum lines set aside, merged cells
    filled in."""
    set_aside: int = 0
    """How many lines were set aside (title lines, empty rows between data rows, sum lines)."""


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Merged:
    """A merged range of cells whose value now stands in each of its rows."""

    first_row: int
    last_row: int
    column: int
    """0-based."""
    value: str


def header_name(text: str) -> str:
    """A header as it is matched: line breaks and runs of spaces in a cell made one space."""
    return " ".join(text.split())


def filled(row: list[str]) -> list[str]:
    return [cell for cell in row if cell]


def header_index(grid: list[list[str]], expected: frozenset[str] = frozenset()) -> int:
    """The 0-based index of the header row: the row that names the most of the expected
    columns; without any, the first row of several text cells about as wide as the
    widest row (title lines are one cell, a data row has numbers and dates)."""
    scan = grid[:HEADER_SCAN]
    wanted = {header_name(name).casefold() for name in expected}
    if wanted:
        scores = [len({header_name(c).casefold() for c in filled(row)} & wanted) for row in scan]
        best = max(scores, default=0)
        if best >= min(2, len(wanted)):
            return scores.index(best)
    widest = max((len(filled(row)) for row in scan), default=0)
    for index, row in enumerate(scan):
        cells = filled(row)
        if len(cells) >= 2 and len(cells) * 2 >= widest and not any(NUMBER.match(c) for c in cells):
            return index
    return next((i for i, row in enumerate(scan) if filled(row)), 0)


def table_from_grid(name: str, grid: list[list[str]], expected: frozenset[str] = frozenset(),
                    *, position: int = 1, encoding: str = "",
                    merged: tuple[Merged, ...] = (),
                    undecodable: dict[tuple[int, int], str] | None = None) -> Table:
    """The sheet's rows below its header as header → text, with the lines set aside.

    undecodable: (row number, 0-based column) → the best reading of a cell whose bytes
    were not in the file's encoding."""
    top = header_index(grid, expected)
    headers = [header_name(c) for c in grid[top]] if grid else []
    keys = _column_keys(headers)
    table = Table(name, [k for k in keys if k], [], {k: column_letter(i) for i, k in enumerate(keys) if k},
                  encoding=encoding, position=position, header_row=top + 1)
    table.same_named = {h: [k for k, raw in zip(keys, headers) if raw == h]
                        for h in {h for h in headers if h and headers.count(h) > 1}}
    _title_lines(table, grid[:top])
    _body(table, grid, top, keys)
    for (row, column), reading in (undecodable or {}).items():
        if column < len(keys) and keys[column]:
            table.undecodable[(row, keys[column])] = reading
    first_data = table.rows[0][0] if table.rows else None
    for span in merged:
        if first_data is not None and span.last_row >= first_data and span.column < len(keys) \
                and keys[span.column]:
            letter = column_letter(span.column)
            table.layout.append((span.first_row, f"merged cells {letter}{span.first_row}:{letter}"
                                                 f"{span.last_row}: {span.value!r} taken for each "
                                                 f"of rows {span.first_row}–{span.last_row}"))
    table.layout.sort()
    return table


def _column_keys(headers: list[str]) -> list[str]:
    """Each column's key: its header, or "Header (K)" when two columns share the header."""
    return [f"{h} ({column_letter(i)})" if h and headers.count(h) > 1 else h
            for i, h in enumerate(headers)]


def _title_lines(table: Table, above: list[list[str]]) -> None:
    texts = [(i + 1, " ".join(filled(row))) for i, row in enumerate(above) if filled(row)]
    if texts:
        shown = "; ".join(repr(_short(text)) for _, text in texts)
        table.set_aside += len(texts)
        table.layout.append((texts[0][0], f"{len(texts)} title line(s) above the header "
                                          f"(row {table.header_row}) skipped: {shown}"))


def _body(table: Table, grid: list[list[str]], top: int, keys: list[str]) -> None:
    """The data rows; empty rows between them and lines at the foot set aside."""
    sparse = max(2, len(table.headers) // 3)
    empty: list[int] = []
    below_sum = False
    for index in range(top + 1, len(grid)):
        number, row = index + 1, grid[index]
        cells = {k: (row[i] if i < len(row) else "") for i, k in enumerate(keys) if k}
        values = filled(list(cells.values()))
        if not values:
            empty.append(number)
            continue
        first = next(c for c in row if c)
        if (FOOTER.match(first) or below_sum) and len(values) <= sparse:
            why = "below the sum line" if below_sum else "a sum line at the foot"
            table.layout.append((number, f"row {number} skipped, {why}: {_short(' '.join(values))!r}"))
            table.set_aside += 1
            below_sum = True
            continue
        if empty:
            table.layout.append((empty[0], f"empty row(s) {_rows(empty)} skipped"))
            table.set_aside += len(empty)
            empty = []
        table.rows.append((number, cells))


def _rows(numbers: list[int]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def fill_down(table: Table, columns) -> None:
    """An empty cell of these columns takes the value above it: a CSV saved from a sheet
    with merged cells keeps their value in the first row only."""
    above: dict[str, str] = {}
    for _, cells in table.rows:
        for column in columns:
            if cells.get(column, "").strip():
                above[column] = cells[column]
            elif column in above:
                cells[column] = above[column]


def repeated_rows(table: Table) -> dict[int, int]:
    """Rows that repeat an earlier row cell for cell: row number → the first one's."""
    first: dict[tuple, int] = {}
    repeats = {}
    for number, cells in table.rows:
        key = tuple(sorted(cells.items()))
        if key in first:
            repeats[number] = first[key]
        else:
            first[key] = number
    return repeats
