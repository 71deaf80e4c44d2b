"""Fixtures: real builds of real content into temporary data folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from finder.build import build
from finder.catalogue import live

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "content"


@pytest.fixture(scope="session")
def bundled_data(tmp_path_factory) -> Path:
    """A data folder with one build of the bundled catalogue."""
    data = tmp_path_factory.mktemp("data")
    build(BUNDLED, data)
    return data


@pytest.fixture(scope="session")
def catalogue(bundled_data):
    return live(bundled_data)


@pytest.fixture(scope="session")
def half_translated(tmp_path_factory):
    """The bundled catalogue without its Arabic translation file: most offers are then
    German only in Arabic, as in a town whose translations are still under way."""
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(BUNDLED, content)
    (content / "translations" / "ar.yaml").unlink(missing_ok=True)
    data = tmp_path_factory.mktemp("data")
    build(content, data)
    return live(data)


def run_finder(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the finder command as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "finder.cli", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=300, cwd=ROOT,
    )


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


@pytest.fixture
def content(tmp_path) -> ContentDir:
    return ContentDir(tmp_path / "content")
