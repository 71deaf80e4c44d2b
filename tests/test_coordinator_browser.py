"""The coordinator's pages in a real browser: log in, the heatmap and the report as
screenshots (test-artifacts/screenshots/), axe-core on every page, and the public
pages still without a cookie in the same browser."""

from __future__ import annotations

import json
import shutil

import pytest

from finder.catalogue import live
from finder.coordinator import demand, users
from finder.search import Query
from tests.conftest import ARGS, CHROMIUM, SHOTS, TODAY, axe_violations, serving

pytestmark = pytest.mark.browser

PASSWORD = "lange-geheime-phrase"


@pytest.fixture(scope="module")
def server(bundled_data, tmp_path_factory):
    """finder serve on a copy of the Wiesbrück build, with a coordinator and some
    searches that found nothing."""
    data = tmp_path_factory.mktemp("coordinator") / "data"
    shutil.copytree(bundled_data, data, symlinks=True, ignore=shutil.ignore_patterns(
        "coordinator.db*", "secret-key"))
    users.add(data, "koordination", PASSWORD)
    cat = live(data)
    for text, times in (("Reitstall", 6), ("Ponyhof", 5), ("Tierpark", 2)):
        for _ in range(times):
            query = Query(text=text, district="hafen")
            demand.record(query, cat.search(query, TODAY), TODAY, data)
    with serving(data, "--workers", "1") as base:
        yield base


@pytest.fixture(scope="module")
def logged_in(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE",
                                      bypass_csp=True)
        page = context.new_page()
        page.goto(server + "/coordinator/")
        assert "/coordinator/login" in page.url
        page.get_by_label("Name").fill("koordination")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(server + "/coordinator/")
        yield page
        context.close()
        browser.close()


@pytest.mark.parametrize("path", ["/coordinator/", "/coordinator/coverage",
                                  "/coordinator/coverage?matrix=district_topic&phase=kita",
                                  "/coordinator/demand", "/coordinator/freshness",
                                  "/coordinator/report"])
def test_axe_finds_nothing_on_the_coordinator_pages(logged_in, server, path):
    logged_in.goto(server + path)
    assert logged_in.url.startswith(server + path.split("?")[0])
    violations = axe_violations(logged_in)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_the_login_page_passes_axe(logged_in, server):
    context = logged_in.context.browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/coordinator/login")
    violations = axe_violations(page)
    context.close()
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_screenshots_of_the_heatmap_and_the_report(logged_in, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    logged_in.goto(server + "/coordinator/coverage")
    heat = logged_in.locator("figure.heat svg")
    assert heat.count() == 1 and heat.bounding_box()["width"] > 300
    logged_in.screenshot(path=str(SHOTS / "coordinator-heatmap.png"), full_page=True)
    logged_in.goto(server + "/coordinator/demand")
    text = logged_in.content()
    assert "reitstall" in text and "ponyhof" in text and "tierpark" not in text
    logged_in.screenshot(path=str(SHOTS / "coordinator-demand.png"), full_page=True)
    logged_in.goto(server + "/coordinator/freshness")
    assert logged_in.locator("section.provider").count() >= 1
    logged_in.screenshot(path=str(SHOTS / "coordinator-freshness.png"), full_page=False)
    logged_in.goto(server + "/coordinator/report")
    assert logged_in.locator("#top-gaps li").count() == 5
    logged_in.screenshot(path=str(SHOTS / "coordinator-report.png"), full_page=True)
    logged_in.emulate_media(media="print")
    logged_in.screenshot(path=str(SHOTS / "coordinator-report-print.png"), full_page=True)
    logged_in.emulate_media(media="screen")


def test_public_pages_in_the_same_browser_get_no_cookie(logged_in, server):
    cookies = logged_in.context.cookies()
    assert [(c["name"], c["path"], c["httpOnly"], c["secure"], c["sameSite"]) for c in cookies] \
        == [("coordinator_session", "/coordinator", True, True, "Strict")]
    for path in ("/de/", "/de/search?q=Hebamme", "/de/offer/hebammenvermittlung"):
        response = logged_in.goto(server + path)
        assert "set-cookie" not in response.all_headers()
        assert response.request.all_headers().get("cookie") is None
    assert logged_in.context.cookies() == cookies
