"""Text analysis shared by the index build and the search.

Everything that turns text into index terms lives here, so that what the build
writes and what a query looks for can never drift apart: folding (case, accents,
Arabic and Persian letter variants), tokenising, German stemming and splitting
German compounds against the catalogue's own lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from whoosh.lang import stemmer_for_language

_german_stem = stemmer_for_language("de")

_ARABIC_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ی", "ي": "ی", "ئ": "ی",
    "ك": "ک", "ة": "ه", "ؤ": "و",
    "ـ": None,  # tatweel, a stretching stroke
    "\u200c": " ",  # Persian zero-width non-joiner separates word parts
    "\u200d": None,
    "'": None, "’": None, "ʼ": None, "`": None,
})
_KEEP_MARKS = {"\u0306"}  # the breve of Cyrillic й stays; й and и are different letters
_TOKEN = re.compile(r"\w+")
_LATIN = re.compile(r"^[a-z0-9]+$")
_LINKS = ("s", "es", "n", "en", "e", "er")
MIN_HEAD, MIN_MODIFIER, MIN_COMPOUND = 4, 3, 8


@lru_cache(maxsize=20_000)
def fold(text: str) -> str:
    """Lower-case and strip what families often leave out when they type.

    Accents and umlauts go (ä → a, ş → s, ё → е); Arabic and Persian letter
    variants become one form; control characters become spaces.
    """
    text = text.replace("ß", "ss").replace("ẞ", "ss")
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200c\u200d"
        else ch
        for ch in text
        if unicodedata.category(ch) != "Mn" or ch in _KEEP_MARKS
    )
    return unicodedata.normalize("NFC", text.translate(_ARABIC_MAP))


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _TOKEN.findall(fold(text))


def is_latin(word: str) -> bool:
    return bool(_LATIN.match(word))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """German stem of a folded Latin word; other scripts are kept as they are."""
    if is_latin(word) and not word.isdigit():
        return _german_stem(word)
    return word


def terms(text: str) -> list[str]:
    """Folded, stemmed terms of a text, in order, without compound splitting."""
    return [stem(w) for w in words(text)]


class Lexicon:
    """The German words of the catalogue, used to split compounds.

    A long word is split where its end is a known word (the head) and what comes
    before it, less a linking -s-, -n- or -en-, is a known word too:
    Erziehungsberatung → erziehung + beratung, Familienhebammen → familie + hebammen.
    """

    def __init__(self, known: Iterable[str]):
        self.known = frozenset(w for w in known if len(w) >= MIN_MODIFIER and is_latin(w))
        self._cache: dict[str, tuple[str, ...]] = {}

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a folded compound word, or () when it is not one."""
        if len(word) < MIN_COMPOUND or not is_latin(word):
            return ()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts = self._split(word, depth=0)
        result = tuple(parts) if len(parts) > 1 else ()
        if len(self._cache) < 500_000:
            self._cache[word] = result
        return result

    def _split(self, word: str, depth: int) -> list[str]:
        # The longest known head wins. A modifier that is itself a compound is
        # split too and kept whole as well: Hausaufgabenhilfe → hausaufgaben,
        # haus, aufgaben, hilfe.
        for strict in (True, False):
            for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
                head = word[cut:]
                if head not in self.known:
                    continue
                modifier = self._modifier(word[:cut], strict)
                if modifier is None:
                    continue
                if depth < 2 and len(modifier) >= MIN_COMPOUND:
                    inner = self._split(modifier, depth + 1)
                    if len(inner) > 1:
                        return [modifier, *inner, head]
                return [modifier, head]
        return [word]

    def _modifier(self, text: str, strict: bool) -> str | None:
        """The word in front of a head: known as it is, less a linking letter,
        or as a verb stem (schwimm-kurs); any word of five letters or more when
        not strict (Integrations-kurs: the head alone is worth finding)."""
        if text in self.known:
            return text
        for link in _LINKS:
            if text.endswith(link) and text[: -len(link)] in self.known:
                return text[: -len(link)]
        for ending in ("en", "e"):
            if text + ending in self.known:
                return text + ending
        if not strict and len(text) >= 5:
            return text
        return None


def index_terms(text: str, lexicon: Lexicon) -> list[str]:
    """Terms to index for a German text: each word's stem and its compound parts' stems."""
    result: list[str] = []
    for word in words(text):
        result.append(stem(word))
        result.extend(stem(part) for part in lexicon.split(word))
    return result


def foreign_terms(text: str) -> list[str]:
    """Terms to index for a translated text: folded words, not stemmed."""
    return words(text)
