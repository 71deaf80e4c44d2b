"""Coverage along the chain: current offers counted per life phase, district and topic.

An offer counts where it is held: an in-person offer for its neighbourhood in the
district of each of its places. Offers for the whole town, online and at home are not
spread over the districts; each kind has its own row. A cell with no offer is a gap,
one with fewer than the coordinator's threshold a thin spot. With the district figures
of districts.yaml the view also gives offers per 1,000 children of the phase's age band
and the cells where the social need is high and offers are few.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from finder.coordinator import tables
from finder.model import COMES_TO_FAMILY, PHASE_IDS, REMOTE, TOPIC_IDS, is_current
from finder.wording import N_

SPECIAL_ROWS = ("citywide", "online", "at_home")
SPECIAL_LABELS = {"citywide": N_("Stadtweit"), "online": N_("Online / Telefon"),
                  "at_home": N_("Kommt zur Familie")}
MATRICES = ("phase_district", "phase_topic", "district_topic")
DEFAULT_THIN = 2
HIGH_NEED = 4
"""A social-need index from this value up counts as high need."""


def places(offer: dict, tree=None, level: int | None = None) -> list[str]:
    """Where an offer counts: its districts, or one of the special rows. With a level of
    the places' tree, the district of each place at that level (an offer held in an
    Ortsteil counts for its Gemeinde; one named only at its Gemeinde counts for no
    Ortsteil)."""
    if offer["attending_type"] in REMOTE:
        return ["online"]
    if offer["attending_type"] in COMES_TO_FAMILY:
        return ["at_home"]
    if offer["service_areas"] == ["citywide"]:
        return ["citywide"]
    if tree is None or level is None:
        return list(offer["districts"])
    found = {tree.ancestor_at(d, level) for d in offer["districts"] if d in tree}
    return sorted(d for d in found if d is not None)


@dataclass(frozen=True)
class Cell:
    row: str
    col: str
    count: int
    status: str
    """gap (no offer), thin (below the threshold) or ok."""
    per_1000: float | None = None
    """Offers per 1,000 children of the phase's age band (phase x district only)."""
    high_need: bool = False
    """The district's social need is high and its offers per 1,000 children are below
    the town's (phase x district only)."""


@dataclass(frozen=True)
class Matrix:
    name: str
    title: str
    rows: tuple[tuple[str, str], ...]
    """(id, label) of each row."""
    cols: tuple[tuple[str, str], ...]
    cells: dict = field(default_factory=dict)
    """(row id, col id) -> Cell."""

    def cell(self, row: str, col: str) -> Cell:
        return self.cells[(row, col)]

    def count(self, status: str) -> int:
        return sum(1 for c in self.cells.values() if c.status == status)


@dataclass(frozen=True)
class Coverage:
    matrices: dict[str, Matrix]
    threshold: int
    topic: str | None
    phase: str | None
    offers: int
    """Current offers counted (after the filters)."""
    town_per_1000: dict[str, float | None]
    """Per phase: offers held in districts per 1,000 children of the town."""

    def gaps(self, limit: int | None = None) -> list[Cell]:
        """Phase x district cells below the threshold, the worst first: fewest offers,
        then highest need, then most children."""
        matrix = self.matrices["phase_district"]
        cells = [c for c in matrix.cells.values()
                 if c.row not in SPECIAL_ROWS and c.status != "ok"]
        cells.sort(key=lambda c: (c.count, -(self._need.get(c.row) or 0),
                                  -self._children.get((c.row, c.col), 0), c.row, c.col))
        return cells[:limit] if limit else cells

    def high_need(self) -> list[Cell]:
        matrix = self.matrices["phase_district"]
        return [c for c in matrix.cells.values() if c.high_need]

    _need: dict = field(default_factory=dict)
    _children: dict = field(default_factory=dict)
    level: int = 1
    """The level of the places that are the district rows (1 the most general)."""


def _label(catalogue, kind: str, key: str) -> str:
    return catalogue.vocabulary[kind].get(key, {}).get("labels", {}).get("de", key)


def compute(catalogue, threshold: int = DEFAULT_THIN, topic: str | None = None,
            phase: str | None = None, *, today: dt.date, level: int | None = None) -> Coverage:
    """The three matrices over the current offers, filtered by topic and phase; the
    district rows are the places of one level (the most general by default: the
    Gemeinden of a Kreis, the Bezirke of a city, a town's Stadtteile)."""
    if topic is not None and topic not in TOPIC_IDS:
        raise ValueError(f"unknown topic {topic!r}")
    if phase is not None and phase not in PHASE_IDS:
        raise ValueError(f"unknown life phase {phase!r}")
    day = today
    offers = [o for o in catalogue.all_offers() if is_current(o["valid_from"], o["valid_to"], day)
              and (topic is None or topic in o["topics"])
              and (phase is None or phase in o["phases"])]
    tree = catalogue.places
    level = level or 1
    shown = [p.id for p in tree.at_level(level)]
    districts = {d: {**catalogue.districts[d],
                     "children": {p: tree.children_of(d, p) for p in PHASE_IDS
                                  if tree.children_of(d, p) is not None}} for d in shown}
    district_rows = tuple((d, districts[d]["name"]) for d in sorted(
        districts, key=lambda d: districts[d]["name"])) + tuple(
        (s, SPECIAL_LABELS[s]) for s in SPECIAL_ROWS)
    phase_cols = tuple((p, _label(catalogue, "phase", p)) for p in PHASE_IDS)
    topic_cols = tuple((t, _label(catalogue, "topic", t)) for t in TOPIC_IDS)

    counts: dict[str, dict] = {name: {} for name in MATRICES}
    for offer in offers:
        where = places(offer, tree, level)
        for p in offer["phases"]:
            for d in where:
                counts["phase_district"][(d, p)] = counts["phase_district"].get((d, p), 0) + 1
            for t in offer["topics"]:
                counts["phase_topic"][(p, t)] = counts["phase_topic"].get((p, t), 0) + 1
        for d in where:
            for t in offer["topics"]:
                counts["district_topic"][(d, t)] = counts["district_topic"].get((d, t), 0) + 1

    def status(n: int) -> str:
        return "gap" if n == 0 else "thin" if n < threshold else "ok"

    children = {(d, p): districts[d]["children"].get(p)
                for d in districts for p in PHASE_IDS
                if districts[d]["children"].get(p) is not None}
    need = {d: districts[d].get("social_need_index") for d in districts}
    town_per_1000 = {}
    for p in PHASE_IDS:
        kids = sum(children.get((d, p), 0) for d in districts)
        held = sum(counts["phase_district"].get((d, p), 0) for d in districts)
        town_per_1000[p] = round(1000 * held / kids, 1) if kids else None

    phase_district = {}
    for d, _ in district_rows:
        for p, _ in phase_cols:
            n = counts["phase_district"].get((d, p), 0)
            kids = children.get((d, p))
            per = round(1000 * n / kids, 1) if kids else None
            high = (d in districts and (need.get(d) or 0) >= HIGH_NEED and per is not None
                    and town_per_1000[p] is not None and per < town_per_1000[p])
            phase_district[(d, p)] = Cell(d, p, n, status(n), per, high)

    def plain(name: str, rows, cols) -> dict:
        return {(r, c): Cell(r, c, counts[name].get((r, c), 0),
                             status(counts[name].get((r, c), 0)))
                for r, _ in rows for c, _ in cols}

    phase_rows = phase_cols
    matrices = {
        "phase_district": Matrix("phase_district", "Lebensphase × Stadtteil", district_rows,
                                 phase_cols, phase_district),
        "phase_topic": Matrix("phase_topic", "Lebensphase × Thema", phase_rows, topic_cols,
                              plain("phase_topic", phase_rows, topic_cols)),
        "district_topic": Matrix("district_topic", "Stadtteil × Thema", district_rows, topic_cols,
                                 plain("district_topic", district_rows, topic_cols)),
    }
    return Coverage(matrices, threshold, topic, phase, len(offers), town_per_1000,
                    need, children, level)


@dataclass(frozen=True)
class PlaceRow:
    place: str
    name: str
    offers: int
    capacity: int
    """The sum of the offers' places (an offer without a figure adds nothing)."""
    children: int | None
    """Children living there (all life phases' bands but pregnancy), when known."""


def per_place(catalogue, level: int, *, today: dt.date) -> list[PlaceRow]:
    """One row per place of a level: the current offers held there (in it or in a place
    inside it) and their places (capacity): `finder coverage --level`."""
    tree = catalogue.places
    counts = {p.id: [0, 0] for p in tree.at_level(level)}
    for offer in catalogue.all_offers():
        if not is_current(offer["valid_from"], offer["valid_to"], today):
            continue
        for place in places(offer, tree, level):
            if place in counts:
                counts[place][0] += 1
                counts[place][1] += offer.get("capacity") or 0
    rows = []
    for place in tree.at_level(level):
        figures = [tree.children_of(place.id, p) for p in PHASE_IDS if p != "pregnancy"]
        known = None if any(f is None for f in figures) else sum(figures)
        rows.append(PlaceRow(place.id, place.name, *counts[place.id], known))
    return rows


def per_place_csv(rows: list[PlaceRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["place", "name", "offers", "capacity", "children",
                     "offers_per_1000_children"])
    for row in rows:
        per = "" if not row.children else f"{1000 * row.offers / row.children:.1f}"
        writer.writerow([row.place, row.name, row.offers, row.capacity,
                         "" if row.children is None else row.children, per])
    return out.getvalue()


# --- output -------------------------------------------------------------------------

STATUS_LABELS = {"gap": "Lücke", "thin": "dünn", "ok": ""}


def to_csv(matrix: Matrix) -> bytes:
    """One line per cell: the same numbers as the page's table, for German Excel."""
    header = ["Zeile-ID", "Zeile", "Spalten-ID", "Spalte", "Angebote", "je 1.000 Kinder",
              "Stand", "hoher Bedarf, wenige Angebote"]
    rows = ([row, row_label, col, col_label, cell.count, tables.decimal(cell.per_1000),
             STATUS_LABELS[cell.status], "ja" if cell.high_need else ""]
            for row, row_label in matrix.rows for col, col_label in matrix.cols
            for cell in [matrix.cell(row, col)])
    return tables.excel_csv(header, rows)


FILLS = {"gap": ("#a4262c", "#ffffff"), "thin": ("#ffe08a", "#111111")}
LEVELS = (("#e3f0f4", "#111111"), ("#a9d3df", "#111111"), ("#2f7a8f", "#ffffff"),
          ("#0b4f5c", "#ffffff"))


def _fill(cell: Cell, top: int, threshold: int) -> tuple[str, str]:
    if cell.status in FILLS:
        return FILLS[cell.status]
    span = max(1, top - threshold + 1)
    level = min(len(LEVELS) - 1, (cell.count - threshold) * len(LEVELS) // span)
    return LEVELS[level]


def heatmap_svg(matrix: Matrix, threshold: int, title: str, words: dict) -> Markup:
    """The matrix as an SVG drawn on the server: one rectangle per cell with its number
    and a <title> that says it in words; gaps are also hatched, so colour is never the
    only sign. words: the translated phrases (offers, gap, thin) for the titles."""
    cell_w, cell_h, left, top_h = 58, 26, 150, 150
    width = left + cell_w * len(matrix.cols) + 110  # room for the last slanted label
    height = top_h + cell_h * len(matrix.rows) + 10
    top = max([c.count for c in matrix.cells.values()] + [threshold])
    uid = f"hm-{matrix.name}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="2" height="6" fill="#ffffff" '
        f'fill-opacity="0.35"/></pattern></defs>',
    ]
    for j, (_, label) in enumerate(matrix.cols):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x:.0f}" y="{top_h - 6}" transform="rotate(-45 {x:.0f} '
                     f'{top_h - 6})" font-size="11" fill="#111111">{escape(label)}</text>')
    for i, (row, row_label) in enumerate(matrix.rows):
        y = top_h + i * cell_h
        parts.append(f'<text x="{left - 6}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="end" '
                     f'font-size="12" fill="#111111">{escape(row_label)}</text>')
        for j, (col, col_label) in enumerate(matrix.cols):
            cell = matrix.cell(row, col)
            x = left + j * cell_w
            fill, ink = _fill(cell, top, threshold)
            said = f"{row_label}, {col_label}: {cell.count} {words['offers']}"
            if cell.per_1000 is not None:
                said += f", {cell.per_1000:.1f} {words['per_1000']}"
            if cell.status != "ok":
                said += f" ({words[cell.status]})"
            parts.append(f'<g class="cell {cell.status}"><title>{escape(said)}</title>'
                         f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                         f'fill="{fill}"/>')
            if cell.status == "gap":
                parts.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                             f'fill="url(#{uid}-hatch)"/>')
            parts.append(f'<text x="{x + cell_w / 2 - 1:.0f}" y="{y + cell_h / 2 + 4:.0f}" '
                         f'text-anchor="middle" font-size="12" font-weight="bold" '
                         f'fill="{ink}">{cell.count}</text></g>')
    parts.append("</svg>")
    # Every text in it went through escape() above.
    return Markup("".join(parts))  # nosec B704
