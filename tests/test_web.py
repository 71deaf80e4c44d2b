"""The website through Flask's test client: every route, language and bad parameter."""

from __future__ import annotations

import re

import pytest

from finder.search import Query
from finder.web import LANGUAGES, create_app
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def client(bundled_data):
    app = create_app({"DATA_DIR": str(bundled_data), "TESTING": True})
    return app.test_client()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_root_picks_language_from_accept_language(client):
    assert client.get("/", headers={"Accept-Language": "ar,en;q=0.5"}).location.endswith("/ar/")
    assert client.get("/", headers={"Accept-Language": "uk"}).location.endswith("/uk/")
    assert client.get("/", headers={"Accept-Language": "ja"}).location.endswith("/de/")
    assert client.get("/").location.endswith("/de/")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_page_in_every_language(client, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = text(response)
    assert f'<html lang="{lang}" dir="{"rtl" if lang in ("ar", "fa") else "ltr"}">' in html
    assert 'class="chain"' in html and html.count(f'href="/{lang}/phase/') == 6
    if lang != "de":
        # The UI is translated: the German heading must not appear.
        assert "Hilfe und Angebote für Familien in Wiesbrück" not in html


@pytest.mark.parametrize("lang,heading", [
    ("de", "{n} Angebote gefunden"), ("en", "{n} offers found"), ("tr", "{n} hizmet bulundu"),
    ("ar", "وجدنا {n} عرضاً"), ("uk", "Знайдено {n} пропозицій"), ("ru", "Найдено {n} предложений"),
    ("fa", "{n} مورد پیدا شد"),
])
def test_results_in_every_language(client, catalogue, lang, heading):
    total = catalogue.search(Query(text="Hebamme", free=True, page_size=1), TODAY).total
    # The headings above are the plural form for counts like 5-20 ("many" in ru, uk, ar).
    assert 5 <= total % 100 <= 20, total
    html = text(client.get(f"/{lang}/search?q=Hebamme&free=1"))
    assert heading.format(n=total) in html


def test_results_full_page_versus_htmx_partial(client):
    full = client.get("/de/search?q=Kita&age=2&district=hafen")
    partial = client.get("/de/search?q=Kita&age=2&district=hafen", headers={"HX-Request": "true"})
    assert full.status_code == partial.status_code == 200
    assert text(full).startswith("<!doctype html>")
    assert not text(partial).lstrip().startswith("<!doctype")
    assert '<section id="results"' in text(partial)
    assert 'hx-swap-oob="true"' in text(partial)
    # The same hits in both.
    hits = re.findall(r'id="hit-([a-z0-9-]+)"', text(full))
    assert hits and hits == re.findall(r'id="hit-([a-z0-9-]+)"', text(partial))
    assert "HX-Request" in full.headers.get("Vary", "")


def test_shareable_parameters(client):
    html = text(client.get("/de/search?q=&age=0&age=4&district=nordstadt&topic=health"
                           "&topic=childcare&free=1&lang_spoken=tr&page=1"))
    assert "Angebote gefunden" in html
    assert 'value="nordstadt" selected' in html
    assert 'id="topic-health" name="topic" value="health" checked' in html
    assert 'id="free" name="free" value="1" checked' in html


def test_expecting_and_phase_links(client):
    html = text(client.get("/de/search?expecting=1&q=Hebamme"))
    assert "hebammenvermittlung" in html and 'id="expecting" name="expecting" value="1" checked' in html
    redirect = client.get("/de/phase/kita")
    assert redirect.status_code == 303 and redirect.location.endswith("/de/search?phase=kita")
    redirect = client.get("/tr/topic/health")
    assert redirect.status_code == 303 and redirect.location.endswith("/tr/search?topic=health")


def test_relaxed_notice_and_suggestion(client):
    html = text(client.get("/de/search?q=Hebame"))
    assert "Meinten Sie:" in html and "hebamme" in html
    html = text(client.get("/de/search?q=Boxtraining&topic=pregnancy_birth"))
    assert "Für Ihre genaue Suche gab es nichts" in html and "alle Themen" in html


def test_language_switch_keeps_the_search(client):
    html = text(client.get("/de/search?q=Kita&district=hafen"))
    assert 'href="/ar/search?q=Kita&amp;district=hafen"' in html


def test_offer_detail(client):
    html = text(client.get("/de/offer/hebammensprechstunde-kleine-fuesse"))
    assert 'href="tel:+4969900093' in html
    assert 'href="mailto:' in html
    assert 'href="geo:51.7131,9.7991' in html
    assert "Weitere Angebote dieses Anbieters" in html and "/de/offer/rueckbildung-kleine-fuesse" in html
    assert "Zuletzt überprüft:" in html and "25. August 2026" in html


def test_offer_detail_translated_and_fallback_marked(half_translated):
    client = create_app({"DATA_DIR": str(half_translated.path.parent.parent),
                         "TESTING": True}).test_client()
    html = text(client.get("/ar/offer/hebammenvermittlung"))
    assert half_translated.offer("hebammenvermittlung").translations["ar"]["name"] in html
    html = text(client.get("/ar/offer/babymassage-kleine-fuesse"))
    assert '<h1 lang="de" dir="ltr">Babymassage-Kurs</h1>' in html


def test_provider_page(client):
    html = text(client.get("/en/provider/jugendamt"))
    assert "Youth Welfare Office of Wiesbrück (Jugendamt der Stadt Wiesbrück)" in html
    assert "/en/offer/willkommensbesuch" in html


@pytest.mark.parametrize("name", ["imprint", "privacy", "accessibility"])
def test_plain_pages(client, name):
    assert client.get(f"/de/{name}").status_code == 200
    assert client.get(f"/fa/{name}").status_code == 200


def test_the_privacy_page_says_what_the_bot_stores_as_its_privacy_command_does(client):
    """Hand-over cases and reminders, in the same words and days as the bot's /privacy."""
    html = client.get("/de/privacy").get_data(as_text=True)
    assert "Im Telegram-Bot" in html
    assert "nur die Fallnummer und zu welchem Chat sie gehört" in html
    assert "spätestens nach 14 Tagen" in html and "Nach 90 Tagen ohne Nutzung" in html
    assert "nur diesen Chat, das Angebot und das Datum" in html
    english = client.get("/en/privacy").get_data(as_text=True)
    assert "at the latest after 14 days" in english


def test_the_privacy_page_names_who_is_responsible_once_in_the_page_not_in_its_title(client):
    """The town's data protection contact belongs in the page; the browser's title (the
    tab, what a screen reader announces first) says only "Datenschutz"."""
    html = client.get("/de/privacy").get_data(as_text=True)
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Datenschutz –") and "<" not in title
    assert html.count("datenschutz@wiesbrueck.example.org</a>") == 1
    assert html.count("Verantwortlich und Datenschutzbeauftragte") == 1
    assert "die Sprache und die Kalenderwoche" in html


@pytest.mark.parametrize("query,status,message", [
    ("age=-5", 400, "ganze Zahl von 0 bis 26"),
    ("age=abc", 400, "ganze Zahl von 0 bis 26"),
    ("age=99", 400, "ganze Zahl von 0 bis 26"),
    ("district=atlantis", 400, "Stadtteil kennen wir nicht"),
    ("topic=astrology", 400, "Thema kennen wir nicht"),
    ("phase=retirement", 400, "Lebensphase kennen wir nicht"),
    ("page=999999", 400, "Seite gibt es nicht"),
    ("page=abc", 400, "Seite gibt es nicht"),
    ("page=500", 404, "Seite gibt es nicht"),
    ("free=maybe", 400, "an- oder abwählen"),
    ("lang_spoken=%3Cscript%3E", 400, "Sprache kennen wir nicht"),
    ("q=" + "x" * 10_000, 400, "Suchtext ist zu lang"),
    ("age=%C2%B2", 400, "ganze Zahl von 0 bis 26"),
    ("age=%E2%91%A2", 400, "ganze Zahl von 0 bis 26"),
    ("age=%D9%A3", 400, "ganze Zahl von 0 bis 26"),
    ("page=%C2%B2", 400, "Seite gibt es nicht"),
    ("page=" + "9" * 5000, 400, "Seite gibt es nicht"),
])
def test_bad_parameters_give_a_helpful_page(client, query, status, message):
    response = client.get(f"/de/search?{query}")
    assert response.status_code == status
    assert message in text(response)
    assert "Neu suchen" in text(response)


@pytest.mark.parametrize("extra", ["fbclid=IwAR0abc", "utm_source=newsletter&utm_medium=email",
                                   "gclid=x1", "mc_eid=42", "sort=price"])
def test_parameters_we_do_not_know_are_ignored(client, extra):
    shared = client.get(f"/de/search?q=Hebamme&{extra}")
    plain = client.get("/de/search?q=Hebamme")
    assert shared.status_code == 200
    ids = re.findall(r'id="hit-([a-z0-9-]+)"', text(shared))
    assert ids and ids == re.findall(r'id="hit-([a-z0-9-]+)"', text(plain))


def test_bad_parameter_page_in_the_users_language(client):
    response = client.get("/ar/search?age=-5")
    assert response.status_code == 400 and "العمر رقم صحيح" in text(response)


def test_404_in_the_users_language(client):
    response = client.get("/uk/offer/does-not-exist")
    assert response.status_code == 404 and "Сторінку не знайдено" in text(response)
    assert client.get("/xx/").status_code == 404
    assert client.get("/de/nothing-here").status_code == 404


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                               "AND OR (", "👶", "\u202eabc"])
def test_odd_text_is_escaped_and_never_500(client, q):
    response = client.get("/de/search", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>alert" not in text(response) and "<img src=x" not in text(response)


def test_security_headers_and_no_cookies(client):
    response = client.get("/de/search?q=Kita")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_no_inline_script_and_no_other_host(client):
    for url in ("/de/", "/ar/search?q=Kita", "/de/offer/willkommensbesuch"):
        html = text(client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r'(src|href)="(https?:)?//', html.replace(
            'href="https://', 'href="EXTERNAL://')), url
        assert " style=" not in html and "<style" not in html


def test_static_files_are_versioned_cached_and_compressed(client):
    html = text(client.get("/de/"))
    css = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', html).group(1)
    response = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    page = client.get("/de/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"


def test_server_error_page_in_the_users_language(tmp_path):
    """No catalogue built: the app answers with its own 500 page, not a traceback."""
    app = create_app({"DATA_DIR": str(tmp_path / "empty"), "TESTING": False})
    response = app.test_client().get("/tr/search?q=Kita")
    assert response.status_code == 500
    assert "Bir hata oluştu" in text(response) and "Traceback" not in text(response)
    assert response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("host", ["a..b", ".", "a" * 64 + ".example.org", "exa mple.org",
                                  "127.0.0.1:99999", "<script>"])
def test_a_malformed_host_header_gets_a_400_not_an_error(client, host):
    for path in ("/de/search?q=Kita", "/de/nothing-here", "/"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
        assert response.headers["Content-Security-Policy"]


HOSTILE = [
    "/de/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/de/search?q=%0d%0aSet-Cookie:%20x=1",
    "/de/search?q=..%2F..%2Fetc%2Fpasswd", "/de/offer/..%2F..%2Fetc%2Fpasswd",
    "/de/search?age=%C2%B2", "/de/search?page=%E2%91%A2", "/de/search?age=" + "9" * 400,
    "/de/search?q=" + "%F0%9F%98%80" * 600, "/de/search?district=%00", "/de/search?topic=%ff",
    "/de/search?lang_spoken=" + "x" * 300, "/de/provider/%3Cx%3E", "/%3Cx%3E/",
    "/de/search?q=Kita&page=-1", "/de/search?expecting=%3Cb%3E", "/de/emergency?x=%0a",
    "/de/search?q=%E2%80%AE%E2%80%AD", "/de/search?q=%D8%AD%D8%B6%D8%A7%D9%86%D8%A9&age=1&age=x",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_input_never_gives_a_server_error(client, path):
    for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"):
        response = client.open(path, method=method)
        assert response.status_code < 500, (method, path, response.status_code)
        body = text(response)
        assert "<script>alert(1)" not in body and "<x>" not in body
        assert "Set-Cookie" not in response.headers


def test_the_server_log_holds_no_address_and_no_search_words(tmp_path, bundled_data):
    """Malformed requests sent over a real socket to `finder serve`: gunicorn's own log
    keeps the event but neither the client's address nor the request line."""
    import socket
    from urllib.parse import urlsplit
    from urllib.request import urlopen

    from tests.conftest import serving

    log = tmp_path / "server.log"
    with serving(bundled_data, "--workers", "1", log=log) as base:
        port = urlsplit(base).port
        for raw in (b"GET /de/search?q=geheimesuchwort HTTP/1.1\r\nHost: a..b\r\n\r\n",
                    b"GET /de/search?q=geheimesuchwort\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"BROKEN LINE geheimesuchwort\r\n\r\n",
                    b"GET /de/search?q=geheimesuchwort HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Length: -5\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(raw)
                reply = conn.recv(200)
                assert not reply.startswith(b"HTTP/1.1 5"), reply
        urlopen(f"{base}/de/search?q=geheimesuchwort", timeout=5).read()
    written = log.read_text()
    assert "geheimesuchwort" not in written, written
    assert "127.0.0.1" not in written.replace(f"http://127.0.0.1:{port}/", ""), written


@pytest.mark.parametrize("lang,q,written,offer", [
    ("de", "زوجي يضربني", "ar", "المتابعة بالعربية"),
    ("de", "Мені потрібен дитячий садок", "uk", "Продовжити українською"),
    ("en", "Ich suche eine Hebamme für mein Baby", "de", "Weiter auf Deutsch"),
])
def test_text_in_another_language_gets_a_one_line_offer_to_switch(client, lang, q, written, offer):
    response = client.get(f"/{lang}/search", query_string={"q": q, "age": "2"})
    assert response.status_code == 200  # never a redirect
    html = text(response)
    switch = re.search(r'<p class="switch-lang"[^>]*>.*?</p>', html, re.S)
    assert switch, "no offer to switch"
    assert f'lang="{written}"' in switch.group(0) and offer in switch.group(0)
    link = re.search(r'href="([^"]+)"', switch.group(0)).group(1)
    assert link.startswith(f"/{written}/search?") and "age=2" in link
    # The htmx partial carries it too, as the family types.
    partial = client.get(f"/{lang}/search", query_string={"q": q}, headers={"HX-Request": "true"})
    assert 'class="switch-lang"' in text(partial)


@pytest.mark.parametrize("lang,q", [("de", "Hebamme"), ("de", "midwife"), ("de", "Kita Nordstadt"),
                                    ("ar", "قابلة"), ("en", "I need a midwife"), ("de", "")])
def test_short_ambiguous_or_same_language_texts_get_no_offer(client, lang, q):
    assert 'class="switch-lang"' not in text(client.get(f"/{lang}/search", query_string={"q": q}))
