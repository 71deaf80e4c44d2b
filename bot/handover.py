"""Hand-over to a person: with the family's consent, its question goes to the town's staff
chat (a Telegram group, TELEGRAM_STAFF_CHAT_ID) under a short case number, without the
family's name, user name or phone; a staff member's reply to that message comes back to
the family in the bot; either side ends it. Outside the staff's hours (town.yaml) the
family is told when someone will answer and which numbers answer now.

Stored is only the case number and its chat (bot.storage.Cases), until the case ends,
14 days at most. What the staff chat reads is German: the staff are the town's.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re

from babel import Locale
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot import render
from bot.common import LAST, finder, lang_of, settings
from bot.i18n import N_, t
from bot.storage import CASE_DAYS
from finder.model import Schedule
from finder.model.schedule import next_dates
from finder.model.words import day_in_words, time_in_words

log = logging.getLogger("familienwegweiser.bot")
CASE = re.compile(r"\bFall (\d{4,8})\b")
"""How the bot names a case in the staff chat; a staff member's reply is matched by it."""
PENDING = "handover_pending"
"""chat_data key: the case was opened without a question; the next message is it."""

CONSENT = N_("Möchten Sie mit einer Person aus der Beratung schreiben? Wir geben Ihre Frage "
             "weiter – nur mit einer Fallnummer, ohne Ihren Namen, Benutzernamen oder Ihre "
             "Telefonnummer. Die Antwort kommt hier in diesem Chat. Sie können das Gespräch "
             "jederzeit beenden.")
IN_HOURS = N_("Gerade ist jemand da und antwortet Ihnen hier im Chat.")
OUT_OF_HOURS = N_("Gerade ist niemand da. Jemand antwortet Ihnen am %(day)s ab %(time)s.")
NOBODY = N_("Gerade ist niemand da.")
CALL_NOW = N_("Wenn Sie jetzt mit jemandem sprechen möchten, rufen Sie an:")
ENDED = N_("Das Gespräch ist beendet. Mit /person können Sie jederzeit wieder schreiben.")


# --- the staff's hours ------------------------------------------------------------------

def staff_hours(catalogue, now: dt.datetime) -> tuple[bool, tuple[dt.date, str, str] | None]:
    """Whether someone reads the staff chat now, and the next (or current) staff session:
    the staff's schedules read like an offer's, never on the Land's public holidays."""
    staff = catalogue.town.get("staff") or {}
    schedules = [Schedule.from_record(s) for s in staff.get("schedules", [])]
    upcoming = next_dates(schedules, now.date(), 1, holidays=catalogue.holidays,
                          now=now.time())
    if not upcoming:
        return False, None
    day, opens, _closes = upcoming[0]
    return day == now.date() and opens <= now.strftime("%H:%M"), upcoming[0]


def availability(catalogue, lang: str, now: dt.datetime) -> list[str]:
    """When someone answers, and, outside the hours, the numbers that answer now (HTML)."""
    open_now, upcoming = staff_hours(catalogue, now)
    staff = catalogue.town.get("staff") or {}
    phones = ", ".join(staff.get("phones", []))
    if open_now:
        lines = [html.escape(t(lang, IN_HOURS))]
        if phones:
            lines.append("☎️ " + html.escape(phones))
        return lines
    if upcoming is None:
        lines = [html.escape(t(lang, NOBODY))]
    else:
        day, opens, _closes = upcoming
        lines = [html.escape(t(lang, OUT_OF_HOURS, day=day_in_words(day, lang),
                               time=time_in_words(opens, lang)))]
    return [*lines, "", html.escape(t(lang, CALL_NOW)), *render.helpline_lines(catalogue, lang)]


def staff_name(catalogue, lang: str) -> str:
    names = (catalogue.town.get("staff") or {}).get("name") or {}
    return names.get(lang) or names.get("de") or ""


def available(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether families can be handed over here: a staff chat and the town's staff hours."""
    f = finder(context)
    return f.staff_chat is not None and bool(f.catalogue().town.get("staff"))


# --- the family's side ------------------------------------------------------------------

async def person_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/person: ask for consent to hand the question over."""
    await offer(update, context)


async def offer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = lang_of(update, context)
    f = finder(context)
    catalogue = f.catalogue()
    chat_id = update.effective_chat.id
    if not available(context):
        staff = catalogue.town.get("staff") or {}
        lines = [html.escape(t(lang, "Über diesen Chat erreichen Sie gerade keine Person. "
                                     "Bitte rufen Sie an:"))]
        lines += ["☎️ " + html.escape(p) for p in staff.get("phones", [])]
        lines += render.helpline_lines(catalogue, lang)
        await update.effective_chat.send_message("\n".join(lines), parse_mode=ParseMode.HTML)
        return
    case = f.store.cases.of_chat(chat_id)
    if case:
        await update.effective_chat.send_message(
            t(lang, "Sie schreiben schon mit einer Person aus der Beratung (Fall %(case)s). "
                    "Schreiben Sie einfach hier.", case=case), reply_markup=end_keyboard(lang))
        return
    lines = [f"🙋 <b>{html.escape(staff_name(catalogue, lang))}</b>", html.escape(t(lang, CONSENT))]
    question = (context.chat_data.get(LAST) or {}).get("text")
    if question:
        lines.append(html.escape(t(lang, "Ihre Frage: „%(question)s“", question=question)))
    lines += ["", *availability(catalogue, lang, f.moment())]
    markup = render.keyboard([[(t(lang, "Ja, weitergeben"), render.data(render.PERSON, "yes")),
                               (t(lang, "Nein"), render.data(render.PERSON, "no"))]])
    await update.effective_chat.send_message(render.fit("\n".join(lines)), parse_mode=ParseMode.HTML,
                                             reply_markup=markup)


def end_keyboard(lang: str):
    return render.keyboard([[(t(lang, "Gespräch beenden"), render.data(render.PERSON, "end"))]])


async def on_person(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """The family's buttons: ask, yes (consent), no, end."""
    actions = {"ask": _ask, "yes": _consent, "no": _decline, "end": _end_by_family}
    if value not in actions:
        raise render.StaleButton(value)
    await update.callback_query.answer()
    await actions[value](update, context)


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await offer(update, context)


async def _decline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_message(
        t(lang_of(update, context), "Gut, nichts wurde weitergegeben."))


async def _consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not available(context):
        raise render.StaleButton("h:yes")
    f = finder(context)
    lang = lang_of(update, context)
    chat = settings(update, context)
    # The staff's answers and the notices about the case reach the family in the language
    # it writes in: that is its language now (a chat setting, as /privacy says).
    chat.lang = lang
    f.store.save(chat)
    case = f.store.cases.open(chat.chat_id)
    question = (context.chat_data.get(LAST) or {}).get("text")
    if question:
        await to_staff(context, case, lang, question, first=True)
        text = t(lang, "Ihre Frage ist weitergegeben (Fall %(case)s).", case=case) + " " + t(
            lang, "Alles, was Sie hier schreiben, geht an die Beratung, bis das Gespräch "
                  "beendet ist.")
    else:
        context.chat_data[PENDING] = True
        text = t(lang, "Schreiben Sie jetzt Ihre Frage (Fall %(case)s). Alles, was Sie hier "
                       "schreiben, geht an die Beratung, bis das Gespräch beendet ist.", case=case)
    lines = [html.escape(text), "", *availability(f.catalogue(), lang, f.moment())]
    await update.effective_chat.send_message(render.fit("\n".join(lines)), parse_mode=ParseMode.HTML,
                                             reply_markup=end_keyboard(lang))


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """A family's message while its case is open goes to the staff chat (and not to the
    search). True when it went."""
    f = finder(context)
    if f.staff_chat is None:
        return False
    case = f.store.cases.of_chat(update.effective_chat.id)
    if case is None:
        return False
    first = context.chat_data.pop(PENDING, False)
    await to_staff(context, case, lang_of(update, context), text, first=first)
    if first:
        lang = lang_of(update, context)
        await update.effective_chat.send_message(
            t(lang, "Weitergegeben (Fall %(case)s).", case=case), reply_markup=end_keyboard(lang))
    return True


async def _end_by_family(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    f = finder(context)
    case = f.store.cases.of_chat(update.effective_chat.id)
    context.chat_data.pop(PENDING, None)
    if case is not None:
        f.store.cases.close(case)
        await to_staff_plain(context, f"Fall {case}: Die Familie hat das Gespräch beendet.")
    await update.effective_chat.send_message(t(lang_of(update, context), ENDED))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: the staff learn that the family ended the case (the store deletes it)."""
    case = finder(context).store.cases.of_chat(update.effective_chat.id)
    if case is not None:
        await to_staff_plain(context, f"Fall {case}: Die Familie hat das Gespräch beendet und "
                                      "ihre Daten gelöscht.")


# --- the staff's side -------------------------------------------------------------------

def _language_name(lang: str) -> str:
    return Locale.parse("de").languages.get(lang, lang)


async def to_staff(context: ContextTypes.DEFAULT_TYPE, case: str, lang: str, text: str,
                   first: bool = False) -> None:
    """A family's words to the staff chat: the case number, the language, the text –
    nothing else about the family."""
    body = html.escape(text[:3000])
    if first:
        message = (f"📨 <b>Fall {case}</b> · Sprache: {html.escape(_language_name(lang))}\n\n{body}\n\n"
                   "↩️ Antworten Sie auf diese Nachricht: Die Antwort geht an die Familie. "
                   "Sie sieht keinen Namen, nur den Namen der Beratungsstelle.")
        markup = render.keyboard([[(f"Fall {case} beenden",
                                    render.data(render.PERSON, f"close:{case}"))]])
    else:
        message, markup = f"📨 <b>Fall {case}</b>\n{body}", None
    await context.bot.send_message(finder(context).staff_chat, message, parse_mode=ParseMode.HTML,
                                   reply_markup=markup)


async def to_staff_plain(context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    staff = finder(context).staff_chat
    if staff is not None:
        await context.bot.send_message(staff, text)


async def staff_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff member's reply to one of the bot's case messages goes to the family."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return  # the staff talking among themselves
    match = CASE.search(replied.text or "")
    if match is None:
        return
    case = match.group(1)
    f = finder(context)
    chat_id = f.store.cases.chat_of(case)
    if chat_id is None:
        await message.reply_text(f"Fall {case} ist beendet. Ihre Nachricht wurde nicht "
                                 "weitergegeben.")
        return
    lang = f.store.get(chat_id).lang or "de"
    catalogue = f.catalogue()
    text = f"💬 <b>{html.escape(staff_name(catalogue, lang))}</b>\n{html.escape(message.text or '')}"
    try:
        await context.bot.send_message(chat_id, render.fit(text), parse_mode=ParseMode.HTML,
                                       reply_markup=end_keyboard(lang))
    except Forbidden:
        f.store.cases.close(case)
        await message.reply_text(f"Fall {case}: Die Familie ist nicht mehr erreichbar (Chat "
                                 "gelöscht oder gesperrt). Der Fall ist beendet.")


async def on_staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE, data: str) -> None:
    """The staff's button under a case: end it."""
    prefix, _, value = data.partition(":")
    number = value.partition(":")[2] if value.startswith("close:") else ""
    if prefix != render.PERSON or not number.isdigit():
        await update.callback_query.answer("Dieser Knopf ist nicht mehr gültig.")
        return
    f = finder(context)
    chat_id = f.store.cases.close(number)
    await update.callback_query.answer()
    if chat_id is None:
        await to_staff_plain(context, f"Fall {number} war schon beendet.")
        return
    lang = f.store.get(chat_id).lang or "de"
    try:
        await context.bot.send_message(chat_id, t(lang, "Die Beratung hat das Gespräch beendet. "
                                                        "Mit /person können Sie jederzeit wieder "
                                                        "schreiben."))
    except Forbidden:
        log.info("a family ended by the staff could not be told: it blocked the bot")
    await to_staff_plain(context, f"Fall {number} ist beendet. Die Familie ist informiert.")


async def expire(bot, f) -> None:
    """End the cases older than CASE_DAYS and tell both sides (the reminder loop calls this)."""
    for number, chat_id in f.store.cases.expire():
        lang = f.store.get(chat_id).lang or "de"
        for target, text in ((chat_id, t(lang, "Ihr Gespräch (Fall %(case)s) ist nach %(days)d "
                                                "Tagen beendet. Mit /person können Sie jederzeit "
                                                "wieder schreiben.", case=number, days=CASE_DAYS)),
                             (f.staff_chat, f"Fall {number}: nach {CASE_DAYS} Tagen beendet.")):
            if target is None:
                continue
            try:
                await bot.send_message(target, text)
            except Forbidden:
                log.info("an ended case could not be told: the chat blocked the bot")
