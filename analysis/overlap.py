"""Source overlap: the words articles share, the facts they share in other words, and who reports what.

- :func:`shared_passages`: passages two articles share word for word (wire copy, copied paragraphs,
  boilerplate), found the way passim finds text reuse: an inverted index of word n-grams proposes
  article pairs, and shared n-grams are extended to maximal spans. :func:`internal_copies` lists the
  copies inside one article that cleaning removed, in the same shape.
- :func:`align_sentences`: for each sentence, the sentences of other articles that state the same
  fact, in other words too ("foreigners" / "foreign nationals").
- :func:`facts_map` and :func:`group_coverage`: aligned sentences clustered into facts; which groups
  report each fact, who reported it first, and what each group adds or leaves out.

Everything compares canonical tokens (:mod:`analysis.text`), so quote styles, case, punctuation and
the spellings of one actor ("Islamic State", "Daesh") never break a match; every row carries offsets
into ``raw_text``. The work is done on numpy arrays and sparse matrices, never by looping over
article pairs, so cost grows about linearly with the corpus (``make bench`` measures it).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import combinations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.cleaning import texts_to_raw
from analysis.corpus import cleaning_log
from analysis.parallel import collector_paused, map_chunks, reduce_chunks
from analysis.text import (
    CorpusTokens,
    corpus_tokens,
    load_aliases,
    normalise,
    sentence_token_spans,
    token_spans,
    tokenize,
)

PASSAGE_COLUMNS = [
    "article_a",
    "article_b",
    "start_a",
    "end_a",
    "start_b",
    "end_b",
    "n_words",
    "kind",
    "text",
]
ALIGNMENT_COLUMNS = [
    "article_a",
    "sentence_a",
    "start_a",
    "end_a",
    "article_b",
    "sentence_b",
    "start_b",
    "end_b",
    "score",
]
FACT_COLUMNS = [
    "fact",
    "text",
    "article_id",
    "start",
    "end",
    "n_sentences",
    "groups",
    "n_groups",
    "first_group",
    "first_published",
    "sentences",
]
COVERAGE_COLUMNS = ["group", "reported", "adds", "leaves_out"]

# Shared passages.
NGRAM = 5  # long enough to be rare, short enough to seed short copies (passim's authors use 5-grams)
MAX_DF = 100  # an n-gram in more places than this proposes no pairs (passim's maxDF default)
BOILERPLATE_ARTICLES = 20  # a passage whose typical n-gram is in this many articles is boilerplate
BOILERPLATE_GROUPS = 8  # ... or in the articles of this many groups (outlets)
CHANCE_MARGIN_BITS = 10  # a passage must be 2^10 times less likely than one chance match in the corpus
BIGRAM_PRIOR = 10  # weight of word frequencies against bigram counts in the chance model
COPY_REASONS = ("repeated headline", "duplicate paragraph", "truncated copy")

# Sentence alignment.
MIN_SCORE = 0.15
MIN_SHARED = 2  # blocking features two sentences must share to be compared
NUMBER_WEIGHT = 1.5  # a figure shared by two sentences is strong evidence of one fact
ACTOR_WEIGHT = 1.5  # so is a canonical actor or place ("Iraq", "SDF")
ALIGN_MAX_DF_FLOOR = 200  # blocking cap, see align_sentences
ALIGN_BLOCK_ROWS = 5_000  # sentences whose candidate pairs are scored at once, to bound memory
MIN_FACT_FEATURES = 3  # fewer features than this ("Baghdadi hiding") is a subhead, not a fact
FACT_MIN_SCORE = 0.25
MAX_SENTENCES_PER_ARTICLE = 2  # more sentences of one article in one fact means facts chained together


def _raw_spans(corpus: pd.DataFrame, rows: ArrayLike, starts: ArrayLike, ends: ArrayLike) -> tuple:
    """Map clean-text spans of the articles at positions ``rows`` to ``raw_text`` offsets (arrays)."""
    return texts_to_raw(corpus["offset_map"].to_numpy(), rows, starts, ends)


# --- shared passages -----------------------------------------------------------------------------


def _article_at(bounds: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The article of each global token position: looked up in the article bounds rather than kept
    in a table over every token (400 MB at 100,000 articles)."""
    return np.searchsorted(bounds, positions, side="right") - 1


def _ngram_hashes(ids: np.ndarray, positions: np.ndarray, n: int) -> np.ndarray:
    """64-bit hashes of the n-grams starting at ``positions``: a random value per token id, mixed
    by a random odd multiplier per place in the n-gram (wrapping arithmetic, fully vectorised)."""
    rng = np.random.default_rng(NGRAM)
    values = rng.integers(1, 2**63, size=int(ids.max(initial=0)) + 1, dtype=np.int64).astype(np.uint64)
    multipliers = rng.integers(1, 2**62, size=n, dtype=np.int64).astype(np.uint64) * 2 + 1
    hashes = np.zeros(len(positions), dtype=np.uint64)
    for k in range(n):
        hashes += values[ids[positions + k]] * multipliers[k]
    return hashes


# N-grams are hashed and sorted a block of token positions at a time, each block's sorted keys cut
# into the same ranges of hash values, then each range merged and grouped: 100,000 articles have 60
# million n-grams, and whole-array temporaries of them would each take 480 MB.
_BLOCK = 1 << 20
_NGRAM_BLOCK = 1 << 23  # token positions whose n-grams one task hashes and sorts: 67 MB of keys


@dataclass(frozen=True)
class _NgramIndex:
    """The places of every repeated n-gram (one found at two places or more), grouped by hash; the
    n-grams found once, nearly all of them, are left out."""

    positions: np.ndarray  # token positions sorted by (hash, position); int32 when they fit
    group_start: np.ndarray  # start in ``positions`` of each repeated n-gram
    group_size: np.ndarray  # its occurrences
    group_hash: np.ndarray  # its (truncated) hash, sorted, for lookups
    group_articles: np.ndarray  # the number of articles it is in
    shift: int  # low bits of a sort key that hold the position


def _ngram_index(tokens: CorpusTokens, n: int) -> _NgramIndex:
    """Sort all n-grams by packed keys (hash high bits | position) and group equal hashes, as a
    sort-based shuffle on the workers of a cluster (or here): each block of token positions is
    hashed and sorted and cut into ranges of hash values (:func:`_ngram_keys`), then each range's
    pieces from every block are merged and grouped (:func:`_ngram_groups`). The ranges follow one
    another, so the groups come in the order one sort of every key would give.

    Sorting plain uint64 keys is several times faster than ``argsort``; the hash bits lost to the
    position only add rare false groups, which the token check in :func:`_seed_pairs` drops.
    """
    bounds = tokens.article_bounds
    shift = max(1, len(tokens.ids).bit_length())
    blocks = range(0, max(1, len(tokens.ids)), _NGRAM_BLOCK)  # one block at least, empty without tokens
    shared = {"ids": tokens.ids, "bounds": bounds, "n": n, "shift": shift, "parts": len(blocks)}
    pieces = list(map_chunks(_ngram_keys, blocks, 1, label="hashing n-grams", shared=shared))
    by_range = [list(range_pieces) for range_pieces in zip(*pieces, strict=True)]
    del pieces
    grouped = list(
        map_chunks(
            _ngram_groups, by_range, 1, label="grouping n-grams", shared={"bounds": bounds, "shift": shift}
        )
    )
    del by_range
    positions, group_start, group_size, group_hash, group_articles = (
        np.concatenate([part[k] for part in grouped]) for k in range(5)
    )
    members_before = np.cumsum([0] + [len(part[0]) for part in grouped])[:-1]
    group_start += np.repeat(members_before, [len(part[1]) for part in grouped])
    return _NgramIndex(
        positions=positions,
        group_start=group_start,
        group_size=group_size,
        group_hash=group_hash,
        group_articles=group_articles,
        shift=shift,
    )


def _ngram_starts(bounds: np.ndarray, first: int, end: int, n: int) -> np.ndarray:
    """The token positions in ``[first, end)`` where an n-gram starts and ends in the same article."""
    fits = np.ones(end - first, dtype=bool)
    for k in range(1, n):
        last = bounds[1:] - k
        fits[last[(last >= bounds[:-1]) & (last >= first) & (last < end)] - first] = False
    return np.flatnonzero(fits) + first


def _ngram_keys(
    firsts: list[int], ids: np.ndarray, bounds: np.ndarray, n: int, shift: int, parts: int
) -> list[np.ndarray]:
    """The sorted keys of the n-grams starting in the block of :data:`_NGRAM_BLOCK` token positions at
    ``firsts[0]``, cut into ``parts`` ranges of hash values (the same cuts for every block, at a
    multiple of ``2**shift``, so one hash never straddles two ranges)."""
    [first] = firsts
    low = np.uint64((1 << shift) - 1)
    starts = _ngram_starts(bounds, first, min(first + _NGRAM_BLOCK, len(ids)), n)
    keys = np.empty(len(starts), dtype=np.uint64)
    for at in range(0, len(starts), _BLOCK):
        block = keys[at : at + _BLOCK]
        block[:] = _ngram_hashes(ids, starts[at : at + _BLOCK], n) & ~low
        block |= starts[at : at + _BLOCK].astype(np.uint64)
    del starts
    keys.sort()
    cuts = np.array([((part << 64) // parts) >> shift << shift for part in range(1, parts)], dtype=np.uint64)
    return np.split(keys, np.searchsorted(keys, cuts))


def _ngram_groups(ranges: list[list[np.ndarray]], bounds: np.ndarray, shift: int) -> tuple:
    """The repeated n-grams of one range of hash values, from its sorted pieces of every block:
    their positions (grouped), group starts, sizes, hashes and numbers of articles."""
    [pieces] = ranges
    keys = np.concatenate(pieces)
    del pieces, ranges
    keys.sort(kind="stable")  # sorted runs, one per block: merged in linear time
    hashes = keys >> np.uint64(shift)
    same_as_next = hashes[1:] == hashes[:-1]
    repeated = np.zeros(len(keys), dtype=bool)
    repeated[1:] = same_as_next
    repeated[:-1] |= same_as_next
    del same_as_next
    width = np.int32 if bounds[-1] < 2**31 else np.int64
    positions = (keys[repeated] & np.uint64((1 << shift) - 1)).astype(width)
    hashes = hashes[repeated]
    del keys, repeated
    new = np.ones(len(hashes), dtype=bool)
    new[1:] = hashes[1:] != hashes[:-1]
    group_start = np.flatnonzero(new)
    group_end = np.append(group_start[1:], len(hashes)) if len(hashes) else group_start
    return (
        positions,
        group_start,
        group_end - group_start,
        hashes[group_start],
        _articles_per_group(positions, group_start, group_end, bounds),
    )


def _articles_per_group(positions, group_start: np.ndarray, group_end: np.ndarray, bounds) -> np.ndarray:
    """The number of distinct articles among each group's positions (sorted within the group, so an
    article's occurrences are consecutive), from the grouped positions only."""
    member_group, member = _ranges(group_start, group_end)
    articles = _article_at(bounds, positions[member])
    del member
    new_article = np.ones(len(articles), dtype=bool)
    new_article[1:] = (articles[1:] != articles[:-1]) | (member_group[1:] != member_group[:-1])
    return np.bincount(member_group, new_article, len(group_start)).astype(np.int64)


def _seed_pairs(index: _NgramIndex, ids: np.ndarray, bounds: np.ndarray, n: int, max_df: int) -> tuple:
    """Position pairs ``(pa, pb)`` in different articles (``pa`` first in corpus order) that start
    the same n-gram, from n-grams at no more than ``max_df`` places, with the tokens checked equal."""
    usable = index.group_size <= max_df
    firsts, seconds = [], []
    for size in np.unique(index.group_size[usable]):
        starts = index.group_start[usable & (index.group_size == size)]
        upper = np.triu_indices(int(size), 1)
        firsts.append((starts[:, None] + upper[0]).ravel())
        seconds.append((starts[:, None] + upper[1]).ravel())
    if not firsts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pa = index.positions[np.concatenate(firsts)].astype(np.int64)
    pb = index.positions[np.concatenate(seconds)].astype(np.int64)
    keep = _article_at(bounds, pa) != _article_at(bounds, pb)  # sorted within a group, so pa < pb
    for k in range(n):
        keep &= ids[pa + k] == ids[pb + k]
    return pa[keep], pb[keep]


def _maximal_spans(pa: np.ndarray, pb: np.ndarray, ids: np.ndarray, bounds: np.ndarray, n: int):
    """Merge seeds on one diagonal of one article pair into runs, then extend each run left and
    right while the tokens are equal. On a diagonal the maximal equal stretch around a position is
    unique, so runs split by an unindexed n-gram (over the cap) extend to the same span, kept once."""
    doc_a, doc_b = _article_at(bounds, pa), _article_at(bounds, pb)
    order = np.lexsort((pa, pb - pa, doc_b, doc_a))
    pa, pb, doc_a, doc_b = pa[order], pb[order], doc_a[order], doc_b[order]
    new = np.ones(len(pa), dtype=bool)
    new[1:] = (
        (doc_a[1:] != doc_a[:-1])
        | (doc_b[1:] != doc_b[:-1])
        | (pb[1:] - pa[1:] != pb[:-1] - pa[:-1])
        | (pa[1:] - pa[:-1] > n)
    )
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(pa)) - 1
    start_a, start_b = pa[first].copy(), pb[first].copy()
    end_a, end_b = pa[last] + n, pb[last] + n
    doc_a, doc_b = doc_a[first], doc_b[first]
    _extend(ids, end_a, end_b, bounds[doc_a + 1], bounds[doc_b + 1], step=1)
    _extend(ids, start_a, start_b, bounds[doc_a], bounds[doc_b], step=-1)
    spans = np.unique(np.stack([start_a, end_a, start_b, end_b], axis=1), axis=0)
    return spans.T


def _extend(ids: np.ndarray, edge_a: np.ndarray, edge_b: np.ndarray, limit_a, limit_b, step: int) -> None:
    """Move span edges (in place) one token at a time while the next tokens are equal, vectorised
    over all spans still growing. ``step`` 1 moves end offsets right, -1 start offsets left."""
    look = 0 if step == 1 else -1
    active = np.arange(len(edge_a))
    while active.size:
        inside = (edge_a[active] != limit_a[active]) & (edge_b[active] != limit_b[active])
        active = active[inside]
        active = active[ids[edge_a[active] + look] == ids[edge_b[active] + look]]
        edge_a[active] += step
        edge_b[active] += step


def _ranges(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position of the ranges ``[start, end)``, with the index of the range it belongs to."""
    counts = end - start
    owner = np.repeat(np.arange(len(start)), counts)
    return owner, start[owner] + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def _spread(index: _NgramIndex, tokens: CorpusTokens, group_codes, start, end, n: int) -> tuple:
    """For each span ``[start, end)`` (one side), the median over its n-grams of the articles and
    of the groups they are in."""
    span_of, positions = _ranges(start, end - n + 1)
    hashes = _ngram_hashes(tokens.ids, positions, n) >> np.uint64(index.shift)
    group = np.searchsorted(index.group_hash, hashes)
    needed = np.unique(group)
    owner, occurrence = _ranges(
        index.group_start[needed], index.group_start[needed] + index.group_size[needed]
    )
    article = _article_at(tokens.article_bounds, index.positions[occurrence])
    places = np.unique(np.stack([needed[owner], group_codes[article]]), axis=1)
    groups = pd.Series(places[0]).value_counts().reindex(group).to_numpy()
    frame = pd.DataFrame({"span": span_of, "articles": index.group_articles[group], "groups": groups})
    medians = frame.groupby("span").median()
    return medians["articles"].to_numpy(), medians["groups"].to_numpy()


def _information(ids: np.ndarray, start: np.ndarray, end: np.ndarray, copies: np.ndarray) -> np.ndarray:
    """Bits of each shared span under a bigram model of the corpus without the span's ``copies``:
    ``P(w | v) = (c(v w) - k + μ P(w)) / (c(v) - k + μ)``, Dirichlet-smoothed toward word
    frequencies with ``μ = BIGRAM_PRIOR``; the first word counts by its frequency.

    A unigram model would take a recurring name ("said Jait Dronigain") for two rare words and a
    formula for a copy; the bigram model knows one name predicts the other. Leaving the copies out
    (k: the articles the span's typical n-gram is in) keeps copied text from making itself likely.
    """
    counts = np.bincount(ids)
    frequency = counts / len(ids)
    owner, positions = _ranges(start + 1, end)
    pair = _bigram_counts(ids, ids[positions - 1], ids[positions])
    left_out = copies[owner]
    previous = counts[ids[positions - 1]]
    conditional = (np.maximum(pair - left_out, 0) + BIGRAM_PRIOR * frequency[ids[positions]]) / (
        np.maximum(previous - left_out, 0) + BIGRAM_PRIOR
    )
    return -np.log2(frequency[ids[start]]) - np.bincount(owner, np.log2(conditional), len(start))


def _bigram_counts(ids: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """How often each bigram ``(first[i], second[i])`` occurs in ``ids``: the corpus is scanned a
    block at a time for the few bigrams asked about, never sorted whole (a 480 MB array of keys at
    100,000 articles)."""
    size = np.int64(int(ids.max(initial=0)) + 1)
    wanted, asked = np.unique(first.astype(np.int64) * size + second, return_inverse=True)
    counts = np.zeros(len(wanted), dtype=np.int64)
    if not len(wanted):
        return counts[asked]
    for block in range(0, len(ids) - 1, _BLOCK):
        end = min(block + _BLOCK, len(ids) - 1)
        keys = ids[block:end].astype(np.int64) * size + ids[block + 1 : end + 1]
        at = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
        counts += np.bincount(at[wanted[at] == keys], minlength=len(wanted))
    return counts[asked]


def _chance_bits(tokens: CorpusTokens) -> float:
    """Information a span needs not to be a coincidence: log2 of the pairs of places a corpus of T
    tokens offers (T²/2), plus ``CHANCE_MARGIN_BITS``."""
    return 2 * np.log2(max(2, len(tokens.ids))) - 1 + CHANCE_MARGIN_BITS


def shared_passages(
    corpus: pd.DataFrame,
    min_words: int = 6,
    max_df: int = MAX_DF,
    boilerplate_articles: int = BOILERPLATE_ARTICLES,
    boilerplate_groups: int = BOILERPLATE_GROUPS,
) -> pd.DataFrame:
    """Maximal word spans of at least ``min_words`` words that two articles share, compared as
    canonical tokens; a name counts as the words of its canonical form ("Mustafa Bali": 2).

    One row per span and pair of articles, ``article_a`` before ``article_b`` in corpus order, with
    ``start/end`` offsets into each ``raw_text``, ``n_words``, ``kind`` and ``text`` (as
    printed in ``article_a``). Columns: ``PASSAGE_COLUMNS``.

    Method (after passim): every n-gram of ``min(5, min_words)`` tokens is hashed and sorted; an
    n-gram found at two to ``max_df`` places proposes its pairs of places, and the shared n-grams
    of a pair are merged and extended to maximal spans of equal tokens. The cap keeps the cost
    linear in the corpus, since each n-gram yields at most ``max_df²/2`` pairs whatever the size of
    the corpus; it is absolute for that reason. At 100 (passim's default) it only stops text found
    in more than 100 places, which is stock phrasing or boilerplate that would make thousands of
    rows; spans found through rarer n-grams still extend through such text.

    A span must also be more than chance: its information under a bigram model of the corpus
    (:func:`_information`) must exceed log2 of the pairs of places the corpus offers plus
    ``CHANCE_MARGIN_BITS``. Six common words ("and that of was of to") match somewhere in a large
    corpus by chance; in 100,000 generated articles they made the only false pairs.

    ``kind`` is "boilerplate" when the passage's typical (median) n-gram is in at least
    ``boilerplate_articles`` articles or in the articles of at least ``boilerplate_groups`` groups:
    stock text (sign-offs, disclaimers, standard background) that says nothing about who copied
    whom; otherwise "reuse".
    """
    if min_words < 1:
        raise ValueError("min_words must be at least 1")
    tokens = corpus_tokens(corpus["text"])
    n = min(NGRAM, min_words)
    bounds = tokens.article_bounds
    index = _ngram_index(tokens, n)
    pa, pb = _seed_pairs(index, tokens.ids, bounds, n, max_df)
    if not len(pa):
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    maximal = _maximal_spans(pa, pb, tokens.ids, bounds, n)
    spans = pd.DataFrame(dict(zip(("start_a", "end_a", "start_b", "end_b"), maximal, strict=True)))
    spans["words"] = _words_between(tokens, spans["start_a"].to_numpy(), spans["end_a"].to_numpy())
    spans = spans[spans["words"] >= min_words]
    start, end = spans["start_a"].to_numpy(), spans["end_a"].to_numpy()
    articles, groups = _spread(index, tokens, pd.factorize(corpus["group"])[0], start, end, n)
    spans = spans.assign(
        doc_a=_article_at(bounds, start),
        doc_b=_article_at(bounds, spans["start_b"].to_numpy()),
        boilerplate=(articles >= boilerplate_articles) | (groups >= boilerplate_groups),
    )
    spans = spans[_information(tokens.ids, start, end, articles) >= _chance_bits(tokens)]
    spans = spans.sort_values(["doc_a", "doc_b", "start_a", "start_b"])
    start_a, end_a = _raw_spans(
        corpus, spans["doc_a"], *_clean_spans(corpus, tokens, spans["start_a"], spans["end_a"])
    )
    start_b, end_b = _raw_spans(
        corpus, spans["doc_b"], *_clean_spans(corpus, tokens, spans["start_b"], spans["end_b"])
    )
    ids = corpus["article_id"].to_numpy()
    return pd.DataFrame(
        {
            "article_a": ids[spans["doc_a"]],
            "article_b": ids[spans["doc_b"]],
            "start_a": start_a,
            "end_a": end_a,
            "start_b": start_b,
            "end_b": end_b,
            "n_words": spans["words"].to_numpy(),
            "kind": np.where(spans["boilerplate"], "boilerplate", "reuse"),
            "text": _raw_texts(corpus["raw_text"], spans["doc_a"].to_numpy(), start_a, end_a),
        },
        columns=PASSAGE_COLUMNS,
    )


def _words_between(tokens: CorpusTokens, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Words in the token ranges ``[start, end)`` (global positions), a multi-word canonical token
    counting as its words; the few multi-word tokens are counted, not every token."""
    extra = np.array([token.count(" ") for token in tokens.vocabulary], dtype=np.int64)
    multi = np.flatnonzero(np.isin(tokens.ids, np.flatnonzero(extra)))
    before = np.concatenate([[0], np.cumsum(extra[tokens.ids[multi]])])
    return end - start + before[np.searchsorted(multi, end)] - before[np.searchsorted(multi, start)]


def _clean_spans(corpus: pd.DataFrame, tokens: CorpusTokens, start: pd.Series, end: pd.Series) -> tuple:
    """Clean-text starts and ends (arrays) of the token ranges ``[start, end)`` (global positions)."""
    ends = _token_spans_at(corpus, tokens, np.concatenate([start.to_numpy(), end.to_numpy() - 1]))
    firsts, lasts = ends[: len(start)], ends[len(start) :]  # one pass: each article is split once
    return np.array([f[0] for f in firsts], dtype=np.int64), np.array(
        [last[1] for last in lasts], dtype=np.int64
    )


def _raw_texts(raw_texts: pd.Series, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The raw text of each span ``[starts[i], ends[i])`` of the article at position ``rows[i]``.
    Each article concerned becomes a Python string once, in turn: the whole column at once (Arrow
    to Python) raised facts_map's memory by 90 MB more at 20,000 articles."""
    column, texts = raw_texts.array, [""] * len(rows)
    order = np.argsort(rows, kind="stable")
    text, current = "", -1
    for i, row, start, end in zip(
        order.tolist(), rows[order].tolist(), starts[order].tolist(), ends[order].tolist(), strict=True
    ):
        if row != current:
            text, current = column[row], row
        texts[i] = text[start:end]
    return texts


def _token_spans_at(
    corpus: pd.DataFrame, tokens: CorpusTokens, positions: np.ndarray
) -> list[tuple[int, int]]:
    """Clean-text spans of the tokens at global ``positions``, tokenizing only their sentences with
    offsets (the slow path of the tokenizer): 30 times less work than whole articles."""
    sentence = np.searchsorted(tokens.sentence_bounds, positions, side="right") - 1
    article = tokens.sentence_article[sentence]
    texts = corpus["text"].array  # an article at a time: the whole column as Python strings is large
    found: dict[int, list[tuple[int, int]]] = {}
    out = []
    for position, s, a in zip(positions.tolist(), sentence.tolist(), article.tolist(), strict=True):
        if s not in found:
            start, end = tokens.sentence_spans[s].tolist()
            local = [(t.start + start, t.end + start) for t in token_spans(texts[a][start:end])]
            if len(local) != tokens.sentence_bounds[s + 1] - tokens.sentence_bounds[s]:
                # Tokenized alone, the sentence came out otherwise: take its tokens in context.
                whole = sentence_token_spans(texts[a])[s - tokens.article_sentences[a]]
                local = [(t.start, t.end) for t in whole]
            found[s] = local
        out.append(found[s][position - tokens.sentence_bounds[s]])
    return out


_DETAIL_SPAN = re.compile(r"(\d+)-(\d+)$")


def internal_copies(corpus: pd.DataFrame) -> pd.DataFrame:
    """Copies inside one article that cleaning removed (repeated headlines, duplicate and truncated
    paragraphs), shaped like :func:`shared_passages` so they can be shown beside its rows:
    ``_a`` is the copy kept (or the headline), ``_b`` the copy removed, ``kind`` "copy within article"."""
    log = cleaning_log(corpus)
    log = log[log["reason"].isin(COPY_REASONS)]
    originals = log["detail"].str.extract(_DETAIL_SPAN).astype("Int64")
    return pd.DataFrame(
        {
            "article_a": log["article_id"],
            "article_b": log["article_id"],
            "start_a": originals[0],
            "end_a": originals[1],
            "start_b": log["start"],
            "end_b": log["end"],
            "n_words": [len(tokenize(t)) for t in log["removed_text"]],
            "kind": "copy within article",
            "text": log["removed_text"],
        },
        columns=PASSAGE_COLUMNS,
    ).reset_index(drop=True)


# --- a planted benchmark -------------------------------------------------------------------------


def plant_passages(
    articles: pd.DataFrame, n_passages: int, words: int = 40, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copy ``n_passages`` passages of ``words`` words, each from its own source article into its own
    target article (as a paragraph between two others), so that the true pairs are known.

    ``articles`` has ``id`` and ``text`` (as from :func:`analysis.synthetic.generate_articles`).
    Returns the planted copy of ``articles`` and the plants: ``source, target, passage``. Sources
    and targets are disjoint, so no passage reaches a third article.
    """
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(articles), size=2 * n_passages, replace=False)
    texts = articles["text"].tolist()
    ids = articles["id"].tolist()
    planted = []
    for source, target in zip(chosen[:n_passages], chosen[n_passages:], strict=True):
        source_words = texts[source].split()
        first = int(rng.integers(0, max(1, len(source_words) - words)))
        passage = " ".join(source_words[first : first + words])
        paragraphs = texts[target].split("\n\n")
        at = int(rng.integers(0, len(paragraphs) + 1))
        texts[target] = "\n\n".join([*paragraphs[:at], passage, *paragraphs[at:]])
        planted.append((ids[source], ids[target], passage))
    return articles.assign(text=texts), pd.DataFrame(planted, columns=["source", "target", "passage"])


def bare_corpus(articles: pd.DataFrame) -> pd.DataFrame:
    """A corpus frame for generated articles without the cost of cleaning: ``text`` is
    ``raw_text`` and the offset map is the identity. For benchmarks only; real input goes
    through :func:`analysis.corpus.load_corpus`."""
    return pd.DataFrame(
        {
            "article_id": articles["id"],
            "outlet": articles["outlet"],
            "group": articles["outlet"],
            "published": articles["published"],
            "raw_text": articles["text"],
            "text": articles["text"],
            "offset_map": [((0, 0, len(t)),) for t in articles["text"]],
        }
    )


def planted_scores(found: pd.DataFrame, planted: pd.DataFrame, min_share: float = 0.9) -> dict[str, float]:
    """Recall of planted passages (found when a row for the pair has ``n_words`` at least
    ``min_share`` of the passage's tokens) and the number of article pairs found but not planted."""
    pairs = [frozenset(p) for p in zip(found["article_a"], found["article_b"], strict=True)]
    longest = found["n_words"].groupby(pairs).max() if pairs else pd.Series(dtype=int)
    truth = [frozenset(p) for p in zip(planted["source"], planted["target"], strict=True)]
    needed = [min_share * len(tokenize(p)) for p in planted["passage"]]
    hits = sum(longest.get(pair, 0) >= need for pair, need in zip(truth, needed, strict=True))
    return {"recall": float(hits / max(1, len(truth))), "false_pairs": len(set(pairs) - set(truth))}


# --- sentence alignment --------------------------------------------------------------------------

_STOP = frozenset(ENGLISH_STOP_WORDS)
_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
    "dozen": "12",
    "half": "1/2",
    "third": "1/3",
    "thirds": "1/3",
    "quarter": "1/4",
}
# Suffixes in three steps, one stripped per step, longest first: inflection (with its replacement),
# derivation (up to twice), final e/y.
_INFLECTIONS = {
    "ies": "y",
    "ied": "y",
    "sses": "ss",
    "ings": "",
    "ing": "",
    "edly": "",
    "ed": "",
    "es": "",
    "s": "",
}
_DERIVATIONS = ("ational", "ations", "ation", "ments", "ment", "ness", "ions", "ion", "ials", "ial", "ally")
_DERIVATIONS += ("als", "al", "ers", "er", "ity", "ive", "ful", "ous", "ly", "ists", "ist", "ism")
_KEEP_ENDINGS = ("ss", "us", "is")  # "press", "campus", "crisis" are not plurals
_MIN_STEM = 3


def _strip(word: str, suffixes: Iterable[str]) -> str | None:
    """The suffix of ``word`` among ``suffixes`` (first match) that leaves a long enough stem."""
    return next((s for s in suffixes if word.endswith(s) and len(word) - len(s) >= _MIN_STEM), None)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English suffix stripper, so "foreigners" and "foreign", "territorial" and "territory",
    "fighters" and "fighting" meet: one inflection ("-s", "-ed", "-ing", "-ies"), then up to two
    derivational suffixes ("-er", "-al", "-ion", ...), then a final "e" or "y". Over-stemming is
    harmless here: stems are only compared, never shown."""
    word = word.lower()
    inflection = None if word.endswith(_KEEP_ENDINGS) else _strip(word, _INFLECTIONS)
    if inflection:
        word = word[: -len(inflection)] + _INFLECTIONS[inflection]
    for _ in range(2):
        derivation = _strip(word, _DERIVATIONS)
        if derivation is None:
            break
        word = word[: -len(derivation)]
    if word[-1:] in ("e", "y") and len(word) > _MIN_STEM:
        word = word[:-1]
    return word


def token_features(token: str) -> list[tuple[str, float]]:
    """The features a canonical token counts as, with their weights: a number by its value
    ("6,500" and "6500" -> "#6500", "five" -> "#5", "third" -> "#1/3"), a canonical actor or place
    as itself, another content word by its stem, and a hyphenated compound by its parts
    ("US-backed" -> "US", "back"). Stop words count for nothing."""
    if "-" in token and not _NUMBER.match(token) and token not in load_aliases().canonicals:
        return [f for part in token.split("-") for t in tokenize(part) if (f := _word_feature(t))]
    feature = _word_feature(token)
    return [feature] if feature else []


def _word_feature(token: str) -> tuple[str, float] | None:
    """The feature of a token that is not a compound, or None for a stop word or punctuation."""
    if _NUMBER.match(token):
        value = token.replace(",", "")
        return "#" + (value.rstrip("0").rstrip(".") if "." in value else value), NUMBER_WEIGHT
    if token in _NUMBER_WORDS:
        return "#" + _NUMBER_WORDS[token], NUMBER_WEIGHT
    if token in load_aliases().canonicals:
        return token, ACTOR_WEIGHT
    if token.lower() in _STOP or len(token) < 2 or not any(c.isalpha() for c in token):
        return None
    return stem(token), 1.0


@dataclass(frozen=True)
class SentenceVectors:
    """TF-IDF vectors of every sentence, with the tokens they came from."""

    tokens: CorpusTokens
    vectors: sparse.csr_matrix  # sentences x features, rows L2-normalised (zero rows stay zero)
    n_features: np.ndarray  # distinct features per sentence
    df: np.ndarray  # sentences per feature


def sentence_vectors(texts: Iterable[str]) -> SentenceVectors:
    """Sublinear TF-IDF over :func:`token_features`, one row per sentence of each text.

    Features are worked out once per distinct token (a vocabulary-by-feature matrix), then counted
    per sentence by one sparse product; idf is smoothed as in scikit-learn and multiplied by the
    feature's weight. The vectors of the last texts are kept, read-only, with their tokens (which
    :func:`~analysis.text.corpus_tokens` returns again for the same texts): :func:`facts_map`
    needs them after :func:`align_sentences` (10 s at 100,000 articles).
    """
    tokens = corpus_tokens(texts)
    if not (_LAST_VECTORS and _LAST_VECTORS[0].tokens is tokens):
        _LAST_VECTORS[:] = [_vectors_of(tokens)]
    return _LAST_VECTORS[0]


_LAST_VECTORS: list[SentenceVectors] = []


def _vectors_of(tokens: CorpusTokens) -> SentenceVectors:
    names: dict[str, int] = {}
    weights: list[float] = []
    rows, cols = [], []
    for token_id, token in enumerate(tokens.vocabulary):
        for feature, weight in token_features(token):
            if feature not in names:
                names[feature] = len(names)
                weights.append(weight)
            rows.append(token_id)
            cols.append(names[feature])
    n_sentences = len(tokens.sentence_bounds) - 1
    to_features = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(tokens.vocabulary), len(names))
    )
    # The tokens are stored sentence by sentence: they are the rows of a sentence x token matrix as
    # they are (a token twice in a sentence is summed by the product).
    occurrences = sparse.csr_matrix(
        (np.ones(len(tokens.ids), dtype=np.int32), tokens.ids, tokens.sentence_bounds),
        shape=(n_sentences, len(tokens.vocabulary)),
    )
    counts = (occurrences @ to_features).tocsr()
    del occurrences
    df = np.bincount(counts.indices, minlength=len(names))
    idf = (np.log((1 + n_sentences) / (1 + df)) + 1) * np.asarray(weights)
    # Weighted and normalised in place: at 2.8 million sentences each copy of the matrix is 0.7 GB.
    n_features = np.diff(counts.indptr)
    weight = np.log(counts.data, dtype=np.float64)
    weight += 1
    weight *= idf[counts.indices]
    vectors = sparse.csr_matrix((weight, counts.indices, counts.indptr), shape=counts.shape)
    del counts
    squares = sparse.csr_matrix((weight * weight, vectors.indices, vectors.indptr), shape=vectors.shape)
    norms = np.sqrt(np.asarray(squares.sum(axis=1)).ravel())
    del squares
    vectors.data *= np.repeat(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0), n_features)
    for kept in (vectors.data, vectors.indices, vectors.indptr, n_features, df):
        kept.flags.writeable = False
    return SentenceVectors(tokens, vectors, n_features, df)


def _prefix_index(
    vectors: sparse.csr_matrix, df: np.ndarray, min_score: float, max_df: int
) -> sparse.csr_matrix:
    """Binary sentence-by-feature matrix of each sentence's blocking features (All-Pairs prefix filter).

    Features are ordered rarest first. Two unit vectors with cosine >= t share a feature f whose
    remaining weight from f on, in rarest-first order, is >= t in both (the first feature they
    share), so each sentence needs to be indexed only under the features before its tail of norm
    < t: usually its rare ones. Features in more than ``max_df`` sentences are then dropped too.
    """
    by_rarity = np.argsort(df, kind="stable")  # features, rarest first
    rank = np.empty(len(df), dtype=np.int64)
    rank[by_rarity] = np.arange(len(df))
    parts = (
        vectors[first : first + _PREFIX_TASK_ROWS] for first in range(0, vectors.shape[0], _PREFIX_TASK_ROWS)
    )
    shared = {"rank": rank, "by_rarity": by_rarity, "df": df, "min_score": min_score, "max_df": max_df}
    found = map_chunks(_prefix_rows, parts, 1, label="choosing blocking features", shared=shared)
    return sparse.vstack(list(found), format="csr")  # align_sentences asks only when there are sentences


_PREFIX_ROWS = 10_000  # sentences of the prefix index worked out at a time: at once, 2 GB at 2.8 million
_PREFIX_TASK_ROWS = 200_000  # sentences of one task of the prefix index (on a cluster)


def _prefix_rows(
    parts: list[sparse.csr_matrix],
    rank: np.ndarray,
    by_rarity: np.ndarray,
    df: np.ndarray,
    min_score: float,
    max_df: int,
) -> sparse.csr_matrix:
    """:func:`_prefix_index` of the rows of ``parts[0]``, worked out :data:`_PREFIX_ROWS` at a time."""
    [rows] = parts
    blocks = []
    for first in range(0, rows.shape[0], _PREFIX_ROWS):
        block = rows[first : first + _PREFIX_ROWS]
        ranked = sparse.csr_matrix((block.data, rank[block.indices], block.indptr), shape=block.shape)
        ranked.sort_indices()
        squares = ranked.data**2
        lengths = np.diff(ranked.indptr)
        row_of = np.repeat(np.arange(ranked.shape[0]), lengths)
        row_total = np.bincount(row_of, weights=squares, minlength=ranked.shape[0])
        # A running sum that starts again from zero at each row: one running over the rows before would
        # reach the number of rows, and round by more than the threshold's tolerance (2e-11) there.
        steps = squares.copy()
        steps[ranked.indptr[:-1][lengths > 0][1:]] -= row_total[lengths > 0][:-1]
        so_far = np.cumsum(steps)  # this row's weight up to and with each feature
        tail = row_total[row_of] - so_far + squares  # weight of this feature and every commoner one
        original = by_rarity[ranked.indices]
        keep = (tail >= min_score**2 * (1 - 1e-9)) & (df[original] <= max_df)
        blocks.append(
            sparse.csr_matrix(
                (np.ones(keep.sum(), dtype=np.float32), (row_of[keep], original[keep])), shape=block.shape
            )
        )
    return sparse.vstack(blocks, format="csr")


@dataclass(frozen=True)
class _PairIndex:
    """Sentences grouped by each pair of blocking features they both have, groups of one left out:
    two sentences that share ``k`` blocking features meet in ``C(k, 2)`` groups, and in none when
    they share fewer than two. Pairs sharing one feature only, by far the most (141 million against
    2.7 million sharing two or more at 20,000 articles), are never looked at: a sparse product of
    the blocking matrix with itself counted every one of them. At 20,000 articles in one process the
    candidate pairs took 7.0 s that way, 0.9 s from the index (built in 2.2 s); at 100,000 on two
    workers the alignment stage took 133 s rather than 226."""

    members: np.ndarray  # the sentences of each group, in order, the groups one after another
    group_end: np.ndarray  # for each member, where its group ends in ``members``
    by_sentence: np.ndarray  # the positions in ``members``, in order of sentence
    sentence_start: np.ndarray  # sentence s is at by_sentence[sentence_start[s] : sentence_start[s + 1]]

    def entries(self, first: int, last: int) -> np.ndarray:
        """The positions in ``members`` of the sentences ``first`` to ``last - 1``."""
        return self.by_sentence[self.sentence_start[first] : self.sentence_start[last]]


_PAIR_INDEX_PART = 5_000_000  # feature pairs sorted at a time, in arrays of some 40 bytes a pair


def _pair_index(prefix: sparse.csr_matrix) -> _PairIndex:
    """The :class:`_PairIndex` of the blocking matrix ``prefix`` (sentences x features). Pairs of
    features are worked out and sorted a part at a time, those whose first feature falls in the part
    (:func:`_feature_pair_groups`), on the workers of a cluster (or here), so only the shared ones
    are ever held together: 7% of them at 20,000 articles."""
    prefix = prefix.copy()
    prefix.sort_indices()
    n_sentences, n_features = prefix.shape
    sentence_of = np.repeat(np.arange(n_sentences, dtype=np.int32), np.diff(prefix.indptr))
    later = prefix.indptr[1:][sentence_of] - np.arange(prefix.nnz) - 1  # features after each one
    parts = max(1, -(-int(later.sum()) // _PAIR_INDEX_PART))
    shared = {
        "features": prefix.indices,
        "sentence_of": sentence_of,
        "later": later,
        "n_features": n_features,
        "parts": parts,
    }
    found = list(map_chunks(_feature_pair_groups, range(parts), 1, label="indexing sentences", shared=shared))
    members_all = np.concatenate([members for members, _ in found])
    size_all = np.concatenate([size for _, size in found])
    group_end = np.repeat(np.cumsum(size_all), size_all).astype(np.int32)
    by_sentence = np.argsort(members_all, kind="stable").astype(np.int32)
    sentence_start = np.r_[0, np.cumsum(np.bincount(members_all, minlength=n_sentences))]
    return _PairIndex(members_all, group_end, by_sentence, sentence_start)


def _feature_pair_groups(
    chosen: list[int],
    features: np.ndarray,
    sentence_of: np.ndarray,
    later: np.ndarray,
    n_features: int,
    parts: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The groups of two sentences or more of the feature pairs whose first feature is in part
    ``chosen[0]`` of ``parts`` (features by remainder): their sentences, in order within each group,
    and their sizes. ``features`` are the blocking matrix's column indices, sorted in each row;
    ``later`` counts the features after each entry in its row."""
    [part] = chosen
    first = np.flatnonzero(features % parts == part)
    owner, second = _ranges(first + 1, first + 1 + later[first])
    first = first[owner]
    key = features[first].astype(np.int64) * n_features + features[second]
    order = np.argsort(key, kind="stable")  # a group's sentences stay in order
    key, sentence = key[order], sentence_of[first[order]]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    size = np.diff(np.r_[starts, len(key)])
    return sentence[np.repeat(size > 1, size)], size[size > 1]


def _block_pairs(index: _PairIndex, first: int, last: int, min_shared: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``a < b`` of sentences that share at least ``min_shared`` (2 or more) blocking
    features, ``a`` in ``first`` to ``last - 1``: ordered by ``a``, then ``b``."""
    entries = index.entries(first, last)
    owner, partner = _ranges(entries + 1, index.group_end[entries])  # the later sentences of its groups
    n_sentences = len(index.sentence_start) - 1
    pair = (index.members[entries[owner]].astype(np.int64) - first) * n_sentences + index.members[partner]
    del owner, partner
    pair, meetings = np.unique(pair, return_counts=True)
    pair = pair[meetings >= min_shared * (min_shared - 1) // 2]  # see _PairIndex
    return pair // n_sentences + first, pair % n_sentences


def _align_blocks(
    firsts: list[int],
    matrix: sparse.csr_matrix,
    index: _PairIndex,
    article_of: np.ndarray,
    rows: int,
    top_k: int,
    min_score: float,
    min_shared: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate matches of the sentences in the blocks of ``rows`` sentences starting at ``firsts``:
    each pair ``a < b`` is scored once, from the block of ``a``, and kept as ``(a, b)`` if ``b`` is
    among ``a``'s ``top_k`` in this block and as ``(b, a)`` if ``a`` is among ``b``'s; then the
    ``top_k`` of each sentence among them. The best ``top_k`` of a sentence overall are among its
    best in each block, so :func:`_merge_best` of the blocks' results gives them (see :func:`_best`)."""
    found_a, found_b, found_score = [], [], []
    for first in firsts:
        a, b = _block_pairs(index, first, min(first + rows, matrix.shape[0]), min_shared)
        candidate = article_of[a] != article_of[b]
        a, b = a[candidate], b[candidate]
        score = _cosines(matrix, a, b)
        good = score >= min_score
        a, b, score = a[good], b[good], score[good]
        for x, y in ((a, b), (b, a)):
            best = _best(x, y, score, top_k)
            found_a.append(x[best])
            found_b.append(y[best])
            found_score.append(score[best])
    return _top_matches(np.concatenate(found_a), np.concatenate(found_b), np.concatenate(found_score), top_k)


def _cosines(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot products of rows ``a[i]`` and ``b[i]`` of ``matrix``, a slice of pairs at a time: the rows
    gathered for millions of candidate pairs would take gigabytes at once."""
    scores = np.zeros(len(a))
    for first in range(0, len(a), _PAIR_BLOCK):
        pairs = slice(first, first + _PAIR_BLOCK)
        scores[pairs] = np.asarray(matrix[a[pairs]].multiply(matrix[b[pairs]]).sum(axis=1)).ravel()
    return scores


_PAIR_BLOCK = 500_000


def _merge_best(earlier: tuple, later: tuple, top_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The best ``top_k`` matches of each sentence among two ``(a, b, score)`` parts: the reduction
    over the blocks (a directed pair comes from one block only, so the order is total and the merge
    associative), run on the workers of a cluster so no process holds every block's candidates.

    Each part is in :func:`_top_matches` order, so a stable sort by ``a`` merges them in linear time
    and only the sentences with matches in both parts are sorted again (by score and ``b``).
    Sorting every row by the three keys took 75 s of the workers' time at 100,000 articles (py-spy);
    at 20,000 the merges take 1.9 s, not 2.6."""
    a, b, score = (np.concatenate([earlier[k], later[k]]) for k in range(3))
    if not len(a):
        return a, b, score
    order = np.argsort(a, kind="stable")  # two sorted runs: timsort merges them
    a, b, score = a[order], b[order], score[order]
    new_sentence = np.r_[True, a[1:] != a[:-1]]
    starts, group_of = np.flatnonzero(new_sentence), np.cumsum(new_sentence) - 1
    from_later = order >= len(earlier[0])
    both = np.maximum.reduceat(from_later, starts) & ~np.minimum.reduceat(from_later, starts)
    rows = np.flatnonzero(both[group_of])  # whole groups, in order of a
    if len(rows):
        resorted = rows[np.lexsort((b[rows], -score[rows], a[rows]))]
        a[rows], b[rows], score[rows] = a[resorted], b[resorted], score[resorted]
    rank = np.arange(len(a)) - starts[group_of]
    keep = rank < top_k
    return a[keep], b[keep], score[keep]


def _top_matches(a: np.ndarray, b: np.ndarray, score: np.ndarray, top_k: int) -> tuple:
    """The rows of the ``top_k`` best matches of each sentence ``a`` (see :func:`_best`)."""
    best = _best(a, b, score, top_k)
    return a[best], b[best], score[best]


def _best(a: np.ndarray, b: np.ndarray, score: np.ndarray, top_k: int) -> np.ndarray:
    """Positions of the ``top_k`` highest scores of each ``a`` (ties: lowest ``b`` first), ordered by
    ``a``, then score (best first), then ``b``."""
    order = np.lexsort((b, -score, a))
    first = np.flatnonzero(np.r_[True, a[order][1:] != a[order][:-1]])
    rank = np.arange(len(a)) - np.repeat(first, np.diff(np.r_[first, len(a)]))
    return order[rank < top_k]


def align_sentences(
    corpus: pd.DataFrame,
    top_k: int = 3,
    min_score: float = MIN_SCORE,
    min_shared: int = MIN_SHARED,
    max_df: int | None = None,
) -> pd.DataFrame:
    """For each sentence, its ``top_k`` closest sentences in other articles, scored at least ``min_score``.

    Columns ``ALIGNMENT_COLUMNS``: the sentence (``article_a``, its index ``sentence_a`` in
    :func:`~analysis.text.sentences` order, raw offsets), the match, and the cosine ``score`` in
    [0, 1]. Rows are directed: a pair shows twice when each is among the other's best.

    Method: each sentence is a sublinear TF-IDF vector (idf over sentences) of its features
    (:func:`token_features`): word stems, so "foreigners" meets "foreign nationals"; numbers by
    value; canonical actors and places, weighted up with numbers. Stop words count for nothing.
    The score is the cosine of two vectors. On the seeds, "once spanned a third of Iraq and Syria"
    and "once ruled over a third of both countries" score 0.49; "including many foreigners" and
    "foreign nationals with long fighting experience" only 0.16, hence ``min_score`` 0.15 (the
    ``top_k`` best keep the noise down; :func:`facts_map` asks for more).

    Blocking: only pairs sharing ``min_shared`` (2 or more) of their blocking features are scored,
    found in an index of pairs of blocking features (:class:`_PairIndex`). A sentence's blocking
    features are its rarest ones (:func:`_prefix_index`) that are in at most ``max_df`` sentences;
    ``max_df`` defaults to ``max(200, sqrt(sentences))``, so the pairs looked at grow as
    sentences^1.5 at worst, not as their square. One shared feature is not enough: a single word
    ("hiding", "killed") makes two short sentences alike, not one fact.
    """
    if min_shared < 2:
        raise ValueError(f"min_shared must be 2 or more, not {min_shared}: one shared word is not one fact")
    vectors = sentence_vectors(corpus["text"])
    matrix = vectors.vectors
    n_sentences = matrix.shape[0]
    if n_sentences == 0:
        return pd.DataFrame(columns=ALIGNMENT_COLUMNS)
    cap = max_df if max_df is not None else max(ALIGN_MAX_DF_FLOOR, int(np.sqrt(n_sentences)))
    index = _pair_index(_prefix_index(matrix, vectors.df, min_score, cap))
    shared = {
        "matrix": matrix,
        "index": index,
        "article_of": vectors.tokens.sentence_article,
        "rows": ALIGN_BLOCK_ROWS,
        "top_k": top_k,
        "min_score": min_score,
        "min_shared": min_shared,
    }
    blocks = range(0, n_sentences, ALIGN_BLOCK_ROWS)
    merge = partial(_merge_best, top_k=top_k)
    a, b, score = reduce_chunks(_align_blocks, merge, blocks, 1, label="aligning sentences", shared=shared)
    return _sentence_rows(corpus, vectors.tokens, a, b, score)


def _sentence_spans(corpus: pd.DataFrame, tokens: CorpusTokens, sentence_ids: np.ndarray) -> tuple:
    """Article position, index within the article, and raw offsets of global sentence ids."""
    article_of = tokens.sentence_article[sentence_ids]
    within = sentence_ids - tokens.article_sentences[article_of]
    clean = tokens.sentence_spans[sentence_ids]
    return article_of, within, *_raw_spans(corpus, article_of, clean[:, 0], clean[:, 1])


def _sentence_rows(
    corpus: pd.DataFrame, tokens: CorpusTokens, a: np.ndarray, b: np.ndarray, score
) -> pd.DataFrame:
    ids = corpus["article_id"].to_numpy()
    # A sentence is in several rows (a side's top_k and the other side's): map each one once.
    sentence_ids, row_of = np.unique(np.concatenate([a, b]), return_inverse=True)
    doc, within, starts, ends = (values[row_of] for values in _sentence_spans(corpus, tokens, sentence_ids))
    side_a, side_b = slice(0, len(a)), slice(len(a), None)
    return pd.DataFrame(
        {
            "article_a": ids[doc[side_a]],
            "sentence_a": within[side_a],
            "start_a": starts[side_a],
            "end_a": ends[side_a],
            "article_b": ids[doc[side_b]],
            "sentence_b": within[side_b],
            "start_b": starts[side_b],
            "end_b": ends[side_b],
            "score": score,
        },
        columns=ALIGNMENT_COLUMNS,
    )


# --- facts ---------------------------------------------------------------------------------------


@collector_paused()  # its lists of sentences and groups per fact: 1.6-2.1 -> 1.0-1.2 s at 10,000 articles
def facts_map(
    alignments: pd.DataFrame,
    corpus: pd.DataFrame,
    min_score: float = FACT_MIN_SCORE,
    max_per_article: int = MAX_SENTENCES_PER_ARTICLE,
) -> pd.DataFrame:
    """Cluster aligned sentences into facts: one row per fact, most widely reported first.

    A fact is a connected component of the sentences linked by alignments scoring at least
    ``min_score``; a sentence of at least ``MIN_FACT_FEATURES`` features that aligns with nothing is
    a fact of its own (only its group reports it). Two guards against chaining (A ~ B ~ C drifting
    from one fact to another): a link counts only when each sentence is among the other's
    matches (mutual nearest neighbours: on 3,000 generated articles, whose sentences share no
    fact, this cut the largest component from 30 sentences to 7); and while a component holds
    more than ``max_per_article`` sentences of one article, its weakest links are cut (the
    threshold rises by 0.05 inside it) and it is split again.

    Columns ``FACT_COLUMNS``: the representative sentence (the best linked one; ``text`` and raw
    offsets), ``n_sentences``, ``groups`` (sorted list) and ``n_groups``, ``first_group`` and
    ``first_published``: the earliest date among the fact's articles whose date is known (None when
    none is), and ``sentences``, every ``(article_id, sentence)`` in it. ``attrs["groups"]`` lists
    every group of the corpus, for :func:`group_coverage`.
    """
    vectors = sentence_vectors(corpus["text"])
    tokens = vectors.tokens
    offsets = pd.Series(tokens.article_sentences[:-1], index=corpus["article_id"].to_numpy())
    edges = alignments[alignments["score"] >= min_score]
    a, b = (
        offsets.reindex(edges[f"article_{side}"]).to_numpy(dtype=np.int64)
        + edges[f"sentence_{side}"].to_numpy(dtype=np.int64)
        for side in "ab"
    )
    article_of = tokens.sentence_article
    mutual = _mutual(a, b, len(article_of))
    a, b, score = a[mutual], b[mutual], edges["score"].to_numpy(dtype=float)[mutual]
    labels, keep = _guarded_components(len(article_of), a, b, score, article_of, min_score, max_per_article)
    linked = np.zeros(len(article_of), dtype=bool)
    linked[a[keep]] = linked[b[keep]] = True
    nodes = np.flatnonzero(linked | (vectors.n_features >= MIN_FACT_FEATURES))
    strength = np.bincount(np.concatenate([a[keep], b[keep]]), np.tile(score[keep], 2), len(article_of))
    # Each fact's sentences together, in order, and the fact of each: all on arrays. A DataFrame of
    # members (a Python tuple and group name each) raised memory by 1,150 MB at 20,000 articles, this
    # by 460 MB.
    in_order = np.lexsort((nodes, labels[nodes]))
    members = nodes[in_order]
    _, first_member, n_sentences = np.unique(labels[members], return_index=True, return_counts=True)
    fact_of = np.repeat(np.arange(len(first_member)), n_sentences)
    # The representative is the best linked sentence (the first of equal strength).
    representative = members[np.lexsort((members, -strength[members], fact_of))[first_member]]
    article = article_of[members]
    group_code, group_names = pd.factorize(corpus["group"], sort=True)
    groups, n_groups = _group_lists(fact_of, group_code[article], group_names.tolist())
    ids, published = corpus["article_id"].to_numpy(), _published(corpus)
    first_known = _first_dated(published, members, article, fact_of, len(first_member))
    # Most widely reported first, the table built in that order: sorting it copied every column.
    order = np.lexsort((representative, -n_sentences, -n_groups))
    representative, first_member, n_sentences, n_groups, first_known = (
        values[order] for values in (representative, first_member, n_sentences, n_groups, first_known)
    )
    doc, _, starts, ends = _sentence_spans(corpus, tokens, representative)
    # In Arrow at once: the sentences' Python strings are freed before the lists below are made.
    text = pd.array(_raw_texts(corpus["raw_text"], doc, starts, ends), dtype="str")
    sentences = list(
        zip(ids[article].tolist(), (members - tokens.article_sentences[article]).tolist(), strict=True)
    )
    facts = pd.DataFrame(
        {
            "fact": np.arange(len(order)),
            "text": text,
            "article_id": ids[doc],
            "start": starts,
            "end": ends,
            "n_sentences": n_sentences,
            "groups": [groups[fact] for fact in order.tolist()],
            "n_groups": n_groups,
            "first_group": np.where(
                first_known >= 0, group_names.to_numpy(dtype=object)[group_code[first_known]], np.nan
            ),
            "first_published": published.take(first_known, allow_fill=True).array,
            "sentences": _slices(sentences, first_member, n_sentences),
        },
        columns=FACT_COLUMNS,
    )
    facts.attrs["groups"] = sorted(set(corpus["group"]))
    return facts


def _first_dated(
    published: pd.DatetimeIndex, members: np.ndarray, article: np.ndarray, fact_of: np.ndarray, n_facts: int
) -> np.ndarray:
    """Per fact, the article of its earliest dated sentence (the first sentence of equal dates),
    -1 where none of its articles has a date. ``members`` are the facts' sentences, fact by fact."""
    dated = np.flatnonzero(~published[article].isna())
    when = published[article[dated]].asi8
    earliest = dated[np.lexsort((members[dated], when, fact_of[dated]))]
    facts, first = np.unique(fact_of[earliest], return_index=True)
    found = np.full(n_facts, -1, dtype=np.int64)
    found[facts] = article[earliest[first]]
    return found


def _group_lists(
    fact_of: np.ndarray, group_code: np.ndarray, group_names: list[str]
) -> tuple[list[list[str]], np.ndarray]:
    """Per fact, the sorted names of its groups (``group_code`` of each sentence; codes in name
    order), each name one shared string; and how many there are."""
    pairs = np.unique(fact_of * len(group_names) + group_code)
    facts, codes = np.divmod(pairs, len(group_names))
    counts = np.bincount(facts, minlength=int(fact_of[-1]) + 1 if len(fact_of) else 0)
    names = [group_names[code] for code in codes.tolist()]
    return _slices(names, np.cumsum(counts) - counts, counts), counts


def _slices(values: list, starts: np.ndarray, counts: np.ndarray) -> list[list]:
    """``values[starts[i] : starts[i] + counts[i]]`` for each i: slices of one list, as a lambda per
    fact in a groupby took most of the time of a corpus's million facts."""
    return [
        values[start : start + count] for start, count in zip(starts.tolist(), counts.tolist(), strict=True)
    ]


def _mutual(a: np.ndarray, b: np.ndarray, n_sentences: int) -> np.ndarray:
    """Which links ``a[i] -> b[i]`` (global sentence ids) have their reverse among the links: each
    sentence is among the other's matches. Each pair is kept once, from its smaller id. On integer
    keys: a set of ``(article, sentence)`` tuples took 0.5 of facts_map's 7 s at 20,000 articles."""
    keys = a * n_sentences + b
    return (a < b) & np.isin(b * n_sentences + a, keys)


def _published(corpus: pd.DataFrame) -> pd.DatetimeIndex:
    """Publication times as UTC (a time without zone is taken as UTC); NaT where unknown."""
    values = corpus["published"].astype(object).replace("", None)
    return pd.DatetimeIndex(pd.to_datetime(values, errors="coerce", utc=True, format="mixed"))


def _guarded_components(n_nodes, a, b, score, article_of, min_score: float, max_per_article: int) -> tuple:
    """Connected components, with the links inside any component that holds more than
    ``max_per_article`` sentences of one article raised to a stricter threshold (in steps of 0.05)
    until none does. Returns the labels and which links were kept."""
    keep = np.ones(len(a), dtype=bool)
    thresholds = iter(np.arange(min_score + 0.05, 1.0, 0.05))
    while True:
        graph = sparse.csr_matrix((np.ones(keep.sum()), (a[keep], b[keep])), shape=(n_nodes, n_nodes))
        labels = connected_components(graph, directed=False)[1]
        places, counts = np.unique(labels.astype(np.int64) * n_nodes + article_of, return_counts=True)
        crowded = np.unique(places[counts > max_per_article] // n_nodes)
        threshold = next(thresholds, None)
        if not crowded.size or threshold is None:
            return labels, keep
        keep &= ~np.isin(labels[a], crowded) | (score >= threshold)


def group_coverage(facts: pd.DataFrame) -> pd.DataFrame:
    """Per group: facts it reports, facts only it reports (``adds``), and facts every other group
    reports but it does not (``leaves_out``). Groups are ``facts.attrs["groups"]`` when
    :func:`facts_map` set it, else every group named in ``facts``.

    Counted over the facts' group lists once, not once per group: a corpus without outlets has a
    group per article, and 100,000 groups times millions of facts would never finish. Each fact's
    set of groups lives only while it is counted: a set per fact, all held at once, took 106 MB more
    for the 535,000 facts of 20,000 articles."""
    groups = facts.attrs.get("groups") or sorted({g for gs in facts["groups"] for g in gs})
    everyone = set(groups)
    counts = {"reported": Counter(), "adds": Counter(), "leaves_out": Counter()}
    for listed in facts["groups"]:
        named = set(listed)
        counts["reported"].update(named)
        if len(named) == 1:
            counts["adds"].update(named)
        # A fact every group but one reports leaves that one out (so only with two groups or more).
        if len(everyone) > 1 and len(named) == len(everyone) - 1 and named <= everyone:
            counts["leaves_out"].update(everyone - named)
    table = pd.DataFrame({"group": groups})
    for column, counted in counts.items():
        table[column] = [counted[group] for group in groups]
    return table[COVERAGE_COLUMNS]


# --- shared quotes and reuse shares --------------------------------------------------------------

SHARED_QUOTE_MIN_SIMILARITY = (
    0.5  # difflib ratio of the two quotes' words: below it, two different statements
)
SHARED_QUOTE_COLUMNS = [
    "speaker",
    "group_a",
    "article_a",
    "start_a",
    "end_a",
    "quote_a",
    "group_b",
    "article_b",
    "start_b",
    "end_b",
    "quote_b",
    "relation",
    "similarity",
    "diff",
]


def _quote_words(quote: str) -> list[str]:
    return re.findall(r"[\w'-]+", normalise(quote).lower())


def word_diff(a: str, b: str) -> str:
    """A word-level difference of ``b`` against ``a``: ``[-removed-]`` and ``{+added+}`` around the
    words that differ, the shared words as they are."""
    words_a, words_b = _quote_words(a), _quote_words(b)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False).get_opcodes():
        if op == "equal":
            out += words_a[i1:i2]
            continue
        if i2 > i1:
            out.append("[-" + " ".join(words_a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(words_b[j1:j2]) + "+}")
    return " ".join(out)


def _relation(words_a: list[str], words_b: list[str]) -> str:
    """``identical``, ``trimmed`` (one is a stretch of the other) or ``reworded``."""
    if words_a == words_b:
        return "identical"
    short, long = sorted((words_a, words_b), key=len)
    joined = " " + " ".join(long) + " "
    return "trimmed" if short and f" {' '.join(short)} " in joined else "reworded"


PAIR_CELLS = 1 << 22  # quote pairs of one speaker whose overlap is held at once (a block of rows)


def _candidate_pairs(
    quotes: list[tuple[str, ...]], min_similarity: float, groups: Sequence[str] | None = None
) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, of a speaker's quotes (as words) that can be identical,
    trimmed or reworded with a difflib ratio of at least ``min_similarity``, from different
    ``groups`` when given; every other pair is none of these.

    All from the words two quotes share, as bags (a repeated word counts once per use), counted for
    every pair at once as a sparse product, a block of rows at a time: difflib's ratio is at most
    its quick_ratio, the Dice coefficient of the bags; a trimmed quote's bag lies within the
    longer one's; quotes without any word are identical to each other.
    """
    if min_similarity <= 0:
        pairs = combinations(range(len(quotes)), 2)
        return [(i, j) for i, j in pairs if groups is None or groups[i] != groups[j]]
    features: dict[tuple[str, int], int] = {}  # (word, its k-th use in a quote)
    columns, row_sizes = [], []
    for words in quotes:
        uses: Counter[str] = Counter()
        for word in words:
            columns.append(features.setdefault((word, uses[word]), len(features)))
            uses[word] += 1
        row_sizes.append(len(words))
    lengths = np.array(row_sizes, dtype=np.int64)
    bags = sparse.csr_matrix(
        (np.ones(len(columns)), np.array(columns, dtype=np.int64), np.concatenate([[0], np.cumsum(lengths)])),
        shape=(len(quotes), len(features)),
    )
    labels = pd.factorize(pd.Series(groups))[0] if groups is not None else None
    step = max(1, PAIR_CELLS // max(1, len(quotes)))
    pairs: list[tuple[int, int]] = []
    for first in range(0, len(quotes), step):
        rows = np.arange(first, min(first + step, len(quotes)))
        shared = (bags[rows] @ bags.T).toarray()
        total = lengths[rows, None] + lengths[None, :]
        shorter = np.minimum(lengths[rows, None], lengths[None, :])
        with np.errstate(invalid="ignore", divide="ignore"):
            alike = 2.0 * shared / total >= min_similarity  # as difflib computes quick_ratio
        within = (shared == shorter) & ((shorter > 0) | (total == 0))
        keep = (alike | within) & (np.arange(len(quotes))[None, :] > rows[:, None])
        if labels is not None:
            keep &= labels[rows, None] != labels[None, :]
        i, j = np.nonzero(keep)
        pairs.extend(zip((rows[i]).tolist(), j.tolist(), strict=True))
    return pairs


def shared_quotes(quotes: pd.DataFrame, min_similarity: float = SHARED_QUOTE_MIN_SIMILARITY) -> pd.DataFrame:
    """The same named speaker quoted by two groups in words that match: ``identical``, ``trimmed``
    (one quote is a stretch of the other) or ``reworded`` (difflib word ratio at least
    ``min_similarity``), with a word-level ``diff`` of b against a.

    ``quotes`` is :func:`analysis.quotes.corpus_quotes`; scare quotes and unnamed speakers are left
    out, and speakers are matched on ``speaker_key`` (the full name). Offsets are into ``raw_text``.
    A group that quotes a speaker in the same words several times (a live blog repeating a line) is
    compared once, through the first of them: pairs grow with the distinct quotes, not with repeats.
    """
    said = quotes[(quotes["kind"] != "scare") & quotes["named"]]
    said = said.assign(words=[tuple(_quote_words(q)) for q in said["quote"]])
    said = said.drop_duplicates(["speaker_key", "group", "words"]).sort_values("speaker_key", kind="stable")
    fields = ["speaker_key", "group", "article_id", "raw_start", "raw_end", "quote", "words"]
    rows = []
    for _, same in said.groupby("speaker_key", sort=True):
        quotes = list(same[fields].itertuples(index=False))
        candidates = _candidate_pairs(
            [quote.words for quote in quotes], min_similarity, [q.group for q in quotes]
        )
        for i, j in candidates:
            a, b = quotes[i], quotes[j]
            words_a, words_b = list(a.words), list(b.words)
            relation = _relation(words_a, words_b)
            similarity = difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False).ratio()
            if relation == "reworded" and similarity < min_similarity:
                continue
            rows.append(
                (
                    a.speaker_key,
                    a.group,
                    a.article_id,
                    a.raw_start,
                    a.raw_end,
                    a.quote,
                    b.group,
                    b.article_id,
                    b.raw_start,
                    b.raw_end,
                    b.quote,
                    relation,
                    round(similarity, 3),
                    word_diff(a.quote, b.quote),
                )
            )
    return pd.DataFrame(rows, columns=SHARED_QUOTE_COLUMNS)


def reuse_shares(passages: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Share of each article's words (rows) found in each other article (columns) through the
    passages of :func:`shared_passages`; an article's words are its tokens (function words in)."""
    ids = list(corpus["article_id"])
    words = pd.Series([len(tokenize(text)) for text in corpus["text"]], index=ids)
    shared = pd.DataFrame(0.0, index=pd.Index(ids, name="article_id"), columns=ids)
    for row in passages.itertuples(index=False):
        shared.loc[row.article_a, row.article_b] += row.n_words
        shared.loc[row.article_b, row.article_a] += row.n_words
    return shared.div(words.where(words > 0), axis=0).fillna(0.0).clip(upper=1.0).round(4)
