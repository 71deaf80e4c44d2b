"""The one-page report for the steering group: coverage, top gaps, top unmet needs,
freshness, and what changed since the last report.

The same figures serve the page, `finder report --html FILE` and the comparison: each
finished report keeps its figures in the coordinator's records, and the next one
compares with the newest of them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from finder import clock, pdf
from finder.coordinator import coverage, demand, freshness, records
from finder.model import is_current

TOP = 5


@dataclass(frozen=True)
class Report:
    day: str
    coverage: coverage.Coverage
    gaps: list
    needs: tuple
    other_searches: int
    freshness: freshness.Freshness
    figures: dict
    previous: dict | None
    """The figures of the last finished report, with its date and author."""
    changes: list[tuple[str, int, int]]
    """(figure, then, now) of each figure that changed since the last report."""
    added: list[str]
    removed: list[str]
    """Names of offers current now and not then, and then and not now."""
    town: str = ""
    period: tuple[dt.date, dt.date] | None = None
    """The days the unmet searches were counted on."""
    high_need: tuple[tuple[str, tuple[coverage.Cell, ...]], ...] = ()
    """Per district of high need, its life phases with fewer offers per 1,000 children
    than the town."""


FIGURE_NAMES = ("offers", "gaps", "thin", "stale", "expiring", "expired", "unmet_needs")


def compose(catalogue, data_dir: str | Path, threshold: int = coverage.DEFAULT_THIN, *,
            today: dt.date) -> Report:
    day = today
    cover = coverage.compute(catalogue, threshold, today=day)
    fresh = freshness.compute(catalogue, data_dir, day)
    wanted = demand.summary(data_dir)
    open_needs = [n for n in wanted.needs if n.mark is None]
    current = {o["id"]: o["name"] for o in catalogue.all_offers()
               if is_current(o["valid_from"], o["valid_to"], day)}
    matrix = cover.matrices["phase_district"]
    figures = {
        "offers": cover.offers,
        "gaps": sum(1 for c in matrix.cells.values()
                    if c.status == "gap" and c.row not in coverage.SPECIAL_ROWS),
        "thin": sum(1 for c in matrix.cells.values()
                    if c.status == "thin" and c.row not in coverage.SPECIAL_ROWS),
        "stale": fresh.counts["stale"],
        "expiring": fresh.counts["expiring"],
        "expired": fresh.counts["expired"],
        "unmet_needs": len(open_needs),
        "offer_ids": current,
    }
    previous = last(data_dir)
    changes, added, removed = [], [], []
    if previous:
        before = previous["figures"]
        changes = [(name, before.get(name, 0), figures[name]) for name in FIGURE_NAMES
                   if before.get(name, 0) != figures[name]]
        then = before.get("offer_ids", {})
        added = sorted(current[i] for i in current.keys() - then.keys())
        removed = sorted(then[i] for i in then.keys() - current.keys())
    high: dict[str, list[coverage.Cell]] = {}
    for cell in cover.high_need():
        high.setdefault(cell.row, []).append(cell)
    return Report(day.isoformat(), cover, cover.gaps(TOP), tuple(open_needs[:TOP]), wanted.other, fresh,
                  figures, previous, changes, added, removed,
                  town=(getattr(catalogue, "town", None) or {}).get("name", ""),
                  period=wanted.period,
                  high_need=tuple((district, tuple(cells)) for district, cells in sorted(
                      high.items(), key=lambda kv: catalogue.districts[kv[0]]["name"])))


def last(data_dir: str | Path) -> dict | None:
    db = records.open_db(data_dir)
    try:
        row = db.execute("SELECT at, by, figures FROM reports ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.conn.close()
    return {"at": row[0], "by": row[1], "figures": json.loads(row[2])} if row else None


def finish(data_dir: str | Path, report: Report, by: str) -> None:
    """Keep this report's figures: the next report shows what changed since."""
    db = records.open_db(data_dir)
    try:
        db["reports"].insert({"at": clock.stamp(),
                              "by": by, "figures": json.dumps(report.figures, ensure_ascii=False,
                                                              sort_keys=True)})
    finally:
        db.conn.close()


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library it draws text with is not installed."""


def to_pdf(html: str) -> tuple[int, bytes]:
    """The report page as PDF with WeasyPrint (its print stylesheet: A4 landscape, the
    heatmap beside the lists); returns the number of pages and the file."""
    if not pdf.available():
        raise PdfUnavailable("PDF needs WeasyPrint and Debian's Pango: "
                             "apt-get install libpango-1.0-0 libpangoft2-1.0-0")
    return pdf.render(html)
