"""Words of other scripts typed in Latin letters: Russian and Ukrainian written back in
Cyrillic for their analysers, and Arabic in Latin letters and digits (Arabizi) told
apart from a misspelling.
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
