"""Districts from coordinates: which district a point lies in, from a GeoJSON of polygons.

A town may keep its districts' shapes in `districts.geojson` beside districts.yaml
(one feature per district, found by its `id` or `name` property). Then an offer or
provider with coordinates and no district gets the district it lies in, and coordinates
that lie in no district, or far outside the district they name, are reported.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "districts.geojson"
TOLERANCE_METRES = 100.0
"""How far outside its named district a point may lie before it is reported: shapes and
geocoded addresses disagree by a few metres along borders."""
METRES_PER_DEGREE = 111_320.0
TOWN_RADIUS_METRES = 2_000.0
"""Without shapes, a point this close to a district's centre counts as in it even when the
districts lie closer together (a town of one or two districts)."""


class GeoError(ValueError):
    """The GeoJSON cannot be used; the message says why."""


@dataclass(frozen=True)
class Unmatched:
    """A feature that names no district of districts.yaml."""

    index: int
    label: str


class DistrictShapes:
    """The polygons of a town's districts and the point-in-polygon lookup over them."""

    def __init__(self, shapes: dict[str, object], levels: dict[str, int] | None = None):
        from shapely import STRtree
        from shapely.prepared import prep

        self.ids = list(shapes)
        self.shapes = [shapes[i] for i in self.ids]
        self._prepared = [prep(s) for s in self.shapes]
        self._tree = STRtree(self.shapes)
        self._levels = [(levels or {}).get(i, 1) for i in self.ids]
        """Each shape's level: a point lies in the most specific place that holds it."""

    @classmethod
    def load(cls, path: Path, districts: list[dict]) -> tuple[DistrictShapes, list[Unmatched]]:
        """Read the GeoJSON; features are matched to districts by id, else by name."""
        from shapely.geometry import shape

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise GeoError(f"cannot read {FILE_NAME}: {error}") from None
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise GeoError(f"{FILE_NAME} must be a GeoJSON FeatureCollection")
        by_id = {d["id"]: d["id"] for d in districts}
        names = [(d["name"] or "").casefold() for d in districts]
        # A name two places share (a Bezirk and a Planungsraum called Mitte) finds neither.
        by_name = {n: d["id"] for n, d in zip(names, districts) if names.count(n) == 1}
        shapes: dict[str, object] = {}
        unmatched = []
        for index, feature in enumerate(features):
            properties = (feature or {}).get("properties") or {}
            key = str(properties.get("id", ""))
            name = str(properties.get("name", ""))
            district = by_id.get(key) or by_name.get(name.casefold())
            if district is None:
                unmatched.append(Unmatched(index, name or key or f"feature {index + 1}"))
                continue
            try:
                geometry = shape(feature["geometry"])
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise GeoError(f"feature {index + 1} ({name or key}) of {FILE_NAME} has no "
                               f"usable geometry: {error}") from None
            if geometry.geom_type not in ("Polygon", "MultiPolygon"):
                raise GeoError(f"feature {index + 1} ({name or key}) of {FILE_NAME} is a "
                               f"{geometry.geom_type}, not a polygon")
            shapes[district] = shapes[district].union(geometry) if district in shapes else geometry
        return cls(shapes, {d["id"]: d.get("level") or 1 for d in districts}), unmatched

    def district_at(self, latitude: float, longitude: float) -> str | None:
        """The most specific place whose polygon holds the point (GeoJSON is longitude
        first)."""
        from shapely.geometry import Point

        point = Point(longitude, latitude)
        found = [i for i in sorted(self._tree.query(point)) if self._prepared[i].intersects(point)]
        if not found:
            return None
        return self.ids[max(found, key=lambda i: self._levels[i])]

    def has(self, district: str) -> bool:
        return district in self.ids

    def inner_point(self, district: str) -> tuple[float, float]:
        """A point inside the place's shape (latitude, longitude): its coordinates when
        districts.yaml gives none."""
        point = self.shapes[self.ids.index(district)].representative_point()
        return round(point.y, 5), round(point.x, 5)

    def metres_outside(self, district: str, latitude: float, longitude: float) -> float:
        """How far the point lies outside the district's polygon (0 inside; inf without one)."""
        from shapely.geometry import Point

        if district not in self.ids:
            return math.inf
        shape = self.shapes[self.ids.index(district)]
        # Degrees of longitude shrink with the latitude; good enough for a town.
        scale = math.cos(math.radians(latitude))
        degrees = shape.distance(Point(longitude, latitude))
        return degrees * METRES_PER_DEGREE * max(scale, 0.1) if degrees else 0.0


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance of two points in metres (equirectangular: good enough within a town)."""
    scale = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lat2 - lat1) * METRES_PER_DEGREE,
                      (lon2 - lon1) * METRES_PER_DEGREE * scale)
