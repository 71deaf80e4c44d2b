"""The guided search (age, district, topic), free text and paging."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import handover, render
from bot.common import LAST, WRITTEN, finder, lang_of, settings
from bot.i18n import t
from finder import clock, wording
from finder.coordinator import demand
from finder.model import TOPIC_IDS
from finder.search import Query, QueryError
from finder.search.analysis import fold
from finder.search.query import RADII_KM


def build_query(chat, lang: str, text: str = "", topic: str | None = None,
                page: int = 1, districts=None, radius: int | None = None) -> Query:
    """The chat's choices as the shared search parameters (finder.search.Query)."""
    _, years = render.AGE_GROUPS.get(chat.age_group or "", ("", ()))
    params = {"q": text, "age": [str(y) for y in years],
              "expecting": "1" if chat.age_group == "exp" else "",
              "district": chat.district or "", "topic": [topic] if topic else [],
              "radius_km": str(radius) if radius and chat.district else "",
              "page": str(page)}
    return Query.from_params(params, lang=lang, districts=districts, page_size=render.PAGE_SIZE)


async def show_results(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int = 1,
                       edit: bool = False) -> None:
    chat = settings(update, context)
    lang = lang_of(update, context)
    last = context.chat_data.get(LAST, {})
    catalogue = finder(context).catalogue()
    today = clock.today()
    try:
        found = catalogue.search(build_query(chat, lang, last.get("text", ""),
                                             last.get("topic"), page, catalogue.districts,
                                             last.get("radius")), today)
    except QueryError as error:
        if error.parameter != "district":
            raise
        # A district the catalogue no longer has: search the whole town, and forget it.
        chat.district = None
        finder(context).store.save(chat)
        found = catalogue.search(build_query(chat, lang, last.get("text", ""),
                                             last.get("topic"), page), today)
    demand.record(found.query, found, today, finder(context).data_dir)
    # The language the family wrote in, when the chat's saved one is another: offered to keep.
    keep = context.chat_data.get(WRITTEN)
    person = handover.available(context) and (found.emergency or render.nothing_fits(found))
    text, markup = render.results(catalogue, found, lang, today, keep=keep, person=person)
    if edit and update.callback_query and update.callback_query.message:
        await update.callback_query.edit_message_text(text, parse_mode=ParseMode.HTML,
                                                      reply_markup=markup)
    else:
        await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML,
                                                 reply_markup=markup)


async def ask_age(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text, markup = render.age_question(lang_of(update, context))
    await update.effective_chat.send_message(text, reply_markup=markup)


async def on_age(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    chat = settings(update, context)
    if value not in render.AGE_GROUPS:
        raise render.StaleButton(value)
    chat.age_group = value
    await _saved_then(update, context, chat, lambda: render.district_question(
        finder(context).catalogue(), lang_of(update, context)))


async def on_district(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    chat = settings(update, context)
    catalogue = finder(context).catalogue()
    opened = value.removeprefix(render.OPEN)
    if value != "all" and opened not in catalogue.places:
        raise render.StaleButton(value)
    if value.startswith(render.OPEN):
        # A place with parts: the whole place, or one of its parts.
        await update.callback_query.answer()
        text, markup = render.district_question(catalogue, chat.lang or "de", within=opened)
        await update.effective_chat.send_message(text, reply_markup=markup)
        return
    chat.district = None if value == "all" else value
    await _saved_then(update, context, chat, lambda: render.topic_question(
        catalogue, lang_of(update, context), TOPIC_IDS))


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


async def on_radius(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """How far the family would travel: kept with the current search, in memory only."""
    if value != "all" and not (value.isascii() and value.isdigit()
                               and int(value) in RADII_KM):
        raise render.StaleButton(value)
    context.chat_data.setdefault(LAST, {"text": "", "topic": None})["radius"] = \
        None if value == "all" else int(value)
    context.chat_data.pop("changing", None)
    await update.callback_query.answer()
    await show_results(update, context)


async def on_topic(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    if value != "all" and value not in TOPIC_IDS:
        raise render.StaleButton(value)
    radius = context.chat_data.get(LAST, {}).get("radius")
    context.chat_data[LAST] = {"text": "", "topic": None if value == "all" else value,
                               "radius": radius}
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
    lang = lang_of(update, context)
    catalogue = finder(context).catalogue()
    questions = {"age": lambda: render.age_question(lang),
                 "district": lambda: render.district_question(catalogue, lang),
                 "topic": lambda: render.topic_question(catalogue, lang, TOPIC_IDS),
                 "radius": lambda: render.radius_question(lang)}
    if value not in questions:
        raise render.StaleButton(value)
    context.chat_data["changing"] = value not in ("topic", "radius")
    await update.callback_query.answer()
    text, markup = questions[value]()
    await update.effective_chat.send_message(text, reply_markup=markup)


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message that is not a command searches, with the saved age and district, in the
    language the family writes; while a hand-over is open, it goes to the person instead."""
    # An edited message is searched again like a new one.
    text = (update.effective_message.text or "")[:500]
    if await handover.relay(update, context, text):
        return
    chat = settings(update, context)
    if chat.lang is None:
        chat.lang = "de"
    catalogue = finder(context).catalogue()
    district = catalogue.engine.vocabulary.districts.get(fold(text.strip()))
    if district is not None and district in catalogue.districts:
        # Only a district's name: the family answers "where do you live?" by typing it.
        await choose_district(update, context, chat, district)
        return
    radius = context.chat_data.get(LAST, {}).get("radius")
    context.chat_data[LAST] = {"text": text, "topic": None, "radius": radius}
    note_language(context, catalogue, text, chat.lang, lang_of(update, context))
    finder(context).store.save(chat)
    await show_results(update, context)


def note_language(context: ContextTypes.DEFAULT_TYPE, catalogue, text: str, saved: str,
                  current: str) -> None:
    """The language of the conversation follows the one the family clearly writes in
    (finder.search.language); a short or ambiguous message keeps the current one."""
    written = catalogue.language_of(text, current)
    if written is None:
        return
    if written == saved:
        context.chat_data.pop(WRITTEN, None)
    else:
        context.chat_data[WRITTEN] = written


async def choose_district(update: Update, context: ContextTypes.DEFAULT_TYPE, chat,
                          district: str) -> None:
    """A district chosen by its name or a shared location: saved, said, and then the
    results again (or the next question of the guided search)."""
    catalogue = finder(context).catalogue()
    lang = lang_of(update, context)
    chat.district = district
    finder(context).store.save(chat)
    await update.effective_chat.send_message(
        "📍 " + t(lang, "Stadtteil: %(district)s. Angebote dort zeige ich zuerst.",
                  district=catalogue.districts[district]["name"]))
    context.chat_data.pop("changing", None)
    if context.chat_data.get(LAST):
        await show_results(update, context)
        return
    text, markup = render.topic_question(catalogue, lang, TOPIC_IDS)
    await update.effective_chat.send_message(text, reply_markup=markup)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location picks the district it lies in (the point itself is not kept)."""
    place = update.effective_message.location
    catalogue = finder(context).catalogue()
    district = catalogue.district_at(place.latitude, place.longitude)
    chat = settings(update, context)
    if district is None:
        lang = lang_of(update, context)
        text, markup = render.district_question(catalogue, lang)
        await update.effective_chat.send_message(
            t(lang, "Dieser Ort liegt nicht in %(town)s.",
              town=wording.town_name(catalogue.town, lang)) + "\n" + text, reply_markup=markup)
        return
    await choose_district(update, context, chat, district)


async def start_guided(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = lang_of(update, context)
    town = finder(context).catalogue().town
    await update.effective_chat.send_message(
        t(lang, "Hallo! Ich helfe Ihnen, Angebote für Ihre Familie in %(town)s zu finden. "
                "Sie können mir auch einfach schreiben, was Sie suchen.",
          town=wording.town_name(town, lang)))
    await ask_age(update, context)
