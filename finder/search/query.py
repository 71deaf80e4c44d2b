"""What a reader asks (Query) and what the search answers (Results): the one
interface between the core and every front end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from finder.model import LANGUAGES, PHASE_IDS, TOPIC_IDS
from finder.search.analysis import fold

MAX_TEXT = 500
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000

RELAXATIONS = (
    ("nearby_districts", "district"),
    ("whole_town", "district"),
    ("any_topic", "topics"),
    ("no_words", "text"),
    ("weekend", "weekend"),
    ("evening", "evening"),
    ("online", "online"),
    ("free", "free"),
    ("lang_spoken", "lang_spoken"),
    ("wheelchair", "wheelchair"),
    ("phase", "phase"),
    ("ages", "ages"),
)

# Why a hit is shown when a district was chosen, best first.
WHY_ORDER = ("district", "citywide", "online", "at_home", "neighbour", "nearby", "elsewhere")


class QueryError(ValueError):
    """A query parameter that cannot be searched for; names the parameter."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


@dataclass(frozen=True)
class Query:
    """What a family asks for. Ages are in months; "expecting" is its own flag."""

    text: str = ""
    ages_months: tuple[int, ...] = ()
    expecting: bool = False
    phase: str | None = None
    district: str | None = None
    topics: tuple[str, ...] = ()
    lang: str = "de"
    free: bool = False
    lang_spoken: str | None = None
    wheelchair: bool = False
    weekend: bool = False
    evening: bool = False
    online: bool = False
    page: int = 1
    page_size: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise QueryError("text", "must be text")
        # Control characters and overlong input are cut here, once for every reader.
        text = "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 else ch
                       for ch in self.text[: MAX_TEXT * 4])
        object.__setattr__(self, "text", " ".join(text.split())[:MAX_TEXT])
        ages = tuple(self.ages_months)
        for age in ages:
            if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age < 30 * 12:
                raise QueryError("age", f"{age!r} is not an age from 0 to 29 years")
        if len(ages) > 10:
            raise QueryError("age", "at most ten children at once")
        object.__setattr__(self, "ages_months", tuple(sorted(set(ages))))
        object.__setattr__(self, "topics", tuple(sorted(set(self.topics))))
        if self.lang not in LANGUAGES:
            raise QueryError("lang", f"{self.lang!r} is not one of {', '.join(LANGUAGES)}")
        if self.phase is not None and self.phase not in PHASE_IDS:
            raise QueryError("phase", f"unknown life phase {self.phase!r}")
        for topic in self.topics:
            if topic not in TOPIC_IDS:
                raise QueryError("topic", f"unknown topic {topic!r}")
        if self.lang_spoken is not None and not re.fullmatch(r"[a-z]{2,3}", self.lang_spoken):
            raise QueryError("lang_spoken", f"{self.lang_spoken!r} is not a language code")
        if not isinstance(self.page, int) or not 1 <= self.page <= MAX_PAGE:
            raise QueryError("page", f"must be a whole number from 1 to {MAX_PAGE}")
        if not isinstance(self.page_size, int) or not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise QueryError("page_size", f"must be from 1 to {MAX_PAGE_SIZE}")

    def cache_key(self) -> tuple:
        """What decides the matching set and its order: everything except paging."""
        return (fold(self.text), self.lang, self.ages_months, self.expecting, self.phase, self.district,
                self.topics, self.free, self.lang_spoken, self.wheelchair, self.weekend,
                self.evening, self.online)


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    summary: str
    fallback: bool
    """True when title and summary are German because the reader's language is missing."""
    provider_id: str
    topics: tuple[str, ...]
    phases: tuple[str, ...]
    districts: tuple[str, ...]
    min_age_months: int | None
    max_age_months: int | None
    attending_type: str
    free: bool
    why: str
    """Why the hit is there when a district was chosen: see WHY_ORDER; "" otherwise."""
    score: float
    """The share of the query the offer answers, 0 to 1 (0 without text)."""
    stale: bool
    """Not verified for over a year."""
    assured_date: str | None
    highlights: dict = field(default_factory=dict)
    """title and summary as lists of (text, matched) pieces."""
    audience: str = "child"
    """child, parents or family: who the offer is for."""

    def age_label(self) -> str:
        low, high = self.min_age_months, self.max_age_months
        if low is None and high is None:
            return "alle"
        def years(m):
            return "Schw." if m < 0 else f"{m // 12}J" if m % 12 == 0 else f"{m}M"
        return f"{years(low if low is not None else 0)}–{years(high) if high is not None else ''}"


@dataclass(frozen=True)
class Results:
    query: Query
    hits: tuple[Hit, ...]
    total: int
    facets: dict
    suggestion: str | None
    relaxed: tuple[str, ...]
    """Relaxation steps taken, in order (see RELAXATIONS); empty when the query matched."""
    district: str | None = None
    """The district searched in: the query's, or one named in its text."""
    emergency: bool = False
    """The query is about violence, abuse, self-harm or an acute crisis: show the
    emergency numbers on top."""
    needs: tuple[str, ...] = ()
    """The needs read from the text (ids of the need vocabulary)."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))

    @property
    def relaxed_filters(self) -> frozenset[str]:
        names = dict(RELAXATIONS)
        return frozenset(names[step] for step in self.relaxed)

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "page": self.query.page,
            "pages": self.pages,
            "hits": [{
                "id": h.id, "title": h.title, "summary": h.summary, "fallback": h.fallback,
                "topics": list(h.topics), "phases": list(h.phases),
                "districts": list(h.districts), "min_age_months": h.min_age_months,
                "max_age_months": h.max_age_months, "why": h.why,
                "score": round(h.score, 4), "stale": h.stale, "audience": h.audience,
            } for h in self.hits],
            "facets": self.facets,
            "relaxed": list(self.relaxed),
            "suggestion": self.suggestion,
            "district": self.district,
            "emergency": self.emergency,
            "needs": list(self.needs),
        }
