"""The gettext catalogues: every text translated in every language, nothing fuzzy, and
every placeholder of the German kept in each translation."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from finder.model import LANGUAGES
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_text_is_translated_with_its_placeholders(lang):
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalogue = read_po(handle, locale=lang)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"num"}
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            if not wanted <= found | {"num"} or not found <= set(PLACEHOLDER.findall(ids[-1])) | {"num"}:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert problems == []
