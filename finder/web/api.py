"""The read-only JSON API under /api/v1, in the shape of the Open Referral HSDS 3.0 API.

Services are found by the one search (finder.search.Query, the same parameters as the
website); the objects come from finder.hsds. Answers carry no cookie, allow any origin
to read them (CORS for GET), and are rate-limited per client.
"""

from __future__ import annotations

import math
import re
import threading
import time
import weakref

from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from finder import clock, wording
from finder.catalogue import Catalogue, CatalogueMissing, live
from finder.i18n import t
from finder.interop.hsds import HSDS_VERSION, Mapper
from finder.model import LANGUAGES, Offer
from finder.search import MAX_PAGE, MAX_PAGE_SIZE, Query, QueryError
from finder.web.format import language_name
from finder.wording import RELAXED

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 20


class ApiError(Exception):
    def __init__(self, status: int, parameter: str | None, message: str):
        self.status, self.parameter, self.message = status, parameter, message


class _Index:
    """What the API looks up by HSDS id, computed once per build."""

    def __init__(self, cat: Catalogue):
        self.mappers = {lang: Mapper(cat.vocabulary, cat.districts, cat.town, lang)
                        for lang in LANGUAGES}
        """One per language: each words its own texts (eligibility, "free", names) in it."""
        self.mapper = self.mappers["de"]
        offer_ids = sorted(i for pid in cat.providers for i in cat.provider_offer_ids(pid))
        self.offer_ids = offer_ids
        self.services = {self.mapper.service_id(i): i for i in offer_ids}
        self.organizations = {self.mapper.organization_id(p): p for p in sorted(cat.providers)}
        self.at_locations: list[tuple[str, str, int]] = []
        offers = cat.offers_by_ids(offer_ids)
        for oid in offer_ids:
            for n, location in enumerate(offers[oid].locations):
                self.at_locations.append(
                    (self.mapper.service_at_location_id(oid, location.as_record()), oid, n))
        self.at_location_by_id = {sal: (oid, n) for sal, oid, n in self.at_locations}
        self.terms = self.mapper.terms()
        self.taxonomies = self.mapper.taxonomies()


_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _catalogue() -> tuple[Catalogue, _Index]:
    try:
        cat = live(current_app.config["DATA_DIR"])
    except CatalogueMissing:
        raise ApiError(503, None, "the catalogue has not been built yet") from None
    index = _indexes.get(cat)
    if index is None:
        with _lock:
            index = _indexes.get(cat)
            if index is None:
                index = _indexes[cat] = _Index(cat)
    return cat, index


# --- parameters -------------------------------------------------------------------------


def _one(name: str) -> str | None:
    return request.args.get(name)


def _whole(name: str, default: int, low: int, high: int) -> int:
    value = _one(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or not low <= int(value) <= high:
        raise ApiError(400, name, f"{name} must be a whole number from {low} to {high}")
    return int(value)


def _paging() -> tuple[int, int]:
    return (_whole("page", 1, 1, MAX_PAGE),
            _whole("per_page", DEFAULT_PER_PAGE, 1, MAX_PAGE_SIZE))


API_PARAMETERS = ("lang", "per_page", "search")
"""What the API takes besides the search's own parameters (finder.search.SEARCH_PARAMETERS):
the language of the texts, the page size, and HSDS's name for the text."""


def _query(cat: Catalogue) -> Query:
    """The search parameters of the website, as a Query; any other parameter is refused,
    so that a client never mistakes unfiltered results for filtered ones."""
    params = request.args.to_dict(flat=False)
    if "search" in params and not params.get("q"):
        params["q"] = params.pop("search")
    params.pop("search", None)
    _, per_page = _paging()
    try:
        return Query.from_params(params, lang=_lang(), districts=cat.districts,
                                 page_size=per_page, also=API_PARAMETERS, strict=True)
    except QueryError as error:
        raise ApiError(400, error.parameter, str(error)) from None


def _lang() -> str:
    lang = _one("lang") or "de"
    if lang not in LANGUAGES:
        raise ApiError(400, "lang", f"lang must be one of {', '.join(LANGUAGES)}")
    return lang


def _page(contents: list, total: int, page: int, per_page: int, **extra) -> dict:
    """A page in HSDS's shape; empty says whether this page has nothing (a page beyond
    the last one too), as size does."""
    pages = math.ceil(total / per_page) if total else 0
    return {"total_items": total, "total_pages": pages, "page_number": page,
            "size": len(contents), "first_page": page == 1, "last_page": page >= pages,
            "empty": not contents, **extra, "contents": contents}


@bp.before_request
def known_parameters():
    """A parameter an endpoint does not take is refused with its name: a client must never
    take unfiltered results for filtered ones (the OpenAPI document lists what each takes)."""
    from finder.web.openapi import query_parameters

    if request.url_rule is None or request.method == "OPTIONS":
        return None
    path = re.sub(r"<[^>]+>", "{id}", request.url_rule.rule[len(bp.url_prefix):]) or "/"
    if path == "/openapi.json":
        return None
    allowed = query_parameters(path)
    for name in request.args:
        if name not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            return error_response(400, f"unknown parameter {name!r}; this endpoint takes: {listed}",
                                  name)
    return None


# --- endpoints --------------------------------------------------------------------------


@bp.get("/")
def about():
    return jsonify({"version": HSDS_VERSION,
                    "profile": "https://docs.openreferral.org/en/latest/hsds/",
                    "openapi_url": url_for("api.openapi", _external=True)})


@bp.get("/openapi.json")
def openapi():
    from finder.web.openapi import document

    cat, _ = _catalogue()
    return jsonify(document(request.host_url.rstrip("/") + bp.url_prefix, sorted(cat.districts)))


@bp.get("/services")
def services():
    cat, index = _catalogue()
    query = _query(cat)
    today = clock.today()
    results = cat.search(query, today)
    contents = [_list_item(cat, index, hit, results, query.lang, today) for hit in results.hits]
    return jsonify(_page(contents, results.total, query.page, query.page_size,
                         relaxed=list(results.relaxed),
                         relaxed_words=[t(query.lang, RELAXED[step]) for step in results.relaxed],
                         suggestion=results.suggestion, district=results.district,
                         emergency=results.emergency,
                         helplines=_helplines(cat, query.lang, today) if results.emergency else [],
                         fit=results.fit,
                         first_contact=[_list_item(cat, index, hit, results, query.lang, today)
                                        for hit in results.first_contact]))


def _helplines(cat: Catalogue, lang: str, today) -> list[dict]:
    """The numbers the results list shows on top of a search about violence, abuse or a
    crisis, in lang where the catalogue has it, in the website's order: the emergency
    numbers, the town's own crisis lines, the national helplines. An app must show them too."""
    def national(line) -> dict:
        return {"phone": line["phone"],
                **{key: wording.helpline_text(line, key, lang) for key in ("name", "for", "hours")}}

    local = [{"phone": offer.phones[0], "name": offer.text("name", lang),
              "for": t(lang, "in %(town)s", town=wording.town_name(cat.town, lang)),
              "hours": t(lang, wording.ALWAYS_REACHABLE)}
             for offer in cat.crisis_lines(today)]
    return ([national(line) for line in cat.helplines if line.get("emergency")] + local
            + [national(line) for line in cat.helplines if not line.get("emergency")])


def _list_item(cat: Catalogue, index: _Index, hit, results, lang: str, today) -> dict:
    """A service of the results list with what the website's list shows, so that an app
    needs no call per result: HSDS's phones, languages, cost and places, and `display`,
    the same facts in words in lang, each asked of the model."""
    offer = hit.offer
    mapper = index.mappers[lang]
    record = offer.as_record(lang)
    item = mapper.service(record, full=False)
    sid = item["id"]
    extra = {"phones": [mapper.phone(number, sid, "service_id") for number in offer.phones],
             "languages": [mapper.language(code, sid) for code in offer.languages],
             "cost_options": mapper.cost_options(record, sid),
             "service_at_locations": [mapper.service_at_location(record, place)
                                      for place in record["locations"]]}
    item.update({k: v for k, v in extra.items() if v})
    item["display"] = _display(cat, offer, hit.why, results.district, lang, today,
                               hit.score, hit.stale, hit.distance_km)
    return _with_distance(item, hit)


def _display(cat: Catalogue, offer: Offer, why: str, searched: str | None, lang: str,
             today, score: float, stale: bool, distance_km: float | None = None) -> dict:
    """What a results list shows of an offer, in words in lang (German where a text has
    no translation: translated says so), and how it fits: why it is shown (WHY_ORDER),
    how well it answers the words, and whether it went unchecked for over a year."""
    place = offer.locations[0] if offer.locations else None

    def district(key: str) -> str:
        place = cat.places.get(key)
        return place.name_in(lang) if place else key

    return {
        "offer_id": offer.id,
        "url": url_for("pages.offer", lang=lang, offer_id=offer.id, _external=True),
        "name": offer.text("name", lang),
        "summary": offer.text("summary", lang),
        "translated": offer.translated(lang),
        "ages": offer.ages_in_words(lang),
        "cost": t(lang, "kostenlos") if offer.free else offer.text("fees_description", lang) or None,
        "languages": [language_name(code, lang) for code in offer.languages],
        "where": wording.where_parts(why, offer, lang, district, searched, distance_km),
        "address": ", ".join(place.address_lines()) if place else None,
        "district": district(place.district) if place and place.district else None,
        "map": bool(place and place.located),
        "phones": list(offer.phones),
        "next_dates": offer.next_dates_in_words(today, lang),
        "hours": offer.hours_in_words(today, lang),
        "fit": {"why": why or None, "score": round(score, 4), "stale": stale},
    }


def _with_distance(service: dict, hit) -> dict:
    """A hit's distance from the family's place or point, when one was measured."""
    if hit.distance_km is not None:
        service["distance_km"] = round(hit.distance_km, 1)
    return service


@bp.get("/services/<service_id>")
def service(service_id: str):
    cat, index = _catalogue()
    lang = _lang()
    offer = cat.offer(index.services.get(service_id, service_id))
    if offer is None:
        raise ApiError(404, None, f"no service with id {service_id!r}")
    provider = cat.providers[offer.provider_id].as_record(lang)
    return jsonify(index.mappers[lang].service(offer.as_record(lang), provider))


@bp.get("/organizations")
def organizations():
    cat, index = _catalogue()
    lang = _lang()
    page, per_page = _paging()
    ids = list(index.organizations.values())
    chosen = ids[(page - 1) * per_page: page * per_page]
    contents = [_organization_list_item(index, cat.providers[p].as_record(lang), lang)
                for p in chosen]
    return jsonify(_page(contents, len(ids), page, per_page))


def _organization_list_item(index: _Index, provider: dict, lang: str) -> dict:
    full = index.mappers[lang].organization(provider)
    return {k: v for k, v in full.items() if not isinstance(v, list)}


@bp.get("/organizations/<organization_id>")
def organization(organization_id: str):
    cat, index = _catalogue()
    lang = _lang()
    provider_id = index.organizations.get(organization_id, organization_id)
    provider = cat.providers.get(provider_id)
    if provider is None:
        raise ApiError(404, None, f"no organization with id {organization_id!r}")
    offers = cat.offers_by_ids(cat.provider_offer_ids(provider_id))
    mapper = index.mappers[lang]
    services = [mapper.service(offers[i].as_record(lang), full=False) for i in sorted(offers)]
    return jsonify(mapper.organization(provider.as_record(lang), services))


@bp.get("/service_at_locations")
def service_at_locations():
    cat, index = _catalogue()
    lang = _lang()
    page, per_page = _paging()
    chosen = index.at_locations[(page - 1) * per_page: page * per_page]
    offers = cat.offers_by_ids(sorted({oid for _, oid, _ in chosen}))
    contents = [_at_location(cat, index, offers[oid], n, lang) for _, oid, n in chosen]
    return jsonify(_page(contents, len(index.at_locations), page, per_page))


@bp.get("/service_at_locations/<at_location_id>")
def service_at_location(at_location_id: str):
    cat, index = _catalogue()
    lang = _lang()
    found = index.at_location_by_id.get(at_location_id)
    if found is None:
        raise ApiError(404, None, f"no service_at_location with id {at_location_id!r}")
    oid, n = found
    return jsonify(_at_location(cat, index, cat.offer(oid), n, lang))


def _at_location(cat: Catalogue, index: _Index, offer: Offer, n: int, lang: str) -> dict:
    record = offer.as_record(lang)
    return index.mappers[lang].service_at_location(record, record["locations"][n],
                                                   with_service=True)


@bp.get("/taxonomies")
def taxonomies():
    _, index = _catalogue()
    page, per_page = _paging()
    items = index.taxonomies
    return jsonify(_page(items[(page - 1) * per_page: page * per_page], len(items), page,
                         per_page))


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str):
    _, index = _catalogue()
    for item in index.taxonomies:
        if item["id"] == taxonomy_id:
            return jsonify(item)
    raise ApiError(404, None, f"no taxonomy with id {taxonomy_id!r}")


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    _, index = _catalogue()
    page, per_page = _paging()
    items = index.terms
    wanted = _one("taxonomy_id")
    if wanted:
        items = [t for t in items if t["taxonomy_id"] == wanted]
    return jsonify(_page(items[(page - 1) * per_page: page * per_page], len(items), page,
                         per_page))


@bp.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str):
    _, index = _catalogue()
    for item in index.terms:
        if item["id"] == term_id:
            return jsonify(item)
    raise ApiError(404, None, f"no taxonomy term with id {term_id!r}")


# --- errors, CORS, rate limit -----------------------------------------------------------


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_response(error.status, error.message, error.parameter)


def error_response(status: int, message: str, parameter: str | None = None, **extra):
    body = {"error": {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                      429: "too_many_requests", 503: "unavailable"}.get(status, "error"),
            "message": message, **extra}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def http_error(error: HTTPException):
    """HTTP errors on /api/ paths (unknown route, wrong method, too many requests) as JSON."""
    if error.code == 429:
        retry = retry_after()
        response = error_response(429, f"Too many requests. Please come back in {retry} "
                                       f"seconds.", retry_after=retry)
        response.headers["Retry-After"] = str(retry)
        return cors(response)
    messages = {404: "no such endpoint", 405: "only GET is allowed"}
    response = error_response(error.code or 500, messages.get(error.code, error.description or ""))
    if error.code == 405:
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    return cors(response)


def _current_limit():
    limiter = current_app.extensions.get("finder_limiter")
    return limiter.current_limit if limiter is not None else None


def retry_after() -> int:
    """Seconds until the client's window has room again."""
    limit = _current_limit()
    if limit is not None:
        window = limit.limit.get_expiry()
        return max(1, min(window, math.ceil(limit.reset_at - time.time())))
    return 60


@bp.after_request
def cors(response):
    """Any site may read every answer, errors included (an app must see its 404 and 429)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Access-Control-Expose-Headers"] = ("Retry-After, X-RateLimit-Limit, "
                                                         "X-RateLimit-Remaining, X-RateLimit-Reset")
    if "Origin" not in response.headers.get_all("Vary"):
        response.headers.add("Vary", "Origin")
    limit = _current_limit()
    if limit is not None:
        response.headers["X-RateLimit-Limit"] = str(limit.limit.amount)
        response.headers["X-RateLimit-Remaining"] = str(limit.remaining)
        response.headers["X-RateLimit-Reset"] = str(int(limit.reset_at))
    return response
