"""Bot benchmark: time from an update being fetched (getUpdates answered) to the
bot's reply arriving, for 1,000 updates from 100 chats, against the Bot API
stand-in on 127.0.0.1 with a 10,000-offer catalogue.

    .venv/bin/python bench/bot_bench.py [--offers 10000] [--rate 100]

Updates arrive at a steady rate (default 100 a second, each chat every second):
free text in five languages, paging and filter buttons. A second pass sends the
100 chats' updates all at once, ten times, to show what a burst costs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import generate, percentile  # noqa: E402

from bot.app import build  # noqa: E402
from bot.standin import BotApiStandIn  # noqa: E402

TEXTS = [("de", "Hebamme"), ("de", "Kita Nordstadt"), ("de", "Hausaufgaben"), ("en", "midwife"),
         ("tr", "kreş"), ("uk", "акушерка"), ("ar", "قابلة"), ("de", "Schwimen"),
         ("ru", "детский сад"), ("de", "Beratung")]
BUTTONS = ["p:2", "a:3", "d:hafen", "a:0", "d:all", "p:1"]
REPLIES = {"sendMessage", "editMessageText", "sendVenue"}


def run_bot(standin: BotApiStandIn, data_dir: Path, chats: Path):
    app = build(standin.token, data_dir, chats, standin.base_url)
    loop = asyncio.new_event_loop()
    ready, holder = threading.Event(), {}

    async def main() -> None:
        holder["stop"] = asyncio.Event()
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            ready.set()
            await holder["stop"].wait()
            await app.updater.stop()
            await app.stop()

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    ready.wait(60)

    def stop() -> None:
        loop.call_soon_threadsafe(holder["stop"].set)
        thread.join(30)

    return stop


def send(standin: BotApiStandIn, chat: int, rng: random.Random) -> int:
    if rng.random() < 0.7:
        lang, text = rng.choice(TEXTS)
        return standin.message(chat, text, lang)
    return standin.callback(chat, rng.choice(BUTTONS))


def latencies(standin: BotApiStandIn, sent_updates: list[tuple[int, int, int]]) -> list[float]:
    """For each (update_id, chat, index of the first call after it): ms to the reply."""
    calls = standin.sent
    result = []
    for update_id, chat, start in sent_updates:
        fetched = standin.fetched_at[update_id]
        reply = next(c for c in calls[start:] if c["method"] in REPLIES
                     and str(c["params"].get("chat_id")) == str(chat))
        result.append((reply["at"] - fetched) * 1000)
    return result


def wait_replies(standin: BotApiStandIn, sent_updates, timeout: float = 120) -> None:
    def done(calls):
        return all(any(c["method"] in REPLIES and str(c["params"].get("chat_id")) == str(chat)
                       for c in calls[start:]) for _, chat, start in sent_updates)
    standin.wait_for(done, timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--rate", type=float, default=100.0, help="updates per second")
    args = parser.parse_args()
    from finder.catalogue.build import build as build_catalogue

    work = Path(tempfile.mkdtemp(prefix="finder-botbench-"))
    standin = BotApiStandIn().start()
    try:
        generate(args.offers, work / "content")
        build_catalogue(work / "content", work / "data")
        stop = run_bot(standin, work / "data", work / "chats.db")
        rng = random.Random(3)
        # Warm-up: every chat once.
        warm = []
        for chat in range(args.chats):
            start = len(standin.sent)
            warm.append((send(standin, 10_000 + chat, rng), 10_000 + chat, start))
        wait_replies(standin, warm)

        steady = []
        gap = 1.0 / args.rate
        began = time.perf_counter()
        for n in range(args.updates):
            chat = 10_000 + n % args.chats
            start = len(standin.sent)
            steady.append((send(standin, chat, rng), chat, start))
            pause = began + (n + 1) * gap - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        wait_replies(standin, steady)
        steady_ms = latencies(standin, steady)

        burst_ms = []
        for _ in range(args.updates // args.chats):
            wave = []
            for chat in range(args.chats):
                start = len(standin.sent)
                wave.append((send(standin, 10_000 + chat, rng), 10_000 + chat, start))
            wait_replies(standin, wave)
            burst_ms += latencies(standin, wave)
        stop()
        print(f"{args.offers:,} offers, {args.chats} chats, {args.updates} updates each pass; "
              f"fetch to reply in ms")
        for name, values in ((f"steady {args.rate:.0f}/s", steady_ms),
                             (f"bursts of {args.chats}", burst_ms)):
            print(f"{name:<16} p50 {statistics.median(values):7.1f}   "
                  f"p95 {percentile(values, 95):7.1f}   max {max(values):7.1f}")
        if standin.rejected:
            print("calls the stand-in rejected:", standin.rejected[:5])
    finally:
        standin.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
