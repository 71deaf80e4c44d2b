"""The Whoosh side of a build: the full-text index of the offers.

Texts are analysed by finder.analysis before they reach Whoosh, so the index
holds exactly the terms a query will look for; Whoosh keeps the postings and
scores them (BM25F).
"""

from __future__ import annotations

import multiprocessing
import zlib
from collections import Counter
from pathlib import Path

from whoosh import fields, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.writing import SegmentWriter

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
    title=fields.TEXT(analyzer=_PRE, field_boost=3.0, phrase=False),
    provider=fields.TEXT(analyzer=_PRE, phrase=False),
    body=fields.TEXT(analyzer=_PRE, phrase=False),
    foreign=fields.TEXT(analyzer=_PRE, field_boost=1.5, phrase=False),
    situation=fields.TEXT(analyzer=_PRE, phrase=False),
    topic=fields.KEYWORD(),
    phase=fields.KEYWORD(),
)


def german_texts(offer: dict) -> list[str]:
    return [offer["summary"], offer["description"],
            offer["application_process"] or "", offer["fees_description"] or ""]


def offer_texts(offer: dict, provider_name: str) -> list[str]:
    """An offer's German texts the lexicon counts: its name, its provider's name, the others."""
    return [offer["name"], provider_name, *german_texts(offer)]


def _catalogue_texts(content: Content):
    """Every German text of the offers: name, provider's name, the other texts."""
    providers = {p["id"]: p for p in content.providers}
    for offer in content.offers:
        yield from offer_texts(offer, providers[offer["provider_id"]]["name"])


def form_counts(texts) -> dict[str, Counter]:
    """How often each way of writing a folded German word occurs in these texts."""
    seen: dict[str, Counter] = {}
    for text in texts:
        for token in tokens(text):
            seen.setdefault(fold(token), Counter())[token] += 1
    return seen


def usual_spellings(forms: dict[str, Counter]) -> dict[str, str]:
    """The most frequent way of writing each word; of equally frequent ones the first in
    code-point order (Logopädie before logopädie), so that any build of the same texts,
    full or incremental, picks the same."""
    return {word: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            for word, counts in forms.items() if counts}


def catalogue_forms(content: Content) -> dict[str, Counter]:
    """How often each way of writing each folded German word occurs in the offers."""
    return form_counts(_catalogue_texts(content))


def word_counts(texts) -> Counter:
    """How often each folded German word occurs in these texts (the offers' part of the
    lexicon)."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(w for w in words(text) if is_latin(w) and not w.isdigit())
    return counts


def lexicon_counts(content: Content) -> Counter:
    """How often each folded German word occurs in the catalogue and the vocabulary."""
    counts = word_counts(_catalogue_texts(content))
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


BUCKET_OFFERS = 500
"""About how many offers share one segment of the index. An incremental build rewrites the
segments of the changed providers' buckets only: smaller buckets make it faster, more
segments make a search look up each term in more places (10,000 offers, one provider
changed: 9.3 s with buckets of 500, 25-30 s with buckets of 2,000; searches with no
postings cached: p50 / p95 about 35 / 95 ms with 2 or 5 segments, 41-53 / 101-122 ms with
20, noisy)."""
MAX_BUCKETS = 64
PARALLEL_FROM = 2000
"""From this many offers, a build analyses and writes its buckets in two processes."""


def buckets_for(offers: int) -> int:
    """How many buckets a full build of this many offers cuts the index into."""
    return max(1, min(MAX_BUCKETS, -(-offers // BUCKET_OFFERS)))


def bucket_of(provider_id: str, buckets: int) -> int:
    """The bucket of a provider's offers: all of them in one, the same in every build."""
    return zlib.crc32(provider_id.encode()) % buckets


def _document(offer: dict, provider_name: str, situations: dict, lexicon: Lexicon) -> dict:
    """One offer as the index's fields, its texts analysed as a query will be."""
    foreign = [term for lang, texts in sorted(offer["translations"].items())
               for text in texts.values() for term in foreign_terms(text, lang)]
    return {
        "id": offer["id"],
        "title": " ".join(index_terms(offer["name"], lexicon)),
        "provider": " ".join(index_terms(provider_name, lexicon)),
        "body": " ".join(index_terms(" ".join(german_texts(offer)), lexicon)),
        "foreign": " ".join(foreign),
        "situation": " ".join(situation_terms(situations.get(offer["id"], {}), lexicon)),
        "topic": " ".join(offer["topics"]),
        "phase": " ".join(offer["phases"]),
    }


_job: tuple | None = None
"""What the forked bucket writers work on (set before forking: nothing is pickled)."""


def _write_bucket(bucket: int):
    """Write one bucket's offers as a new segment (in a worker process or this one) and
    return it, not yet in the index's table of contents."""
    path, content, lexicon, groups = _job
    ix = index.open_dir(str(path))
    # Not compound: Whoosh reads a compound segment file through a copy of it in memory,
    # one per reader, and every thread of every web worker has its own reader (at 100,000
    # offers 360 MB each); separate files are read from the page cache, which all share.
    writer = SegmentWriter(ix, _lk=False, limitmb=128, compound=False)
    providers = {p["id"]: p for p in content.providers}
    for offer in sorted(groups[bucket], key=lambda o: o["id"]):
        writer.add_document(**_document(offer, providers[offer["provider_id"]]["name"],
                                        content.situations, lexicon))
    # Not writer._finish(): it would remove the temporary folder the writers of the other
    # buckets share (MAIN.tmp); the writer that commits the table of contents removes it.
    return bucket, writer._finalize_segment()


def write_buckets(path: Path, content: Content, lexicon: Lexicon, buckets: int,
                  rewrite: set[int] | None = None, old: dict[int, str] | None = None) -> dict[int, str]:
    """Write the index's segments, one per bucket of providers, and return the segment id
    of each bucket. With rewrite (an incremental build, in a copy of the last build's
    index): only those buckets are written anew, from content; the others' segments stay,
    and the old segments of the rewritten buckets (old: bucket -> segment id) go.

    Every segment holds whole buckets and none has deleted documents, so the index's term
    statistics (and so every score) are the same as a full build's."""
    global _job
    if rewrite is None:
        path.mkdir(parents=True)
        index.create_in(str(path), SCHEMA)
        rewrite, old = set(range(buckets)), {}
    groups: dict[int, list[dict]] = {b: [] for b in rewrite}
    for offer in content.offers:
        b = bucket_of(offer["provider_id"], buckets)
        if b in groups:
            groups[b].append(offer)
    todo = sorted(b for b in rewrite if groups[b])
    _job = (path, content, lexicon, groups)
    try:
        if sum(len(groups[b]) for b in todo) >= PARALLEL_FROM and len(todo) > 1:
            context = multiprocessing.get_context("fork")
            with context.Pool(2) as pool:
                written = pool.map(_write_bucket, todo, chunksize=1)
        else:
            written = [_write_bucket(b) for b in todo]
    finally:
        _job = None
    new = {b: segment for b, segment in written}
    dropped = {old[b] for b in rewrite if b in old}
    ix = index.open_dir(str(path))
    writer = ix.writer(compound=False)
    segments = {b: s for b, s in old.items() if b not in rewrite}

    def keep(_writer, existing):
        # The table of contents lists the segments in bucket order, as a full build does.
        by_id = {s.segment_id(): s for s in existing if s.segment_id() not in dropped}
        return [new[b] if b in new else by_id[segments[b]] for b in sorted({*segments, *new})]

    writer.commit(mergetype=keep)
    return {**segments, **{b: s.segment_id() for b, s in new.items()}}


def write(path: Path, content: Content, lexicon: Lexicon, buckets: int = 1) -> dict[int, str]:
    """Write the index for all offers (a full build); returns each bucket's segment id."""
    return write_buckets(path, content, lexicon, buckets)


def open_index(path: Path) -> index.Index:
    return index.open_dir(str(path))
