"""A first mapping file for a town's own list, so that its IT person only fills in what
cannot be guessed.

Each of the sheet's columns is matched to one of ours by its name (and the names lists
use for it) and by its content (phone numbers, e-mail addresses, postal codes, ages,
times …); the confidence stands beside each line as a comment. The columns that need a
value table (topics, districts, providers) get one with every distinct value the sheet
holds, filled in where a value names ours and left empty ("") where a person must decide.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from finder.content import EMAIL
from finder.interop import sheet_values as values
from finder.interop import sheets
from finder.interop.sheet_layout import Table, fill_down, repeated_rows
from finder.interop.sheet_records import ATTENDING, AUDIENCE, Vocabulary, alike, slug

NAMES: dict[str, tuple[str, ...]] = {
    "ID": ("id", "nr", "lfd nr", "laufende nummer", "nummer", "kennung", "angebotsnummer"),
    "Anbieter-ID": ("träger", "anbieter", "einrichtung", "organisation", "veranstalter",
                    "anbieter träger", "trägerin", "institution", "anbieterin"),
    "Titel": ("titel", "angebot", "bezeichnung", "name des angebots", "angebotsname", "name",
              "veranstaltung", "kurs", "angebotstitel"),
    "Kurzbeschreibung": ("kurzbeschreibung", "kurztext", "kurzinfo", "teaser", "untertitel"),
    "Beschreibung": ("beschreibung", "inhalt", "text", "details", "angebotsbeschreibung",
                     "infos", "information", "informationen", "was passiert"),
    "Themen": ("themen", "thema", "kategorie", "kategorien", "bereich", "rubrik", "angebotsart",
               "art des angebots", "handlungsfeld", "art"),
    "Lebensphasen": ("lebensphase", "lebensphasen", "phase"),
    "Alter": ("alter", "altersgruppe", "alter der kinder", "altersstufe", "für alter",
              "altersbereich"),
    "Zielgruppe": ("zielgruppe", "für wen", "teilnehmende", "adressaten"),
    "Form": ("form", "angebotsform", "format", "durchführung"),
    "Einzugsgebiet": ("einzugsgebiet", "für stadtteil", "zuständigkeit", "versorgungsgebiet"),
    "Ort": ("veranstaltungsort", "räume", "raum", "location", "treffpunkt"),
    "Straße und Hausnummer": ("straße", "strasse", "str", "adresse", "anschrift",
                              "straße und hausnummer", "straße nr", "hausanschrift"),
    "PLZ": ("plz", "postleitzahl"),
    "Stadt": ("stadt", "ort", "gemeinde", "wohnort"),
    "Stadtteil": ("stadtteil", "ortsteil", "bezirk", "quartier", "sozialraum", "stadtbezirk"),
    "Breitengrad": ("breitengrad", "lat", "latitude", "breite"),
    "Längengrad": ("längengrad", "lon", "lng", "longitude", "länge"),
    "Rollstuhlgerecht": ("rollstuhlgerecht", "barrierefrei", "rollstuhl", "rollstuhlzugang",
                         "stufenlos"),
    "Barrierefreiheit": ("barrierefreiheit", "zugänglichkeit", "hinweise barrierefreiheit"),
    "Zeiten": ("zeiten", "termine", "öffnungszeiten", "wann", "zeit", "uhrzeit", "sprechzeiten",
               "tag und uhrzeit", "wochentag und uhrzeit", "termin"),
    "Zeiten (Hinweis)": ("hinweis zu zeiten", "zeiten hinweis", "hinweis zeiten"),
    "Kostenlos": ("kostenlos", "kostenfrei", "gratis"),
    "Kosten": ("kosten", "gebühr", "gebühren", "preis", "teilnahmegebühr", "entgelt", "beitrag"),
    "Sprachen": ("sprachen", "sprache", "angebotssprache", "sprachen im angebot"),
    "Telefon": ("telefon", "tel", "telefonnummer", "fon", "kontakt telefon", "rufnummer"),
    "E-Mail": ("e-mail", "email", "mail", "e-mail-adresse"),
    "Webseite": ("webseite", "website", "internet", "homepage", "link", "url", "web"),
    "Anmeldung nötig": ("anmeldung nötig", "anmeldung erforderlich", "anmeldepflicht",
                        "mit anmeldung"),
    "Anmeldung": ("anmeldung", "anmeldeverfahren", "wie anmelden", "anmeldung über"),
    "Plätze": ("plätze", "platzzahl", "teilnehmerzahl", "kapazität", "max teilnehmende"),
    "Gültig ab": ("gültig ab", "beginn", "start", "startdatum", "ab"),
    "Gültig bis": ("gültig bis", "ende", "enddatum", "bis"),
    "Zuletzt geprüft": ("zuletzt geprüft", "geprüft am", "aktualisiert", "letzte änderung",
                        "stand"),
    "Schließtage": ("schließtage", "geschlossen", "schließzeiten"),
    "An Feiertagen": ("an feiertagen", "feiertags"),
}
"""Our columns and the names lists give them (compared without case, umlauts kept)."""
VALUE_TABLES = ("Themen", "Stadtteil", "Einzugsgebiet", "Anbieter-ID")
"""Our columns whose values a person maps: what a town calls a topic, a district, a provider."""


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[^\w\s-]", " ", text).replace("_", " ").split())


def _float_between(low: float, high: float) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            return low <= float(text.replace(",", ".")) <= high
        except ValueError:
            return False
    return check


def _reads(reader: Callable) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            reader(text)
        except values.Unreadable:
            return False
        return True
    return check


def _schedule_ok(text: str) -> bool:
    parts = values.schedule_parts(text)
    return bool(parts) and all(_reads(values.schedule)(p) for p in parts)


CONTENT: dict[str, tuple[Callable[[str], bool], str, bool]] = {
    "Telefon": (lambda t: not values.phones(t)[1] and bool(values.phones(t)[0]), "phone numbers", True),
    "E-Mail": (lambda t: bool(EMAIL.match(t.removeprefix("mailto:"))), "e-mail addresses", True),
    "Webseite": (lambda t: bool(re.match(r"^(https?://|www\.)\S+$", t, re.IGNORECASE)),
                 "web addresses", True),
    "PLZ": (lambda t: bool(re.fullmatch(r"\d{4,5}", t)), "postal codes", True),
    "Breitengrad": (_float_between(47.0, 55.5), "latitudes in Germany", False),
    "Längengrad": (_float_between(5.5, 15.5), "longitudes in Germany", False),
    "Alter": (lambda t: not t.isdigit() and _reads(values.ages)(t), "ages", True),
    "Zeiten": (_schedule_ok, "days and times", True),
    "Sprachen": (lambda t: not values.languages(t)[1], "languages", False),
    "Kostenlos": (_reads(values.yes_no), "yes or no", False),
    "Anmeldung nötig": (_reads(values.yes_no), "yes or no", False),
    "Rollstuhlgerecht": (_reads(values.yes_no), "yes or no", False),
    "An Feiertagen": (_reads(values.yes_no), "yes or no", False),
    "Kosten": (lambda t: values.is_free_text(t) or values.names_an_amount(t), "costs", False),
    "Gültig ab": (_reads(values.date), "dates", False),
    "Gültig bis": (_reads(values.date), "dates", False),
    "Zuletzt geprüft": (_reads(values.date), "dates", False),
    "Plätze": (lambda t: t.isdigit(), "numbers", False),
    "Zielgruppe": (lambda t: t.strip().casefold() in AUDIENCE, "Kind, Eltern or Familie", False),
    "Form": (lambda t: t.strip().casefold() in ATTENDING, "forms of attending", False),
}
"""Our column → (a test of one cell, what passing cells are, whether the content alone may
choose the column)."""


FREE_TEXT = frozenset({"Titel", "Kurzbeschreibung", "Beschreibung", "Anmeldung", "Zeiten (Hinweis)",
                       "Barrierefreiheit", "Ort"})


@dataclass
class Match:
    ours: str
    theirs: str
    confidence: float
    why: str


@dataclass
class Draft:
    """The mapping file's text and what is left for a person to do."""

    text: str
    sheet: str
    matched: list[Match]
    unused: list[str]
    to_fill: dict[str, int] = field(default_factory=dict)
    """A section of the file → how many of its entries are empty."""


def draft_mapping(path: Path, content_dir: Path, today: dt.date) -> Draft:
    """A mapping draft for the spreadsheet at path, against the catalogue in content_dir."""
    expected = frozenset(name for names in NAMES.values() for name in names) | frozenset(NAMES)
    tables = sheets.read(path, expected)
    table = max(tables.values(), key=lambda t: (len(t.rows) * len(t.headers), -t.position))
    by_ours = {m.ours: m for m in _match(_columns(table))}
    filled = _fill_down(table, by_ours)
    if filled:
        fill_down(table, [filled])
    repeats = repeated_rows(table)  # a row copied twice is imported once: not a second id
    table.rows = [(n, cells) for n, cells in table.rows if n not in repeats]
    columns = _columns(table)
    by_ours = {m.ours: m for m in _match(columns)}
    return _write(path, table, tables, columns, by_ours, Vocabulary(content_dir), content_dir,
                  today, filled)


def _columns(table: Table) -> dict[str, list[str]]:
    return {h: [cells.get(h, "") for _, cells in table.rows] for h in table.headers}


def _match(columns: dict[str, list[str]]) -> list[Match]:
    """Each of our columns to at most one of theirs, the surest first."""
    candidates = []
    for theirs, cells in columns.items():
        filled = [c for c in cells if c.strip()]
        for ours in NAMES:
            found = _score(ours, theirs, filled)
            if found is not None:
                candidates.append(found)
    candidates.sort(key=lambda m: -m.confidence)
    taken_ours, taken_theirs, result = set(), set(), []
    for match in candidates:
        if match.ours in taken_ours or match.theirs in taken_theirs or match.confidence < 0.45:
            continue
        taken_ours.add(match.ours)
        taken_theirs.add(match.theirs)
        result.append(match)
    return result


def _score(ours: str, theirs: str, filled: list[str]) -> Match | None:
    name = _normal(theirs)
    names = {_normal(n) for n in NAMES[ours]} | {_normal(ours)}
    if name in names:
        by_name, said = 1.0, f"name {theirs!r}"
    elif any(min(len(n), len(name)) >= 4 and (n in name.split() or name.startswith(n)
                                              or n.startswith(name)) for n in names):
        by_name, said = 0.7, f"name {theirs!r} is like {ours!r}"
    else:
        by_name, said = 0.0, ""
    if ours in FREE_TEXT and filled and \
            sum(1 for c in filled if _reads(values.yes_no)(c)) >= 0.8 * len(filled):
        return None  # a column of yes and no is no free text, whatever its name
    test = CONTENT.get(ours)
    if ours == "ID" and len(set(filled)) < len(filled):
        return None  # an id column holds each value once
    if test is None or not filled:
        return Match(ours, theirs, 0.9 * by_name, said) if by_name else None
    check, what, alone = test
    passing = sum(1 for cell in filled if check(cell))
    share = passing / len(filled)
    content = f"{passing} of {len(filled)} values are {what}"
    if by_name and share < 0.5 and ours in ("Anmeldung nötig", "Kostenlos", "Rollstuhlgerecht"):
        return None  # a text column of that name: the free-text column of ours fits better
    if by_name:
        return Match(ours, theirs, 0.5 * by_name + 0.5 * share, f"{said}, {content}")
    if alone and share >= 0.8:
        return Match(ours, theirs, 0.8 * share, content)
    return None


# --- writing the file -------------------------------------------------------------------


def _with(text: str, comment: str = "") -> str:
    """A line of the draft with its comment lined up."""
    return f"{text.ljust(43)} # {comment}" if comment else text


def _write(path: Path, table: Table, tables: dict[str, Table], columns: dict[str, list[str]],
           by_ours: dict[str, Match], vocabulary: Vocabulary, content_dir: Path,
           today: dt.date, fill: str | None) -> Draft:
    out: list[str] = []
    to_fill: dict[str, int] = {}
    add = out.append
    add(f"# Mapping draft for {path.name}, written by `finder import --draft-mapping` on "
        f"{today.isoformat()}.")
    add("# Each line says how sure the match is. Check them, fill in every \"\" below, then:")
    add(f"#   finder import {path.name} --mapping <this file>")
    add(f"# The header row is row {table.header_row} of sheet {table.name!r}; "
        f"{len(table.rows)} rows below it.")
    add("offers:")
    if len(tables) > 1:
        add(_with(f"  sheet: {_quoted(table.name)}",
                  "of: " + ", ".join(f"{t.position}: {t.name}" for t in tables.values())))
    if fill:
        add(_with(f"  fill_down: [{_quoted(fill)}]", "empty cells below a provider take the one "
                                                     "above (merged cells saved as CSV)"))
    add(_with("  columns:", "our column: their column"))
    for ours in NAMES:
        match = by_ours.get(ours)
        if match and ours != "ID":
            add(_with(f"    {ours}: {_quoted(match.theirs)}",
                      f"{round(100 * match.confidence)} %: {match.why}"))
    for ours in NAMES:
        if ours not in by_ours and ours in table.headers and any(
                m.theirs == ours for m in by_ours.values()):
            add(_with(f"    {ours}: ~", f"their {ours!r} is used above: ours stays empty"))
    add("  templates:")
    id_match = by_ours.get("ID")
    if id_match:
        prefix = slug(path.stem)[:20].strip("-")
        add(_with(f"    ID: \"{prefix}-{{{id_match.theirs}}}\"",
                  f"{round(100 * id_match.confidence)} %: {id_match.why}; the ids stay the same "
                  "on the next import"))
    else:
        add("    # ID: no column of ids found; each offer's id is made from its title")
    add(_with("  values:", "our column: {their value: our value}"))
    for ours in VALUE_TABLES:
        match = by_ours.get(ours)
        if match is None:
            continue
        postal = columns[by_ours["PLZ"].theirs] if "PLZ" in by_ours else None
        entries = _value_table(ours, columns[match.theirs], vocabulary, content_dir, postal)
        empty = sum(1 for v, _ in entries.values() if not v)
        if empty:
            to_fill[f"values.{ours}"] = empty
        add(_with(f"    {ours}:", _value_comment(ours, empty, len(entries))))
        for theirs, (value, why) in sorted(entries.items()):
            add(_with(f"      {_quoted(theirs)}: {_quoted(value)}", why))
    add(_with("  constants:", "our column: the same value in every row"))
    for line, section in _constants(by_ours, _stand(table)):
        add(line)
        if section:
            to_fill[section] = to_fill.get(section, 0) + 1
    drop = [c for c in ("Telefon", "E-Mail", "Webseite") if c in by_ours]
    if drop:
        add(_with(f"  drop_bad: [{', '.join(drop)}]",
                  "a bad value here is left out and reported; the row stays"))
    provider = by_ours.get("Anbieter-ID")
    if provider:
        add("providers:")
        add(_with("  from_offers: true", f"no provider sheet: one provider per value of "
                                         f"{provider.theirs!r}, its id from values.Anbieter-ID"))
        add("  columns:")
        add(f"    Name: {_quoted(provider.theirs)}")
    unused = [h for h in table.headers if h not in {m.theirs for m in by_ours.values()}]
    if unused:
        add("# Their columns not used (map them above if they hold something of ours): "
            + ", ".join(repr(h) for h in unused))
    text = "\n".join(out) + "\n"
    yaml.safe_load(text)  # a draft that is not valid YAML is our bug, not the user's
    return Draft(text, table.name, list(by_ours.values()), unused, to_fill)


def _quoted(text: str) -> str:
    """A YAML scalar that stays text: quoted unless plainly safe."""
    if re.fullmatch(r"[A-Za-zÄÖÜäöüß][\w .()/-]*", text) and not text.endswith(":") \
            and text.casefold() not in ("ja", "nein", "yes", "no", "true", "false", "on", "off",
                                        "null", "y", "n"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value_comment(ours: str, empty: int, total: int) -> str:
    what = {"Themen": "topic ids or German names from vocabulary.yaml (several with commas)",
            "Stadtteil": "district ids from districts.yaml",
            "Einzugsgebiet": "district ids, or stadtweit",
            "Anbieter-ID": "the provider's id: lower-case letters, digits, dashes"}[ours]
    left = f"{empty} of {total} to fill in" if empty else f"all {total} guessed: check them"
    return f"{left}; {what}"


def _value_table(ours: str, cells: list[str], vocabulary: Vocabulary, content_dir: Path,
                 postal: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """Every distinct value of their column → (our value or "", why); postal, the rows'
    postal codes, gives a district name of the list's own a hint to decide it by."""
    distinct: list[str] = []
    for cell in cells:
        parts = [cell.strip()] if ours == "Anbieter-ID" else \
            [p.strip() for p in re.split(r"[,;]", cell)]
        distinct += [p for p in parts if p and p not in distinct]
    if ours == "Themen":
        return {v: _topic(v, vocabulary, content_dir) for v in distinct}
    if ours in ("Stadtteil", "Einzugsgebiet"):
        found = {v: _district(v, vocabulary, ours) for v in distinct}
        if ours == "Stadtteil" and postal:
            for value, (key, _) in found.items():
                if not key:
                    codes = sorted({p.strip() for c, p in zip(cells, postal, strict=True)
                                    if c.strip() == value and p.strip()})
                    found[value] = ("", _postal_hint(codes, vocabulary))
        return found
    return _provider_ids(distinct, content_dir)


def _postal_hint(codes: list[str], vocabulary: Vocabulary) -> str:
    """Which of our districts the rows' postal codes lie in (districts.yaml), as a hint: a
    list's own district name is the person's to decide, the codes may cross a border."""
    ours = sorted({d for code in codes for d in vocabulary.postal_codes.get(code, ())})
    if not ours:
        return ""
    names = vocabulary.district_names
    return (f"its rows' postal code {', '.join(codes)} lies in "
            + " or ".join(f"{d} ({names.get(d, d)})" for d in ours))


def _topic(value: str, vocabulary: Vocabulary, content_dir: Path) -> tuple[str, str]:
    key = vocabulary.topics.get(value.casefold())
    if key:
        return key, "our topic of that name"
    found = _topic_words(content_dir).get(value.casefold(), set())
    if len(found) == 1:
        return next(iter(found)), f"guessed: {value!r} is a word of that topic"
    if found:
        return "", "one of " + ", ".join(sorted(found))
    return "", ""


def _topic_words(content_dir: Path) -> dict[str, set[str]]:
    """German words of each topic (vocabulary.yaml) → the topics that use them."""
    raw = yaml.safe_load((Path(content_dir) / "vocabulary.yaml").read_text(encoding="utf-8")) or {}
    words: dict[str, set[str]] = {}
    for topic, entry in (raw.get("topics") or {}).items():
        for word in ((entry or {}).get("words") or {}).get("de") or []:
            words.setdefault(str(word).casefold(), set()).add(topic)
    return words


def _district(value: str, vocabulary: Vocabulary, ours: str) -> tuple[str, str]:
    if ours == "Einzugsgebiet" and value.casefold() in ("stadtweit", "ganze stadt", "alle"):
        return "stadtweit", "the whole town"
    key = vocabulary.districts.get(value.casefold())
    return (key, "our district of that name") if key else ("", "")


def _provider_ids(names: list[str], content_dir: Path) -> dict[str, tuple[str, str]]:
    """A provider already in the catalogue under the same name keeps its id; the others
    get one made from their name, made unique where it is taken."""
    existing = {}
    for file in sorted((Path(content_dir) / "providers").glob("*.yaml")):
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if isinstance(raw, dict) and raw.get("id"):
            existing[str(raw["id"])] = " ".join(str(raw.get("name", "")).split())
    by_name = {name.casefold(): pid for pid, name in existing.items()}
    result, used = {}, set(existing)
    for name in names:
        pid = by_name.get(" ".join(name.split()).casefold())
        if pid:
            result[name] = (pid, "in the catalogue already: its offers are added to it")
            continue
        pid, n = slug(name), 2
        why = "made from the name"
        if pid in existing and alike(existing[pid], name):
            result[name] = (pid, f"in the catalogue as {existing[pid]!r}: its offers are added "
                                 "to it (write another id if it is another provider)")
            continue
        if pid in existing:
            why = f"{pid!r} is {existing[pid]!r} in the catalogue: made unique"
        while pid in used:
            pid, n = f"{slug(name)}-{n}", n + 1
        used.add(pid)
        result[name] = (pid, why)
    return result


def _constants(by_ours: dict[str, Match], stand: str | None) -> list[tuple[str, str | None]]:
    """Lines for what every row needs and no column gives: (line, the entry to fill or None)."""
    lines: list[tuple[str, str | None]] = []
    if "Kostenlos" not in by_ours and "Kosten" not in by_ours:
        lines.append((_with('    Kostenlos: ""', "fill in: ja or nein for every row (no column "
                                                "says what it costs)"), "constants.Kostenlos"))
    if "Anbieter-ID" not in by_ours:
        lines.append((_with('    Anbieter-ID: ""', "fill in: the id of the provider of every row "
                                                  "(no column names providers)"),
                      "constants.Anbieter-ID"))
    if "Themen" not in by_ours:
        lines.append((_with('    Themen: ""', "fill in: a topic id for every row (no column "
                                             "names topics)"), "constants.Themen"))
    if "Zuletzt geprüft" not in by_ours and stand:
        lines.append((_with(f"    Zuletzt geprüft: {stand}", "the date of the list (its title "
                                                            "line)"), None))
    if "Sprachen" not in by_ours:
        lines.append((_with("    Sprachen: de", "no column names languages: German"), None))
    return lines or [("    # none needed: the columns above give every row what it needs", None)]


def _stand(table: Table) -> str | None:
    """The list's date from a title line such as "Stand: 01.03.2026"."""
    for _, text in table.layout:
        found = re.search(r"stand\W+(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2})", text,
                          re.IGNORECASE)
        if found:
            return values.date_or_none(found[1])
    return None


def _fill_down(table: Table, by_ours: dict[str, Match]) -> str | None:
    """The provider column, when its empty cells sit below a filled one (a CSV saved from
    a sheet with merged cells keeps the value in the first row only)."""
    match = by_ours.get("Anbieter-ID")
    if match is None or table.encoding == "xlsx":
        return None
    cells = [cells.get(match.theirs, "").strip() for _, cells in table.rows]
    gaps = sum(1 for before, cell in zip(cells, cells[1:]) if before and not cell)
    return match.theirs if gaps and cells and cells[0] else None
