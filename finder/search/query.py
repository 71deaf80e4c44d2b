"""What a reader asks (Query) and what the search answers (Results): the one
interface between the core and every front end."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from finder.model import LANGUAGES, MAX_CHILD_AGE_YEARS, PHASE_IDS, TOPIC_IDS, Offer
from finder.model import ages as age_rules
from finder.search.analysis import fold

MAX_TEXT = 500
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
PAGE_SIZE = 10

SEARCH_PARAMETERS = ("q", "age", "expecting", "phase", "district", "near", "radius_km", "topic",
                     "free", "lang_spoken", "accessible", "weekend", "evening", "online", "page")
"""The search's parameters, the same on the website, the desk, the API, the CLI and in
the bot, so that a link can be shared."""
FLAGS = {"1": True, "on": True, "true": True, "yes": True,
         "": False, "0": False, "off": False, "false": False, "no": False}


def _whole_number(value: str) -> bool:
    """0-9 only: str.isdigit() also accepts ² and ③, which int() refuses."""
    return value.isascii() and value.isdigit() and len(value) <= 6


def _flag(one, name: str) -> bool:
    value = one(name).lower()
    if value not in FLAGS:
        raise QueryError(name, "must be on or off (1 or 0, true or false)")
    return FLAGS[value]

NEAR_DECIMALS = 2
"""A point from the phone is rounded to two decimals (about 1 km): enough to order offers
by distance, too coarse to find a home."""
MAX_RADIUS_KM = 200
RADII_KM = (5, 10, 25)
"""The radii the website, the desk and the bot offer; the API takes any whole number."""


def _point(value: str) -> tuple[float, float]:
    """`near=51.70,9.80`: latitude and longitude in degrees, rounded (NEAR_DECIMALS)."""
    parts = value.replace(";", ",").split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise QueryError("near", f"{value!r} is not a point like 51.70,9.80 (latitude, "
                                 "longitude)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise QueryError("near", f"{value!r} is not a point on earth (latitude -90 to 90, "
                                 "longitude -180 to 180)")
    return round(lat, NEAR_DECIMALS), round(lon, NEAR_DECIMALS)


RELAXATIONS = (
    ("wider_radius", "radius_km"),
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

# Why a hit is shown when a district was chosen: in the family's place, coming to them,
# online or by phone, for the whole town, in a place next to theirs, a little further,
# anywhere. The first three need no journey; the rest are ordered by distance.
WHY_ORDER = ("district", "at_home", "online", "citywide", "neighbour", "nearby", "elsewhere")


class QueryError(ValueError):
    """A query parameter that cannot be searched for; names the parameter."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


@dataclass(frozen=True)
class Query:
    """What a family asks for. Ages are in months; "expecting" is its own flag."""

    text: str = ""
    ages_months: tuple[int, ...] = ()
    expecting: bool = False
    phase: str | None = None
    district: str | None = None
    """The family's place, the most specific they chose (a Stadtteil, an Ortsteil …)."""
    near: tuple[float, float] | None = None
    """A point (latitude, longitude) the family chose to share, rounded: distances are
    measured from it instead of from the place. Never stored or logged."""
    radius_km: int | None = None
    """Only offers held at most this far away (plus those online and those that come to
    the family); measured from `near` or the place."""
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
            if not isinstance(age, int) or isinstance(age, bool) or \
                    not age_rules.valid_child_age(age // 12) or age < 0:
                raise QueryError("age", f"{age!r} is not a child's age in months from 0 to "
                                        f"{MAX_CHILD_AGE_YEARS * 12 + 11}")
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
        if self.near is not None:
            point = tuple(self.near)
            if len(point) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                          for x in point):
                raise QueryError("near", "must be a point (latitude, longitude)")
            object.__setattr__(self, "near", _point(f"{point[0]},{point[1]}"))
        if self.radius_km is not None and (
                not isinstance(self.radius_km, int) or isinstance(self.radius_km, bool)
                or not 1 <= self.radius_km <= MAX_RADIUS_KM):
            raise QueryError("radius_km", f"must be a whole number of kilometres from 1 to "
                                          f"{MAX_RADIUS_KM}")
        if self.lang_spoken is not None and not re.fullmatch(r"[a-z]{2,3}", self.lang_spoken):
            raise QueryError("lang_spoken", f"{self.lang_spoken!r} is not a language code")
        if not isinstance(self.page, int) or not 1 <= self.page <= MAX_PAGE:
            raise QueryError("page", f"must be a whole number from 1 to {MAX_PAGE}")
        if not isinstance(self.page_size, int) or not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise QueryError("page_size", f"must be from 1 to {MAX_PAGE_SIZE}")

    @classmethod
    def from_params(cls, params: Mapping[str, str | Sequence[str]], *, lang: str = "de",
                    districts: Collection[str] | None = None, page_size: int = PAGE_SIZE,
                    also: Collection[str] = (), strict: bool = False) -> Query:
        """The search parameters every front end shares (SEARCH_PARAMETERS: a website or
        API address, the CLI's options, the bot's choices) as a Query. Raises QueryError
        naming the first parameter that cannot be searched for; the front end words it.

        `also` names the parameters a front end reads itself (the desk's list, the
        API's per_page). With `strict`, any other parameter is an error (the API); without,
        it is ignored (fbclid, utm_source … on a shared link)."""
        def values(name: str) -> list[str]:
            value = params.get(name)
            if value is None:
                return []
            return [value] if isinstance(value, str) else [str(v) for v in value]

        def one(name: str) -> str:
            found = values(name)
            return found[-1] if found else ""

        if strict:
            for name in params:
                if name not in SEARCH_PARAMETERS and name not in also:
                    raise QueryError(name, "unknown parameter; the search parameters are "
                                           f"{', '.join(SEARCH_PARAMETERS)}")
        text = one("q")
        if len(text) > MAX_TEXT:
            raise QueryError("q", f"longer than {MAX_TEXT} characters")
        months = []
        for value in values("age"):
            if value == "":
                continue
            if value.endswith("m") and _whole_number(value[:-1]) and \
                    age_rules.valid_child_age(int(value[:-1]) // 12):
                months.append(int(value[:-1]))  # 18m: eighteen months
            elif _whole_number(value) and age_rules.valid_child_age(int(value)):
                months.append(int(value) * 12)
            else:
                raise QueryError("age", f"{value!r} is not a child's age in whole years from 0 "
                                        f"to {MAX_CHILD_AGE_YEARS} (or months, like 18m)")
        page = one("page") or "1"
        if not _whole_number(page) or not 1 <= int(page) <= MAX_PAGE:
            raise QueryError("page", f"must be a whole number from 1 to {MAX_PAGE}")
        district = one("district") or None
        if district is not None and districts is not None and district not in districts:
            raise QueryError("district", f"unknown district {district!r}")
        near = _point(one("near")) if one("near") else None
        radius = one("radius_km")
        if radius and (not _whole_number(radius) or not 1 <= int(radius) <= MAX_RADIUS_KM):
            raise QueryError("radius_km", f"must be a whole number of kilometres from 1 to "
                                          f"{MAX_RADIUS_KM}")
        return cls(text=text, ages_months=tuple(months), expecting=_flag(one, "expecting"),
                   phase=one("phase") or None, district=district, near=near,
                   radius_km=int(radius) if radius else None,
                   topics=tuple(t for t in values("topic") if t), lang=lang,
                   free=_flag(one, "free"), lang_spoken=one("lang_spoken") or None,
                   wheelchair=_flag(one, "accessible"), weekend=_flag(one, "weekend"),
                   evening=_flag(one, "evening"), online=_flag(one, "online"),
                   page=int(page), page_size=page_size)

    def params(self) -> dict[str, list[str]]:
        """The query as the shared search parameters (for links and the bot's buttons):
        Query.from_params(query.params()) is the same query."""
        found = {"q": [self.text], "age": [str(m // 12) for m in self.ages_months],
                 "expecting": ["1"] if self.expecting else [], "phase": [self.phase or ""],
                 "district": [self.district or ""],
                 "near": [f"{self.near[0]:.{NEAR_DECIMALS}f},{self.near[1]:.{NEAR_DECIMALS}f}"]
                 if self.near else [],
                 "radius_km": [str(self.radius_km)] if self.radius_km else [],
                 "topic": list(self.topics),
                 "free": ["1"] if self.free else [], "lang_spoken": [self.lang_spoken or ""],
                 "accessible": ["1"] if self.wheelchair else [],
                 "weekend": ["1"] if self.weekend else [],
                 "evening": ["1"] if self.evening else [],
                 "online": ["1"] if self.online else [],
                 "page": [str(self.page)] if self.page > 1 else []}
        return {k: v for k, v in found.items() if any(v)}

    def cache_key(self) -> tuple:
        """What decides the matching set and its order: everything except paging."""
        return (fold(self.text), self.lang, self.ages_months, self.expecting, self.phase, self.district,
                self.near, self.radius_km, self.topics, self.free, self.lang_spoken,
                self.wheelchair, self.weekend, self.evening, self.online)


@dataclass(frozen=True)
class Hit:
    """One offer in the results: the offer itself, and what the search says of it."""

    offer: Offer
    title: str
    summary: str
    fallback: bool
    """True when title and summary are German because the reader's language is missing."""
    why: str
    """Why the hit is there when a district was chosen: see WHY_ORDER; "" otherwise."""
    score: float
    """The share of the query the offer answers, 0 to 1 (0 without text)."""
    stale: bool
    """Not verified for over a year."""
    highlights: dict = field(default_factory=dict)
    """title and summary as lists of (text, matched) pieces."""
    distance_km: float | None = None
    """How far the nearest place where the offer is held lies from the family's place or
    point, straight line, when one was given; None for offers without a place."""

    @property
    def id(self) -> str:
        return self.offer.id

    def __getattr__(self, name: str):
        # The offer's own facts (topics, ages, free …) are asked of the offer.
        if name in _OFFER_FACTS:
            return getattr(self.offer, name)
        raise AttributeError(name)


_OFFER_FACTS = frozenset({"provider_id", "topics", "phases", "districts", "min_age_months",
                          "max_age_months", "attending_type", "free", "assured_date",
                          "audience"})


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
    fit: str = "strong"
    """How well the first results answer the query (finder.search.fit): strong (they
    answer the need), partial (related offers, no exact answer) or none (nothing
    relevant). A search without words is strong when its filters matched."""
    first_contact: tuple[Hit, ...] = ()
    """When the fit is not strong: the town's places that help with any question (a
    family office, first-contact advice, a family centre), nearest first."""

    @property
    def exact(self) -> bool:
        """The first results answer the need; otherwise they are related offers only."""
        return self.fit == "strong"

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
                "max_age_months": h.max_age_months, "ages": h.offer.ages_in_words(self.query.lang),
                "why": h.why,
                "distance_km": None if h.distance_km is None else round(h.distance_km, 1),
                "score": round(h.score, 4), "stale": h.stale, "audience": h.audience,
            } for h in self.hits],
            "facets": self.facets,
            "relaxed": list(self.relaxed),
            "suggestion": self.suggestion,
            "district": self.district,
            "emergency": self.emergency,
            "needs": list(self.needs),
            "fit": self.fit,
            "first_contact": [{"id": h.id, "title": h.title, "summary": h.summary,
                               "phones": list(h.offer.phones), "why": h.why}
                              for h in self.first_contact],
        }
