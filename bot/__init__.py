"""The Telegram bot of the Familienwegweiser: a second front end on finder.search."""

import os

# RetryAfter.retry_after as a timedelta, the form python-telegram-bot moves to.
os.environ.setdefault("PTB_TIMEDELTA", "1")
