"""translations/<lang>.yaml: one language's texts of providers and offers, and how much
of the German is translated."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from finder.content.checker import Checker
from finder.content.yamlfile import Mapping
from finder.model import LANGUAGES, TRANSLATABLE

if TYPE_CHECKING:
    from finder.content.load import Content

TRANSLATION_FILE_FIELDS = {"language", "translator", "providers", "offers"}
MARK = "translated_from"
"""An entry's note of the German its texts were translated from: {field: hash}."""
HASH = re.compile(r"^[0-9a-f]{8}$")


def merge_translations(c: Checker, data: Any, lang: str, providers: list[dict],
                        offers: list[dict]) -> None:
    """translations/<lang>.yaml: one language's texts for any provider and offer, kept
    apart from the German so that a translator works in one file. A text here wins over
    one written into the provider file."""
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
            texts = Mapping({k: v for k, v in fields.items() if k != MARK})
            texts.line, texts.lines = fields.line, fields.lines
            original["translations"].setdefault(lang, {}).update(c.translated_fields(
                texts, kind, lang, f"{kind} {item_id!r}",
                has_original=lambda key, original=original: bool(original.get(key)),
                tidy=lambda text: " ".join(text.split())))
            original["translated_by"][lang] = str(data.get("translator", ""))
            if MARK in fields:
                original["translated_from"][lang] = _marks(c, fields, kind, f"{kind} {item_id!r}")


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
