"""The incremental build: only provider files changed, so the new build starts from the
last one, yet it serves exactly what a full build of the same content serves, is
validated whole and switched atomically."""

from __future__ import annotations

import sqlite3

import pytest

from finder.catalogue import index, live
from finder.catalogue.build import build, current_build
from finder.catalogue.live import Catalogue
from finder.content import ContentError, load
from finder.search import Query
from tests.conftest import TODAY, run_finder

QUERIES = [
    Query(text="Hebamme"), Query(text="Beratung", district="nordstadt"), Query(text="Schwimmkurs"),
    Query(text="midwife", lang="en"), Query(text="Hebame"), Query(text="Zauberflötenwerkstatt"),
    Query(text="Kindergeld", ages_months=(24,)), Query(text="Werkstatt für Kinder"),
    Query(district="suedstadt", ages_months=(48,)), Query(topics=("leisure_sport",), page_size=50),
    Query(text="Sprachförderung Kita", free=True), Query(text="детский сад", lang="ru"),
]

NEW_PROVIDER = """\
id: zauberwerk
name: Zauberwerk Wiesbrück
kind: association
email: info@zauberwerk.example.org
phones: ["+49 69 90009 777"]
address_1: Am Markt 3
postal_code: "37585"
district: altstadt
latitude: 51.7012
longitude: 9.7990
offers:
  - id: zauberwerk-kurs
    name: Werkstatt für kleine Zauberer
    summary: Kinder bauen Zauberkästen und lernen Tricks.
    description: Einmal in der Woche basteln Kinder in unserer Werkstatt Zauberkästen.
    topics: [leisure_sport]
    min_age_months: 72
    max_age_months: 119
    service_areas: citywide
    free: true
    languages: [de]
    assured_date: 2026-10-01
  - id: zauberwerk-ferien
    name: Ferienwerkstatt
    summary: In den Ferien jeden Tag Zaubern und Basteln.
    description: Eine Woche lang jeden Vormittag für Schulkinder, mit Frühstück.
    topics: [leisure_sport]
    min_age_months: 72
    max_age_months: 143
    service_areas: citywide
    free: false
    fees_description: 20 Euro für die Woche.
    languages: [de, tr]
    assured_date: 2026-10-01
"""

ADDED_OFFER = """\
  - id: berufsorientierung-abend
    name: Elternabend Berufsorientierung
    summary: Wie Eltern ihr Kind bei der Berufswahl unterstützen können.
    description: Ein Abend für Eltern mit Tipps zu Praktikum, Ausbildung und Studium.
    topics: [school_to_work]
    service_areas: citywide
    free: true
    languages: [de]
    assured_date: 2026-10-01
"""


def served(build_dir) -> dict:
    """What a build serves: every query's hits with their scores, totals, facets and
    suggestion, every offer's record, the providers, the lexicon, and the index's terms."""
    catalogue = Catalogue(build_dir)
    answers = []
    for query in QUERIES:
        results = catalogue.search(query, TODAY)
        answers.append(([(h.id, round(h.score, 6), h.why) for h in results.hits], results.total,
                        results.facets, results.suggestion, results.relaxed, results.fit))
    conn = sqlite3.connect(build_dir / "catalogue.db")
    conn.row_factory = sqlite3.Row
    try:
        tables = {table: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {table}"))  # nosec B608
                  for table in ("offers", "providers", "offer_topics", "offer_phases",
                                "offer_service_areas", "lexicon", "vocabulary", "districts")}
    finally:
        conn.close()
    reader = catalogue.searcher().reader()
    terms = {(field, term): (reader.doc_frequency(field, term), reader.frequency(field, term))
             for field, term in reader.all_terms()}
    lengths = {f: reader.field_length(f) for f in ("title", "provider", "body", "foreign", "situation")}
    records = {offer_id: catalogue.offer(offer_id).as_record("de")
               for offer_id in sorted(catalogue.engine.ids)}
    return {"answers": answers, "tables": tables, "terms": terms, "lengths": lengths,
            "doc_count": reader.doc_count_all(), "records": records}


@pytest.fixture
def small_buckets(monkeypatch):
    """Buckets of about 20 offers, so that the bundled catalogue's index has 11 of them
    and an edit rewrites only some."""
    monkeypatch.setattr(index, "BUCKET_OFFERS", 20)


def full_build_of(root, tmp_path, name: str):
    data = tmp_path / f"full-{name}"
    result = build(root, data, full=True)
    assert not result.incremental
    return current_build(data)


def test_each_edit_builds_incrementally_and_serves_what_a_full_build_serves(copy, tmp_path,
                                                                             small_buckets):
    data = tmp_path / "data"
    first = build(copy, data)
    assert not first.incremental and first.why == "no earlier build to start from"
    agentur = copy / "providers" / "agentur-fuer-arbeit.yaml"
    original = agentur.read_text(encoding="utf-8")
    edits = [
        ("change an offer", lambda: agentur.write_text(original.replace(
            "Eltern dürfen gern mitkommen.",
            "Eltern dürfen gern mitkommen. Neu: die Zauberflötenwerkstatt."), encoding="utf-8")),
        ("add an offer", lambda: agentur.write_text(agentur.read_text(encoding="utf-8").rstrip("\n")
                                                    + "\n" + ADDED_OFFER, encoding="utf-8")),
        ("add a provider file", lambda: (copy / "providers" / "zauberwerk.yaml").write_text(
            NEW_PROVIDER, encoding="utf-8")),
        ("remove an offer", lambda: (copy / "providers" / "zauberwerk.yaml").write_text(
            NEW_PROVIDER[:NEW_PROVIDER.index("  - id: zauberwerk-ferien")], encoding="utf-8")),
        ("delete a provider file", lambda: (copy / "providers" / "zauberwerk.yaml").unlink()),
    ]
    for name, edit in edits:
        edit()
        result = build(copy, data)
        assert result.incremental, (name, result.why)
        assert result.why == "1 provider file(s) changed"
        assert served(current_build(data)) == served(full_build_of(copy, tmp_path, name)), name
    found = live(data).search(Query(text="Zauberflötenwerkstatt"), TODAY).hits
    assert "berufsberatung" in [h.id for h in found[:3]]


def test_the_incremental_build_rewrites_only_the_changed_buckets(copy, tmp_path, small_buckets):
    data = tmp_path / "data"
    before = build(copy, data).path
    path = copy / "providers" / "agentur-fuer-arbeit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Berufswahltest", "Berufstest"),
                    encoding="utf-8")
    after = build(copy, data).path
    # Segments are kept as separate files (not compound), each with one term file (.trm).
    old_segments = {p.stem for p in (before / "index").glob("*.trm")}
    new_segments = {p.stem for p in (after / "index").glob("*.trm")}
    assert len(old_segments) == 11 and len(new_segments) == 11
    assert len(old_segments - new_segments) == 1, "one bucket's segment is written anew"
    old = {p.name: p.stat().st_ino for p in (before / "index").glob("MAIN_*")
           if p.name.split(".")[0] in new_segments}
    new = {p.name: p.stat().st_ino for p in (after / "index").glob("MAIN_*")}
    assert old and all(new[name] == ino for name, ino in old.items()), \
        "the other segments are the last build's files, linked"


def test_buckets_written_in_two_processes_give_the_same_catalogue(copy, tmp_path, small_buckets,
                                                                 monkeypatch):
    serial = full_build_of(copy, tmp_path, "serial")
    monkeypatch.setattr(index, "PARALLEL_FROM", 10)
    parallel = full_build_of(copy, tmp_path, "parallel")
    assert served(parallel) == served(serial)


def test_other_files_changed_mean_a_full_build(copy, tmp_path, small_buckets):
    data = tmp_path / "data"
    build(copy, data)
    town = copy / "town.yaml"
    town.write_text(town.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    result = build(copy, data)
    assert not result.incremental and result.why == "files other than providers/*.yaml changed"
    path = copy / "providers" / "agentur-fuer-arbeit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert build(copy, data, full=True).why == "a full build was asked for"


def test_a_new_word_that_splits_other_compounds_means_a_full_build(copy, tmp_path, small_buckets):
    """"Zauberflötenwerkstatt" in one offer, then "Flöten" in another: the first word now
    splits into zauber + floten + werkstatt, in an offer the edit did not touch."""
    data = tmp_path / "data"
    agentur = copy / "providers" / "agentur-fuer-arbeit.yaml"
    agentur.write_text(agentur.read_text(encoding="utf-8").replace(
        "Eltern dürfen gern mitkommen.", "Eltern dürfen gern mitkommen. Die Zauberflötenwerkstatt."),
        encoding="utf-8")
    build(copy, data)
    (copy / "providers" / "zauberwerk.yaml").write_text(
        NEW_PROVIDER.replace("Zauberkästen und lernen", "Flöten und lernen"), encoding="utf-8")
    result = build(copy, data)
    assert not result.incremental
    assert result.why == "words that split compounds of unchanged offers changed"
    assert served(current_build(data)) == served(full_build_of(copy, tmp_path, "split"))


def test_a_broken_provider_file_names_its_line_and_the_last_build_keeps_serving(copy, tmp_path):
    data = tmp_path / "data"
    build(copy, data)
    before = current_build(data)
    path = copy / "providers" / "agentur-fuer-arbeit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "topics: [school_to_work]", "topics: [nonsense]", 1), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        build(copy, data)
    assert any(p.file.endswith("providers/agentur-fuer-arbeit.yaml") and p.line == 24
               and "unknown topic 'nonsense'" in p.message for p in error.value.problems)
    assert current_build(data) == before
    assert not [p for p in (data / "builds").iterdir() if p.name.startswith(".staging")]


def test_a_duplicate_id_against_an_unchanged_file_is_found_as_a_full_check_finds_it(copy, tmp_path):
    """The unchanged provider files' checks are taken from the last build, but their ids
    are claimed again: a new file (sorted first) that repeats an offer id fails the build
    with the same problem a fresh check names."""
    data = tmp_path / "data"
    build(copy, data)
    before = current_build(data)
    (copy / "providers" / "aaa.yaml").write_text(
        NEW_PROVIDER.replace("id: zauberwerk-kurs", "id: berufsberatung"), encoding="utf-8")
    with pytest.raises(ContentError) as incremental_error:
        build(copy, data)
    with pytest.raises(ContentError) as fresh_error:
        load(copy)
    assert incremental_error.value.problems == fresh_error.value.problems
    assert any(p.file.endswith("providers/agentur-fuer-arbeit.yaml")
               and "duplicate offer id 'berufsberatung'" in p.message
               for p in incremental_error.value.problems)
    assert current_build(data) == before


def test_a_broken_translation_of_a_changed_offer_is_still_found(copy, tmp_path):
    """Validation is whole: a provider file's edit that breaks another file (an offer
    translated in translations/*.yaml removed) fails the build."""
    data = tmp_path / "data"
    build(copy, data)
    path = next(p for p in sorted((copy / "providers").glob("*.yaml"))
                if _translated_offer(copy, p))
    offer = _translated_offer(copy, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"id: {offer}\n", f"id: {offer}-renamed\n"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        build(copy, data)
    assert any(f"unknown offer id {offer!r}" in p.message for p in error.value.problems)


def _translated_offer(root, path) -> str | None:
    """An offer of this provider file that a translation file names."""
    translations = "".join(p.read_text(encoding="utf-8") for p in (root / "translations").glob("*.yaml"))
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("  - id: "):
            offer = line.removeprefix("  - id: ").strip()
            if f"\n  {offer}:" in translations:
                return offer
    return None


def test_the_cli_says_how_it_built_and_full_forces_a_full_build(copy, tmp_path):
    data = tmp_path / "data"
    first = run_finder("build", "--content", str(copy), "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    assert "built in full (no earlier build to start from)" in first.stdout
    path = copy / "providers" / "awo.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# checked\n", encoding="utf-8")
    second = run_finder("build", "--content", str(copy), "--data-dir", str(data))
    assert "built incrementally (1 provider file(s) changed)" in second.stdout, second.stdout
    third = run_finder("build", "--full", "--content", str(copy), "--data-dir", str(data))
    assert "built in full (a full build was asked for)" in third.stdout, third.stdout
