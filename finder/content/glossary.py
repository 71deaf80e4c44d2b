"""glossary.yaml: the German terms families meet, with a plain explanation and, per
language, the rendering to use and the renderings that are wrong (finder.model.glossary).
Every translated text is then held to it, with the file and line of the translation."""

from __future__ import annotations

import re
from typing import Any

from finder.content.checker import Checker
from finder.model import LANGUAGES
from finder.model.glossary import Glossary

TERM_FIELDS = {"de", "forms", "explanation", "phrase", *LANGUAGES[1:]}
RENDERING_FIELDS = {"use", "wrong", "explanation"}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def term_id(german: str) -> str:
    """A term's id, for links on the page: "Bildung und Teilhabe" is bildung-und-teilhabe."""
    return re.sub(r"[^a-z0-9]+", "-", german.lower().translate(_UMLAUTS)).strip("-")


def check_glossary(c: Checker, data: Any) -> list[dict]:
    """The glossary's terms as plain records; each problem with its line."""
    if data is None or not c.expect_mapping(data, 1, "glossary.yaml"):
        return []
    c.unknown_fields(data, {"terms"}, "glossary.yaml")
    terms = data.get("terms") or []
    if not isinstance(terms, list):
        c.problem(c.line_of(data, "terms"), "terms must be a list")
        return []
    records: list[dict] = []
    seen: dict[str, int] = {}
    for raw in terms:
        record = _check_term(c, raw)
        if record is None:
            continue
        if record["id"] in seen:
            c.problem(c.line_of(raw), f"term {record['de']!r} is already in the glossary "
                                      f"(line {seen[record['id']]})")
            continue
        seen[record["id"]] = c.line_of(raw)
        records.append(record)
    return records


def _check_term(c: Checker, raw: Any) -> dict | None:
    if not c.expect_mapping(raw, 1, "a glossary term"):
        return None
    c.unknown_fields(raw, TERM_FIELDS, "glossary term")
    german = c.text(raw, "de", "a glossary term")
    if german is None:
        return None
    what = f"term {german!r}"
    forms = raw.get("forms") or [german]
    if not isinstance(forms, list) or not all(isinstance(f, str) and f.strip() for f in forms):
        c.problem(c.line_of(raw, "forms"), f"forms of {what} must be a list of German words")
        forms = [german]
    record = {"id": term_id(german), "de": german, "forms": list(forms),
              "explanation": c.text(raw, "explanation", what) or "",
              "phrase": c.flag(raw, "phrase", what), "languages": {}}
    for lang in LANGUAGES[1:]:
        rendering = raw.get(lang)
        if rendering is None:
            c.problem(c.line_of(raw), f"{what} has no rendering in {lang!r}")
            continue
        if isinstance(rendering, str):
            rendering = {"use": rendering}
        if not c.expect_mapping(rendering, c.line_of(raw, lang), f"{lang} of {what}"):
            continue
        checked = _check_rendering(c, raw, rendering, lang, record)
        if checked:
            record["languages"][lang] = checked
    return record


def _check_rendering(c: Checker, raw: Any, rendering: dict, lang: str, record: dict) -> dict:
    """One language of a term: the rendering keeps the German (or the check could never be
    met), and no wrong rendering hides inside the right one."""
    line = c.line_of(raw, lang)
    what = f"{lang} of term {record['de']!r}"
    if hasattr(rendering, "lines"):
        c.unknown_fields(rendering, RENDERING_FIELDS, what)
    use = rendering.get("use")
    if not isinstance(use, str) or not use.strip():
        c.problem(line, f"{what} needs `use`: the rendering to use")
        return {}
    wrong = rendering.get("wrong") or []
    if not isinstance(wrong, list) or not all(isinstance(w, str) and w.strip() for w in wrong):
        c.problem(line, f"wrong renderings of {what} must be a list of texts")
        wrong = []
    checked = {"use": use.strip(), "wrong": [w.strip() for w in wrong]}
    explanation = rendering.get("explanation")
    if explanation is not None:
        if not isinstance(explanation, str) or not explanation.strip():
            c.problem(line, f"the explanation of {what} must be text")
        else:
            checked["explanation"] = " ".join(explanation.split())
    term = Glossary.from_records([{**record, "languages": {lang: checked}}]).terms[0]
    if not record["phrase"] and not term.kept_in(checked["use"], lang):
        c.problem(line, f"{what}: {checked['use']!r} must keep the German term in brackets")
    for bad in term.wrong_in(checked["use"], lang):
        c.problem(line, f"{what}: the wrong rendering {bad!r} is part of the rendering to use")
    return checked
