"""vocabulary.yaml (labels and words of the fixed phases and topics) and needs.yaml
(what families need, in their words)."""

from __future__ import annotations

import re
from typing import Any

from finder.content.checker import Checker
from finder.model import LANGUAGES, PHASE_IDS, TOPIC_IDS


def check_vocabulary(c: Checker, data: Any) -> dict:
    if data is None:
        return {"phases": {}, "topics": {}}
    if not c.expect_mapping(data, 1, "vocabulary.yaml"):
        return {"phases": {}, "topics": {}}
    result = {"phases": {}, "topics": {}}
    for extra in sorted(set(data) - {"phases", "topics"}):
        c.problem(c.line_of(data, extra), f"unknown section {extra!r} in vocabulary.yaml "
                                          "(needs belong in needs.yaml)")
    for section, fixed in (("phases", PHASE_IDS), ("topics", TOPIC_IDS)):
        entries = data.get(section) or {}
        for missing in [i for i in fixed if i not in entries]:
            c.problem(c.line_of(data, section), f"{section} lacks the fixed id {missing!r}")
        for key, entry in entries.items():
            line = c.line_of(entries, key)
            if key not in fixed:
                c.problem(line, f"unknown {section[:-1]} id {key!r}; the ids are fixed "
                                f"({', '.join(fixed)})")
                continue
            if not c.expect_mapping(entry, line, f"{section[:-1]} {key!r}"):
                continue
            labels = entry.get("labels") or {}
            if "de" not in labels:
                c.problem(line, f"{section[:-1]} {key!r} has no German label")
            for lang in labels:
                if lang not in LANGUAGES:
                    c.problem(c.line_of(labels, lang), f"label in unsupported language {lang!r}")
            words = check_words(c, entry.get("words") or {}, f"{section[:-1]} {key!r}")
            result[section][key] = {"labels": dict(labels), "words": words}
    return result


NEED_FIELDS = {"topics", "search", "emergency", "words"}


def check_needs(c: Checker, data: Any) -> dict:
    """needs.yaml: what families need, in their words, and the German words of the offers."""
    if data is None:
        return {}
    if not c.expect_mapping(data, 1, "needs.yaml") or not c.expect_mapping(
            data.get("needs"), c.line_of(data), "the needs section of needs.yaml"):
        return {}
    result = {}
    entries = data["needs"]
    for key, entry in entries.items():
        line = c.line_of(entries, key)
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            c.problem(line, f"need id {key!r} must be lower-case letters, digits and _")
            continue
        if not c.expect_mapping(entry, line, f"need {key!r}"):
            continue
        c.unknown_fields(entry, NEED_FIELDS, "need")
        topics = c.ids(entry, "topics", TOPIC_IDS, "topic", f"need {key!r}")
        search = entry.get("search") or []
        if not isinstance(search, list) or not search or not all(
                isinstance(w, str) and w.strip() for w in search):
            c.problem(c.line_of(entry, "search") if "search" in entry else line,
                      f"need {key!r} needs search: a list of German words its offers use")
            search = []
        emergency = entry.get("emergency", False)
        if not isinstance(emergency, bool):
            c.problem(c.line_of(entry, "emergency"), f"emergency of need {key!r} must be "
                                                     "true or false")
        words = check_words(c, entry.get("words") or {}, f"need {key!r}")
        result[key] = {"topics": topics, "search": [w.strip() for w in search],
                       "emergency": emergency is True, "words": words}
    return result


def check_words(c: Checker, words: Any, what: str) -> dict[str, list[str]]:
    if not isinstance(words, dict):
        c.problem(1, f"words of {what} must be a mapping of language: [words]")
        return {}
    result = {}
    for lang, items in words.items():
        if lang not in LANGUAGES:
            c.problem(c.line_of(words, lang), f"words in unsupported language {lang!r} in {what}")
            continue
        if not isinstance(items, list) or not all(isinstance(w, str) and w.strip() for w in items):
            c.problem(c.line_of(words, lang), f"words.{lang} of {what} must be a list of text")
            continue
        result[lang] = [w.strip() for w in items]
    return result
