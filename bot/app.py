"""The Telegram bot: the Application, its handlers, and how it runs.

The bot is a second front end on finder.search: handlers turn updates into a
Query and Results into messages. Every request to the Bot API goes through
RetryingLimiter, which waits out RetryAfter and retries network errors.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from telegram import Bot, BotCommand, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import details, handover, reminders, render, search_flow, settings
from bot.common import Finder, is_staff, lang_of
from bot.common import settings as chat_settings
from bot.i18n import t
from bot.storage import ChatStore

log = logging.getLogger("familienwegweiser.bot")
DEFAULT_API_URL = "https://api.telegram.org/bot"
RETRIES = 4


class RetryingLimiter(BaseRateLimiter):
    """Retries every Bot API call after RetryAfter (as long as Telegram asks) and
    after network errors (with growing pauses)."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        for attempt in range(RETRIES + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == RETRIES:
                    raise
                delay = error.retry_after
                await asyncio.sleep(delay.total_seconds() if hasattr(delay, "total_seconds")
                                    else float(delay))
            except (TimedOut, NetworkError) as error:
                # BadRequest is a NetworkError in python-telegram-bot; retrying will not help.
                if isinstance(error, BadRequest) or attempt == RETRIES or endpoint == "getUpdates":
                    raise
                await asyncio.sleep(0.2 * 2 ** attempt)
        return None


CALLBACKS = {
    render.AGE: search_flow.on_age,
    render.DISTRICT: search_flow.on_district,
    render.TOPIC: search_flow.on_topic,
    render.PAGE: search_flow.on_page,
    render.CHANGE: search_flow.on_change,
    render.RADIUS: search_flow.on_radius,
    render.OFFER: details.on_offer,
    render.MAP: details.on_map,
    render.WRONG: details.on_wrong,
    render.REPORTED: details.on_reported,
    render.CALL: details.on_call,
    render.HOURS: details.on_hours,
    render.LANG: settings.on_language,
    render.FORGET: settings.on_forget,
    render.KEEP: settings.on_keep,
    render.PERSON: handover.on_person,
    render.REMIND: reminders.on_remind,
    render.REMIND_AT: reminders.on_remind_at,
    render.UNREMIND: reminders.on_unremind,
}


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button. Unknown, stale or forged data gets a polite answer."""
    query = update.callback_query
    prefix, _, value = (query.data or "").partition(":")
    handler = CALLBACKS.get(prefix)
    if query.message is None:
        # A button under a message sent in inline mode lives in someone else's chat: we
        # cannot write there, so we say how to open the offer.
        await query.answer(t(lang_of(update, context),
                             "Bitte öffnen Sie den Chat mit uns und tippen Sie /start."))
        return
    if is_staff(update, context):
        await handover.on_staff_button(update, context, query.data or "")
        return
    try:
        if handler is None:
            raise render.StaleButton(prefix)
        await handler(update, context, value)
    except render.StaleButton:
        await query.answer(t(lang_of(update, context),
                             "Dieser Knopf ist nicht mehr gültig. Bitte /start."))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start; /start offer_<id> and /start list_<code> from a QR code or a shared link."""
    payload = context.args[0] if context.args else ""
    chat = chat_settings(update, context)
    if payload.startswith("offer_"):
        await details.show_offer(update, context, payload[len("offer_"):])
        return
    if payload.startswith("list_"):
        await details.show_list(update, context, payload[len("list_"):])
        return
    if chat.lang is None:
        await settings.ask_language(update, context)
        return
    await search_flow.start_guided(update, context)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what went wrong without anything that identifies a family."""
    error = context.error
    if isinstance(error, Forbidden):
        log.info("a chat blocked the bot or was deleted; nothing to do")
        return
    log.error("update failed: %s", type(error).__name__, exc_info=error)
    # The family is not left waiting: a button gets its answer, a chat one line.
    if isinstance(update, Update):
        try:
            text = t(lang_of(update, context),
                     "Das hat leider nicht geklappt. Bitte versuchen Sie es noch einmal: /start")
            if update.callback_query:
                await update.callback_query.answer(text)
            elif update.effective_chat:
                await update.effective_chat.send_message(text)
        except Exception:  # noqa: BLE001 - the error is logged already; nothing more to do
            log.info("could not tell the chat about the failed update")


def build(token: str, data_dir: Path, chats_db: Path, api_url: str = DEFAULT_API_URL,
          concurrent: int = 32, staff_chat: int | None = None) -> Application:
    """The Application with every handler, talking to the Bot API at api_url; staff_chat is
    the Telegram group of the town's staff that /person hands families over to."""
    app = (ApplicationBuilder().token(token).base_url(api_url)
           .rate_limiter(RetryingLimiter()).concurrent_updates(concurrent)
           .post_init(_post_init).post_stop(reminders.stop).post_shutdown(_post_shutdown)
           .build())
    app.bot_data["finder"] = Finder(Path(data_dir), ChatStore(Path(chats_db)), staff_chat)
    # The staff chat: replies to the bot's case messages go to the family; nothing else
    # said there is a family's question.
    staff = filters.Chat(chat_id=staff_chat) if staff_chat is not None else None
    family = ~staff if staff is not None else filters.ALL
    if staff is not None:
        app.add_handler(MessageHandler(staff & filters.REPLY & filters.TEXT & ~filters.COMMAND
                                       & filters.UpdateType.MESSAGE, handover.staff_reply))
    commands = {"start": start, "language": settings.ask_language, "help": settings.help_command,
                "privacy": settings.privacy_command, "forget": settings.forget_command,
                "sos": settings.emergency_command, "person": handover.person_command}
    for name, handler in commands.items():
        app.add_handler(CommandHandler(name, handler, filters=family))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(InlineQueryHandler(details.inline_query))
    # Messages and edited messages of people; posts in channels the bot was added to
    # are not questions and get no answer.
    people = (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE) & family
    app.add_handler(MessageHandler(people & filters.TEXT & ~filters.COMMAND,
                                   search_flow.free_text))
    # A shared location, once (a live location's updates come as edited messages).
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & family & filters.LOCATION,
                                   search_flow.on_location))
    app.add_handler(MessageHandler(people & filters.COMMAND, settings.help_command))
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application) -> None:
    await app.bot.set_my_commands([
        BotCommand("start", "Suche starten"), BotCommand("language", "Sprache / Language"),
        BotCommand("person", "Mit einer Person schreiben"),
        BotCommand("help", "Hilfe"), BotCommand("privacy", "Datenschutz"),
        BotCommand("forget", "Meine Daten löschen"),
    ])
    reminders.start(app)
    await warm(app)


async def warm(app: Application) -> None:
    """The catalogue opened and the needs' postings read before the first family writes
    (in a thread: at 100,000 offers it takes seconds)."""
    from finder import clock
    from finder.catalogue.live import warm as warm_catalogue

    await asyncio.to_thread(warm_catalogue, app.bot_data["finder"].data_dir, clock.today())


async def _post_shutdown(app: Application) -> None:
    app.bot_data["finder"].store.close()


def staff_chat_id(value: str) -> int | None:
    """TELEGRAM_STAFF_CHAT_ID: the staff group's chat id (a negative number, as Telegram
    gives it for groups), or None when it is not set (then /person gives phone numbers)."""
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number == 0:
        raise ValueError(f"TELEGRAM_STAFF_CHAT_ID must be the staff group's chat id, a number "
                         f"like -1001234567890, not {value!r}")
    return number


async def check_token(token: str, api_url: str) -> None:
    """Ask the Bot API who we are; raises InvalidToken for a rejected token."""
    async with Bot(token, base_url=api_url):
        return None


def run(app: Application, webhook_url: str | None = None, listen: str = "127.0.0.1",
        port: int = 8443, **kwargs: Any) -> None:
    """Long polling by default; a webhook when webhook_url is given."""
    if webhook_url:
        app.run_webhook(listen=listen, port=port, webhook_url=webhook_url,
                        allowed_updates=Update.ALL_TYPES, **kwargs)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, **kwargs)
