"""Places: where families live and offers are held, as a tree of one to three levels.

A small town has one level (its Stadtteile); a Kreis has Gemeinden and their Ortsteile; a
big city has Bezirke and Planungsräume. Every place has a name (and names in other
scripts), coordinates, neighbours on its own level and, for the coordinator, figures of
the children living there. Offers name places at any level; a family picks a place at any
level, and the most specific one is the search's `district`.

The rules about places live here once: which places lie inside which, which are near
(neighbours, other parts of the same place), the children of a place summed over its
parts, and the straight-line distance between two points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0088
MAX_LEVELS = 3


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The straight-line (great-circle) distance in kilometres: what "4 km" means. Travel
    by road or bus is longer; the order of nearby places is what it is for."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + \
        math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Level:
    """A level of the tree, most general first: Gemeinde, Ortsteil."""

    id: str
    name: str
    names: dict = field(default_factory=dict)
    """The level's name in other languages (the German is `name`)."""

    def name_in(self, lang: str) -> str:
        return self.names.get(lang) or self.name


DEFAULT_LEVEL = Level("district", "Stadtteil")
"""A town whose places have one level and no names for it: the Stadtteile."""


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    level: int = 1
    """1 for the most general level (a Gemeinde, a Bezirk), up to MAX_LEVELS."""
    parent: str | None = None
    names: dict = field(default_factory=dict)
    """The name as other languages or scripts write it (Arabic, Persian, Cyrillic)."""
    latitude: float | None = None
    longitude: float | None = None
    neighbours: tuple[str, ...] = ()
    population: int | None = None
    children: dict = field(default_factory=dict)
    """Children living there per life phase's age band (births a year for pregnancy)."""
    social_need_index: int | None = None

    @classmethod
    def from_record(cls, record: dict) -> Place:
        return cls(id=record["id"], name=record["name"], level=record.get("level") or 1,
                   parent=record.get("parent"), names=dict(record.get("names") or {}),
                   latitude=record.get("latitude"), longitude=record.get("longitude"),
                   neighbours=tuple(record.get("neighbours") or ()),
                   population=record.get("population"),
                   children=dict(record.get("children") or {}),
                   social_need_index=record.get("social_need_index"))

    def name_in(self, lang: str) -> str:
        return self.names.get(lang) or self.name

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Places:
    """The tree of a town's places, asked by id."""

    def __init__(self, places: Iterable[Place], levels: Iterable[Level] = ()):
        self._by_id: dict[str, Place] = {p.id: p for p in places}
        self.levels: tuple[Level, ...] = tuple(levels) or (DEFAULT_LEVEL,)
        self._children: dict[str | None, list[str]] = {}
        for place in sorted(self._by_id.values(), key=lambda p: (p.name.casefold(), p.id)):
            self._children.setdefault(place.parent, []).append(place.id)

    @classmethod
    def from_records(cls, records: Iterable[dict], levels: Iterable[dict] = ()) -> Places:
        return cls((Place.from_record(r) for r in records),
                   (Level(lv["id"], lv["name"], dict(lv.get("names") or {})) for lv in levels))

    # --- asking for places --------------------------------------------------------------

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._by_id

    def __getitem__(self, place_id: str) -> Place:
        return self._by_id[place_id]

    def get(self, place_id: str | None) -> Place | None:
        return self._by_id.get(place_id) if place_id else None

    def __iter__(self) -> Iterator[Place]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    @property
    def nested(self) -> bool:
        """Whether the places have more than one level."""
        return any(p.parent for p in self)

    def in_order(self) -> list[Place]:
        """Every place, each followed by its parts, by name: the order of a choice list."""
        found: list[Place] = []

        def visit(parent: str | None) -> None:
            for child in self._children.get(parent, []):
                found.append(self._by_id[child])
                visit(child)

        visit(None)
        return found

    def level_number(self, level: str | int) -> int:
        """A level given by its number (1 most general) or its id or name."""
        if isinstance(level, int) or (isinstance(level, str) and level.isdigit()):
            number = int(level)
            if 1 <= number <= len(self.levels):
                return number
        else:
            for number, known in enumerate(self.levels, start=1):
                if level.casefold() in (known.id.casefold(), known.name.casefold()):
                    return number
        raise KeyError(level)

    def at_level(self, level: int) -> list[Place]:
        """The places of one level, by name."""
        return [p for p in self.in_order() if p.level == level]

    # --- the tree -----------------------------------------------------------------------

    def parts(self, place_id: str) -> list[str]:
        """The places directly inside this one (the Ortsteile of a Gemeinde)."""
        return list(self._children.get(place_id, []))

    def ancestors(self, place_id: str) -> list[str]:
        """The places this one lies in, the nearest first."""
        found = []
        parent = self._by_id[place_id].parent
        while parent is not None and parent not in found:
            found.append(parent)
            parent = self._by_id[parent].parent
        return found

    def descendants(self, place_id: str) -> list[str]:
        """Every place inside this one, at any depth."""
        found = []
        todo = list(self._children.get(place_id, []))
        while todo:
            child = todo.pop()
            found.append(child)
            todo.extend(self._children.get(child, []))
        return sorted(found)

    def ancestor_at(self, place_id: str, level: int) -> str | None:
        """The place of that level that this one lies in (itself at its own level);
        None when the place is less specific than the level."""
        place = self._by_id[place_id]
        if place.level < level:
            return None
        for candidate in [place_id, *self.ancestors(place_id)]:
            if self._by_id[candidate].level == level:
                return candidate
        return None

    def near(self, place_id: str) -> set[str]:
        """Places next to this one: its neighbours, the other parts of the place it lies
        in, and the neighbours of the places it lies in; each with its own parts."""
        close = set(self._by_id[place_id].neighbours)
        for ancestor in self.ancestors(place_id):
            close.update(self._by_id[ancestor].neighbours)
        parent = self._by_id[place_id].parent
        if parent is not None:
            close.update(self._children.get(parent, []))
        close |= {d for c in list(close) for d in self.descendants(c)}
        return close - {place_id} - set(self.ancestors(place_id)) - set(self.descendants(place_id))

    def point(self, place_id: str) -> tuple[float, float] | None:
        """A place's coordinates, else those of the nearest place it lies in."""
        for candidate in [place_id, *self.ancestors(place_id)]:
            place = self._by_id[candidate]
            if place.located:
                return place.latitude, place.longitude
        return None

    # --- the coordinator's figures ------------------------------------------------------

    def children_of(self, place_id: str, phase: str) -> int | None:
        """The children of a life phase living in a place: its own figure, else the sum
        of its parts' when every part has one; None when not known."""
        place = self._by_id[place_id]
        if phase in place.children:
            return place.children[phase]
        parts = self._children.get(place_id, [])
        if not parts:
            return None
        figures = [self.children_of(p, phase) for p in parts]
        return None if any(f is None for f in figures) else sum(figures)
