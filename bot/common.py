"""What every handler needs: the live catalogue, the chat's settings, safe sending."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import pick
from bot.storage import ChatSettings, ChatStore
from finder.catalogue import Catalogue, live


@dataclass
class Finder:
    data_dir: Path
    store: ChatStore

    def catalogue(self) -> Catalogue:
        return live(self.data_dir)


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
    return settings(update, context).lang or "de"
