"""Providers check their own offers through a private link; the coordinator reviews
what they change; accepted changes go into the provider files line by line.

Through the app's test client (the whole path in real HTTP and a real browser is in
tests/test_keep_current_e2e.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3

import pytest

from finder.catalogue.build import build
from finder.content import load
from finder.coordinator import freshness, links, proposals, records, users
from finder.model import text_hash
from finder.web import create_app
from tests.conftest import BUNDLED, TODAY, run_finder
from tests.test_coordinator import HTTPS, PASSWORD, Session, forms_of

OFFER = "elterncafe-nordstadt"
PROVIDER = "fz-nordstadt"


@pytest.fixture(scope="module")
def built(bundled_data, tmp_path_factory):
    """A copy of the bundled build, without coordinator records."""
    data = tmp_path_factory.mktemp("providers") / "data"
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


def form_of(html: str, action_part: str) -> dict:
    """The fields of the first form whose action contains action_part, as a browser
    would send them (text, textarea, checked boxes and radios, hidden)."""
    start = re.search(r'<form[^>]*action="[^"]*' + re.escape(action_part), html).start()
    form = html[start:html.index("</form>", start)]
    fields: dict = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = re.search(r'value="([^"]*)"', tag)
        value = unescape(value.group(1)) if value else ""
        if kind in ("checkbox", "radio"):
            if " checked" in tag:
                fields.setdefault(name.group(1), []).append(value)
        else:
            fields[name.group(1)] = value
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = unescape(text)
    return {k: (v[0] if isinstance(v, list) and k != "languages" else v) for k, v in fields.items()}


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def records_of(data_dir) -> dict:
    """What the coordinator's records hold about providers' and families' input."""
    conn = sqlite3.connect(records.path(data_dir))
    try:
        return {table: conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
                for table in ("proposals", "family_reports", "verifications")}
    finally:
        conn.close()


# --- links -----------------------------------------------------------------------------


def test_links_on_the_command_line_are_stable_and_renewable(data):
    first = run_finder("providers", "links", "--json", "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    listed = json.loads(first.stdout)
    assert len(listed) == 69 and set(listed[0]) == {"provider", "url"}
    by_provider = {row["provider"]: row["url"] for row in listed}
    assert by_provider[PROVIDER].startswith(
        "https://familienwegweiser.wiesbrueck.example.org/anbieter/fz-nordstadt.")
    again = json.loads(run_finder("providers", "links", "--json", "--data-dir", str(data)).stdout)
    assert again == listed
    renewed = run_finder("providers", "renew", PROVIDER, "--data-dir", str(data))
    assert renewed.returncode == 0 and renewed.stdout.strip() != by_provider[PROVIDER]
    client = app_for(data).test_client()
    old_path = by_provider[PROVIDER].split(".org", 1)[1]
    new_path = renewed.stdout.strip().split(".org", 1)[1]
    assert client.get(new_path).status_code == 200
    gone = client.get(old_path)
    assert gone.status_code == 410 and "gilt nicht mehr" in gone.get_data(as_text=True)
    plain = run_finder("providers", "links", "--data-dir", str(data)).stdout.splitlines()
    assert f"{PROVIDER}\t{renewed.stdout.strip()}" in plain


def test_the_link_page_lists_the_providers_offers_without_a_cookie(data):
    link = links.issue(data, PROVIDER, TODAY)
    response = app_for(data).test_client().get(links.PATH + link.token)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Elterncafé Nordstadt" in page and "Stimmt noch" in page and "Prüfen und ändern" in page
    assert "Er gilt bis zum 3. Juni 2027" in page      # 180 days


@pytest.mark.parametrize("how", ["altered", "other-provider", "expired", "revoked", "garbage"])
def test_an_altered_expired_or_revoked_link_changes_nothing(data, monkeypatch, how):
    link = links.issue(data, PROVIDER, TODAY)
    client = app_for(data).test_client()
    form = form_of(client.get(f"{links.PATH}{link.token}/angebot/{OFFER}").get_data(as_text=True),
                   f"/angebot/{OFFER}")
    token = link.token
    if how == "altered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif how == "other-provider":
        token = "fz-hafen" + token[len(PROVIDER):]
    elif how == "garbage":
        token = "nicht-einmal-ein-link"
    elif how == "expired":
        monkeypatch.setenv("FINDER_TODAY", (TODAY + dt.timedelta(days=links.LINK_DAYS + 1)).isoformat())
    elif how == "revoked":
        links.revoke(data, PROVIDER, TODAY)
    before = records_of(data)
    page = client.get(links.PATH + token)
    sent = client.post(f"{links.PATH}{token}/angebot/{OFFER}",
                       data=form | {"phones": "069 90009 777", "action": "propose"})
    expected = {"altered": 404, "other-provider": 404, "garbage": 404, "expired": 410,
                "revoked": 410}[how]
    words = {404: "nicht vollständig oder wurde verändert", 410: {
        "expired": "abgelaufen", "revoked": "gilt nicht mehr"}.get(how)}[expected]
    for response in (page, sent):
        assert response.status_code == expected
        text = response.get_data(as_text=True)
        assert words in text and "Es wurde nichts gespeichert und nichts geändert." in text
        assert "Elterncafé" not in text
    assert records_of(data) == before


def test_still_correct_confirms_the_offer_at_once(data):
    link = links.issue(data, PROVIDER, TODAY)
    client = app_for(data).test_client()
    page = client.get(links.PATH + link.token).get_data(as_text=True)
    quick = form_of(page, f"/angebot/{OFFER}")
    assert quick["quick"] == "1"
    done = client.post(f"{links.PATH}{link.token}/angebot/{OFFER}", data=quick | {"action": "confirm"})
    assert done.status_code == 200
    assert "ist als geprüft vermerkt" in done.get_data(as_text=True)
    confirmed = freshness.confirmations(data)[("offer", OFFER)]
    assert confirmed["day"] == TODAY.isoformat() and confirmed["by"] == f"Anbieter {PROVIDER}"
    assert proposals.proposals(data) == []


def test_a_change_becomes_a_proposal_and_nothing_is_published(data):
    link = links.issue(data, PROVIDER, TODAY)
    client = app_for(data).test_client()
    path = f"{links.PATH}{link.token}/angebot/{OFFER}"
    form = form_of(client.get(path).get_data(as_text=True), path)
    old_phone = form["phones"]
    sent = client.post(path, data=form | {"phones": "069 90009 777", "action": "confirm",
                                          "message": "Neue Durchwahl seit Dezember."})
    text = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "bei der Koordinierungsstelle angekommen" in text
    assert "069 90009 777" in text
    (proposal,) = proposals.proposals(data, "open")
    assert proposal.offer == OFFER and proposal.provider == PROVIDER
    assert proposal.changes == {"phones": {"old": {"phones": [old_phone]},
                                           "new": {"phones": ["069 90009 777"]}}}
    assert proposal.message == "Neue Durchwahl seit Dezember."
    # Pressing "still correct" with a change does not confirm: the change waits.
    assert ("offer", OFFER) not in freshness.confirmations(data)
    public = client.get(f"/de/offer/{OFFER}").get_data(as_text=True)
    assert old_phone in public and "069 90009 777" not in public
    listed = client.get(links.PATH + link.token).get_data(as_text=True)
    assert "liegen der Koordinierungsstelle vor" in listed


def test_a_value_the_content_would_refuse_comes_back_with_the_form(data):
    link = links.issue(data, PROVIDER, TODAY)
    client = app_for(data).test_client()
    path = f"{links.PATH}{link.token}/angebot/{OFFER}"
    form = form_of(client.get(path).get_data(as_text=True), path)
    sent = client.post(path, data=form | {"phones": "ruf mich an", "schedules": "dienstags",
                                          "action": "propose"})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 400
    assert 'class="error-summary"' in page and 'href="#field-phones"' in page
    assert 'aria-invalid="true"' in page and 'value="ruf mich an"' in page   # kept as typed
    assert "Zeile 1 verstehen wir nicht" in page
    assert proposals.proposals(data) == []


def test_every_public_form_refuses_a_post_from_elsewhere(data):
    """CSRF without a cookie: the form token, and the browser's word on where a form
    was sent from."""
    link = links.issue(data, PROVIDER, TODAY)
    client = app_for(data).test_client()
    path = f"{links.PATH}{link.token}/angebot/{OFFER}"
    form = form_of(client.get(path).get_data(as_text=True), path) | {"action": "confirm"}
    report_page = client.get(f"/de/offer/{OFFER}").get_data(as_text=True)
    report = form_of(report_page, f"/de/offer/{OFFER}/report") | {"reason": "wrong_phone"}
    attempts = [
        (path, {k: v for k, v in form.items() if k != "form_token"}, {}),
        (path, form | {"form_token": "1700000000.forged"}, {}),
        (path, form, {"Origin": "https://evil.example"}),
        (path, form, {"Sec-Fetch-Site": "cross-site"}),
        (path, form, {"Sec-Fetch-Site": "cross-site", "Origin": "null"}),
        (f"/de/offer/{OFFER}/report", {k: v for k, v in report.items() if k != "form_token"}, {}),
        (f"/de/offer/{OFFER}/report", report, {"Origin": "https://evil.example"}),
        (f"/de/offer/{OFFER}/report", report, {"Sec-Fetch-Site": "cross-site"}),
        # A token made for another offer does not open this one.
        ("/de/offer/hebammenvermittlung/report", report, {}),
    ]
    for target, sent, headers in attempts:
        response = client.post(target, data=sent, headers=headers)
        assert response.status_code == 400, (target, headers)
    assert records_of(data) == {"proposals": [], "family_reports": [], "verifications": []}
    # The same forms, sent from the site itself, are taken.
    assert client.post(path, data=form, headers={"Origin": "http://localhost",
                                                 "Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert client.post(f"/de/offer/{OFFER}/report", data=report).status_code == 200
    # Under the site's "Referrer-Policy: no-referrer" Chromium sends "Origin: null" with
    # the site's own forms; its Sec-Fetch-Site says where they came from.
    again = form_of(client.get(path).get_data(as_text=True), path) | {"action": "confirm"}
    assert client.post(path, data=again, headers={"Origin": "null",
                                                  "Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_the_coordinators_new_forms_need_their_csrf_token(data):
    users.add(data, "koordination", PASSWORD)
    number = proposals.propose(data, OFFER, PROVIDER, {"phones": {
        "old": {"phones": ["x"]}, "new": {"phones": ["069 90009 777"]}}}, "", TODAY)
    proposals.report(data, OFFER, "wrong_phone", "", TODAY)
    (report,) = proposals.reports(data)
    browser = Session(data)
    browser.login()
    for path, form in ((f"/coordinator/review/proposal/{number}", {"action": "accept",
                                                                   "field": "phones"}),
                       (f"/coordinator/review/proposal/{number}", {"action": "reject"}),
                       (f"/coordinator/review/report/{report.id}", {"action": "done"}),
                       (f"/coordinator/providers/{PROVIDER}/renew", {}),
                       (f"/coordinator/providers/{PROVIDER}/revoke", {})):
        assert browser.post(path, form, token=False).status_code == 400, path
    assert proposals.proposal(data, number).status == "open"
    assert proposals.reports(data)[0].status == "open"
    assert links.latest(data) == {}


def test_the_providers_pages_are_rate_limited(data):
    link = links.issue(data, PROVIDER, TODAY)
    client = app_for(data, PROVIDER_RATE_LIMIT="5 per minute").test_client()
    codes = [client.get(links.PATH + link.token).status_code for _ in range(5)]
    codes.append(client.get(links.PATH + "guessing.00000000.aaaaaaaaaaaaaaaaaaaaaa").status_code)
    assert codes == [200] * 5 + [429]
    assert client.get("/de/").status_code == 200       # the website itself is not limited


# --- review and write-back -------------------------------------------------------------


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(BUNDLED, target)
    return target


def provider_propose(data, offer, changes: dict, provider=PROVIDER) -> int:
    """A provider sends its form with these changes; returns the proposal's number."""
    link = links.current(data, provider, TODAY)
    client = app_for(data).test_client()
    path = f"{links.PATH}{link.token}/angebot/{offer}"
    form = form_of(client.get(path).get_data(as_text=True), path)
    sent = client.post(path, data=form | changes | {"action": "propose"})
    assert sent.status_code == 200, sent.get_data(as_text=True)[-2000:]
    return proposals.proposals(data, "open")[-1].id


def test_review_accepts_some_fields_and_the_yaml_changes_in_those_lines_only(data, content):
    number = provider_propose(data, OFFER, {"phones": "069 90009 777", "valid_to": "2027-06-30"})
    users.add(data, "koordination", PASSWORD)
    browser = Session(data)
    browser.login()
    page = browser.get("/coordinator/review").get_data(as_text=True)
    section = page[page.index(f'id="proposal-{number}"'):]
    assert "Telefon" in section and "069 90009 777" in section and "30.12.2027" not in section
    assert "30.06.2027" in section and "unbefristet" in section
    (form,) = forms_of(page, f"/coordinator/review/proposal/{number}")
    accepted = browser.post(f"/coordinator/review/proposal/{number}",
                            {**form["fields"], "field": "phones", "action": "accept"})
    assert accepted.status_code == 303
    decided = proposals.proposal(data, number)
    assert decided.status == "accepted" and decided.accepted == ("phones",)
    assert decided.decided_by == "koordination"
    after = browser.get("/coordinator/review").get_data(as_text=True)
    assert f'id="proposal-{number}"' not in after and 'id="waiting"' in after

    before = {p.name: p.read_text(encoding="utf-8") for p in (content / "providers").iterdir()}
    result = run_finder("content", "write-back", "--content", str(content), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert f"providers/{PROVIDER}.yaml: {OFFER}: phones, assured_date (proposal {number})" \
        in result.stdout
    after_files = {p.name: p.read_text(encoding="utf-8") for p in (content / "providers").iterdir()}
    assert [n for n in before if before[n] != after_files[n]] == [f"{PROVIDER}.yaml"]
    old, new = before[f"{PROVIDER}.yaml"].splitlines(), after_files[f"{PROVIDER}.yaml"].splitlines()
    removed = [line for line in old if line not in new]
    added = [line for line in new if line not in old]
    assert [line.strip() for line in added] == ['phones: ["069 90009 777"]',
                                                f"assured_date: {TODAY.isoformat()}"]
    assert all("assured_date" in line for line in removed)
    assert len(new) == len(old) + 1
    loaded = {o["id"]: o for o in load(content).offers}
    assert loaded[OFFER]["phones"] == ["069 90009 777"]
    assert loaded[OFFER]["valid_to"] is None                 # not accepted
    assert proposals.unwritten(data) == []
    again = run_finder("content", "write-back", "--content", str(content), "--data-dir", str(data))
    assert "0 file(s) changed" in again.stdout

    build(content, data)
    public = app_for(data).test_client().get(f"/de/offer/{OFFER}").get_data(as_text=True)
    assert "069 90009 777" in public


def test_a_rejected_proposal_keeps_its_note_and_changes_nothing(data, content):
    number = provider_propose(data, OFFER, {"phones": "069 90009 777"})
    users.add(data, "koordination", PASSWORD)
    browser = Session(data)
    browser.login()
    browser.get("/coordinator/review")
    assert browser.post(f"/coordinator/review/proposal/{number}",
                        {"action": "reject", "note": "Die Nummer ist die private."}).status_code == 303
    decided = proposals.proposal(data, number)
    assert decided.status == "rejected" and decided.note == "Die Nummer ist die private."
    before = {p: p.read_bytes() for p in content.rglob("*.yaml")}
    run_finder("content", "write-back", "--content", str(content), "--data-dir", str(data))
    assert {p: p.read_bytes() for p in content.rglob("*.yaml")} == before
    # Deciding twice is refused.
    assert browser.post(f"/coordinator/review/proposal/{number}",
                        {"action": "accept", "field": "phones"}).status_code == 409


def test_a_changed_german_text_marks_its_translations_as_older(data, content):
    from finder.catalogue import live

    offer = live(data).offer(OFFER)
    old_summary = offer.summary
    assert offer.translations["en"].get("summary")
    number = provider_propose(data, OFFER, {"summary": "Jeden Dienstag Frühstück für Eltern."})
    proposals.accept(data, number, ["summary"], "koordination")
    result = run_finder("content", "write-back", "--content", str(content), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    langs = [lang for lang in ("en", "tr", "ar", "uk", "ru", "fa")
             if f"translations/{lang}.yaml: {OFFER}: summary is now older" in result.stdout]
    assert langs == ["en", "tr", "ar", "uk", "ru", "fa"]
    # The review's marks already name the German it was checked against: they stay, and
    # now differ from the new German.
    english = (content / "translations" / "en.yaml").read_text(encoding="utf-8")
    entry = english[english.index(f"\n  {OFFER}:\n"):]
    entry = entry[:re.search(r"\n  \S", entry[1:]).start() + 1]
    marks = re.search(r"\n    translated_from: (\{.*\})\n", entry)
    assert marks and f'summary: "{text_hash(old_summary)}"' in marks.group(1), entry[:800]
    listed = run_finder("check", "--outdated", "--content", str(content))
    assert f"en\t{OFFER}\tsummary\t{text_hash('Jeden Dienstag Frühstück für Eltern.')}" \
        in listed.stdout
    build(content, data)
    client = app_for(data).test_client()
    page = client.get(f"/en/offer/{OFFER}").get_data(as_text=True)
    assert "translation-state" in page and "older than the German text" in page
    assert "translation-state" not in client.get("/en/offer/hebammenvermittlung").get_data(
        as_text=True)


def test_write_back_checks_the_whole_content_before_it_writes_anything(data, content):
    """An end date before the offer's start passes the form (it knows no start), and is
    caught by the check: nothing is written, the problem is named with file and line."""
    loaded = {o["id"]: o for o in load(content).offers}
    starting = next(o for o in loaded.values() if o["valid_from"])
    day_before = (dt.date.fromisoformat(starting["valid_from"]) - dt.timedelta(days=1)).isoformat()
    number = provider_propose(data, starting["id"], {"valid_to": day_before},
                              provider=starting["provider_id"])
    proposals.accept(data, number, ["valid_to"], "koordination")
    before = {p: p.read_bytes() for p in content.rglob("*.yaml")}
    result = run_finder("content", "write-back", "--content", str(content), "--data-dir", str(data))
    assert result.returncode == 1
    assert f"providers/{starting['provider_id']}.yaml:" in result.stderr
    assert "ends" in result.stderr and "nothing written" in result.stderr
    assert {p: p.read_bytes() for p in content.rglob("*.yaml")} == before
    assert [p.id for p in proposals.unwritten(data)] == [number]


def test_the_coordinator_shows_and_renews_a_providers_link(data):
    users.add(data, "koordination", PASSWORD)
    browser = Session(data)
    browser.login()
    page = browser.get("/coordinator/providers").get_data(as_text=True)
    assert 'id="provider-fz-nordstadt"' in page and "noch kein Link" in page
    assert browser.post(f"/coordinator/providers/{PROVIDER}/renew").status_code == 303
    page = browser.get("/coordinator/providers").get_data(as_text=True)
    url = re.search(r'id="url-fz-nordstadt"[^>]*value="([^"]+)"', page).group(1)
    assert url == links.latest(data)[PROVIDER].url("https://familienwegweiser.wiesbrueck.example.org")
    client = app_for(data).test_client()
    path = url.split(".org", 1)[1]
    assert client.get(path).status_code == 200
    assert browser.post(f"/coordinator/providers/{PROVIDER}/revoke").status_code == 303
    assert client.get(path).status_code == 410
    assert browser.client.get("/coordinator/providers", base_url=HTTPS).status_code == 200
