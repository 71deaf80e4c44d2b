"""Build a catalogue from the content files and switch to it atomically.

A build validates everything, writes SQLite and the Whoosh index into a new
folder under <data>/builds/ and only then points <data>/current at it, with one
rename. Until that rename the previous build keeps serving, untouched; a build
that fails leaves nothing behind but its error messages.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from finder import clock
from finder import content as content_module
from finder.catalogue import incremental, index, store
from finder.catalogue.live import write_columns
from finder.content import shapes as geo
from finder.search import wordlists
from finder.search.analysis import Lexicon

KEEP_BUILDS = 3
ANALYSIS_VERSION = "3"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    content_hash: str
    offers: int
    providers: int
    districts: int
    seconds: float
    skipped: bool = False
    incremental: bool = False
    """Whether the build started from the last one (only provider files had changed)."""
    why: str = ""
    """Why it was full or incremental, in a few words."""


def current_build(data_dir: Path) -> Path | None:
    """The live build folder, or None before the first build."""
    link = data_dir / "current"
    try:
        return (data_dir / os.readlink(link)).resolve()
    except OSError:
        return None


def read_build_info(build: Path) -> dict:
    return json.loads((build / "build.json").read_text())


def build(content_root: Path, data_dir: Path, if_changed: bool = False,
          full: bool = False) -> BuildResult:
    """Validate, write a new build and make it live; raise ContentError on bad content.

    When only provider files changed since the live build, the new one starts from a copy
    of it and redoes only their providers and offers (finder.catalogue.incremental), unless
    full is set. The whole content is validated either way."""
    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        digest, shared, files = incremental.file_hashes(content_root, _format_version())
        live = current_build(data_dir)
        if if_changed and live is not None:
            info = read_build_info(live)
            if info["content_hash"] == digest:
                return BuildResult(live, digest, info["offers"], info["providers"],
                                   info["districts"], time.perf_counter() - started, skipped=True)
        plan, why = (None, "a full build was asked for") if full else \
            incremental.plan(live, shared, files)
        checked: dict = {}
        content = content_module.load(content_root, incremental.checked(plan), keep=checked)
        if plan is not None and not incremental.fits(plan, len(content.offers)):
            plan, why = None, "the catalogue's size changed much: the index is cut anew"

        builds = data_dir / "builds"
        builds.mkdir(exist_ok=True)
        # We hold the build lock: any staging folder left is from a build that was
        # killed half-way, and nobody reads it.
        for leftover in builds.glob(".staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        stamp = clock.moment().strftime("%Y%m%dT%H%M%S%fZ")
        target = builds / f"{stamp}-{digest[:10]}"
        staging = builds / f".staging-{target.name}"
        try:
            staging.mkdir()
            state = incremental.write(staging, content, plan, digest, shared, files) \
                if plan is not None else None
            if plan is not None and state is None:
                why = "words that split compounds of unchanged offers changed"
            reused = state is not None
            if state is None:
                state = _write_full(staging, content, digest, shared, files)
            incremental.write_state(staging, state, checked)
            # The search's per-offer arrays, in the index's document order (which an
            # incremental build changes too), memory-mapped by every worker.
            write_columns(staging)
            # The folded word lists, so that a process opening the build reads them
            # instead of folding them again.
            wordlists.save(staging / wordlists.SAVED_NAME,
                           data_dir / "current" / wordlists.SAVED_NAME)
            shapes = content_root / geo.FILE_NAME
            if shapes.is_file():
                # The districts' shapes go with the build: a reader asks which district a
                # point (a family's shared location) lies in.
                shutil.copyfile(shapes, staging / geo.FILE_NAME)
            info = {
                "content_hash": digest,
                "built_at": clock.stamp(),
                "offers": len(content.offers),
                "providers": len(content.providers),
                "districts": len(content.districts),
            }
            (staging / "build.json").write_text(json.dumps(info, indent=2))
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch(data_dir, target)
        _prune(builds, keep=target)
        return BuildResult(target, digest, info["offers"], info["providers"], info["districts"],
                           time.perf_counter() - started, incremental=reused, why=why)


def _format_version() -> str:
    return f"{store.SCHEMA_VERSION}/{ANALYSIS_VERSION}"


def _write_full(staging: Path, content, digest: str, shared: str, files: dict[str, str]) -> dict:
    """Write the whole catalogue (SQLite and index) into staging; returns its state for
    the next, incremental build."""
    counts = index.lexicon_counts(content)
    forms = index.catalogue_forms(content)
    store.write(staging / "catalogue.db", content, counts, digest, index.usual_spellings(forms))
    buckets = index.buckets_for(len(content.offers))
    segments = index.write(staging / "index", content, Lexicon(counts), buckets)
    return incremental.state(shared, files, content, buckets, segments, forms)


def _switch(data_dir: Path, target: Path) -> None:
    """Point data_dir/current at target with one atomic rename."""
    tmp = data_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, data_dir), tmp)
    os.replace(tmp, data_dir / "current")


def _prune(builds: Path, keep: Path) -> None:
    """Remove all but the newest builds. Readers still holding an old one keep
    their open files; new readers only ever open current."""
    finished = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name)
    for old in finished[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
