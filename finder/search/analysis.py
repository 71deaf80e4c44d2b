"""Text analysis shared by the index build and the search, one analyser per language.

Everything that turns text into index terms lives here, so that what the build
writes and what a query looks for can never drift apart. Each supported language
has its own analyser, from kept libraries: Snowball stemmers (PyStemmer) for
German, English, Turkish, Russian, Arabic and Persian, pymorphy3's dictionary
lemmatiser for Ukrainian. Around them: folding (case, accents, Arabic and Persian
letter variants), tokenising, and splitting German compounds against the
catalogue's own lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from finder.model.vocabulary import LANGUAGES  # noqa: F401 - the analysers' languages

SCRIPT_LANGUAGES = {
    "latin": ("de", "en", "tr"),
    "cyrillic": ("ru", "uk"),
    "arabic": ("ar", "fa"),
}
"""Which languages a word written in a script can belong to."""

_SNOWBALL = {"de": "german", "en": "english", "tr": "turkish", "ru": "russian",
             "ar": "arabic", "fa": "persian"}

_ARABIC_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ی", "ي": "ی", "ئ": "ی",
    "ك": "ک", "ة": "ه", "ؤ": "و",
    "ـ": None,  # tatweel, a stretching stroke
    "\u200c": None,  # Persian zero-width non-joiner: the half-space is left out when typing
    "\u200d": None,
    "'": None, "’": None, "ʼ": None, "`": None,
    "ı": "i",  # Turkish dotless i, often typed as i anyway
})
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200d": None})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ʻ": "'"})
_TOKEN = re.compile(r"\w+(?:'\w+)*")

_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"^[a-z0-9]+$")
_LINKS = ("s", "es", "n", "en", "e", "er")
MIN_HEAD, MIN_MODIFIER, MIN_COMPOUND = 4, 3, 8


def _marks_table() -> dict[int, str | None]:
    """Combining marks go; control and format characters become spaces (the Persian
    half-space and the joiner are handled with the letter variants)."""
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category == "Mn":
            table[code] = None
        elif category in ("Cc", "Cf") and code not in (0x200C, 0x200D):
            table[code] = " "
    return table


_MARKS = _marks_table()


def _finder(table: dict[int, str | None]) -> re.Pattern:
    """A pattern that finds any character a translation table changes."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")


_CHANGES = {id(table): _finder(table) for table in (_DIGITS, _APOSTROPHES, _MARKS, _ARABIC_MAP)}


def _translate(text: str, table: dict[int, str | None]) -> str:
    """str.translate, skipped when the text has none of the table's characters: finding
    one is some 15 times faster than translating (most texts have none), and builds
    analyse every text of the catalogue."""
    return text.translate(table) if _CHANGES[id(table)].search(text) else text


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case and strip what families often leave out when they type.

    Accents and umlauts go (ä → a, ş → s, ё → е); Arabic and Persian letter
    variants become one form; control characters become spaces.
    """
    # Cyrillic й keeps its breve (й and и are different letters); Turkish ğ loses it.
    text = _translate(text.replace("ß", "ss").replace("ẞ", "ss"), _DIGITS)
    text = text.casefold().replace("й", "\ue000")
    text = _translate(unicodedata.normalize("NFKD", text), _MARKS)
    return unicodedata.normalize("NFC", _translate(text, _ARABIC_MAP)).replace("\ue000", "й")


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def tokens(text: str) -> list[str]:
    """The words of a text as typed: lower-case, NFC, apostrophes inside words kept
    (Ukrainian сім'я, English don't), digits of every script as 0-9."""
    text = unicodedata.normalize("NFC", _translate(_translate(text.casefold(), _DIGITS), _APOSTROPHES))
    text = text.replace("\u200c", "").replace("\u200d", "")
    return [part for token in _TOKEN.findall(text) for part in _split_scripts(token)]


_OTHER_SCRIPT = re.compile(r"[\u0370-\u1fff\ufb00-\ufeff]")
_ASCII_LETTER = re.compile(r"[a-z]")


def _split_scripts(token: str) -> list[str]:
    """A word is cut where Latin letters meet another script: "الJobcenter" is two."""
    if token.isascii() or not _ASCII_LETTER.search(token) or not _OTHER_SCRIPT.search(token):
        return [token]
    parts, start, previous = [], 0, None
    for i, ch in enumerate(token):
        if not ch.isalpha():
            continue
        latin = ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")
        if previous is not None and latin != previous:
            parts.append(token[start:i])
            start = i
        previous = latin
    parts.append(token[start:])
    return [part for part in parts if part]


def is_latin(word: str) -> bool:
    return bool(_LATIN.match(word))


@lru_cache(maxsize=50_000)
def script(token: str) -> str:
    """latin, cyrillic, arabic, digits or other: the script of a token's first letter."""
    for ch in token:
        if ch.isdigit():
            continue
        if ch.isascii():
            return "latin"
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            return "latin"
        if name.startswith("CYRILLIC"):
            return "cyrillic"
        if name.startswith("ARABIC"):
            return "arabic"
        return "other"
    return "digits"


def languages_of(token: str) -> tuple[str, ...]:
    """The supported languages a token could be a word of, by its script."""
    return SCRIPT_LANGUAGES.get(script(token), ())


_stemmers: dict[str, Stemmer.Stemmer] = {}
_morph = None


def _stemmer(lang: str) -> Stemmer.Stemmer:
    stemmer = _stemmers.get(lang)
    if stemmer is None:
        stemmer = _stemmers[lang] = Stemmer.Stemmer(_SNOWBALL[lang])
    return stemmer


def _ukrainian_lemma(token: str) -> str:
    global _morph
    if _morph is None:
        import pymorphy3

        _morph = pymorphy3.MorphAnalyzer(lang="uk")
    if not _morph.word_is_known(token):
        return token
    return _morph.parse(token)[0].normal_form


@lru_cache(maxsize=200_000)
def key(token: str, lang: str) -> str:
    """The form of a token that a language's analyser gives: stem or lemma, folded.

    German stems are taken of the folded word (users type Kinderarzte for
    Kinderärzte); Turkish, Russian, Ukrainian, Arabic and Persian are analysed as
    typed and folded afterwards, since their analysers need their own letters.
    """
    if token.isdigit():
        return token
    if lang in ("de", "en"):
        folded = fold(token)
        return _stemmer(lang).stemWord(folded) if is_latin(folded) else folded
    if lang == "uk":
        return fold(_ukrainian_lemma(token))
    if lang == "fa":
        return fold(_stemmer("fa").stemWord(token.translate(_PERSIAN_LETTERS)))
    if lang == "ru":
        return fold(_stemmer("ru").stemWord(token.replace("ё", "е")))
    return fold(_stemmer(lang).stemWord(token))


def stem(word: str) -> str:
    """German stem of a folded Latin word; other scripts are kept as they are."""
    if is_latin(word) and not word.isdigit():
        return _stemmer("de").stemWord(word)
    return word


def terms(text: str) -> list[str]:
    """Folded, stemmed German terms of a text, in order, without compound splitting."""
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


def foreign_terms(text: str, lang: str) -> list[str]:
    """Terms to index for a text translated into lang: its analyser's keys, marked with
    the language, so that an English "sad" never meets a Russian "сад" typed as "sad"."""
    return [f"{lang}:{key(t, lang)}" for t in tokens(text)]
