"""One term's postings with their BM25F scores, as arrays, read a block at a time.

Whoosh's matchers give one posting per Python call (its id, its weight, its field
length, its score): a word found in half of 100,000 offers costs a quarter of a second
that way. Here each block of postings is read whole (Whoosh's own block reader) and
scored at once with NumPy, by the formula and the parameters of the searcher's own
BM25F scorer, in the same order of operations: the scores are the ones the matchers
give, to the last bit (tests/test_search.py compares them).
"""

from __future__ import annotations

import threading

import numpy as np
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
"""Whoosh keeps each document's field length as one byte; what each byte stands for."""
_lock = threading.Lock()


def scored(searcher, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(document numbers, BM25F scores) of a term in a field, or None when the searcher's
    weighting is not the plain BM25F these arrays reproduce (then use the matchers)."""
    parts = searcher.subsearchers if not searcher.is_atomic() else [(searcher, 0)]
    docs, scores = [], []
    scorer = None
    for sub, offset in parts:
        reader = sub.reader()
        if reader.has_deletions():
            return None
        try:
            matcher = reader.postings(fieldname, text)  # one look-up of the term, not two
        except TermNotFound:
            continue
        if scorer is None:
            # BM25F's idf and average field length are the whole index's (the scorer takes
            # them from the top searcher): one scorer serves every segment. Made per
            # segment, each summed the field's length over all segments again, 64 times
            # 64 for a word at 100,000 offers.
            scorer = searcher.weighting.scorer(sub, fieldname, text)
            if type(scorer) is not BM25FScorer:
                return None
        ids, weights = _arrays(matcher)
        lengths = _LENGTHS[_length_bytes(reader, fieldname)[ids]]
        tf = weights
        # whoosh.scoring.bm25, element-wise, in its order of operations.
        values = scorer.idf * ((tf * (scorer.K1 + 1))
                               / (tf + scorer.K1 * ((1 - scorer.B) + scorer.B * lengths / scorer.avgfl)))
        docs.append(ids + offset)
        scores.append(values)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(docs), np.concatenate(scores)


def _arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """A leaf matcher's ids and weights, block by block."""
    if isinstance(matcher, ListMatcher):
        ids = np.asarray(matcher._ids, dtype=np.int64)
        weights = np.asarray(matcher._weights, dtype=np.float64) if matcher._weights is not None \
            else np.ones(len(ids), dtype=np.float64)
        return ids, weights
    if matcher._byteids:  # term vectors, not documents' postings: Whoosh's own reading
        ids, weights = [], []
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
        return np.concatenate(ids), np.concatenate(weights)
    ids, weights = [], []
    while not matcher._atend:
        # A block's data as Whoosh keeps it (whoosh3's _read_ids and _read_weights): the
        # document numbers as differences from the one before, the weights as None (all
        # 1), one number (all the same) or one each.
        matcher._read_data()
        deltas, stored = matcher._data[0], matcher._data[1]
        block = np.cumsum(np.array(deltas, dtype=np.int64))
        ids.append(block)
        if stored is None:
            weights.append(np.ones(len(block), dtype=np.float64))
        elif isinstance(stored, float):
            weights.append(np.full(len(block), np.float32(stored), dtype=np.float64))
        else:
            weights.append(np.array(stored, dtype=np.float64))
        matcher._next_block()
    return np.concatenate(ids), np.concatenate(weights)


def _length_bytes(reader, fieldname: str) -> np.ndarray:
    """Each document's length byte in a field of one segment (read once per reader)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    cache = reader.__dict__.setdefault("_finder_lengths", {})
    found = cache.get(fieldname)
    if found is None:
        with _lock:
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            count = reader.doc_count_all()
            found = np.zeros(count, dtype=np.uint8) if column is None else \
                np.array(column.load(), dtype=np.uint8)
            cache[fieldname] = found
    return found
