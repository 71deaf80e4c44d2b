"""A stand-in for the Telegram Bot API, served on 127.0.0.1.

It speaks HTTP like api.telegram.org/bot<token>/<method>, checks every call against
the Bot API specification (method names, required and known parameters), queues
updates for getUpdates and records what the bot sent. The tests, the benchmark and
`finder bot --console` run the real bot against it; only Telegram's servers are
missing.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

SPEC_PATHS = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "telegram-bot-api"
    / "api.json",
    Path(__file__).resolve().parent / "api-methods.json",
)
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Familienwegweiser",
            "username": "wiesbrueck_familien_bot", "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": True}


def load_spec() -> dict[str, dict]:
    """Method name → {"required": set, "known": set}, from the Bot API specification."""
    for path in SPEC_PATHS:
        if path.is_file():
            methods = json.loads(path.read_text())["methods"]
            return {name: {"required": {f["name"] for f in m.get("fields", []) if f["required"]},
                           "known": {f["name"] for f in m.get("fields", [])}}
                    for name, m in methods.items()}
    raise FileNotFoundError("no Bot API specification found")


class Sent(dict):
    """One call the bot made: method, parameters and the time it arrived."""


class BotApiStandIn:
    def __init__(self, token: str = "123456:TEST", host: str = "127.0.0.1", port: int = 0):
        self.token = token
        self.spec = load_spec()
        self.updates: list[dict] = []
        self.fetched_at: dict[int, float] = {}
        self.sent: list[Sent] = []
        self.blocked: set[int] = set()
        self.retry_after: dict[str, int] = {}
        """method → how many calls still get 429 Too Many Requests."""
        self.rejected: list[tuple[str, str]] = []
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._cond = threading.Condition()
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = _Server((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def start(self) -> BotApiStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- updates the tests send -------------------------------------------------------

    def _push(self, update: dict) -> int:
        with self._cond:
            update_id = next(self._ids)
            self.updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            return update_id

    @staticmethod
    def _user(chat_id: int, lang: str | None) -> dict:
        user = {"id": chat_id, "is_bot": False, "first_name": f"Parent {chat_id}"}
        if lang:
            user["language_code"] = lang
        return user

    def message(self, chat_id: int, text: str, lang: str | None = "de") -> int:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._push({"message": {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"}, "from": self._user(chat_id, lang),
            "text": text, **({"entities": entities} if entities else {}),
        }})

    def edited_message(self, chat_id: int, text: str, lang: str | None = "de") -> int:
        """A message the user changed after sending it."""
        now = int(time.time())
        return self._push({"edited_message": {
            "message_id": next(self._message_ids), "date": now - 5, "edit_date": now,
            "chat": {"id": chat_id, "type": "private"}, "from": self._user(chat_id, lang),
            "text": text,
        }})

    def channel_post(self, channel_id: int, text: str) -> int:
        """A post in a channel the bot was added to: no user, a channel chat."""
        return self._push({"channel_post": {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": channel_id, "type": "channel", "title": "Elternkanal"},
            "text": text,
        }})

    def inline_callback(self, user_id: int, data: str, lang: str | None = "de") -> int:
        """A button under a message sent in inline mode: no message, an inline_message_id."""
        return self._push({"callback_query": {
            "id": f"cb{next(self._ids)}", "from": self._user(user_id, lang),
            "chat_instance": str(user_id), "data": data,
            "inline_message_id": f"inline{next(self._ids)}",
        }})

    def callback(self, chat_id: int, data: str, message_id: int = 1,
                 lang: str | None = "de") -> int:
        return self._push({"callback_query": {
            "id": f"cb{next(self._ids)}", "from": self._user(chat_id, lang),
            "chat_instance": str(chat_id), "data": data,
            "message": {"message_id": message_id, "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"}, "text": "…"},
        }})

    def inline(self, user_id: int, query: str, lang: str | None = "de") -> int:
        return self._push({"inline_query": {
            "id": f"iq{next(self._ids)}", "from": self._user(user_id, lang), "query": query,
            "offset": "",
        }})

    # --- what the tests read back -------------------------------------------------------

    def calls(self, method: str | None = None, chat_id: int | None = None) -> list[Sent]:
        with self._cond:
            return [s for s in self.sent if (method is None or s["method"] == method)
                    and (chat_id is None or str(s["params"].get("chat_id")) == str(chat_id))]

    def wait_for(self, predicate, timeout: float = 10.0):
        """Wait until predicate(sent calls) is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(list(self.sent))
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out; the bot sent {[s['method'] for s in self.sent]}")
                self._cond.wait(remaining)

    def reply_to(self, chat_id: int, after: int, method: str = "sendMessage",
                 timeout: float = 10.0) -> Sent:
        """The first call of method for chat_id after the first `after` calls."""
        return self.wait_for(lambda sent: next(
            (s for s in sent[after:] if s["method"] == method
             and str(s["params"].get("chat_id", chat_id)) == str(chat_id)), None), timeout)

    # --- answering the bot ---------------------------------------------------------------

    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        spec = self.spec.get(method)
        if spec is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        missing = spec["required"] - set(params)
        unknown = set(params) - spec["known"]
        if missing or unknown:
            self.rejected.append((method, f"missing {sorted(missing)}, unknown {sorted(unknown)}"))
            return 400, {"ok": False, "error_code": 400,
                         "description": f"Bad Request: missing {sorted(missing)} "
                                        f"unknown {sorted(unknown)}"}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._cond:
            pending = self.retry_after.get(method, 0)
            if pending:
                self.retry_after[method] = pending - 1
                self.sent.append(Sent(method=method, params=params, at=time.perf_counter(),
                                      answered=429))
                self._cond.notify_all()
                return 429, {"ok": False, "error_code": 429,
                             "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}
            chat = params.get("chat_id")
            if chat is not None and int(chat) in self.blocked:
                self.sent.append(Sent(method=method, params=params, at=time.perf_counter(),
                                      answered=403))
                self._cond.notify_all()
                return 403, {"ok": False, "error_code": 403,
                             "description": "Forbidden: bot was blocked by the user"}
            self.sent.append(Sent(method=method, params=params, at=time.perf_counter(),
                                  answered=200))
            self._cond.notify_all()
        return 200, {"ok": True, "result": self._result(method, params)}

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset", 0) or 0)
        timeout = min(float(params.get("timeout", 0) or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                ready = [u for u in self.updates if u["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    break
                self._cond.wait(deadline - time.monotonic())
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            now = time.perf_counter()
            for update in ready:
                self.fetched_at.setdefault(update["update_id"], now)
            return ready[:100]

    def _result(self, method: str, params: dict):
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendVenue", "sendContact", "editMessageText"):
            message = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            }
            if method == "sendVenue":
                message["venue"] = {"location": {"latitude": float(params["latitude"]),
                                                 "longitude": float(params["longitude"])},
                                    "title": params["title"], "address": params["address"]}
            elif method == "sendContact":
                message["contact"] = {"phone_number": params["phone_number"],
                                      "first_name": params["first_name"]}
            else:
                message["text"] = params.get("text", "")
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that hangs up while the stand-in shuts down is no error worth printing."""
        return


class _Handler(BaseHTTPRequestHandler):
    standin: BotApiStandIn

    def do_POST(self) -> None:  # noqa: N802 - the name http.server asks for
        self._serve()

    def do_GET(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        prefix = f"/bot{self.standin.token}/"
        if not self.path.startswith(prefix):
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = self.path[len(prefix):].split("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        params: dict = {}
        if body and self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(body)
        elif body:
            for key, value in parse_qsl(body, keep_blank_values=True):
                try:
                    params[key] = json.loads(value) if value[:1] in "[{" else value
                except ValueError:
                    params[key] = value
        status, answer = self.standin.handle(method, params)
        self._reply(status, answer)

    def _reply(self, status: int, answer: dict) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - silence, no chat ids in logs
        return
