"""Words of other scripts typed in Latin letters: Russian and Ukrainian written back in
Cyrillic for their analysers, Arabic in Latin letters and digits (Arabizi) told apart from
a misspelling, and Arabic and Persian typed in Latin letters found again by their
consonants (7adane → حضانة, wlad → ولاد).
"""

from __future__ import annotations

import re
from functools import lru_cache

ARABIZI = re.compile(r"^[a-z]*[235789][a-z]+[a-z0-9]*$")
"""Arabic typed in Latin letters and digits (7ada, ma3i), a folded word."""

_LATIN_TO_CYRILLIC = [
    ("shch", "щ"), ("sch", "ш"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("ya", "я"), ("ia", "я"), ("yu", "ю"), ("iu", "ю"), ("yo", "ё"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"), ("g", "г"), ("h", "х"), ("d", "д"),
    ("e", "е"), ("z", "з"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
    ("c", "к"), ("x", "кс"), ("q", "к"),
]
_RUSSIAN_LETTERS = [("ye", "е"), ("iy", "ий"), ("yy", "ый"), ("ij", "ий"), ("i", "и"),
                    ("y", "ы")]
_UKRAINIAN_LETTERS = [("yi", "ї"), ("ye", "є"), ("iy", "ій"), ("yy", "ий"), ("i", "і"),
                      ("y", "и")]


@lru_cache(maxsize=20_000)
def to_cyrillic(word: str, lang: str, ts: bool = True) -> str:
    """A Latin spelling of a Russian or Ukrainian word written back in Cyrillic
    (detskiy → детский, dytyny → дитини); the analysers take it from there.
    ts is ц (tsentr) or т and с (detskiy): both are tried."""
    rules = sorted((_RUSSIAN_LETTERS if lang == "ru" else _UKRAINIAN_LETTERS)
                   + [r for r in _LATIN_TO_CYRILLIC if ts or r[0] != "ts"],
                   key=lambda rule: -len(rule[0]))
    out, i = [], 0
    while i < len(word):
        for latin, cyrillic in rules:
            if word.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def cyrillic_spellings(word: str, lang: str) -> set[str]:
    """The Cyrillic words a Latin spelling may stand for in lang (ts as ц and as тс)."""
    return {to_cyrillic(word, lang, ts) for ts in (True, False)}


# Arabic and Persian letters by the sound a Latin typist gives them; letters typed alike
# share a class (ض د ذ are all "d", ك ق "k", ح ه "h", ج غ "j"). The long vowels ا و ی are
# vowels (A, U, I) except و and ی at a word's start; short vowels are not written at all.
_ARABIC_SOUNDS = {
    "ب": "b", "پ": "b", "ت": "t", "ط": "t", "ث": "s", "ج": "j", "چ": "c", "ح": "h", "ه": "h",
    "خ": "x", "د": "d", "ذ": "d", "ض": "d", "ظ": "z", "ر": "r", "ز": "z", "ژ": "z", "س": "s",
    "ص": "s", "ش": "c", "ع": "3", "غ": "j", "ف": "f", "ق": "k", "ک": "k", "گ": "j", "ل": "l",
    "م": "m", "ن": "n",
}
_ARABIC_VOWELS = {"ا": "A", "و": "U", "ی": "I"}
_LATIN_DIGRAPHS = (("sh", "c"), ("ch", "c"), ("kh", "x"), ("gh", "j"), ("th", "s"), ("dh", "d"),
                   ("ou", "U"), ("oo", "U"), ("ee", "I"), ("aa", "A"))
_LATIN_SOUNDS = {
    "b": "b", "p": "b", "t": "t", "j": "j", "g": "j", "h": "h", "7": "h", "x": "x", "5": "x",
    "d": "d", "z": "z", "r": "r", "s": "s", "c": "c", "3": "3", "f": "f", "v": "f", "q": "k",
    "k": "k", "9": "k", "l": "l", "m": "m", "n": "n", "6": "t",
    "a": "A", "e": "E", "i": "I", "o": "U", "u": "U",
}
"""E is a vowel that may stand for A or I (bet for بيت, 7adane for حضانة)."""
MIN_CONSONANTS = 3
"""A word is found by its sounds only when it has this many consonants: shorter skeletons
are shared by too many words."""


def arabic_sounds(word: str) -> str:
    """A folded Arabic or Persian word as the sounds a Latin typist writes for it:
    حضانه → hdAn, مدرسه → mdrs, ولاد → wlAd (a final ه and a first ا are left out)."""
    out = []
    for i, ch in enumerate(word):
        if ch in ("و", "ی") and i == 0:
            out.append("w" if ch == "و" else "y")
        elif ch in _ARABIC_VOWELS:
            if i:
                out.append(_ARABIC_VOWELS[ch])
        elif ch in _ARABIC_SOUNDS and not (ch == "ه" and i == len(word) - 1 and i > 1):
            out.append(_ARABIC_SOUNDS[ch])
    return "".join(out)


def latin_sounds(word: str) -> str:
    """A folded Latin spelling of an Arabic or Persian word as sounds (7adane → hAdAnE,
    wlad → wlAd): w and y are consonants at the start and vowels elsewhere; a doubled
    letter is one sound."""
    for latin, sound in _LATIN_DIGRAPHS:
        word = word.replace(latin, sound.upper() if sound in "AIU" else sound.upper() + "_")
    out: list[str] = []
    previous = ""
    for i, ch in enumerate(word):
        if ch == "_":
            continue
        if ch.isupper():
            sound = ch if ch in "AIU" else ch.lower()
        elif ch in ("w", "y"):
            sound = ch if i == 0 else ("U" if ch == "w" else "I")
        else:
            sound = _LATIN_SOUNDS.get(ch, "")
        if sound and not (ch == previous and out and out[-1] == sound):
            out.append(sound)
        previous = ch
    return "".join(out)


def consonants(sounds: str) -> str:
    return "".join(ch for ch in sounds if ch.islower() or ch.isdigit())


def sounds_match(latin: str, arabic: str) -> bool:
    """Whether a Latin spelling's sounds may write the Arabic word's: the same consonants
    in the same order, and each long vowel of the Arabic word typed where it stands
    (snin is سنين "years", not أسنان "teeth")."""
    j = 0
    for sound in latin:
        if j < len(arabic) and (sound == arabic[j] or (sound == "E" and arabic[j] in "AI")):
            j += 1
        elif sound.islower() or sound.isdigit():
            return False
    return j == len(arabic)
