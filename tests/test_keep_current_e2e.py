"""The catalogue stays current, end to end: `finder serve` on 127.0.0.1, Debian's Chromium
(keyboard only on the provider's pages, axe-core on each), a real SMTP server (aiosmtpd)
and the command line, as a town would run them.

Reminder e-mail → the provider's link → a new phone number typed → a proposal → the
coordinator accepts it → `finder content write-back` (only those lines) → `finder check`
→ `finder build` → the website shows the new number. And a family's report reaching
the queue without a trace of who sent it; altered, expired and revoked links."""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import sqlite3
import stat

import pytest
from aiosmtpd.controller import Controller

from finder.catalogue import live
from finder.catalogue.build import build
from finder.coordinator import links, proposals, records, users
from tests.conftest import BUNDLED, SHOTS, TODAY, axe_violations, free_port, run_finder, serving

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]

PASSWORD = "lange-geheime-phrase"
NEW_PHONE = "+49 69 90009 777"
MARKER = "Zaunkoenig8812"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


class Keys:
    """The keyboard, counting every key pressed (nothing is clicked on the provider's pages)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def tab_to(self, selector: str, limit: int = 300) -> None:
        """Tab until the element matching selector has the focus."""
        for _ in range(limit):
            self.press("Tab")
            if self.page.evaluate("(s) => !!document.activeElement?.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A content folder (a copy of the bundled one), its build, a coordinator, and
    `finder serve` with its log in a file."""
    root = tmp_path_factory.mktemp("keep-current")
    content, data = root / "content", root / "data"
    shutil.copytree(BUNDLED, content)
    build(content, data)
    users.add(data, "koordination", PASSWORD)
    log = root / "server.log"
    with serving(data, "--workers", "1", log=log) as base:
        yield {"content": content, "data": data, "base": base, "log": log, "root": root}


def clean(page, name: str) -> None:
    """axe-core finds nothing (WCAG 2.1 A/AA) and a screenshot is kept."""
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def local(url: str, base: str) -> str:
    """An address of the public site (town.yaml's public_url) on the test's server."""
    return base + re.sub(r"^https://[^/]+", "", url)


def test_from_a_reminder_to_the_new_phone_number_on_the_website(site, browser):
    data, content, base = site["data"], site["content"], site["base"]

    # 1. The weekly reminder, through a real SMTP server.
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        sent = run_finder("remind", "--data-dir", str(data), env={
            "FINDER_SMTP_HOST": "127.0.0.1", "FINDER_SMTP_PORT": str(smtp.port),
            "FINDER_SMTP_TLS": "none", "FINDER_SMTP_FROM": "praeventionskette@wiesbrueck.example.org"})
    finally:
        smtp.stop()
    assert sent.returncode == 0, sent.stderr
    assert inbox.messages
    cat = live(data)
    mail = inbox.messages[0]
    link_url = re.search(r"https://\S+/anbieter/\S+", mail.get_content()).group(0)
    provider_id = link_url.rsplit("/", 1)[1].split(".")[0]
    offer = sorted((o for o in cat.offers_by_ids(cat.provider_offer_ids(provider_id)).values()
                    if o.is_current(TODAY)), key=lambda o: o.name)[0]
    assert NEW_PHONE not in offer.phones

    # 2. The provider, keyboard only: the list, the offer's form, a new phone number.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",
                                  bypass_csp=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    keys = Keys(page)
    page.goto(local(link_url, base))
    assert page.locator("h1").inner_text().startswith("Ihre Angebote im Familienwegweiser")
    clean(page, "provider-offers")
    keys.tab_to(f'a[href$="/angebot/{offer.id}"]')
    keys.press("Enter")
    page.wait_for_url(re.compile(f"/angebot/{offer.id}$"))
    clean(page, "provider-offer-form")
    keys.tab_to("#field-phones")
    keys.press("Control+a")
    keys.type("bitte anrufen")
    keys.press("Enter")                           # the first button: "Änderungen senden"
    page.wait_for_selector(".error-summary")
    assert page.get_attribute("#field-phones", "aria-invalid") == "true"
    clean(page, "provider-offer-form-error")
    keys.tab_to("#field-phones")
    keys.press("Control+a")
    keys.type(NEW_PHONE)
    keys.tab_to('button[value="propose"]')
    keys.press("Enter")
    page.wait_for_selector("#outcome")
    assert "bei der Koordinierungsstelle angekommen" in page.inner_text("#outcome")
    assert NEW_PHONE in page.inner_text("main")
    clean(page, "provider-done")
    print(f"\nkeys for the provider's correction (with one mistake): {keys.count}")
    assert context.cookies() == []
    assert {re.match(r"https?://[^/]+", u).group(0) for u in requests} == {base}
    context.close()
    (proposal,) = proposals.proposals(data, "open")
    assert proposal.offer == offer.id and list(proposal.changes) == ["phones"]

    # Nothing is published before the coordinator decides.
    public = browser.new_page()
    public.goto(f"{base}/de/offer/{offer.id}")
    assert NEW_PHONE not in public.inner_text("main")
    public.close()

    # 3. The coordinator reviews it field by field and accepts it.
    coordinator = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = coordinator.new_page()
    page.goto(base + "/coordinator/login")
    page.get_by_label("Name").fill("koordination")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(base + "/coordinator/review")
    section = page.locator(f"#proposal-{proposal.id}")
    assert NEW_PHONE in section.locator("td.new").inner_text()
    assert offer.phones[0] in section.locator("td.old").inner_text()
    clean(page, "coordinator-review")
    section.get_by_role("button", name="Ausgewählte Änderungen übernehmen").click()
    page.wait_for_selector("#waiting")
    coordinator.close()

    # 4. Into the YAML: only the changed lines, then the whole check, then a build.
    before = {p: p.read_text(encoding="utf-8") for p in (content / "providers").glob("*.yaml")}
    written = run_finder("content", "write-back", "--content", str(content), "--data-dir", str(data))
    assert written.returncode == 0, written.stderr
    after = {p: p.read_text(encoding="utf-8") for p in (content / "providers").glob("*.yaml")}
    changed = [p.name for p in before if before[p] != after[p]]
    assert changed == [f"{provider_id}.yaml"]
    old = before[content / "providers" / changed[0]].splitlines()
    new = after[content / "providers" / changed[0]].splitlines()
    added = [line.strip() for line in new if line not in old]
    removed = [line.strip() for line in old if line not in new]
    assert f'phones: ["{NEW_PHONE}"]' in added and f"assured_date: {TODAY.isoformat()}" in added
    assert all(line.startswith(("phones:", "assured_date:")) for line in added + removed), \
        (added, removed)
    assert len(new) - len(old) in (0, 1, 2)
    checked = run_finder("check", "--content", str(content))
    assert checked.returncode == 0 and checked.stdout.startswith("ok:"), checked.stderr
    built = run_finder("build", "--content", str(content), "--data-dir", str(data))
    assert built.returncode == 0, built.stderr

    # 5. The website shows the new number (the server switched to the new build).
    page = browser.new_page()
    page.goto(f"{base}/de/offer/{offer.id}")
    assert NEW_PHONE in page.inner_text("main")
    page.close()


def test_a_familys_report_reaches_the_queue_and_leaves_no_trace(site, browser):
    data, base = site["data"], site["base"]
    offer_id = "hebammenvermittlung"
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="de-DE",
                                  bypass_csp=True, user_agent=f"Mozilla/5.0 {MARKER}",
                                  extra_http_headers={"X-Forwarded-For": "198.51.100.23"})
    page = context.new_page()
    page.goto(f"{base}/de/offer/{offer_id}")
    keys = Keys(page)
    keys.tab_to("details.report-wrong summary")
    keys.press("Enter")                                    # opens "Stimmt etwas nicht?"
    keys.tab_to("#reason-wrong_phone")                   # a radio group: one tab stop,
    keys.press("ArrowDown", 2)                             # the arrows choose
    assert page.is_checked("#reason-wrong_times")
    keys.tab_to("#report-text")
    keys.type(f"Montags zu. {MARKER}@example.org 0151 2345 6789")
    keys.tab_to("form.report button[type=submit]")
    keys.press("Enter")
    page.wait_for_selector("#report-outcome")
    assert "bei der Koordinierungsstelle angekommen" in page.inner_text("#report-outcome")
    clean(page, "family-report-thanks")
    assert context.cookies() == []
    context.close()

    (report,) = [r for r in proposals.reports(data) if r.offer == offer_id]
    assert report.reason == "wrong_times" and report.text == "Montags zu. […] […]"
    coordinator = browser.new_context(bypass_csp=True)
    page = coordinator.new_page()
    page.goto(base + "/coordinator/login")
    page.get_by_label("Name").fill("koordination")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(base + "/coordinator/review")
    assert "Die Zeiten stimmen nicht" in page.inner_text(f"#offer-reports-{offer_id}")
    coordinator.close()

    # No trace of who sent it: not in any file of the data folder, not in the server's log.
    stored = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    logged = site["log"].read_bytes()
    for trace in (MARKER, MARKER.lower(), "198.51.100.23", "2345 6789"):
        assert trace.encode() not in stored, trace
        assert trace.encode() not in logged, trace
    # And what was kept is readable by its owner only.
    for path in [*data.glob("coordinator.db*"), data / "secret-key"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize("how", ["altered", "expired", "revoked"])
def test_altered_expired_and_revoked_links_get_a_clear_page(site, browser, how):
    data, base = site["data"], site["base"]
    link = links.issue(data, "fz-hafen", TODAY)
    token = link.token
    if how == "altered":
        token = token.replace("fz-hafen", "fz-nordstadt")
    elif how == "revoked":
        links.revoke(data, "fz-hafen", TODAY)
    else:
        conn = sqlite3.connect(records.path(data))
        conn.execute("UPDATE provider_links SET expires = '2026-12-01' WHERE serial = ?",
                     [link.serial])
        conn.commit()
        conn.close()
    before = proposals.proposals(data), proposals.reports(data)
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    response = page.goto(f"{base}/anbieter/{token}/angebot/hebammenvermittlung")
    assert response.status == {"altered": 404, "expired": 410, "revoked": 410}[how]
    assert "Dieser Link funktioniert nicht" in page.inner_text("h1")
    assert "Es wurde nichts gespeichert und nichts geändert." in page.inner_text("main")
    clean(page, f"provider-link-{how}")
    context.close()
    assert (proposals.proposals(data), proposals.reports(data)) == before
