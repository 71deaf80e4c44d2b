"""The server's own log, without anything that identifies a family.

gunicorn writes the client's IP address and the request line (with the search words)
into its error log for malformed requests ("Invalid request from ip=…", "Error handling
request GET /de/search?q=…"). This logger class keeps those events, as one line without
the address, the request or the exception text that may repeat them.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\]?",
                 re.IGNORECASE)


class _Scrub(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Invalid request"):
            record.msg, record.args = "Invalid request (address and request not logged)", ()
        elif message.startswith("Error handling request"):
            kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
            record.msg = "Error handling a request (request not logged) %s"
            record.args = (kind,)
            record.exc_info, record.exc_text = None, None
        elif _IP.search(message):
            record.msg, record.args = _IP.sub("[address]", message), ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger with the scrubbing filter and no access log."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.addFilter(_Scrub())

    def access(self, resp, req, environ, request_time) -> None:
        return None
