"""The website in a real browser: Debian's Chromium driven by Playwright, against
`finder serve` (gunicorn) on 127.0.0.1. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import SHOTS, axe_violations, serving

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def server(bundled_data):
    with serving(bundled_data) as base:
        yield base


@pytest.fixture
def page(browser, server):
    """A phone-sized page that records every request it makes."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="de-DE")
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def hit_ids(page) -> list[str]:
    return page.eval_on_selector_all("article.hit h3[id]", "els => els.map(e => e.id)")


def test_search_flow_with_javascript(page, server):
    page.goto(server + "/de/")
    page.fill("#q", "Hebamme")
    page.select_option("#age0", "0")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/de/search\?"))
    assert "Angebote gefunden" in page.inner_text("#results-heading")
    first = hit_ids(page)
    assert "hit-hebammenvermittlung" in first
    # Changing a filter swaps the results in place and pushes the URL.
    with page.expect_response(re.compile(r"/de/search\?.*district=nordstadt")):
        page.select_option("#district", "nordstadt")
    page.wait_for_function("() => location.search.includes('district=nordstadt')")
    page.wait_for_function("(old) => document.querySelector('#results-heading') && "
                           "document.querySelector('article.hit h3').id !== old || true",
                           arg=first[0])
    assert page.locator("header.site").count() == 1, "a partial, not a page inside the page"
    assert "in Nordstadt" in page.inner_text("#results")
    shot(page, "results-de")


def test_search_flow_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server + "/de/")
    page.fill("#q", "Hebamme")
    page.select_option("#age0", "0")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/de/search\?"))
    without = hit_ids(page)
    page.select_option("#district", "nordstadt")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"district=nordstadt"))
    assert "in Nordstadt" in page.inner_text("#results")
    # The same URL gives the same results with JavaScript.
    url = page.url
    context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    assert hit_ids(page)
    context.close()
    assert without


def test_arabic_is_right_to_left(page, server):
    page.goto(server + "/ar/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # The chain's number badge sits at the right-hand start of each step.
    link = page.locator(".chain a").first.bounding_box()
    badge = page.evaluate("""() => {
        const a = document.querySelector('.chain a');
        const style = getComputedStyle(a, '::before');
        return {border: getComputedStyle(a).borderRightWidth, left: getComputedStyle(a).borderLeftWidth};
    }""")
    assert badge["border"] != "0px" and badge["left"] == "0px"
    assert link["width"] > 200
    shot(page, "start-ar")
    page.goto(server + "/ar/search?q=" + "قابلة")
    assert "hit-hebammenvermittlung" in hit_ids(page)
    shot(page, "results-ar")


def test_language_switch_keeps_the_query(page, server):
    page.goto(server + "/de/search?q=Kita&district=hafen")
    page.click("details.languages summary")  # on a phone the languages fold into one line
    page.click("#languages a[lang=tr]")
    page.wait_for_url(re.compile(r"/tr/search\?q=Kita&district=hafen"))
    assert page.input_value("#q") == "Kita"
    assert page.evaluate("document.querySelector('#district').value") == "hafen"
    assert "hizmet bulundu" in page.inner_text("#results-heading")


def test_keyboard_only_search(page, server):
    page.goto(server + "/de/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("the search field cannot be reached with Tab")
    page.keyboard.type("Deutschkurs")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/de/search\?q=Deutschkurs"))
    assert hit_ids(page)
    # The first result link is reachable by keyboard and opens the offer.
    page.focus("article.hit h3 a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/de/offer/"))
    assert page.locator("h1").count() == 1


def test_no_request_leaves_the_site(page, server):
    for path in ("/de/", "/de/search?q=Kita&age=3", "/ar/offer/hebammenvermittlung",
                 "/de/provider/jugendamt"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in page.requests}
    assert hosts == {urlsplit(server).netloc}, hosts
    assert page.context.cookies() == []


@pytest.mark.parametrize("path", ["/de/", "/de/search?q=Hebamme&age=0",
                                  "/de/offer/hebammenvermittlung", "/ar/",
                                  "/ar/search?q=حضانة", "/ar/offer/hebammenvermittlung",
                                  "/de/search?q=mein+Mann+schlägt+mich", "/fa/search?q=خشونت",
                                  "/uk/emergency"])
def test_axe_finds_no_wcag_violations(browser, server, path):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server + path)
    result = axe_violations(page)
    name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower().replace("?q=", "-")) or "start"
    shot(page, f"axe-{name}")
    context.close()
    assert result == [], json.dumps(result, ensure_ascii=False, indent=1)


def test_first_visit_is_light_and_fits_320_pixels(browser, server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(server + "/de/", wait_until="networkidle")
    transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                      for r in responses)
    assert transferred <= 50_000, f"{transferred} bytes on the first visit"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto(server + "/ar/search?q=Kita&age=3", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "results-ar-320")
    context.close()


def test_back_after_a_filter_swap_gives_the_whole_page(page, server):
    page.goto(server + "/de/search?q=Kita")
    for change, pushed in ((lambda: page.select_option("#district", "hafen"), "district=hafen"),
                           (lambda: page.select_option("#age0", "3"), "age=3")):
        with page.expect_response(re.compile(r"/de/search\?")):
            change()
        # htmx pushes the URL after the swap: wait for it before the next change.
        page.wait_for_function(f"() => location.search.includes('{pushed}')")
        page.wait_for_load_state("networkidle")
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => location.search.includes('district=hafen') && "
                           "!location.search.includes('age=3')")
    # The whole page: header, language switch, form, footer and the results.
    for selector in ("header.site", "#languages", "form.search", "footer.site", "#results"):
        assert page.locator(selector).count() == 1, selector
    page.reload()
    assert page.locator("header.site").count() == 1 and page.locator("form.search").count() == 1
    page.go_forward()
    page.wait_for_load_state("networkidle")
    assert page.locator("header.site").count() == 1 and page.locator("#results").count() == 1


def test_a_filter_change_leaves_focus_and_scroll_where_they_are(page, server):
    """The results are swapped in their place; the count beside the form says what changed
    (tests/test_safe_browser.py has the typing and the latency)."""
    page.goto(server + "/de/search?q=Beratung")
    page.locator("#district").scroll_into_view_if_needed()
    page.focus("#district")
    before = page.locator("#district").bounding_box()
    with page.expect_response(re.compile(r"/de/search\?.*district=ostend")):
        page.select_option("#district", "ostend")
    page.wait_for_function("() => location.search.includes('district=ostend')")
    assert page.evaluate("document.activeElement.id") == "district"
    assert abs(page.locator("#district").bounding_box()["y"] - before["y"]) < 2
    assert "Angebote gefunden" in page.inner_text("#results-status")
    shot(page, "results-after-filter-de")


def test_the_start_page_search_button_is_on_the_first_screen(page, server):
    page.goto(server + "/de/")
    box = page.locator("p.quick button").bounding_box()
    assert box["y"] + box["height"] <= 740, box


@pytest.mark.parametrize("lang", ["de", "tr", "ar", "uk"])
def test_the_call_button_is_on_the_first_screen_of_an_offer(page, server, lang):
    page.goto(server + f"/{lang}/offer/hebammensprechstunde-kleine-fuesse?q=Hebamme")
    call = page.locator("a.call")
    box = call.bounding_box()
    assert box["y"] + box["height"] <= 740 and box["height"] >= 44, box
    assert page.locator("p.back a").get_attribute("href").endswith("/search?q=Hebamme")
    for link in page.locator(".offer a, .offer button").all():
        if link.is_visible():
            assert link.bounding_box()["height"] >= 44, link.inner_text()
    # The map: an https link to OpenStreetMap first (an iPhone does nothing with geo:).
    maps = page.locator(".actions a[href*='openstreetmap.org'], .links a[href^='geo:'], "
                        ".links a[href*='openstreetmap.org']")
    assert maps.first.get_attribute("href").startswith("https://www.openstreetmap.org/")
    assert page.locator("a[href^='geo:']").count() >= 1
    shot(page, f"offer-{lang}")


LONG = ["Schwangerschaftskonfliktberatung", "Familien-Gesundheits- und Kinderkrankenpflege"]


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar", "uk", "ru", "fa"])
def test_no_page_scrolls_sideways_with_the_longest_german_words(page, server, lang):
    for path in (f"/{lang}/", f"/{lang}/search?q=" + LONG[0], f"/{lang}/search?q=Pflege",
                 f"/{lang}/offer/schwangerschaftskonfliktberatung",
                 f"/{lang}/offer/familien-kinderkrankenpflege", f"/{lang}/emergency"):
        page.goto(server + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    shot(page, f"long-words-{lang}")


def test_a_german_name_in_arabic_text_is_isolated(page, server):
    page.goto(server + "/ar/offer/frauenberatung-gewalt")
    isolated = page.eval_on_selector_all(
        "article.offer bdi", "els => els.map(e => e.textContent)")
    provider = page.locator("section[aria-labelledby=contact] a bdi")
    assert provider.count() == 1 and provider.inner_text() in isolated
    assert page.evaluate("() => getComputedStyle(document.querySelector("
                         "'section[aria-labelledby=contact] bdi')).unicodeBidi") == "isolate"


def test_printing_an_offer_shows_every_contact_and_hides_the_navigation(page, server):
    page.goto(server + "/de/offer/hebammensprechstunde-kleine-fuesse")
    page.emulate_media(media="print")
    text = page.inner_text("body")
    offer = page.locator(".contact")
    assert "@" in offer.inner_text() and "https://" in offer.inner_text()
    for hidden in ("header.site", "footer.site", ".actions"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert "Impressum" not in text
    colour = page.evaluate("() => getComputedStyle(document.querySelector('.contact a')).color")
    assert colour == "rgb(0, 0, 0)"
    # One sheet of A4 for one offer.
    pdf = page.pdf(format="A4", print_background=False)
    (SHOTS.parent / "offer-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


@pytest.mark.parametrize("lang", ["de", "tr", "ar", "uk"])
def test_screenshots_of_the_three_pages(page, server, lang):
    for name, path in (("start", f"/{lang}/"), ("results", f"/{lang}/search?q=Kita&age=2"),
                       ("offer", f"/{lang}/offer/kita-anmeldung-servicestelle")):
        page.goto(server + path)
        assert page.locator("h1").count() == 1
        shot(page, f"{name}-{lang}-360")


def test_an_older_translation_is_marked_and_the_terms_open_without_javascript(browser, tmp_path):
    """A copy of the catalogue whose German changed after the English was reviewed: the
    English offer page says so and links the German; a term's explanation opens on tap
    with JavaScript switched off."""
    import shutil

    from finder.catalogue.build import build
    from finder.content.reviews import write_reviews
    from tests.conftest import BUNDLED, TODAY

    content, offer = tmp_path / "content", "kita-anmeldung-servicestelle"
    shutil.copytree(BUNDLED, content)
    write_reviews(content, "en", [offer], "second AI review, not yet a native speaker", TODAY)
    german = content / "providers" / "jugendamt.yaml"
    german.write_text(german.read_text(encoding="utf-8").replace(
        "sechs Monate vorher an.", "neun Monate vorher an."), encoding="utf-8")
    build(content, tmp_path / "data")
    with serving(tmp_path / "data") as base:
        context = browser.new_context(java_script_enabled=False,
                                      viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{base}/en/offer/{offer}")
        note = page.locator(".note.translation-state")
        assert note.is_visible()
        assert "older than the German text" in note.inner_text()
        shot(page, "translation-older-than-german")
        explanation = page.locator("#term-kita p")
        assert not explanation.is_visible()
        page.click("#term-kita summary")
        assert explanation.is_visible()
        assert "day-care centre" in explanation.inner_text()
        page.locator("#term-kita").scroll_into_view_if_needed()
        shot(page, "translation-term-explained")
        note.locator("a").click()
        page.wait_for_url(re.compile(f"/de/offer/{offer}$"))
        assert page.locator(".note.translation-state").count() == 0
        context.close()
