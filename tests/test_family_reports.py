"""Families say what is wrong with an offer ("Stimmt etwas nicht?") on the website and in
the bot: no personal data asked for or kept, no cookie, limited per client and per
offer, and each report reaches the coordinator's queue and counts in freshness."""

from __future__ import annotations

import logging
import re
import shutil

import pytest

from finder.catalogue import live
from finder.coordinator import freshness, proposals, users
from finder.web import create_app
from tests.conftest import TODAY
from tests.test_coordinator import PASSWORD, Session, forms_of
from tests.test_providers import form_of

OFFER = "elterncafe-nordstadt"
MARKER = "Zebrafink4711"
"""Written into everything a visitor could send about themselves; must be found nowhere."""


@pytest.fixture(scope="module")
def built(bundled_data, tmp_path_factory):
    data = tmp_path_factory.mktemp("reports") / "data"
    shutil.copytree(bundled_data, data, symlinks=True,
                    ignore=shutil.ignore_patterns("coordinator.db*", "secret-key", "lists.db"))
    return data


@pytest.fixture
def data(built, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(built, target, symlinks=True)
    return target


def app_for(data_dir, **settings):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, **settings})


def identifying_headers() -> dict:
    return {"User-Agent": f"Mozilla/5.0 {MARKER}", "X-Forwarded-For": "203.0.113.77",
            "Referer": f"https://example.org/{MARKER}", "Accept-Language": "de-DE",
            "Cookie": f"tracking={MARKER}"}


def every_stored_byte(data_dir) -> bytes:
    """Every file of the data folder (the builds, the records and their journals)."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())


def test_a_report_from_the_offer_page_keeps_nothing_about_the_family(data, caplog):
    caplog.set_level(logging.DEBUG)
    client = app_for(data).test_client()
    page = client.get(f"/de/offer/{OFFER}", headers=identifying_headers())
    html = page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers
    assert '<details class="report-wrong" id="report">' in html
    assert "Stimmt etwas nicht?" in html
    # The text box starts empty (the offer page's own names do not leak into it).
    assert re.search(r'<textarea id="report-text"[^>]*></textarea>', html)
    form = form_of(html, f"/de/offer/{OFFER}/report")
    # A short number may turn up by chance in a build's binary files: what counts is that
    # the report adds no trace.
    before = every_stored_byte(data)
    sent = client.post(f"/de/offer/{OFFER}/report", headers=identifying_headers(), data=form | {
        "reason": "wrong_phone",
        "text": f"Nummer geht nicht. Ich bin {MARKER.lower()}@example.org, "
                f"ruft mich an: 0171 4711 {MARKER[-4:]}0. Seit 01.12.2026 zu."})
    assert sent.status_code == 200
    assert "Set-Cookie" not in sent.headers and sent.headers["Cache-Control"] == "no-store"
    assert "Ihr Hinweis ist bei der Koordinierungsstelle angekommen" in sent.get_data(as_text=True)
    (report,) = proposals.reports(data)
    assert (report.offer, report.reason, report.day, report.status) == \
        (OFFER, "wrong_phone", TODAY.isoformat(), "open")
    assert report.text == "Nummer geht nicht. Ich bin […], ruft mich an: […]. Seit 01.12.2026 zu."
    stored = every_stored_byte(data)
    for trace in (MARKER, MARKER.lower(), "203.0.113.77", "4711"):
        assert stored.count(trace.encode()) == before.count(trace.encode()), trace
        assert trace not in caplog.text, trace


def test_the_report_works_without_javascript_on_its_own_page_in_every_language(data):
    client = app_for(data).test_client()
    for lang, words in (("en", "Is something wrong?"), ("ar", "هل هناك خطأ؟"),
                        ("uk", "Щось не так?")):
        page = client.get(f"/{lang}/offer/{OFFER}/report")
        assert page.status_code == 200 and words in page.get_data(as_text=True), lang
    form = form_of(client.get(f"/en/offer/{OFFER}/report").get_data(as_text=True),
                   f"/en/offer/{OFFER}/report")
    missing = client.post(f"/en/offer/{OFFER}/report", data=form | {"text": "Closed on Mondays"})
    assert missing.status_code == 400
    assert "Please choose what is wrong." in missing.get_data(as_text=True)
    assert ">Closed on Mondays</textarea>" in missing.get_data(as_text=True)   # kept as typed
    assert proposals.reports(data) == []
    thanks = client.post(f"/en/offer/{OFFER}/report", data=form | {"reason": "closed_moved"})
    assert thanks.status_code == 200 and "Thank you" in thanks.get_data(as_text=True)


def test_reports_are_limited_per_client_and_per_offer(data, monkeypatch):
    client = app_for(data, REPORT_RATE_LIMIT="3 per hour").test_client()
    form = form_of(client.get(f"/de/offer/{OFFER}").get_data(as_text=True),
                   f"/de/offer/{OFFER}/report") | {"reason": "other"}
    codes = [client.post(f"/de/offer/{OFFER}/report", data=form).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.post(f"/de/offer/{OFFER}/report", data=form)
    assert "Bitte warten Sie etwas" in limited.get_data(as_text=True)
    assert len(proposals.reports(data)) == 3
    assert client.get(f"/de/offer/{OFFER}").status_code == 200      # reading is never limited
    # Many addresses at once: one offer keeps at most REPORTS_PER_OFFER_A_DAY a day.
    monkeypatch.setattr(proposals, "REPORTS_PER_OFFER_A_DAY", 5)
    kept = [proposals.report(data, OFFER, "other", "", TODAY) for _ in range(4)]
    assert kept == [True, True, False, False]
    assert proposals.report(data, OFFER, "other", "", TODAY.replace(day=6)) is True


def test_a_report_reaches_the_queue_and_counts_in_freshness(data):
    client = app_for(data).test_client()
    form = form_of(client.get(f"/de/offer/{OFFER}").get_data(as_text=True),
                   f"/de/offer/{OFFER}/report")
    client.post(f"/de/offer/{OFFER}/report", data=form | {"reason": "wrong_times",
                                                          "text": "Jetzt mittwochs."})
    fresh = freshness.compute(live(data), data, TODAY)
    assert fresh.counts["reported"] == 1
    item = next(i for g in fresh.groups for i in g.items if i.offer["id"] == OFFER)
    assert item.state == "reported" and item.reports == 1
    users.add(data, "koordination", PASSWORD)
    browser = Session(data)
    browser.login()
    page = browser.get("/coordinator/review").get_data(as_text=True)
    assert f'id="offer-reports-{OFFER}"' in page
    assert "Die Zeiten stimmen nicht" in page and "Jetzt mittwochs." in page
    assert "1 Hinweis von Familien" in browser.get("/coordinator/freshness").get_data(as_text=True)
    (report,) = proposals.reports(data)
    (close,) = forms_of(page, f"/coordinator/review/report/{report.id}")
    done = browser.post(f"/coordinator/review/report/{report.id}",
                        {**close["fields"], "action": "done", "note": "Zeiten korrigiert."})
    assert done.status_code == 303
    assert proposals.reports(data)[0].status == "done"
    assert freshness.compute(live(data), data, TODAY).counts["reported"] == 0
    assert f'id="offer-reports-{OFFER}"' not in browser.get("/coordinator/review").get_data(
        as_text=True)


def test_the_bots_offer_card_leads_to_a_short_choice(data, tmp_path):
    from tests.test_bot import Running, buttons, press

    bot = Running(data, tmp_path / "chats.db")
    try:
        chat = 424242
        card = press(bot, chat, f"o:{OFFER}")
        wrong = [b for b in buttons(card) if b.get("callback_data", "").startswith("w:")]
        assert [b["text"] for b in wrong] == ["Stimmt etwas nicht?"]
        choice = press(bot, chat, wrong[0]["callback_data"])
        reasons = buttons(choice)
        assert [b["text"] for b in reasons] == [
            "Die Telefonnummer stimmt nicht", "Das Angebot gibt es nicht mehr oder es ist umgezogen",
            "Die Zeiten stimmen nicht", "Etwas anderes"]
        thanks = press(bot, chat, reasons[2]["callback_data"])
        assert "bei der Koordinierungsstelle angekommen" in thanks["params"]["text"]
        for _ in range(5):
            last = press(bot, chat, reasons[0]["callback_data"])
        assert "schon mehrere Hinweise" in last["params"]["text"]
        english = press(bot, 434343, f"w:{OFFER}", lang="en")
        assert buttons(english)[0]["text"] == "The phone number is wrong"
    finally:
        bot.stop()
    stored = proposals.reports(data)
    assert [(r.offer, r.reason) for r in stored] == [(OFFER, "wrong_times")] + \
        [(OFFER, "wrong_phone")] * 4
    assert b"424242" not in every_stored_byte(data)
