"""Hand-over to a person: with the family's consent, its question goes to the staff group
under a case number (never its name, user name, phone or chat id); a staff member's reply
comes back; either side ends it; the relay mapping is deleted on close, after 14 days and
by /forget; outside the staff's hours the family learns when someone answers and which
numbers answer now. The real python-telegram-bot stack against the Bot API stand-in."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from zoneinfo import ZoneInfo

import pytest

from bot import reminders
from bot.app import staff_chat_id
from tests.conftest import TODAY
from tests.test_bot import Running, buttons, press, say

STAFF = -1009876543210
STAFF_MEMBER = 777
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_MORNING = dt.datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def bot(bundled_data, tmp_path_factory):
    running = Running(bundled_data, tmp_path_factory.mktemp("chats") / "chats.db",
                      staff_chat=STAFF)
    yield running
    running.stop()


@pytest.fixture
def clock(bot):
    """The bot's clock, moved by the test; put back afterwards."""
    original = bot.finder.now

    def move(moment: dt.datetime) -> None:
        bot.finder.now = lambda zone: moment.astimezone(ZoneInfo(zone))

    yield move
    bot.finder.now = original


def rows(bot, table: str, chat: int) -> list[tuple]:
    with sqlite3.connect(bot.chats_db) as conn:
        return conn.execute(f"SELECT * FROM {table} WHERE chat_id = ?", (chat,)).fetchall()  # noqa: S608


def staff_calls(bot, after: int = 0) -> list[dict]:
    return [s for s in bot.standin.sent[after:] if str(s["params"].get("chat_id")) == str(STAFF)]


def to_staff(bot, after: int, contains: str = "Fall ") -> dict:
    return bot.standin.wait_for(lambda sent: next(
        (s for s in sent[after:] if str(s["params"].get("chat_id")) == str(STAFF)
         and contains in s["params"].get("text", "")), None))


def open_case(bot, chat: int, text: str, lang: str = "de") -> tuple[str, dict]:
    """The family searches, asks for a person and consents; the case number and the staff
    chat's message."""
    say(bot, chat, text, lang=lang)
    consent = press(bot, chat, "h:ask", lang=lang)
    assert {b["callback_data"] for b in buttons(consent)} == {"h:yes", "h:no"}
    before = len(bot.standin.sent)
    confirmed = press(bot, chat, "h:yes", lang=lang)
    case = re.search(r"\d{4,8}", confirmed["params"]["text"]).group(0)
    return case, to_staff(bot, before, f"Fall {case}")


def test_nothing_fits_and_crisis_answers_offer_a_person(bot):
    nothing = say(bot, 5001, "Schachclub")
    assert "h:ask" in [b.get("callback_data") for b in buttons(nothing)]
    assert "Genau das haben wir nicht gefunden" in nothing["params"]["text"]
    crisis = say(bot, 5002, "mein Mann schlägt mich")
    assert "h:ask" in [b.get("callback_data") for b in buttons(crisis)]
    found = say(bot, 5003, "Hebamme")
    assert "h:ask" not in [b.get("callback_data") for b in buttons(found)]


def test_the_hand_over_both_ways_without_name_username_phone_or_chat_id(bot, clock):
    clock(MONDAY_MORNING)
    chat = 900_005_010  # a long id, as Telegram's are: no case number contains it
    start = len(bot.standin.sent)
    case, first = open_case(bot, chat, "Schachclub für meinen Sohn, 10 Jahre")
    assert "Schachclub für meinen Sohn, 10 Jahre" in first["params"]["text"]
    assert "Sprache: Deutsch" in first["params"]["text"]
    assert rows(bot, "cases", chat) == [(case, chat, TODAY.isoformat())]
    # The staff member answers the case message; the family reads it in the bot.
    before = len(bot.standin.sent)
    bot.standin.message(STAFF, "Guten Tag! Der SV Wiesbrück hat eine Schach-AG ab 8 Jahren.",
                        user_id=STAFF_MEMBER, reply_to=first)
    answer = bot.standin.reply_to(chat, before)
    assert "Schach-AG ab 8 Jahren" in answer["params"]["text"]
    assert "Familienbüro der Stadt Wiesbrück" in answer["params"]["text"]
    assert "h:end" in [b["callback_data"] for b in buttons(answer)]
    # The family writes on: it goes to the staff, not to the search.
    before = len(bot.standin.sent)
    bot.standin.message(chat, "Danke! Wann ist das Training?")
    follow = to_staff(bot, before, "Wann ist das Training?")
    assert f"Fall {case}" in follow["params"]["text"]
    assert not [s for s in bot.standin.sent[before:] if str(s["params"].get("chat_id")) == str(chat)
                and "gefunden" in s["params"].get("text", "")]
    # The staff end it: the family is told, the mapping is gone.
    close = next(b["callback_data"] for b in buttons(first))
    assert close == f"h:close:{case}"
    before = len(bot.standin.sent)
    bot.standin.callback(STAFF, close, user_id=STAFF_MEMBER)
    told = bot.standin.reply_to(chat, before)
    assert "beendet" in told["params"]["text"]
    assert rows(bot, "cases", chat) == []
    # A late reply to the closed case goes nowhere, and the staff are told so.
    before = len(bot.standin.sent)
    bot.standin.message(STAFF, "Noch eine Frage?", user_id=STAFF_MEMBER, reply_to=first)
    assert "ist beendet" in to_staff(bot, before, "ist beendet")["params"]["text"]
    assert not [s for s in bot.standin.sent[before:] if str(s["params"].get("chat_id")) == str(chat)]
    # Nothing the staff chat got names the family.
    for call in staff_calls(bot, start):
        sent = json.dumps(call["params"], ensure_ascii=False)
        for secret in ("Parent", "parent_", "Family", str(chat)):
            assert secret not in sent, (secret, sent)


def test_the_family_ends_it_and_the_staff_are_told(bot, clock):
    clock(MONDAY_MORNING)
    chat = 5020
    case, _ = open_case(bot, chat, "Schachclub")
    before = len(bot.standin.sent)
    ended = press(bot, chat, "h:end")
    assert "beendet" in ended["params"]["text"]
    assert "Die Familie hat das Gespräch beendet" in to_staff(bot, before, f"Fall {case}")["params"]["text"]
    assert rows(bot, "cases", chat) == []
    # And the next message is a search again.
    assert "Angebote gefunden" in say(bot, chat, "Hebamme")["params"]["text"]


def test_forget_ends_and_deletes_the_case(bot, clock):
    clock(MONDAY_MORNING)
    chat = 5030
    case, _ = open_case(bot, chat, "Schachclub")
    say(bot, chat, "/forget")
    before = len(bot.standin.sent)
    press(bot, chat, "f:yes")
    assert "ihre Daten gelöscht" in to_staff(bot, before, f"Fall {case}")["params"]["text"]
    assert rows(bot, "cases", chat) == [] and rows(bot, "chats", chat) == []


def test_a_case_ends_after_fourteen_days(bot, clock):
    clock(MONDAY_MORNING)
    chat = 5040
    case, _ = open_case(bot, chat, "Schachclub")
    cases = bot.finder.store.cases
    state = reminders.State()
    try:
        cases.today = lambda: TODAY + dt.timedelta(days=14)
        bot.run(reminders.tick(bot.app.bot, bot.finder, state, MONDAY_MORNING))
        assert rows(bot, "cases", chat) != [], "14 days are not over yet"
        before = len(bot.standin.sent)
        cases.today = lambda: TODAY + dt.timedelta(days=15)
        bot.run(reminders.tick(bot.app.bot, bot.finder, state, MONDAY_MORNING))
    finally:
        cases.today = bot.finder.store.today
    assert rows(bot, "cases", chat) == []
    assert "14" in bot.standin.reply_to(chat, before)["params"]["text"]
    assert "nach 14 Tagen beendet" in to_staff(bot, before, f"Fall {case}")["params"]["text"]


def test_outside_the_staff_hours_the_family_learns_when_and_whom_to_call_now(bot, clock):
    # The tests' day, Saturday 5 December: nobody until Monday 09:00.
    clock(dt.datetime(2026, 12, 5, 11, 0, tzinfo=BERLIN))
    say(bot, 5050, "Schachclub")
    consent = press(bot, 5050, "h:ask")["params"]["text"]
    assert "Gerade ist niemand da. Jemand antwortet Ihnen am Mo., 7.12. ab 09:00." in consent
    for number in ("116 111", "0800 111 0 550", "110"):
        assert number in consent
    # Christmas Eve afternoon: the office is closed on both holidays, back on Monday the 28th.
    clock(dt.datetime(2026, 12, 24, 17, 0, tzinfo=BERLIN))
    say(bot, 5051, "Schachclub")
    assert "am Mo., 28.12. ab 09:00" in press(bot, 5051, "h:ask")["params"]["text"]
    # In the hours: someone answers here, and the office's phone.
    clock(MONDAY_MORNING)
    say(bot, 5052, "Schachclub")
    during = press(bot, 5052, "h:ask")["params"]["text"]
    assert "Gerade ist jemand da" in during and "+49 69 90009 100" in during
    assert "116 111" not in during


def test_person_without_a_question_sends_the_next_message(bot, clock):
    clock(MONDAY_MORNING)
    chat = 5060
    consent = say(bot, chat, "/person")
    assert "Ihre Frage: „" not in consent["params"]["text"]
    ready = press(bot, chat, "h:yes")
    case = re.search(r"\d{4,8}", ready["params"]["text"]).group(0)
    assert "Schreiben Sie jetzt Ihre Frage" in ready["params"]["text"]
    before = len(bot.standin.sent)
    bot.standin.message(chat, "Wo bekomme ich einen Kita-Platz?")
    assert f"Fall {case}" in to_staff(bot, before, "Kita-Platz")["params"]["text"]
    assert "Weitergegeben" in bot.standin.reply_to(chat, before)["params"]["text"]
    press(bot, chat, "h:end")


def test_the_staff_answer_reaches_the_family_in_its_language(bot, clock):
    clock(MONDAY_MORNING)
    chat = 5070
    case, first = open_case(bot, chat, "زوجي يضربني", lang="de")
    assert "Sprache: Arabisch" in first["params"]["text"]
    before = len(bot.standin.sent)
    bot.standin.message(STAFF, "مرحبا، نحن هنا.", user_id=STAFF_MEMBER, reply_to=first)
    answer = bot.standin.reply_to(chat, before)["params"]["text"]
    assert "مكتب العائلة" in answer and "مرحبا، نحن هنا." in answer
    press(bot, chat, "h:end")


def test_a_family_cannot_close_someone_elses_case(bot, clock):
    clock(MONDAY_MORNING)
    case, _ = open_case(bot, 5080, "Schachclub")
    answer = press(bot, 5081, f"h:close:{case}", method="answerCallbackQuery")
    assert "nicht mehr gültig" in answer["params"]["text"]
    assert rows(bot, "cases", 5080) != []
    press(bot, 5080, "h:end")


def test_the_staff_chat_is_no_family(bot):
    """Talk among the staff, and commands there, get no search and no answer."""
    before = len(bot.standin.sent)
    bot.standin.message(STAFF, "Hebamme", user_id=STAFF_MEMBER)
    bot.standin.message(STAFF, "/start", user_id=STAFF_MEMBER)
    say(bot, 5090, "Hebamme")  # a family's message after them is answered
    assert staff_calls(bot, before) == []
    assert bot.standin.rejected == []


def test_without_a_staff_chat_person_gives_the_numbers(bot):
    staff, bot.finder.staff_chat = bot.finder.staff_chat, None
    try:
        reply = say(bot, 5100, "/person")["params"]["text"]
        assert "+49 69 90009 100" in reply and "116 111" in reply
        assert "h:ask" not in [b.get("callback_data") for b in buttons(say(bot, 5101, "Schachclub"))]
    finally:
        bot.finder.staff_chat = staff


def test_privacy_says_what_is_kept_and_for_how_long(bot):
    text = say(bot, 5110, "/privacy")["params"]["text"]
    assert "Fallnummer" in text and "14 Tagen" in text and "90 Tagen" in text
    assert "das Angebot und das Datum" in text and "Standort" in text


@pytest.mark.parametrize("value,expected", [("", None), ("  ", None), ("-1009876543210", -1009876543210)])
def test_the_staff_chat_id_is_read_from_its_variable(value, expected):
    assert staff_chat_id(value) == expected


@pytest.mark.parametrize("value", ["Familienbüro", "0", "-100 123", "1.5"])
def test_a_wrong_staff_chat_id_is_refused_by_name(value):
    with pytest.raises(ValueError, match="TELEGRAM_STAFF_CHAT_ID must be the staff group's chat id"):
        staff_chat_id(value)
