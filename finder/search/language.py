"""Which of the town's languages a family's free text is written in.

A family's phone may be set to German (a shared or second-hand phone, or years in the
country) while the family writes Arabic; the bot and the website should answer in the
language written. The evidence is read word by word, strongest first:

1. letters only one language uses: Persian پ چ ژ گ ی ک and the half-space against Arabic
   ي ك ة ى; Ukrainian і ї є ґ against Russian ы э ъ ё; Turkish ç ğ ı ş, German ä ß;
2. how common the word is in each language of its script (wordfreq, finder.search.wordlists):
   a word counts for a language only when it is clearly more common there;
3. the need vocabulary: a word that only one language's families use for a need;
4. Russian and Ukrainian typed in Latin letters (finder.search.transliteration) and
   Arabic in Latin letters and digits (Arabizi), where the search already reads them.

A short or ambiguous text gives no answer (None): "Kita", "ok", "акушерка" (Russian and
Ukrainian alike) keep the reader's language. Latin-script languages need two words of
evidence, since one German word ("Hebamme") is what families of every language type;
another script needs one, unless the reader's own language is of the same script
(a Ukrainian chat writing "спасибо" stays Ukrainian).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from finder.search.analysis import fold, script, tokens
from finder.search.transliteration import ARABIZI, to_cyrillic
from finder.search.wordlists import REAL_WORD_ZIPF, zipf

LETTERS = {
    "fa": frozenset("پچژگیک\u200c"),
    "ar": frozenset("يكةى"),
    "uk": frozenset("іїєґ"),
    "ru": frozenset("ыэъё"),
    "tr": frozenset("çğış"),
    "de": frozenset("äß"),
}
"""Letters that, in a word, say its language (Persian keyboards type ی and ک, Arabic
ones ي and ك)."""

SCRIPTS = {"latin": ("de", "en", "tr"), "cyrillic": ("ru", "uk"), "arabic": ("ar", "fa")}
COMMON = 3.0
"""A word must be at least this common (Zipf) in a language to be evidence for it."""
MARGIN = 1.0
"""… and this much more common there than in the other languages of its script."""
LATIN_TYPED = 3.0
"""A Latin word that no Latin-script language knows, written back in Cyrillic, must be
this common in Russian or Ukrainian to count for it."""
MIN_VOTES = {"latin": 2, "cyrillic": 1, "arabic": 1}
"""Votes a language needs by its script: one German word is every family's word here."""


def _script_of(lang: str) -> str:
    return next(name for name, langs in SCRIPTS.items() if lang in langs)


def _by_letters(token: str, candidates: Collection[str]) -> str | None:
    found = {lang for lang in candidates if LETTERS.get(lang, frozenset()) & set(token)}
    return found.pop() if len(found) == 1 else None


def _clearly_first(scores: dict[str, float], floor: float) -> str | None:
    """The language with the highest score, when it reaches floor and leads by MARGIN."""
    ranked = sorted(((v, k) for k, v in scores.items()), reverse=True)
    if not ranked or ranked[0][0] < floor:
        return None
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    return ranked[0][1] if ranked[0][0] - second >= MARGIN else None


def _latin_typed(word: str, vocabulary) -> str | None:
    """Russian or Ukrainian typed in Latin letters (mne nuzhen), Arabizi (3ndi), or a
    Latin spelling the need vocabulary knows in one language only."""
    if ARABIZI.match(word):
        return "ar"
    if any(zipf(word, lang) >= REAL_WORD_ZIPF for lang in SCRIPTS["latin"]):
        return None
    others = ("ru", "uk", "ar", "fa")
    if vocabulary is not None:
        spelt = vocabulary.language_of_word(word, others, latin=True)
        if spelt:
            return spelt
    return _clearly_first({lang: zipf(to_cyrillic(word, lang), lang)
                           for lang in ("ru", "uk")}, LATIN_TYPED)


def votes(text: str, vocabulary=None) -> Counter:
    """How many words of the text speak for each supported language (a vote a word; half
    a vote for a word of another script typed in Latin letters)."""
    counted: Counter = Counter()
    for token in tokens(text)[:40]:
        kind = script(token)
        candidates = SCRIPTS.get(kind, ())
        word = fold(token)
        if (not candidates and kind != "latin") or (vocabulary and word in vocabulary.districts):
            continue  # a district's name is the same in every language
        lang = (_by_letters(token, candidates)
                or _clearly_first({x: zipf(word, x) for x in candidates}, COMMON))
        if lang is None and vocabulary is not None and kind != "latin":
            # Kita, Jobcenter, Hebamme: German words are every family's words here.
            lang = vocabulary.language_of_word(token, candidates)
        weight = 1.0
        if lang is None and kind == "latin" and len(word) >= 3:
            # Russian or Ukrainian typed in Latin letters: half a vote, two such words make
            # one; Arabic with its digits (3ndi) is unmistakable.
            lang = _latin_typed(word, vocabulary)
            weight = 1.0 if lang == "ar" else 0.5
        if lang is not None:
            counted[lang] += weight
    return counted


def detect(text: str, offered_languages: Collection[str], current: str | None = None,
           vocabulary=None) -> str | None:
    """The language the text is clearly written in, among the offered ones, or None when
    it is short or ambiguous (then the reader's language stays).

    `current` is the language the reader uses now: to leave it for another language of the
    same script takes two words of evidence. `vocabulary` (a NeedVocabulary) adds the
    words families use for their needs in each language."""
    # Every supported language is weighed, so that Persian is not read as Arabic in a
    # town that offers only Arabic; a language the town does not offer gives no answer.
    counted = votes(text, vocabulary)
    if not counted:
        return None
    ranked = counted.most_common()
    best, count = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if count < 2 * second:
        return None
    needed = MIN_VOTES[_script_of(best)]
    if current and current != best and current in SCRIPTS[_script_of(best)]:
        needed = max(needed, 2)
    return best if count >= needed and best in offered_languages else None
