"""Texts in a reader's language, from the gettext catalogues in translations/.

German texts are the message ids. The website's requests use Flask-Babel; everything
else that speaks to a reader other than the request's (the bot's chats, the family's
half of a referral slip, the words the model puts facts into) asks `t` and `tn` here
with the language it means. The catalogues are compiled by `make translations`.
"""

from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations

from finder import config
from finder.model.vocabulary import LANGUAGES


def N_(text: str) -> str:
    """Marks a text for translation where it is translated later."""
    return text


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a text with a number for translation where it is translated later (tn)."""
    return singular, plural


@cache
def catalogue(lang: str) -> NullTranslations:
    if lang == "de" or lang not in LANGUAGES:
        return NullTranslations()
    return Translations.load(str(config.PROJECT_ROOT / "translations"), [lang], "messages")


def t(lang: str, text: str, **variables) -> str:
    """A German text in lang, with the variables filled in."""
    result = catalogue(lang).ugettext(text)
    return result % variables if variables else result


def tn(lang: str, singular: str, plural: str, num: int, **variables) -> str:
    """A German text with a number in lang, in the plural form the number asks for
    there (one, two, few, many … as CLDR counts)."""
    variables.setdefault("num", num)
    return catalogue(lang).ungettext(singular, plural, num) % variables
