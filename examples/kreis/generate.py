"""Writes the made-up Kreis example (examples/kreis/content): the Landkreis Auental with
twelve Gemeinden of two to four Ortsteile each and a few hundred offers spread the way they
are in a rural Kreis: the Kreis's services in the Kreisstadt for everyone, a family centre
and a sports club in each Gemeinde, a Kita in most Ortsteile, midwives and family helpers
who come to the family's home in the Gemeinden they serve, and advice online and by phone.

Nothing here is real: names, addresses, phone numbers and figures are invented (the
coordinates put the Kreis in an empty square of the map). The output is deterministic, so
the committed files can be written again:

    .venv/bin/python examples/kreis/generate.py
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CONTENT = HERE / "content"
ORIGIN = (52.10, 9.40)
"""The Kreis's centre (made up): Gemeinden lie within about 25 km of it."""

# Gemeinde: (id, name, km east, km north of the centre, its Ortsteile (the first the
# Kernort) with their inhabitants).
GEMEINDEN = [
    ("hollbach", "Hollbach", 0, 0, [("Hollbach-Mitte", 14200), ("Hollbach-Nord", 6100),
                                    ("Eichhorst", 2300), ("Wiesenfeld", 1800)]),
    ("brunnstedt", "Brunnstedt", 9, 6, [("Brunnstedt", 5200), ("Kleinbrunn", 900),
                                        ("Haselbeck", 700)]),
    ("ahlsen", "Ahlsen", -10, 4, [("Ahlsen", 4800), ("Ahlsen-Heide", 1100),
                                  ("Moorhof", 400)]),
    ("rodenau", "Rodenau", 3, -11, [("Rodenau", 6300), ("Unterrodenau", 1500),
                                    ("Buchenrode", 800), ("Tannwinkel", 350)]),
    ("gelbern", "Gelbern", 18, -3, [("Gelbern", 3900), ("Gelbern-Au", 1200)]),
    ("sassenburg", "Sassenburg", -19, -6, [("Sassenburg", 7400), ("Neusassen", 2100),
                                           ("Kolkwiese", 600)]),
    ("lindeloh", "Lindeloh", -4, 15, [("Lindeloh", 3100), ("Oberlinde", 800),
                                      ("Fuchsbau", 300)]),
    ("marwede", "Marwede", 14, 15, [("Marwede", 2700), ("Marwede-Dorf", 650)]),
    ("osterholt", "Osterholt", 22, 8, [("Osterholt", 4400), ("Holtwiesen", 900),
                                       ("Gut Osterholt", 250)]),
    ("kranichfeld", "Kranichfeld", -15, -17, [("Kranichfeld", 3600), ("Luchhof", 500),
                                              ("Storchenau", 450)]),
    ("tiefenbrook", "Tiefenbrook", 12, -16, [("Tiefenbrook", 2900), ("Brookhausen", 700)]),
    ("weidental", "Weidental", -22, 10, [("Weidental", 2500), ("Weidenhof", 600),
                                         ("Schäferei", 200)]),
]
KREISSTADT = "hollbach"
PHASE_SHARES = {"pregnancy": 0.0085, "early_childhood": 0.027, "kita": 0.027,
                "primary_school": 0.036, "secondary_school": 0.054, "transition_to_work": 0.11}
"""Children per inhabitant in each life phase's band (births a year for pregnancy), about
as in a rural German Kreis."""


def slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})
    return text.lower().translate(table)


def point(east_km: float, north_km: float) -> tuple[float, float]:
    lat = ORIGIN[0] + north_km / 111.2
    lon = ORIGIN[1] + east_km / (111.2 * math.cos(math.radians(ORIGIN[0])))
    return round(lat, 4), round(lon, 4)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians(ORIGIN[0]))
    return math.hypot(dx, dy)


def places(rng: random.Random) -> tuple[list[dict], dict]:
    """The Gemeinden and their Ortsteile; neighbours are places of the same level within
    a day's cycling (Gemeinden whose centres are at most 14 km apart; Ortsteile at most 5 km)."""
    records, where = [], {}
    for gid, name, east, north, parts in GEMEINDEN:
        centre = point(east, north)
        records.append({"id": gid, "name": name, "latitude": centre[0], "longitude": centre[1],
                        "population": sum(p for _, p in parts), "neighbours": []})
        where[gid] = centre
        for i, (part, people) in enumerate(parts):
            angle = rng.uniform(0, 2 * math.pi)
            distance = 0 if i == 0 else rng.uniform(2.0, 4.5)
            spot = point(east + distance * math.cos(angle), north + distance * math.sin(angle))
            pid = slug(part) if slug(part) != gid else f"{gid}-ort"
            records.append({"id": pid, "name": part, "parent": gid, "latitude": spot[0],
                            "longitude": spot[1], "population": people,
                            "children": {phase: max(1, round(people * share))
                                         for phase, share in PHASE_SHARES.items()},
                            "neighbours": []})
            where[pid] = spot
    for a in records:
        for b in records:
            if a is b or a.get("parent") is None and b.get("parent") is not None or \
                    a.get("parent") is not None and b.get("parent") is None:
                continue
            limit = 14 if a.get("parent") is None else 5
            if km(where[a["id"]], where[b["id"]]) <= limit:
                a["neighbours"].append(b["id"])
    for record in records:
        if not record["neighbours"]:
            del record["neighbours"]
    return records, where


def near(spot: tuple[float, float], rng: random.Random) -> tuple[float, float]:
    """An address a few hundred metres from a place's centre."""
    return (round(spot[0] + rng.uniform(-0.004, 0.004), 4),
            round(spot[1] + rng.uniform(-0.006, 0.006), 4))


STREETS = ["Dorfstraße", "Kirchweg", "Schulstraße", "Am Anger", "Lindenallee", "Mühlenweg",
           "Bahnhofstraße", "Gartenstraße", "Hauptstraße", "Am Sportplatz"]
DAYS = ["MO", "TU", "WE", "TH", "FR"]


def address(rng: random.Random, place: str, spot: tuple[float, float], postal: str,
            name: str | None = None) -> dict:
    lat, lon = near(spot, rng)
    found = {"address_1": f"{rng.choice(STREETS)} {rng.randint(1, 60)}", "postal_code": postal,
             "district": place, "latitude": lat, "longitude": lon,
             "wheelchair_accessible": rng.random() < 0.6}
    return {"name": name, **found} if name else found


def weekly(rng: random.Random, start: int, hours: int = 2) -> list[dict]:
    return [{"byday": [rng.choice(DAYS)], "opens_at": f"{start:02d}:00",
             "closes_at": f"{start + hours:02d}:00"}]


def offer(oid: str, name: str, summary: str, topics: list[str], low: int, high: int,
          **more) -> dict:
    return {"id": oid, "name": name, "summary": summary, "description": summary + " " + more.pop(
        "extra", "Fragen Sie gern nach, wenn etwas unklar ist."),
            "topics": topics, "min_age_months": low, "max_age_months": high,
            "free": more.pop("free", True), "languages": more.pop("languages", ["de"]),
            "registration_required": more.pop("registration", False),
            "assured_date": more.pop("assured", "2026-10-01"), **more}


def family_centre(rng, gid: str, gname: str, kern: str, spot, postal: str, parts) -> dict:
    """Each Gemeinde's family centre: held in the Kernort, some groups in the villages."""
    offers = [
        offer(f"krabbelgruppe-{gid}", f"Krabbelgruppe {gname}",
              "Eltern mit Babys und Kleinkindern treffen sich zum Spielen und Reden.",
              ["meeting_places"], 0, 35, schedules=weekly(rng, 9)),
        offer(f"elterncafe-{gid}", f"Elterncafé {gname}",
              "Ein offener Treff für Mütter und Väter mit Kaffee, Spielecke und Beratung.",
              ["meeting_places", "parenting_advice"], 0, 119, schedules=weekly(rng, 15)),
        offer(f"familienberatung-{gid}", f"Familiensprechstunde {gname}",
              "Beratung zu Erziehung, Geld und Anträgen im Familienzentrum, ohne Termin.",
              ["parenting_advice", "money_benefits"], 0, 215, schedules=weekly(rng, 10)),
        offer(f"deutschkurs-{gid}", f"Deutsch mit Kinderbetreuung {gname}",
              "Deutschkurs für Mütter und Väter, die Kinder werden währenddessen betreut.",
              ["migration_language"], 0, 71, languages=["de", "ar", "uk"], registration=True,
              schedules=weekly(rng, 9, 3)),
    ]
    for part, pname in parts[1:]:
        if rng.random() < 0.6:
            offers.append(offer(
                f"spielgruppe-{part}", f"Spielgruppe im Dorfgemeinschaftshaus {pname}",
                "Eine Spielgruppe für Kinder bis drei Jahre mit ihren Eltern, mitten im Dorf.",
                ["meeting_places"], 6, 35, schedules=weekly(rng, 10),
                locations=[address(rng, part, PLACES[part], postal,
                                   f"Dorfgemeinschaftshaus {pname}")]))
    return {"id": f"familienzentrum-{gid}", "name": f"Familienzentrum {gname}",
            "kind": "family_centre",
            "description": f"Das Familienzentrum der Gemeinde {gname}: Treffpunkt, Beratung "
                           "und Kurse für Familien.",
            "phones": [f"+49 5199 {rng.randint(10000, 99999)}"], **address(rng, kern, spot, postal),
            "offers": offers}


def kitas(rng, gid: str, gname: str, parts, postal: str) -> dict:
    offers = []
    for part, pname in parts:
        if part != parts[0][0] and rng.random() < 0.2:
            continue  # not every village has its own Kita
        offers.append(offer(
            f"kita-{part}", f"Kita {pname}",
            f"Kindertagesstätte in {pname} für Kinder von einem Jahr bis zur Schule.",
            ["childcare"], 12, 71, registration=True, capacity=rng.choice([25, 40, 55, 70]),
            schedules=[{"byday": DAYS, "opens_at": "07:30", "closes_at": "16:00"}],
            locations=[address(rng, part, PLACES[part], postal, f"Kita {pname}")]))
    return {"id": f"kitas-{gid}", "name": f"Kitas der Gemeinde {gname}", "kind": "kita",
            "description": f"Die Gemeinde {gname} trägt die Kitas in ihren Ortsteilen.",
            "phones": [f"+49 5199 {rng.randint(10000, 99999)}"],
            **address(rng, parts[0][0], PLACES[parts[0][0]], postal), "offers": offers}


def sports_club(rng, gid: str, gname: str, parts, postal: str) -> dict:
    offers = [
        offer(f"kinderturnen-{gid}", f"Kinderturnen {gname}",
              "Turnen, Klettern und Toben in der Sporthalle für Kinder von drei bis sechs Jahren.",
              ["leisure_sport"], 36, 83, free=False, fees_description="3 Euro im Monat.",
              schedules=weekly(rng, 15, 1)),
        offer(f"fussball-{gid}", f"Fußball für Kinder {gname}",
              "Training für Mädchen und Jungen von sechs bis zwölf Jahren, Schnuppern kostenlos.",
              ["leisure_sport"], 72, 155, free=False, fees_description="5 Euro im Monat.",
              schedules=weekly(rng, 16, 2)),
    ]
    if len(parts) > 2:
        part, pname = parts[rng.randrange(1, len(parts))]
        offers.append(offer(
            f"schwimmkurs-{gid}", f"Schwimmkurs im Freibad {pname}",
            "Seepferdchen-Kurs im Sommer für Kinder ab fünf Jahren.", ["leisure_sport"], 60, 119,
            free=False, fees_description="40 Euro für zehn Stunden.", registration=True,
            schedules=weekly(rng, 16, 1),
            locations=[address(rng, part, PLACES[part], postal, f"Freibad {pname}")]))
    return {"id": f"sportverein-{gid}", "name": f"TSV {gname}", "kind": "sports_club",
            "description": f"Der Sportverein in {gname}, mit Kinder- und Jugendabteilung.",
            "phones": [f"+49 5199 {rng.randint(10000, 99999)}"],
            **address(rng, parts[0][0], PLACES[parts[0][0]], postal), "offers": offers}


def school(rng, gid: str, gname: str, parts, postal: str) -> dict:
    return {"id": f"grundschule-{gid}", "name": f"Grundschule {gname}", "kind": "school",
            "description": f"Die Grundschule der Gemeinde {gname} mit Ganztag.",
            "phones": [f"+49 5199 {rng.randint(10000, 99999)}"],
            **address(rng, parts[0][0], PLACES[parts[0][0]], postal),
            "offers": [
                offer(f"ganztag-{gid}", f"Offener Ganztag Grundschule {gname}",
                      "Mittagessen, Hausaufgabenhilfe und Spiel nach dem Unterricht bis 16 Uhr.",
                      ["childcare", "education"], 72, 119, registration=True,
                      free=False, fees_description="Nach Einkommen, mit Familienpass frei.",
                      schedules=[{"byday": DAYS, "opens_at": "12:00", "closes_at": "16:00"}]),
                offer(f"lernhilfe-{gid}", f"Lernhilfe {gname}",
                      "Ehrenamtliche helfen Kindern beim Lesen und Rechnen.",
                      ["education"], 72, 155, schedules=weekly(rng, 14)),
            ]}


def parish(rng, gid: str, gname: str, parts, postal: str) -> dict:
    """The church parish and the village library: small offers spread over the villages."""
    offers = []
    for part, pname in parts:
        if rng.random() < 0.7:
            offers.append(offer(
                f"eltern-kind-gruppe-{part}", f"Eltern-Kind-Gruppe im Gemeindehaus {pname}",
                "Singen, Spielen und Basteln für Kinder bis drei Jahre mit Mama oder Papa.",
                ["meeting_places"], 0, 35, schedules=weekly(rng, 9),
                locations=[address(rng, part, PLACES[part], postal, f"Gemeindehaus {pname}")]))
    offers.append(offer(f"vorlesestunde-{gid}", f"Vorlesestunde in der Bücherei {gname}",
                        "Jede Woche wird für Kinder von drei bis acht Jahren vorgelesen.",
                        ["education", "leisure_sport"], 36, 107, schedules=weekly(rng, 15, 1)))
    offers.append(offer(f"jugendtreff-{gid}", f"Jugendtreff {gname}",
                        "Ein offener Treff für Jugendliche mit Kicker, Musik und Ansprechpartnern.",
                        ["leisure_sport", "meeting_places"], 144, 215,
                        schedules=weekly(rng, 16, 4)))
    return {"id": f"kirchengemeinde-{gid}", "name": f"Kirchengemeinde und Bücherei {gname}",
            "kind": "church",
            "description": f"Die Kirchengemeinde {gname} mit Bücherei und Jugendtreff.",
            "phones": [f"+49 5199 {rng.randint(10000, 99999)}"],
            **address(rng, parts[0][0], PLACES[parts[0][0]], postal), "offers": offers}


def kreis_services(rng) -> list[dict]:
    """The Kreis's own services: held in the Kreisstadt for everyone, or coming to the
    family, or online and by phone."""
    kern = GEMEINDEN[0][4][0][0]
    kern_id = slug(kern)
    spot = PLACES[kern_id]
    serving = [g[0] for g in GEMEINDEN]
    help_home = [
        offer(f"familienhebamme-{gid}", f"Familienhebamme für {name}",
              "Eine Familienhebamme besucht Sie zu Hause, von der Schwangerschaft bis zum "
              "ersten Geburtstag.", ["health", "early_help"], -9, 11,
              attending_type="at_home", service_areas=[gid], registration=True)
        for gid, name, *_ in GEMEINDEN[:8]
    ]
    return [
        {"id": "kreisjugendamt", "name": "Kreisjugendamt Auental", "kind": "youth_office",
         "description": "Das Jugendamt des Landkreises Auental.",
         "phones": ["+49 5199 40000"], **address(rng, kern_id, spot, "31900"),
         "offers": [
             offer("erziehungsberatung-kreis", "Erziehungsberatung des Kreises",
                   "Beratung für Eltern, Kinder und Jugendliche bei Sorgen in der Familie, "
                   "kostenlos und vertraulich.", ["parenting_advice"], 0, 323,
                   service_areas=serving, schedules=weekly(rng, 9, 6)),
             offer("fruehe-hilfen-kreis", "Frühe Hilfen: Lotsin für junge Familien",
                   "Die Lotsin kommt zu Ihnen nach Hause und hilft, das Richtige zu finden.",
                   ["early_help"], -9, 35, attending_type="at_home", service_areas="citywide"),
             offer("elterntelefon-kreis", "Elterntelefon Auental",
                   "Am Telefon über Sorgen mit Kindern sprechen, anonym.", ["parenting_advice"],
                   0, 215, attending_type="phone", service_areas="citywide"),
             offer("online-beratung-kreis", "Online-Beratung für Eltern",
                   "Per Chat und E-Mail beraten Fachleute des Kreises Eltern.",
                   ["parenting_advice"], 0, 215, attending_type="online", service_areas="citywide"),
             *help_home,
         ]},
        {"id": "beratungsstelle-ahlsen", "name": "Schwangerschaftsberatung Ahlsen",
         "kind": "counselling",
         "description": "Beratung in der Schwangerschaft und danach, für den Westen des Kreises.",
         "phones": ["+49 5199 41111"], **address(rng, "ahlsen-ort", PLACES["ahlsen-ort"], "31910"),
         "offers": [offer("schwangerenberatung-ahlsen", "Schwangerschaftsberatung",
                          "Beratung zu Geld, Anträgen und Sorgen in der Schwangerschaft.",
                          ["pregnancy_birth", "money_benefits"], -9, 11,
                          schedules=weekly(rng, 9, 4), languages=["de", "tr", "ru"])]},
    ]


PLACES: dict[str, tuple[float, float]] = {}


def main() -> None:
    rng = random.Random(22)
    records, where = places(rng)
    PLACES.update(where)
    providers: list[dict] = []
    for number, (gid, gname, *_rest) in enumerate(GEMEINDEN):
        parts = [(r["id"], r["name"]) for r in records if r.get("parent") == gid]
        postal = f"31{900 + number * 10}"
        kern = parts[0][0]
        providers.append(family_centre(rng, gid, gname, kern, PLACES[kern], postal, parts))
        providers.append(kitas(rng, gid, gname, parts, postal))
        providers.append(sports_club(rng, gid, gname, parts, postal))
        providers.append(school(rng, gid, gname, parts, postal))
        providers.append(parish(rng, gid, gname, parts, postal))
    providers.extend(kreis_services(rng))
    (CONTENT / "providers").mkdir(parents=True, exist_ok=True)
    for old in (CONTENT / "providers").glob("*.yaml"):
        old.unlink()
    for provider in providers:
        (CONTENT / "providers" / f"{provider['id']}.yaml").write_text(
            "# Made up for the Kreis example (examples/kreis/generate.py).\n"
            + yaml.safe_dump(provider, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8")
    header = ("# The Landkreis Auental: a made-up Kreis of twelve Gemeinden and their Ortsteile\n"
              "# (examples/kreis/generate.py writes this file). Figures are invented.\n")
    (CONTENT / "districts.yaml").write_text(header + yaml.safe_dump(
        {"levels": [{"id": "gemeinde", "name": "Gemeinde",
                     "names": {"en": "Municipality", "tr": "Belediye", "ar": "بلدية",
                               "uk": "Громада", "ru": "Община", "fa": "شهرداری"}},
                    {"id": "ortsteil", "name": "Ortsteil",
                     "names": {"en": "Village", "tr": "Köy", "ar": "قرية", "uk": "Село",
                               "ru": "Деревня", "fa": "روستا"}}],
         "districts": records}, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    print(f"{len(records)} places, {len(providers)} providers, "
          f"{sum(len(p['offers']) for p in providers)} offers")


if __name__ == "__main__":
    main()
