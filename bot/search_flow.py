"""The guided search (age, district, topic), free text and paging."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import render
from bot.common import finder, settings
from bot.i18n import t
from finder import clock, wording
from finder.coordinator import demand
from finder.model import TOPIC_IDS
from finder.search import Query, QueryError

LAST = "last_search"
"""chat_data key: the current search's text and topic, kept in memory only."""


def build_query(chat, lang: str, text: str = "", topic: str | None = None,
                page: int = 1, districts=None) -> Query:
    """The chat's choices as the shared search parameters (finder.search.Query)."""
    _, years = render.AGE_GROUPS.get(chat.age_group or "", ("", ()))
    params = {"q": text, "age": [str(y) for y in years],
              "expecting": "1" if chat.age_group == "exp" else "",
              "district": chat.district or "", "topic": [topic] if topic else [],
              "page": str(page)}
    return Query.from_params(params, lang=lang, districts=districts, page_size=render.PAGE_SIZE)


async def show_results(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int = 1,
                       edit: bool = False) -> None:
    chat = settings(update, context)
    lang = chat.lang or "de"
    last = context.chat_data.get(LAST, {})
    catalogue = finder(context).catalogue()
    today = clock.today()
    try:
        found = catalogue.search(build_query(chat, lang, last.get("text", ""),
                                             last.get("topic"), page, catalogue.districts), today)
    except QueryError as error:
        if error.parameter != "district":
            raise
        # A district the catalogue no longer has: search the whole town, and forget it.
        chat.district = None
        finder(context).store.save(chat)
        found = catalogue.search(build_query(chat, lang, last.get("text", ""),
                                             last.get("topic"), page), today)
    demand.record(found.query, found, today, finder(context).data_dir)
    text, markup = render.results(catalogue, found, lang, today)
    if edit and update.callback_query and update.callback_query.message:
        await update.callback_query.edit_message_text(text, parse_mode=ParseMode.HTML,
                                                      reply_markup=markup)
    else:
        await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML,
                                                 reply_markup=markup)


async def ask_age(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text, markup = render.age_question(settings(update, context).lang or "de")
    await update.effective_chat.send_message(text, reply_markup=markup)


async def on_age(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    chat = settings(update, context)
    if value not in render.AGE_GROUPS:
        raise render.StaleButton(value)
    chat.age_group = value
    await _saved_then(update, context, chat, lambda: render.district_question(
        finder(context).catalogue(), chat.lang or "de"))


async def on_district(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    chat = settings(update, context)
    catalogue = finder(context).catalogue()
    if value != "all" and value not in catalogue.districts:
        raise render.StaleButton(value)
    chat.district = None if value == "all" else value
    await _saved_then(update, context, chat, lambda: render.topic_question(
        catalogue, chat.lang or "de", TOPIC_IDS))


async def _saved_then(update: Update, context: ContextTypes.DEFAULT_TYPE, chat,
                      next_question) -> None:
    """Save a changed setting; then the results again when the family was changing a
    filter, otherwise the guided search's next question."""
    finder(context).store.save(chat)
    await update.callback_query.answer()
    if context.chat_data.pop("changing", False):
        await show_results(update, context)
        return
    text, markup = next_question()
    await update.effective_chat.send_message(text, reply_markup=markup)


async def on_topic(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    if value != "all" and value not in TOPIC_IDS:
        raise render.StaleButton(value)
    context.chat_data[LAST] = {"text": "", "topic": None if value == "all" else value}
    context.chat_data.pop("changing", None)
    await update.callback_query.answer()
    await show_results(update, context)


async def on_page(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 1000):
        raise render.StaleButton(value)
    page = int(value)
    await update.callback_query.answer()
    await show_results(update, context, page=page, edit=True)


async def on_change(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    chat = settings(update, context)
    lang = chat.lang or "de"
    catalogue = finder(context).catalogue()
    questions = {"age": lambda: render.age_question(lang),
                 "district": lambda: render.district_question(catalogue, lang),
                 "topic": lambda: render.topic_question(catalogue, lang, TOPIC_IDS)}
    if value not in questions:
        raise render.StaleButton(value)
    context.chat_data["changing"] = value != "topic"
    await update.callback_query.answer()
    text, markup = questions[value]()
    await update.effective_chat.send_message(text, reply_markup=markup)


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message that is not a command searches, with the saved age and district."""
    # An edited message is searched again like a new one.
    text = (update.effective_message.text or "")[:500]
    context.chat_data[LAST] = {"text": text, "topic": None}
    chat = settings(update, context)
    if chat.lang is None:
        chat.lang = "de"
    finder(context).store.save(chat)
    await show_results(update, context)


async def start_guided(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = settings(update, context).lang or "de"
    town = finder(context).catalogue().town
    await update.effective_chat.send_message(
        t(lang, "Hallo! Ich helfe Ihnen, Angebote für Ihre Familie in %(town)s zu finden. "
                "Sie können mir auch einfach schreiben, was Sie suchen.",
          town=wording.town_name(town, lang)))
    await ask_age(update, context)
