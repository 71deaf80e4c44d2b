"""What lets one server carry 100,000 offers keeps the search's answers as they were: the
per-offer arrays a build writes equal the ones computed from its rows, two workers share
them (memory-mapped), and postings read a block at a time score to the last bit as
Whoosh's matchers do."""

from __future__ import annotations

import numpy as np

from finder.catalogue import Catalogue
from finder.catalogue.live import places_of
from finder.search import Query, ranking
from finder.search.columns import COLUMNS_DIR, Columns
from tests.conftest import TODAY


def test_a_build_writes_the_search_arrays_and_the_engine_maps_them(catalogue):
    assert (catalogue.path / COLUMNS_DIR / "columns.json").is_file()
    engine = catalogue.engine
    for array in (engine.topic_matrix, engine.ids, engine.low, engine.point_lat):
        assert isinstance(array.base, np.memmap)
        assert not array.flags.writeable


def test_the_index_is_written_as_separate_files(catalogue):
    """Whoosh reads a compound segment file through a private copy per reader (one per
    thread of every worker): 360 MB each at 100,000 offers."""
    names = [p.name for p in (catalogue.path / "index").iterdir()]
    assert any(n.endswith(".pst") for n in names)
    assert not any(n.endswith(".seg") for n in names)


def test_the_arrays_written_equal_those_computed_from_the_rows(catalogue):
    written = Columns.load(catalogue.path / COLUMNS_DIR)
    computed = Columns.from_build(catalogue.db, catalogue.searcher().reader(),
                                  places_of(catalogue.db))
    for name in Columns.ARRAYS:
        assert np.array_equal(getattr(written, name), getattr(computed, name)), name
    assert written.validity_values == computed.validity_values
    assert written.assured_values == computed.assured_values
    assert written.spoken_languages == computed.spoken_languages


def test_a_build_without_the_arrays_still_opens_and_answers_the_same(catalogue, tmp_path):
    import shutil

    old = tmp_path / "old-build"
    shutil.copytree(catalogue.path, old, ignore=shutil.ignore_patterns(COLUMNS_DIR))
    before = Catalogue(old)
    assert not isinstance(before.engine.topic_matrix.base, np.memmap)
    for query in (Query(text="Hebamme"), Query(district="altstadt", ages_months=(36,)),
                  Query(text="Deutschkurs", district="nordstadt", page=2)):
        mine, theirs = catalogue.search(query, TODAY), before.search(query, TODAY)
        assert [h.id for h in mine.hits] == [h.id for h in theirs.hits]
        assert mine.total == theirs.total and mine.facets == theirs.facets


def test_postings_read_by_blocks_score_as_the_matchers_do(catalogue):
    searcher = catalogue.searcher()
    reader = searcher.reader()
    checked = 0
    for fieldname in ("title", "provider", "body", "foreign", "situation"):
        for text in list(reader.field_terms(fieldname)):
            fields = ((fieldname, 2.0),)
            fast = ranking.term_postings(searcher, fields, text)
            docs, scores = ranking._matched(searcher, fieldname, text)
            order = np.argsort(docs)
            assert np.array_equal(fast[0], docs[order]), (fieldname, text)
            assert np.array_equal(fast[1], (2.0 * scores[order]).astype(np.float32)), (fieldname, text)
            checked += 1
    assert checked > 1000


def test_a_stop_signal_while_the_server_preloads_stops_it_at_once():
    """finder serve loads the word lists in gunicorn's master before forking; gunicorn only
    queues signals then, so without care a stop would wait for the loading."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    slow = ("import time, finder.search.wordlists as w\n"
            "w.preload = lambda *a: (print('loading', flush=True), time.sleep(60))\n"
            "import signal\n"
            "signal.signal(signal.SIGTERM, lambda *a: None)  # gunicorn's queueing handler\n"
            "from finder.cli import preload_shared\n"
            "preload_shared('.')\n"
            "print('not stopped', flush=True)\n")
    process = subprocess.Popen([sys.executable, "-c", slow], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "loading"
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert process.returncode == 0 and "not stopped" not in out


WORDS_PROBE = ("import json, sys\n"
               "from pathlib import Path\n"
               "from finder.search import wordlists as w\n"
               "saved = w.load_saved(Path(sys.argv[1])) if sys.argv[1] else False\n"
               "loaded_from_file = bool(w._frequencies)\n"
               "print(json.dumps([saved, loaded_from_file, w.is_stop_word('und', 'de'),\n"
               "                  w.zipf('hebamme', 'de'), w.zipf('ebe', 'tr'),\n"
               "                  w.commonest_language('kindergarten'),\n"
               "                  sorted(w._stop['fa'])[:5]]))\n")


def _words_in_fresh_process(path) -> list:
    """What a new process knows of the word lists, taking them from `path` if given."""
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, "-c", WORDS_PROBE, str(path or "")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    return json.loads(out)


def test_a_build_keeps_the_folded_word_lists_and_a_new_process_reads_them(catalogue, tmp_path):
    """Opening a build in a new process reads the word lists folded at build time (a tenth
    of the time); what it then knows equals what folding them anew gives."""
    from finder.search.wordlists import SAVED_NAME

    saved = catalogue.path / SAVED_NAME
    assert saved.is_file()
    read = _words_in_fresh_process(saved)
    folded = _words_in_fresh_process(None)
    assert read[:2] == [True, True] and folded[:2] == [False, False]
    assert read[2:] == folded[2:]
    assert read[2] is True and read[3] > 3


def test_word_lists_saved_by_other_code_or_damaged_are_folded_anew(catalogue, tmp_path):
    import pickle

    from finder.search.wordlists import SAVED_NAME

    data = pickle.loads((catalogue.path / SAVED_NAME).read_bytes())
    data["fingerprint"] = "made by another version"
    data["frequencies"]["de"]["hebamme"] = 1.0  # would read as very common if taken
    other = tmp_path / "other.pickle"
    other.write_bytes(pickle.dumps(data))
    damaged = tmp_path / "damaged.pickle"
    damaged.write_bytes((catalogue.path / SAVED_NAME).read_bytes()[:1000])
    folded = _words_in_fresh_process(None)
    for path in (other, damaged, tmp_path / "missing.pickle"):
        found = _words_in_fresh_process(path)
        assert found[0] is False, path
        assert found[2:] == folded[2:], path


def test_the_packed_sort_orders_as_ten_stable_passes_would():
    """ranking.order_by packs the rules' keys into one number where they fit; the order is
    np.lexsort's, ties and all, and keys too wide for 64 bits still sort (by lexsort)."""
    rng = np.random.default_rng(7)
    for size in (0, 1, 5, 3000):
        keys = [rng.integers(0, 4, size).astype(np.int8), rng.random(size) < 0.1,
                rng.integers(-3, 90, size).astype(np.int32), -np.rint(rng.random(size) * 1000),
                rng.random(size) < 0.5, rng.integers(1, 6, size).astype(np.int8),
                rng.integers(0, 401, size).astype(np.int32), rng.random(size) < 0.2,
                rng.random(size) < 0.2]
        assert np.array_equal(ranking.order_by(keys), np.lexsort(tuple(reversed(keys))))
        wide = keys + [rng.integers(0, 2**40, size), rng.integers(0, 2**30, size)]
        assert np.array_equal(ranking.order_by(wide), np.lexsort(tuple(reversed(wide))))
        unique = keys + [rng.permutation(size)]
        assert np.array_equal(ranking.order_by(unique), np.lexsort(tuple(reversed(unique))))


def test_facets_counted_by_bits_equal_counted_offers():
    """The facets' bit counts (64 offers a number, the last one padded) equal the
    booleans counted, for catalogue sizes on and off a multiple of 64."""
    from finder.search.engine import _bits

    rng = np.random.default_rng(3)
    for size in (0, 1, 63, 64, 65, 1000):
        matrix = rng.random((7, size)) < 0.3
        found = rng.random(size) < 0.5
        counted = np.bitwise_count(_bits(matrix) & _bits(found)).sum(axis=1)
        assert counted.tolist() == np.count_nonzero(matrix & found, axis=1).tolist()


def test_postings_of_an_index_in_many_segments_score_as_the_matchers_do(tmp_path, monkeypatch):
    """The same, over an index cut into segments (a large catalogue's buckets): one scorer
    made per term serves every segment, and each segment's documents keep their place."""
    from finder.catalogue import index
    from finder.catalogue.build import build
    from tests.conftest import BUNDLED

    monkeypatch.setattr(index, "BUCKET_OFFERS", 20)
    build(BUNDLED, tmp_path / "data")
    many = Catalogue((tmp_path / "data" / "current").resolve())
    searcher = many.searcher()
    assert len(searcher.subsearchers) >= 8
    checked = 0
    for fieldname in ("title", "body", "foreign", "situation"):
        for text in list(searcher.reader().field_terms(fieldname)):
            fast = ranking.term_postings(searcher, ((fieldname, 1.0),), text)
            docs, scores = ranking._matched(searcher, fieldname, text)
            order = np.argsort(docs)
            assert np.array_equal(fast[0], docs[order]), (fieldname, text)
            assert np.array_equal(fast[1], scores[order].astype(np.float32)), (fieldname, text)
            checked += 1
    assert checked > 1000


def test_warming_reads_every_needs_words_and_changes_no_answer(catalogue):
    """What a web worker and the bot do before their first family (finder.catalogue.live.
    warm): every need's strengths are computed and kept; the answers stay the same."""
    fresh = Catalogue(catalogue.path)
    needs = list(fresh.engine.vocabulary.needs)
    assert len(needs) > 20
    assert all(fresh.engine.scorer._cached(("need", n)) is None for n in needs)
    fresh.engine.warm()
    assert all(fresh.engine.scorer._cached(("need", n)) is not None for n in needs)
    for query in (Query(text="Hebamme"), Query(text="mein Kind spricht kaum Deutsch"),
                  Query(text="Hausaufgabenhilfe", district="nordstadt", ages_months=(120,))):
        mine, theirs = catalogue.search(query, TODAY), fresh.search(query, TODAY)
        assert [(h.id, h.score) for h in mine.hits] == [(h.id, h.score) for h in theirs.hits]
