"""The numbers of a translated text against those of its German original: ages, times,
prices, counts. A family acts on a number ("from 17:00", "€3.50", "aged 12 to 27"), so
every difference is listed for a person to look at (`finder check --coverage`).

Digits are compared after folding what only differs in writing: Arabic-Indic and
Persian digits, "17 Uhr" = "17:00" = "5 pm", "3,50" = "3.50" = "۳٫۵۰", "1.000" = "1,000".
A number the German writes in words ("zwei Abende") may be a digit in the translation;
the reverse (a number written as a word in a translation) is for the reviewer to read.
"""

from __future__ import annotations

import re
from collections import Counter

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_THOUSANDS = re.compile(r"(?<![\d.,:])\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+(?![\d.,:]?\d)")
_DECIMAL = re.compile(r"(?<![\d.,:])(\d+)[.,:](\d{1,2})(?!\d)")
_CLOCK_12 = re.compile(r"(?<![\d.,:])(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I)
_NUMBER = re.compile(r"\d+")
_FOLDED_DIGIT = re.compile("[٠-٩۰-۹٫٬]")
"""A character _DIGITS changes: most texts have none, and finding one is much faster than
translating."""

GERMAN_WORDS = {
    "ein": 1, "eine": 1, "einem": 1, "einen": 1, "einer": 1, "eines": 1, "erste": 1,
    "zwei": 2, "beide": 2, "zweite": 2, "drei": 3, "dritte": 3, "vier": 4, "vierte": 4,
    "fünf": 5, "fünfte": 5, "sechs": 6, "sechste": 6, "sieben": 7, "siebte": 7, "acht": 8,
    "achte": 8, "neun": 9, "neunte": 9, "zehn": 10, "zehnte": 10, "elf": 11, "zwölf": 12,
    "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "hundert": 100,
    "halbe": 0.5, "halben": 0.5, "halbes": 0.5,
}
"""German number words (and the stems of their ordinals) that a translation may write as
digits."""
_GERMAN_WORD = re.compile(r"\b(" + "|".join(sorted(GERMAN_WORDS, key=len, reverse=True))
                          + r")(?:s|n|r|m|ns)?\b", re.I)


def _canonical(whole: str, fraction: str = "") -> str:
    """One way of writing a number: no leading zeros, none of ":00" (09:00 is 9, 9:30 is
    9.30, 3,50 is 3.50)."""
    fraction = "" if set(fraction) <= {"0"} else fraction
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def numbers_in(text: str) -> Counter[str]:
    """The numbers of a text, each written one way: "17 Uhr", "17:00" and "5 pm" are all
    "17"; "9.30 Uhr", "9:30" and "9,30" are "9.30"; "1.000" and "1,000" are "1000"."""
    text = text or ""
    if _FOLDED_DIGIT.search(text):
        text = text.translate(_DIGITS)
    found: Counter[str] = Counter()
    if not _NUMBER.search(text):
        return found  # no digit, no number (a build checks some 300,000 texts)

    def clock(match: re.Match) -> str:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
        found[_canonical(str(hour), match.group(2) or "")] += 1
        return " "

    def thousands(match: re.Match) -> str:
        found[str(int(re.sub(r"\D", "", match.group(0))))] += 1
        return " "

    def decimal(match: re.Match) -> str:
        found[_canonical(match.group(1), match.group(2))] += 1
        return " "

    text = _CLOCK_12.sub(clock, text)
    text = _THOUSANDS.sub(thousands, text)
    text = _DECIMAL.sub(decimal, text)
    for number in _NUMBER.findall(text):
        found[str(int(number))] += 1
    return found


def german_word_numbers(text: str) -> set[str]:
    """The numbers a German text writes as words ("zwei Abende", "am ersten Geburtstag")."""
    return {f"{GERMAN_WORDS[m.group(1).lower()]:g}" for m in _GERMAN_WORD.finditer(text or "")}


def differences(german: str, translated: str) -> tuple[list[str], list[str]]:
    """The numbers of the German missing from the translation, and the numbers of the
    translation that the German has neither as digits nor as words."""
    ours, theirs = numbers_in(german), numbers_in(translated)
    missing = sorted((ours - theirs).elements(), key=_order)
    extra = [n for n in sorted((theirs - ours).elements(), key=_order)
             if n not in german_word_numbers(german)]
    return missing, extra


def _order(number: str) -> float:
    return float(number)
