"""Reviews of translations: how many texts of each language are reviewed, unreviewed or
older than their German, and writing a review into a translation file.

A review is two lines in an entry of translations/<lang>.yaml: `translated_from: {field:
hash, …}`, the marks of the German texts it was checked against (finder.model.text_hash,
the same marks a translator writes and the coordinator's write-back adds), and `reviewed:
{by: …, date: …, translation: …}`, who checked, on which day, and the fingerprint of the
translation as it was (finder.model.translation_fingerprint). The offer page reads the
state from them (Offer.translation_state); a change of either text afterwards shows
without anyone having to remember it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from finder.content.load import Content, load
from finder.model import LANGUAGES, Offer, text_hash, translation_fingerprint
from finder.model.offer import TRANSLATABLE

SECTIONS = (("providers", "provider"), ("offers", "offer"))


class ReviewError(Exception):
    """The review cannot be written; the message says why and what to do."""


def states(content: Content) -> list[tuple[str, Counter]]:
    """Per language, how many offers' texts are reviewed, unreviewed, outdated (older than
    the German) or missing."""
    offers = [Offer.from_record(offer) for offer in content.offers]
    return [(lang, Counter(offer.translation_state(lang) for offer in offers))
            for lang in LANGUAGES[1:]]


@dataclass(frozen=True)
class Stamp:
    kind: str
    id: str
    line: str


def write_reviews(root: Path, lang: str, ids: list[str] | None, by: str, day: dt.date,
                  dry_run: bool = False) -> list[Stamp]:
    """Record that the translations of these providers and offers (None: every entry of
    the file) were reviewed by `by` on `day`, against the German as it is now."""
    if lang not in LANGUAGES[1:]:
        raise ReviewError(f"unsupported language {lang!r} (supported: {', '.join(LANGUAGES[1:])})")
    if not by.strip():
        raise ReviewError("say who reviewed the translation (--by)")
    path = root / "translations" / f"{lang}.yaml"
    if not path.exists():
        raise ReviewError(f"{path} does not exist")
    content = load(root)  # raises ContentError: a review is written on checked content only
    records = {("provider", p["id"]): p for p in content.providers}
    records.update({("offer", o["id"]): o for o in content.offers})
    lines = path.read_text(encoding="utf-8").splitlines()
    stamps: list[Stamp] = []
    wanted = set(ids) if ids is not None else None
    for section, kind in SECTIONS:
        for item_id, start, end in _entries(lines, section):
            if wanted is not None and item_id not in wanted:
                continue
            record = records[(kind, item_id)]
            translated = record["translations"].get(lang, {})
            marks = ", ".join(f'{key}: "{text_hash(record.get(key))}"'  # quoted: digits read as a number
                              for key in TRANSLATABLE[kind] if translated.get(key))
            line = (f"    translated_from: {{{marks}}}\n"
                    f"    reviewed: {{by: {json.dumps(by.strip(), ensure_ascii=False)}, "
                    f"date: {day.isoformat()}, "
                    f"translation: \"{translation_fingerprint(kind, translated)}\"}}")
            stamps.append(Stamp(kind, item_id, line))
            _replace_review(lines, start, end, line)
    missing = (wanted or set()) - {s.id for s in stamps}
    if missing:
        raise ReviewError(f"not in {path.name}: {', '.join(sorted(missing))}")
    if not dry_run:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stamps


def _entries(lines: list[str], section: str):
    """(id, first line, line after the last) of each entry of a section, last first, so
    that inserting a line leaves the positions of those still to come."""
    found, inside, current = [], False, None
    for i, text in enumerate(lines):
        if text and not text[0].isspace():
            if current:
                found.append((*current, _block_end(lines, current[1], i)))
                current = None
            inside = text.rstrip() == f"{section}:"
            continue
        match = re.match(r"^  ([a-z0-9][a-z0-9-]*):\s*$", text)
        if inside and match:
            if current:
                found.append((*current, _block_end(lines, current[1], i)))
            current = (match.group(1), i)
    if current:
        found.append((*current, _block_end(lines, current[1], len(lines))))
    return reversed(found)


def _block_end(lines: list[str], start: int, stop: int) -> int:
    """The line after the entry's last non-empty line."""
    end = stop
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _replace_review(lines: list[str], start: int, end: int, review: str) -> None:
    """The entry's marks and review replaced by new ones, at its end."""
    for i in range(end - 1, start, -1):
        if lines[i].startswith(("    reviewed:", "    translated_from:")):
            del lines[i]
            end -= 1
    lines[end:end] = review.split("\n")
