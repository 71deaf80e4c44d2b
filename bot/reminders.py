"""Reminders of an offer's next date: "Erinnere mich" lists the next dates, the family picks
one and gets a message the evening before (18:00 in the town's time zone) with the address,
the phone and the map button.

Stored is chat, offer and date (bot.storage.Reminders), deleted when sent, when the date is
past, when it no longer takes place, and by /forget. A build that removes the offer or
changes its schedule so that the date no longer takes place tells the family instead.

The loop reads the clock (the edge); everything below it is given `now`, so the tests move
the clock by passing another moment to `tick`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes

from bot import handover, render
from bot.common import Finder, finder, lang_of, settings
from bot.i18n import N_, t
from bot.storage import Reminder
from finder.model import Offer
from finder.model.words import date_lines, day_in_words, time_in_words

log = logging.getLogger("familienwegweiser.bot")
EVENING = dt.time(18, 0)
"""The evening before a date: when its reminder goes out, in the town's time zone."""
CHOICES = 3
TICK_SECONDS = 30.0
DAY = dt.timedelta(days=1)

GONE = N_("Das Angebot „%(name)s“ gibt es nicht mehr. An den Termin am %(day)s kann ich Sie "
          "deshalb nicht erinnern.")
GONE_UNNAMED = N_("Ein Angebot, an dessen Termin am %(day)s ich Sie erinnern sollte, gibt es "
                  "nicht mehr.")
MOVED = N_("„%(name)s“ findet am %(day)s nicht statt: Der Termin wurde geändert oder fällt aus. "
           "Ich erinnere Sie deshalb nicht daran.")


def due_at(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """When the reminder of a date goes out: the evening before, in the town's zone."""
    return dt.datetime.combine(day - DAY, EVENING, tzinfo=zone)


def session_on(offer: Offer, day: dt.date) -> tuple[dt.date, str, str] | None:
    """The offer's session on that day, if it still takes place then (the model's next
    dates: validity, public holidays and closures all count)."""
    first = offer.next_dates(day, 1)
    return first[0] if first and first[0][0] == day else None


def choices(offer: Offer, now: dt.datetime) -> list[tuple[dt.date, str, str]]:
    """The next dates whose evening before is still ahead (none for an offer whose hours
    are not sessions a family goes to, see Offer.has_sessions)."""
    if not offer.has_sessions:
        return []
    dates = offer.next_dates(now.date(), CHOICES + 2, now=now.time())
    return [d for d in dates if due_at(d[0], now.tzinfo) > now][:CHOICES]


def can_remind(offer: Offer, now: dt.datetime) -> bool:
    return bool(choices(offer, now))


def _day_code(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _parse(value: str) -> tuple[dt.date, str]:
    code, _, offer_id = value.partition(":")
    try:
        if len(code) != 8 or not code.isdigit():
            raise ValueError
        return dt.datetime.strptime(code, "%Y%m%d").date(), offer_id
    except ValueError:
        raise render.StaleButton(value) from None


def _offer(context: ContextTypes.DEFAULT_TYPE, offer_id: str) -> Offer:
    from bot.details import OFFER_ID

    offer = finder(context).catalogue().offer(offer_id) if OFFER_ID.match(offer_id) else None
    if offer is None:
        raise render.StaleButton(offer_id)
    return offer


# --- the family's buttons ---------------------------------------------------------------

async def on_remind(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """"Erinnere mich": the next dates to choose from."""
    offer = _offer(context, value)
    lang = lang_of(update, context)
    dates = choices(offer, finder(context).moment())
    await update.callback_query.answer()
    if not dates:
        await update.effective_chat.send_message(
            t(lang, "Für dieses Angebot gibt es gerade keinen Termin, an den ich Sie erinnern kann."))
        return
    rows = [[(line, render.data(render.REMIND_AT, f"{_day_code(day)}:{offer.id}"))]
            for line, (day, _, _) in zip(date_lines(dates, lang), dates, strict=True)]
    await update.effective_chat.send_message(
        t(lang, "An welchen Termin soll ich Sie erinnern? Ich schreibe Ihnen am Abend davor "
                "um %(time)s.", time=time_in_words(EVENING.strftime("%H:%M"), lang))
        + "\n" + offer.text("name", lang), reply_markup=render.keyboard(rows))


async def on_remind_at(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """A date picked: stored (chat, offer, date) and confirmed."""
    day, offer_id = _parse(value)
    offer = _offer(context, offer_id)
    f = finder(context)
    now = f.moment()
    session = session_on(offer, day)
    if session is None or due_at(day, now.tzinfo) <= now:
        raise render.StaleButton(value)
    lang = lang_of(update, context)
    chat = settings(update, context)
    chat.lang = lang  # the reminder comes in the language the family uses now
    f.store.save(chat)
    f.store.reminders.add(Reminder(chat.chat_id, offer.id, day))
    state_of(context).offers[offer.id] = offer
    await update.callback_query.answer()
    text = t(lang, "Gut. Am %(day)s um %(time)s erinnere ich Sie an „%(name)s“ (%(date)s).",
             day=day_in_words(day - DAY, lang), time=time_in_words(EVENING.strftime("%H:%M"), lang),
             name=offer.text("name", lang), date=date_lines([session], lang)[0])
    await update.effective_chat.send_message(text, reply_markup=render.keyboard(
        [[(t(lang, "Erinnerung löschen"), render.data(render.UNREMIND, value))]]))


async def on_unremind(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    day, offer_id = _parse(value)
    removed = finder(context).store.reminders.remove(
        Reminder(update.effective_chat.id, offer_id, day))
    await update.callback_query.answer()
    lang = lang_of(update, context)
    await update.effective_chat.send_message(
        t(lang, "Die Erinnerung ist gelöscht.") if removed
        else t(lang, "Diese Erinnerung gibt es nicht mehr."))


# --- the loop -----------------------------------------------------------------------------

@dataclass
class State:
    """What the loop remembers between ticks, in memory: the build it last checked the
    reminders against, and the offers reminded of (to name one a new build removed)."""

    build: object = None
    """The path of that build (not the catalogue: an old build is let go)."""
    offers: dict[str, Offer] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def state_of(app_or_context) -> State:
    return app_or_context.bot_data.setdefault("reminding", State())


async def tick(bot, f: Finder, state: State, now: dt.datetime) -> int:
    """One pass: after a new build, tell the families whose date is gone; send the
    reminders due at `now` (an aware moment in the town's zone); drop past ones; end old
    hand-over cases. Returns how many reminders went out."""
    async with state.lock:
        catalogue = f.catalogue()
        if state.build != catalogue.path:
            await _check_all(bot, f, state, catalogue)
            state.build = catalogue.path
        sent = 0
        for reminder in f.store.reminders.all(until=now.date() + DAY):
            if reminder.day <= now.date():
                f.store.reminders.remove(reminder)  # past: the evening before went by
                continue
            if now < due_at(reminder.day, now.tzinfo):
                continue
            # Deleted before it goes out: a reminder is sent at most once.
            f.store.reminders.remove(reminder)
            offer = catalogue.offer(reminder.offer_id)
            session = session_on(offer, reminder.day) if offer else None
            if session is None:
                await _tell_gone(bot, f, state, reminder, offer)
            else:
                sent += await _remind(bot, f, reminder, offer, session)
        await handover.expire(bot, f)
        return sent


async def _check_all(bot, f: Finder, state: State, catalogue) -> None:
    """Every stored reminder against a (new) build: a removed offer or a date that no longer
    takes place is told, and the reminder deleted."""
    reminders = f.store.reminders.all()
    offers = catalogue.offers_by_ids(sorted({r.offer_id for r in reminders}))
    for reminder in reminders:
        offer = offers.get(reminder.offer_id)
        if offer is not None and session_on(offer, reminder.day) is not None:
            continue
        await _tell_gone(bot, f, state, reminder, offer)
        f.store.reminders.remove(reminder)
    state.offers = {**state.offers, **offers}
    state.offers = {r.offer_id: state.offers[r.offer_id] for r in f.store.reminders.all()
                    if r.offer_id in state.offers}


async def _tell_gone(bot, f: Finder, state: State, reminder: Reminder, offer: Offer | None) -> None:
    lang = f.store.get(reminder.chat_id).lang or "de"
    day = day_in_words(reminder.day, lang)
    known = offer or state.offers.get(reminder.offer_id)
    markup = None
    if offer is not None:
        text = t(lang, MOVED, name=offer.text("name", lang), day=day)
        upcoming = offer.next_dates_in_words(reminder.day, lang)
        if upcoming:
            text += "\n" + t(lang, "Die nächsten Termine:") + "\n" + "\n".join(upcoming)
        markup = render.keyboard([[("🔔 " + t(lang, "Erinnere mich"),
                                    render.data(render.REMIND, offer.id))]]) \
            if render.fits_callback(render.REMIND_AT, f"20000101:{offer.id}") else None
    elif known is not None:
        text = t(lang, GONE, name=known.text("name", lang), day=day)
    else:
        text = t(lang, GONE_UNNAMED, day=day)
    await _send(bot, reminder.chat_id, text, markup)


async def _remind(bot, f: Finder, reminder: Reminder, offer: Offer, session) -> int:
    lang = f.store.get(reminder.chat_id).lang or "de"
    lines = [f"🔔 <b>{html.escape(t(lang, 'Erinnerung: morgen'))}</b> "
             + html.escape(date_lines([session], lang)[0]),
             f"<b>{html.escape(offer.text('name', lang))}</b>"]
    lines += ["📍 " + html.escape(", ".join(place.address_lines())) for place in offer.locations]
    if offer.phones:
        lines.append("☎️ " + html.escape(", ".join(offer.phones)))
    rows = []
    if offer.locations and offer.locations[0].located:
        rows.append([InlineKeyboardButton("📍 " + t(lang, "In der Karten-App öffnen"),
                                          callback_data=render.data(render.MAP, offer.id))])
    return await _send(bot, reminder.chat_id, "\n".join(lines),
                       InlineKeyboardMarkup(rows) if rows else None, html_text=True)


async def _send(bot, chat_id: int, text: str, markup, html_text: bool = False) -> int:
    try:
        await bot.send_message(chat_id, render.fit(text), reply_markup=markup,
                               parse_mode=ParseMode.HTML if html_text else None)
        return 1
    except Forbidden:
        log.info("a reminder could not be sent: the chat blocked the bot")
        return 0


async def loop(app: Application, every: float = TICK_SECONDS) -> None:
    """Tick every `every` seconds, reading the clock here, at the edge."""
    f: Finder = app.bot_data["finder"]
    state = state_of(app)
    while True:
        try:
            await tick(app.bot, f, state, f.moment())
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the loop must go on; the error is logged
            log.error("reminder pass failed: %s", type(error).__name__, exc_info=error)
        await asyncio.sleep(every)


def start(app: Application, every: float = TICK_SECONDS) -> asyncio.Task:
    """Start the loop beside the running application; stop() ends it."""
    task = asyncio.get_running_loop().create_task(loop(app, every))
    app.bot_data["reminder_loop"] = task
    return task


async def stop(app: Application) -> None:
    task = app.bot_data.pop("reminder_loop", None)
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
