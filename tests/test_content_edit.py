"""Line-exact changes of single fields in content files: only the changed lines move,
comments stay, and every bundled provider file takes a change of each offer."""

from __future__ import annotations

import difflib
import textwrap

import pytest

from finder.content import load
from finder.content.edit import EditError, edit_mapping
from finder.content.files import OFFER_ORDER

FILE = textwrap.dedent("""\
    # A provider with comments that must survive.
    id: p
    name: Träger
    offers:
      - id: a
        name: Erstes Angebot   # the name the provider uses
        summary: "Kurz: mit # im Text"
        description: |
          Erster Absatz.

          Zweiter Absatz.
        # The topics were agreed with the coordinator.
        topics: [meeting_places]
        free: false
        fees_description: 5 Euro
        schedules:
          - {byday: [TU], opens_at: "09:00", closes_at: "11:00"}
        assured_date: 2026-01-01
      - id: b
        name: Zweites Angebot
        summary: Kurz.
        description: Lang.
        topics: [health]
        free: true
    # The end of the file.
    """)


def changed(old: str, new: str) -> list[str]:
    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines())
            if line[:1] in "+-"]


def test_a_one_line_value_keeps_its_comment():
    new = edit_mapping(FILE, ["offers", 0], {"name": "Neuer Name"}, OFFER_ORDER, "p.yaml")
    assert changed(FILE, new) == ["-     name: Erstes Angebot   # the name the provider uses",
                                  "+     name: Neuer Name   # the name the provider uses"]


def test_a_hash_inside_quotes_is_text_not_a_comment():
    new = edit_mapping(FILE, ["offers", 0], {"summary": "Anders."}, OFFER_ORDER, "p.yaml")
    assert changed(FILE, new) == ['-     summary: "Kurz: mit # im Text"', "+     summary: Anders."]


def test_a_block_is_replaced_and_the_comment_after_it_stays():
    new = edit_mapping(FILE, ["offers", 0], {"description": "Nur noch ein Absatz."},
                       OFFER_ORDER, "p.yaml")
    assert sorted(changed(FILE, new)) == sorted([
        "-     description: |", "-       Erster Absatz.", "- ", "-       Zweiter Absatz.",
        "+     description: Nur noch ein Absatz."])
    assert "    # The topics were agreed with the coordinator.\n" in new


def test_fields_are_added_in_their_place_and_removed():
    new = edit_mapping(FILE, ["offers", 0], {"phones": ["+49 69 90009 555"], "free": True,
                                             "fees_description": None}, OFFER_ORDER, "p.yaml")
    assert changed(FILE, new) == ["-     free: false", "+     free: true",
                                  "-     fees_description: 5 Euro",
                                  '+     phones: ["+49 69 90009 555"]']
    lines = new.splitlines()
    assert lines.index('    phones: ["+49 69 90009 555"]') == lines.index("    free: true") + 1


def test_the_last_offer_and_the_comment_at_the_end():
    new = edit_mapping(FILE, ["offers", 1], {"valid_to": "2027-06-30", "free": False,
                                             "fees_description": "3 Euro"},
                       OFFER_ORDER, "p.yaml")
    assert new.endswith("    free: false\n    fees_description: 3 Euro\n    valid_to: 2027-06-30\n"
                        "# The end of the file.\n")


def test_schedules_are_written_one_per_line():
    new = edit_mapping(FILE, ["offers", 0], {"schedules": [
        {"byday": ["TU", "TH"], "opens_at": "09:00", "closes_at": "12:00"},
        {"date": "2027-01-21", "opens_at": "19:00", "closes_at": "20:30"}]},
        OFFER_ORDER, "p.yaml")
    assert changed(FILE, new) == [
        '-       - {byday: [TU], opens_at: "09:00", closes_at: "11:00"}',
        '+       - {byday: [TU, TH], opens_at: "09:00", closes_at: "12:00"}',
        '+       - {date: 2027-01-21, opens_at: "19:00", closes_at: "20:30"}']


def test_a_field_in_a_nested_mapping_of_a_translation_file():
    text = "language: en\ntranslator: x\noffers:\n  a:\n    name: First\n    summary: Short.\n" \
           "  b:\n    name: Second\n"

    def flow(key, value, indent):
        inner = ", ".join(f'{k}: "{v}"' for k, v in value.items())
        return [" " * indent + f"{key}: {{{inner}}}"]

    new = edit_mapping(text, ["offers", "a"], {"translated_from": {"summary": "0a1b2c3d"}},
                       ("name", "summary", "translated_from"), "en.yaml", render=flow)
    assert changed(text, new) == ['+     translated_from: {summary: "0a1b2c3d"}']
    assert new.index("translated_from") < new.index("  b:")


def test_a_field_written_inline_is_refused():
    text = "id: p\nname: P\noffers:\n  - {id: a, name: A, summary: S, description: D}\n"
    with pytest.raises(EditError):
        edit_mapping(text, ["offers", 0], {"name": "B"}, OFFER_ORDER, "p.yaml")


def test_every_bundled_offer_takes_a_new_phone_and_end_date(copy):
    """Every offer of every provider file: a new phone number and a valid_to, written
    line by line; the files still pass the whole check, each offer now says them, and
    nothing else changed (one or two lines per offer)."""
    from finder.content import load_yaml

    bundled = len(load(copy).offers)
    count = 0
    for path in sorted((copy / "providers").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        offers = load_yaml(path, text)["offers"]
        new = text
        for index in range(len(offers)):
            new = edit_mapping(new, ["offers", index], {"phones": ["+49 69 90009 555"],
                                                        "valid_to": "2027-12-31"},
                               OFFER_ORDER, path.name)
            count += 1
        diff = changed(text, new)
        assert all("phones:" in line or "valid_to:" in line for line in diff), (path.name, diff)
        assert len([line for line in diff if line.startswith("+")]) == 2 * len(offers)
        path.write_text(new, encoding="utf-8")
    loaded = load(copy)
    assert count == len(loaded.offers) == bundled > 100
    assert all(o["phones"] == ["+49 69 90009 555"] and o["valid_to"] == "2027-12-31"
               for o in loaded.offers)
