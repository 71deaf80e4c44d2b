"""Write providers and their offers into content YAML files, the way a person would.

Imports (spreadsheets, Open Referral HSDS) end here: a provider dict in the shape of
content/providers/*.yaml (its `offers` list inside) becomes a readable file with the key
order, flow lists and block texts of the hand-written ones. Nothing in the content folder
changes until every new file has been validated together with the rest of the content
in a staging copy; a failed import leaves content/ as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from finder import content as content_module
from finder.content import ContentError, Problem
from finder.content.yamlfile import SAFE_LOADER

PROVIDER_ORDER = (
    "id", "name", "kind", "description", "website", "email", "phones", "address_1",
    "postal_code", "city", "district", "latitude", "longitude", "accessibility",
    "wheelchair_accessible", "translations", "offers",
)
OFFER_ORDER = (
    "id", "name", "summary", "description", "topics", "phases", "audience", "first_contact",
    "min_age_months",
    "max_age_months", "attending_type", "service_areas", "locations", "free", "fees_description",
    "languages", "phones", "email", "url", "registration_required", "application_process",
    "capacity", "schedule_description", "schedules", "valid_from", "valid_to", "assured_date",
    "translations",
)
LOCATION_ORDER = (
    "name", "address_1", "postal_code", "city", "district", "latitude", "longitude",
    "accessibility", "wheelchair_accessible",
)
SCHEDULE_ORDER = ("byday", "week_of_month", "every_weeks", "first_date", "date", "opens_at",
                  "closes_at", "description")
DATE_KEYS = {"valid_from", "valid_to", "assured_date", "date", "first_date"}
FLOW_MAPPING_LISTS = {"locations", "schedules"}
"""Lists whose items are written one mapping per line, as in the bundled files."""
WRAP = 88
FOLD_OVER = 120
"""One-line texts longer than FOLD_OVER are folded at WRAP; YAML joins the lines back
into one."""


def write_providers(content_dir: Path, providers: list[dict], *,
                    keep_translations: bool = True) -> list[Path]:
    """Write each provider (with its offers) to content_dir/providers/<id>.yaml.

    The files are first written into a staging copy of the whole content folder and
    validated there with finder.content; on any problem ContentError is raised (its
    problems name the files as they would be in content_dir) and content_dir is left
    untouched. keep_translations carries the `translations:` of a provider file that is
    replaced over to the new file, for the provider and for offers with the same id.
    Returns the paths written, in the order of providers.
    """
    content_dir = Path(content_dir)
    texts: dict[str, str] = {}
    for provider in providers:
        pid = provider.get("id")
        if not isinstance(pid, str) or not content_module.ID.match(pid):
            raise ContentError([Problem("providers", 1, f"provider id {pid!r} must be lower-case "
                                                         "letters, digits and dashes")])
        if pid in texts:
            raise ContentError([Problem(f"providers/{pid}.yaml", 1,
                                        f"provider {pid!r} is given twice")])
        if keep_translations:
            provider = _with_kept_translations(provider, content_dir / "providers" / f"{pid}.yaml")
        texts[pid] = provider_yaml(provider)

    with tempfile.TemporaryDirectory(prefix=".import-", dir=content_dir.parent) as tmp:
        staging = Path(tmp) / content_dir.name
        shutil.copytree(content_dir, staging, symlinks=True)
        (staging / "providers").mkdir(exist_ok=True)
        for pid, text in texts.items():
            (staging / "providers" / f"{pid}.yaml").write_text(text, encoding="utf-8")
        try:
            content_module.load(staging)
        except ContentError as error:
            raise ContentError([_rename(p, staging, content_dir) for p in error.problems]) from None

    (content_dir / "providers").mkdir(parents=True, exist_ok=True)
    written = []
    for pid, text in texts.items():
        target = content_dir / "providers" / f"{pid}.yaml"
        _replace(target, text)
        written.append(target)
    return written


def _rename(problem: Problem, staging: Path, content_dir: Path) -> Problem:
    """A problem found in the staging copy, told about the file in content_dir."""
    staged = f"{staging.parent.name}/{staging.name}"
    name = problem.file
    if staged in name:
        name = name.replace(staged, str(content_dir), 1)
    return Problem(name, problem.line, problem.message)


def _replace(target: Path, text: str) -> None:
    """Write a file so that a reader sees the old or the new text, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _with_kept_translations(provider: dict, existing: Path) -> dict:
    if not existing.exists():
        return provider
    try:
        old = yaml.safe_load(existing.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return provider
    if not isinstance(old, dict):
        return provider
    provider = dict(provider)
    if old.get("translations") and not provider.get("translations"):
        provider["translations"] = old["translations"]
    old_offers = {o.get("id"): o for o in old.get("offers") or [] if isinstance(o, dict)}
    offers = []
    for offer in provider.get("offers") or []:
        before = old_offers.get(offer.get("id"), {})
        if before.get("translations") and not offer.get("translations"):
            offer = {**offer, "translations": before["translations"]}
        offers.append(offer)
    provider["offers"] = offers
    return provider


# --- the YAML text ------------------------------------------------------------


def provider_yaml(provider: dict) -> str:
    """One provider file's text: block mapping, offers as a list of block mappings."""
    lines: list[str] = []
    for key in _ordered(provider, PROVIDER_ORDER):
        value = provider[key]
        if key == "offers":
            lines.append("offers:" if value else "offers: []")
            for offer in value or []:
                lines.extend(_block_mapping(offer, OFFER_ORDER, indent=2, first="- "))
        elif _skip(value):
            continue
        else:
            lines.extend(_entry(key, value, indent=0))
    if "offers" not in provider:
        lines.append("offers: []")
    text = "\n".join(lines) + "\n"
    if not _reads_back(text, provider):
        # Never seen; but a file that reads back as something else must not be written.
        text = yaml.safe_dump(provider, allow_unicode=True, sort_keys=False, width=WRAP)
    return text


def _ordered(mapping: dict, order: tuple[str, ...]) -> list[str]:
    known = [k for k in order if k in mapping]
    return known + sorted(k for k in mapping if k not in order)


def _skip(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def _block_mapping(mapping: dict, order: tuple[str, ...], indent: int, first: str = "") -> list[str]:
    lines: list[str] = []
    for key in _ordered(mapping, order):
        value = mapping[key]
        if _skip(value):
            continue
        entry = _entry(key, value, indent + len(first))
        if not lines and first:
            entry[0] = " " * indent + first + entry[0].lstrip()
        lines.extend(entry)
    return lines


def _entry(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if key in FLOW_MAPPING_LISTS and isinstance(value, list):
        order = LOCATION_ORDER if key == "locations" else SCHEDULE_ORDER
        return [f"{pad}{key}:"] + [f"{pad}  - {_flow_mapping(item, order)}" for item in value]
    if key == "translations" and isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for lang, fields in value.items():
            lines.append(f"{pad}  {lang}:")
            for field, text in fields.items():
                lines.extend(_entry(field, text, indent + 4))
        return lines
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for sub, item in value.items():
            if not _skip(item):
                lines.extend(_entry(str(sub), item, indent + 2))
        return lines
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return [f"{pad}{key}: [{', '.join(_scalar(v, key, flow=True) for v in value)}]"]
        return [f"{pad}{key}:"] + [line for item in value
                                   for line in _block_mapping(item, (), indent + 2, first="- ")]
    if isinstance(value, str) and _is_long(key, value):
        return [f"{pad}{key}: {header}" for header in [_block_header(value)]] + [
            (f"{pad}  {line}" if line else "") for line in _block_lines(value)]
    return [f"{pad}{key}: {_scalar(value, key)}"]


def _flow_mapping(item: dict, order: tuple[str, ...]) -> str:
    parts = []
    for key in _ordered(item, order):
        value = item[key]
        if _skip(value) or (key == "every_weeks" and value == 1):  # 1: weekly, the default
            continue
        if isinstance(value, list):
            text = "[" + ", ".join(_scalar(v, key, flow=True) for v in value) + "]"
        else:
            text = _scalar(value, key, flow=True)
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


def _is_long(key: str, text: str) -> bool:
    if "\n" in text.strip():
        return True
    # Only a text of single spaces folds back into exactly itself.
    return (key in ("description", "application_process", "accessibility", "fees_description",
                    "schedule_description") and len(text) > FOLD_OVER
            and text.strip() == " ".join(text.split()))


def _block_header(text: str) -> str:
    # A literal block keeps the author's lines; a folded one joins the wrapped lines back
    # into the one line it was. Leading spaces would need an indentation indicator.
    return "|" if "\n" in text.strip() else ">"


def _block_lines(text: str) -> list[str]:
    text = text.strip()
    if "\n" in text:
        return [line.rstrip() for line in text.split("\n")]
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > WRAP:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


def _scalar(value: Any, key: str, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    elif isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if key in DATE_KEYS:
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    if _NUMBERLIKE.match(text):
        # Times, postal codes and phone numbers are quoted in the hand-written files.
        return json.dumps(text)
    if _PLAIN.match(text) and text.casefold() not in _YAML11_WORDS:
        return text
    plain = f"[{text}]" if flow else text
    try:
        parsed = yaml.load(f"k: {plain}", Loader=content_module.Loader)  # noqa: S506  # nosec B506
    except yaml.YAMLError:
        parsed = None
    expected = [text] if flow else text
    if (isinstance(parsed, dict) and parsed.get("k") == expected and text == text.strip()
            and "\n" not in text and " #" not in text and not text.startswith(("'", '"'))):
        # Plain YAML readers (no time rule) must read the same text.
        safe = yaml.load(f"k: {plain}", Loader=SAFE_LOADER)  # noqa: S506  # nosec B506
        if isinstance(safe, dict) and safe.get("k") == expected:
            return text
    return json.dumps(text, ensure_ascii=False)


_NUMBERLIKE = re.compile(r"^[+0-9][0-9 :+/().-]*$")
_PLAIN = re.compile("^[^\\W\\d_][^:#\\[\\]{},&*!|>'\"%@`\\s]*(?: [^:#\\[\\]{},&*!|>'\"%@`\\s]+)*$")
"""Text that any YAML reader takes as itself when written plain: it starts with a letter
and has none of YAML's signs."""
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


def _reads_back(text: str, provider: dict) -> bool:
    """Whether the text reads back as the provider it was written from."""
    try:
        parsed = yaml.load(text, Loader=content_module.Loader)  # noqa: S506  # nosec B506
    except yaml.YAMLError:
        return False
    return _plain(parsed) == _plain({"offers": [], **provider})


def _plain(value: Any) -> Any:
    """Compare texts as YAML reads them back: blocks end in one newline, dates as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if not _skip(v) or k == "offers"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value
