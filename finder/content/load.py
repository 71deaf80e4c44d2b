"""Reading a whole content folder: every file checked, every problem reported at once,
the result plain, normalised records for the build."""

from __future__ import annotations

import hashlib
import pickle  # nosec B403
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder.content import shapes as geo
from finder.content.checker import Checker
from finder.content.districts import Districts, check_districts, check_levels, check_located, check_shapes
from finder.content.glossary import check_glossary
from finder.content.offers import check_offer, check_provider, claim_id
from finder.content.situations import check_situations
from finder.content.town import DEFAULT_TOWN, check_helplines, check_town
from finder.content.translations import merge_translations
from finder.content.vocabulary import check_needs, check_vocabulary
from finder.content.yamlfile import ContentError, Problem, load_yaml
from finder.model.glossary import Glossary


@dataclass
class Content:
    """Everything the build needs, validated and normalised into plain records."""

    vocabulary: dict
    """phases and topics (labels, words), and needs (words, topics, search, emergency)."""
    districts: list[dict]
    """The places, each with its parent and level (districts.yaml)."""
    providers: list[dict]
    offers: list[dict]
    helplines: list[dict]
    """National emergency and advice numbers, shown on top of crisis searches."""
    town: dict
    """The town: name, languages, imprint, privacy contact, colour (town.yaml)."""
    levels: list[dict] = field(default_factory=list)
    """The names of the places' levels, most general first; empty for Stadtteile only."""
    situations: dict = field(default_factory=dict)
    """Per offer id and language, how families describe the situations it helps with
    (situations.yaml)."""
    glossary: list[dict] = field(default_factory=list)
    """The German terms families meet, explained, with their renderings (glossary.yaml)."""
    notes: list[Problem] = field(default_factory=list)
    """What a person should look at, with file and line: numbers that differ between a
    translation and its German."""
    explained: list[Problem] = field(default_factory=list)
    """Numbers that differ from the German, with the reason the translation file gives."""


@dataclass(frozen=True)
class Checked:
    """What checking one provider file gave, for the next load to reuse while the file and
    everything it is checked against (the other files, the code) are unchanged: an
    incremental build (finder.catalogue.incremental) decides that."""

    digest: str
    records: bytes
    """The provider and its offers as checked, before translation files were merged in
    (pickled: each load gets its own copies)."""
    ids: tuple[tuple[str, str, int], ...]
    """(kind, id, line) of the provider and its offers: claimed again in each load, so that
    a duplicate in a changed file is still found."""
    notes: tuple[Problem, ...]
    explained: tuple[Problem, ...]
    inline: tuple
    """The fields the file translates itself (Checker.inline)."""


def load(root: Path, reuse: dict[str, Checked] | None = None,
         keep: dict[str, Checked] | None = None) -> Content:
    """Read and validate the content folder; raise ContentError with every problem.

    reuse: what an earlier load checked of provider files (by file name), taken for a
    file whose bytes are the same; keep: filled with what this load checked of each."""
    root = Path(root)
    checker = Checker(root)

    def read(path: Path) -> Any:
        checker.file = checker.rel(path)
        try:
            return load_yaml(path, path.read_text(encoding="utf-8"))
        except ContentError as error:
            checker.problems.extend(
                Problem(checker.rel(path), p.line, p.message) for p in error.problems
            )
        except (OSError, UnicodeDecodeError) as error:
            checker.problem(1, f"cannot read file: {error}")
        return None

    vocabulary = check_vocabulary(checker, read(root / "vocabulary.yaml"))
    vocabulary["needs"] = {}
    if (root / "needs.yaml").exists():
        vocabulary["needs"] = check_needs(checker, read(root / "needs.yaml"))
    town = check_town(checker, read(root / "town.yaml")) if (root / "town.yaml").exists() \
        else dict(DEFAULT_TOWN)
    helplines = []
    if (root / "helplines.yaml").exists():
        helplines = check_helplines(checker, read(root / "helplines.yaml"))
    glossary = []
    if (root / "glossary.yaml").exists():
        glossary = check_glossary(checker, read(root / "glossary.yaml"))
        checker.glossary = Glossary.from_records(glossary)
    places_file = read(root / "districts.yaml")
    levels = check_levels(checker, places_file)
    shaped = (root / geo.FILE_NAME).exists()
    districts = check_districts(checker, places_file, levels, shaped)
    shapes = check_shapes(checker, root / geo.FILE_NAME, districts) if shaped else None
    checker.file = checker.rel(root / "districts.yaml")
    check_located(checker, districts)
    district_ids = Districts.of(districts, levels)
    district_ids.shapes = shapes

    providers: list[dict] = []
    offers: list[dict] = []
    seen_offers: dict[str, str] = {}
    seen_providers: dict[str, str] = {}
    provider_files = sorted((root / "providers").glob("*.yaml"))
    if not provider_files:
        checker.file = checker.rel(root / "providers")
        checker.problem(1, "no provider files (providers/*.yaml)")
    for path in provider_files:
        checked = (reuse or {}).get(path.name)
        # The file's hash only where a check is reused or kept (a build), not for `check`.
        digest = hashlib.sha256(path.read_bytes()).hexdigest() \
            if reuse is not None or keep is not None else ""
        if checked is not None and checked.digest == digest:
            checker.file = checker.rel(path)
            provider, file_offers = pickle.loads(checked.records)  # nosec B301
            # As a fresh check would: a provider or an offer whose id another file had
            # first is reported and left out.
            (_, pid, line), *offer_ids = checked.ids
            if not claim_id(checker, seen_providers, "provider", pid, line):
                continue
            claimed = {oid for _, oid, line in offer_ids
                       if claim_id(checker, seen_offers, "offer", oid, line)}
            file_offers = [o for o in file_offers if o["id"] in claimed]
            checker.notes.extend(checked.notes)
            checker.explained.extend(checked.explained)
            checker.inline.update(checked.inline)
        else:
            before = (len(checker.problems), len(checker.notes), len(checker.explained))
            # This file's inline translations are collected apart and then added: taking
            # them off the end of the whole catalogue's made each file cost as much as all
            # before it (100,000 offers: most of a build's first half hour).
            inline, checker.inline = checker.inline, {}
            try:
                found = _check_provider_file(checker, read, path, district_ids, seen_providers,
                                             seen_offers)
            finally:
                file_inline = checker.inline
                inline.update(file_inline)
                checker.inline = inline
            if found is None:
                continue
            provider, file_offers, ids = found
            checked = Checked(digest, pickle.dumps((provider, file_offers)), ids,
                              tuple(checker.notes[before[1]:]), tuple(checker.explained[before[2]:]),
                              tuple(file_inline.items())) \
                if keep is not None and len(checker.problems) == before[0] else None
        if keep is not None and checked is not None:
            keep[path.name] = checked
        providers.append(provider)
        offers.extend(file_offers)

    for path in sorted((root / "translations").glob("*.yaml")):
        merge_translations(checker, read(path), path.stem, providers, offers)

    situations = {}
    if (root / "situations.yaml").exists():
        situations = check_situations(checker, read(root / "situations.yaml"),
                                      {o["id"] for o in offers})
    if checker.problems:
        raise ContentError(sorted(set(checker.problems)))
    for offer in offers:
        for location in offer["locations"]:
            location["city"] = location["city"] or town["name"]
    for provider in providers:
        if provider["location"]:
            provider["location"]["city"] = provider["location"]["city"] or town["name"]
    return Content(vocabulary, districts, providers, offers, helplines, town, levels,
                   situations=situations, glossary=glossary, notes=sorted(checker.notes),
                   explained=sorted(checker.explained))


def _check_provider_file(checker: Checker, read, path: Path, district_ids, seen_providers: dict,
                         seen_offers: dict) -> tuple[dict, list[dict], tuple] | None:
    """One provider file: its provider, its offers and the (kind, id, line) of each; None
    when the file or its provider cannot be read."""
    data = read(path)
    if data is None and checker.problems and checker.problems[-1].file == checker.rel(path):
        return None
    provider = check_provider(checker, data, district_ids, seen_providers)
    if provider is None:
        return None
    ids = [("provider", provider["id"], checker.line_of(data, "id"))]
    offers: list[dict] = []
    raw_offers = data.get("offers") or []
    if not isinstance(raw_offers, list):
        checker.problem(checker.line_of(data, "offers"), "offers must be a list")
        return provider, offers, tuple(ids)
    for raw in raw_offers:
        offer = check_offer(checker, raw, provider, district_ids, seen_offers)
        if offer is not None:
            offers.append(offer)
            ids.append(("offer", offer["id"], checker.line_of(raw, "id")))
    return provider, offers, tuple(ids)


def places_without_coordinates(content: Content) -> list[str]:
    """The places that show no map pin, one line each with the file that names them: an
    imported list often has addresses without coordinates, and the coordinator looks
    them up (or leaves them: a place without a pin is better than one in the wrong street)."""
    lines = []
    providers = {p["id"]: p for p in content.providers}
    for provider in content.providers:
        place = provider["location"]
        if place and place["latitude"] is None:
            held = sum(1 for o in content.offers if any(loc is place for loc in o["locations"]))
            lines.append(f"{provider['source']}: provider {provider['id']!r}: "
                         f"{_address({**place, 'name': None})}"
                         + (f" (place of {held} offers)" if held else ""))
    for offer in content.offers:
        own = providers[offer["provider_id"]]["location"]
        for place in offer["locations"]:
            if place is not own and place["latitude"] is None:
                lines.append(f"{offer['source']}: offer {offer['id']!r}: {_address(place)}")
    return lines


def _address(place: dict) -> str:
    town = " ".join(filter(None, (place.get("postal_code"), place.get("city"))))
    return ", ".join(filter(None, (place.get("name"), place.get("address_1"), town))) + \
        (f" ({place['district']})" if place.get("district") else "")
