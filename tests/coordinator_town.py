"""A small town with known gaps for the coordinator's tests: three districts with their
figures, two providers, offers held in a district, city-wide, online, at home, at two
places, expired, not yet started, stale and expiring. The expected counts are written
out in tests/test_coordinator.py."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from tests.conftest import BUNDLED, TODAY

RECENT = (TODAY - dt.timedelta(days=30)).isoformat()
SOON = (TODAY + dt.timedelta(days=10)).isoformat()

DISTRICTS = """\
# Three districts of Kleinstadt, for the coordinator's tests.
districts:
  - id: nord
    name: Nord
    latitude: 51.1
    longitude: 10.1
    population: 3000
    children: {pregnancy: 20, early_childhood: 200, kita: 100, primary_school: 150,
               secondary_school: 400, transition_to_work: 500}
    social_need_index: 5
    neighbours: [sued, west]
  - id: sued
    name: Süd
    latitude: 51.0
    longitude: 10.1
    population: 2000
    children: {pregnancy: 10, early_childhood: 100, kita: 50, primary_school: 100,
               secondary_school: 200, transition_to_work: 300}
    social_need_index: 1
    neighbours: [nord, west]
  - id: west
    name: West
    latitude: 51.05
    longitude: 10.0
    population: 2000
    children: {pregnancy: 10, early_childhood: 100, kita: 50, primary_school: 100,
               secondary_school: 200, transition_to_work: 300}
    social_need_index: 4
    neighbours: [nord, sued]
"""

NORD = f"""\
# The family centre in Nord: a comment that must survive the write-back.
id: fz-nord
name: Familienzentrum Nord
address_1: Nordweg 1
postal_code: "11111"
district: nord
latitude: 51.1
longitude: 10.1
phones: ["+49 69 90009 101"]
email: fz-nord@example.org
offers:
  - id: krabbeln-nord
    name: Krabbelgruppe Nord
    summary: Für Babys und ihre Eltern.
    description: Spielen, Singen und Austausch.
    topics: [meeting_places]
    min_age_months: 0
    max_age_months: 35
    free: true
    assured_date: 2024-01-01   # stale: asked last in 2024
  - id: kita-nord
    name: Kita Nord
    summary: Plätze für Kinder von drei bis sechs.
    description: Eine Kita im Norden.
    topics: [childcare]
    min_age_months: 36
    max_age_months: 71
    free: true
    assured_date: {RECENT}
  - id: elternberatung-online
    name: Elternberatung online
    summary: Beratung per Chat und Video.
    description: Für Eltern mit Kindern jeden Alters.
    topics: [parenting_advice]
    attending_type: online
    free: true
    assured_date: {RECENT}
  - id: hebamme-zuhause
    name: Hebamme kommt nach Hause
    summary: Besuche in der Schwangerschaft.
    description: Eine Hebamme besucht Sie zu Hause.
    topics: [pregnancy_birth]
    min_age_months: -9
    max_age_months: -1
    attending_type: at_home
    free: true
    assured_date: {RECENT}
  - id: lernhilfe-stadt
    name: Lernhilfe für die ganze Stadt
    summary: Hausaufgabenhilfe für Grundschulkinder.
    description: Im Familienzentrum Nord, für Kinder aus allen Stadtteilen.
    topics: [education]
    min_age_months: 72
    max_age_months: 119
    service_areas: citywide
    free: true
    assured_date: {RECENT}
  - id: sport-zwei-orte
    name: Sport an zwei Orten
    summary: Bewegung für Jugendliche.
    description: In Nord und in West.
    topics: [leisure_sport]
    min_age_months: 120
    max_age_months: 191
    free: true
    assured_date: {RECENT}
    locations:
      - {{name: Halle Nord, address_1: Nordweg 3, district: nord, latitude: 51.1, longitude: 10.1}}
      - {{name: Halle West, address_1: Westweg 3, district: west, latitude: 51.05, longitude: 10.0}}
"""

SUED = f"""\
id: kita-sued
name: Kitas im Süden
address_1: Südweg 1
postal_code: "22222"
district: sued
latitude: 51.0
longitude: 10.1
phones: ["+49 69 90009 202"]
email: kita-sued@example.org
offers:
  - id: kita-sonne
    name: Kita Sonne
    summary: Kita mit Vorschule.
    description: Eine Kita im Süden.
    topics: [childcare, education]
    min_age_months: 36
    max_age_months: 71
    free: true
    assured_date: {RECENT}
  - id: kita-mond
    name: Kita Mond
    summary: Kita, die bald schließt.
    description: Eine Kita im Süden.
    topics: [childcare]
    min_age_months: 36
    max_age_months: 71
    free: true
    valid_to: {SOON}
    assured_date: {RECENT}
  - id: kita-west-alt
    name: Alte Kita West
    summary: Gibt es nicht mehr.
    description: Geschlossen.
    topics: [childcare]
    min_age_months: 36
    max_age_months: 71
    free: true
    valid_to: 2020-01-01
    assured_date: 2019-06-01
    locations:
      - {{address_1: Westweg 9, district: west, latitude: 51.05, longitude: 10.0}}
  - id: kita-zukunft
    name: Kita Zukunft
    summary: Öffnet erst später.
    description: Noch im Bau.
    topics: [childcare]
    min_age_months: 36
    max_age_months: 71
    free: true
    valid_from: 2099-01-01
"""


def write_town(root: Path) -> Path:
    """The content folder of the small town under root; returns it."""
    content = root / "content"
    (content / "providers").mkdir(parents=True)
    for name in ("vocabulary.yaml", "needs.yaml", "helplines.yaml"):
        shutil.copy(BUNDLED / name, content / name)
    (content / "districts.yaml").write_text(DISTRICTS, encoding="utf-8")
    (content / "providers" / "fz-nord.yaml").write_text(NORD, encoding="utf-8")
    (content / "providers" / "kita-sued.yaml").write_text(SUED, encoding="utf-8")
    return content
