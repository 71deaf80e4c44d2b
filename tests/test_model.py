"""The domain model's rules, each once: ages in words in every language, next dates that
skip holidays and closures, wheelchair access as yes/no/not known, how an offer is
attended, current and stale on a given day."""

from __future__ import annotations

import datetime as dt

import pytest

from finder.model import Holidays, Offer, is_current, is_stale
from finder.model.ages import age_range_words, fits

# ---- ages ---------------------------------------------------------------------------

# Completed years, as the offers' texts say them: 179 months is "up to 14".
AGES = {
    (96, 179): {"de": "8–14 Jahre", "en": "8–14 years", "tr": "8–14 yaş", "ar": "8–14 سنة",
                "uk": "8–14 років", "ru": "8–14 лет", "fa": "8 تا 14 سال"},
    (36, 83): {"de": "3–6 Jahre", "en": "3–6 years", "tr": "3–6 yaş", "ar": "3–6 سنوات",
               "uk": "3–6 років", "ru": "3–6 лет", "fa": "3 تا 6 سال"},
    (12, 47): {"de": "1–3 Jahre", "en": "1–3 years", "tr": "1–3 yaş", "ar": "1–3 سنوات",
               "uk": "1–3 роки", "ru": "1–3 года", "fa": "1 تا 3 سال"},
    (192, None): {"de": "ab 16 Jahren", "en": "from age 16", "tr": "16 yaşından itibaren",
                  "ar": "من عمر 16 سنة", "uk": "від 16 років", "ru": "от 16 лет",
                  "fa": "از 16 سالگی"},
    (0, 47): {"de": "bis 3 Jahre", "en": "up to 3 years", "tr": "3 yaşına kadar",
              "ar": "حتى 3 سنوات", "uk": "до 3 років", "ru": "до 3 лет", "fa": "تا 3 سالگی"},
    (0, 11): {"de": "unter 1 Jahr", "en": "under 1 year", "tr": "1 yaşından küçük",
              "ar": "أقل من سنة", "uk": "до 1 року", "ru": "до 1 года", "fa": "کمتر از ۱ سال"},
    (6, 18): {"de": "6–18 Monate", "en": "6–18 months", "tr": "6–18 ay", "ar": "6–18 شهرًا",
              "uk": "6–18 місяців", "ru": "6–18 месяцев", "fa": "6 تا 18 ماه"},
    (-9, 12): {"de": "von der Schwangerschaft bis 1 Jahr",
               "en": "from pregnancy up to 1 year", "tr": "hamilelikten 1 yaşına kadar",
               "ar": "من الحمل حتى سنة واحدة", "uk": "від вагітності до 1 року",
               "ru": "от беременности до 1 года", "fa": "از بارداری تا 1 سالگی"},
    (3, 24): {"de": "ab 3 Monaten bis 2 Jahre", "en": "from 3 months up to 2 years",
              "tr": "3 aylıktan itibaren 2 yaşına kadar", "ar": "من عمر 3 أشهر حتى سنتين",
              "uk": "від 3 місяців до 2 років", "ru": "от 3 месяцев до 2 лет",
              "fa": "از 3 ماهگی تا 2 سالگی"},
    (24, 24): {"de": "2 Jahre", "en": "2 years", "tr": "2 yaş", "ar": "سنتان",
               "uk": "2 роки", "ru": "2 года", "fa": "2 سال"},
}


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar", "uk", "ru", "fa"])
def test_age_ranges_read_grammatically_in_every_language(lang):
    for (low, high), words in AGES.items():
        assert age_range_words(low, high, lang) == words[lang], (low, high)


def test_the_age_filter_counts_the_same_completed_years_the_words_say():
    # "8–14 Jahre": 14-year-olds fit, 15-year-olds do not, 8-year-olds do, 7 do not.
    assert fits(96, 179, 14 * 12) and not fits(96, 179, 15 * 12)
    assert fits(96, 179, 8 * 12) and not fits(96, 179, 7 * 12)
    assert fits(None, None, 0) and fits(36, None, 25 * 12)


def test_every_bundled_range_is_said_as_the_offers_own_text_says_it(catalogue, bundled_data):
    """Where an offer's text says "8 bis 14 Jahre", its card says "8–14 Jahre"."""
    import re

    from finder.catalogue.store import connect

    db = connect(next((bundled_data / "builds").iterdir()) / "catalogue.db")
    checked = 0
    for offer_id, text in db.execute("SELECT id, summary || ' ' || description FROM offers"):
        said = catalogue.offer(offer_id)
        for low, high in re.findall(r"\b(\d+) bis (\d+) Jahre", text):
            if said.min_age_months is not None and said.min_age_months // 12 == int(low):
                assert said.ages_in_words("de") == f"{low}–{high} Jahre", offer_id
                checked += 1
    assert checked >= 5


# ---- days ---------------------------------------------------------------------------

def offer(**fields) -> Offer:
    record = {"id": "x", "provider_id": "p", "name": "X", "summary": "s", "description": "d",
              "topics": ["meeting_places"], "phases": [], **fields}
    return Offer.from_record(record, Holidays("NI"))


def weekly(byday, opens="09:30", closes="11:30", **extra) -> dict:
    return {"byday": byday, "opens_at": opens, "closes_at": closes, **extra}


def test_next_dates_skip_christmas_new_year_and_the_lands_own_holidays():
    friday = offer(schedules=[weekly(["FR"])])
    days = [d for d, _, _ in friday.next_dates(dt.date(2026, 12, 21), 3)]
    assert days == [dt.date(2027, 1, 8), dt.date(2027, 1, 15), dt.date(2027, 1, 22)]
    # Reformationstag is a holiday in Niedersachsen, not in Bavaria.
    saturday = [weekly(["SA"])]
    assert dt.date(2027, 10, 30) == offer(schedules=saturday).next_dates(
        dt.date(2027, 10, 30), 1)[0][0]
    tuesday = {"schedules": [weekly(["SU"])]}
    lower_saxony = Offer.from_record({**offer().as_record(), **tuesday}, Holidays("NI"))
    bavaria = Offer.from_record({**offer().as_record(), **tuesday}, Holidays("BY"))
    assert lower_saxony.next_dates(dt.date(2027, 10, 31), 1)[0][0] == dt.date(2027, 11, 7)
    assert bavaria.next_dates(dt.date(2027, 10, 31), 1)[0][0] == dt.date(2027, 10, 31)


def test_an_offer_open_on_holidays_keeps_them():
    line = offer(schedules=[weekly(["FR"], "08:00", "20:00")], open_on_holidays=True)
    assert line.next_dates(dt.date(2026, 12, 25), 1)[0][0] == dt.date(2026, 12, 25)


def test_closures_of_the_offer_and_its_provider_are_skipped():
    record = {**offer().as_record(), "schedules": [weekly(["TU"])],
              "closures": [{"from": "2027-01-05", "to": "2027-01-05"}]}
    found = Offer.from_record(record, Holidays("NI"),
                              (offer(closures=[{"from": "2027-07-19", "to": "2027-08-06"}])
                               .closures))
    assert [d for d, _, _ in found.next_dates(dt.date(2027, 1, 1), 2)] == \
        [dt.date(2027, 1, 12), dt.date(2027, 1, 19)]
    summer = [d for d, _, _ in found.next_dates(dt.date(2027, 7, 15), 2)]
    assert summer == [dt.date(2027, 8, 10), dt.date(2027, 8, 17)]


def test_second_tuesday_last_saturday_and_every_other_week():
    second = offer(schedules=[weekly(["TU"], week_of_month=[2])])
    assert [d for d, _, _ in second.next_dates(dt.date(2026, 11, 24), 4)] == \
        [dt.date(2026, 12, 8), dt.date(2027, 1, 12), dt.date(2027, 2, 9), dt.date(2027, 3, 9)]
    last = offer(schedules=[weekly(["SA"], week_of_month=[-1])])
    assert [d for d, _, _ in last.next_dates(dt.date(2026, 11, 1), 3)] == \
        [dt.date(2026, 11, 28), dt.date(2027, 1, 30), dt.date(2027, 2, 27)]  # 26.12. is a holiday
    fortnight = offer(schedules=[weekly(["SA"], every_weeks=2, first_date="2026-11-14")])
    assert [d for d, _, _ in fortnight.next_dates(dt.date(2026, 11, 15), 3)] == \
        [dt.date(2026, 11, 28), dt.date(2026, 12, 12), dt.date(2027, 1, 9)]


def test_a_session_of_today_that_is_over_is_left_out_and_validity_counts():
    today = dt.date(2026, 11, 24)  # a Tuesday
    tuesdays = offer(schedules=[weekly(["TU"])])
    assert tuesdays.next_dates(today, 1, now=dt.time(10))[0][0] == today
    assert tuesdays.next_dates(today, 1, now=dt.time(12))[0][0] == dt.date(2026, 12, 1)
    assert len(offer(schedules=[weekly(["TU"])], valid_to="2026-12-05").next_dates(today, 5)) == 2
    later = offer(schedules=[weekly(["TU"])], valid_from="2027-01-01")
    assert later.next_dates(today, 1)[0][0] == dt.date(2027, 1, 5)


def test_dates_and_hours_read_like_a_calendar(catalogue):
    found = catalogue.offer("sprechstunde-erziehungsberatung-talwiesen")
    assert found.next_dates_in_words(dt.date(2026, 11, 24), "de") == \
        ["Di., 8.12., 09:30–11:30", "Di., 12.1., 09:30–11:30", "Di., 9.2., 09:30–11:30"]
    assert found.hours_in_words(dt.date(2026, 11, 24), "de") == \
        ["jeden zweiten Dienstag im Monat 09:30–11:30"]
    # A time span keeps its order inside right-to-left text.
    assert "\u206809:30–11:30\u2069" in found.next_dates_in_words(dt.date(2026, 11, 24), "ar")[0]
    assert catalogue.offer("frauenhaus-schutz").next_dates(dt.date(2026, 11, 24)) == []


def test_no_bundled_offer_names_a_public_holiday_among_its_next_dates(catalogue, bundled_data):
    import holidays

    from finder.catalogue.store import connect

    ids = [r[0] for r in connect(next((bundled_data / "builds").iterdir()) / "catalogue.db")
           .execute("SELECT id FROM offers")]
    offers = catalogue.offers_by_ids(ids).values()
    for start in (dt.date(2026, 12, 5), dt.date(2026, 12, 21), dt.date(2027, 3, 20)):
        named = holidays.Germany(subdiv="NI", years=[start.year, start.year + 1])
        for o in offers:
            for day, _, _ in o.next_dates(start, 3):
                assert day not in named, (o.id, day)


# ---- current and stale ----------------------------------------------------------------

def test_current_means_between_valid_from_and_valid_to_inclusive():
    day = dt.date(2026, 12, 5)
    assert is_current(None, None, day)
    assert is_current("2026-12-05", "2026-12-05", day)
    assert not is_current("2027-06-15", None, day)  # a holiday pass that starts in June
    assert not is_current(None, "2026-12-04", day)


def test_stale_after_a_year_without_confirmation():
    day = dt.date(2026, 12, 5)
    assert is_stale(None, day)
    assert is_stale("2025-12-04", day) and not is_stale("2025-12-05", day)


# ---- access and attendance ------------------------------------------------------------

def test_wheelchair_access_is_yes_no_or_not_known():
    def at(*values):
        return offer(locations=[{"address_1": "A 1", "wheelchair_accessible": v} for v in values])
    assert at(True, None).wheelchair is True
    assert at(False, False).wheelchair is False
    assert at(None).wheelchair is None and at(False, None).wheelchair is None
    assert offer(attending_type="online").wheelchair is None


def test_a_crisis_line_is_always_reachable_not_a_weekend_activity(catalogue):
    line = catalogue.offer("kinderschutz-notruf")
    assert line.always_reachable and not line.open_weekends and not line.open_evenings
    saturday = offer(schedules=[weekly(["SA"], "10:00", "12:00")])
    assert saturday.open_weekends and not saturday.always_reachable


def test_only_sessions_a_family_goes_to_have_dates_to_be_reminded_of(catalogue):
    """Phone hours, online hours and home visits are not a date to keep."""
    tuesday = [weekly(["TU"], "09:30", "11:00")]
    assert offer(schedules=tuesday).has_sessions
    for kind in ("phone", "online", "at_home", "outreach", "accompanying"):
        assert not offer(schedules=tuesday, attending_type=kind).has_sessions
    assert not catalogue.offer("kinderschutz-notruf").has_sessions
    assert not catalogue.offer("hebammenvermittlung").has_sessions


def test_outreach_in_schools_is_not_a_home_visit(catalogue):
    assert catalogue.offer("zahnprophylaxe-kita").attending_type == "outreach"
    assert catalogue.offer("familienhebammen").attending_type == "at_home"
    assert catalogue.offer("elterntelefon").attending_type == "phone"


# ---- translations: reviewed, unreviewed, older than the German -----------------------

def reviewed_offer(german_description="Kommen Sie vorbei.", translated=None, review=None,
                   marks=None) -> Offer:
    """An offer with an English translation and, if given, its review as a translation
    file records it: the marks of the German it was checked against (translated_from) and
    the fingerprint of the translation that was checked."""
    texts = translated or {"name": "X", "summary": "s", "description": "Come along."}
    base = {"id": "x", "provider_id": "p", "name": "X", "summary": "s",
            "description": german_description, "topics": ["meeting_places"], "phases": []}
    return Offer.from_record({**base, "translations": {"en": texts},
                              "translated_from": {"en": marks} if marks else {},
                              "reviews": {"en": review} if review else {}})


def test_a_translation_is_reviewed_only_against_the_german_it_was_checked_with():
    from finder.model import text_hash, translation_fingerprint

    checked = {"name": "X", "summary": "s", "description": "Come along."}
    review = {"by": "second AI review", "date": "2026-12-01",
              "translation": translation_fingerprint("offer", checked)}
    marks = {"name": text_hash("X"), "summary": text_hash("s"),
             "description": text_hash("Kommen Sie vorbei.")}
    assert reviewed_offer(review=review, marks=marks).translation_state("en") == "reviewed"
    assert reviewed_offer(marks=marks).translation_state("en") == "unreviewed"
    assert reviewed_offer(review=review, marks=marks).translation_state("de") == "original"
    assert reviewed_offer(review=review, marks=marks).translation_state("tr") == "missing"
    # The German changed after the review: the translation is older than the German, by
    # the same rule (and the same marks) as outdated_translation.
    changed = reviewed_offer("Kommen Sie vorbei, ab 3 Jahren.", review=review, marks=marks)
    assert changed.outdated_translation("en") == ("description",)
    assert changed.translation_state("en") == "outdated"
    unreviewed = reviewed_offer("Kommen Sie vorbei, ab 3 Jahren.", marks=marks)
    assert unreviewed.translation_state("en") == "outdated"
    # Line breaks and spaces are no change.
    rewrapped = reviewed_offer("Kommen  Sie\nvorbei.", review=review, marks=marks)
    assert rewrapped.translation_state("en") == "reviewed"
    # The translation changed after the review: what is there now was not checked.
    edited = reviewed_offer(review=review, marks=marks, translated={
        "name": "X", "summary": "s", "description": "Come by."})
    assert edited.translation_state("en") == "unreviewed"
