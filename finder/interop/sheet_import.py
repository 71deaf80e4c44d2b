"""From spreadsheet rows to content files: check every cell, report every bad one.

The rows come from finder.interop.sheets (our template) or, through a column mapping
file, from a town's own list (its column names, its values, constants for every row:
finder.interop.sheet_mapping). Each row becomes an offer of a provider
(finder.interop.sheet_records); every problem names its sheet, row and column.
Nothing is written while any row is bad, unless skip_bad: then the good rows are
written and the report lists the rest. A row adds an offer to its provider or replaces
the offer of the same id; the provider's other offers stay. The files are written by
finder.content.files, which validates them with the whole content before content/ changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from finder.content import ContentError
from finder.content import files as contentfiles
from finder.interop import sheets
from finder.interop.sheet_mapping import ColumnMapping, Row, SheetProblem, mapped_rows, unknown_headers
from finder.interop.sheet_records import Vocabulary, offer_from_row, provider_from_row
from finder.interop.sheets import OFFER_SHEET, PROVIDER_SHEET, Table


class ImportError_(Exception):
    """The import wrote nothing; carries every problem."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    written: list[Path]
    offers: int
    providers: int
    skipped: list[SheetProblem] = field(default_factory=list)
    """Problems of rows left out (skip_bad)."""
    notes: list[SheetProblem] = field(default_factory=list)
    """Values left out by the mapping's drop_bad, the rows kept."""
    skipped_rows: int = 0

    def report(self) -> str:
        lines = [f"Imported {self.offers} offers of {self.providers} providers "
                 f"into {len(self.written)} files."]
        if self.skipped:
            lines.append(f"Left out {self.skipped_rows} rows with problems:")
            lines += [f"  {p}" for p in self.skipped]
        if self.notes:
            lines.append(f"Values left out, rows kept ({len(self.notes)}):")
            lines += [f"  {p}" for p in self.notes]
        return "\n".join(lines) + "\n"


# --- the import -------------------------------------------------------------------------


def import_sheet(path: Path, content_dir: Path, mapping: ColumnMapping | None = None,
                 skip_bad: bool = False, replace: bool = False) -> ImportResult:
    """Read a spreadsheet into content_dir; raise ImportError_ (nothing written) on any
    bad row unless skip_bad. replace: the sheet lists all offers of the providers it
    names; their offers that it does not list are removed."""
    content_dir = Path(content_dir)
    vocabulary = Vocabulary(content_dir)
    tables = _read_tables(path, mapping)
    offer_rows, provider_rows = _sheet_rows(tables, mapping)
    from_offers = mapping is not None and mapping.providers is not None and mapping.providers.from_offers
    providers, provider_row_of = _providers(provider_rows, vocabulary, from_offers)
    offers = _offers(offer_rows, vocabulary, providers, content_dir)

    bad_providers = {pid for pid, row in provider_row_of.items() if row.problems}
    bad_rows = [row for row in provider_rows + offer_rows if row.problems]
    problems = sorted(p for row in provider_rows + offer_rows for p in row.problems)
    notes = sorted(p for row in provider_rows + offer_rows for p in row.notes)
    if problems and not skip_bad:
        raise ImportError_(problems)

    kept_offers = _keep_offers(offers, providers, bad_providers)
    written_providers = _merged(providers, provider_row_of, bad_providers, content_dir, replace)
    try:
        written = contentfiles.write_providers(content_dir, written_providers)
    except ContentError as error:
        raise ImportError_(error.problems) from None
    return ImportResult(written, kept_offers, len(written_providers),
                        skipped=problems, notes=notes, skipped_rows=len(bad_rows))


def _read_tables(path: Path, mapping: ColumnMapping | None) -> dict[str, Table]:
    """The file's sheets by our sheet names: a town's one sheet is the offer sheet."""
    offer_sheet = mapping.offers.sheet if mapping else None
    try:
        tables = sheets.read(path, offer_sheet)
    except sheets.SheetFileError as error:
        raise ImportError_([SheetProblem(Path(path).name, 0, "", str(error))]) from None
    if mapping and offer_sheet is None and OFFER_SHEET not in tables and len(tables) == 1:
        tables = {OFFER_SHEET: next(iter(tables.values()))}
    if OFFER_SHEET not in tables:
        raise ImportError_([SheetProblem(Path(path).name, 0, "", f"no sheet {OFFER_SHEET!r} "
                                                                 f"(found: {', '.join(tables)})")])
    return tables


def _sheet_rows(tables: dict[str, Table], mapping: ColumnMapping | None) -> tuple[list[Row], list[Row]]:
    """(offer rows, provider rows) in our columns; raise ImportError_ on unknown headers."""
    offer_table = tables[OFFER_SHEET]
    header_problems = unknown_headers(offer_table, mapping.offers if mapping else None,
                                      OFFER_SHEET)
    offer_rows = mapped_rows(offer_table, mapping.offers if mapping else None, OFFER_SHEET)

    provider_rows: list[Row] = []
    provider_mapping = mapping.providers if mapping else None
    if provider_mapping is not None and provider_mapping.from_offers:
        provider_rows = mapped_rows(Table(offer_table.name, offer_table.headers, offer_table.rows,
                                          offer_table.letters), provider_mapping, PROVIDER_SHEET)
    elif PROVIDER_SHEET in tables:
        header_problems += unknown_headers(tables[PROVIDER_SHEET], provider_mapping, PROVIDER_SHEET)
        provider_rows = mapped_rows(tables[PROVIDER_SHEET], provider_mapping, PROVIDER_SHEET)
    if header_problems:
        raise ImportError_(header_problems)
    return offer_rows, provider_rows


def _providers(provider_rows: list[Row], vocabulary: Vocabulary,
               from_offers: bool) -> tuple[dict[str, dict], dict[str, Row]]:
    """The providers of the provider rows by id, and the row each came from; a provider
    given twice is a problem unless the offer rows name it (from_offers)."""
    providers: dict[str, dict] = {}
    provider_row_of: dict[str, Row] = {}
    for row in provider_rows:
        provider = provider_from_row(row, vocabulary)
        pid = provider.get("id")
        if pid is None:
            continue
        if pid in providers:
            if from_offers:
                continue  # the same provider named again by its next offer
            row.problem("ID", f"provider {pid!r} is given twice (first in row "
                              f"{provider_row_of[pid].number})")
            continue
        providers[pid] = {**provider, "offers": []}
        provider_row_of[pid] = row
    return providers, provider_row_of


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
                oid = offer["id"] = f"{oid}-{n}"
            else:
                row.problem("ID", f"offer id {oid!r} is given twice (first in row "
                                  f"{seen[oid].number})")
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
            content_dir: Path, replace: bool) -> list[dict]:
    """The providers to write, each with its offers as written before, those of the
    sheet replacing the ones of the same id (replace: only those of the sheet)."""
    written_providers = []
    for pid, provider in providers.items():
        if pid in bad_providers or not (provider["offers"] or pid in provider_row_of):
            continue
        # Offers of the provider that the sheet does not name stay as they are.
        before = [] if replace else (_existing(content_dir, pid) or {}).get("offers") or []
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
