"""town.yaml (the town: name, languages, imprint, colour) and helplines.yaml (the
national numbers shown on every crisis search)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from finder.content.checker import EMAIL, ID, Checker
from finder.content.offers import check_schedules
from finder.model import LANDS, LANGUAGES

DEFAULT_TIME_ZONE = "Europe/Berlin"
DEFAULT_TOWN = {"name": "", "region": None, "languages": list(LANGUAGES),
                "accent_colour": "#0b5c6b", "imprint": {}, "privacy": {},
                "corrections_email": None, "notice": {}, "names": {}, "public_url": None,
                "telegram_bot": None, "land": None, "exit_url": None,
                "time_zone": DEFAULT_TIME_ZONE, "staff": None}
STAFF_FIELDS = {"name", "phones", "schedules"}
TOWN_FIELDS = set(DEFAULT_TOWN)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PUBLIC_URL = re.compile(r"^https://[a-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/-]*)?$")
EXIT_URL = re.compile(r"^https://[a-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/%-]*)?$")
BOT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,30}[Bb][Oo][Tt]$")


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of a #rrggbb colour against white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def _check_land(c: Checker, data: Any) -> str | None:
    """The Land whose public holidays close the offers: `land: NI`, or a region that is
    a Land's name (region: Niedersachsen)."""
    land = data.get("land")
    if land is None:
        by_name = {name: code for code, name in LANDS.items()}
        return by_name.get(data.get("region")) if isinstance(data.get("region"), str) else None
    if land in LANDS:
        return land
    by_name = {name.lower(): code for code, name in LANDS.items()}
    if isinstance(land, str) and land.strip().lower() in by_name:
        return by_name[land.strip().lower()]
    c.problem(c.line_of(data, "land"), f"land must be a German Land, as its code ({', '.join(LANDS)}) "
                                       f"or its name, not {land!r}")
    return None


def check_town(c: Checker, data: Any) -> dict:
    """town.yaml: the town's name, imprint, privacy contact, languages and colour."""
    town = dict(DEFAULT_TOWN)
    if data is None or not c.expect_mapping(data, 1, "town.yaml"):
        return town
    c.unknown_fields(data, TOWN_FIELDS, "town")
    town["name"] = c.text(data, "name", "the town") or ""
    town["region"] = data.get("region")
    town["land"] = _check_land(c, data)
    languages = data.get("languages", list(LANGUAGES))
    if not isinstance(languages, list) or not languages or languages[0] != "de" or \
            any(lang not in LANGUAGES for lang in languages):
        c.problem(c.line_of(data, "languages"), "languages must list languages of "
                  f"{', '.join(LANGUAGES)}, German first")
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
            if lang not in LANGUAGES:
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
    exit_url = data.get("exit_url")
    if exit_url is not None and not (isinstance(exit_url, str) and EXIT_URL.match(exit_url)):
        c.problem(c.line_of(data, "exit_url"), "exit_url must be the https address of a neutral "
                                               "page, like https://de.wikipedia.org/")
    else:
        town["exit_url"] = exit_url
    bot = data.get("telegram_bot")
    if bot is not None and not (isinstance(bot, str) and BOT_NAME.match(bot.lstrip("@"))):
        c.problem(c.line_of(data, "telegram_bot"), "telegram_bot must be the bot's user name, "
                                                   "like WiesbrueckFamilienBot")
    else:
        town["telegram_bot"] = bot.lstrip("@") if bot else None
    town["time_zone"] = _check_time_zone(c, data)
    town["staff"] = _check_staff(c, data)
    return town


def _check_time_zone(c: Checker, data: Any) -> str:
    """The town's time zone (an IANA name): reminders go out the evening before in it,
    and the staff's hours are read in it."""
    zone = data.get("time_zone", DEFAULT_TIME_ZONE)
    try:
        if not isinstance(zone, str) or "/" not in zone:
            raise ValueError
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        c.problem(c.line_of(data, "time_zone"), f"time_zone must be a time zone like "
                                               f"{DEFAULT_TIME_ZONE}, not {zone!r}")
        return DEFAULT_TIME_ZONE
    return zone


def _check_staff(c: Checker, data: Any) -> dict | None:
    """The people a family reaches with /person in the bot (the family office's duty
    desk): their name in each language, their phone, and the hours someone reads the staff
    chat (schedules, like an offer's; never on the Land's public holidays)."""
    staff = data.get("staff")
    if staff is None:
        return None
    if not c.expect_mapping(staff, c.line_of(data, "staff"), "staff"):
        return None
    c.unknown_fields(staff, STAFF_FIELDS, "staff")
    names = staff.get("name")
    if not isinstance(names, dict) or not isinstance(names.get("de"), str) or \
            not all(isinstance(v, str) and v.strip() for v in names.values()):
        c.problem(c.line_of(staff, "name"), "staff name must be a mapping of texts by language, "
                                            "German (de) first")
        names = {}
    for lang in names:
        if lang not in LANGUAGES:
            c.problem(c.line_of(names, lang), f"staff name in unsupported language {lang!r}")
    schedules = check_schedules(c, staff, "the staff hours")
    if not schedules:
        c.problem(c.line_of(staff), "staff needs schedules: the hours someone reads the staff chat")
    return {"name": {k: v.strip() for k, v in names.items()},
            "phones": c.phones(staff, "staff"), "schedules": schedules}


HELPLINE_FIELDS = {"id", "phone", "name", "hours", "for", "emergency", "translations"}


def check_helplines(c: Checker, data: Any) -> list[dict]:
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
                if lang not in LANGUAGES or not isinstance(fields, dict):
                    c.problem(c.line_of(raw, lang), f"translation of helpline {hid!r} in "
                                                    f"unsupported language {lang!r}")
                    continue
                translations[lang] = {k: str(v).strip() for k, v in fields.items()
                                      if k in texts and isinstance(v, str) and v.strip()}
        result.append({"id": hid, "phone": str(phone), **texts,
                       "emergency": item.get("emergency") is True,
                       "translations": translations})
    return result
