""""Meinen Standort verwenden" in Chromium: only when the person presses the button does
the browser locate the phone; the point goes out rounded to two decimals as `near`, the
results show distances, refusal and failure are said plainly, the button works with the
keyboard and at 200 % text in German and in Arabic (right to left), and it is absent
without JavaScript. The server keeps the point nowhere: not in the unmet-demand records,
not in its log. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, quote, urlsplit
from urllib.request import urlopen

import pytest

from tests.conftest import SHOTS, serving
from tests.test_safe_browser import PHONE, settled, slow

pytestmark = pytest.mark.browser

HOME = {"latitude": 51.70634, "longitude": 9.81472}
"""A phone in Wiesbrück's Altstadt, more exactly than the site ever gets it."""
BUTTON = {"de": "Meinen Standort verwenden", "ar": "استخدام موقعي"}
DENIED = {"de": "nicht freigegeben", "ar": "لم تسمحوا"}
KM = {"de": " km", "ar": " كم"}


@pytest.fixture(scope="module")
def logged_server(bundled_data, tmp_path_factory):
    """finder serve on the bundled build, its output (gunicorn's and the app's) in a file."""
    log = tmp_path_factory.mktemp("near-log") / "serve.log"
    with serving(bundled_data, log=log) as base:
        yield base, log


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def phone(browser, base: str, *, located: bool = True, lang: str = "de", **options):
    """A phone-sized context; with located, the site may ask for the position (HOME)."""
    context = browser.new_context(
        viewport=PHONE, locale="ar" if lang == "ar" else "de-DE", **options,
        **({"permissions": ["geolocation"], "geolocation": HOME} if located else {}))
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    return context, page


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_location_button_with_the_keyboard_at_200_percent_text(browser, logged_server, lang):
    base, _ = logged_server
    context, page = phone(browser, base, lang=lang)
    slow(context, page, text=2)
    page.goto(f"{base}/{lang}/search?q=Familienzentrum")
    settled(page)
    button = page.locator("[data-near-button]")
    assert button.is_visible()
    assert button.inner_text().strip() == BUTTON[lang]
    # From the place list, Tab reaches the button; Enter presses it.
    page.focus("#district")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-near-button')")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('near=')")
    settled(page)
    sent = parse_qs(urlsplit(page.url).query)
    assert sent["near"] == ["51.71,9.81"], "rounded to two decimals before it leaves the phone"
    assert "district" not in sent
    assert page.locator("[data-near-status]").inner_text() == "", "no stale 'searching …'"
    distances = page.locator("article.hit .where li").all_inner_texts() or \
        page.locator("article.hit").all_inner_texts()
    assert any(KM[lang] in text for text in distances), distances
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if lang == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"
    assert all(urlsplit(url).netloc == urlsplit(base).netloc for url in page.requests)
    assert context.cookies() == []
    # Nothing kept in the browser either, beyond the address itself (htmx notes the
    # current address for Back).
    assert page.evaluate("localStorage.length") == 0
    assert set(page.evaluate("Object.keys(sessionStorage)")) <= {"htmx-current-path-for-history"}
    shot(page, f"near-located-text200-{lang}")
    page.locator("article.hit").first.scroll_into_view_if_needed()
    shot(page, f"near-results-text200-{lang}")
    context.close()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_a_refused_location_is_said_and_changes_nothing(browser, logged_server, lang):
    base, _ = logged_server
    context, page = phone(browser, base, located=False, lang=lang)
    page.goto(f"{base}/{lang}/")
    before = page.url
    page.click("[data-near-button]")
    status = page.locator("[data-near-status]")
    status.filter(has_text=DENIED[lang]).wait_for()
    assert status.get_attribute("role") == "status"
    assert page.url == before
    assert page.locator("[data-near-button]").is_enabled()
    shot(page, f"near-refused-{lang}")
    context.close()


def test_a_position_that_cannot_be_found_is_said(browser, logged_server):
    base, _ = logged_server
    context, page = phone(browser, base)
    page.add_init_script("""navigator.geolocation.getCurrentPosition = function (ok, fail) {
        setTimeout(function () { fail({code: 2, message: "unavailable"}); }, 10); };""")
    page.goto(f"{base}/de/")
    page.click("[data-near-button]")
    page.locator("[data-near-status]").filter(has_text="nicht zu ermitteln").wait_for()
    assert "near=" not in page.url
    context.close()


def test_without_javascript_there_is_no_location_button(browser, logged_server):
    base, _ = logged_server
    context, page = phone(browser, base, java_script_enabled=False)
    page.goto(f"{base}/de/search?q=Kita")
    assert page.locator("[data-near-button]").count() == 1
    assert not page.locator("[data-near-button]").is_visible()
    # A shared link with a point still works without it, and keeps the point in the form.
    page.goto(f"{base}/de/search?q=Kita&near=51.71,9.81")
    assert page.locator("form.search input[name=near]").get_attribute("value") == "51.71,9.81"
    context.close()


def test_the_point_is_never_written_to_the_demand_records_or_the_log(logged_server,
                                                                    bundled_data):
    base, log = logged_server
    words = "zqxwvplm"  # a search that finds nothing, so that it is counted as unmet
    for path in (f"/de/search?q={words}&near=51.73,9.77",
                 f"/de/search?q={words}&near=51.73,9.77&radius_km=5",
                 f"/api/v1/services?q={words}&near=51.73%2C9.77"):
        urlopen(base + path, timeout=30).read()
    with sqlite3.connect(bundled_data / "coordinator.db") as db:
        rows = db.execute("select filters from demand where text = ?", [words]).fetchall()
    assert rows, "the unmet search was counted (else this test could not fail)"
    for (filters,) in rows:
        assert "51.73" not in filters and "9.77" not in filters and "near" not in filters
    logged = log.read_text(errors="replace")
    for needle in ("51.73", "9.77", quote("51.73,9.77"), words):
        assert needle not in logged
