"""What every handler needs: the live catalogue, the chat's settings and language, the
clock, safe sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import pick
from bot.storage import ChatSettings, ChatStore
from finder import clock
from finder.catalogue import Catalogue, live
from finder.content.town import DEFAULT_TIME_ZONE

LAST = "last_search"
"""chat_data key: the current search's text, topic and radius, kept in memory only."""
WRITTEN = "written"
"""chat_data key: the language the family last clearly wrote in, when it is not the chat's
saved one. Kept in memory only; the family saves it with the keep-language button."""


@dataclass
class Finder:
    data_dir: Path
    store: ChatStore
    staff_chat: int | None = None
    """The Telegram group of the town's staff (TELEGRAM_STAFF_CHAT_ID), or None."""
    now: Callable[[str], dt.datetime] = field(default=clock.now_in)
    """The clock at the edge: the moment in a time zone. Tests move it."""

    def catalogue(self) -> Catalogue:
        return live(self.data_dir)

    def moment(self) -> dt.datetime:
        """Now, in the town's time zone."""
        return self.now(self.catalogue().town.get("time_zone") or DEFAULT_TIME_ZONE)


def finder(context: ContextTypes.DEFAULT_TYPE) -> Finder:
    return context.bot_data["finder"]


def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatSettings:
    """The chat's saved settings; the language falls back to the user's Telegram language."""
    chat_id = update.effective_chat.id if update.effective_chat else update.effective_user.id
    found = finder(context).store.get(chat_id)
    if found.lang is None:
        found.lang = pick(update.effective_user.language_code if update.effective_user else None)
    return found


def lang_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the conversation: the one the family last wrote in, else the chat's."""
    written = (context.chat_data or {}).get(WRITTEN)
    return written or settings(update, context).lang or "de"


def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the update comes from the town's staff chat."""
    staff = finder(context).staff_chat
    return staff is not None and update.effective_chat is not None \
        and update.effective_chat.id == staff
