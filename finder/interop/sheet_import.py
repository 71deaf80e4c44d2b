"""From spreadsheet rows to content files: check every cell, report every bad one.

The rows come from finder.interop.sheets (our template) or, through a column mapping
file, from a town's own list (its column names, its values, constants for every row:
finder.interop.sheet_mapping), each sheet made a table as people keep it
(finder.interop.sheet_layout: title lines, merged cells, sum lines). Each row becomes an
offer of a provider (finder.interop.sheet_records); every problem names its sheet, row
and column. Nothing is written while any row is bad, unless skip_bad: then the good rows
are written and the report lists the rest. A row adds an offer to its provider or
replaces the offer of the same id; the provider's other offers stay, and so does what
the sheet does not say about a provider already in the catalogue. The files are written
by finder.content.files, which validates them with the whole content before content/
changes. Every import ends with one summary line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from finder.content import ContentError
from finder.content import files as contentfiles
from finder.interop import sheets
from finder.interop.sheet_layout import fill_down, repeated_rows
from finder.interop.sheet_mapping import (
    TEMPLATE_HEADERS,
    ColumnMapping,
    Row,
    SheetMapping,
    SheetProblem,
    header_problems,
    mapped_rows,
)
from finder.interop.sheet_records import Vocabulary, alike, offer_from_row, provider_from_row
from finder.interop.sheets import OFFER_SHEET, PROVIDER_SHEET, Table

LOCATION_KEYS = ("address_1", "postal_code", "city", "district", "latitude", "longitude",
                 "wheelchair_accessible", "accessibility")
"""A provider's place: given by the sheet, it replaces the catalogue's as a whole (an
address without the old coordinates would put the pin in the wrong street)."""


@dataclass
class Summary:
    """What one import did, in one line: rows read, offers added and replaced, warnings,
    errors by kind."""

    rows: int = 0
    set_aside: int = 0
    added: int = 0
    replaced: int = 0
    warnings: int = 0
    errors: list[SheetProblem] = field(default_factory=list)
    written: bool = False

    def line(self) -> str:
        read = f"{self.rows} rows read" + (f" ({self.set_aside} lines set aside)" if self.set_aside
                                           else "")
        done = f"{self.added} offers added, {self.replaced} replaced" if self.written \
            else "nothing written"
        errors = f"{len(self.errors)} errors"
        if self.errors:
            kinds = Counter(p.kind or "other" for p in self.errors)
            errors += " (" + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) + ")"
        return f"Summary: {read}; {done}; {self.warnings} warnings; {errors}"


class ImportError_(Exception):
    """The import wrote nothing; carries every problem and the summary."""

    def __init__(self, problems: list, summary: Summary | None = None, notes: list | None = None):
        self.problems = problems
        self.summary = summary or Summary(errors=[p for p in problems if isinstance(p, SheetProblem)])
        self.notes = notes or []
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    written: list[Path]
    offers: int
    providers: int
    skipped: list[SheetProblem] = field(default_factory=list)
    """Problems of rows left out (skip_bad)."""
    notes: list[SheetProblem] = field(default_factory=list)
    """Warnings: values left out by the mapping's drop_bad, repeated rows, ids made
    unique; the rows kept."""
    skipped_rows: int = 0
    layout: list[SheetProblem] = field(default_factory=list)
    """Lines set aside (title lines, empty rows, sum lines) and merged cells filled in."""
    summary: Summary = field(default_factory=Summary)

    def report(self) -> str:
        lines = [f"Imported {self.offers} offers of {self.providers} providers "
                 f"into {len(self.written)} files.", self.summary.line()]
        if self.layout:
            lines.append(f"The sheet as kept ({len(self.layout)}):")
            lines += [f"  {p}" for p in self.layout]
        if self.skipped:
            lines.append(f"Left out {self.skipped_rows} rows with problems:")
            lines += [f"  {p}" for p in self.skipped]
        if self.notes:
            lines.append(f"Warnings, rows kept ({len(self.notes)}):")
            lines += [f"  {p}" for p in self.notes]
        return "\n".join(lines) + "\n"


# --- the import -------------------------------------------------------------------------


@dataclass
class _Sheet:
    """The rows of one import, in our columns, and what reading them found."""

    offers: list[Row]
    providers: list[Row]
    from_offers: bool
    layout: list[SheetProblem]
    warnings: list[SheetProblem]
    rows: int
    set_aside: int


def import_sheet(path: Path, content_dir: Path, mapping: ColumnMapping | None = None,
                 skip_bad: bool = False, replace: bool = False) -> ImportResult:
    """Read a spreadsheet into content_dir; raise ImportError_ (nothing written) on any
    bad row unless skip_bad. replace: the sheet lists all offers of the providers it
    names; their offers that it does not list are removed."""
    content_dir = Path(content_dir)
    vocabulary = Vocabulary(content_dir)
    sheet = _read_sheet(path, mapping)
    summary = Summary(rows=sheet.rows, set_aside=sheet.set_aside)
    providers, provider_row_of = _providers(sheet, vocabulary, content_dir)
    offers = _offers(sheet.offers, vocabulary, providers, content_dir)

    all_rows = sheet.offers + sheet.providers  # an offer's problem before its provider side's
    bad_providers = {pid for pid, row in provider_row_of.items() if row.problems}
    bad_rows = [row for row in all_rows if row.problems]
    problems = sorted(_unique(p for row in all_rows for p in row.problems))
    notes = sorted(_unique([*sheet.warnings, *(p for row in all_rows for p in row.notes)]))
    summary.errors, summary.warnings = problems, len(notes)
    if problems and not skip_bad:
        raise ImportError_(problems, summary, sheet.layout + notes)

    kept_offers = _keep_offers(offers, providers, bad_providers)
    written_providers = _merged(providers, provider_row_of, bad_providers, content_dir, replace,
                                summary)
    try:
        written = contentfiles.write_providers(content_dir, written_providers)
    except ContentError as error:
        summary.added = summary.replaced = 0
        summary.errors = [SheetProblem(p.file, p.line, "", p.message, "content check")
                          for p in error.problems]
        raise ImportError_(error.problems, summary, sheet.layout + notes) from None
    summary.written = True
    return ImportResult(written, kept_offers, len(written_providers), skipped=problems, notes=notes,
                        skipped_rows=len(bad_rows), layout=sheet.layout, summary=summary)


def _unique(problems) -> list[SheetProblem]:
    """Each problem once: a cell that both sides of an offer row read (its provider's phone)
    is reported for the offer only."""
    seen, result = set(), []
    for p in problems:
        key = (p.sheet, p.row, p.column, p.message.removeprefix(PROVIDER_PREFIX))
        if key not in seen:
            seen.add(key)
            result.append(p)
    return result


PROVIDER_PREFIX = "provider: "


def _read_sheet(path: Path, mapping: ColumnMapping | None) -> _Sheet:
    """The offer and provider rows in our columns; raise ImportError_ when the file or
    its columns cannot be read."""
    expected = TEMPLATE_HEADERS | (mapping.expected_headers() if mapping else frozenset())
    try:
        tables = sheets.read(path, expected)
    except sheets.SheetFileError as error:
        raise ImportError_([SheetProblem(Path(path).name, 0, "", str(error), "file")]) from None
    offer_table, provider_table, from_offers = _choose_tables(tables, mapping, Path(path).name)
    offer_mapping = mapping.offers if mapping else None
    provider_mapping = mapping.providers if mapping else None
    sides = [(offer_table, offer_mapping)]
    if provider_table is not None and not from_offers:
        sides.append((provider_table, provider_mapping))
    layout, warnings, rows, set_aside = _as_kept(sides)
    problems = header_problems(offer_table, offer_mapping, OFFER_SHEET)
    if from_offers:
        problems += header_problems(offer_table, provider_mapping, PROVIDER_SHEET, by_name=False)
    elif provider_table is not None:
        problems += header_problems(provider_table, provider_mapping, PROVIDER_SHEET)
    if problems:
        raise ImportError_(problems, Summary(rows=rows, set_aside=set_aside, errors=problems), layout)
    offer_rows = mapped_rows(offer_table, offer_mapping, OFFER_SHEET)
    provider_rows: list[Row] = []
    if from_offers:
        provider_rows = _provider_rows_of_offers(offer_table, offer_rows, mapping)
    elif provider_table is not None:
        provider_rows = mapped_rows(provider_table, provider_mapping, PROVIDER_SHEET)
    return _Sheet(offer_rows, provider_rows, from_offers, layout, warnings, rows, set_aside)


def _as_kept(sides: list[tuple[Table, SheetMapping | None]]
             ) -> tuple[list[SheetProblem], list[SheetProblem], int, int]:
    """Each sheet as it is kept: merged cells saved as CSV filled down (fill_down), the
    repeated rows taken out. (What was set aside or filled in, the repeated rows as
    warnings, the rows to read, the lines set aside.)"""
    layout, warnings, rows, set_aside = [], [], 0, 0
    for table, its in sides:
        if its is not None:
            fill_down(table, its.fill_down)
        layout += [SheetProblem(table.name, row, "", text,
                                "merged" if text.startswith("merged") else "set aside")
                   for row, text in table.layout]
        set_aside += table.set_aside
        rows += len(table.rows)
        warnings += _drop_repeats(table)
    return layout, warnings, rows, set_aside


def _choose_tables(tables: dict[str, Table], mapping: ColumnMapping | None,
                   file_name: str) -> tuple[Table, Table | None, bool]:
    """(the offers' table, the providers' table or None, whether the providers come from
    the offer rows). Our template has the sheets Angebote and Anbieter; a town's mapping
    names its sheets by name or place, else the offers are the Angebote sheet or the first."""
    if mapping is None:
        if OFFER_SHEET not in tables:
            raise ImportError_([SheetProblem(file_name, 0, "", f"no sheet {OFFER_SHEET!r} (found: "
                                                               f"{_listed(tables)})", "file")])
        return tables[OFFER_SHEET], tables.get(PROVIDER_SHEET), False
    offer_table = _pick(tables, mapping.offers.sheet, file_name, "offers") \
        or tables.get(OFFER_SHEET) or next(iter(tables.values()))
    providers = mapping.providers
    if providers is not None and providers.from_offers:
        return offer_table, offer_table, True
    provider_table = _pick(tables, providers.sheet if providers else None, file_name, "providers") \
        or tables.get(PROVIDER_SHEET)
    return offer_table, None if provider_table is offer_table else provider_table, False


def _pick(tables: dict[str, Table], wanted: str | int | None, file_name: str,
          what: str) -> Table | None:
    """The sheet the mapping names (by name, or by place from 1), or None if it names none."""
    if wanted is None:
        return None
    for table in tables.values():
        if table.name == wanted or (isinstance(wanted, int) and table.position == wanted):
            return table
    for table in tables.values():
        if isinstance(wanted, str) and table.name.casefold().strip() == wanted.casefold().strip():
            return table
    raise ImportError_([SheetProblem(file_name, 0, "", f"the mapping's {what} sheet {wanted!r} is "
                                                       f"not in the file (its sheets: "
                                                       f"{_listed(tables)})", "file")])


def _listed(tables: dict[str, Table]) -> str:
    return ", ".join(f"{t.position}: {t.name}" for t in tables.values()) or "none"


def _drop_repeats(table: Table) -> list[SheetProblem]:
    """An identical row repeated (copied twice into the list) is imported once and said;
    a different row with the same id stays a problem."""
    repeats = repeated_rows(table)
    table.rows = [(n, cells) for n, cells in table.rows if n not in repeats]
    return [SheetProblem(table.name, row, "", f"row {row} repeats row {first} cell for cell: "
                                              "imported once", "repeated row")
            for row, first in sorted(repeats.items())]


def _provider_rows_of_offers(table: Table, offer_rows: list[Row],
                             mapping: ColumnMapping) -> list[Row]:
    """A list without a provider sheet: each offer row also gives its provider, with what
    the providers' mapping names (a column of the offers' sheet is not the provider's for
    its name alone: its PLZ is the offer's). The offers' drop_bad holds here too, the
    provider's id is the offer's Anbieter-ID unless the mapping says otherwise, and each
    message says it is about the provider."""
    provider_mapping = mapping.providers
    rows = mapped_rows(table, provider_mapping, PROVIDER_SHEET, drop_bad=mapping.offers.drop_bad,
                       prefix=PROVIDER_PREFIX, by_name=False)
    if not provider_mapping.says("ID"):
        for row, offer_row in zip(rows, offer_rows):
            row.cells["ID"] = offer_row.cells["Anbieter-ID"]
            row.origin["ID"] = offer_row.origin["Anbieter-ID"]
            if "Anbieter-ID" in offer_row.failed:
                row.failed.add("ID")
    return rows


def _providers(sheet: _Sheet, vocabulary: Vocabulary,
               content_dir: Path) -> tuple[dict[str, dict], dict[str, Row]]:
    """The providers of the provider rows by id, and the row each came from; a provider
    given twice is a problem unless the offer rows name it (from_offers). A provider
    already in the catalogue keeps what the sheet does not say; one whose name differs
    from the catalogue's is one problem, not a wiped provider."""
    providers: dict[str, dict] = {}
    provider_row_of: dict[str, Row] = {}
    rows_of: dict[str, list[int]] = {}
    for row in sheet.providers:
        provider = provider_from_row(row, vocabulary)
        pid = provider.get("id")
        if pid is None:
            continue
        rows_of.setdefault(pid, []).append(row.number)
        if pid in providers:
            if not sheet.from_offers:
                row.problem("ID", f"provider {pid!r} is given twice (first in row "
                                  f"{provider_row_of[pid].number})", "provider given twice")
            continue
        providers[pid] = {**provider, "offers": []}
        provider_row_of[pid] = row
    for pid, row in provider_row_of.items():
        existing = _existing(content_dir, pid)
        if existing is not None:
            providers[pid] = _with_existing(providers[pid], existing, row, rows_of[pid])
    return providers, provider_row_of


def _with_existing(provider: dict, existing: dict, row: Row, rows: list[int]) -> dict:
    """The catalogue's provider with what the sheet says about it. A name of the sheet
    that is a short form of the catalogue's ("Jugendamt", "Jugendamt der Stadt …") keeps
    the catalogue's, and says so; another name is one problem: two providers, one id."""
    ours, theirs = " ".join(str(existing.get("name", "")).split()), provider.get("name") or ""
    listed = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
    if theirs and ours.casefold() != " ".join(theirs.split()).casefold():
        who = "id" if row.prefix else "provider id"  # "provider: id 'x' …" on the offers' sheet
        if alike(ours, theirs):
            row.note("Name", f"{who} {provider['id']!r} is in the catalogue as {ours!r}; the "
                             f"sheet's {theirs!r} (row {listed}) is taken for the same provider, "
                             "and its name stays", "provider in the catalogue")
            provider = {k: v for k, v in provider.items() if k != "name"}
        else:
            row.problem("ID", f"{who} {provider['id']!r} is already in the catalogue as "
                              f"{ours!r} (providers/{provider['id']}.yaml), and the sheet names "
                              f"{theirs!r} (row {listed}): give the sheet's provider its own id, "
                              "or write the catalogue's name to add the offers to it",
                        "provider exists")
    merged = {k: v for k, v in existing.items() if k != "offers"}
    if any(k in provider for k in LOCATION_KEYS):
        merged = {k: v for k, v in merged.items() if k not in LOCATION_KEYS}
    merged.update({k: v for k, v in provider.items() if k != "offers"})
    return {**merged, "offers": []}


def _offers(offer_rows: list[Row], vocabulary: Vocabulary, providers: dict[str, dict],
            content_dir: Path) -> list[tuple[Row, str | None, dict]]:
    """(row, provider id, offer) of each offer row, ids made unique; a provider that is
    not on the sheet is taken from the catalogue into providers."""
    seen: dict[str, Row] = {}
    offers: list[tuple[Row, str | None, dict]] = []
    for row in offer_rows:
        pid, offer = offer_from_row(row, vocabulary)
        oid = offer.get("id")
        if oid and oid in seen:
            if not row.cells["ID"].strip():  # an id made from the title: make it unique
                n = 2
                while f"{oid}-{n}" in seen:
                    n += 1
                row.note("Titel", f"the title is also in row {seen[oid].number}: this offer gets "
                                  f"the id {oid}-{n} (give each row its own ID to tell them apart "
                                  "on the next import)", "id made unique")
                oid = offer["id"] = f"{oid}-{n}"
            else:
                row.problem("ID", f"offer id {oid!r} is given twice (first in row "
                                  f"{seen[oid].number}), in rows that differ", "id given twice")
        if oid:
            seen.setdefault(oid, row)
        if pid and pid not in providers:
            existing = _existing(content_dir, pid)
            if existing is not None:
                providers[pid] = {**existing, "offers": []}
            else:
                row.problem("Anbieter-ID", f"unknown provider {pid!r}: not on the sheet "
                                           f"{PROVIDER_SHEET} and not in the catalogue")
        offers.append((row, pid, offer))
    return offers


def _keep_offers(offers: list[tuple[Row, str | None, dict]], providers: dict[str, dict],
                 bad_providers: set[str]) -> int:
    """Put the good rows' offers into their providers; how many they are."""
    kept_offers = 0
    for row, pid, offer in offers:
        if row.problems or pid in bad_providers or pid not in providers:
            continue
        providers[pid]["offers"].append(offer)
        kept_offers += 1
    return kept_offers


def _merged(providers: dict[str, dict], provider_row_of: dict[str, Row], bad_providers: set[str],
            content_dir: Path, replace: bool, summary: Summary) -> list[dict]:
    """The providers to write, each with its offers as written before, those of the
    sheet replacing the ones of the same id (replace: only those of the sheet)."""
    written_providers = []
    for pid, provider in providers.items():
        if pid in bad_providers or not (provider["offers"] or pid in provider_row_of):
            continue
        # Offers of the provider that the sheet does not name stay as they are.
        before = (_existing(content_dir, pid) or {}).get("offers") or []
        before_ids = {o.get("id") for o in before if isinstance(o, dict)}
        summary.replaced += sum(1 for o in provider["offers"] if o["id"] in before_ids)
        summary.added += sum(1 for o in provider["offers"] if o["id"] not in before_ids)
        if replace:
            before = []
        new = {o["id"]: o for o in provider["offers"]}
        merged = [new.pop(o.get("id"), o) for o in before if isinstance(o, dict)]
        written_providers.append({**provider, "offers": merged + list(new.values())})
    return written_providers


def _existing(content_dir: Path, pid: str) -> dict | None:
    """The provider file of that id as written, or None."""
    path = content_dir / "providers" / f"{pid}.yaml"
    if not path.exists():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raw if isinstance(raw, dict) else None
