"""The JSON API under /api/v1 over real HTTP: `finder serve` on 127.0.0.1, checked by
schemathesis against its own OpenAPI document and by the official HSDS 3.0 schemas."""

from __future__ import annotations

import json
import re
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from finder import wording
from finder.search import WHY_ORDER, Query
from tests.conftest import TODAY, serving
from tests.test_hsds import validator


@pytest.fixture(scope="module")
def api_server(bundled_data):
    with serving(bundled_data, "--workers", "1",
                 env={"FINDER_API_RATE_LIMIT": "100000 per minute"}) as base:
        yield base


def get(url: str, headers: dict | None = None):
    """(status, headers, JSON body) of a GET, errors included."""
    try:
        with urlopen(Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_the_api_keeps_its_openapi_document(api_server):
    """schemathesis against the live server: no server error, every status, header and
    body as documented, for each operation. (Its pytest plugin does not run on pytest 9,
    so the operations are driven by Hypothesis here.)"""
    schema = schemathesis.openapi.from_url(api_server + "/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate()

        check()


def test_services_answer_the_websites_search(api_server, catalogue):
    status, headers, body = get(api_server + "/api/v1/services?q=Hebamme&age=0&district=hafen"
                                "&lang=en&per_page=5")
    assert status == 200
    expected = catalogue.search(Query(text="Hebamme", ages_months=(0,), district="hafen",
                                      lang="en", page_size=5), TODAY)
    assert body["total_items"] == expected.total
    names = [s["name"] for s in body["contents"]]
    assert names == [h.title for h in expected.hits]
    assert body["size"] == len(names) and body["page_number"] == 1
    check = validator("service_list")
    for service in body["contents"]:
        check.validate(service)


def test_pages_go_through_the_whole_list(api_server, catalogue):
    status, _, first = get(api_server + "/api/v1/services?topic=health&per_page=7")
    total = first["total_items"]
    assert status == 200 and total > 7 and first["first_page"] and not first["last_page"]
    seen = []
    for page in range(1, first["total_pages"] + 1):
        _, _, body = get(api_server + f"/api/v1/services?topic=health&per_page=7&page={page}")
        seen += [s["id"] for s in body["contents"]]
    assert len(seen) == len(set(seen)) == total
    assert body["last_page"]


def test_one_service_is_full_hsds(api_server, catalogue):
    _, _, listing = get(api_server + "/api/v1/services?q=Hebamme")
    service_id = listing["contents"][0]["id"]
    status, _, service = get(api_server + f"/api/v1/services/{service_id}")
    assert status == 200 and service["id"] == service_id
    validator("service").validate(service)
    ours = next(a["value"] for a in service["attributes"] if a["link_type"] == "offer_id")
    assert service["name"] == catalogue.offer(ours).name
    # our own id leads to the same service
    assert get(api_server + f"/api/v1/services/{ours}")[2]["id"] == service_id
    status, _, organization = get(api_server + f"/api/v1/organizations/{service['organization_id']}")
    assert status == 200
    validator("organization").validate(organization)
    assert service_id in [s["id"] for s in organization["services"]]


def test_lists_are_valid_hsds(api_server):
    for path, schema in (("organizations", "organization_list"),
                         ("service_at_locations", "service_at_location_list"),
                         ("taxonomy_terms", "taxonomy_term"), ("taxonomies", "taxonomy")):
        status, _, body = get(api_server + f"/api/v1/{path}?per_page=100")
        assert status == 200 and body["contents"], path
        check = validator(schema)
        for item in body["contents"]:
            check.validate(item)
    _, _, body = get(api_server + "/api/v1/service_at_locations?per_page=3")
    status, _, one = get(api_server + f"/api/v1/service_at_locations/{body['contents'][0]['id']}")
    assert status == 200 and one == body["contents"][0]


@pytest.mark.parametrize("query, parameter", [
    ("age=x", "age"), ("age=99", "age"), ("topic=nope", "topic"), ("phase=nope", "phase"),
    ("district=atlantis", "district"), ("free=maybe", "free"), ("lang=xx", "lang"),
    ("page=0", "page"), ("per_page=1000", "per_page"), ("lang_spoken=Deutsch", "lang_spoken"),
    ("q=" + "a" * 600, "q"),
])
def test_bad_parameters_are_a_clear_400(api_server, query, parameter):
    status, headers, body = get(api_server + "/api/v1/services?" + query)
    assert status == 400, body
    assert body["error"] == "bad_request" and body["parameter"] == parameter
    assert parameter in body["message"]
    assert headers["Content-Type"].startswith("application/json")


def test_unknown_ids_and_paths_are_json_404(api_server):
    for path in ("/api/v1/services/nope", "/api/v1/organizations/nope", "/api/v1/nope"):
        status, _, body = get(api_server + path)
        assert status == 404 and body["error"] == "not_found"


def test_cors_for_get_and_preflight_and_no_cookie(api_server):
    status, headers, _ = get(api_server + "/api/v1/services", {"Origin": "https://example.org"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in headers
    request = Request(api_server + "/api/v1/services", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Accept"})
    with urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response.headers["Access-Control-Allow-Methods"]
        assert "Accept" in response.headers["Access-Control-Allow-Headers"]
    post = Request(api_server + "/api/v1/services", method="POST", data=b"{}")
    with pytest.raises(HTTPError) as error:
        urlopen(post, timeout=10)
    assert error.value.code == 405 and json.loads(error.value.read())["error"]


def test_the_rate_limit_says_when_to_come_back(bundled_data, tmp_path):
    log = tmp_path / "server.log"
    with serving(bundled_data, "--workers", "1", env={"FINDER_API_RATE_LIMIT": "5 per minute"},
                 log=log) as base:
        answers = [get(base + "/api/v1/taxonomies") for _ in range(5)]
        assert [a[0] for a in answers] == [200] * 5
        assert [a[1]["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
        status, headers, body = get(base + "/api/v1/services")
        assert status == 429
        wait = int(headers["Retry-After"])
        assert 1 <= wait <= 60
        assert body["error"] == "too_many_requests" and body["retry_after"] == wait
        assert headers["Access-Control-Allow-Origin"] == "*"  # an app in a browser reads it
        assert str(wait) in body["message"]
        # the website is not limited
        with urlopen(base + "/de/", timeout=10) as response:
            assert response.status == 200
    # the client's address is not logged (the server's own address, on start, is)
    assert "127.0.0.1" not in log.read_text().replace(f"{base}/", "")


def test_openapi_document_describes_every_endpoint(api_server):
    status, _, document = get(api_server + "/api/v1/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.1")
    for path in ("/services", "/services/{id}", "/organizations", "/organizations/{id}",
                 "/taxonomies", "/taxonomy_terms", "/service_at_locations"):
        assert "get" in document["paths"][path]
    names = [p["name"] for p in document["paths"]["/services"]["get"]["parameters"]]
    for name in ("q", "age", "expecting", "phase", "district", "topic", "free", "lang_spoken",
                 "lang", "page"):
        assert name in names


def test_behind_a_trusted_proxy_each_client_has_its_own_count(bundled_data):
    from finder.web import create_app

    def remaining(app, forwarded: str) -> list[int]:
        client = app.test_client()
        return [client.get("/api/v1/taxonomies", headers={"X-Forwarded-For": forwarded}).status_code
                for _ in range(3)]

    trusting = create_app({"DATA_DIR": str(bundled_data), "API_RATE_LIMIT": "2 per minute",
                           "TRUSTED_PROXIES": 1})
    assert remaining(trusting, "203.0.113.7") == [200, 200, 429]
    assert remaining(trusting, "203.0.113.8") == [200, 200, 429]
    # a client cannot escape by sending its own header through the proxy: the proxy's
    # entry (the last) is the one counted
    assert remaining(trusting, "198.51.100.1, 203.0.113.7") == [429, 429, 429]
    # without a trusted proxy the header is ignored: it cannot be forged to get more
    direct = create_app({"DATA_DIR": str(bundled_data), "API_RATE_LIMIT": "2 per minute"})
    assert remaining(direct, "203.0.113.7") + remaining(direct, "203.0.113.8") == \
        [200, 200, 429, 429, 429, 429]


# --- what apps need (issue 21) ---------------------------------------------------------------


def test_list_items_carry_what_a_results_list_shows(api_server, catalogue):
    from finder.i18n import t

    status, _, body = get(api_server + "/api/v1/services?q=Hebamme&lang=ar&per_page=10")
    assert status == 200 and body["contents"]
    expected = catalogue.search(Query(text="Hebamme", lang="ar", page_size=10), TODAY)
    for item, hit in zip(body["contents"], expected.hits, strict=True):
        offer = hit.offer
        shown = item["display"]
        assert shown["name"] == offer.text("name", "ar") == item["name"]
        assert shown["summary"] == offer.text("summary", "ar") == item["alternate_name"]
        assert shown["translated"] == offer.translated("ar")
        assert shown["ages"] == offer.ages_in_words("ar")
        assert shown["cost"] == (t("ar", "kostenlos") if offer.free
                                 else offer.text("fees_description", "ar"))
        assert shown["phones"] == list(offer.phones)
        assert shown["next_dates"] == offer.next_dates_in_words(TODAY, "ar")
        assert shown["hours"] == offer.hours_in_words(TODAY, "ar")
        assert len(shown["languages"]) == len(offer.languages)
        if offer.locations:
            place = offer.locations[0]
            assert shown["address"] == ", ".join(place.address_lines())
            assert shown["district"] == wording.district_name(catalogue.districts, place.district, "ar")
            assert shown["map"] == place.located
            assert item["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == \
                place.address_1
        assert [p["number"] for p in item.get("phones", [])] == list(offer.phones)
    # One with next dates and an address, so that the checks above are not empty.
    assert any(i["display"]["next_dates"] and i["display"]["address"] for i in body["contents"])
    status, _, body = get(api_server + "/api/v1/services?topic=leisure_sport&lang=tr&per_page=3")
    assert any("Almanca" in i["display"]["languages"] for i in body["contents"])


def test_every_text_is_in_the_language_asked_where_it_is_translated(api_server, catalogue):
    from finder.i18n import t

    _, _, german = get(api_server + "/api/v1/services?free=true&age=3&per_page=20")
    _, _, arabic = get(api_server + "/api/v1/services?free=true&age=3&per_page=20&lang=ar")
    assert [s["id"] for s in german["contents"]] == [s["id"] for s in arabic["contents"]]
    pairs = [(g, a) for g, a in zip(german["contents"], arabic["contents"])
             if g.get("eligibility_description")]
    assert pairs
    for de, ar in pairs:
        assert de["eligibility_description"] != ar["eligibility_description"]
        assert not any("a" <= ch <= "z" for ch in ar["eligibility_description"]), ar
        assert ar["cost_options"][0]["option"] == t("ar", "kostenlos") != "kostenlos"
        assert de["cost_options"][0]["option"] == "kostenlos"
    service_id = pairs[0][1]["id"]
    _, _, full = get(api_server + f"/api/v1/services/{service_id}?lang=ar")
    assert full["eligibility_description"] == pairs[0][1]["eligibility_description"]
    assert full["languages"][0]["name"] != _language_name_de(full["languages"][0]["code"])
    topics = [a["taxonomy_term"] for a in full["attributes"] if a["taxonomy_term"]["taxonomy"]
              == "Familienwegweiser: Themen"]
    assert topics and all(term["language"] == "ar" for term in topics)
    assert topics[0]["name"] == catalogue.vocabulary["topic"][topics[0]["code"]]["labels"]["ar"]
    # The taxonomy terms themselves stay in German: they are asked without a language.
    _, _, terms = get(api_server + "/api/v1/taxonomy_terms?per_page=5")
    assert all(term["language"] == "de" for term in terms["contents"])


def _language_name_de(code: str) -> str:
    from babel import Locale

    return Locale.parse("de").languages[code]


def test_empty_is_right_on_every_page(api_server):
    _, _, first = get(api_server + "/api/v1/services?topic=health&per_page=7")
    assert first["size"] == 7 and first["empty"] is False
    beyond = first["total_pages"] + 1
    _, _, after = get(api_server + f"/api/v1/services?topic=health&per_page=7&page={beyond}")
    assert after["size"] == 0 and after["contents"] == [] and after["empty"] is True
    assert after["total_items"] == first["total_items"] and after["last_page"] is True
    for path in ("organizations", "taxonomies", "taxonomy_terms", "service_at_locations"):
        _, _, body = get(api_server + f"/api/v1/{path}?page=500")
        assert body["size"] == 0 and body["empty"] is True, path


def test_cors_on_every_answer_errors_included(api_server):
    origin = {"Origin": "https://example.org"}
    for path in ("/api/v1/nope", "/api/v1/services/nope", "/api/v1/services?age=x"):
        status, headers, body = get(api_server + path, origin)
        assert status in (400, 404) and headers["Access-Control-Allow-Origin"] == "*", path
    post = Request(api_server + "/api/v1/services", method="POST", data=b"{}", headers=origin)
    with pytest.raises(HTTPError) as error:
        urlopen(post, timeout=10)
    assert error.value.code == 405
    assert error.value.headers["Access-Control-Allow-Origin"] == "*"


def test_the_openapi_document_lists_filters_relaxed_codes_and_list_items(api_server):
    from finder.search import RELAXATIONS, SEARCH_PARAMETERS

    _, _, document = get(api_server + "/api/v1/openapi.json")
    operation = document["paths"]["/services"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert set(SEARCH_PARAMETERS) <= names
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]
    relaxed = page["properties"]["relaxed"]
    assert relaxed["items"]["enum"] == [step for step, _ in RELAXATIONS]
    for step, _ in RELAXATIONS:
        assert f"{step}:" in relaxed["description"]
    assert page["properties"]["contents"]["items"]["$ref"] == "#/components/schemas/ServiceListItem"
    shown = document["components"]["schemas"]["Display"]["properties"]
    for field in ("name", "summary", "ages", "cost", "languages", "address", "district", "phones",
                  "next_dates"):
        assert field in shown


def _results_list(html: str) -> dict:
    """What the website's results list shows, read from its HTML: the emergency box's
    numbers, the relaxed notes, and per hit its title, summary, facts and notes."""
    from html import unescape

    def text(fragment: str) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).split())

    hits = []
    for article in re.findall(r'<article class="hit".*?</article>', html, re.S):
        facts = [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", article, re.S)]
        hits.append({
            "id": re.search(r'aria-labelledby="hit-([^"]+)"', article).group(1),
            "name": text(re.search(r"<h3.*?</h3>", article, re.S).group(0)),
            "summary": text(re.search(r"</h3>\s*<p[^>]*>(.*?)</p>", article, re.S).group(1)),
            "facts": facts,
            "free": 'class="free"' in article,
            "stale": "stale" in article,
            "fallback": 'class="small">' in article.replace('class="small stale"', ""),
        })
    emergency = re.search(r'<aside class="emergency".*?</aside>', html, re.S)
    return {"hits": hits,
            "helplines": re.findall(r'class="call"[^>]*>.*?</span>([^<]+)</a>', emergency.group(0))
            if emergency else [],
            "relaxed": [text(li) for li in re.findall(
                r'<div class="note relaxed".*?<ul>(.*?)</ul>', html, re.S)[0].split("</li>")
                if text(li)] if 'class="note relaxed"' in html and "<ul>" in html.split(
                'class="note relaxed"')[1].split("</div>")[0] else []}


@pytest.mark.parametrize("lang,params", [
    ("de", {"q": "Beratung"}),
    ("ar", {"q": "Hebamme", "district": "hafen"}),
    ("tr", {"topic": "leisure_sport", "age": "5", "free": "1", "district": "kirchdorf"}),
    ("uk", {"topic": "education", "evening": "1", "weekend": "1", "district": "suedstadt"}),
    ("fa", {"topic": "health", "age": "1", "weekend": "1", "accessible": "1",
            "district": "kirchdorf"}),  # relaxed: nearby districts
    ("uk", {"topic": "leisure_sport", "age": "15", "evening": "1", "free": "1",
            "lang_spoken": "uk"}),  # relaxed: any topic
    ("de", {"q": "mein Mann schlägt mich"}),
    ("en", {"q": "my husband hits me"}),
])
def test_an_app_gets_what_the_results_list_shows(bundled_data, lang, params):
    """The website's results list and the API's page for the same search, side by side:
    the same hits in the same order, each with the same name, summary, ages, where, cost
    and notes in the same language; the same relaxed notes and emergency numbers."""
    from urllib.parse import urlencode

    from finder.web import create_app

    client = create_app({"DATA_DIR": str(bundled_data), "TESTING": True,
                         "API_RATE_LIMIT": "100000 per minute"}).test_client()
    shown = _results_list(client.get(f"/{lang}/search?{urlencode(params)}").get_data(as_text=True))
    body = client.get(f"/api/v1/services?{urlencode({**params, 'lang': lang, 'per_page': 10})}"
                      ).get_json()
    assert shown["hits"], params
    assert [h["id"] for h in shown["hits"]] == [i["display"]["offer_id"] for i in body["contents"]]
    for hit, item in zip(shown["hits"], body["contents"], strict=True):
        display = item["display"]
        assert hit["name"] == display["name"] and hit["summary"] == display["summary"]
        assert hit["fallback"] is (not display["translated"])
        facts = [display["ages"], *display["where"]]
        if hit["free"]:
            facts.append(display["cost"])
        assert hit["facts"] == facts, hit["id"]
        assert hit["stale"] is display["fit"]["stale"]
        assert display["fit"]["why"] in (None, *WHY_ORDER)
        assert display["fit"]["score"] >= 0 and (display["fit"]["score"] > 0) is ("q" in params)
    assert shown["relaxed"] == body["relaxed_words"]
    assert body["emergency"] is bool(shown["helplines"])
    assert [line["phone"] for line in body["helplines"]] == shown["helplines"]
    if shown["helplines"]:
        assert all(line["name"] and line["for"] for line in body["helplines"])
