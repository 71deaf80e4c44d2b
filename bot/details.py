"""One offer: details, the map venue, deep links and inline sharing."""

from __future__ import annotations

import html
import re
from functools import partial

from babel import Locale
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import render
from bot.common import finder, lang_of
from bot.i18n import t
from finder import wording
from finder.search import Query

OFFER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


async def show_offer(update: Update, context: ContextTypes.DEFAULT_TYPE, offer_id: str) -> None:
    lang = lang_of(update, context)
    catalogue = finder(context).catalogue()
    offer = catalogue.offer(offer_id) if OFFER_ID.match(offer_id) else None
    if update.callback_query:
        await update.callback_query.answer()
    if offer is None:
        await update.effective_chat.send_message(
            t(lang, "Dieses Angebot gibt es nicht mehr. Bitte suchen Sie neu: /start"))
        return
    names = [Locale.parse(lang).languages.get(code, code) for code in offer["languages"]]
    lines = wording.schedule_lines(offer, lang, partial(t, lang))
    text, markup = render.offer(catalogue, offer, lang, lines, names)
    await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML,
                                             reply_markup=markup)


async def on_offer(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    await show_offer(update, context, value)


async def on_map(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    lang = lang_of(update, context)
    offer = finder(context).catalogue().offer(value) if OFFER_ID.match(value) else None
    if offer is None or not offer["locations"]:
        await update.callback_query.answer(t(lang, "Dieser Knopf ist nicht mehr gültig."))
        return
    await update.callback_query.answer()
    place = offer["locations"][0]
    await update.effective_chat.send_venue(
        latitude=place["latitude"], longitude=place["longitude"],
        title=render.fit(offer["translations"].get(lang, {}).get("name") or offer["name"], 200),
        address=f"{place['address_1']}, {place['postal_code']} {place['city']}")


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot Hebamme in any chat: offers to share, each with a link that opens the bot."""
    query = update.inline_query
    lang = lang_of(update, context)
    found = finder(context).catalogue().search(Query(text=query.query[:200], lang=lang,
                                                     page_size=10))
    username = context.bot.username
    results = []
    for hit in found.hits:
        link = f"https://t.me/{username}?start=offer_{hit.id}"
        results.append(InlineQueryResultArticle(
            id=hit.id[:64], title=render.fit(hit.title, 200),
            description=render.fit(hit.summary, 300),
            input_message_content=InputTextMessageContent(
                f"<b>{html.escape(hit.title)}</b>\n{html.escape(hit.summary)}",
                parse_mode=ParseMode.HTML),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
                t(lang, "Im Familienwegweiser öffnen"), url=link)]]),
        ))
    await query.answer(results, cache_time=60, is_personal=False)
