"""The checks every content file shares: fields, texts, ids, phones, dates,
translations; each problem is kept with its file and line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from finder.content import numbers
from finder.content.yamlfile import Mapping, Problem, Sequence
from finder.model import LANGUAGES, TRANSLATABLE
from finder.model.glossary import Glossary

SPOKEN_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
PHONE = re.compile(r"^\+?[0-9][0-9 /()-]{4,22}[0-9]$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s]*)?$")
TIME = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
ID = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")



class Checker:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.file = ""
        self.glossary = Glossary()
        """The terms every translated text is held to (glossary.yaml)."""
        self.notes: list[Problem] = []
        """What a person should look at but need not stop a build: numbers that differ
        between a translation and its German."""
        self.explained: list[Problem] = []
        """Numbers that differ, with the reason a translation file gives (numbers_differ)."""
        self.inline: dict[tuple[str, str, str], tuple[str, int]] = {}
        """Where a provider file itself translates a field: (what, lang, field) -> file, line."""

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def line_of(self, mapping: Any, key: str | None = None) -> int:
        if isinstance(mapping, Mapping):
            return mapping.lines.get(key, mapping.line) if key else mapping.line
        return 1

    def expect_mapping(self, value: Any, line: int, what: str) -> bool:
        if not isinstance(value, dict):
            self.problem(line, f"{what} must be a mapping of field: value")
            return False
        return True

    def unknown_fields(self, mapping: Mapping, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(self.line_of(mapping, key),
                             f"unknown field {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")

    def text(self, mapping: Mapping, key: str, what: str, required: bool = True) -> str | None:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(self.line_of(mapping), f"{what} has no German {key!r}")
            return None
        if not isinstance(value, str):
            self.problem(self.line_of(mapping, key), f"{key!r} of {what} must be text")
            return None
        return " ".join(value.split()) if key in ("name", "summary") else value.strip()

    def translations(self, mapping: Mapping, kind: str, what: str) -> dict:
        raw = mapping.get("translations")
        if raw is None:
            return {}
        if not self.expect_mapping(raw, self.line_of(mapping, "translations"), "translations"):
            return {}
        result = {}
        for lang, fields in raw.items():
            line = self.line_of(raw, lang)
            if lang not in LANGUAGES or lang == "de":
                self.problem(line, f"translation into unsupported language {lang!r} in {what} "
                                   f"(supported: {', '.join(LANGUAGES[1:])})")
                continue
            if not self.expect_mapping(fields, line, f"translation {lang!r}"):
                continue
            result[lang] = self.translated_fields(fields, kind, lang, what,
                                                  original=mapping.get, tidy=str.strip)
            for key in result[lang]:
                self.inline[(what, lang, key)] = (self.file, self.line_of(fields, key))
        return result

    def translated_fields(self, fields: Mapping, kind: str, lang: str, what: str,
                          original, tidy, reasons: dict | None = None) -> dict[str, str]:
        """One language's texts of a provider or offer, each checked: a field that can
        be translated, not empty, with a German original, true to the glossary; numbers
        that differ from the German's are noted."""
        texts = {}
        for key, value in fields.items():
            line = self.line_of(fields, key)
            german = original(key) if key in TRANSLATABLE[kind] else None
            if key not in TRANSLATABLE[kind]:
                self.problem(line, f"field {key!r} cannot be translated in {what}")
            elif not isinstance(value, str) or not value.strip():
                self.problem(line, f"translation {lang}.{key} of {what} is empty")
            elif not isinstance(german, str) or not german.strip():
                self.problem(line, f"translation {lang}.{key} of {what} has no German original")
            else:
                texts[key] = tidy(value) if key != "description" else value.strip()
                for message in self.glossary.problems(german, texts[key], lang):
                    self.problem(line, f"translation {lang}.{key} of {what}: {message}")
                self.compare_numbers(german, texts[key], line, f"{lang}.{key} of {what}",
                                     (reasons or {}).get(key))
        return texts

    def compare_numbers(self, german: str, translated: str, line: int, what: str,
                        reason: str | None = None) -> None:
        """Note a translation whose numbers differ from the German's; with the reason the
        translation file gives, it is listed apart as explained."""
        missing, extra = numbers.differences(german, translated)
        if not missing and not extra:
            if reason:
                self.notes.append(Problem(self.file, line, f"numbers_differ explains a "
                                          f"difference in {what} that is no longer there"))
            return
        said = [f"missing {', '.join(missing)}" if missing else "",
                f"not in the German {', '.join(extra)}" if extra else ""]
        message = f"numbers of {what} differ from the German: {'; '.join(filter(None, said))}"
        if reason:
            self.explained.append(Problem(self.file, line, f"{message} – {reason}"))
        else:
            self.notes.append(Problem(self.file, line, message))

    def phones(self, mapping: Mapping, what: str) -> list[str]:
        raw = mapping.get("phones", [])
        if isinstance(raw, str):
            raw = [raw]
        result = []
        for i, phone in enumerate(raw if isinstance(raw, list) else [raw]):
            line = raw.lines[i] if isinstance(raw, Sequence) else self.line_of(mapping, "phones")
            if not isinstance(phone, str) or not PHONE.match(phone):
                self.problem(line, f"malformed phone number {phone!r} in {what}")
            else:
                result.append(phone)
        return result

    def pattern(self, mapping: Mapping, key: str, pattern: re.Pattern, what: str, kind: str):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not pattern.match(value):
            self.problem(self.line_of(mapping, key), f"malformed {kind} {value!r} in {what}")
            return None
        return value

    def flag(self, mapping: Mapping, key: str, what: str) -> bool:
        """A yes/no field that is false when left out."""
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.problem(self.line_of(mapping, key), f"{key} of {what} must be true or false")
        return value is True

    def date(self, mapping: Mapping, key: str, what: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.problem(self.line_of(mapping, key), f"{key} of {what} must be a date like 2026-03-01, "
                                                 f"not {value!r}")
        return None

    def ids(self, mapping: Mapping, key: str, known, kind: str, what: str) -> list[str]:
        raw = mapping.get(key)
        if raw is None:
            return []
        if isinstance(raw, str):
            raw = Sequence([raw])
            raw.lines = [self.line_of(mapping, key)]
        if not isinstance(raw, list):
            self.problem(self.line_of(mapping, key), f"{key} of {what} must be a list")
            return []
        result = []
        for i, value in enumerate(raw):
            line = raw.lines[i] if isinstance(raw, Sequence) else self.line_of(mapping, key)
            if value not in known:
                self.problem(line, f"unknown {kind} {value!r} in {what}")
            elif value not in result:
                result.append(value)
        return result


def is_coordinate(value: Any, bound: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and -bound <= value <= bound


class AnyLanguage:
    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(SPOKEN_LANGUAGE.match(value))
