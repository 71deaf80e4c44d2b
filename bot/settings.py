"""Language, help, privacy and forgetting."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import handover, render
from bot.common import WRITTEN, finder, lang_of, settings
from bot.i18n import LANGUAGES, t
from bot.storage import CASE_DAYS, EXPIRY_DAYS
from finder import wording


async def ask_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text, markup = render.language_question()
    await update.effective_chat.send_message(text, reply_markup=markup)


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    from bot.search_flow import ask_age

    if value not in LANGUAGES:
        raise render.StaleButton(value)
    chat = settings(update, context)
    chat.lang = value
    finder(context).store.save(chat)
    context.chat_data.pop(WRITTEN, None)
    await update.callback_query.answer()
    await update.effective_chat.send_message(t(value, "Ich schreibe Ihnen jetzt auf Deutsch."))
    if chat.age_group is None:
        await ask_age(update, context)


async def on_keep(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """The keep-language button: the language the family wrote in becomes the chat's."""
    if value not in LANGUAGES or value not in finder(context).catalogue().town.get(
            "languages", LANGUAGES):
        raise render.StaleButton(value)
    chat = settings(update, context)
    chat.lang = value
    finder(context).store.save(chat)
    context.chat_data.pop(WRITTEN, None)
    await update.callback_query.answer()
    await update.effective_chat.send_message(t(value, "Ich schreibe Ihnen jetzt auf Deutsch."))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = lang_of(update, context)
    await update.effective_chat.send_message(t(
        lang, "Schreiben Sie, was Sie suchen, zum Beispiel „Hebamme“ oder „Deutschkurs“. "
              "Mit /start wählen Sie Alter, Stadtteil und Thema. /language ändert die Sprache, "
              "/privacy erklärt, was wir speichern, /forget löscht alles. "
              "Im Notfall: /sos zeigt die Notrufnummern.") + "\n" + t(
        lang, "Mit einer Person aus der Beratung schreiben: /person"))


async def emergency_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sos: the national helplines, at any time."""
    lang = lang_of(update, context)
    lines = render.emergency_lines(finder(context).catalogue(), lang)
    await update.effective_chat.send_message(render.fit("\n".join(lines)), parse_mode="HTML")


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what the bot stores, exactly (the website's privacy page says the same)."""
    lang = lang_of(update, context)
    await update.effective_chat.send_message("\n\n".join(
        t(lang, line, days=EXPIRY_DAYS, case_days=CASE_DAYS) for line in wording.BOT_PRIVACY))


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = lang_of(update, context)
    await update.effective_chat.send_message(
        t(lang, "Sollen wir alles löschen, was wir über diesen Chat gespeichert haben?"),
        reply_markup=render.keyboard([[(t(lang, "Ja, löschen"), render.data(render.FORGET, "yes")),
                                       (t(lang, "Nein"), render.data(render.FORGET, "no"))]]))


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    lang = lang_of(update, context)
    if value not in ("yes", "no"):
        raise render.StaleButton(value)
    await update.callback_query.answer()
    if value == "yes":
        await handover.forget(update, context)
        finder(context).store.forget(update.effective_chat.id)
        context.chat_data.clear()
        await update.effective_chat.send_message(t(lang, "Erledigt. Alles ist gelöscht."))
    else:
        await update.effective_chat.send_message(t(lang, "Gut, nichts wurde gelöscht."))
