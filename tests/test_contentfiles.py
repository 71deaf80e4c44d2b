"""Imports write content files: readable, valid, and nothing changes when one is wrong."""

from __future__ import annotations

import shutil

import pytest
import yaml

from finder import content as content_module
from finder.content import ContentError
from finder.content.files import provider_yaml, write_providers
from tests.conftest import snapshot


def test_every_bundled_provider_is_written_back_as_the_same_content(copy):
    before = content_module.load(copy)
    providers = [yaml.load(p.read_text(encoding="utf-8"), Loader=content_module.Loader)
                 for p in sorted((copy / "providers").glob("*.yaml"))]
    for path in (copy / "providers").glob("*.yaml"):
        path.unlink()
    written = write_providers(copy, providers)
    assert len(written) == len(providers)
    after = content_module.load(copy)
    strip = ("source",)
    assert [{k: v for k, v in o.items() if k not in strip} for o in after.offers] == \
        [{k: v for k, v in o.items() if k not in strip} for o in before.offers]
    assert after.providers == before.providers


def test_the_file_reads_like_a_hand_written_one():
    text = provider_yaml({
        "offers": [{"id": "kita-a", "summary": "Kurz.", "name": "Kita A", "topics": ["childcare"],
                    "free": True, "schedules": [{"byday": ["MO", "TU"], "opens_at": "07:30",
                                                 "closes_at": "16:00"}],
                    "description": "Ein langer Text " * 12, "assured_date": "2026-07-01",
                    "locations": [{"name": "Haus", "address_1": "Weg 1", "postal_code": "10117",
                                   "latitude": 52.5, "longitude": 13.4}]}],
        "name": "Träger: A & B", "id": "traeger-a", "phones": ["+49 30 123456"],
    })
    assert text.splitlines()[:3] == ["id: traeger-a", 'name: "Träger: A & B"',
                                     'phones: ["+49 30 123456"]']
    assert "  - id: kita-a\n    name: Kita A\n    summary: Kurz.\n    description: >\n" in text
    assert '      - {byday: [MO, TU], opens_at: "07:30", closes_at: "16:00"}' in text
    assert 'postal_code: "10117"' in text
    assert "assured_date: 2026-07-01" in text
    assert max(len(line) for line in text.splitlines() if "description" not in line) < 100
    assert yaml.safe_load(text)["offers"][0]["description"].strip() == ("Ein langer Text " * 12).strip()


def test_a_bad_provider_changes_nothing_and_names_the_file(copy):
    before = snapshot(copy)
    good = {"id": "neu-a", "name": "Neu A", "offers": []}
    bad = {"id": "neu-b", "name": "Neu B", "offers": [
        {"id": "neu-b-1", "name": "Angebot", "summary": "Kurz.", "description": "Lang.",
         "topics": ["no_such_topic"], "free": True, "attending_type": "online"}]}
    with pytest.raises(ContentError) as error:
        write_providers(copy, [good, bad])
    assert snapshot(copy) == before
    messages = [str(p) for p in error.value.problems]
    assert any("providers/neu-b.yaml" in m and "unknown topic 'no_such_topic'" in m
               for m in messages), messages
    assert not any(".import-" in m for m in messages)
    assert not list(copy.parent.glob(".import-*"))


def test_translations_of_a_replaced_file_are_kept(copy):
    # A small catalogue keeps its translations in the provider file (no translation file).
    shutil.rmtree(copy / "translations")
    raw = yaml.safe_load((copy / "providers" / "fz-nordstadt.yaml").read_text(encoding="utf-8"))
    cafe_at = next(i for i, o in enumerate(raw["offers"]) if o["id"] == "elterncafe-nordstadt")
    raw["offers"][cafe_at]["translations"] = {"en": {"name": "Parents' café Nordstadt"}}
    write_providers(copy, [raw])
    assert "Parents' café Nordstadt" in (copy / "providers" / "fz-nordstadt.yaml").read_text(
        encoding="utf-8")
    for offer in raw["offers"]:
        offer.pop("translations", None)
    raw["offers"][0]["summary"] = "Neu geschrieben."
    write_providers(copy, [raw])
    loaded = content_module.load(copy)
    cafe = next(o for o in loaded.offers if o["id"] == "elterncafe-nordstadt")
    assert cafe["summary"] == "Neu geschrieben."
    assert cafe["translations"]["en"]["name"] == "Parents' café Nordstadt"
