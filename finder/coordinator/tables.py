"""Tables the coordinator downloads, made for German Excel: it opens a CSV file with a
double click only as UTF-8 with a byte-order mark and with semicolons between the
columns (the catalogue's own export, finder.interop.sheets.write_csv, writes the same),
and reads "40,0" as a number where "40.0" would become a date or text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from babel.numbers import format_decimal


def excel_csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    """The rows as a CSV file for German Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def decimal(value: float | None, places: int = 1) -> str:
    """A number with a decimal comma (40,0); empty for no number. No thousands
    separator: Excel would read "1.234,5" right, but other tools would not."""
    if value is None:
        return ""
    return format_decimal(value, format="0." + "0" * places, locale="de_DE")
