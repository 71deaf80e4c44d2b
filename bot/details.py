"""One offer: details, the map venue, deep links and inline sharing."""

from __future__ import annotations

import html
import logging
import re
import sqlite3
import time

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
from finder import clock, wording
from finder.coordinator.proposals import REASONS, report
from finder.referrals import ListError, Lists
from finder.search import Query

OFFER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
log = logging.getLogger("familienwegweiser.bot")


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


REPORTS_PER_CHAT_AN_HOUR = 5
"""Reports a chat may send in an hour; counted in memory only, never stored."""


async def on_wrong(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """The offer card's "Stimmt etwas nicht?": the short choice of reasons."""
    lang = lang_of(update, context)
    offer = finder(context).catalogue().offer(value) if OFFER_ID.match(value) else None
    if offer is None:
        raise render.StaleButton(value)
    await update.callback_query.answer()
    text, markup = render.report_choice(offer, lang)
    await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_reported(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """A reason chosen: the report is kept with the offer, the reason and the day, and
    nothing about the chat."""
    lang = lang_of(update, context)
    index, offer_id = value[:1], value[1:]
    reasons = list(REASONS)
    offer = finder(context).catalogue().offer(offer_id) if OFFER_ID.match(offer_id) else None
    if offer is None or not index.isdigit() or int(index) >= len(reasons):
        raise render.StaleButton(value)
    await update.callback_query.answer()
    if not _may_report(context, update.effective_chat.id):
        await update.effective_chat.send_message(t(lang, "Sie haben gerade schon mehrere "
                                                         "Hinweise geschickt. Danke! Bitte "
                                                         "versuchen Sie es später noch einmal."))
        return
    try:
        report(finder(context).data_dir, offer.id, reasons[int(index)], "", clock.today())
    except (OSError, sqlite3.Error) as error:
        log.warning("report not kept: %s", type(error).__name__)
        await update.effective_chat.send_message(t(lang, "Ihr Hinweis konnte gerade nicht "
                                                         "gespeichert werden. Bitte versuchen "
                                                         "Sie es später noch einmal."))
        return
    await update.effective_chat.send_message(t(lang, wording.REPORT_THANKS))


def _may_report(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
    now = time.monotonic()
    counts = context.bot_data.setdefault("reports_per_chat", {})
    recent = [at for at in counts.get(chat_id, []) if now - at < 3600]
    if len(recent) >= REPORTS_PER_CHAT_AN_HOUR:
        counts[chat_id] = recent
        return False
    counts[chat_id] = [*recent, now]
    return True


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


def _first_contact(context: ContextTypes.DEFAULT_TYPE, value: str):
    offer = finder(context).catalogue().offer(value) if OFFER_ID.match(value) else None
    if offer is None or not offer.phones:
        raise render.StaleButton(value)
    return offer


async def on_call(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """A first-contact place's phone as a contact card: one tap on it calls."""
    lang = lang_of(update, context)
    offer = _first_contact(context, value)
    await update.callback_query.answer()
    await update.effective_chat.send_contact(phone_number=offer.phones[0],
                                             first_name=render.fit(offer.text("name", lang), 64))


async def on_hours(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """A first-contact place's opening hours, shown at once over the chat."""
    lang = lang_of(update, context)
    offer = _first_contact(context, value)
    when = render.hours(offer, lang, clock.today()) or [t(lang, "Termine nach Vereinbarung.")]
    text = f"{offer.text('name', lang)}: {'; '.join(when)}"
    await update.callback_query.answer(render.fit(text, 200), show_alert=True)


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
