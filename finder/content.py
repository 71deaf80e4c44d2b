"""Load and validate the catalogue's content files.

The catalogue is plain YAML reviewed in git. This module reads it, remembers the
line of every value so that each problem can name its file and line, and turns it
into plain, normalised records for the build. It reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from finder import geo
from finder.model import PHASE_IDS, TOPIC_IDS, phases_for_range
from finder.schedule import WEEKDAYS

UI_LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa")
"""Languages that texts may be translated into."""

SPOKEN_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
PHONE = re.compile(r"^\+?[0-9][0-9 /()-]{4,22}[0-9]$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s]*)?$")
TIME = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
ID = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
ATTENDING = ("in_person", "online", "at_home")
MIN_MONTHS, MAX_MONTHS = -9, 30 * 12 - 1

PROVIDER_FIELDS = {
    "id", "name", "kind", "description", "website", "email", "phones",
    "address_1", "postal_code", "city", "district", "latitude", "longitude",
    "accessibility", "wheelchair_accessible", "translations", "offers",
}
OFFER_FIELDS = {
    "id", "name", "summary", "description", "topics", "phases",
    "min_age_months", "max_age_months", "attending_type", "service_areas",
    "locations", "schedules", "schedule_description", "free", "fees_description",
    "languages", "phones", "email", "url", "registration_required",
    "application_process", "valid_from", "valid_to", "assured_date", "translations", "audience",
    "capacity",
}
AUDIENCES = ("child", "parents", "family")
"""Who an offer is for: the child or young person (its ages are theirs), the parents
(its ages, if any, are the children's: a course for parents of toddlers), or the
whole family together."""
ADULT_MONTHS = 18 * 12
LOCATION_FIELDS = {
    "name", "address_1", "postal_code", "city", "district", "latitude", "longitude",
    "accessibility", "wheelchair_accessible",
}
SCHEDULE_FIELDS = {"byday", "date", "opens_at", "closes_at", "description", "week_of_month",
                   "every_weeks", "first_date"}
TRANSLATABLE = {
    "provider": {"name", "description", "accessibility"},
    "offer": {"name", "summary", "description", "application_process", "fees_description",
              "schedule_description"},
}


class ContentError(Exception):
    """Raised when the content cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


# --- YAML with line numbers -------------------------------------------------


class Mapping(dict):
    """A dict that remembers the line of itself and of each of its keys."""

    line: int = 0
    lines: dict


class Sequence(list):
    line: int = 0
    lines: list


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when there) that keeps line numbers and reads 14:30
    as text, not as 870."""


# YAML 1.1 reads 14:30 as the sexagesimal number 870; opening hours are text here,
# so a time pattern is tried before the number patterns for every leading digit.
_TIME_TEXT = re.compile(r"^[0-9]{1,2}:[0-9]{2}$")
_Loader.yaml_implicit_resolvers = {
    first: ([("tag:yaml.org,2002:str", _TIME_TEXT)] if first.isdigit() else []) + list(resolvers)
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result.lines:
            # YAML would silently keep the last value: a typo that loses data.
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {result.lines[key]})",
                key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML file, keeping line numbers; raise ContentError naming the line."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    try:
        # _Loader is a SafeLoader subclass: no arbitrary objects.
        return yaml.load(text, Loader=_Loader)  # noqa: S506  # nosec B506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([Problem(str(path), line, f"not valid YAML: {error.problem}")]) from None


# --- the validated content --------------------------------------------------


@dataclass
class Content:
    """Everything the build needs, validated and normalised into plain records."""

    vocabulary: dict
    """phases and topics (labels, words), and needs (words, topics, search, emergency)."""
    districts: list[dict]
    providers: list[dict]
    offers: list[dict]
    helplines: list[dict]
    """National emergency and advice numbers, shown on top of crisis searches."""
    town: dict
    """The town: name, languages, imprint, privacy contact, colour (town.yaml)."""


class _Checker:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.file = ""

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
            if lang not in UI_LANGUAGES or lang == "de":
                self.problem(line, f"translation into unsupported language {lang!r} in {what} "
                                   f"(supported: {', '.join(UI_LANGUAGES[1:])})")
                continue
            if not self.expect_mapping(fields, line, f"translation {lang!r}"):
                continue
            result[lang] = self.translated_fields(fields, kind, lang, what,
                                                  has_original=lambda key: key in mapping,
                                                  tidy=str.strip)
        return result

    def translated_fields(self, fields: Mapping, kind: str, lang: str, what: str,
                          has_original, tidy) -> dict[str, str]:
        """One language's texts of a provider or offer, each checked: a field that can
        be translated, not empty, with a German original."""
        texts = {}
        for key, value in fields.items():
            if key not in TRANSLATABLE[kind]:
                self.problem(self.line_of(fields, key),
                             f"field {key!r} cannot be translated in {what}")
            elif not isinstance(value, str) or not value.strip():
                self.problem(self.line_of(fields, key),
                             f"translation {lang}.{key} of {what} is empty")
            elif not has_original(key):
                self.problem(self.line_of(fields, key),
                             f"translation {lang}.{key} of {what} has no German original")
            else:
                texts[key] = tidy(value) if key != "description" else value.strip()
        return texts

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


def load(root: Path) -> Content:
    """Read and validate the content folder; raise ContentError with every problem."""
    root = Path(root)
    checker = _Checker(root)

    def read(path: Path) -> Any:
        checker.file = checker.rel(path)
        try:
            return load_yaml(path, path.read_text(encoding="utf-8"))
        except ContentError as error:
            checker.problems.extend(
                Problem(checker.rel(path), p.line, p.message) for p in error.problems
            )
        except (OSError, UnicodeDecodeError) as error:
            checker.problem(1, f"cannot read file: {error}")
        return None

    vocabulary = _check_vocabulary(checker, read(root / "vocabulary.yaml"))
    vocabulary["needs"] = {}
    if (root / "needs.yaml").exists():
        vocabulary["needs"] = _check_needs(checker, read(root / "needs.yaml"))
    town = _check_town(checker, read(root / "town.yaml")) if (root / "town.yaml").exists() \
        else dict(DEFAULT_TOWN)
    helplines = []
    if (root / "helplines.yaml").exists():
        helplines = _check_helplines(checker, read(root / "helplines.yaml"))
    districts = _check_districts(checker, read(root / "districts.yaml"))
    district_ids = _Districts(d["id"] for d in districts)
    if (root / geo.FILE_NAME).exists():
        district_ids.shapes = _check_shapes(checker, root / geo.FILE_NAME, districts)

    providers: list[dict] = []
    offers: list[dict] = []
    seen_offers: dict[str, str] = {}
    seen_providers: dict[str, str] = {}
    provider_files = sorted((root / "providers").glob("*.yaml"))
    if not provider_files:
        checker.file = checker.rel(root / "providers")
        checker.problem(1, "no provider files (providers/*.yaml)")
    for path in provider_files:
        data = read(path)
        if data is None and checker.problems and checker.problems[-1].file == checker.rel(path):
            continue
        provider = _check_provider(checker, data, district_ids, seen_providers)
        if provider is None:
            continue
        providers.append(provider)
        raw_offers = data.get("offers") or []
        if not isinstance(raw_offers, list):
            checker.problem(checker.line_of(data, "offers"), "offers must be a list")
            continue
        for raw in raw_offers:
            offer = _check_offer(checker, raw, provider, district_ids, seen_offers)
            if offer is not None:
                offers.append(offer)

    for path in sorted((root / "translations").glob("*.yaml")):
        _merge_translations(checker, read(path), path.stem, providers, offers)

    if checker.problems:
        raise ContentError(sorted(set(checker.problems)))
    for offer in offers:
        for location in offer["locations"]:
            location["city"] = location["city"] or town["name"]
    for provider in providers:
        if provider["location"]:
            provider["location"]["city"] = provider["location"]["city"] or town["name"]
    return Content(vocabulary, districts, providers, offers, helplines, town)


DEFAULT_TOWN = {"name": "", "region": None, "languages": list(UI_LANGUAGES),
                "accent_colour": "#0b5c6b", "imprint": {}, "privacy": {},
                "corrections_email": None, "notice": {}, "names": {}, "public_url": None,
                "telegram_bot": None}
TOWN_FIELDS = set(DEFAULT_TOWN)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PUBLIC_URL = re.compile(r"^https://[a-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/-]*)?$")
BOT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,30}[Bb][Oo][Tt]$")


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of a #rrggbb colour against white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def _check_town(c: _Checker, data: Any) -> dict:
    """town.yaml: the town's name, imprint, privacy contact, languages and colour."""
    town = dict(DEFAULT_TOWN)
    if data is None or not c.expect_mapping(data, 1, "town.yaml"):
        return town
    c.unknown_fields(data, TOWN_FIELDS, "town")
    town["name"] = c.text(data, "name", "the town") or ""
    town["region"] = data.get("region")
    languages = data.get("languages", list(UI_LANGUAGES))
    if not isinstance(languages, list) or not languages or languages[0] != "de" or \
            any(lang not in UI_LANGUAGES for lang in languages):
        c.problem(c.line_of(data, "languages"), "languages must list languages of "
                  f"{', '.join(UI_LANGUAGES)}, German first")
    else:
        town["languages"] = languages
    colour = data.get("accent_colour", DEFAULT_TOWN["accent_colour"])
    if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
        c.problem(c.line_of(data, "accent_colour"), "accent_colour must look like #0b5c6b")
    elif contrast_with_white(colour) < 4.5:
        c.problem(c.line_of(data, "accent_colour"),
                  f"accent_colour {colour} has a contrast of {contrast_with_white(colour):.1f}:1 "
                  "with white text; it needs at least 4.5:1")
    else:
        town["accent_colour"] = colour.lower()
    for section in ("imprint", "privacy", "notice", "names"):
        value = data.get(section) or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            c.problem(c.line_of(data, section), f"{section} must be a mapping of texts")
            continue
        town[section] = {k: v.strip() for k, v in value.items()}
    for key in ("notice", "names"):
        for lang in town[key]:
            if lang not in UI_LANGUAGES:
                c.problem(c.line_of(data[key], lang), f"{key} in unsupported language {lang!r}")
    email = data.get("corrections_email")
    if email is not None and not (isinstance(email, str) and EMAIL.match(email)):
        c.problem(c.line_of(data, "corrections_email"), "corrections_email must be an e-mail address")
    town["corrections_email"] = email
    url = data.get("public_url")
    if url is not None and not (isinstance(url, str) and PUBLIC_URL.match(url)):
        c.problem(c.line_of(data, "public_url"), "public_url must be the site's https address, "
                                                 "like https://familien.example.org")
    else:
        town["public_url"] = url.rstrip("/") if url else None
    bot = data.get("telegram_bot")
    if bot is not None and not (isinstance(bot, str) and BOT_NAME.match(bot.lstrip("@"))):
        c.problem(c.line_of(data, "telegram_bot"), "telegram_bot must be the bot's user name, "
                                                   "like WiesbrueckFamilienBot")
    else:
        town["telegram_bot"] = bot.lstrip("@") if bot else None
    return town


TRANSLATION_FILE_FIELDS = {"language", "translator", "providers", "offers"}


def _merge_translations(c: _Checker, data: Any, lang: str, providers: list[dict],
                        offers: list[dict]) -> None:
    """translations/<lang>.yaml: one language's texts for any provider and offer, kept
    apart from the German so that a translator works in one file. A text here wins over
    one written into the provider file."""
    if data is None or not c.expect_mapping(data, 1, f"translations/{lang}.yaml"):
        return
    if lang not in UI_LANGUAGES or lang == "de":
        c.problem(1, f"translations into unsupported language {lang!r} "
                     f"(supported: {', '.join(UI_LANGUAGES[1:])})")
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
            original["translations"].setdefault(lang, {}).update(c.translated_fields(
                fields, kind, lang, f"{kind} {item_id!r}",
                has_original=lambda key, original=original: bool(original.get(key)),
                tidy=lambda text: " ".join(text.split())))
            original["translated_by"][lang] = str(data.get("translator", ""))


def coverage(content: Content) -> list[tuple[str, dict[str, tuple[int, int]]]]:
    """Per language, per translatable field: (translated, German texts there are)."""
    result = []
    for lang in UI_LANGUAGES[1:]:
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


def _check_vocabulary(c: _Checker, data: Any) -> dict:
    if data is None:
        return {"phases": {}, "topics": {}}
    if not c.expect_mapping(data, 1, "vocabulary.yaml"):
        return {"phases": {}, "topics": {}}
    result = {"phases": {}, "topics": {}}
    for extra in sorted(set(data) - {"phases", "topics"}):
        c.problem(c.line_of(data, extra), f"unknown section {extra!r} in vocabulary.yaml "
                                          "(needs belong in needs.yaml)")
    for section, fixed in (("phases", PHASE_IDS), ("topics", TOPIC_IDS)):
        entries = data.get(section) or {}
        for missing in [i for i in fixed if i not in entries]:
            c.problem(c.line_of(data, section), f"{section} lacks the fixed id {missing!r}")
        for key, entry in entries.items():
            line = c.line_of(entries, key)
            if key not in fixed:
                c.problem(line, f"unknown {section[:-1]} id {key!r}; the ids are fixed "
                                f"({', '.join(fixed)})")
                continue
            if not c.expect_mapping(entry, line, f"{section[:-1]} {key!r}"):
                continue
            labels = entry.get("labels") or {}
            if "de" not in labels:
                c.problem(line, f"{section[:-1]} {key!r} has no German label")
            for lang in labels:
                if lang not in UI_LANGUAGES:
                    c.problem(c.line_of(labels, lang), f"label in unsupported language {lang!r}")
            words = _check_words(c, entry.get("words") or {}, f"{section[:-1]} {key!r}")
            result[section][key] = {"labels": dict(labels), "words": words}
    return result


NEED_FIELDS = {"topics", "search", "emergency", "words"}


def _check_needs(c: _Checker, data: Any) -> dict:
    """needs.yaml: what families need, in their words, and the German words of the offers."""
    if data is None:
        return {}
    if not c.expect_mapping(data, 1, "needs.yaml") or not c.expect_mapping(
            data.get("needs"), c.line_of(data), "the needs section of needs.yaml"):
        return {}
    result = {}
    entries = data["needs"]
    for key, entry in entries.items():
        line = c.line_of(entries, key)
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            c.problem(line, f"need id {key!r} must be lower-case letters, digits and _")
            continue
        if not c.expect_mapping(entry, line, f"need {key!r}"):
            continue
        c.unknown_fields(entry, NEED_FIELDS, "need")
        topics = c.ids(entry, "topics", TOPIC_IDS, "topic", f"need {key!r}")
        search = entry.get("search") or []
        if not isinstance(search, list) or not search or not all(
                isinstance(w, str) and w.strip() for w in search):
            c.problem(c.line_of(entry, "search") if "search" in entry else line,
                      f"need {key!r} needs search: a list of German words its offers use")
            search = []
        emergency = entry.get("emergency", False)
        if not isinstance(emergency, bool):
            c.problem(c.line_of(entry, "emergency"), f"emergency of need {key!r} must be "
                                                     "true or false")
        words = _check_words(c, entry.get("words") or {}, f"need {key!r}")
        result[key] = {"topics": topics, "search": [w.strip() for w in search],
                       "emergency": emergency is True, "words": words}
    return result


HELPLINE_FIELDS = {"id", "phone", "name", "hours", "for", "emergency", "translations"}


def _check_helplines(c: _Checker, data: Any) -> list[dict]:
    """helplines.yaml: the national numbers, listed once, shown on every crisis search."""
    items = data.get("helplines") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        c.problem(1, "helplines.yaml needs a list under 'helplines'")
        return []
    result = []
    for item in items:
        if not c.expect_mapping(item, c.line_of(items), "a helpline"):
            continue
        c.unknown_fields(item, HELPLINE_FIELDS, "helpline")
        hid = item.get("id")
        if not isinstance(hid, str) or not ID.match(hid):
            c.problem(c.line_of(item), f"helpline id {hid!r} must be lower-case letters, "
                                       "digits and dashes")
            continue
        phone = item.get("phone")
        if not isinstance(phone, (str, int)) or not re.fullmatch(r"[0-9 ]{3,20}", str(phone)):
            c.problem(c.line_of(item, "phone"), f"phone of helpline {hid!r} must be digits "
                                                "and spaces, as dialled in Germany")
        texts = {"name": c.text(item, "name", f"helpline {hid!r}"),
                 "hours": c.text(item, "hours", f"helpline {hid!r}"),
                 "for": c.text(item, "for", f"helpline {hid!r}")}
        translations = {}
        raw = item.get("translations") or {}
        if isinstance(raw, dict):
            for lang, fields in raw.items():
                if lang not in UI_LANGUAGES or not isinstance(fields, dict):
                    c.problem(c.line_of(raw, lang), f"translation of helpline {hid!r} in "
                                                    f"unsupported language {lang!r}")
                    continue
                translations[lang] = {k: str(v).strip() for k, v in fields.items()
                                      if k in texts and isinstance(v, str) and v.strip()}
        result.append({"id": hid, "phone": str(phone), **texts,
                       "emergency": item.get("emergency") is True,
                       "translations": translations})
    return result


def _check_words(c: _Checker, words: Any, what: str) -> dict[str, list[str]]:
    if not isinstance(words, dict):
        c.problem(1, f"words of {what} must be a mapping of language: [words]")
        return {}
    result = {}
    for lang, items in words.items():
        if lang not in UI_LANGUAGES:
            c.problem(c.line_of(words, lang), f"words in unsupported language {lang!r} in {what}")
            continue
        if not isinstance(items, list) or not all(isinstance(w, str) and w.strip() for w in items):
            c.problem(c.line_of(words, lang), f"words.{lang} of {what} must be a list of text")
            continue
        result[lang] = [w.strip() for w in items]
    return result


def _check_districts(c: _Checker, data: Any) -> list[dict]:
    if data is None:
        return []
    entries = data.get("districts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        c.problem(1, "districts.yaml needs a list under 'districts'")
        return []
    result = []
    for entry in entries:
        if not c.expect_mapping(entry, 1, "district"):
            continue
        did = entry.get("id")
        if not isinstance(did, str) or not ID.match(did):
            c.problem(c.line_of(entry), f"district id {did!r} must be lower-case letters, "
                                         "digits and dashes")
            continue
        if any(d["id"] == did for d in result):
            c.problem(c.line_of(entry, "id"), f"duplicate district id {did!r}")
            continue
        name = c.text(entry, "name", f"district {did!r}")
        lat, lon = entry.get("latitude"), entry.get("longitude")
        if not _is_coordinate(lat, 90) or not _is_coordinate(lon, 180):
            c.problem(c.line_of(entry), f"district {did!r} needs latitude and longitude")
        result.append({
            "id": did, "name": name, "latitude": lat, "longitude": lon,
            "neighbours": list(entry.get("neighbours") or []),
            "population": entry.get("population"),
            "children": _check_children(c, entry, did),
            "social_need_index": _check_need_index(c, entry, did),
            "_line": c.line_of(entry), "_neighbours_line": c.line_of(entry, "neighbours"),
        })
    ids = {d["id"] for d in result}
    for district in result:
        for other in district["neighbours"]:
            if other not in ids:
                c.problem(district["_neighbours_line"],
                          f"unknown neighbour {other!r} of district {district['id']!r}")
            elif district["id"] not in next(d for d in result if d["id"] == other)["neighbours"]:
                c.problem(district["_neighbours_line"],
                          f"district {other!r} does not name {district['id']!r} as its neighbour")
    return [{k: v for k, v in d.items() if not k.startswith("_")} for d in result]


class _Districts(set):
    """The district ids, and their shapes when the town has a districts.geojson."""

    shapes: geo.DistrictShapes | None = None


def _check_shapes(c: _Checker, path: Path, districts: list[dict]) -> geo.DistrictShapes | None:
    c.file = c.rel(path)
    try:
        shapes, unmatched = geo.DistrictShapes.load(path, [d for d in districts if d["name"]])
    except geo.GeoError as error:
        c.problem(1, str(error))
        return None
    for feature in unmatched:
        c.problem(1, f"feature {feature.index + 1} ({feature.label!r}) names no district of "
                     "districts.yaml (its id or name property must be a district's id or name)")
    return shapes


def _check_children(c: _Checker, entry: Mapping, did: str) -> dict[str, int]:
    """The district's children per life phase's age band (births a year for pregnancy):
    the coordinator's offers per 1,000 children. Optional; a town may not have them."""
    raw = entry.get("children")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.problem(c.line_of(entry, "children"), f"children of district {did!r} must be a mapping "
                                                 "of life phase: number of children")
        return {}
    result = {}
    for phase, count in raw.items():
        line = c.line_of(raw, phase)
        if phase not in PHASE_IDS:
            c.problem(line, f"unknown life phase {phase!r} in children of district {did!r} "
                            f"(known: {', '.join(PHASE_IDS)})")
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
            c.problem(line, f"children.{phase} of district {did!r} must be a whole number "
                            f"of 0 or more, not {count!r}")
        else:
            result[phase] = count
    return result


def _check_need_index(c: _Checker, entry: Mapping, did: str) -> int | None:
    """The district's social-need index, 1 (little need) to 5 (high need). Optional."""
    value = entry.get("social_need_index")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        c.problem(c.line_of(entry, "social_need_index"),
                  f"social_need_index of district {did!r} must be a whole number from 1 "
                  f"(little need) to 5 (high need), not {value!r}")
        return None
    return value


def _is_coordinate(value: Any, bound: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and -bound <= value <= bound


def _check_provider(c: _Checker, data: Any, districts: set[str], seen: dict) -> dict | None:
    if not c.expect_mapping(data, 1, "a provider file"):
        return None
    c.unknown_fields(data, PROVIDER_FIELDS, "provider")
    pid = data.get("id")
    if not isinstance(pid, str) or not ID.match(pid):
        c.problem(c.line_of(data, "id") if "id" in data else 1,
                  f"provider id {pid!r} must be lower-case letters, digits and dashes")
        return None
    if pid in seen:
        c.problem(c.line_of(data, "id"), f"duplicate provider id {pid!r} (also in {seen[pid]})")
        return None
    seen[pid] = c.file
    what = f"provider {pid!r}"
    location = None
    if "address_1" in data:
        found = _check_location(c, data, districts, what)
        location = found if found["district"] else None
    return {
        "id": pid,
        "name": c.text(data, "name", what),
        "kind": data.get("kind"),
        "description": c.text(data, "description", what, required=False),
        "website": c.pattern(data, "website", URL, what, "URL"),
        "email": c.pattern(data, "email", EMAIL, what, "e-mail address"),
        "phones": c.phones(data, what),
        "location": location,
        "accessibility": c.text(data, "accessibility", what, required=False),
        "translations": c.translations(data, "provider", what),
        "translated_by": {},
        "source": c.file,
    }


def _check_offer(c: _Checker, raw: Any, provider: dict, districts: set[str],
                 seen: dict) -> dict | None:
    if not c.expect_mapping(raw, 1, "an offer"):
        return None
    c.unknown_fields(raw, OFFER_FIELDS, "offer")
    oid = raw.get("id")
    if not isinstance(oid, str) or not ID.match(oid):
        c.problem(c.line_of(raw), f"offer id {oid!r} must be lower-case letters, digits and dashes")
        return None
    if oid in seen:
        c.problem(c.line_of(raw, "id"), f"duplicate offer id {oid!r} (also in {seen[oid]})")
        return None
    seen[oid] = c.file
    what = f"offer {oid!r}"

    ages = {}
    for key in ("min_age_months", "max_age_months"):
        value = raw.get(key)
        if value is None:
            ages[key] = None
        elif isinstance(value, int) and not isinstance(value, bool) and MIN_MONTHS <= value <= MAX_MONTHS:
            ages[key] = value
        else:
            ages[key] = None
            c.problem(c.line_of(raw, key), f"{key} of {what} must be a whole number of months "
                                           f"from {MIN_MONTHS} (pregnancy) to {MAX_MONTHS}")
    min_age, max_age = ages["min_age_months"], ages["max_age_months"]
    if min_age is not None and max_age is not None and min_age > max_age:
        c.problem(c.line_of(raw, "min_age_months"),
                  f"impossible age range in {what}: from {min_age} to {max_age} months")

    audience = raw.get("audience", "child" if min_age is not None or max_age is not None
                       else "family")
    if audience not in AUDIENCES:
        c.problem(c.line_of(raw, "audience"), f"audience of {what} must be one of "
                                              f"{', '.join(AUDIENCES)}")
    elif audience == "parents" and min_age is not None and min_age >= ADULT_MONTHS:
        c.problem(c.line_of(raw, "min_age_months"),
                  f"{what} is for parents, so its ages are the children's ages; leave them out "
                  "when the offer fits parents of a child of any age")

    topics = c.ids(raw, "topics", TOPIC_IDS, "topic", what)
    if not topics:
        c.problem(c.line_of(raw), f"{what} needs at least one topic")
    phases = c.ids(raw, "phases", PHASE_IDS, "life phase", what)
    if not phases:
        phases = phases_for_range(min_age, max_age)

    attending = raw.get("attending_type", "in_person")
    if attending not in ATTENDING:
        c.problem(c.line_of(raw, "attending_type"),
                  f"attending_type of {what} must be one of {', '.join(ATTENDING)}")
    locations = _check_locations(c, raw, districts, what)
    if attending == "in_person" and "locations" not in raw and provider["location"]:
        locations = [provider["location"]]
    areas = raw.get("service_areas")
    if areas == "citywide":
        service_areas = ["citywide"]
    else:
        service_areas = c.ids(raw, "service_areas", districts, "district", what)
    if not service_areas:
        service_areas = sorted({loc["district"] for loc in locations if loc["district"]})
        if attending != "in_person" and not service_areas:
            service_areas = ["citywide"]
    if attending == "in_person" and not locations:
        c.problem(c.line_of(raw), f"{what} takes place in person but has no locations")

    free = raw.get("free")
    if not isinstance(free, bool):
        c.problem(c.line_of(raw, "free"), f"{what} must say free: true or free: false")
    fees = c.text(raw, "fees_description", what, required=False)
    if free is False and not fees:
        c.problem(c.line_of(raw, "free"), f"{what} costs money but has no fees_description")

    languages = c.ids(raw, "languages", _AnyLanguage(), "language code", what) or ["de"]
    registration = raw.get("registration_required", False)
    if not isinstance(registration, bool):
        c.problem(c.line_of(raw, "registration_required"),
                  f"registration_required of {what} must be true or false")

    capacity = raw.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)
                                 or capacity < 0):
        c.problem(c.line_of(raw, "capacity"), f"capacity of {what} must be a whole number of "
                                              "places")
        capacity = None

    valid_from = c.date(raw, "valid_from", what)
    valid_to = c.date(raw, "valid_to", what)
    if valid_from and valid_to and valid_from > valid_to:
        c.problem(c.line_of(raw, "valid_to"), f"{what} ends ({valid_to}) before it starts "
                                              f"({valid_from})")
    return {
        "id": oid,
        "provider_id": provider["id"],
        "name": c.text(raw, "name", what),
        "summary": c.text(raw, "summary", what),
        "description": c.text(raw, "description", what),
        "topics": topics,
        "phases": phases,
        "min_age_months": min_age,
        "max_age_months": max_age,
        "audience": audience if audience in AUDIENCES else "child",
        "attending_type": attending,
        "service_areas": service_areas,
        "locations": locations,
        "schedules": _check_schedules(c, raw, what),
        "schedule_description": c.text(raw, "schedule_description", what, required=False),
        "free": free is True,
        "fees_description": fees,
        "languages": languages,
        "phones": c.phones(raw, what) or provider["phones"],
        "email": c.pattern(raw, "email", EMAIL, what, "e-mail address") or provider["email"],
        "url": c.pattern(raw, "url", URL, what, "URL") or provider["website"],
        "registration_required": registration is True,
        "application_process": c.text(raw, "application_process", what, required=False),
        "capacity": capacity,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "assured_date": c.date(raw, "assured_date", what),
        "translations": c.translations(raw, "offer", what),
        "translated_by": {},
        "source": f"{c.file}:{c.line_of(raw)}",
    }


class _AnyLanguage:
    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(SPOKEN_LANGUAGE.match(value))


def _check_locations(c: _Checker, raw: Mapping, districts: set[str], what: str) -> list[dict]:
    items = raw.get("locations") or []
    if not isinstance(items, list):
        c.problem(c.line_of(raw, "locations"), f"locations of {what} must be a list")
        return []
    result = []
    for item in items:
        if not c.expect_mapping(item, c.line_of(raw, "locations"), "a location"):
            continue
        c.unknown_fields(item, LOCATION_FIELDS, "location")
        result.append(_check_location(c, item, districts, what))
    return result


def _time(value: Any) -> Any:
    """9:30 and 09:30 are the same time; keep the two-digit form."""
    if isinstance(value, str) and TIME.match(value):
        return value.zfill(5)
    return value


def _check_location(c: _Checker, item: Mapping, districts: set[str], what: str) -> dict:
    district = item.get("district")
    lat, lon = item.get("latitude"), item.get("longitude")
    located = _is_coordinate(lat, 90) and _is_coordinate(lon, 180)
    shapes = getattr(districts, "shapes", None)
    if shapes is not None and located:
        found = shapes.district_at(lat, lon)
        if found is None:
            c.problem(c.line_of(item, "latitude"), f"coordinates {lat}, {lon} of {what} lie in "
                                                   f"no district of {geo.FILE_NAME}")
            if district is None:
                district = ""  # said once, not again as an unknown district
        elif district is None:
            district = found  # the district from the coordinates
        elif district != found and district in districts and \
                shapes.metres_outside(district, lat, lon) > geo.TOLERANCE_METRES:
            c.problem(c.line_of(item, "district"),
                      f"coordinates {lat}, {lon} of {what} lie in district {found!r}, "
                      f"{shapes.metres_outside(district, lat, lon):.0f} m outside {district!r}")
    if district not in districts and district != "":
        c.problem(c.line_of(item, "district"), f"unknown district {district!r} in {what}")
    if not located:
        c.problem(c.line_of(item), f"location of {what} needs latitude and longitude")
    if not item.get("address_1"):
        c.problem(c.line_of(item), f"location of {what} has no address_1 (street and number)")
    wheelchair = item.get("wheelchair_accessible", False)
    if not isinstance(wheelchair, bool):
        c.problem(c.line_of(item, "wheelchair_accessible"),
                  "wheelchair_accessible must be true or false")
    return {
        "name": item.get("location_name") or item.get("name"),
        "address_1": item.get("address_1"),
        "postal_code": str(item.get("postal_code") or ""),
        "city": item.get("city") or "",
        "district": district if district in districts else None,
        "latitude": lat,
        "longitude": lon,
        "accessibility": item.get("accessibility"),
        "wheelchair_accessible": wheelchair is True,
    }


def _check_schedules(c: _Checker, raw: Mapping, what: str) -> list[dict]:
    items = raw.get("schedules") or []
    if not isinstance(items, list):
        c.problem(c.line_of(raw, "schedules"), f"schedules of {what} must be a list")
        return []
    result = []
    for item in items:
        if not c.expect_mapping(item, c.line_of(raw, "schedules"), "a schedule"):
            continue
        c.unknown_fields(item, SCHEDULE_FIELDS, "schedule")
        line = c.line_of(item)
        byday = item.get("byday")
        date = c.date(item, "date", what) if "date" in item else None
        if (byday is None) == ("date" not in item):
            c.problem(line, f"a schedule of {what} needs either byday (weekly) or date (once)")
        days: list[str] = []
        if byday is not None:
            days = [byday] if isinstance(byday, str) else list(byday) if isinstance(byday, list) else []
            bad = [d for d in days if d not in WEEKDAYS]
            if bad or not days:
                c.problem(c.line_of(item, "byday"), f"malformed schedule in {what}: byday {byday!r} "
                                                    f"must use {', '.join(WEEKDAYS)}")
        opens, closes = (_time(item.get("opens_at")), _time(item.get("closes_at")))
        for key, value in (("opens_at", opens), ("closes_at", closes)):
            if not isinstance(value, str) or not TIME.match(value):
                c.problem(c.line_of(item, key), f"malformed schedule in {what}: {key} {value!r} "
                                                "must be a time like 09:30")
        if (isinstance(opens, str) and isinstance(closes, str) and TIME.match(opens)
                and TIME.match(closes) and closes <= opens):
            c.problem(c.line_of(item, "closes_at"),
                      f"malformed schedule in {what}: closes at {closes}, before it opens at {opens}")
        weeks, every, first = _check_repeat(c, item, what, date)
        result.append({"byday": days, "date": date, "opens_at": opens, "closes_at": closes,
                       "description": item.get("description"), "week_of_month": weeks,
                       "every_weeks": every, "first_date": first})
    return result


def _check_repeat(c: _Checker, item: Mapping, what: str,
                  date: str | None) -> tuple[list[int], int, str | None]:
    """A weekly schedule may repeat monthly (week_of_month: 2 is the second of those
    weekdays in the month, -1 the last) or every n weeks from a first date."""
    weeks = item.get("week_of_month")
    weeks = [] if weeks is None else [weeks] if isinstance(weeks, int) else weeks
    if not isinstance(weeks, list) or any(isinstance(w, bool) or w not in (1, 2, 3, 4, 5, -1)
                                          for w in weeks):
        c.problem(c.line_of(item, "week_of_month"),
                  f"malformed schedule in {what}: week_of_month must be 1 to 5, or -1 for the "
                  f"last, not {item.get('week_of_month')!r}")
        weeks = []
    every = item.get("every_weeks", 1)
    first = c.date(item, "first_date", what)
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 8:
        c.problem(c.line_of(item, "every_weeks"),
                  f"malformed schedule in {what}: every_weeks must be a number from 1 to 8")
        every = 1
    elif every > 1 and first is None:
        c.problem(c.line_of(item, "every_weeks"), f"a schedule of {what} every {every} weeks "
                                                  "needs the first_date of one of its meetings")
    if date and (weeks or every > 1):
        c.problem(c.line_of(item), f"a schedule of {what} on a date does not repeat")
    if weeks and every > 1:
        c.problem(c.line_of(item), f"a schedule of {what} repeats either by week_of_month "
                                   "or every_weeks, not both")
    return sorted(set(weeks)), every, first
