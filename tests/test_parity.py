"""Every front end asks the one search with the same parameters and gets the same answer:
website, desk, API, CLI and bot, and the OpenAPI document lists every parameter. A
filter that one front end drops (as the API once dropped `accessible`) fails here."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

import pytest

from finder.search import SEARCH_PARAMETERS, Query
from finder.web import create_app
from finder.web.openapi import query_parameters
from tests.conftest import TODAY, run_finder
from tests.test_bot import Running, press, say

# Each search parameter once, with a value that filters the bundled catalogue.
ONE_EACH = {
    "q": "Beratung", "age": ["4"], "expecting": "1", "phase": "kita", "district": "hafen",
    "topic": ["health"], "free": "1", "lang_spoken": "ar", "accessible": "1", "weekend": "1",
    "evening": "1", "online": "1", "page": "2", "near": "51.69,9.78", "radius_km": "2",
}


def test_the_examples_name_every_search_parameter():
    assert set(ONE_EACH) == set(SEARCH_PARAMETERS)


def expected(catalogue, params: dict, page_size: int = 10):
    return catalogue.search(Query.from_params(params, districts=catalogue.districts,
                                              page_size=page_size), TODAY)


@pytest.fixture(scope="module")
def client(bundled_data):
    return create_app({"DATA_DIR": str(bundled_data), "TESTING": True}).test_client()


def website_ids(client, path: str, params: dict) -> tuple[int, list[str]]:
    html = client.get(f"/de/{path}?{urlencode(params, doseq=True)}").get_data(as_text=True)
    total = re.search(r'results-heading"[^>]*>(\d+) Angebot', html)
    ids = re.findall(r'<article class="(?:hit|desk-hit)"[^>]*(?:aria-labelledby="hit-|id="hit-)'
                     r'([^"]+)"', html)
    return int(total.group(1)) if total else 0, ids


@pytest.mark.parametrize("name", SEARCH_PARAMETERS)
def test_website_desk_api_and_cli_answer_each_parameter_alike(catalogue, client, name):
    params = {name: ONE_EACH[name]}
    if name == "page":
        params["q"] = "Kita"          # a second page needs more than one page of results
    if name == "radius_km":
        params["district"] = "hafen"  # a radius is measured from a place (or a point)
    found = expected(catalogue, params)
    assert found.total > 0, f"the example for {name} finds nothing"
    want = [h.id for h in found.hits]

    assert website_ids(client, "search", params) == (found.total, want), "website"
    desk_total, desk_ids = website_ids(client, "desk", params)
    desk = expected(catalogue, params, page_size=20)
    assert (desk_total, desk_ids) == (desk.total, [h.id for h in desk.hits]), "desk"

    api = client.get(f"/api/v1/services?{urlencode({**params, 'per_page': 10}, doseq=True)}")
    assert api.status_code == 200, api.get_json()
    body = api.get_json()
    assert body["total_items"] == found.total, "api"
    assert [s["name"] for s in body["contents"]] == [h.title for h in found.hits], "api"

    options = []
    for key, values in params.items():
        flag = "--accessible" if key == "accessible" else "--" + key.replace("_", "-")
        for value in values if isinstance(values, list) else [values]:
            if key == "q":
                options.append(value)
            elif value == "1" and key in ("expecting", "free", "accessible", "weekend",
                                          "evening", "online"):
                options.append(flag)
            else:
                options += [flag, value]
    cli = run_finder("search", "--json", "--data-dir", str(catalogue.path.parent.parent),
                     *options)
    assert cli.returncode == 0, cli.stderr
    printed = json.loads(cli.stdout)
    assert (printed["total"], [h["id"] for h in printed["hits"]]) == (found.total, want), "cli"


def test_the_openapi_document_lists_every_search_parameter():
    assert set(SEARCH_PARAMETERS) <= query_parameters("/services")


@pytest.mark.parametrize("name", ["accessible", "evening", "weekend", "online", "free"])
def test_the_api_honours_every_filter_of_the_website(catalogue, client, name):
    filtered = client.get(f"/api/v1/services?q=Beratung&{name}=true").get_json()
    unfiltered = client.get("/api/v1/services?q=Beratung").get_json()
    assert filtered["total_items"] == expected(catalogue, {"q": "Beratung", name: "1"}).total
    assert filtered["total_items"] < unfiltered["total_items"]


@pytest.mark.parametrize("path", ["/api/v1/services?q=Kita&acessible=1",
                                  "/api/v1/organizations?lang=ar&sort=name",
                                  "/api/v1/services/xyz?lang=ar&full=1"])
def test_an_unknown_api_parameter_is_refused_by_name(client, path):
    answer = client.get(path)
    assert answer.status_code == 400
    unknown = path.rsplit("&", 1)[1].split("=")[0]
    assert answer.get_json()["parameter"] == unknown and unknown in answer.get_json()["message"]


def test_tracking_parameters_on_a_shared_website_link_are_ignored(client):
    plain = website_ids(client, "search", {"q": "Hebamme"})
    tracked = website_ids(client, "search", {"q": "Hebamme", "fbclid": "x", "utm_source": "y"})
    assert plain == tracked and plain[0] > 0


def test_the_bot_searches_with_the_same_parameters(bundled_data, catalogue, tmp_path):
    """The bot's choices (age, district, topic, words) are search parameters too."""
    bot = Running(bundled_data, tmp_path / "chats.db")
    try:
        chat = 4242
        greeting = say(bot, chat, "/start")
        bot.standin.reply_to(chat, bot.standin.sent.index(greeting) + 1)   # the age question
        press(bot, chat, "a:3")            # 3 to 6 years: ages 3, 4, 5
        press(bot, chat, "d:hafen")
        shown = press(bot, chat, "t:childcare")["params"]["text"]
        found = expected(catalogue, {"age": ["3", "4", "5"], "district": "hafen",
                                     "topic": ["childcare"]}, page_size=5)
        assert f"{found.total} Angebote gefunden" in shown
        for hit in found.hits:
            assert hit.title in shown
        typed = say(bot, chat, "Beratung")["params"]["text"]
        words = expected(catalogue, {"q": "Beratung", "age": ["3", "4", "5"],
                                     "district": "hafen"}, page_size=5)
        assert f"{words.total} Angebote gefunden" in typed
        press(bot, chat, "c:radius")
        near = press(bot, chat, "u:5")["params"]["text"]
        within = expected(catalogue, {"q": "Beratung", "age": ["3", "4", "5"],
                                      "district": "hafen", "radius_km": "5"}, page_size=5)
        assert f"{within.total} Angebote gefunden" in near
        for hit in within.hits:
            assert html.escape(hit.title) in near     # the bot's HTML message escapes quotes
    finally:
        bot.stop()
