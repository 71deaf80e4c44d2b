"""The bot's texts, from the same gettext catalogues as the website."""

from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations

from finder import config
from finder.wording import N_  # noqa: F401 - the marker the bot's texts use

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa")
NAMES = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية", "uk": "Українська",
         "ru": "Русский", "fa": "فارسی"}


@cache
def _catalogue(lang: str) -> NullTranslations:
    if lang == "de":
        return NullTranslations()
    return Translations.load(str(config.PROJECT_ROOT / "translations"), [lang], "messages")


def t(lang: str, text: str, **variables) -> str:
    """Translate a German text into lang and fill in the variables."""
    result = _catalogue(lang if lang in LANGUAGES else "de").ugettext(text)
    return result % variables if variables else result


def tn(lang: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _catalogue(lang if lang in LANGUAGES else "de").ungettext(singular, plural, num) \
        % variables


def pick(language_code: str | None) -> str | None:
    """A supported language for a Telegram language code (de-AT → de), or None."""
    if not language_code:
        return None
    code = language_code.split("-")[0].lower()
    return code if code in LANGUAGES else None
