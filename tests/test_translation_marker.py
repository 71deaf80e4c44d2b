"""A translation remembers the German it was made from (`translated_from` in the
translation file: a short hash per text); when the German changes, the model says the
translation is older (Offer.outdated_translation), the offer page tells readers, and
`finder check --outdated` lists it for translators. One rule, asked by every reader."""

from __future__ import annotations

import pytest

from finder.catalogue import live
from finder.catalogue.build import build
from finder.content import ContentError, load
from finder.model import Offer, text_hash
from finder.web import create_app
from tests.conftest import run_finder

SUMMARY = "Eine kurze Zusammenfassung für Familien."


def translation(entry: str) -> str:
    return ("language: en\ntranslator: test\noffers:\n  offer-0:\n    name: Parents' café\n"
            "    summary: A short summary for families.\n" + entry)


def test_the_hash_ignores_how_a_text_is_wrapped():
    assert text_hash("Eine  kurze\nZusammenfassung ") == text_hash("Eine kurze Zusammenfassung")
    assert text_hash("Eine kurze Zusammenfassung") != text_hash("Eine kürzere Zusammenfassung")
    assert len(text_hash("x")) == 8


def test_a_translation_made_from_todays_german_is_current(content):
    content.offers("Elterncafé")
    (content.root / "translations").mkdir()
    (content.root / "translations" / "en.yaml").write_text(translation(
        f'    translated_from: {{summary: "{text_hash(SUMMARY)}"}}\n'), encoding="utf-8")
    offer = Offer.from_record(next(o for o in load(content.root).offers if o["id"] == "offer-0"))
    assert offer.outdated_translation("en") == ()


def test_a_changed_german_text_makes_its_translation_older(content, tmp_path):
    path = content.offers("Elterncafé")
    (content.root / "translations").mkdir()
    (content.root / "translations" / "en.yaml").write_text(translation(
        f'    translated_from: {{summary: "{text_hash(SUMMARY)}", name: "{text_hash("Elterncafé")}"}}\n'),
        encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(SUMMARY, "Jetzt dienstags."),
                    encoding="utf-8")
    loaded = load(content.root)
    offer = Offer.from_record(next(o for o in loaded.offers if o["id"] == "offer-0"))
    assert offer.outdated_translation("en") == ("summary",)
    assert offer.outdated_translation("tr") == () and offer.outdated_translation("de") == ()

    # Built, the catalogue keeps the mark; the English page tells the reader, the German
    # page does not.
    data = tmp_path / "data"
    build(content.root, data)
    assert live(data).offer("offer-0").outdated_translation("en") == ("summary",)
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    english = client.get("/en/offer/offer-0").get_data(as_text=True)
    assert 'class="note translation-state"' in english
    assert "older than the German text" in english
    assert 'href="/de/offer/offer-0"' in english
    german = client.get("/de/offer/offer-0").get_data(as_text=True)
    assert "translation-state" not in german

    # Translators get the list, with the hash of today's German to write.
    listed = run_finder("check", "--outdated", "--content", str(content.root))
    assert listed.returncode == 0, listed.stderr
    assert f"en\toffer-0\tsummary\t{text_hash('Jetzt dienstags.')}" in listed.stdout
    assert "1 translated text(s) older than the German" in listed.stdout


@pytest.mark.parametrize("entry, message", [
    ("    translated_from: {summary: xyz}\n", "must be the 8-letter hash"),
    ("    translated_from: {topics: 12345678}\n", "cannot be translated"),
    ("    translated_from: {description: 12345678}\n", "not translated here"),
    ("    translated_from: summary\n", "must be a mapping"),
])
def test_a_wrong_mark_is_named_with_its_line(content, entry, message):
    content.offers("Elterncafé")
    (content.root / "translations").mkdir()
    (content.root / "translations" / "en.yaml").write_text(translation(entry), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content.root)
    assert [(p.file.split("/")[-1], p.line) for p in error.value.problems
            if message in p.message] == [("en.yaml", 7)], error.value.problems
