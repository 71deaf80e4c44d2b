"""The coordinator: coverage with exact counts, unmet demand without personal data,
freshness and write-back, the report, and the login that guards it all."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest

from finder.catalogue import live
from finder.catalogue.build import build
from finder.content import ContentError, load
from finder.coordinator import coverage, demand, records, users
from finder.model import PHASE_IDS, TOPIC_IDS
from finder.web import create_app
from tests.conftest import BUNDLED, run_finder
from tests.coordinator_town import TODAY, write_town

PASSWORD = "lange-geheime-phrase"
HTTPS = "https://localhost"


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    root = tmp_path_factory.mktemp("kleinstadt")
    content = write_town(root)
    data = root / "data"
    build(content, data)
    return content, data


@pytest.fixture(scope="module")
def cat(town):
    return live(town[1])


@pytest.fixture
def data(town, tmp_path):
    """A fresh data folder with the town's build: its own coordinator records."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(town[1], target, symlinks=True)
    return target


def app_for(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True})


class Session:
    """A coordinator's browser: the test client on https, with the CSRF token of the
    last page."""

    def __init__(self, data_dir):
        self.client = app_for(data_dir).test_client()
        self.token = None

    def get(self, path, **kwargs):
        response = self.client.get(path, base_url=HTTPS, **kwargs)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path, data=None, token=True, **kwargs):
        form = dict(data or {})
        if token:
            form["csrf_token"] = self.token
        return self.client.post(path, data=form, base_url=HTTPS, **kwargs)

    def login(self, name="koordination", password=PASSWORD):
        self.get("/coordinator/login")
        return self.post("/coordinator/login", {"name": name, "password": password})

    def cookie(self):
        found = self.client.get_cookie("coordinator_session", path="/coordinator")
        return found.value if found else None


def with_user(data_dir, name="koordination"):
    users.add(data_dir, name, PASSWORD)
    return data_dir


# --- coverage ----------------------------------------------------------------------

# Current offers only: the expired and the not-yet-started Kita are not counted.
PHASE_DISTRICT = {
    ("nord", "early_childhood"): 1, ("nord", "kita"): 1, ("nord", "secondary_school"): 1,
    ("sued", "kita"): 2,
    ("west", "secondary_school"): 1,
    ("citywide", "primary_school"): 1,
    **{("online", p): 1 for p in PHASE_IDS if p != "pregnancy"},
    ("at_home", "pregnancy"): 1,
}
PHASE_TOPIC = {
    ("early_childhood", "meeting_places"): 1, ("kita", "childcare"): 3,
    ("kita", "education"): 1, ("primary_school", "education"): 1,
    **{(p, "parenting_advice"): 1 for p in PHASE_IDS if p != "pregnancy"},
    ("pregnancy", "pregnancy_birth"): 1, ("secondary_school", "leisure_sport"): 1,
}
DISTRICT_TOPIC = {
    ("nord", "meeting_places"): 1, ("nord", "childcare"): 1, ("nord", "leisure_sport"): 1,
    ("sued", "childcare"): 2, ("sued", "education"): 1,
    ("west", "leisure_sport"): 1,
    ("citywide", "education"): 1, ("online", "parenting_advice"): 1,
    ("at_home", "pregnancy_birth"): 1,
}
ROWS = ("nord", "sued", "west", "citywide", "online", "at_home")


def excel_rows(data: bytes) -> list[dict]:
    """A CSV download read as German Excel reads it: UTF-8 only with the BOM, columns
    split at semicolons; and nothing in it that Excel would show as raw JSON."""
    assert data.startswith(b"\xef\xbb\xbf"), "no BOM: Excel reads Windows-1252"
    text = data[3:].decode("utf-8")
    assert "{" not in text and "[" not in text
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(line.count(";") == lines[0].count(";") for line in lines[1:-1]
                                   if '"' not in line)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def counts(matrix) -> dict:
    return {key: cell.count for key, cell in matrix.cells.items() if cell.count}


def test_every_count_of_the_three_matrices(cat):
    cover = coverage.compute(cat, threshold=2, today=TODAY)
    assert cover.offers == 8
    assert counts(cover.matrices["phase_district"]) == PHASE_DISTRICT
    assert counts(cover.matrices["phase_topic"]) == PHASE_TOPIC
    assert counts(cover.matrices["district_topic"]) == DISTRICT_TOPIC
    assert [r for r, _ in cover.matrices["phase_district"].rows] == list(ROWS)
    assert len(cover.matrices["phase_district"].cells) == len(ROWS) * len(PHASE_IDS)
    assert len(cover.matrices["district_topic"].cells) == len(ROWS) * len(TOPIC_IDS)


def test_every_gap_and_thin_spot(cat):
    cover = coverage.compute(cat, threshold=2, today=TODAY)
    for name, known in (("phase_district", PHASE_DISTRICT), ("phase_topic", PHASE_TOPIC),
                        ("district_topic", DISTRICT_TOPIC)):
        for (row, col), cell in cover.matrices[name].cells.items():
            expected = known.get((row, col), 0)
            assert cell.status == ("gap" if expected == 0 else "thin" if expected < 2
                                   else "ok"), (name, cell)
    assert cover.matrices["phase_topic"].count("ok") == 1          # Kitas: 3 offers
    assert cover.matrices["district_topic"].count("gap") == 6 * 13 - 9
    gaps = [(c.row, c.col) for c in cover.gaps()]
    # Districts only, fewest offers first, then highest need (Nord 5, West 4, Süd 1),
    # then most children.
    assert len(gaps) == 13 + 4
    assert gaps[:4] == [("nord", "transition_to_work"), ("nord", "primary_school"),
                        ("nord", "pregnancy"), ("west", "transition_to_work")]
    assert ("sued", "kita") not in gaps
    # A higher threshold makes Süd's two Kitas thin too.
    assert coverage.compute(cat, threshold=3, today=TODAY).matrices["phase_district"].cell(
        "sued", "kita").status == "thin"


def test_offers_per_1000_children_and_high_need(cat):
    cover = coverage.compute(cat, today=TODAY)
    cell = cover.matrices["phase_district"].cell
    assert cell("nord", "early_childhood").per_1000 == 5.0      # 1 / 200 children
    assert cell("nord", "kita").per_1000 == 10.0                # 1 / 100
    assert cell("sued", "kita").per_1000 == 40.0                # 2 / 50
    assert cell("west", "secondary_school").per_1000 == 5.0     # 1 / 200
    assert cell("nord", "secondary_school").per_1000 == 2.5     # 1 / 400
    assert cell("online", "kita").per_1000 is None
    assert cover.town_per_1000["kita"] == 15.0                  # 3 / 200
    assert cover.town_per_1000["early_childhood"] == 2.5        # 1 / 400
    # Need 4 or 5 and fewer per 1,000 than the town: Nord's Kitas, West's small children.
    assert {(c.row, c.col) for c in cover.high_need()} == {
        ("nord", "kita"), ("west", "kita"), ("west", "early_childhood")}


def test_filters_by_topic_and_phase(cat):
    by_topic = coverage.compute(cat, topic="childcare", today=TODAY)
    assert counts(by_topic.matrices["phase_district"]) == {("nord", "kita"): 1, ("sued", "kita"): 2}
    by_phase = coverage.compute(cat, phase="kita", today=TODAY)
    assert counts(by_phase.matrices["district_topic"]) == {
        ("nord", "childcare"): 1, ("sued", "childcare"): 2, ("sued", "education"): 1,
        ("online", "parenting_advice"): 1}


class Cells(HTMLParser):
    """The numbers of a page's matrix table, from its data attributes."""

    def __init__(self):
        super().__init__()
        self.cells = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-count" in a:
            self.cells[(a["data-row"], a["data-col"])] = (int(a["data-count"]),
                                                          a.get("data-per-1000", ""),
                                                          a["class"].split()[0])


@pytest.mark.parametrize("matrix", coverage.MATRICES)
def test_the_csv_equals_the_page(data, matrix):
    browser = Session(with_user(data))
    browser.login()
    query = f"matrix={matrix}&thin=2"
    page = browser.get(f"/coordinator/coverage?{query}")
    assert page.status_code == 200
    parser = Cells()
    parser.feed(page.get_data(as_text=True))
    download = browser.get(f"/coordinator/coverage.csv?{query}")
    assert download.mimetype == "text/csv"
    rows = excel_rows(download.data)
    status = {"Lücke": "gap", "dünn": "thin", "": "ok"}
    from_csv = {(r["Zeile-ID"], r["Spalten-ID"]): (int(r["Angebote"]),
                                                   r["je 1.000 Kinder"].replace(",", "."),
                                                   status[r["Stand"]]) for r in rows}
    assert from_csv == parser.cells
    if matrix == "phase_district":
        sued_kita = next(r for r in rows if (r["Zeile-ID"], r["Spalten-ID"]) == ("sued", "kita"))
        assert sued_kita["je 1.000 Kinder"] == "40,0"          # a decimal comma
        assert {r["hoher Bedarf, wenige Angebote"] for r in rows} == {"ja", ""}
    expected = {"phase_district": PHASE_DISTRICT, "phase_topic": PHASE_TOPIC,
                "district_topic": DISTRICT_TOPIC}[matrix]
    assert {k: v[0] for k, v in from_csv.items() if v[0]} == expected
    # The heatmap says each cell in words.
    assert "<svg" in page.get_data(as_text=True) and "<title" in page.get_data(as_text=True)


def test_the_heatmap_names_every_cell(cat):
    cover = coverage.compute(cat, today=TODAY)
    svg = str(coverage.heatmap_svg(cover.matrices["phase_district"], 2, "Abdeckung",
                                   {"offers": "Angebote", "per_1000": "je 1.000 Kinder",
                                    "gap": "Lücke", "thin": "dünn"}))
    titles = re.findall(r"<g class=\"cell (\w+)\"><title>([^<]+)</title>", svg)
    assert len(titles) == len(ROWS) * len(PHASE_IDS)
    assert ("ok", "Süd, Kita-Alter: 2 Angebote, 40.0 je 1.000 Kinder") in titles
    assert ("gap", "West, Kita-Alter: 0 Angebote, 0.0 je 1.000 Kinder (Lücke)") in titles
    assert 'role="img"' in svg and "<script" not in svg


def test_district_figures_are_validated_with_their_line(tmp_path):
    content = write_town(tmp_path)
    path = content / "districts.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("social_need_index: 1", "social_need_index: 9")
    text = text.replace("kita: 50, primary_school: 100,\n               secondary_school: 200, "
                        "transition_to_work: 300}\n    social_need_index: 4",
                        "kita: -5, primary_school: 100,\n               school: 200, "
                        "transition_to_work: 300}\n    social_need_index: 4")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content)
    found = {(p.file.split("/")[-1], p.line, p.message.split(" of ")[0].split(" in ")[0])
             for p in error.value.problems}
    lines = text.splitlines()
    need_line = next(i for i, line in enumerate(lines, 1) if "social_need_index: 9" in line)
    kita_line = next(i for i, line in enumerate(lines, 1) if "kita: -5" in line)
    assert ("districts.yaml", need_line, "social_need_index") in found
    assert ("districts.yaml", kita_line, "children.kita") in found
    assert ("districts.yaml", kita_line + 1, "unknown life phase 'school'") in found


def test_the_bundled_districts_have_their_figures():
    loaded = load(BUNDLED)
    for district in loaded.districts:
        assert set(district["children"]) == set(PHASE_IDS), district["id"]
        assert 1 <= district["social_need_index"] <= 5


# --- unmet demand ------------------------------------------------------------------


def demand_rows(data_dir):
    conn = sqlite3.connect(records.path(data_dir))
    conn.row_factory = sqlite3.Row
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(demand)")]
        return columns, [dict(r) for r in conn.execute("SELECT * FROM demand ORDER BY text")]
    finally:
        conn.close()


WEEK = re.compile(r"^\d{4}-W\d{2}$")


def test_unmet_searches_on_the_website_hold_only_text_filters_week_and_count(data):
    client = app_for(data).test_client()
    for _ in range(5):
        # The same page five times: each one counts (unmet pages are not cached).
        assert client.get("/de/search?q=Zahnärztin+NOTDIENST+0301234567&district=west"
                          "&age=4").status_code == 200
    client.get("/de/search?q=Kita")                       # found: not counted
    client.get("/de/search?q=Kita&topic=crisis_protection")   # only after relaxing
    client.get("/de/search?q=Kita&topic=crisis_protection&page=2")  # a second page: no
    columns, rows = demand_rows(data)
    assert columns == ["text", "filters", "week", "count"]
    # Kept beside the filters: how the search went unmet and the need recognised in it.
    assert [(r["text"], json.loads(r["filters"]), r["count"]) for r in rows] == [
        ("kita", {"lang": "de", "topics": ["crisis_protection"], "fit": "relaxed",
                  "needs": ["childcare_place"]}, 1),
        ("zahnarztin notdienst", {"district": "west", "lang": "de", "phases": ["kita"],
                                  "fit": "none", "needs": ["dental"]}, 5),
    ]
    assert all(WEEK.match(r["week"]) for r in rows)
    assert "0301234567" not in json.dumps(rows)


def test_unmet_searches_from_the_bot_are_counted_the_same_way(data, tmp_path):
    from tests.test_bot import Running, say

    bot = Running(data, tmp_path / "chats.db")
    try:
        for chat in range(7001, 7006):
            say(bot, chat, "Zahnärztin Notdienst")
    finally:
        bot.stop()
    columns, rows = demand_rows(data)
    assert columns == ["text", "filters", "week", "count"]
    assert [(r["text"], json.loads(r["filters"]), r["count"]) for r in rows] == [
        ("zahnarztin notdienst", {"lang": "de", "fit": "none", "needs": ["dental"]}, 5)]
    stored = json.dumps(rows)
    assert not any(str(chat) in stored for chat in range(7001, 7006))


def test_the_threshold_hides_rare_searches(data):
    from finder.search import Query

    cat = live(data)
    for text, times in (("Reitstall", 4), ("Zahnarzt", 5), ("Tierpark", 1)):
        for _ in range(times):
            query = Query(text=text)
            demand.record(query, cat.search(query, TODAY), TODAY, data)
    found = demand.summary(data)
    assert [(n.text, n.count) for n in found.needs] == [("zahnarzt", 5)]
    assert found.other == 5
    browser = Session(with_user(data))
    browser.login()
    page = browser.get("/coordinator/demand").get_data(as_text=True)
    assert "zahnarzt" in page and "reitstall" not in page and "tierpark" not in page
    exported = excel_rows(browser.get("/coordinator/demand.csv").data)
    assert [r["Suche"] for r in exported] == ["zahnarzt", "(seltener als 5-mal in einer Woche)"]
    assert exported[-1]["Anzahl"] == "5"
    # The coordinator marks it; the mark is kept with the need, not with the searches.
    marked = browser.post("/coordinator/demand/mark", {
        "text": "zahnarzt", "filters": '{"fit": "none", "lang": "de", "needs": ["dental"]}',
        "mark": "offer_added"})
    assert marked.status_code == 303
    assert demand.summary(data).needs[0].mark == "offer_added"
    # A row below the threshold cannot be marked (nor found out that way).
    assert browser.post("/coordinator/demand/mark", {"text": "reitstall",
                                                     "filters": '{"fit": "none", "lang": "de"}',
                                                     "mark": "offer_added"}).status_code == 404


@contextmanager
def read_only(folder):
    """The folder cannot be written: a read-only bind mount where we may mount (root),
    permissions otherwise; as root without mounting, coordinator.db is made a folder."""
    import os

    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                             capture_output=True).returncode == 0
    if mounted:
        mounted = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)],
                                 capture_output=True).returncode == 0 or \
            subprocess.run(["umount", str(folder)]).returncode != 0
    if not mounted:
        records.path(folder).mkdir()
    try:
        yield
    finally:
        if mounted:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)
        else:
            records.path(folder).rmdir()


def test_search_goes_on_when_the_data_folder_is_read_only(data, tmp_path, caplog):
    from tests.test_bot import Running, say

    with read_only(data):
        with pytest.raises(OSError):
            (data / "probe").write_text("x")
        client = app_for(data).test_client()
        for _ in range(2):
            page = client.get("/de/search?q=Zahnärztin+Notdienst")
            assert page.status_code == 200
            assert "Zahn" in page.get_data(as_text=True)
        bot = Running(data, tmp_path / "chats.db")
        try:
            reply = say(bot, 7101, "Zahnärztin Notdienst")["params"]["text"]
            assert reply
        finally:
            bot.stop()
    assert "unmet demand not counted" in caplog.text
    assert "zahn" not in caplog.text.lower()


# --- freshness ---------------------------------------------------------------------


def test_freshness_lists_stale_expiring_and_expired_by_provider(cat, data):
    from finder.coordinator import freshness

    fresh = freshness.compute(cat, data, TODAY)
    assert {k: fresh.counts[k] for k in ("stale", "expiring", "expired")} == \
        {"stale": 2, "expiring": 1, "expired": 1}
    listed = [(g.provider.id, [(i.offer["id"], i.state) for i in g.items])
              for g in fresh.groups]
    assert listed == [
        ("fz-nord", [("krabbeln-nord", "stale")]),
        ("kita-sued", [("kita-west-alt", "expired"), ("kita-mond", "expiring"),
                       ("kita-zukunft", "stale")]),
    ]


def test_still_current_counts_at_once_survives_a_rebuild_and_goes_back_into_the_yaml(
        town, data, tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(town[0], content)
    before = {p.name: p.read_text(encoding="utf-8") for p in (content / "providers").iterdir()}
    browser = Session(with_user(data))
    browser.login()
    page = browser.get("/coordinator/freshness").get_data(as_text=True)
    assert "+49 69 90009 202" in page and "kita-sued@example.org" in page   # whom to ask
    assert browser.post("/coordinator/freshness/confirm",
                        {"kind": "offer", "item": "krabbeln-nord"}).status_code == 303
    assert browser.post("/coordinator/freshness/confirm",
                        {"kind": "provider", "item": "kita-sued"}).status_code == 303
    assert browser.post("/coordinator/freshness/confirm",
                        {"kind": "offer", "item": "no-such-offer"}).status_code == 400
    page = browser.get("/coordinator/freshness").get_data(as_text=True)
    assert 'id="offer-krabbeln-nord"' not in page and 'id="offer-kita-zukunft"' not in page
    assert re.search(r'id="count-stale">0<', page)
    assert "bestätigt von koordination am 5. Dezember 2026" in page   # kita-mond, with who

    build(content, data)          # a rebuild changes nothing of it
    page = browser.get("/coordinator/freshness").get_data(as_text=True)
    assert re.search(r'id="count-stale">0<', page)

    result = run_finder("content", "verifications", "--content", str(content),
                        "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    # kita-sued's offers were confirmed all at once; kita-west-alt had ended before, and
    # "all its offers are still current" does not make an ended offer current.
    assert "4 offer(s) in 2 file(s) changed" in result.stdout
    assert "kita-west-alt" not in result.stdout
    after = {p.name: p.read_text(encoding="utf-8") for p in (content / "providers").iterdir()}
    today = TODAY.isoformat()
    for name in before:
        old, new = before[name].splitlines(), after[name].splitlines()
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        if name == "fz-nord.yaml":
            # One line changed, its comment kept; nothing else moved.
            assert len(old) == len(new)
            assert changed == [("    assured_date: 2024-01-01   # stale: asked last in 2024",
                                f"    assured_date: {today}   # stale: asked last in 2024")]
        else:
            # Two lines changed, and one added to the offer that had no assured_date.
            assert len(new) == len(old) + 1
            added = [line for line in new if line not in old]
            assert added.count(f"    assured_date: {today}") >= 1
    assert after["fz-nord.yaml"].startswith("# The family centre in Nord")
    loaded = load(content)
    dates = {o["id"]: o["assured_date"] for o in loaded.offers}
    assert dates["krabbeln-nord"] == today and dates["kita-zukunft"] == today
    assert dates["kita-nord"] != today       # not confirmed: unchanged
    assert dates["kita-west-alt"] != today   # ended: a provider's confirmation skips it
    again = run_finder("content", "verifications", "--content", str(content),
                       "--data-dir", str(data))
    assert "0 offer(s) in 0 file(s) changed" in again.stdout


# --- the report --------------------------------------------------------------------


def test_report_page_and_file_and_changes_since_the_last_report(data, tmp_path):
    browser = Session(with_user(data))
    browser.login()
    page = browser.get("/coordinator/report").get_data(as_text=True)
    assert "Dies ist der erste Bericht." in page
    top_gaps = re.search(r'<ol id="top-gaps">(.*?)</ol>', page, re.S).group(1)
    assert top_gaps.index("Nord, Übergang") < top_gaps.index("Nord, Grundschulalter")
    assert browser.post("/coordinator/report/finish").status_code == 303
    from finder.coordinator import freshness

    freshness.verify(data, "offer", "krabbeln-nord", "koordination", TODAY)
    page = browser.get("/coordinator/report").get_data(as_text=True)
    changes = re.search(r'<ul id="changes">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li>([^<]+)</li>", changes) == ["nicht geprüft: 2 → 1"]
    assert browser.post("/coordinator/report/finish").status_code == 303
    file = tmp_path / "bericht.html"
    result = run_finder("report", "--html", str(file), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    html = file.read_text(encoding="utf-8")
    assert "<style>" in html and "<svg" in html and "Keine Änderungen." in html
    assert 'rel="stylesheet"' not in html and "csrf_token" not in html


# --- access ------------------------------------------------------------------------

PAGES = ["/coordinator/", "/coordinator/coverage", "/coordinator/coverage.csv",
         "/coordinator/demand", "/coordinator/demand.csv", "/coordinator/freshness",
         "/coordinator/report", "/coordinator"]
FORMS = [("/coordinator/logout", {}), ("/coordinator/demand/mark", {"text": "x", "filters": "{}"}),
         ("/coordinator/freshness/confirm", {"kind": "offer", "item": "kita-nord"}),
         ("/coordinator/report/finish", {})]


def test_every_coordinator_url_is_closed_to_anonymous_visitors(data):
    with_user(data)
    client = app_for(data).test_client()
    for path in PAGES:
        response = client.get(path, base_url=HTTPS)
        assert response.status_code in (303, 308), path
        if response.status_code == 303:
            assert "/coordinator/login" in response.location, path
    browser = Session(data)
    browser.get("/coordinator/login")   # a valid token, but no login
    for path, form in FORMS:
        response = browser.post(path, form)
        assert response.status_code == 303 and "/coordinator/login" in response.location, path
    from finder.coordinator import freshness

    assert freshness.confirmations(data) == {}
    # No public page links to the coordinator.
    for path in ("/de/", "/de/search?q=Kita", "/de/offer/kita-nord", "/de/imprint"):
        assert "/coordinator" not in client.get(path).get_data(as_text=True)


def test_wrong_password_and_unknown_name(data):
    browser = Session(with_user(data))
    wrong = browser.login(password="falsches-passwort")
    assert wrong.status_code == 401 and "Name oder Passwort ist falsch." in wrong.get_data(as_text=True)
    unknown = browser.login(name="niemand")
    assert unknown.status_code == 401
    assert browser.get("/coordinator/").status_code == 303


def test_csrf_token_missing_or_wrong(data):
    browser = Session(with_user(data))
    browser.get("/coordinator/login")
    assert browser.post("/coordinator/login", {"name": "koordination", "password": PASSWORD},
                        token=False).status_code == 400
    browser.token = "forged" + (browser.token or "")[6:]
    assert browser.post("/coordinator/login", {"name": "koordination",
                                               "password": PASSWORD}).status_code == 400
    assert browser.login().status_code == 303
    browser.get("/coordinator/freshness")
    for token in (None, "abc", browser.token[:-2] + "xx"):
        form = {"kind": "offer", "item": "krabbeln-nord"}
        if token:
            form["csrf_token"] = token
        response = browser.client.post("/coordinator/freshness/confirm", data=form,
                                       base_url=HTTPS)
        assert response.status_code == 400
    # A token from another visitor's session is refused too.
    other = Session(data)
    other.get("/coordinator/login")
    response = browser.client.post("/coordinator/freshness/confirm",
                                   data={"kind": "offer", "item": "krabbeln-nord",
                                         "csrf_token": other.token}, base_url=HTTPS)
    assert response.status_code == 400
    from finder.coordinator import freshness

    assert freshness.confirmations(data) == {}


def test_login_gives_a_new_session_and_the_old_one_stays_anonymous(data):
    browser = Session(with_user(data))
    browser.get("/coordinator/login")
    before = browser.cookie()
    assert before
    assert browser.login().status_code == 303
    after = browser.cookie()
    assert after and after != before
    assert browser.get("/coordinator/").status_code == 200
    # An attacker who planted the first cookie gets nothing from it.
    planted = app_for(data).test_client()
    planted.set_cookie("coordinator_session", before, domain="localhost", path="/coordinator")
    assert planted.get("/coordinator/", base_url=HTTPS).status_code == 303
    # And the session id inside is new at every login.
    db = records.open_db(data)
    first = {r["id"] for r in db.query("SELECT id FROM sessions")}
    second_browser = Session(data)
    second_browser.login()
    second = {r["id"] for r in db.query("SELECT id FROM sessions")}
    db.conn.close()
    assert len(first) == 1 and len(second) == 2 and first < second


def test_lockout_after_five_failures_even_for_the_right_password(data):
    browser = Session(with_user(data))
    for _ in range(4):
        assert browser.login(password="falsch-falsch").status_code == 401
    locked = browser.login(password="falsch-falsch")
    assert locked.status_code == 429 and "gesperrt" in locked.get_data(as_text=True)
    assert browser.login().status_code == 429        # the right password, but locked
    assert browser.get("/coordinator/").status_code == 303
    # After the lockout the right password works again.
    import time

    assert users.login(data, "koordination", PASSWORD, now=time.time() + users.LOCKOUT + 1).ok


def test_logout_ends_the_session_for_good(data):
    browser = Session(with_user(data))
    browser.login()
    assert browser.get("/coordinator/freshness").status_code == 200
    kept = browser.cookie()
    assert browser.post("/coordinator/logout").status_code == 303
    assert browser.get("/coordinator/freshness").status_code == 303
    replay = app_for(data).test_client()
    replay.set_cookie("coordinator_session", kept, domain="localhost", path="/coordinator")
    assert replay.get("/coordinator/freshness", base_url=HTTPS).status_code == 303


def test_the_cookie_is_secure_httponly_strict_and_only_for_coordinator_urls(data):
    browser = Session(with_user(data))
    response = browser.get("/coordinator/login")
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Strict" in header
    assert "Path=/coordinator" in header
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_set_no_cookie_while_a_coordinator_is_logged_in(data):
    browser = Session(with_user(data))
    browser.login()
    assert browser.get("/coordinator/").status_code == 200
    client = browser.client
    # Even a browser that sends the coordinator's cookie everywhere gets none back.
    client.set_cookie("coordinator_session", browser.cookie(), domain="localhost", path="/")
    for path in ("/", "/de/", "/de/search?q=Kita", "/de/search?q=nichtsdergleichen",
                 "/de/offer/kita-nord", "/de/provider/fz-nord", "/de/privacy", "/town.css",
                 "/de/emergency", "/de/no-such-page", "/static/style.css"):
        response = client.get(path, base_url=HTTPS)
        assert "Set-Cookie" not in response.headers, path
        assert "coordinator" not in response.get_data(as_text=True) or path == "/static/style.css"


def test_users_on_the_command_line(data):
    added = subprocess.run(
        [*run_finder_args(), "users", "add", "anna", "--password-stdin", "--data-dir", str(data)],
        input="ein-langes-passwort\n", capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    short = subprocess.run(
        [*run_finder_args(), "users", "add", "bert", "--password-stdin", "--data-dir", str(data)],
        input="kurz\n", capture_output=True, text=True, timeout=60)
    assert short.returncode != 0 and "at least" in short.stderr
    listed = run_finder("users", "list", "--data-dir", str(data))
    assert listed.stdout.split("\t")[0] == "anna" and "bert" not in listed.stdout
    stored = records.open_db(data).execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "ein-langes-passwort" not in stored
    assert users.login(data, "anna", "ein-langes-passwort").ok
    assert run_finder("users", "remove", "anna", "--data-dir", str(data)).returncode == 0
    assert run_finder("users", "list", "--data-dir", str(data)).stdout == ""
    assert not users.login(data, "anna", "ein-langes-passwort").ok


def run_finder_args():
    import sys

    return [sys.executable, "-m", "finder.cli"]


def test_the_report_of_wiesbrueck_is_one_pdf_page(bundled_data, tmp_path):
    """The PDF a steering group is handed, read back: the town, the period of the demand
    counts, a legend, offers per 1,000 children and the high-need cells, dates in German,
    and column headers that break between words only."""
    import shutil

    import pypdf

    from finder.search import Query
    from tests.conftest import ROOT

    data = tmp_path / "data"
    shutil.copytree(bundled_data, data, symlinks=True,
                    ignore=shutil.ignore_patterns("coordinator.db*", "secret-key"))
    cat = live(data)
    for _ in range(6):
        query = Query(text="Reitstall", district="hafen")
        demand.record(query, cat.search(query, TODAY), TODAY, data)
    target = ROOT / "test-artifacts" / "coordinator-report.pdf"
    target.parent.mkdir(exist_ok=True)
    result = run_finder("report", "--pdf", str(target), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert "(1 page)" in result.stdout
    assert target.read_bytes().startswith(b"%PDF")
    text = pypdf.PdfReader(target).pages[0].extract_text()
    flat = " ".join(text.split())
    assert "Präventionskette Wiesbrück" in flat
    assert "Stand: 5. Dezember 2026" in flat
    # The unmet searches were counted in the week of 30 November to 6 December.
    assert "30. November 2026 bis 6. Dezember 2026" in flat and "reitstall" in flat
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date in ISO form"
    assert "Legende" in flat and "Lücke" in flat and "dünn" in flat
    assert "je 1.000 Kinder" in flat
    # Figures of the README's table: Altstadt 0–2 115,1; Weststadt 0–2 15,7 with high need.
    assert "115,1" in flat and "15,7" in flat and "35,4" in flat
    assert "Hoher Bedarf, wenige Angebote" in flat and "Weststadt" in flat
    # Every word of every column header is whole on its line.
    lines = {line.strip() for line in text.splitlines()}
    for label in ("Schwangerschaft und Geburt", "Frühe Kindheit", "Weiterführende Schule",
                  "Übergang Schule – Beruf", "Grundschulalter"):
        for word in label.split():
            assert word in flat, word
        assert not any(line.endswith("-") and line[:-1] and label.startswith(line[:-1])
                       for line in lines), label
    assert run_finder("report", "--data-dir", str(data)).returncode == 2   # no file named


def test_the_session_key_is_made_once_in_the_data_folder(data, monkeypatch):
    monkeypatch.delenv("FINDER_SECRET_KEY", raising=False)
    first, second = app_for(data), app_for(data)
    key = data / "secret-key"
    assert first.secret_key == second.secret_key == key.read_text().strip()
    assert len(first.secret_key) >= 32 and key.stat().st_mode & 0o777 == 0o600
    assert not list(data.glob(".secret-key-*"))
    monkeypatch.setenv("FINDER_SECRET_KEY", "k" * 40)
    assert app_for(data).secret_key == "k" * 40


class Forms(HTMLParser):
    """Every form of a page with its hidden fields and its submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}, "buttons": []})
        elif self.forms and tag == "input" and a.get("type") == "hidden":
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif self.forms and tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))


def forms_of(html: str, action: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["action"] == action]


def test_the_demand_csv_says_its_filters_in_words(data):
    from finder.search import Query

    cat = live(data)
    for _ in range(5):
        query = Query(text="Reitstall", district="nord", ages_months=(48,), free=True,
                      topics=("leisure_sport",), lang="tr")
        demand.record(query, cat.search(query, TODAY), TODAY, data)
    browser = Session(with_user(data))
    browser.login()
    (row, other) = excel_rows(browser.get("/coordinator/demand.csv").data)
    assert row == {"Suche": "reitstall", "Sprache": "Türkisch", "Lebensphasen": "Kita-Alter",
                   "Stadtteil": "Nord", "Themen": "Freizeit & Sport",
                   "weitere Filter": "kostenlos", "Anzahl": "5",
                   "Wochen": demand.week_of(TODAY), "Stand": ""}
    assert other["Anzahl"] == "0"


def test_the_demand_marks_work_as_the_page_sends_them(data, caplog):
    """The page's own forms, sent as a browser sends them: the filters' JSON survives the
    HTML attribute, and both marks are kept."""
    from finder.search import Query

    cat = live(data)
    for text in ("Reitstall", "Ponyhof"):
        for _ in range(5):
            query = Query(text=text, district="nord", ages_months=(48,), free=True)
            demand.record(query, cat.search(query, TODAY), TODAY, data)
    browser = Session(with_user(data))
    browser.login()
    page = browser.get("/coordinator/demand").get_data(as_text=True)
    marks = forms_of(page, "/coordinator/demand/mark")
    assert len(marks) == 2
    for form, value in zip(marks, ("offer_added", "vocabulary_fixed")):
        assert ("mark", value) in form["buttons"]
        sent = browser.post("/coordinator/demand/mark", {**form["fields"], "mark": value})
        assert sent.status_code == 303, sent.get_data(as_text=True)[:300]
    assert {n.text: n.mark for n in demand.summary(data).needs} == {
        "ponyhof": "offer_added", "reitstall": "vocabulary_fixed"}
    # A broken form is refused with a line in the log (without the search's words).
    assert browser.post("/coordinator/demand/mark", {"text": "ponyhof", "filters": "{kaputt",
                                                     "mark": "offer_added"}).status_code == 400
    assert "demand mark refused" in caplog.text and "ponyhof" not in caplog.text


def test_the_providers_button_confirms_its_running_offers_and_not_the_ended_one(data):
    """"Alle Angebote von Kitas im Süden sind noch aktuell", pressed on the page: the
    offers that run are confirmed, the one that ended in 2020 stays expired and
    unconfirmed, on the page and in the records."""
    from finder.coordinator import freshness

    browser = Session(with_user(data))
    browser.login()
    page = browser.get("/coordinator/freshness").get_data(as_text=True)
    buttons = [f for f in forms_of(page, "/coordinator/freshness/confirm")
               if f["fields"].get("kind") == "provider" and f["fields"]["item"] == "kita-sued"]
    assert len(buttons) == 1
    assert browser.post("/coordinator/freshness/confirm", buttons[0]["fields"]).status_code == 303
    after = browser.get("/coordinator/freshness").get_data(as_text=True)
    expired = re.search(r'<li id="offer-kita-west-alt" class="(\w+)">(.*?)</li>', after, re.S)
    assert expired and expired.group(1) == "expired" and "bestätigt" not in expired.group(2)
    assert "bestätigt von koordination" in re.search(
        r'<li id="offer-kita-mond".*?</li>', after, re.S).group(0)
    items = {i.offer["id"]: i for g in freshness.compute(live(data), data, TODAY).groups
             for i in g.items}
    assert items["kita-west-alt"].confirmed is None and items["kita-west-alt"].state == "expired"
    assert items["kita-mond"].confirmed["by"] == "koordination"
    assert "kita-zukunft" not in items        # not yet started, now confirmed: not stale
