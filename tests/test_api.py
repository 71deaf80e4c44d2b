"""The JSON API under /api/v1 over real HTTP: `finder serve` on 127.0.0.1, checked by
schemathesis against its own OpenAPI document and by the official HSDS 3.0 schemas."""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from finder.search import Query
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
