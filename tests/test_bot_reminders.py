"""Reminders of an offer's next date: "Erinnere mich" lists the next dates; the reminder
goes out the evening before at 18:00 in the town's time zone, with address, phone and map
button; stored is chat, offer and date only, deleted when sent, past or by /forget; a build
that removes the offer or moves its date tells the family instead. The clock is moved by
passing the moment to a reminder pass, and by moving the bot's clock under its own loop.
Also: a shared location picks the district. The real python-telegram-bot stack against
the Bot API stand-in."""

from __future__ import annotations

import datetime as dt
import sqlite3
from zoneinfo import ZoneInfo

import pytest

from bot import reminders
from finder.catalogue.build import build as build_catalogue
from tests.conftest import PROVIDER
from tests.test_bot import Running, buttons, press, say

BERLIN = ZoneInfo("Europe/Berlin")
OFFER = "hebammensprechstunde-kleine-fuesse"
"""Fridays 09:00–11:00 at Lerchenweg 21: next on 11 and 18 December, then (Christmas and the
practice's closure) on 8 January."""


@pytest.fixture(scope="module")
def bot(bundled_data, tmp_path_factory):
    running = Running(bundled_data, tmp_path_factory.mktemp("chats") / "chats.db")
    yield running
    running.stop()


def stored(bot, chat: int) -> list[tuple]:
    with sqlite3.connect(bot.chats_db) as conn:
        return conn.execute("SELECT * FROM reminders WHERE chat_id = ?", (chat,)).fetchall()


def tick(bot, moment: dt.datetime, state: reminders.State | None = None) -> int:
    return bot.run(reminders.tick(bot.app.bot, bot.finder, state or reminders.State(), moment))


def remind(bot, chat: int, offer: str = OFFER, pick: int = 0) -> dict:
    """Open the offer, press "Erinnere mich", pick a date; the confirmation."""
    details = say(bot, chat, f"/start offer_{offer}")
    assert f"r:{offer}" in [b.get("callback_data") for b in buttons(details)]
    dates = press(bot, chat, f"r:{offer}")
    choices = [b["callback_data"] for b in buttons(dates)]
    assert choices and all(c.startswith("s:") and c.endswith(f":{offer}") for c in choices)
    return press(bot, chat, choices[pick])


def test_the_next_dates_are_offered_and_only_chat_offer_and_date_are_stored(bot):
    details = say(bot, 6001, f"/start offer_{OFFER}")
    dates = press(bot, 6001, f"r:{OFFER}")
    assert [b["text"] for b in buttons(dates)] == ["Fr., 11.12., 09:00–11:00",
                                                   "Fr., 18.12., 09:00–11:00",
                                                   "Fr., 8.1., 09:00–11:00"]
    assert "18:00" in dates["params"]["text"] and details
    confirmed = press(bot, 6001, buttons(dates)[0]["callback_data"])
    assert "Do., 10.12. um 18:00" in confirmed["params"]["text"]
    assert stored(bot, 6001) == [(6001, OFFER, "2026-12-11")]
    with sqlite3.connect(bot.chats_db) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(reminders)")]
    assert columns == ["chat_id", "offer_id", "date"]


def test_the_reminder_goes_out_the_evening_before_at_six_in_the_towns_time(bot):
    chat = 6002
    remind(bot, chat)
    before = len(bot.standin.sent)
    assert tick(bot, dt.datetime(2026, 12, 10, 17, 59, tzinfo=BERLIN)) == 0
    # 16:59 in UTC is 17:59 in Wiesbrück: still not.
    assert tick(bot, dt.datetime(2026, 12, 10, 16, 59, tzinfo=dt.UTC).astimezone(BERLIN)) == 0
    assert not [s for s in bot.standin.sent[before:] if str(s["params"].get("chat_id")) == str(chat)]
    assert tick(bot, dt.datetime(2026, 12, 10, 18, 0, tzinfo=BERLIN)) >= 1
    sent = bot.standin.reply_to(chat, before)
    text = sent["params"]["text"]
    assert "Erinnerung: morgen" in text and "Fr., 11.12., 09:00–11:00" in text
    assert "Lerchenweg 21" in text and "+49 69 90009 310" in text
    assert f"m:{OFFER}" in [b.get("callback_data") for b in buttons(sent)]
    assert stored(bot, chat) == [], "deleted once sent"
    assert tick(bot, dt.datetime(2026, 12, 10, 20, 0, tzinfo=BERLIN)) == 0, "sent once"


def test_a_reminder_whose_evening_went_by_is_dropped_unsent(bot):
    chat = 6003
    remind(bot, chat)
    before = len(bot.standin.sent)
    assert tick(bot, dt.datetime(2026, 12, 11, 8, 0, tzinfo=BERLIN)) == 0
    assert stored(bot, chat) == []
    assert not [s for s in bot.standin.sent[before:] if str(s["params"].get("chat_id")) == str(chat)]


def test_forget_deletes_the_reminders(bot):
    chat = 6004
    remind(bot, chat)
    remind(bot, chat, pick=1)
    assert len(stored(bot, chat)) == 2
    say(bot, chat, "/forget")
    press(bot, chat, "f:yes")
    assert stored(bot, chat) == []


def test_a_reminder_can_be_deleted_by_its_button(bot):
    confirmed = remind(bot, 6005)
    delete = next(b["callback_data"] for b in buttons(confirmed))
    assert delete.startswith("x:")
    assert "gelöscht" in press(bot, 6005, delete)["params"]["text"]
    assert stored(bot, 6005) == []


def test_an_offer_without_dates_has_no_reminder_button(bot):
    details = say(bot, 6006, "/start offer_hebammenvermittlung")
    assert not [b for b in buttons(details) if b.get("callback_data", "").startswith("r:")]


@pytest.mark.parametrize("data", ["s:20261212:" + OFFER, "s:2026121:" + OFFER, "s:abc:x",
                                  "s:20261211:no-such-offer", "r:no-such-offer", "x:garbage"])
def test_forged_or_impossible_dates_change_nothing(bot, data):
    answer = press(bot, 6007, data, method="answerCallbackQuery")
    assert "nicht mehr gültig" in answer["params"]["text"]
    assert stored(bot, 6007) == []


def test_a_shared_location_picks_the_district(bot):
    chat = 6010
    before = len(bot.standin.sent)
    bot.standin.location(chat, 51.6863, 9.8241)
    said = bot.standin.reply_to(chat, before)
    assert "Hafen" in said["params"]["text"]
    # Then the guided search goes on: which topic.
    bot.standin.reply_to(chat, bot.standin.sent.index(said) + 1)
    with sqlite3.connect(bot.chats_db) as conn:
        assert conn.execute("SELECT district FROM chats WHERE chat_id = ?", (chat,)).fetchone() \
            == ("hafen",)
    # Outside the town: said so, and the districts to choose from.
    before = len(bot.standin.sent)
    bot.standin.location(chat, 52.52, 13.405)
    outside = bot.standin.reply_to(chat, before)
    assert "nicht in Wiesbrück" in outside["params"]["text"]
    assert "d:hafen" in [b["callback_data"] for b in buttons(outside)]


def test_a_district_typed_is_chosen_and_the_search_shown_there(bot):
    chat = 6011
    say(bot, chat, "Hebamme")
    before = len(bot.standin.sent)
    bot.standin.message(chat, "Nordstadt")
    said = bot.standin.reply_to(chat, before)
    assert "Nordstadt" in said["params"]["text"]
    results = bot.standin.reply_to(chat, bot.standin.sent.index(said) + 1)
    assert "Angebote gefunden" in results["params"]["text"]
    with sqlite3.connect(bot.chats_db) as conn:
        assert conn.execute("SELECT district FROM chats WHERE chat_id = ?", (chat,)).fetchone() \
            == ("nordstadt",)


SCHEDULED = PROVIDER + """\
  - id: spielgruppe
    name: Spielgruppe am Dienstag
    summary: Eine Spielgruppe für Kleinkinder.
    description: Wir spielen und singen.
    topics: [meeting_places]
    free: true
    assured_date: 2026-09-01
    schedules:
      - {{byday: [{day}], opens_at: "09:30", closes_at: "11:00"}}
"""
OTHER = PROVIDER + """\
  - id: elterncafe
    name: Elterncafé
    summary: Ein Café für Eltern.
    description: Eltern treffen sich.
    topics: [meeting_places]
    free: true
    assured_date: 2026-09-01
"""


def test_a_build_that_moves_or_removes_the_date_tells_the_family_instead(content, tmp_path):
    content.provider(SCHEDULED.format(day="TU"))
    data = tmp_path / "data"
    build_catalogue(content.root, data)
    running = Running(data, tmp_path / "chats.db")
    try:
        state = reminders.state_of(running.app)  # the handlers' and the loop's
        confirmed = remind(running, 7001, "spielgruppe")
        assert "Di., 8.12." in confirmed["params"]["text"]
        remind(running, 7002, "spielgruppe")
        assert tick(running, dt.datetime(2026, 12, 5, 12, 0, tzinfo=BERLIN), state) == 0
        # The group moves to Wednesdays: the family is told at once, and not reminded.
        content.provider(SCHEDULED.format(day="WE"))
        build_catalogue(content.root, data)
        before = len(running.standin.sent)
        assert tick(running, dt.datetime(2026, 12, 5, 12, 1, tzinfo=BERLIN), state) == 0
        told = running.standin.reply_to(7001, before)["params"]["text"]
        assert "Spielgruppe am Dienstag" in told and "Di., 8.12." in told
        assert "nicht statt" in told and "Mi., 9.12., 09:30–11:00" in told
        assert stored(running, 7001) == [] and stored(running, 7002) == []
        assert tick(running, dt.datetime(2026, 12, 7, 18, 0, tzinfo=BERLIN), state) == 0
        # Set again for Wednesday; then the offer is removed: told by its name.
        remind(running, 7001, "spielgruppe")
        assert tick(running, dt.datetime(2026, 12, 5, 12, 2, tzinfo=BERLIN), state) == 0
        content.provider(OTHER)
        build_catalogue(content.root, data)
        before = len(running.standin.sent)
        tick(running, dt.datetime(2026, 12, 5, 12, 3, tzinfo=BERLIN), state)
        gone = running.standin.reply_to(7001, before)["params"]["text"]
        assert "„Spielgruppe am Dienstag“ gibt es nicht mehr" in gone and "Mi., 9.12." in gone
        assert stored(running, 7001) == []
    finally:
        running.stop()


def test_the_loop_sends_at_the_moved_clocks_evening(content, tmp_path):
    """The bot's own loop, reading its (moved) clock at the edge."""
    content.provider(SCHEDULED.format(day="TU"))
    data = tmp_path / "data"
    build_catalogue(content.root, data)
    running = Running(data, tmp_path / "chats.db")
    moment = {"now": dt.datetime(2026, 12, 5, 12, 0, tzinfo=BERLIN)}
    running.finder.now = lambda zone: moment["now"].astimezone(ZoneInfo(zone))
    try:
        remind(running, 7010, "spielgruppe")
        running.run(_start(running.app))
        before = len(running.standin.sent)
        moment["now"] = dt.datetime(2026, 12, 7, 17, 59, tzinfo=BERLIN)
        with pytest.raises(TimeoutError):
            running.standin.reply_to(7010, before, timeout=1.0)
        moment["now"] = dt.datetime(2026, 12, 7, 18, 0, 30, tzinfo=BERLIN)
        sent = running.standin.reply_to(7010, before, timeout=10)
        assert "Spielgruppe am Dienstag" in sent["params"]["text"]
        assert stored(running, 7010) == []
    finally:
        running.stop()


async def _start(app) -> None:
    reminders.start(app, every=0.05)
