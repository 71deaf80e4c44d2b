"""The parents' website: a Flask application factory.

Nothing happens at import time; `create_app()` reads settings, registers the
extensions and blueprints and returns the app. The app reads the live catalogue
through finder.catalogue and searches only through finder.search.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
from pathlib import Path

from flask import Flask, current_app, g, request
from flask_babel import Babel
from htmx_flask import Htmx

from finder import config
from finder.model import LANGUAGES, RTL  # noqa: F401 - the languages of the pages

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


_HOST = re.compile(
    r"^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$", re.IGNORECASE)


class HostGuard:
    """Answers a malformed Host header (a 64-letter label, "." or "a..b") with a plain
    400 before Flask tries to build URLs from it."""

    PAGE = (b"<!doctype html><html lang=\"de\"><meta charset=\"utf-8\"><title>400</title>"
            b"<p>Diese Anfrage ist fehlerhaft. / This request is malformed.</p></html>")

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST", "")
        port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
        if host and (len(host) > 260 or not _HOST.match(host)
                     or (port and not 0 < int(port) < 65536)):
            start_response("400 Bad Request", [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(self.PAGE))), ("Cache-Control", "no-store"),
                ("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")])
            return [self.PAGE]
        return self.app(environ, start_response)


def create_app(settings: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        DATA_DIR=str(config.data_dir()),
        BABEL_DEFAULT_LOCALE="de",
        BABEL_TRANSLATION_DIRECTORIES=str(config.PROJECT_ROOT / "translations"),
        SEND_FILE_MAX_AGE_DEFAULT=365 * 24 * 3600,
        JSON_AS_ASCII=False,
        # Requests per client to /api/v1 (a Flask-Limiter limit string). Each server
        # worker keeps its own count in memory, so with N workers a client may get up to
        # N times this.
        API_RATE_LIMIT=os.environ.get("FINDER_API_RATE_LIMIT", "60 per minute"),
        # How many reverse proxies in front set X-Forwarded-For (1 behind Caddy or nginx),
        # so that the rate limit counts per client and not for the proxy as a whole.
        TRUSTED_PROXIES=int(os.environ.get("FINDER_TRUSTED_PROXIES", "0") or 0),
        # Families' reports ("Stimmt etwas nicht?") and providers' pages per client,
        # counted in memory per worker like the API's; no address is ever written down.
        REPORT_RATE_LIMIT=os.environ.get("FINDER_REPORT_RATE_LIMIT", "10 per hour"),
        PROVIDER_RATE_LIMIT=os.environ.get("FINDER_PROVIDER_RATE_LIMIT", "100 per hour"),
    )
    app.config.update(settings or {})
    from finder import stores

    stores.of(app.config["DATA_DIR"])  # a FINDER_STORE no page can use: StoreError at start
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    Babel(app, locale_selector=lambda: getattr(g, "lang", "de"))
    # Templates call gettext a hundred times a page; look the catalogue up once a request.
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)
    Htmx(app)

    from finder.web import (
        desk,  # noqa: F401 - the desk view's routes on the pages blueprint
        pages,
    )
    from finder.web import format as formatting

    formatting.register(app)
    app.register_blueprint(pages.bp)
    _register_api(app)
    pages.register_errors(app)
    from finder.web import coordinator

    coordinator.setup(app)
    from finder.web import providers

    app.register_blueprint(providers.bp)
    _limit_public_forms(app, pages, providers)
    _static_versions(app)
    app.wsgi_app = HostGuard(app.wsgi_app)
    app.after_request(_secure)
    app.after_request(_compress)
    return app


def _register_api(app: Flask) -> None:
    """The JSON API with its rate limit per client (Flask-Limiter, counted in memory)."""
    from flask_limiter import Limiter

    from finder.web import api

    # One count per client for the whole API (not per endpoint); the API sets the
    # X-RateLimit headers itself, and Retry-After only on a 429.
    limiter = Limiter(_client_key, app=app, storage_uri="memory://", headers_enabled=False,
                      default_limits=[])
    limiter.shared_limit(lambda: app.config["API_RATE_LIMIT"], scope="api")(api.bp)
    app.extensions["finder_limiter"] = limiter
    app.register_blueprint(api.bp)
    # Flask-Limiter logs the client's address when a limit is exceeded: not here.
    logger = logging.getLogger("flask-limiter")
    if not any(isinstance(f, _NoClientLog) for f in logger.filters):
        logger.addFilter(_NoClientLog())


def _limit_public_forms(app: Flask, pages, providers) -> None:
    """Families' reports and the providers' pages, limited per client: a flood of
    reports, or guessing at links, is slowed down without keeping who sent what."""
    limiter = app.extensions["finder_limiter"]
    views = app.view_functions
    # The blueprints are registered already: their views are replaced by the limited ones.
    views["pages.report_offer"] = limiter.limit(
        lambda: app.config["REPORT_RATE_LIMIT"], key_func=_client_key,
        methods=["POST"])(pages.report_offer)
    shared = limiter.shared_limit(lambda: app.config["PROVIDER_RATE_LIMIT"], scope="providers",
                                  key_func=_client_key)
    views["providers.offers"] = shared(providers.offers)
    views["providers.offer"] = shared(providers.offer)


class _NoClientLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "exceeded" not in str(record.msg)


def _client_key() -> str:
    """The client a rate limit counts for: its address, or the one the trusted proxy saw."""
    hops = current_app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")
                     if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def _template_gettext(string: str) -> str:
    from finder.web.format import translations

    return translations().ugettext(string)


def _template_ngettext(singular: str, plural: str, num: int) -> str:
    from finder.web.format import translations

    return translations().ungettext(singular, plural, num)


def _static_versions(app: Flask) -> None:
    """Static URLs carry a hash of the file, so they can be cached for a year."""
    static = Path(app.static_folder)
    versions = {str(p.relative_to(static)): hashlib.sha256(p.read_bytes()).hexdigest()[:10]
                for p in static.rglob("*") if p.is_file()}

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in versions:
            values.setdefault("v", versions[values["filename"]])


def _secure(response):
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=(), interest-cohort=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        # A results fragment for htmx is never cached: Back must not show it alone.
        fragment = request.headers.get("HX-Request") == "true"
        headers.setdefault("Cache-Control", "no-store" if response.status_code >= 400
                           or fragment else "public, max-age=60")
    headers.add("Vary", "HX-Request")
    return response


_compressed: dict[tuple[str, str], bytes] = {}


def _compress(response):
    """gzip for text; static files are compressed once and kept."""
    if (response.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
            or not (response.mimetype or "").startswith(COMPRESSIBLE)
            or "Content-Encoding" in response.headers):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < 500:
        return response
    if request.endpoint == "static":
        key = (request.path, response.headers.get("ETag", ""))
        body = _compressed.get(key)
        if body is None:
            body = _compressed[key] = gzip.compress(data, 9)
    else:
        body = gzip.compress(data, 1)  # pages change per request: fast beats small here
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    response.headers.add("Vary", "Accept-Encoding")
    return response
