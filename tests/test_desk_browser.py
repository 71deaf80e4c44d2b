"""A consultation at the desk in Chromium, with the keyboard only; the slip printed;
its QR codes read by a real decoder (zxing-cpp) and followed, on the website and in
the bot through the Bot API stand-in."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from finder import i18n
from tests.conftest import SHOTS, axe_violations
from tests.test_bot import Running, buttons, say
from tests.test_browser import server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser
PUBLIC = "https://familienwegweiser.wiesbrueck.example.org"


class Keys:
    """The keyboard, counting every key pressed."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def tab_to(self, selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            if self.page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
                return
            self.press("Tab")
        pytest.fail(f"{selector} cannot be reached with Tab")


def settled(page) -> None:
    """Wait until htmx has swapped and settled (as a person waits for the page to change)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, "
                           ".htmx-swapping, .htmx-added')")


def active(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.outerHTML.slice(0, 80)")


@pytest.fixture(scope="module")
def consultation(browser, server):  # noqa: F811
    """Search, filter by Arabic spoken, put three offers on the list, choose Arabic for
    the family, open the slip: keyboard only, at a 1366 x 900 desk screen."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    keys = Keys(page)
    page.goto(server + "/de/desk")
    assert active(page) == "q", "the search field has the focus on load"
    keys.type("Erziehungsberatung")
    keys.press("Enter")
    page.wait_for_selector("[data-hit]")
    settled(page)
    assert active(page) == "q"
    keys.tab_to("#lang_spoken")
    with page.expect_response(re.compile(r"/de/desk\?.*lang_spoken=ar")):
        keys.press("a")  # the first language whose name starts with A: Arabisch
    page.wait_for_function("() => location.search.includes('lang_spoken=ar')")
    settled(page)
    assert active(page) == "lang_spoken"
    keys.press("Tab")  # out of the choice, onto a checkbox: the shortcuts work again
    chosen = []
    for n in range(3):
        keys.press("j")
        hit = page.evaluate("document.activeElement.closest('[data-hit]').id")
        chosen.append(hit.removeprefix("hit-"))
        with page.expect_response(re.compile(r"/de/desk\?")):
            keys.press("a")
        page.wait_for_function("(n) => document.querySelectorAll('.picked li').length === n",
                               arg=n + 1)
        page.wait_for_function("(id) => document.activeElement.closest('[data-hit]')?.id === id",
                               arg=hit)
        settled(page)
    assert page.eval_on_selector_all(".picked li [id^=remove-]",
                                     "els => els.map(e => e.id.slice(7))") == chosen
    keys.press("f")
    assert active(page) == "family"
    keys.press("ArrowDown", 3)  # Deutsch, English, Türkçe, العربية
    page.wait_for_function("() => location.search.includes('family=ar')")
    settled(page)
    assert page.input_value("#family") == "ar" and active(page) == "family"
    keys.press("Tab")
    assert active(page) == "open-slip"
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/de/slip\?"))
    yield {"page": page, "chosen": chosen, "keys": keys.count, "requests": requests,
           "context": context}
    context.close()


def test_a_consultation_with_the_keyboard_only(consultation, server, catalogue):  # noqa: F811
    chosen = consultation["chosen"]
    print(f"\nkeystrokes for the whole consultation: {consultation['keys']}")
    assert len(set(chosen)) == 3
    for offer_id in chosen:
        assert "ar" in catalogue.offer(offer_id).languages, "filtered by Arabic spoken"
    assert consultation["keys"] <= 45
    hosts = {urlsplit(url).netloc for url in consultation["requests"]}
    assert hosts == {urlsplit(server).netloc}
    assert consultation["context"].cookies() == []


def test_the_printed_slip_has_arabic_with_german_beside_and_every_contact(consultation,
                                                                        catalogue):
    page, chosen = consultation["page"], consultation["chosen"]
    page.emulate_media(media="print")
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "slip-ar-print.png"), full_page=True)
        assert not page.locator(".slip-tools").is_visible()
        assert not page.locator("header.site").is_visible()
        offers = page.locator(".slip-offer")
        assert offers.count() == 3
        for n, offer_id in enumerate(chosen):
            offer = catalogue.offer(offer_id)
            family = offers.nth(n).locator(".slip-family")
            german = offers.nth(n).locator(".slip-german")
            assert family.get_attribute("lang") == "ar"
            assert family.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert german.evaluate("e => getComputedStyle(e).direction") == "ltr"
            # The Arabic text starts on the right of its column, the German on the left.
            family_box, german_box = family.bounding_box(), german.bounding_box()
            heading = family.locator("h2").bounding_box()
            assert abs((heading["x"] + heading["width"]) - (family_box["x"] + family_box["width"])) < 4
            assert german.locator("h2").bounding_box()["x"] - german_box["x"] < 20
            assert offer.translations["ar"]["name"] in family.inner_text()
            assert offer.name in german.inner_text()
            assert i18n.t("ar", "Was tun?") in family.inner_text()
            # Every contact once across both columns, in full (the same in both languages).
            contact = offers.nth(n).locator(".slip-contact")
            for text in (*offer.phones, offer.email, offer.url):
                if text:
                    assert text in contact.inner_text(), text
        pdf = page.pdf(format="A4")
        (SHOTS.parent / "slip-ar.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        print(f"\nslip pages for three offers: {pages}")
        assert pages <= 2
    finally:
        page.emulate_media(media="screen")


def decode(page, locator) -> str:
    """The text of a QR code as the page shows it, read from a screenshot."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(locator.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, "one readable QR code"
    return found[0].text


def local(server, url: str) -> str:  # noqa: F811
    """A URL of the public site, asked of the test server."""
    assert url.startswith(PUBLIC + "/"), url
    return server + url[len(PUBLIC):]


def test_the_qr_codes_open_the_offers_and_the_list(consultation, server, catalogue,  # noqa: F811
                                                   bundled_data):
    page, chosen = consultation["page"], consultation["chosen"]
    codes = page.locator(".slip-qr svg")
    assert codes.count() == 5
    for n, offer_id in enumerate(chosen):
        url = decode(page, codes.nth(n))
        assert url == f"{PUBLIC}/ar/offer/{offer_id}"
        html = urlopen(local(server, url)).read().decode()
        assert catalogue.offer(offer_id).translations["ar"]["name"] in html
    list_url = decode(page, codes.nth(3))
    assert re.fullmatch(rf"{PUBLIC}/ar/list/[a-z2-7]{{16}}", list_url)
    html = urlopen(local(server, list_url)).read().decode()
    assert re.findall(r'<article class="hit" aria-labelledby="hit-([^"]+)"', html) == chosen
    assert 'lang="ar" dir="rtl"' in html
    bot_url = decode(page, codes.nth(4))
    code = list_url.rsplit("/", 1)[1]
    assert bot_url == f"https://t.me/WiesbrueckFamilienBot?start=list_{code}"
    # The same list in the bot: /start list_<code>, through the real python-telegram-bot stack.
    bot = Running(bundled_data, bundled_data.parent / "desk-chats.db")
    try:
        reply = say(bot, 4711, f"/start list_{code}", lang=None)
        text = reply["params"]["text"]
        for offer_id in chosen:
            assert catalogue.offer(offer_id).translations["ar"]["name"] in text
        assert [b["callback_data"] for b in buttons(reply)] == [f"o:{i}" for i in chosen]
        gone = say(bot, 4711, f"/start list_{code[:-1]}x", lang="tr")
        assert i18n.t("tr", "Dieser Link stimmt nicht: Er ist unvollständig oder wurde verändert. "
                               "Bitte scannen Sie den QR-Code noch einmal.") in gone["params"]["text"]
    finally:
        bot.stop()


@pytest.mark.parametrize("path", ["/de/desk?q=Kita&lang_spoken=ar&list=elternbriefe",
                                  "/de/slip?list=elternbriefe,rucksack-kita-talwiesen&family=fa",
                                  "/ar/desk?q=Kita", "/ar/list/aaaaaaaaaaaaaaaa"])
def test_axe_finds_nothing_on_the_desk_pages(browser, server, path):  # noqa: F811
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(server + path)
    result = axe_violations(page)
    name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").split("?")[0])
    page.screenshot(path=str(SHOTS / f"axe-{name}.png"), full_page=True)
    context.close()
    assert result == [], json.dumps(result, ensure_ascii=False, indent=1)


def test_the_desk_works_without_javascript(browser, server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(server + "/de/desk")
    page.fill("#q", "Kita")
    page.click("form.desk-form button[type=submit]")
    page.wait_for_url(re.compile(r"/de/desk\?.*q=Kita"))
    first = page.locator("[data-pick]").first
    first.click()
    page.wait_for_url(re.compile(r"list="))
    assert page.locator(".picked li").count() == 1
    page.select_option("#family", "uk")
    page.click("#open-slip")
    page.wait_for_url(re.compile(r"/de/slip\?.*family=uk"))
    page.fill(".slip-notes input[type=text]", "Bitte Frau K. fragen")
    page.click(".slip-notes button[type=submit]")
    assert "Bitte Frau K. fragen" in page.inner_text(".slip-note")
    context.close()


@pytest.mark.parametrize("path", ["/de/desk?q=Kita", "/de/search?q=Kita"])
def test_typing_an_age_on_a_choice_asks_once_for_that_age(browser, server, path):  # noqa: F811
    """Type-ahead on a closed list: "1", "4" is 14 years, not a search for 1 and then 4."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "age=" in r.url else None)
    page.goto(server + path)
    page.focus("#age0")
    page.keyboard.type("14")
    page.wait_for_function("() => location.search.includes('age=14')")
    settled(page)
    assert page.input_value("#age0") == "14"
    ages = [re.findall(r"age=(\d+)", url) for url in asked]
    assert ages == [["14"]], asked
    context.close()
