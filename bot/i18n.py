"""The bot's texts, from the same gettext catalogues as the website."""

from __future__ import annotations

from finder.i18n import N_, t, tn  # noqa: F401 - the bot's words
from finder.model import LANGUAGES

NAMES = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية", "uk": "Українська",
         "ru": "Русский", "fa": "فارسی"}


def pick(language_code: str | None) -> str | None:
    """A supported language for a Telegram language code (de-AT → de), or None."""
    if not language_code:
        return None
    code = language_code.split("-")[0].lower()
    return code if code in LANGUAGES else None
