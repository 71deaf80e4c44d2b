"""The OpenAPI 3.1 document of /api/v1: the HSDS 3.0 API's paths with our search
parameters, and schemas that say exactly what our endpoints return (a strict subset of
the HSDS objects: every field is the standard's, no others)."""

from __future__ import annotations

from functools import cache

from finder.i18n import t
from finder.model import LANGUAGES, MAX_CHILD_AGE_YEARS, PHASE_IDS, TOPIC_IDS
from finder.search import MAX_PAGE, MAX_PAGE_SIZE, MAX_TEXT, RELAXATIONS, WHY_ORDER
from finder.search.fit import FITS
from finder.search.query import MAX_RADIUS_KM
from finder.wording import RELAXED, WHY

S = {"type": "string"}
NUM = {"type": "number"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def many(name: str) -> dict:
    return {"type": "array", "items": ref(name)}


def obj(required: str, **properties) -> dict:
    return {"type": "object", "required": required.split(), "additionalProperties": False,
            "properties": properties}


WHY_TEXT = ("Why the offer is shown when a district was searched (null otherwise), as the "
            "results list says it in display.where: "
            + "; ".join(f"{why}: {t('en', WHY[why], district='…')}" for why in WHY_ORDER) + ".")

SERVICE_LIST = dict(
    id=S, organization_id=S, name=S, alternate_name=S, description=S, url=S, email=S,
    status={"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]},
    application_process=S, fees_description=S, eligibility_description=S, minimum_age=NUM,
    maximum_age=NUM, assured_date=S)
ORGANIZATION_LIST = dict(id=S, name=S, description=S, email=S, website=S)
LOCATION = dict(id=S, location_type={"type": "string", "enum": ["physical", "postal", "virtual"]},
                organization_id=S, name=S, latitude=NUM, longitude=NUM,
                addresses=many("Address"), accessibility=many("Accessibility"),
                attributes=many("Attribute"))

SCHEMAS = {
    "Taxonomy": obj("id name description", id=S, name=S, description=S, version=S),
    "TaxonomyTerm": obj("id name description", id=S, code=S, name=S, description=S, taxonomy=S,
                        taxonomy_id=S, language=S),
    "Attribute": obj("id link_type", id=S, link_id=S, link_entity=S, link_type=S,
                     taxonomy_term_id=S, value=S, taxonomy_term=ref("TaxonomyTerm")),
    "Phone": obj("id number", id=S, number=S, type=S, service_id=S, organization_id=S),
    "Address": obj("id address_1 city state_province postal_code country address_type",
                   id=S, location_id=S, address_1=S, city=S, region=S, state_province=S,
                   postal_code=S, country=S,
                   address_type={"type": "string", "enum": ["physical", "postal", "virtual"]}),
    "Accessibility": obj("id", id=S, location_id=S, description=S),
    "Location": obj("id location_type", **LOCATION),
    "Schedule": obj("id", id=S, service_id=S, freq={"type": "string", "enum": ["WEEKLY", "MONTHLY"]},
                    interval=NUM, byday=S, dtstart=S, valid_from=S, valid_to=S, count=NUM,
                    opens_at=S, closes_at=S, description=S),
    "ServiceArea": obj("id", id=S, service_id=S, name=S, extent_type=S,
                       attributes=many("Attribute")),
    "Language": obj("id", id=S, service_id=S, code=S, name=S),
    "CostOption": obj("id", id=S, service_id=S, option=S, amount=NUM, currency=S),
    "OrganizationIdentifier": obj("id identifier_type identifier", id=S, organization_id=S,
                                  identifier_scheme=S, identifier_type=S, identifier=S),
    "OrganizationList": obj("id name description", **ORGANIZATION_LIST),
    "Organization": obj("id name description", **ORGANIZATION_LIST, phones=many("Phone"),
                        locations=many("Location"),
                        organization_identifiers=many("OrganizationIdentifier"),
                        attributes=many("Attribute"), services=many("ServiceList")),
    "ServiceList": obj("id name status", **SERVICE_LIST),
    "Display": obj(
        "offer_id url name summary translated ages cost languages where address district map "
        "phones next_dates hours fit",
        offer_id={**S, "description": "The offer's id in the catalogue (as in its page's address)."},
        url={**S, "description": "The offer's page on the website, in the language asked."},
        name=S, summary=S,
        translated={"type": "boolean", "description": "Whether name and summary are in the "
                                                      "language asked (else German)."},
        ages={**S, "description": "For whom, in words: \"3–6 Jahre\", «3–6 лет»."},
        cost={"type": ["string", "null"], "description": "\"free\" in the language asked, or "
                                                         "what it costs."},
        languages={"type": "array", "items": S, "description": "The languages spoken there, "
                                                               "named in the language asked."},
        where={"type": "array", "items": S, "description": "Why and how it is near, as the "
                                                           "results list says it."},
        address={"type": ["string", "null"]}, district={"type": ["string", "null"]},
        map={"type": "boolean", "description": "Whether the place has coordinates (a pin); "
                                               "a place without them shows none."},
        phones={"type": "array", "items": S},
        next_dates={"type": "array", "items": S, "description": "The next sessions, never on a "
                                                                "public holiday or closed day."},
        hours={"type": "array", "items": S, "description": "The opening hours in words."},
        fit=ref("Fit")),
    "Fit": obj("why score stale", why={"type": ["string", "null"], "enum": [*WHY_ORDER, None],
                                       "description": WHY_TEXT},
               score={**NUM, "minimum": 0,
                      "description": "How well the offer answers the search words, higher is "
                                     "better (0 without words); the list is already in the "
                                     "search's order."},
               stale={**BOOL, "description": "Not checked for over a year: the results list "
                                             "asks to call before going."}),
    "Helpline": obj("phone name for hours", phone=S, name=S, hours=S,
                    **{"for": {**S, "description": "Who it is for."}}),
    "ServiceListItem": obj("id name status display", **SERVICE_LIST, phones=many("Phone"),
                           languages=many("Language"), cost_options=many("CostOption"),
                           service_at_locations=many("ServiceAtLocationOfService"),
                           display={**ref("Display"),
                                    "description": "What a results list shows, in words in the "
                                                   "language asked (not part of HSDS)."},
                           distance_km={**NUM, "description": "In a search with a district or "
                                                              "`near`: straight-line kilometres "
                                                              "to the nearest place the service "
                                                              "is held (or serves), one decimal."}),
    "ServiceAtLocationOfService": obj("id", id=S, service_id=S, location_id=S,
                                      location=ref("Location")),
    "Service": obj("id name status", **SERVICE_LIST, phones=many("Phone"),
                   schedules=many("Schedule"), service_areas=many("ServiceArea"),
                   service_at_locations=many("ServiceAtLocationOfService"),
                   languages=many("Language"), cost_options=many("CostOption"),
                   attributes=many("Attribute"), organization=ref("Organization")),
    "ServiceAtLocation": obj("id", id=S, service_id=S, location_id=S, location=ref("Location"),
                             service=ref("ServiceList")),
    "Error": obj("error message", error=S, message=S, parameter=S, retry_after=INT),
}


def page_of(name: str, **extra) -> dict:
    return obj("total_items total_pages page_number size first_page last_page empty contents",
               total_items=INT, total_pages=INT, page_number=INT, size=INT, first_page=BOOL,
               last_page=BOOL, empty=BOOL, contents=many(name), **extra)


def param(name: str, schema: dict, description: str, where: str = "query", **more) -> dict:
    return {"name": name, "in": where, "required": where == "path", "description": description,
            "schema": schema, **more}


PAGING = [
    param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page number, from 1."),
    param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
          "Items per page (default 20)."),
]
LANG = param("lang", {"type": "string", "enum": list(LANGUAGES)},
             "Language of the texts (translated where the catalogue has a translation, German "
             "otherwise). Default de.")
NEAR_PATTERN = (r"^-?(90(\.0+)?|[1-8]?\d(\.\d+)?),"
                r"-?(180(\.0+)?|(1[0-7]\d|[1-9]?\d)(\.\d+)?)$")
"""latitude,longitude in degrees: -90 to 90, -180 to 180."""
FILTERS = {
    "expecting": "We are expecting a baby.",
    "free": "Only offers free of charge.",
    "accessible": "Only offers whose place can be reached in a wheelchair.",
    "weekend": "Only offers held on a Saturday or Sunday (lines open around the clock are not "
               "counted as weekend offers).",
    "evening": "Only offers held after 18:00.",
    "online": "Only offers online or by phone.",
}
SEARCH = [
    param("q", {"type": "string", "maxLength": MAX_TEXT},
          "Words in any supported language, as on the website."),
    param("search", {"type": "string", "maxLength": MAX_TEXT}, "HSDS name of q."),
    param("age", {"type": "array", "items": {"type": "integer", "minimum": 0,
                                             "maximum": MAX_CHILD_AGE_YEARS},
                  "maxItems": 10},
          "A child's age in whole years (repeatable: several children).", style="form",
          explode=True),
    param("phase", {"type": "string", "enum": list(PHASE_IDS)}, "Life phase."),
    None,  # the district, whose ids come from the catalogue (see document())
    param("near", {"type": "string", "pattern": NEAR_PATTERN},
          "A point 'latitude,longitude' to measure distances from instead of the district's "
          "centre (rounded to two decimals, about 1 km; never stored). Hits then carry "
          "distance_km and are ordered by it within a relevance band."),
    param("radius_km", {"type": "integer", "minimum": 1, "maximum": MAX_RADIUS_KM},
          "Only offers held at most this many kilometres away (straight line) from `near` or "
          "the district, plus those online, by phone or coming to the family."),
    param("topic", {"type": "array", "items": {"type": "string", "enum": list(TOPIC_IDS)}},
          "Topic id (repeatable).", style="form", explode=True),
    param("lang_spoken", {"type": "string", "pattern": "^[a-z]{2,3}$"},
          "Only offers where this language is spoken (ISO 639 code)."),
    *(param(name, {"type": "boolean"}, text) for name, text in FILTERS.items()),
    LANG,
    *PAGING,
]


def ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": ok(ref("Error"), "A parameter cannot be used; the message names it."),
    "429": {**ok(ref("Error"), "Too many requests from this client: come back after "
                               "Retry-After seconds."),
            "headers": {"Retry-After": {"schema": {"type": "integer"},
                                        "description": "Seconds to wait."}}},
}
NOT_FOUND = {"404": ok(ref("Error"), "No such id.")}


def get(summary: str, parameters: list, response: dict, errors: dict = ERRORS) -> dict:
    return {"get": {"summary": summary, "operationId": summary.replace(" ", "_"),
                    "parameters": parameters, "responses": {"200": ok(response), **errors}}}


def by_id(name: str) -> list:
    return [param("id", {"type": "string"}, f"The {name}'s id (HSDS UUID or our id).", "path")]


RELAXED_CODES = [step for step, _ in RELAXATIONS]
RELAXED_TEXT = ("When nothing matched the exact search, the filters relaxed to find something, in "
                "the order they were tried (relaxed_words says the same in the language asked): "
                + "; ".join(f"{step}: {t('en', RELAXED[step])} (relaxes {name})"
                            for step, name in RELAXATIONS) + ".")


FIT_TEXT = ("How well the results answer the query: strong (the first results answer the "
            "need), partial (related offers, none answers it exactly) or none (nothing "
            "relevant). Say so to the reader: partial and none results are no answers. A "
            "search without words is strong when its filters matched without relaxing.")
FIRST_CONTACT_TEXT = ("When fit is not strong: the town's places that help with any question "
                      "(a family office, first-contact advice, a family centre), nearest "
                      "first; show them before the related offers. Empty when fit is strong.")


@cache
def query_parameters(path: str) -> frozenset[str]:
    """The query parameters an endpoint takes, as this document lists them; the API refuses
    any other (finder.web.api)."""
    found = document("", [])["paths"].get(path, {}).get("get", {}).get("parameters", [])
    return frozenset(p["name"] for p in found if p["in"] == "query")


def document(server: str, districts: list[str]) -> dict:
    search = [p if p is not None else
              param("district", {"type": "string", "enum": districts},
                    "Place id at any level (a Stadtteil, a Gemeinde or an Ortsteil; the districts "
                    "taxonomy lists them).") for p in SEARCH]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Familienwegweiser API", "version": "1.0.0",
                 "summary": "Read-only offers of a town's prevention chain, in the shape of "
                            "Open Referral HSDS 3.0.",
                 "description": "Services (offers), organizations (providers) and taxonomies "
                                "(topics, life phases, districts). /services answers the "
                                "website's search parameters. Rate-limited per client.",
                 "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}},
        "servers": [{"url": server}],
        "paths": {
            "/": get("about", [], obj("version profile openapi_url", version=S, profile=S,
                                      openapi_url=S), {}),
            "/services": get("list services", search, page_of(
                "ServiceListItem", relaxed={"type": "array", "items": {"type": "string",
                                                                       "enum": RELAXED_CODES},
                                            "description": RELAXED_TEXT},
                relaxed_words={"type": "array", "items": S},
                suggestion={"type": ["string", "null"]},
                district={"type": ["string", "null"], "description": "The district searched in: "
                          "the one asked for, or one named in the words."},
                emergency={**BOOL, "description": "The words are about violence, abuse, self-harm "
                           "or an acute crisis: show helplines on top, as the website does."},
                helplines={**many("Helpline"), "description": "The emergency numbers when "
                           "emergency is true (else empty), in the language asked."},
                fit={"type": "string", "enum": list(FITS), "description": FIT_TEXT},
                first_contact={**many("ServiceListItem"), "description": FIRST_CONTACT_TEXT})),
            "/services/{id}": get("get service", [*by_id("service"), LANG], ref("Service"),
                                  {**ERRORS, **NOT_FOUND}),
            "/organizations": get("list organizations", [LANG, *PAGING],
                                  page_of("OrganizationList")),
            "/organizations/{id}": get("get organization", [*by_id("organization"), LANG],
                                       ref("Organization"), {**ERRORS, **NOT_FOUND}),
            "/service_at_locations": get("list service at locations", [LANG, *PAGING],
                                         page_of("ServiceAtLocation")),
            "/service_at_locations/{id}": get("get service at location",
                                              [*by_id("service_at_location"), LANG],
                                              ref("ServiceAtLocation"), {**ERRORS, **NOT_FOUND}),
            "/taxonomies": get("list taxonomies", PAGING, page_of("Taxonomy")),
            "/taxonomies/{id}": get("get taxonomy", by_id("taxonomy"), ref("Taxonomy"),
                                    {**ERRORS, **NOT_FOUND}),
            "/taxonomy_terms": get("list taxonomy terms",
                                   [param("taxonomy_id", S, "Only the terms of this taxonomy."),
                                    *PAGING], page_of("TaxonomyTerm")),
            "/taxonomy_terms/{id}": get("get taxonomy term", by_id("taxonomy term"),
                                        ref("TaxonomyTerm"), {**ERRORS, **NOT_FOUND}),
        },
        "components": {"schemas": SCHEMAS},
    }
