"""The Telegram bot: the real python-telegram-bot Application, HTTP layer included,
against the Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import html
import os
import sqlite3
import threading
import time

import pytest

from bot import reminders
from bot.app import build
from bot.standin import BotApiStandIn
from finder.catalogue import live
from tests.conftest import TODAY, run_finder


class Running:
    """The bot polling the stand-in, in a thread with its own event loop; with a staff
    group when staff_chat is given."""

    def __init__(self, data_dir, chats_db, staff_chat: int | None = None):
        live(data_dir)  # the catalogue opened before the clock of the first answer starts
        self.standin = BotApiStandIn().start()
        self.chats_db = chats_db
        self.app = build(self.standin.token, data_dir, chats_db, self.standin.base_url,
                         staff_chat=staff_chat)
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(30), "the bot did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self.stopping = asyncio.Event()
        async with self.app:
            await self.app.start()
            await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
            self.ready.set()
            await self.stopping.wait()
            await reminders.stop(self.app)
            await self.app.updater.stop()
            await self.app.stop()

    def run(self, coroutine, timeout: float = 30):
        """Run a coroutine on the bot's event loop (a reminder pass, the loop's start)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    @property
    def finder(self):
        return self.app.bot_data["finder"]

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(30)
        self.standin.stop()


@pytest.fixture(scope="module")
def bot(bundled_data, tmp_path_factory):
    running = Running(bundled_data, tmp_path_factory.mktemp("chats") / "chats.db")
    yield running
    running.stop()


def say(bot, chat: int, text: str, lang: str | None = "de", method: str = "sendMessage"):
    before = len(bot.standin.sent)
    bot.standin.message(chat, text, lang)
    return bot.standin.reply_to(chat, before, method)


def press(bot, chat: int, data: str, lang: str | None = "de", method: str = "sendMessage"):
    before = len(bot.standin.sent)
    bot.standin.callback(chat, data, lang=lang)
    return bot.standin.reply_to(chat, before, method)


def buttons(call) -> list[dict]:
    markup = call["params"].get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def test_guided_conversation(bot):
    chat = 1001
    greeting = say(bot, chat, "/start")
    assert "Angebote für Ihre Familie" in greeting["params"]["text"]
    age = bot.standin.reply_to(chat, bot.standin.sent.index(greeting) + 1)
    assert age["params"]["text"] == "Wie alt ist Ihr Kind?"
    assert {b["callback_data"] for b in buttons(age)} >= {"a:exp", "a:0", "a:3", "a:16"}
    district = press(bot, chat, "a:3")
    assert "Stadtteil" in district["params"]["text"]
    assert "d:hafen" in {b["callback_data"] for b in buttons(district)}
    topic = press(bot, chat, "d:hafen")
    assert "t:childcare" in {b["callback_data"] for b in buttons(topic)}
    results = press(bot, chat, "t:childcare")
    text = results["params"]["text"]
    assert "Angebote gefunden" in text and "Kita Hafenkinder" in text
    details = [b["callback_data"] for b in buttons(results) if b["callback_data"].startswith("o:")]
    assert 1 <= len(details) <= 5
    offer = press(bot, chat, details[0])
    assert "Was kostet es?" in offer["params"]["text"]


def test_unknown_language_is_asked_and_remembered(bot):
    chat = 1002
    question = say(bot, chat, "/start", lang="ja")
    assert "Bitte wählen Sie Ihre Sprache." in question["params"]["text"]
    assert "l:uk" in {b["callback_data"] for b in buttons(question)}
    confirmed = press(bot, chat, "l:uk", lang="ja")
    assert confirmed["params"]["text"] == "Тепер я пишу вам українською."
    age = bot.standin.reply_to(chat, bot.standin.sent.index(confirmed) + 1)
    assert age["params"]["text"] == "Скільки років вашій дитині?"
    again = say(bot, chat, "Kita", lang="ja")
    assert "Знайдено" in again["params"]["text"]


def title(catalogue, offer_id: str, lang: str) -> str:
    """An offer's title as the bot shows it in a language (its translation, else German)."""
    offer = catalogue.offer(offer_id)
    return offer.text("name", lang)


KITAS = ("kita-anmeldung-servicestelle", "kita-pusteblume", "kita-hafenkinder-plaetze",
         "kita-sonnenblume-krippe", "kita-bergfeld-kindergarten", "kita-arche")


@pytest.mark.parametrize("chat,lang,text,offer_ids", [
    (1010, "de", "Hebamme", ("hebammenvermittlung",)),
    (1011, "en", "midwife", ("hebammenvermittlung",)),
    (1012, "tr", "kreş", KITAS),
    (1013, "uk", "акушерка", ("hebammenvermittlung",)),
    (1014, "ar", "قابلة", ("hebammenvermittlung",)),
    (1015, "ru", "детский сад", KITAS),
])
def test_free_text_in_many_languages(bot, catalogue, chat, lang, text, offer_ids):
    reply = say(bot, chat, text, lang=lang)
    expected = [html.escape(title(catalogue, i, lang), quote=False) for i in offer_ids]
    assert any(e in reply["params"]["text"] for e in expected), reply["params"]["text"][:500]
    assert reply["params"]["parse_mode"] == "HTML"


def test_pagination_edits_the_message(bot):
    chat = 1020
    first = say(bot, chat, "Kita")
    assert "1. " in first["params"]["text"] and "p:2" in {b["callback_data"] for b in buttons(first)}
    second = press(bot, chat, "p:2", method="editMessageText")
    assert "6. " in second["params"]["text"]
    assert "p:1" in {b["callback_data"] for b in buttons(second)}


def test_deep_link_and_map_venue(bot):
    chat = 1030
    offer = say(bot, chat, "/start offer_hebammenvermittlung")
    assert "Hebammenvermittlung" in offer["params"]["text"]
    urls = [b.get("url") for b in buttons(offer)]
    assert "https://hebammenzentrale-wiesbrueck.example.org/suche" in urls
    assert not [b for b in buttons(offer) if b.get("callback_data", "").startswith("m:")], \
        "an offer without a place has no map button"
    offer = say(bot, chat, "/start offer_hebammensprechstunde-kleine-fuesse")
    assert "m:hebammensprechstunde-kleine-fuesse" in [b.get("callback_data") for b in buttons(offer)]
    venue = press(bot, chat, "m:hebammensprechstunde-kleine-fuesse", method="sendVenue")
    assert float(venue["params"]["latitude"]) == pytest.approx(51.7131)
    assert "Lerchenweg 21" in venue["params"]["address"]


def test_inline_query_shares_an_offer(bot):
    before = len(bot.standin.sent)
    bot.standin.inline(1040, "Hebamme")
    answer = bot.standin.wait_for(lambda sent: next(
        (s for s in sent[before:] if s["method"] == "answerInlineQuery"), None))
    results = answer["params"]["results"]
    assert results and all(len(r["id"]) <= 64 for r in results)
    links = [b["url"] for r in results for row in r["reply_markup"]["inline_keyboard"] for b in row]
    assert "https://t.me/wiesbrueck_familien_bot?start=offer_hebammenvermittlung" in links


def test_forget_really_deletes_the_row(bot):
    chat = 1050
    greeting = say(bot, chat, "/start")
    bot.standin.reply_to(chat, bot.standin.sent.index(greeting) + 1)  # the age question
    press(bot, chat, "a:1")
    conn = sqlite3.connect(bot.chats_db)
    assert conn.execute("SELECT age_group FROM chats WHERE chat_id = ?", (chat,)).fetchone() \
        == ("1",)
    question = say(bot, chat, "/forget")
    assert {"f:yes", "f:no"} == {b["callback_data"] for b in buttons(question)}
    done = press(bot, chat, "f:yes")
    assert "gelöscht" in done["params"]["text"]
    assert conn.execute("SELECT count(*) FROM chats WHERE chat_id = ?", (chat,)).fetchone() == (0,)
    # Only settings are stored, never message texts.
    columns = [r[1] for r in conn.execute("PRAGMA table_info(chats)")]
    assert columns == ["chat_id", "lang", "age_group", "district", "last_seen"]
    conn.close()


@pytest.mark.parametrize("data", ["zz:nothing", "a:99", "d:atlantis", "p:-1", "p:abc", "l:xx",
                                  "t:cooking", "\x00\xff garbage", "c:everything", ""])
def test_stale_or_forged_buttons_answer_politely(bot, data):
    answer = press(bot, 1060, data, method="answerCallbackQuery")
    assert "nicht mehr gültig" in answer["params"]["text"]


def test_button_for_a_removed_offer(bot):
    reply = press(bot, 1061, "o:an-offer-that-was-removed")
    assert "gibt es nicht mehr" in reply["params"]["text"]


def test_retry_after_is_waited_out(bot):
    bot.standin.retry_after["sendMessage"] = 1
    before = len(bot.standin.sent)
    bot.standin.message(1070, "Hebamme")
    bot.standin.wait_for(lambda sent: any(s["method"] == "sendMessage" and s["answered"] == 200
                                          and str(s["params"]["chat_id"]) == "1070"
                                          for s in sent[before:]), timeout=15)
    statuses = [s["answered"] for s in bot.standin.sent[before:]
                if s["method"] == "sendMessage" and str(s["params"]["chat_id"]) == "1070"]
    assert statuses == [429, 200]


def test_a_blocked_chat_changes_nothing_for_others(bot):
    bot.standin.blocked.add(1080)
    before = len(bot.standin.sent)
    bot.standin.message(1080, "Hebamme")
    bot.standin.message(1081, "Hebamme")
    reply = bot.standin.reply_to(1081, before)
    assert "Hebammenvermittlung" in reply["params"]["text"]
    # The blocked chat's update runs concurrently: wait until the bot has tried it.
    bot.standin.wait_for(lambda sent: [s for s in sent[before:]
                                       if str(s["params"].get("chat_id")) == "1080"], timeout=15)
    blocked = [s for s in bot.standin.sent[before:] if str(s["params"].get("chat_id")) == "1080"]
    assert blocked and all(s["answered"] == 403 for s in blocked)
    bot.standin.blocked.discard(1080)
    assert "Hebammenvermittlung" in say(bot, 1082, "Hebamme")["params"]["text"]


def test_two_hundred_chats_at_once(bot, catalogue):
    words = [(lang, word, html.escape(title(catalogue, "hebammenvermittlung", lang), quote=False))
             for lang, word in (("de", "Hebamme"), ("en", "midwife"), ("uk", "акушерка"),
                                ("ar", "قابلة"))]
    before = len(bot.standin.sent)
    for n in range(200):
        lang, word, _ = words[n % 4]
        bot.standin.message(2000 + n, word, lang)

    def all_answered(sent):
        replies = {int(s["params"]["chat_id"]): s for s in sent[before:]
                   if s["method"] == "sendMessage"}
        return replies if len(replies) >= 200 else None

    replies = bot.standin.wait_for(all_answered, timeout=120)
    for n in range(200):
        assert words[n % 4][2] in replies[2000 + n]["params"]["text"], n


def test_every_message_and_button_stays_within_telegram_limits(bot):
    assert bot.standin.sent, "run after the other tests"
    for call in bot.standin.sent:
        params = call["params"]
        assert len(params.get("text", "")) <= 4096
        for button in buttons(call):
            if "callback_data" in button:
                assert len(button["callback_data"].encode()) <= 64
    assert bot.standin.rejected == [], bot.standin.rejected


def test_long_offer_text_is_cut_to_telegram_limits():
    from bot import render
    from finder.model import Offer

    offer = Offer.from_record({
        "id": "x", "provider_id": "p", "name": "Langes Angebot", "summary": "Kurz.",
        "description": "Wort " * 2000, "topics": ["health"], "phases": [],
        "attending_type": "online", "free": True})
    text, _ = render.offer(None, offer, "de", TODAY)
    assert len(text) <= 4096 and text.endswith("…")


def test_missing_and_rejected_token_give_clear_messages(bundled_data):
    env = {"FINDER_DATA_DIR": str(bundled_data), "TELEGRAM_BOT_TOKEN": ""}
    result = run_finder("bot", env=env)
    assert result.returncode == 1 and "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr
    standin = BotApiStandIn(token="111:RIGHT").start()
    try:
        env.update(TELEGRAM_BOT_TOKEN="222:WRONG", TELEGRAM_API_URL=standin.base_url)
        result = run_finder("bot", env=env)
    finally:
        standin.stop()
    assert result.returncode == 1 and "rejected the token" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_build_is_picked_up_without_restart(content, tmp_path):
    from finder.catalogue.build import build as build_catalogue

    content.offers("Elterncafé am Markt")
    data = tmp_path / "data"
    build_catalogue(content.root, data)
    running = Running(data, tmp_path / "chats.db")
    try:
        first = say(running, 3001, "Schachclub")
        assert "Elterncafé am Markt" in first["params"]["text"]  # nothing better: relaxed
        content.offers("Elterncafé am Markt", "Schachclub für Kinder")
        build_catalogue(content.root, data)
        second = say(running, 3001, "Schachclub")
        assert "Schachclub für Kinder" in second["params"]["text"]
    finally:
        running.stop()


def test_console_mode_chats_through_the_same_handlers(bundled_data):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "finder.cli", "bot", "--console", "--data-dir", str(bundled_data)],
        input="Hebamme\n1\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""})
    assert result.returncode == 0, result.stderr
    assert "Wie alt ist Ihr Kind?" in result.stdout
    assert "Angebote gefunden" in result.stdout and "Was kostet es?" in result.stdout
    assert "<b>" not in result.stdout


@pytest.mark.parametrize("chat,lang,text,helpline_word", [
    (1300, "de", "mein Mann schlägt mich", "Hilfetelefon"),
    (1301, "en", "my husband hits me", "Helpline"),
    (1302, "tr", "kocam beni dövüyor", "Yardım Hattı"),
    (1303, "ar", "زوجي يضربني", "هاتف المساعدة"),
    (1304, "uk", "чоловік мене б'є", "Гаряча лінія"),
    (1305, "ru", "муж меня бьёт", "Горячая линия"),
    (1306, "fa", "شوهرم مرا کتک می‌زند", "تلفن کمک"),
])
def test_crisis_words_put_the_emergency_numbers_on_top_in_the_bot(bot, chat, lang, text,
                                                                  helpline_word):
    reply = say(bot, chat, text, lang=lang)["params"]["text"]
    assert reply.startswith("🆘")
    for number in ("110", "112", "116 016", "116 111", "0800 111 0 111"):
        assert number in reply
    assert helpline_word in reply
    # The offers follow below the numbers.
    assert reply.index("<b>1. ") > reply.index("116 016")


def test_sos_command_lists_the_numbers(bot):
    reply = say(bot, 1310, "/sos", lang="en")["params"]["text"]
    assert "116 016" in reply and "Police" in reply


def test_an_edited_message_is_searched_again(bot):
    before = len(bot.standin.sent)
    bot.standin.edited_message(1400, "Hebamme")
    reply = bot.standin.reply_to(1400, before)
    assert "Hebamme" in reply["params"]["text"] or "hebamme" in reply["params"]["text"].lower()
    assert bot.standin.rejected == []


def test_channel_posts_get_no_answer_and_break_nothing(bot):
    before = len(bot.standin.sent)
    bot.standin.channel_post(-1009999, "Hebamme")
    assert "Hebammenvermittlung" in say(bot, 1401, "Hebamme")["params"]["text"]
    assert not [s for s in bot.standin.sent[before:]
                if str(s["params"].get("chat_id")) == "-1009999"]


def test_a_button_under_an_inline_message_gets_an_answer(bot):
    before = len(bot.standin.sent)
    bot.standin.inline_callback(1402, "o:hebammenvermittlung")
    answer = bot.standin.wait_for(lambda sent: [s for s in sent[before:]
                                                if s["method"] == "answerCallbackQuery"])
    assert answer[0]["params"].get("text") and answer[0]["answered"] == 200


def test_an_unknown_command_gets_the_help(bot):
    reply = say(bot, 1403, "/wetter")
    assert "/start" in reply["params"]["text"] and "/sos" in reply["params"]["text"]


def test_a_bug_behind_a_button_is_logged_and_not_passed_off_as_a_stale_button(bot, monkeypatch,
                                                                               caplog):
    """Only a button we do not know is "no longer valid"; an error in our own code is
    logged (without the family's words) and the family is asked to try again."""
    from bot import app as bot_app

    async def broken(update, context, value):
        raise KeyError("a bug in a handler")

    monkeypatch.setitem(bot_app.CALLBACKS, "p", broken)
    with caplog.at_level("ERROR", logger="familienwegweiser.bot"):
        answer = press(bot, 1061, "p:2", method="answerCallbackQuery")
        assert "nicht geklappt" in answer["params"]["text"]
        assert "nicht mehr gültig" not in answer["params"]["text"]
        for _ in range(50):
            if any("KeyError" in r.getMessage() for r in caplog.records):
                break
            time.sleep(0.05)
    assert any(r.levelname == "ERROR" and "KeyError" in r.getMessage() for r in caplog.records)
    stale = press(bot, 1062, "a:99", method="answerCallbackQuery")
    assert "nicht mehr gültig" in stale["params"]["text"]


def test_a_place_without_coordinates_has_no_map_button(catalogue):
    """A map button that would put a wrong pin (or none) is left out (issue 21)."""
    import dataclasses

    from bot import render

    offer = catalogue.offer("hebammensprechstunde-kleine-fuesse")
    _, markup = render.offer(catalogue, offer, "de", TODAY)
    assert any(b.callback_data == "m:hebammensprechstunde-kleine-fuesse"
               for row in markup.inline_keyboard for b in row)
    place = dataclasses.replace(offer.locations[0], latitude=None, longitude=None)
    text, markup = render.offer(catalogue, dataclasses.replace(offer, locations=(place,)), "de", TODAY)
    assert place.address_1 in text
    assert not any((b.callback_data or "").startswith("m:")
                   for row in markup.inline_keyboard for b in row)


def test_every_button_kind_has_its_own_prefix():
    """Each callback kind in bot.app.CALLBACKS names its own one-letter prefix: two kinds
    on one letter would silently send one kind's buttons to the other's handler."""
    import ast
    import inspect

    from bot import app, render

    tree = ast.parse(inspect.getsource(app))
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(getattr(t, "id", None) == "CALLBACKS" for t in node.targets))
    names = [key.attr for key in table.keys]
    prefixes = [getattr(render, name) for name in names]
    assert len(set(prefixes)) == len(names), dict(zip(names, prefixes))
    assert all(len(p) == 1 for p in prefixes)


def test_the_bot_reads_the_needs_words_before_its_first_family(bot):
    """On start (post_init), the bot opens the catalogue and reads what every need's words
    find, in a thread, as a web worker does: a family's first search does not wait."""
    from bot.app import warm

    engine = live(bot.finder.data_dir).engine
    with engine.scorer._lock:
        engine.scorer._cache.clear()
        engine.scorer._used = 0
    assert engine.scorer._cached(("need", "midwife")) is None
    bot.run(warm(bot.app))
    assert all(engine.scorer._cached(("need", n)) is not None for n in engine.vocabulary.needs)
