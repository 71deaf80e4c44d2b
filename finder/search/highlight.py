"""Matched words marked in a text, for the results' titles and summaries."""

from __future__ import annotations

import re
from functools import lru_cache

from finder.search.analysis import fold, is_latin, stem

_PIECES = re.compile(r"(\w+)")


def highlight(text: str, terms: frozenset[str]) -> list[tuple[str, bool]]:
    """The text as pieces, each marked True where a word matched the query."""
    if not terms:
        return [(text, False)]
    inside = _inside_pattern(terms)
    pieces: list[tuple[str, bool]] = []
    for i, piece in enumerate(_PIECES.split(text)):
        if not piece:
            continue
        matched = False
        if i % 2:
            folded = fold(piece)
            matched = (folded in terms or (is_latin(folded) and stem(folded) in terms)
                       or bool(inside and inside.search(folded)))
        if pieces and pieces[-1][1] == matched:
            pieces[-1] = (pieces[-1][0] + piece, matched)
        else:
            pieces.append((piece, matched))
    return pieces


@lru_cache(maxsize=1024)
def _inside_pattern(terms: frozenset[str]) -> re.Pattern | None:
    """Matches a query term inside a compound word (Hebamme in Familienhebammen)."""
    inner = sorted(t for t in terms if len(t) >= 4 and is_latin(t))
    return re.compile("|".join(map(re.escape, inner))) if inner else None
