"""Chat with the bot in a terminal, without Telegram: the real bot and its handlers
run against the Bot API stand-in on 127.0.0.1, and this prints what it sends."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

from bot import reminders
from bot.app import build
from bot.standin import BotApiStandIn

CHAT = 1
STAFF = -1001
"""The staff group of the console: what the bot hands over is printed as sent there, and
`!staff <text>` answers the last case message as a staff member would."""


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").replace("&lt;", "<") \
        .replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'")


def show(call: dict, buttons: list) -> None:
    params = call["params"]
    if str(params.get("chat_id")) == str(STAFF):
        if "text" in params:
            print("\n[→ Beratung, Gruppe] " + plain(params["text"]).replace("\n", "\n    "))
        return
    if call["method"] == "sendVenue":
        print(f"\n📍 {params['title']} – {params['address']} "
              f"({params['latitude']}, {params['longitude']})")
        return
    if call["method"] == "answerCallbackQuery":
        if params.get("text"):
            print(f"\n({params['text']})")
        return
    if "text" not in params:
        return
    print("\n" + plain(params["text"]))
    for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
        labels = []
        for button in row:
            buttons.append(button)
            target = f" → {button['url']}" if "url" in button else ""
            labels.append(f"[{len(buttons)}] {button['text']}{target}")
        print("   ".join(labels))


async def chat(data_dir: Path, lang: str = "de") -> None:
    standin = BotApiStandIn().start()
    with tempfile.TemporaryDirectory() as tmp:
        app = build(standin.token, data_dir, Path(tmp) / "chats.db", standin.base_url,
                    staff_chat=STAFF)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            reminders.start(app)
            print("Type a message, /start, /help, /person, or the number of a button; "
                  "!staff <text> answers as the staff. Ctrl+D ends.")
            buttons: list = []
            seen = len(standin.sent)
            standin.message(CHAT, "/start", lang)
            while True:
                await asyncio.sleep(0.3)
                new = standin.sent[seen:]
                seen += len(new)
                if new:
                    buttons = []
                    for call in new:
                        show(call, buttons)
                try:
                    line = (await asyncio.to_thread(input, "\n> ")).strip()
                except EOFError:
                    break
                if line.startswith("!staff "):
                    case = next((c for c in reversed(standin.sent) if c["method"] == "sendMessage"
                                 and str(c["params"].get("chat_id")) == str(STAFF)
                                 and "Fall " in c["params"].get("text", "")), None)
                    if case is not None:
                        standin.message(STAFF, line[len("!staff "):], lang, user_id=7,
                                        reply_to=case)
                elif line.isdigit() and 0 < int(line) <= len(buttons):
                    button = buttons[int(line) - 1]
                    if "callback_data" in button:
                        standin.callback(CHAT, button["callback_data"], lang=lang)
                elif line:
                    standin.message(CHAT, line, lang)
                await asyncio.sleep(0.5)
            await reminders.stop(app)
            await app.updater.stop()
            await app.stop()
    standin.stop()
