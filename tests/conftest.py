"""Fixtures: real builds of real content into temporary data folders."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from finder.catalogue import live
from finder.catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "content"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium, which the browser tests drive through Playwright."""
SHOTS = ROOT / "test-artifacts" / "screenshots"
"""Where the browser tests keep their screenshots (not in git)."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

TODAY = dt.date(2026, 12, 5)
"""The tests' day, whatever the calendar says. FINDER_TODAY fixes the finder's clock
(finder.clock) for the tests and for every server, bot and command they start, so the
suite gives the same answers on any day; tests of what changes with the day pass their
own days, relative to this one."""
os.environ["FINDER_TODAY"] = TODAY.isoformat()


def pytest_unconfigure(config) -> None:
    """End the timers that Flask-Limiter's in-memory counts leave running. Each waits
    10 ms; under `make test-clock` (faketime moves the monotonic clock too) such a timed
    wait never returns, and the interpreter would wait for these threads for ever after
    the last test. Cancelling wakes them without a timeout."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.fixture(scope="session")
def bundled_data(tmp_path_factory) -> Path:
    """A data folder with one build of the bundled catalogue."""
    data = tmp_path_factory.mktemp("data")
    build(BUNDLED, data)
    return data


@pytest.fixture(scope="session")
def catalogue(bundled_data):
    return live(bundled_data)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, one per test module (the browser tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


HALF_TRANSLATED = ("hebammenvermittlung",)
"""The offers that keep their Arabic in the half_translated catalogue."""


@pytest.fixture(scope="session")
def half_translated(tmp_path_factory):
    """The bundled catalogue with the Arabic of HALF_TRANSLATED only: every other offer is
    German only in Arabic, as in a town whose translations are still under way."""
    import yaml

    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(BUNDLED, content)
    path = content / "translations" / "ar.yaml"
    arabic = yaml.safe_load(path.read_text(encoding="utf-8"))
    arabic = {**arabic, "providers": {},
              "offers": {k: v for k, v in arabic["offers"].items() if k in HALF_TRANSLATED}}
    path.write_text(yaml.safe_dump(arabic, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = tmp_path_factory.mktemp("data")
    build(content, data)
    return live(data)


def run_finder(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the finder command as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "finder.cli", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=300, cwd=ROOT,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(data: Path, *args: str, env: dict | None = None, log: Path | None = None):
    """`finder serve` on a free port of 127.0.0.1 for the data folder, as a deployment
    runs it; yields the base URL once the start page answers. The server's output goes
    to log when given."""
    port = free_port()
    sink = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "finder.cli", "serve", "--port", str(port), "--data-dir",
         str(data), *args], cwd=ROOT, env={**os.environ, **(env or {})}, stdout=sink,
        stderr=sink if log else subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urlopen(base + "/de/", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            raise RuntimeError(f"finder serve did not answer on {base}")
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "exited")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: the test's answer is in already
            process.kill()
            process.wait(timeout=10)
        if log:
            sink.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")


PROVIDER = """\
id: test-provider
name: Testträger
phones: ["+49 69 90009 999"]
email: test@example.org
address_1: Teststraße 1
postal_code: "37581"
district: altstadt
latitude: 51.7
longitude: 9.8
offers:
"""

OFFER = """\
  - id: {id}
    name: {name}
    summary: Eine kurze Zusammenfassung für Familien.
    description: Eine längere Beschreibung des Angebots.
    topics: [meeting_places]
    free: true
    assured_date: 2026-09-01
"""


class ContentDir:
    """A small content folder written inside a test, with the bundled vocabulary."""

    def __init__(self, root: Path):
        self.root = root
        (root / "providers").mkdir(parents=True)
        shutil.copy(BUNDLED / "vocabulary.yaml", root / "vocabulary.yaml")
        shutil.copy(BUNDLED / "districts.yaml", root / "districts.yaml")

    def provider(self, text: str, name: str = "test-provider.yaml") -> Path:
        path = self.root / "providers" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def offers(self, *names: str) -> Path:
        body = "".join(OFFER.format(id=f"offer-{i}", name=n) for i, n in enumerate(names))
        return self.provider(PROVIDER + body)


def snapshot(root: Path) -> dict[Path, bytes]:
    """Every file under root with its bytes: compare two to see that nothing changed."""
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the bundled content folder to change in a test."""
    target = tmp_path / "content"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def content(tmp_path) -> ContentDir:
    return ContentDir(tmp_path / "content")
