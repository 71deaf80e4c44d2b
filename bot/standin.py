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


def _spec_file() -> dict:
    for path in SPEC_PATHS:
        if path.is_file():
            return json.loads(path.read_text())
    raise FileNotFoundError("no Bot API specification found")


def load_spec() -> dict[str, dict]:
    """Method name → {"required": set, "known": set}, from the Bot API specification."""
    methods = _spec_file()["methods"]
    return {name: {"required": {f["name"] for f in m.get("fields", []) if f["required"]},
                   "known": {f["name"] for f in m.get("fields", [])},
                   "kinds": {f["name"]: f.get("types", []) for f in m.get("fields", [])}}
            for name, m in methods.items()}


def load_types() -> dict[str, dict]:
    """Type name → its fields ({name: (types, required)}) or its subtypes, from the Bot API
    specification: the updates the stand-in makes are held to them."""
    types = {}
    for name, spec in _spec_file().get("types", {}).items():
        types[name] = {"subtypes": spec.get("subtypes", []),
                       "fields": {f["name"]: (f.get("types", []), f["required"])
                                  for f in spec.get("fields", [])}}
    return types


_PRIMITIVES = {"Integer": int, "String": str, "Boolean": bool, "Float": (int, float),
               "True": bool}


def spec_problems(value, type_name: str, types: dict, path: str = "") -> list[str]:
    """What in value does not follow the specification's type (unknown or missing fields,
    wrong kinds of values); empty when it does."""
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: not an array"]
        return [p for i, item in enumerate(value)
                for p in spec_problems(item, type_name[len("Array of "):], types, f"{path}[{i}]")]
    if type_name in _PRIMITIVES:
        ok = isinstance(value, _PRIMITIVES[type_name]) and \
            (type_name == "Boolean" or not isinstance(value, bool) or type_name == "True")
        return [] if ok else [f"{path}: {value!r} is not {type_name}"]
    spec = types.get(type_name)
    if spec is None:
        return [f"{path}: unknown type {type_name}"]
    if spec["subtypes"]:
        attempts = [spec_problems(value, sub, types, path) for sub in spec["subtypes"]]
        return [] if any(not a for a in attempts) else attempts[0]
    if not isinstance(value, dict):
        return [f"{path}: not an object of type {type_name}"]
    problems = [f"{path}.{name}: missing" for name, (_, required) in spec["fields"].items()
                if required and name not in value]
    for name, item in value.items():
        if name not in spec["fields"]:
            problems.append(f"{path}.{name}: no field of {type_name}")
            continue
        kinds = spec["fields"][name][0]
        attempts = [spec_problems(item, kind, types, f"{path}.{name}") for kind in kinds]
        if attempts and all(attempts):
            problems.extend(attempts[0])
    return problems


class Sent(dict):
    """One call the bot made: method, parameters and the time it arrived."""


class BotApiStandIn:
    def __init__(self, token: str = "123456:TEST", host: str = "127.0.0.1", port: int = 0):
        self.token = token
        self.spec = load_spec()
        self.types = load_types()
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
            update = {"update_id": update_id, **update}
            problems = spec_problems(update, "Update", self.types, "update") if self.types else []
            if problems:
                raise ValueError(f"the stand-in made an update the Bot API does not: {problems}")
            self.updates.append(update)
            self._cond.notify_all()
            return update_id

    @staticmethod
    def _user(chat_id: int, lang: str | None) -> dict:
        """A person: a name and a user name, as Telegram shows them (and the bot must not
        pass on)."""
        user = {"id": chat_id, "is_bot": False, "first_name": f"Parent {chat_id}",
                "last_name": "Family", "username": f"parent_{chat_id}"}
        if lang:
            user["language_code"] = lang
        return user

    @staticmethod
    def _chat(chat_id: int) -> dict:
        """A private chat for a positive id (a person's), a supergroup for a negative one."""
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"Parent {chat_id}",
                    "username": f"parent_{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": "Familienbüro – Dienst"}

    def message(self, chat_id: int, text: str, lang: str | None = "de",
                user_id: int | None = None, reply_to: dict | None = None) -> int:
        """A text message; in a group, from user_id, and as a reply to one of the bot's
        messages when reply_to is a call the bot made (its sent message is quoted whole,
        as Telegram does)."""
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self._chat(chat_id), "from": self._user(user_id or chat_id, lang),
            "text": text, **({"entities": entities} if entities else {}),
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to["result"]
        return self._push({"message": message})

    def location(self, chat_id: int, latitude: float, longitude: float,
                 lang: str | None = "de") -> int:
        """A location the family shares (📎 → Location)."""
        return self._push({"message": {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self._chat(chat_id), "from": self._user(chat_id, lang),
            "location": {"latitude": latitude, "longitude": longitude},
        }})

    def edited_message(self, chat_id: int, text: str, lang: str | None = "de") -> int:
        """A message the user changed after sending it."""
        now = int(time.time())
        return self._push({"edited_message": {
            "message_id": next(self._message_ids), "date": now - 5, "edit_date": now,
            "chat": self._chat(chat_id), "from": self._user(chat_id, lang),
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
                 lang: str | None = "de", user_id: int | None = None) -> int:
        """A button pressed under one of the bot's messages in chat_id (in a group, by
        user_id)."""
        return self._push({"callback_query": {
            "id": f"cb{next(self._ids)}", "from": self._user(user_id or chat_id, lang),
            "chat_instance": str(chat_id), "data": data,
            "message": {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                        "chat": self._chat(chat_id), "text": "…"},
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
        problems = [f"{name}: {problem}" for name, value in params.items()
                    for problem in self._parameter_problems(method, name, value)]
        if problems:
            self.rejected.append((method, "; ".join(problems)))
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {problems}"}
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
            result = self._result(method, params)
            self.sent.append(Sent(method=method, params=params, at=time.perf_counter(),
                                  answered=200, result=result))
            self._cond.notify_all()
        return 200, {"ok": True, "result": result}

    def _parameter_problems(self, method: str, name: str, value) -> list[str]:
        """A parameter that is an object of the specification (reply_parameters …) is
        held to its type."""
        kinds = self.spec[method]["kinds"].get(name, [])
        objects = [k for k in kinds if k in self.types and k not in _PRIMITIVES]
        if not objects or not isinstance(value, dict):
            return []
        attempts = [spec_problems(value, kind, self.types, name) for kind in objects]
        return [] if any(not a for a in attempts) else attempts[0]

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
                "chat": self._chat(int(params.get("chat_id", 0))),
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
