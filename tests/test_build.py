"""finder build: validated, atomic, and picked up by readers without a restart."""

from __future__ import annotations

import os
import sqlite3

import pytest

from finder.catalogue import CatalogueMissing, live
from finder.catalogue.build import build, current_build
from finder.content import ContentError
from finder.search import Query
from tests.conftest import OFFER, PROVIDER, TODAY, run_finder


def dump(build_dir) -> list[str]:
    conn = sqlite3.connect(build_dir / "catalogue.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_build_writes_sqlite_and_index_and_switches(content, tmp_path):
    content.offers("Elterncafé am Markt", "Krabbelgruppe im Park")
    data = tmp_path / "data"
    result = run_finder("build", "--content", str(content.root), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert "2 offers, 1 providers, 10 districts" in result.stdout
    live_dir = current_build(data)
    assert (live_dir / "catalogue.db").is_file() and (live_dir / "index").is_dir()
    assert (data / "current").is_symlink()
    assert not os.path.isabs(os.readlink(data / "current")), "the link must survive a move"
    results = live(data).search(Query(text="Park"), TODAY)
    assert [h.id for h in results.hits] == ["offer-1"] and results.relaxed == ()


def test_broken_content_fails_and_the_previous_catalogue_keeps_serving(content, tmp_path):
    content.offers("Elterncafé am Markt")
    data = tmp_path / "data"
    build(content.root, data)
    before = current_build(data)
    reader = live(data)
    assert reader.search(Query(text="Elterncafé"), TODAY).total == 1

    content.provider(PROVIDER + OFFER.format(id="offer-0", name="Elterncafé am Markt")
                     .replace("topics: [meeting_places]", "topics: [nonsense]"))
    result = run_finder("build", "--content", str(content.root), "--data-dir", str(data))
    assert result.returncode == 1
    assert "providers/test-provider.yaml:15: unknown topic 'nonsense'" in result.stderr
    assert "previous catalogue keeps serving" in result.stderr
    assert current_build(data) == before
    assert live(data) is reader
    assert reader.search(Query(text="Elterncafé"), TODAY).total == 1
    assert not [p for p in (data / "builds").iterdir() if p.name.startswith(".staging")]


def test_a_new_build_is_picked_up_without_restart(content, tmp_path):
    content.offers("Elterncafé am Markt")
    data = tmp_path / "data"
    build(content.root, data)
    first = live(data)
    assert first.search(Query(text="Schachclub"), TODAY).relaxed == ("no_words",)
    content.offers("Elterncafé am Markt", "Schachclub für Kinder")
    build(content.root, data)
    second = live(data)
    assert second is not first
    found = second.search(Query(text="Schachclub"), TODAY)
    assert [h.id for h in found.hits] == ["offer-1"] and found.relaxed == ()
    # The old handle still answers from its own build.
    assert first.search(Query(text="Elterncafé"), TODAY).total == 1


def test_two_builds_without_change_give_the_same_catalogue(content, tmp_path):
    content.offers("Elterncafé am Markt", "Krabbelgruppe im Park", "Vätertreff")
    data = tmp_path / "data"
    one = build(content.root, data)
    two = build(content.root, data)
    assert one.path != two.path
    assert dump(one.path) == dump(two.path)
    assert one.content_hash == two.content_hash


def test_if_changed_skips_an_unchanged_build(content, tmp_path):
    content.offers("Elterncafé am Markt")
    data = tmp_path / "data"
    first = build(content.root, data)
    again = build(content.root, data, if_changed=True)
    assert again.skipped and again.path == first.path
    content.offers("Elterncafé am Markt", "Vätertreff")
    changed = build(content.root, data, if_changed=True)
    assert not changed.skipped and changed.offers == 2


def test_a_failed_build_before_the_first_leaves_no_catalogue(content, tmp_path):
    content.provider(PROVIDER + OFFER.format(id="x", name="Kaputt") + "    email: nope\n")
    data = tmp_path / "data"
    with pytest.raises(ContentError):
        build(content.root, data)
    with pytest.raises(CatalogueMissing):
        live(data)


def test_old_builds_are_pruned(content, tmp_path):
    content.offers("Elterncafé am Markt")
    data = tmp_path / "data"
    for _ in range(5):
        build(content.root, data)
    assert len([p for p in (data / "builds").iterdir() if p.is_dir()]) == 3


def test_data_dir_from_environment(content, tmp_path):
    content.offers("Elterncafé am Markt")
    data = tmp_path / "from-env"
    result = run_finder("build", env={"FINDER_DATA_DIR": str(data),
                                      "FINDER_CONTENT_DIR": str(content.root)})
    assert result.returncode == 0, result.stderr
    assert current_build(data) is not None


def test_a_killed_builds_leftovers_are_removed_by_the_next_build(tmp_path):
    from finder.catalogue.build import build as run_build
    from tests.conftest import BUNDLED

    run_build(BUNDLED, tmp_path)
    leftover = tmp_path / "builds" / ".staging-20260101T000000000000Z-deadbeef00"
    (leftover / "index").mkdir(parents=True)
    (leftover / "catalogue.db").write_bytes(b"half written")
    run_build(BUNDLED, tmp_path)
    assert not leftover.exists()
    assert not list((tmp_path / "builds").glob(".staging-*"))


def test_a_busy_port_gives_one_clear_line_and_stops(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "finder.cli", "serve", "--port", str(port),
                               "--data-dir", str(tmp_path)], cwd=ROOT, capture_output=True,
                              text=True, timeout=30)
    assert time.monotonic() - started < 15
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_data_folder_that_cannot_be_written_gives_one_clear_line(tmp_path):
    from tests.conftest import BUNDLED, run_finder

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    result = run_finder("build", "--content", str(BUNDLED), "--data-dir", str(blocker / "data"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("build failed: cannot write"), result.stderr
    assert "Traceback" not in result.stderr
