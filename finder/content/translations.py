"""translations/<lang>.yaml: one language's texts of providers and offers, and how much
of the German is translated."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from finder.content.checker import Checker
from finder.content.yamlfile import Mapping, Problem
from finder.model import LANGUAGES, TRANSLATABLE

if TYPE_CHECKING:
    from finder.content.load import Content

TRANSLATION_FILE_FIELDS = {"language", "translator", "providers", "offers"}
REVIEW_FIELDS = {"by", "date", "translation"}
MARK = "translated_from"
"""An entry's note of the German its texts were translated from (or last checked against):
{field: hash}."""
ENTRY_RECORDS = (MARK, "reviewed", "numbers_differ")
"""What an entry of a translation file holds besides texts: the marks of the German it was
made from, its review, and the reasons why a field's numbers may differ from the German's."""
FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")
HASH = re.compile(r"^[0-9a-f]{8}$")


def merge_translations(c: Checker, data: Any, lang: str, providers: list[dict],
                        offers: list[dict]) -> None:
    """translations/<lang>.yaml: one language's texts for any provider and offer, kept
    apart from the German so that a translator works in one file, each with its review.
    A field translated here must not also be translated in the provider file."""
    if data is None or not c.expect_mapping(data, 1, f"translations/{lang}.yaml"):
        return
    if lang not in LANGUAGES or lang == "de":
        c.problem(1, f"translations into unsupported language {lang!r} "
                     f"(supported: {', '.join(LANGUAGES[1:])})")
        return
    c.unknown_fields(data, TRANSLATION_FILE_FIELDS, "translation file")
    if data.get("language") != lang:
        c.problem(c.line_of(data, "language") if "language" in data else 1,
                  f"language: must be {lang!r}, the name of the file")
    if not isinstance(data.get("translator"), str) or not data["translator"].strip():
        c.problem(1, "translator: say who translated (a translation is marked as ours)")
    originals = {"providers": {p["id"]: p for p in providers},
                 "offers": {o["id"]: o for o in offers}}
    for section, kind in (("providers", "provider"), ("offers", "offer")):
        entries = data.get(section) or {}
        if not c.expect_mapping(entries, c.line_of(data, section) if section in data else 1,
                                section):
            continue
        for item_id, fields in entries.items():
            line = c.line_of(entries, item_id)
            original = originals[section].get(item_id)
            if original is None:
                c.problem(line, f"unknown {kind} id {item_id!r}")
                continue
            if not c.expect_mapping(fields, line, f"{kind} {item_id!r}"):
                continue
            what = f"{kind} {item_id!r}"
            review = _check_review(c, fields, lang, what)
            texts = c.translated_fields(
                _without(fields, *ENTRY_RECORDS), kind, lang, what, original=original.get,
                tidy=lambda text: " ".join(text.split()),
                reasons=_number_reasons(c, fields, kind, what))
            _one_source(c, texts, fields, lang, what)
            original["translations"].setdefault(lang, {}).update(texts)
            original["translated_by"][lang] = str(data.get("translator", ""))
            marks = _marks(c, fields, kind, what) if MARK in fields else {}
            if MARK in fields:
                original["translated_from"][lang] = marks
            if review:
                _reviewed_with_marks(c, fields, texts, marks, lang, what)
                original.setdefault("reviews", {})[lang] = review


def _reviewed_with_marks(c: Checker, fields: Mapping, texts: dict, marks: dict, lang: str,
                         what: str) -> None:
    """A review names the German it checked against by the marks of translated_from, so
    that a later change of the German shows (Offer.outdated_translation); a reviewed text
    without its mark could not show it."""
    unmarked = [key for key in texts if key not in marks]
    if unmarked:
        c.problem(c.line_of(fields, "reviewed"), (
            f"reviewed of {lang} {what}: no translated_from mark for {', '.join(unmarked)}; "
            "record the review with finder translations reviewed, which writes them"))


def _marks(c: Checker, fields: Mapping, kind: str, what: str) -> dict[str, str]:
    """translated_from: per translated text, the hash (finder.model.text_hash) of the
    German it was translated from."""
    line = c.line_of(fields, MARK)
    marks = fields[MARK]
    if not isinstance(marks, dict):
        c.problem(line, f"{MARK} of {what} must be a mapping of text: hash")
        return {}
    result = {}
    for key, value in marks.items():
        if key not in TRANSLATABLE[kind]:
            c.problem(line, f"{MARK} of {what}: {key!r} cannot be translated")
        elif not fields.get(key):
            c.problem(line, f"{MARK} of {what}: {key!r} is not translated here")
        elif not isinstance(value, str) or not HASH.match(value):
            c.problem(line, f"{MARK} of {what}: {key} must be the 8-letter hash of the German "
                            'text in quotes, like "0a1b2c3d" (finder check --outdated prints it)')
        else:
            result[key] = value
    return result


def _without(fields: Mapping, *keys: str) -> Mapping:
    """A mapping without some keys, its lines kept."""
    rest = Mapping({k: v for k, v in fields.items() if k not in keys})
    rest.line, rest.lines = fields.line, fields.lines
    return rest


def _one_source(c: Checker, texts: dict, fields: Mapping, lang: str, what: str) -> None:
    """A text is translated in one place only: an older copy in a provider file would come
    back the day its entry here is removed."""
    for key in texts:
        inline = c.inline.get((what, lang, key))
        if inline:
            c.problems.append(Problem(inline[0], inline[1], (
                f"translation {lang}.{key} of {what} is also in {c.file}:"
                f"{c.line_of(fields, key)}; keep it in one place (remove this one)")))


def _number_reasons(c: Checker, fields: Mapping, kind: str, what: str) -> dict[str, str]:
    """`numbers_differ:` of an entry: per field, why its numbers rightly differ from the
    German's ("rund um die Uhr" said as "24 hours"); such a difference is listed as explained."""
    raw = fields.get("numbers_differ")
    if raw is None:
        return {}
    line = c.line_of(fields, "numbers_differ")
    if not c.expect_mapping(raw, line, f"numbers_differ of {what}"):
        return {}
    reasons = {}
    for key, why in raw.items():
        if key not in TRANSLATABLE[kind] or not isinstance(why, str) or not why.strip():
            c.problem(c.line_of(raw, key), f"numbers_differ of {what}: say per translated "
                                           f"field why its numbers differ ({key!r})")
            continue
        reasons[key] = " ".join(why.split())
    return reasons


def _check_review(c: Checker, fields: Mapping, lang: str, what: str) -> dict | None:
    """`reviewed:` of an entry: who checked the translation against the German, on which day,
    and the fingerprint of the translation as it was (finder translations reviewed writes it,
    and the marks of the German in translated_from)."""
    raw = fields.get("reviewed")
    if raw is None:
        return None
    line = c.line_of(fields, "reviewed")
    if not c.expect_mapping(raw, line, f"reviewed of {lang} {what}"):
        return None
    c.unknown_fields(raw, REVIEW_FIELDS, f"reviewed of {lang} {what}")
    review = {"by": raw.get("by"), "date": raw.get("date"), "translation": raw.get("translation")}
    if not isinstance(review["by"], str) or not review["by"].strip():
        c.problem(line, f"reviewed of {lang} {what}: say who reviewed it (by)")
        return None
    if isinstance(review["date"], dt.date):
        review["date"] = review["date"].isoformat()
    if not isinstance(review["date"], str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["date"]):
        c.problem(line, f"reviewed of {lang} {what}: `date` must be a day like 2026-12-05")
        return None
    if not isinstance(review["translation"], str) or not FINGERPRINT.match(review["translation"]):
        c.problem(line, f"reviewed of {lang} {what}: `translation` must be the fingerprint that "
                        "`finder translations reviewed` writes")
        return None
    return review


def coverage(content: Content) -> list[tuple[str, dict[str, tuple[int, int]]]]:
    """Per language, per translatable field: (translated, German texts there are)."""
    result = []
    for lang in LANGUAGES[1:]:
        fields: dict[str, tuple[int, int]] = {}
        for kind, items in (("offer", content.offers), ("provider", content.providers)):
            for key in sorted(TRANSLATABLE[kind]):
                if kind == "provider" and key == "name":
                    continue
                having = [i for i in items if i.get(key)]
                done = sum(1 for i in having if i["translations"].get(lang, {}).get(key))
                fields[f"{kind}.{key}"] = (done, len(having))
        result.append((lang, fields))
    return result
