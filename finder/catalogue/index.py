"""The Whoosh side of a build: the full-text index of the offers.

Texts are analysed by finder.analysis before they reach Whoosh, so the index
holds exactly the terms a query will look for; Whoosh keeps the postings and
scores them (BM25F).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from whoosh import fields, index
from whoosh.analysis import SpaceSeparatedTokenizer

from finder.content import Content
from finder.search.analysis import (
    Lexicon,
    fold,
    foreign_terms,
    index_terms,
    is_latin,
    stem,
    tokens,
    words,
)

_PRE = SpaceSeparatedTokenizer()

SCHEMA = fields.Schema(
    id=fields.ID(stored=True, unique=True),
    title=fields.TEXT(analyzer=_PRE, field_boost=3.0),
    provider=fields.TEXT(analyzer=_PRE),
    body=fields.TEXT(analyzer=_PRE),
    foreign=fields.TEXT(analyzer=_PRE, field_boost=1.5),
    situation=fields.TEXT(analyzer=_PRE),
    topic=fields.KEYWORD(),
    phase=fields.KEYWORD(),
)


def german_texts(offer: dict) -> list[str]:
    return [offer["summary"], offer["description"],
            offer["application_process"] or "", offer["fees_description"] or ""]


def _catalogue_texts(content: Content):
    """Every German text of the offers: name, provider's name, the other texts."""
    providers = {p["id"]: p for p in content.providers}
    for offer in content.offers:
        yield offer["name"]
        yield providers[offer["provider_id"]]["name"]
        yield from german_texts(offer)


def spellings(content: Content) -> dict[str, str]:
    """The usual spelling of each folded German word (logopadie → logopädie), for
    showing a corrected word the way it is written."""
    seen: dict[str, Counter] = {}
    for text in _catalogue_texts(content):
        for token in tokens(text):
            seen.setdefault(fold(token), Counter())[token] += 1
    return {word: forms.most_common(1)[0][0] for word, forms in seen.items()}


def lexicon_counts(content: Content) -> Counter:
    """How often each folded German word occurs in the catalogue and the vocabulary."""
    counts: Counter = Counter()
    for text in _catalogue_texts(content):
        counts.update(w for w in words(text) if is_latin(w) and not w.isdigit())
    vocab = content.vocabulary
    for section in ("phases", "topics"):
        for entry in vocab[section].values():
            for word in entry["words"].get("de", []):
                counts.update(w for w in words(word) if is_latin(w))
    for need in vocab["needs"].values():
        for word in [*need["words"].get("de", []), *need["search"]]:
            counts.update(w for w in words(word) if is_latin(w))
    for by_lang in content.situations.values():
        for text in by_lang.get("de", []):
            counts.update(w for w in words(text) if is_latin(w) and not w.isdigit())
    return counts


def situation_terms(by_lang: dict[str, list[str]], lexicon: Lexicon) -> list[str]:
    """The terms of an offer's situations, each marked with its language like the
    translations' (a German compound's parts too: "Mediensucht" is found by "Sucht")."""
    found: list[str] = []
    for lang, texts in sorted(by_lang.items()):
        for text in texts:
            found.extend(foreign_terms(text, lang))
            if lang == "de":
                found.extend(f"de:{stem(part)}" for word in words(text)
                             for part in lexicon.split(word))
    return found


def write(path: Path, content: Content, lexicon: Lexicon) -> None:
    """Write the index for all offers, in id order, with two writer processes."""
    path.mkdir(parents=True)
    ix = index.create_in(str(path), SCHEMA)
    providers = {p["id"]: p for p in content.providers}
    # Not compound: Whoosh reads a compound segment file through a copy of it in memory,
    # one per reader, and every thread of every web worker has its own reader (at 100,000
    # offers 360 MB each); separate files are read from the page cache, which all share.
    writer = ix.writer(limitmb=256, procs=2, multisegment=True, compound=False)
    for offer in sorted(content.offers, key=lambda o: o["id"]):
        provider_name = providers[offer["provider_id"]]["name"]
        foreign = [term for lang, texts in sorted(offer["translations"].items())
                   for text in texts.values() for term in foreign_terms(text, lang)]
        writer.add_document(
            id=offer["id"],
            title=" ".join(index_terms(offer["name"], lexicon)),
            provider=" ".join(index_terms(provider_name, lexicon)),
            body=" ".join(index_terms(" ".join(german_texts(offer)), lexicon)),
            foreign=" ".join(foreign),
            situation=" ".join(situation_terms(content.situations.get(offer["id"], {}), lexicon)),
            topic=" ".join(offer["topics"]),
            phase=" ".join(offer["phases"]),
        )
    writer.commit()


def open_index(path: Path) -> index.Index:
    return index.open_dir(str(path))
