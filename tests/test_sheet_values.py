"""Values in the forms lists write them, read without a mapping table (finder.interop.sheet_values)."""

from __future__ import annotations

import pytest

from finder.interop import sheet_values as values


@pytest.mark.parametrize("text, months", [
    ("3-6 Jahre", (36, 83)), ("3 - 6 J.", (36, 83)), ("3 bis 6", (36, 83)), ("3–6", (36, 83)),
    ("von 3 bis 6 Jahren", (36, 83)), ("ab 12", (144, None)), ("ab 12 Jahren", (144, None)),
    ("bis 10", (0, 131)), ("bis 10 Jahre", (0, 131)), ("0-99", (None, None)),
    ("0 - 99 Jahre", (None, None)), ("16-99", (192, None)), ("U3", (0, 35)), ("u3", (0, 35)),
    ("unter 3 Jahren", (0, 35)), ("Ü3", (36, None)), ("über 6", (72, None)),
    ("Schulkinder", (72, 191)), ("Grundschulkinder", (72, 119)), ("6-18 Monate", (6, 18)),
    ("ab 6 Monaten", (6, None)), ("bis 18 Monate", (0, 18)), ("Schwangerschaft", (-9, -1)),
    ("Schwangerschaft bis 3", (-9, 47)), ("4 Jahre", (48, 59)), ("alle", (None, None)),
    ("", (None, None)),
])
def test_ages_as_lists_write_them(text, months):
    assert values.ages(text) == months


@pytest.mark.parametrize("text", ["drei", "Kinder", "6-3", "ab 40", "3-6 Wochen"])
def test_an_age_that_cannot_be_read_shows_the_forms_that_can(text):
    with pytest.raises(values.Unreadable) as error:
        values.ages(text)
    assert repr(text) in str(error.value)
    if text in ("drei", "Kinder", "3-6 Wochen"):
        assert "3-6 Jahre, 3 bis 6, ab 12, bis 10, 6-18 Monate, U3, Ü3, Schulkinder" in str(error.value)


@pytest.mark.parametrize("text, said", [
    ("ja", True), ("JA", True), ("x", True), ("X", True), ("✓", True), ("✔", True), ("WAHR", True),
    ("nein", False), ("-", False), ("–", False), ("FALSCH", False), ("✗", False), ("", None),
])
def test_yes_and_no_in_the_usual_spellings(text, said):
    assert values.yes_no(text) is said


def test_yes_or_no_that_cannot_be_read_names_the_forms():
    with pytest.raises(values.Unreadable, match=r"'vielleicht' must be yes or no: ja, x or ✓ for "
                                                r"yes; nein or - for no"):
        values.yes_no("vielleicht")


@pytest.mark.parametrize("text, iso", [
    ("01.02.2027", "2027-02-01"), ("1.2.2027", "2027-02-01"), ("1.2.27", "2027-02-01"),
    ("1. Februar 2027", "2027-02-01"), ("2027-02-01", "2027-02-01"),
    ("2027-02-01T00:00:00", "2027-02-01"), ("", None),
])
def test_german_dates(text, iso):
    assert values.date(text) == iso


def test_a_date_that_cannot_be_read_names_the_forms():
    with pytest.raises(values.Unreadable, match="'31.02.2027' is not a date like 31.01.2027"):
        values.date("31.02.2027")


def test_phones_with_slashes_spaces_dashes_and_labels():
    assert values.phones("0611 / 12 34-5") == (["0611 / 12 34-5"], [])
    assert values.phones("Tel.: 069 90009–341; 069 90009 342 oder 0160 1234567") == \
        (["069 90009-341", "069 90009 342", "0160 1234567"], [])
    assert values.phones("nicht erreichbar") == ([], ["nicht erreichbar"])


@pytest.mark.parametrize("text, items", [
    ("Mo-Fr 8-16 Uhr", [{"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "08:00",
                         "closes_at": "16:00"}]),
    ("dienstags 9:30-11 Uhr", [{"byday": ["TU"], "opens_at": "09:30", "closes_at": "11:00"}]),
    ("Di.: 9.30 – 11 Uhr", [{"byday": ["TU"], "opens_at": "09:30", "closes_at": "11:00"}]),
    ("Mo, Mi 9–12 Uhr", [{"byday": ["MO", "WE"], "opens_at": "09:00", "closes_at": "12:00"}]),
    ("montags und mittwochs von 9 bis 12 Uhr", [{"byday": ["MO", "WE"], "opens_at": "09:00",
                                                 "closes_at": "12:00"}]),
    ("Mo-Do 17-18:30 Uhr, Fr 16-17 Uhr", [
        {"byday": ["MO", "TU", "WE", "TH"], "opens_at": "17:00", "closes_at": "18:30"},
        {"byday": ["FR"], "opens_at": "16:00", "closes_at": "17:00"}]),
    ("2. Di 15-17 Uhr", [{"week_of_month": [2], "byday": ["TU"], "opens_at": "15:00",
                          "closes_at": "17:00"}]),
    ("27.07.2026 9-15 Uhr", [{"date": "2026-07-27", "opens_at": "09:00", "closes_at": "15:00"}]),
    ("Mo–Fr 07:30–16:00; Sa 10:00–12:00 (Elterncafé)", [
        {"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "07:30", "closes_at": "16:00"},
        {"byday": ["SA"], "opens_at": "10:00", "closes_at": "12:00", "description": "Elterncafé"}]),
])
def test_weekday_and_time_texts(text, items):
    assert [values.schedule(part) for part in values.schedule_parts(text)] == items


def test_a_time_that_cannot_be_read_names_the_forms():
    with pytest.raises(values.Unreadable, match="names no weekdays"):
        values.schedule("Feiertags 9-12")
    with pytest.raises(values.Unreadable, match="is not a day and time like Mo–Fr 07:30–16:00"):
        values.schedule("immer")
    assert values.names_no_time("nach Vereinbarung") and not values.names_no_time("Mo 9-12")


def test_costs_and_languages():
    assert all(values.is_free_text(t) for t in ("kostenlos", "Kostenfrei.", "gratis", "0 €", "frei"))
    assert not values.is_free_text("2 € pro Termin") and values.names_an_amount("2 € pro Termin")
    assert values.languages("Deutsch, Türkisch") == (["de", "tr"], [])
    assert values.languages("deutsch/englisch und Arabisch") == (["de", "en", "ar"], [])
    assert values.languages("de, tr, Elbisch") == (["de", "tr"], ["Elbisch"])
