"""One offer: details, the map venue, deep links and inline sharing."""

from __future__ import annotations

import html
import re
import sqlite3

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import reminders, render
from bot.common import finder, lang_of, settings
from bot.i18n import N_, t
from finder import clock
from finder.referrals import ListError, Lists
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
    remind = reminders.can_remind(offer, finder(context).moment())
    text, markup = render.offer(catalogue, offer, lang, clock.today(), remind=remind)
    await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML,
                                             reply_markup=markup)


async def show_list(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """A referral list from a family centre's slip: its offers, each with a button.
    The family's language is the list's, unless the chat chose one itself."""
    chat_lang = settings(update, context).lang
    try:
        referral = Lists(finder(context).data_dir).load(code[:40], clock.today())
    except ListError as error:
        lang = chat_lang or "de"
        text = t(lang, LIST_GONE[error.reason])
        await update.effective_chat.send_message(text + "\n" + t(lang, "Selbst suchen: /start"))
        return
    except (OSError, sqlite3.Error):
        lang = chat_lang or "de"
        await update.effective_chat.send_message(
            t(lang, "Die Liste kann gerade nicht geöffnet werden. Bitte versuchen Sie es später "
                    "noch einmal."))
        return
    lang = chat_lang or referral.lang
    offers = finder(context).catalogue().offers_by_ids(list(referral.offer_ids))
    text, markup = render.referral_list([offers[i] for i in referral.offer_ids if i in offers],
                                        lang, len(referral.offer_ids))
    await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=markup)


LIST_GONE = {
    "expired": N_("Diese Liste ist abgelaufen. Listen aus dem Familienzentrum werden nach 30 Tagen "
                  "gelöscht. Fragen Sie dort gern nach einer neuen Liste."),
    "invalid": N_("Dieser Link stimmt nicht: Er ist unvollständig oder wurde verändert. Bitte scannen "
                  "Sie den QR-Code noch einmal."),
}


async def on_offer(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    await show_offer(update, context, value)


async def on_map(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    lang = lang_of(update, context)
    offer = finder(context).catalogue().offer(value) if OFFER_ID.match(value) else None
    if offer is None or not offer.locations or not offer.locations[0].located:
        raise render.StaleButton(value)
    await update.callback_query.answer()
    place = offer.locations[0]
    await update.effective_chat.send_venue(
        latitude=place.latitude, longitude=place.longitude,
        title=render.fit(offer.text("name", lang), 200),
        address=f"{place.address_1}, {place.postal_code} {place.city}")


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot Hebamme in any chat: offers to share, each with a link that opens the bot."""
    query = update.inline_query
    lang = lang_of(update, context)
    found = finder(context).catalogue().search(
        Query.from_params({"q": query.query[:200]}, lang=lang, page_size=10), clock.today())
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
