"""The bot answers in the language a family writes, whatever its Telegram app is set to,
and offers one button to keep it; short or ambiguous messages keep the chat's language.
The real python-telegram-bot stack against the Bot API stand-in."""

from __future__ import annotations

import sqlite3

import pytest

from tests.test_bot import Running, buttons, press, say


@pytest.fixture(scope="module")
def bot(bundled_data, tmp_path_factory):
    running = Running(bundled_data, tmp_path_factory.mktemp("chats") / "chats.db")
    yield running
    running.stop()


def saved_lang(bot, chat: int) -> str | None:
    with sqlite3.connect(bot.chats_db) as conn:
        row = conn.execute("SELECT lang FROM chats WHERE chat_id = ?", (chat,)).fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("chat,app_lang,text,written,answer_word,keep", [
    (4001, "de", "زوجي يضربني", "ar", "هاتف المساعدة", "المتابعة بالعربية"),
    (4002, "en", "شوهرم مرا کتک می‌زند", "fa", "تلفن کمک", "ادامه به فارسی"),
    (4003, "en", "Мені потрібен дитячий садок для сина", "uk", "Знайдено", "Продовжити українською"),
    (4004, "de", "Мне нужен детский сад для сына", "ru", "Найдено", "Продолжить на русском"),
    (4005, "de", "kocam beni dövüyor", "tr", "Yardım Hattı", "Türkçe devam et"),
    (4006, "en", "Ich suche eine Hebamme für mein Baby", "de", "Angebote gefunden",
     "Weiter auf Deutsch"),
])
def test_answers_come_in_the_language_written(bot, chat, app_lang, text, written, answer_word,
                                              keep):
    reply = say(bot, chat, text, lang=app_lang)
    assert answer_word in reply["params"]["text"], reply["params"]["text"][:300]
    keeping = [b for b in buttons(reply) if b.get("callback_data", "").startswith("k:")]
    assert [(b["callback_data"], b["text"]) for b in keeping] == [(f"k:{written}", keep)]
    # Nothing is saved without the family's say: the chat keeps its app's language.
    assert saved_lang(bot, chat) == app_lang


def test_the_conversation_stays_in_the_language_written_and_the_button_keeps_it(bot):
    chat = 4010
    reply = say(bot, chat, "أبحث عن روضة أطفال لابني", lang="de")
    assert "وجدنا" in reply["params"]["text"] or "عرض" in reply["params"]["text"]
    # The next steps speak Arabic too: the offer, and a short message like "Kita".
    offer = press(bot, chat, next(b["callback_data"] for b in buttons(reply)
                                  if b.get("callback_data", "").startswith("o:")))
    assert "كم يكلّف" in offer["params"]["text"] or "لمن" in offer["params"]["text"], \
        offer["params"]["text"][:200]
    short = say(bot, chat, "Kita", lang="de")
    assert "Angebote gefunden" not in short["params"]["text"]
    kept = press(bot, chat, "k:ar")
    assert kept["params"]["text"] == "سأكتب لك بالعربية من الآن."
    assert saved_lang(bot, chat) == "ar"
    again = say(bot, chat, "Kita", lang="de")
    assert not [b for b in buttons(again) if b.get("callback_data", "").startswith("k:")]


@pytest.mark.parametrize("chat,app_lang,text,found", [
    (4020, "de", "Kita", "Angebote gefunden"),
    (4021, "de", "Hebamme", "Angebote gefunden"),
    (4022, "en", "Hebamme", "offers found"),
    (4023, "en", "Kita Nordstadt", "offers found"),
    (4024, "uk", "акушерка", "Знайдено"),
    (4025, "ar", "ok", "عرض"),
])
def test_short_or_ambiguous_messages_keep_the_chats_language(bot, chat, app_lang, text, found):
    reply = say(bot, chat, text, lang=app_lang)
    assert found in reply["params"]["text"], reply["params"]["text"][:200]
    assert not [b for b in buttons(reply) if b.get("callback_data", "").startswith("k:")]


def test_a_ukrainian_chat_writing_one_russian_word_stays_ukrainian(bot):
    reply = say(bot, 4030, "спасибо", lang="uk")
    assert "Знайдено" in reply["params"]["text"] or "пропозиц" in reply["params"]["text"]


def test_a_forged_keep_button_changes_nothing(bot):
    answer = press(bot, 4040, "k:xx", method="answerCallbackQuery")
    assert "nicht mehr gültig" in answer["params"]["text"]
    assert saved_lang(bot, 4040) is None
