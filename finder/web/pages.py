"""The pages: start, results, offer, provider, browse by phase or topic, and the
plain pages (imprint, privacy, accessibility). Views only turn a request into a
Query and Results into HTML."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from htmx_flask import request as htmx_request
from werkzeug.exceptions import HTTPException

from finder import wording
from finder.catalogue import live
from finder.content import DEFAULT_TOWN
from finder.coordinator import demand, proposals
from finder.i18n import N_, t
from finder.model import LANGUAGES, MAX_CHILD_AGE_YEARS, PHASE_IDS, RTL, TOPIC_IDS
from finder.search import PAGE_SIZE, SEARCH_PARAMETERS, Query, QueryError
from finder.web import api, formtokens
from finder.web.format import today

bp = Blueprint("pages", __name__, url_prefix="/<lang>")
root = Blueprint("root", __name__)

SEARCH_ARGS = SEARCH_PARAMETERS
MAX_AGE_YEARS = MAX_CHILD_AGE_YEARS


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message


def catalogue():
    return live(current_app.config["DATA_DIR"])


@bp.url_value_preprocessor
def pull_lang(endpoint, values):
    lang = values.pop("lang", "de")
    if lang not in offered_languages():
        g.lang = "de"
        abort(404)
    g.lang = lang


def town() -> dict:
    """The town of the live catalogue (town.yaml); empty before the first build."""
    try:
        return catalogue().town
    except Exception:  # no build yet, or a broken one: the error pages still render
        return DEFAULT_TOWN


def offered_languages() -> tuple[str, ...]:
    """The languages the town offers, of those the finder speaks."""
    return tuple(lang for lang in LANGUAGES if lang in town().get("languages", LANGUAGES))


@bp.app_template_global()
def town_name() -> str:
    """The town's name as the reader's language writes it."""
    return wording.town_name(town(), getattr(g, "lang", "de"))


@bp.url_defaults
def add_lang(endpoint, values):
    values.setdefault("lang", getattr(g, "lang", "de"))


@bp.context_processor
def page_context():
    return {"lang": g.lang, "dir": "rtl" if g.lang in RTL else "ltr",
            "languages": offered_languages(), "town": town()}


MESSAGES = {
    "q": N_("Der Suchtext ist zu lang. Bitte nur ein paar Wörter."),
    "age": N_("Das Alter ist eine ganze Zahl von 0 bis 26 Jahren."),
    "page": N_("Diese Seite gibt es nicht."),
    "district": N_("Diesen Stadtteil kennen wir nicht."),
    "phase": N_("Diese Lebensphase kennen wir nicht."),
    "topic": N_("Dieses Thema kennen wir nicht."),
    "lang_spoken": N_("Diese Sprache kennen wir nicht."),
}
"""A parameter the search cannot take, said to a parent (finder.search.Query.from_params
names it)."""


def query_from_args(page_size: int = PAGE_SIZE, also=()) -> Query:
    """The shared URL parameters, the same in every front end, as a Query."""
    try:
        return Query.from_params(request.args.to_dict(flat=False), lang=g.lang,
                                 districts=catalogue().districts, page_size=page_size,
                                 also=also)
    except QueryError as error:
        message = MESSAGES.get(error.parameter)
        raise BadParameter(error.parameter,
                           _(message) if message else _("Bitte nur an- oder abwählen.")) from None


@bp.app_template_global()
def search_args(**changes) -> dict:
    """The current search parameters, with some changed (for links)."""
    args = {k: request.args.getlist(k) for k in SEARCH_ARGS if request.args.get(k)}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


@bp.app_template_global()
def url_with(**changes) -> str:
    endpoint = request.endpoint or "pages.start"
    view_args = dict(request.view_args or {})
    return url_for(endpoint, **view_args, **search_args(**changes))


@bp.app_template_global()
def lang_url(code: str) -> str:
    """This page in another language, keeping the search: only the prefix changes."""
    lang = getattr(g, "lang", None)
    path = request.path
    if request.endpoint and request.endpoint.startswith("pages.") and lang and \
            path.startswith(f"/{lang}/"):
        path = f"/{code}/" + path[len(lang) + 2:]
        query = request.query_string.decode("latin-1")
        return path + (f"?{query}" if query else "")
    return url_for("pages.start", lang=code)


@bp.route("/")
def start():
    cat = catalogue()
    return render_template("start.html", catalogue=cat, phases=PHASE_IDS, topics=TOPIC_IDS)


_pages: OrderedDict = OrderedDict()
_pages_lock = threading.Lock()
PAGE_CACHE_SIZE = 256


@bp.route("/search")
def search():
    """Results. The rendered page is kept for identical requests to the same build on
    the same day: popular searches (the start page's phase and topic links) cost once."""
    cat = catalogue()
    # Back and Forward make htmx ask again with HX-History-Restore-Request: they get the
    # whole page, never the bare results fragment.
    partial = (bool(htmx_request.htmx) and not htmx_request.htmx.boosted
               and request.headers.get("HX-History-Restore-Request") != "true")
    key = (str(cat.path), g.lang, request.query_string, partial, today())
    with _pages_lock:
        body = _pages.get(key)
        if body is not None:
            _pages.move_to_end(key)
    if body is None:
        body, status = _render_search(cat, partial)
        if status != 200 or g.get("unmet"):  # not kept: each unmet search must be counted
            return body, status
        with _pages_lock:
            _pages[key] = body
            if len(_pages) > PAGE_CACHE_SIZE:
                _pages.popitem(last=False)
    return body


def language_offer(cat, text: str) -> dict | None:
    """When the search text is clearly in another of the town's languages than the page:
    that language and the words that offer it, in it. Never a redirect: the family
    chooses."""
    written = cat.language_of(text, g.lang) if text else None
    if written is None or written == g.lang or written not in offered_languages():
        return None
    return {"lang": written, "dir": "rtl" if written in RTL else "ltr",
            "text": t(written, wording.KEEP_LANGUAGE)}


def _render_search(cat, partial: bool) -> tuple[str, int]:
    try:
        query = query_from_args()
        results = cat.search(query, today())
        g.unmet = demand.record(query, results, today(), current_app.config["DATA_DIR"])
    except BadParameter as error:
        return render_template("bad_request.html", parameter=error.parameter,
                               message=error.message), 400
    if results.total and query.page > results.pages:
        return render_template("bad_request.html", parameter="page",
                               message=_("Diese Seite gibt es nicht.")), 404
    context = dict(catalogue=cat, query=query, results=results, phases=PHASE_IDS,
                   topics=TOPIC_IDS, max_age=MAX_AGE_YEARS, partial=partial,
                   switch=language_offer(cat, query.text))
    if partial:
        return render_template("partials/results.html", **context), 200
    return render_template("results.html", **context), 200


@bp.route("/phase/<phase>")
def phase(phase: str):
    if phase not in PHASE_IDS:
        abort(404)
    return redirect(url_for("pages.search", phase=phase), code=303)


@bp.route("/topic/<topic>")
def topic(topic: str):
    if topic not in TOPIC_IDS:
        abort(404)
    return redirect(url_for("pages.search", topic=topic), code=303)


@bp.route("/offer/<offer_id>")
def offer(offer_id: str):
    cat = catalogue()
    found = cat.offer(offer_id)
    if found is None:
        abort(404)
    provider = cat.providers[found.provider_id]
    others = [o for o in cat.offers_by_ids(cat.provider_offer_ids(provider.id)).values()
              if o.id != offer_id and o.is_current(today())]
    back = search_args() if any(k in request.args for k in SEARCH_ARGS) else None
    return render_template("offer.html", catalogue=cat, offer=found, provider=provider,
                           others=sorted(others, key=lambda o: o.name), back=back)


@bp.route("/offer/<offer_id>/report", methods=["GET", "POST"])
def report_offer(offer_id: str):
    """A family's "Stimmt etwas nicht?": a reason and a short text, nothing about who
    sends it (no cookie, no address kept; the text's e-mail addresses and phone numbers
    are taken out before it is kept). The answer is a page of its own."""
    cat = catalogue()
    found = cat.offer(offer_id)
    if found is None:
        abort(404)
    if request.method == "GET":
        return render_template("report_offer.html", offer=found, state="form")
    text = (request.form.get("text") or "")[:2000]
    if not formtokens.checked("report", offer_id):
        return _no_store(render_template("report_offer.html", offer=found, state="expired")), 400
    reason = request.form.get("reason")
    if reason not in proposals.REASONS:
        return _no_store(render_template("report_offer.html", offer=found, state="choose",
                                         report_text=text)), 400
    try:
        proposals.report(current_app.config["DATA_DIR"], offer_id, reason, text, today())
    except (OSError, sqlite3.Error) as error:
        # Only that it failed and why: never the family's words.
        current_app.logger.warning("report not kept: %s", type(error).__name__)
        return _no_store(render_template("report_offer.html", offer=found, state="failed")), 503
    return _no_store(render_template("report_offer.html", offer=found, state="thanks"))


def _no_store(body: str):
    response = current_app.make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global()
def report_token(offer_id: str) -> str:
    return formtokens.issue("report", offer_id)


@bp.route("/provider/<provider_id>")
def provider(provider_id: str):
    cat = catalogue()
    found = cat.providers.get(provider_id)
    if found is None:
        abort(404)
    offers = sorted((o for o in cat.offers_by_ids(cat.provider_offer_ids(provider_id)).values()
                     if o.is_current(today())), key=lambda o: o.name)
    return render_template("provider.html", catalogue=cat, provider=found, offers=offers)


@root.route("/town.css")
def town_css():
    """The town's accent colour, from town.yaml (a file of our own host: no inline style)."""
    colour = town().get("accent_colour") or "#0b5c6b"
    response = current_app.response_class(f":root {{ --accent: {colour}; }}\n",
                                          mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/emergency")
def emergency():
    """The emergency numbers; every page links here."""
    return render_template("emergency.html", catalogue=catalogue())


@bp.route("/<any(imprint, privacy, accessibility):name>")
def plain(name: str):
    if name == "privacy":
        return render_template("privacy.html", **bot_privacy())
    return render_template(f"{name}.html")


def bot_privacy() -> dict:
    """What the town's Telegram bot stores, in the words of its /privacy (and its days)."""
    from bot.storage import CASE_DAYS, EXPIRY_DAYS

    return {"bot_privacy": wording.BOT_PRIVACY, "bot_days": EXPIRY_DAYS, "bot_case_days": CASE_DAYS}


@root.route("/")
def pick_language():
    best = request.accept_languages.best_match(offered_languages(), default="de")
    response = redirect(url_for("pages.start", lang=best), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def register_errors(app) -> None:
    app.register_blueprint(root)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _is_api():
            return api.http_error(error)
        if not hasattr(g, "lang"):
            parts = request.path.strip("/").split("/")
            g.lang = parts[0] if parts and parts[0] in offered_languages() else "de"
        return render_template("error.html", code=error.code,
                               lang=g.lang, dir="rtl" if g.lang in RTL else "ltr",
                               languages=offered_languages(), town=town()), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.error("error on %s", request.endpoint, exc_info=error)
        if _is_api():
            return api.error_response(500, "internal error")
        if not hasattr(g, "lang"):
            g.lang = "de"
        return render_template("error.html", code=500, lang=g.lang,
                               dir="rtl" if g.lang in RTL else "ltr",
                               languages=offered_languages(), town=town()), 500
