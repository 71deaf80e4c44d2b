"""The desk view, referral lists and slips: next dates, list codes, the slip's texts,
expired and altered links, and what a consultation leaves on the server."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from finder import i18n
from finder.referrals import KEEP_DAYS, ListError, Lists
from finder.web import create_app
from tests.conftest import PROVIDER, TODAY, serving

THREE = ("sprechstunde-erziehungsberatung-talwiesen", "rucksack-kita-talwiesen", "elternbriefe")


@pytest.fixture(scope="module")
def data(bundled_data, tmp_path_factory) -> Path:
    """A copy of the bundled build, so that lists made here stay here."""
    copy = tmp_path_factory.mktemp("desk") / "data"
    shutil.copytree(bundled_data, copy, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def client(data):
    return create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()


# ---- repeats in the content ---------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    ("{byday: [TU], week_of_month: 6, opens_at: '09:00', closes_at: '10:00'}", "week_of_month"),
    ("{byday: [TU], every_weeks: 2, opens_at: '09:00', closes_at: '10:00'}", "first_date"),
    ("{byday: [TU], every_weeks: 2, first_date: 2026-11-03, week_of_month: 1, opens_at: '09:00', "
     "closes_at: '10:00'}", "not both"),
    ("{date: 2026-12-01, week_of_month: 1, opens_at: '09:00', closes_at: '10:00'}", "does not repeat"),
])
def test_malformed_repeats_are_named_with_file_and_line(content, line, message):
    from finder.content import ContentError, load

    body = OFFER_WITH_SCHEDULE + "      - " + line + "\n"
    path = content.provider(PROVIDER + body)
    lineno = path.read_text().split("\n").index("      - " + line) + 1
    with pytest.raises(ContentError) as error:
        load(content.root)
    problems = [str(p) for p in error.value.problems]
    assert any(message in p and f"{path.name}:{lineno}" in p for p in problems), problems


OFFER_WITH_SCHEDULE = """\
  - id: treff
    name: Treff
    summary: Ein Treff für Familien.
    description: Ein Treff für Familien im Stadtteil.
    topics: [meeting_places]
    free: true
    assured_date: 2026-09-01
    schedules:
"""


# ---- list codes ----------------------------------------------------------------------------

def test_a_list_code_is_short_signed_and_the_same_for_the_same_list(tmp_path):
    lists = Lists(tmp_path)
    one = lists.save(THREE, "ar", dt.date(2026, 11, 24))
    assert re.fullmatch(r"[a-z2-7]{16}", one.code)
    assert len(f"list_{one.code}") <= 64, "Telegram's /start payload holds 64 characters"
    assert lists.save(THREE, "ar", dt.date(2026, 11, 24)).code == one.code
    assert lists.save(THREE, "fa", dt.date(2026, 11, 24)).code != one.code
    back = lists.load(one.code, dt.date(2026, 12, 1))
    assert back.offer_ids == THREE and back.lang == "ar"
    assert (tmp_path / "secret-key").stat().st_mode & 0o077 == 0


def test_expired_and_altered_codes_are_told_apart(tmp_path):
    lists = Lists(tmp_path)
    made = dt.date(2026, 10, 1)
    code = lists.save(THREE, "uk", made).code
    assert lists.load(code, made + dt.timedelta(days=KEEP_DAYS)).lang == "uk"
    with pytest.raises(ListError) as error:
        lists.load(code, made + dt.timedelta(days=KEEP_DAYS + 1))
    assert error.value.reason == "expired"
    for altered in (code[:-1] + ("a" if code[-1] != "a" else "b"), code[:8], "x" * 16,
                    "../../etc/passwd", code.upper() + "é"):
        with pytest.raises(ListError) as error:
            lists.load(altered, made)
        assert error.value.reason == "invalid", altered
    # A code signed with another town's key is no code here.
    other = Lists(tmp_path / "other").save(THREE, "uk", made).code
    with pytest.raises(ListError):
        lists.load(other, made)


def test_old_lists_are_deleted_when_a_new_one_is_kept(tmp_path):
    import sqlite3

    lists = Lists(tmp_path)
    lists.save(THREE[:1], "de", dt.date(2026, 9, 1))
    lists.save(THREE[:2], "de", dt.date(2026, 11, 24))
    rows = sqlite3.connect(tmp_path / "lists.db").execute("select offers, lang, made from lists")
    assert rows.fetchall() == [(",".join(THREE[:2]), "de", "2026-11-24")]


# ---- desk, slip and list pages ----------------------------------------------------------------

def test_desk_shows_every_filter_and_eligibility_at_a_glance(client):
    page = client.get("/de/desk?q=Erziehungsberatung&lang_spoken=ar&district=suedstadt&age=0&age=4")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("q", "expecting", "age", "district", "phase", "topic", "free", "accessible",
                 "weekend", "evening", "online", "lang_spoken"):
        assert f'name="{name}"' in html, name
    desk = html.split('id="desk"', 1)[1]  # the header's language switch may fold on a phone
    assert "<details" not in desk, "nothing is folded away at the desk"
    first = re.search(r'<article class="desk-hit" id="hit-([^"]+)"', html).group(1)
    assert first == "sprechstunde-erziehungsberatung-talwiesen"
    card = html[html.index(f'id="hit-{first}"'):html.index("</article>", html.index(f'id="hit-{first}"'))]
    for fact in ("bis 11 Jahre", "Talwiesen", "kostenlos", "Deutsch und Arabisch", "ohne Anmeldung",
                 'data-copy="+49 69 90009 200"'):
        assert fact in card, fact
    assert re.search(r"Di\., \d{1,2}\.\d{1,2}\., 09:30–11:30", card), "the next date, not a rule"


def test_the_list_travels_in_the_address_and_keeps_its_order(client):
    html = client.get(f"/de/desk?list={THREE[2]},{THREE[0]},nope,{THREE[2]}").get_data(as_text=True)
    picked = re.findall(r'id="remove-([^"]+)"', html)
    assert picked == [THREE[2], THREE[0]], "unknown and repeated ids are dropped, order kept"
    down = re.search(rf'id="down-{THREE[2]}" href="([^"]+)"', html).group(1)
    assert f"list={THREE[0]}%2C{THREE[2]}" in down or f"list={THREE[0]},{THREE[2]}" in down


def test_the_desk_evening_filter(client, catalogue):
    html = client.get("/de/desk?evening=1&topic=parenting_advice").get_data(as_text=True)
    ids = re.findall(r'<article class="desk-hit" id="hit-([^"]+)"', html)
    assert ids
    for offer_id in ids:
        assert catalogue.offer(offer_id).open_evenings, offer_id


@pytest.mark.parametrize("family", ["ar", "fa"])
def test_the_slip_gives_each_offer_in_the_family_language_with_german_beside(client, catalogue,
                                                                             family):
    html = client.get(f"/de/slip?list={','.join(THREE)}&family={family}").get_data(as_text=True)
    assert html.count(f'class="slip-family" lang="{family}" dir="rtl"') == 3
    assert html.count('class="slip-german" lang="de" dir="ltr"') == 3
    for offer_id in THREE:
        offer = catalogue.offer(offer_id)
        assert offer.translations[family]["name"] in html
        assert offer.name in html
        for phone in offer.phones:
            assert phone in html
        assert offer.email in html
        if offer.url:
            assert offer.url in html
    assert html.count('<svg role="img"') == 3 + 2, "a code per offer, one for the list, one for the bot"
    assert "https://t.me/WiesbrueckFamilienBot?start=list_" in html
    # Inside the right-to-left sentence the phone number and the German name keep their
    # own direction (isolated), so the number is not read backwards.
    phone = catalogue.offer(THREE[1]).phones[0]
    assert f"\u2068{phone}\u2069" in html
    assert f"\u2068{catalogue.offer(THREE[1]).name}\u2069" in html


def test_the_slip_for_a_german_family_has_one_column(client):
    html = client.get(f"/de/slip?list={THREE[0]}&family=de").get_data(as_text=True)
    assert 'class="slip-german"' not in html and 'class="slip-family" lang="de"' in html


def test_an_empty_or_unknown_list_goes_back_to_the_desk(client):
    for query in ("", "?list=", "?list=%00%ff", "?list=" + "a" * 5000, "?list=nope&family=xx"):
        response = client.get("/de/slip" + query)
        assert response.status_code == 303 and "/de/desk" in response.location


def test_notes_are_printed_only_from_a_post_and_cut_short(client):
    note = "Bitte nach Frau Demir fragen"
    html = client.post(f"/de/slip?list={THREE[0]}&family=tr",
                       data={f"note-{THREE[0]}": note, "note-other": "x"}).get_data(as_text=True)
    assert f"<span data-note-text>{note}</span></p>" in html
    long = client.post(f"/de/slip?list={THREE[0]}&family=tr",
                       data={f"note-{THREE[0]}": "<b>" * 300}).get_data(as_text=True)
    assert "&lt;b&gt;" * 66 in long and "&lt;b&gt;" * 67 not in long, "cut at 200 characters"
    assert "<b><b>" not in long


@pytest.mark.parametrize("lang", ["ar", "uk", "tr"])
def test_expired_and_altered_list_links_speak_the_reader_language(client, data, lang):
    lists = Lists(data)
    old = lists.save(THREE, lang, TODAY - dt.timedelta(days=KEEP_DAYS + 3))
    expired = client.get(f"/{lang}/list/{old.code}")
    assert expired.status_code == 410
    text = expired.get_data(as_text=True)
    heading = i18n.t(lang, "Diese Liste ist abgelaufen")
    assert heading != "Diese Liste ist abgelaufen" and heading in text
    fresh = lists.save(THREE, lang, TODAY)
    tampered = fresh.code[:5] + ("q" if fresh.code[5] != "q" else "r") + fresh.code[6:]
    for bad in (tampered, fresh.code[:-3], "zz", "a" * 300):
        answer = client.get(f"/{lang}/list/{bad}")
        assert answer.status_code == 404
        assert i18n.t(lang, "Dieser Link stimmt nicht") in answer.get_data(as_text=True)
    ok = client.get(f"/{lang}/list/{fresh.code}").get_data(as_text=True)
    assert all(f'id="hit-{i}"' in ok for i in THREE)


def test_a_list_store_that_cannot_be_written_still_gives_a_slip(bundled_data, tmp_path):
    """A read-only data folder (for root, who writes anyway, the store's file is a folder)."""
    data = tmp_path / "data"
    shutil.copytree(bundled_data, data, symlinks=True)
    for name in ("lists.db", "secret-key"):
        (data / name).unlink(missing_ok=True)
    (data / "lists.db").mkdir()
    data.chmod(0o555)
    try:
        client = create_app({"DATA_DIR": str(data)}).test_client()
        response = client.get(f"/de/slip?list={THREE[0]}&family=ar")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert html.count('<svg role="img"') == 1, "the offer's code, no list code"
        assert i18n.t("ar", "Die ganze Liste kann gerade nicht gespeichert werden; die QR-Codes "
                               "der einzelnen Angebote funktionieren.") in html
        gone = client.get("/ar/list/aaaaaaaaaaaaaaaa")
        assert gone.status_code in (404, 503)
    finally:
        data.chmod(0o755)


def test_a_consultation_leaves_no_note_on_the_server(data, tmp_path):
    """A real server on 127.0.0.1: after a slip with a note, neither the data folder nor
    the server's log holds the note."""
    log = tmp_path / "server.log"
    note = "Familie Karimi kommt am Montag, Tochter Leila 4 Jahre"
    with serving(data, log=log) as base:
        query = urlencode({"list": ",".join(THREE), "family": "fa"})
        body = urlencode({f"note-{i}": note for i in THREE}).encode()
        with urlopen(Request(f"{base}/de/slip?{query}", data=body), timeout=10) as answer:
            page = answer.read().decode()
            assert answer.headers["Cache-Control"] == "no-store"
            assert answer.headers.get("Set-Cookie") is None
        assert page.count(f"<span data-note-text>{note}</span></p>") == 3, "printed under each offer"
        code = re.search(r"/fa/list/([a-z2-7]{16})", page).group(1)
        urlopen(f"{base}/fa/list/{code}", timeout=10).read()
    for word in (note, "Karimi", "Leila"):
        for path in [*data.rglob("*"), log]:
            if path.is_file():
                assert word.encode() not in path.read_bytes(), (word, path.name)


@pytest.mark.parametrize("family", ["ar", "fa"])
def test_the_slip_as_pdf_keeps_the_right_to_left_text(client, catalogue, family):
    """WeasyPrint's PDF, its text read back with pypdf: every word of each offer's name in
    the family's language and in German, the contacts in full, the note printed."""
    import io

    from pypdf import PdfReader

    from finder import pdf

    if not pdf.available():
        pytest.fail("WeasyPrint cannot load Pango: `make test` installs it")
    response = client.post(f"/de/slip?list={','.join(THREE)}&family={family}",
                           data={"format": "pdf", f"note-{THREE[1]}": "Dienstag anrufen"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="zettel-{family}.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    assert 1 <= len(reader.pages) <= 3
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u200c", "")
    # Joined again where a line ends: in a word hyphenated there, after a hyphen of its own.
    text = re.sub(r"-\n", "-", re.sub(r"\u2010\n", "", text))
    for offer_id in THREE:
        offer = catalogue.offer(offer_id)
        for name in (offer.translations[family]["name"], offer.name):
            for word in re.findall(r"\w+", name.replace("\u200c", "")):
                assert word in text, (word, name)
        assert offer.email in re.sub(r"\s+", "", text)  # a long address wraps, unhyphenated
    assert "Dienstag anrufen" in text
    assert "Was tun?" in text and i18n.t(family, "Was tun?") in text


def test_a_qr_code_label_is_escaped(client):
    from finder.web.desk import qr_svg

    with client.application.test_request_context("/de/desk"):
        svg = str(qr_svg("https://example.org/x", '<script>alert(1)</script>"&'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.startswith('<svg role="img" ')


def test_odd_desk_slip_and_list_addresses_never_give_a_server_error(client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    odd = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
    names = st.sampled_from(["list", "family", "q", "age", "page", "district", "topic",
                             "lang_spoken", "evening", "format", "note-elternbriefe"])

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(path=st.sampled_from(["/de/desk", "/ar/desk", "/de/slip", "/fa/slip"]),
           params=st.lists(st.tuples(names, odd), max_size=5), code=odd,
           post=st.booleans())
    def check(path, params, code, post):
        from urllib.parse import quote

        query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
        if post:
            response = client.post(f"{path}?{query}", data=dict(params))
        else:
            response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, params)
        listed = client.get("/uk/list/" + quote(code, safe=""))
        assert listed.status_code in (404, 410, 308, 200), code

    check()
