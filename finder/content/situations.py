"""situations.yaml: how families describe the situations each offer helps with, in every
language. Written by people who read the offer (never the test queries): the words of the
family's problem ("mein Kind zockt die ganze Nacht") beside the words of the service
("Beratung bei Mediensucht"). The build indexes them with the offer, so that a need told
in new words still reaches it (document-side expansion)."""

from __future__ import annotations

from typing import Any

from finder.content.checker import Checker
from finder.model import LANGUAGES

MAX_LENGTH = 200
"""A situation is a sentence or a few words, never a text."""


def check_situations(c: Checker, data: Any, offer_ids: set[str]) -> dict[str, dict[str, list[str]]]:
    """situations.yaml as {offer id: {language: [situations]}}; every problem with its line."""
    if data is None:
        return {}
    if not c.expect_mapping(data, 1, "situations.yaml") or not c.expect_mapping(
            data.get("situations"), c.line_of(data), "the situations section of situations.yaml"):
        return {}
    entries = data["situations"]
    result: dict[str, dict[str, list[str]]] = {}
    for offer_id, by_lang in entries.items():
        line = c.line_of(entries, offer_id)
        if offer_id not in offer_ids:
            c.problem(line, f"situations for unknown offer {offer_id!r}")
            continue
        if not c.expect_mapping(by_lang, line, f"the situations of {offer_id!r}"):
            continue
        found: dict[str, list[str]] = {}
        for lang, items in by_lang.items():
            where = c.line_of(by_lang, lang)
            if lang not in LANGUAGES:
                c.problem(where, f"situations of {offer_id!r} in unsupported language {lang!r}")
                continue
            if not isinstance(items, list) or not all(
                    isinstance(s, str) and s.strip() and len(s) <= MAX_LENGTH for s in items):
                c.problem(where, f"situations.{lang} of {offer_id!r} must be a list of short "
                                 f"texts (at most {MAX_LENGTH} characters each)")
                continue
            found[lang] = [" ".join(s.split()) for s in items]
        result[offer_id] = found
    return result
