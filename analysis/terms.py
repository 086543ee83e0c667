"""Which words each outlet favours: TF-IDF, keyness with significance, stability, concordance.

Terms are the project's canonical tokens (:mod:`analysis.text`), so "Islamic State", "IS" and
"Daesh" count as one term ``ISIS`` and "US" never meets "us". Settings, chosen for a handful of
short articles and documented where they are used:

- **terms**: unigrams and bigrams of adjacent tokens within a sentence, without English function
  words (scikit-learn's list) and without tokens that have no letter (numbers belong to notebook 04);
- **TF-IDF**: scikit-learn's ``TfidfVectorizer`` on those terms, sublinear tf (1 + log tf) so one
  repeated word does not dominate a short article, smoothed idf, l2 norm;
- **keyness**: the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
  2008, "Fightin' Words", section 3.5) of one group against all the others, with z-scores, beside
  Dunning's log-likelihood G² and Hardie's Log Ratio effect size;
- **stability**: a bootstrap over sentences (``n_boot`` >= 200) reporting how often each top term
  stays in the top N.

Every table says how many articles and words it rests on (``articles``, ``words`` columns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, compress, islice, pairwise
from operator import and_
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.preprocessing import normalize
from wordfreq import get_frequency_dict, word_frequency

from analysis.cleaning import text_to_raw
from analysis.parallel import CHUNK_ARTICLES, content_key, map_chunks, reduce_chunks, remembered
from analysis.text import (
    CorpusTokens,
    Token,
    corpus_tokens,
    iter_sentence_token_spans,
    load_aliases,
    lone_sentence_token_spans,
    normalise,
    sentence_tokens,
    sentence_word_spans,
    token_spans,
)

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)
PRIOR_FLOOR = 0.01  # pseudo-count of a term missing from the prior (too rare to be listed)
BACKGROUND_WEIGHT = 0.5  # share of the prior drawn from general English (wordfreq), the rest from the corpus
TFIDF_SETTINGS = {"sublinear_tf": True, "smooth_idf": True, "norm": "l2"}

T = TypeVar("T")


class _TermTest(dict):
    """token -> whether it is a term, worked out on first sight: a dict lookup costs less than a
    cached call, and this runs once per token of the corpus. Bounded, as a corpus's tokens are not."""

    LIMIT = 1 << 20

    def __missing__(self, token: str) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        verdict = self[token] = token not in STOP_WORDS and any(c.isalpha() for c in token)
        return verdict


_is_term = _TermTest().__getitem__


def _adjacent_terms(items: Sequence[T], keep: Sequence[bool]) -> Iterator[tuple[T, T]]:
    """Pairs of neighbouring items that are both terms: the bigrams (built in C, no Python loop)."""
    return compress(pairwise(items), map(and_, keep, keep[1:]))


def _terms_of(words: Sequence[str]) -> Iterator[str]:
    """Unigrams then bigrams of one sentence's tokens."""
    keep = list(map(_is_term, words))
    return chain(compress(words, keep), map(" ".join, _adjacent_terms(words, keep)))


def _spanned_terms(tokens: list[Token]) -> list[tuple[str, int, int]]:
    """One sentence's terms with their offsets: unigrams, then bigrams."""
    keep = [_is_term(t.token) for t in tokens]
    found = [(t.token, t.start, t.end) for t in compress(tokens, keep)]
    return found + [(f"{a.token} {b.token}", a.start, b.end) for a, b in _adjacent_terms(tokens, keep)]


def terms(text: str) -> list[str]:
    """The terms of ``text``: what :func:`tfidf_vectorizer` and every table here count."""
    return list(chain.from_iterable(map(_terms_of, sentence_tokens(text))))


# --- counting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermCounts:
    """Term counts of a sequence of texts from one tokenizing pass: all the term tables need."""

    matrix: sparse.csr_matrix  # texts x terms
    vocabulary: pd.arrays.ArrowStringArray  # the terms, by code: unigrams by first use, then bigrams
    words: np.ndarray  # tokens per text, function words included
    codes: np.ndarray  # each term's code (see term_counts), sorted: what the columns are in token ids
    # The group sums of the last grouping asked for (see _GroupModel.of), freed with the counts.
    group_sums: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def name_rank(self) -> np.ndarray:
        """Each term's place in name (code point) order, by column: every table breaks ties between
        terms by name. Sorted once per counts and kept (int32: 48 MB for the 12 million terms of
        100,000 articles, sorted in seconds); TF-IDF by article sorted the names of its 2.6 million
        tied candidates each time (20,000 articles)."""
        rank = np.empty(len(self.vocabulary), dtype=np.int32)
        rank[_name_order(self.vocabulary)] = np.arange(len(self.vocabulary), dtype=np.int32)
        return rank


def count_terms(texts: Iterable[str]) -> TermCounts:
    """Count the terms of every text: what ``CountVectorizer(analyzer=terms)`` gives, faster."""
    return term_counts(corpus_tokens(texts))


def term_counts(tokens: CorpusTokens) -> TermCounts:
    """Count the terms of a tokenized corpus (:func:`~analysis.text.corpus_tokens`).

    Counting runs on integer arrays: a bigram of token ids ``a, b`` is the code ``(a + 1) * V + b``
    (``V`` tokens), so unigram and bigram codes never collide. A chunk of articles at a time is
    counted against its own sorted codes (bigrams never cross an article), and the chunks are merged
    as a corpus-wide reduction (:func:`~analysis.parallel.reduce_chunks`: on a cluster's workers when
    there is one), so no array over every term of the corpus is sorted: at 100,000 articles that
    took 8 GB.
    """
    is_term, sentence_start = _term_types(tokens), _sentence_starts(tokens)
    bounds = tokens.article_bounds
    pieces = []
    for first in range(0, len(bounds) - 1, CHUNK_ARTICLES):
        chunk = bounds[first : first + CHUNK_ARTICLES + 1]
        where = slice(chunk[0], chunk[-1])
        pieces.append((tokens.ids[where], sentence_start[where], chunk - chunk[0]))
    counted = reduce_chunks(_chunk_term_counts, _merged_counts, pieces, 1, shared={"is_term": is_term})
    term_codes, matrix = counted or (np.zeros(0, np.int64), sparse.csr_matrix((0, 0), dtype=np.int32))
    names = _term_names(term_codes, tokens.vocabulary)
    return TermCounts(matrix, names, np.diff(bounds).astype(np.int64), term_codes)


def _term_types(tokens: CorpusTokens) -> np.ndarray:
    """Which token ids are terms (not function words, not letterless)."""
    return np.fromiter(map(_is_term, tokens.vocabulary), dtype=bool, count=len(tokens.vocabulary))


def _sentence_starts(tokens: CorpusTokens) -> np.ndarray:
    """Which token positions start a sentence (one more, past the end): no bigram crosses them."""
    starts = np.zeros(len(tokens.ids) + 1, dtype=bool)
    starts[tokens.sentence_bounds[:-1]] = True
    return starts


def _term_names(term_codes: np.ndarray, types: list[str]) -> pd.arrays.ArrowStringArray:
    """The term of each (sorted) code, as Arrow strings joined in C a block at a time: 100,000
    articles have 12 million distinct terms, and as Python strings the 2.9 million of 20,000
    articles took 195 MB more. A token is word characters, never a lone surrogate, so UTF-8
    (Arrow) holds every name."""
    words = pa.array(types, type=pa.large_string())
    n_unigrams = int(np.searchsorted(term_codes, len(types)))  # a bigram's code is at least V
    blocks = [words.take(term_codes[:n_unigrams])]
    for start in range(n_unigrams, len(term_codes), _NAME_BLOCK):
        first, second = np.divmod(term_codes[start : start + _NAME_BLOCK], len(types))
        blocks.append(pc.binary_join_element_wise(words.take(first - 1), words.take(second), _SPACE))
    return pd.array(pa.concat_arrays(blocks), dtype="str")  # one chunk: a take from many copies them all


_NAME_BLOCK = 1 << 20
_SPACE = pa.scalar(" ", pa.large_string())  # the separator of a bigram's words


def _chunk_term_counts(
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray]], is_term: np.ndarray
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """The sorted term codes of a chunk of articles, and their articles x codes counts. The chunk
    is its token ids, which of them start a sentence, and the articles' bounds in them."""
    [(ids, sentence_start, bounds)] = pieces
    codes, positions, _ = _term_uses(ids, sentence_start, is_term)
    rows = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))[positions]
    term_codes, columns = np.unique(codes, return_inverse=True)
    counts = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int32), (rows, columns)), shape=(len(bounds) - 1, len(term_codes))
    )
    counts.sum_duplicates()
    return term_codes, counts


def _term_uses(
    ids: np.ndarray, sentence_start: np.ndarray, is_term: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every term use in a run of token ids (``sentence_start`` marks where sentences begin): its
    code (see :func:`term_counts`), its first token's position and its width in tokens;
    unigrams, then bigrams."""
    tokens = ids.astype(np.int64)
    keep = is_term[tokens]
    singles = np.flatnonzero(keep)
    pairs = np.flatnonzero(keep[:-1] & keep[1:] & ~sentence_start[1 : len(tokens)])
    codes = np.concatenate([tokens[singles], (tokens[pairs] + 1) * len(is_term) + tokens[pairs + 1]])
    widths = np.repeat([1, 2], [len(singles), len(pairs)])
    return codes, np.concatenate([singles, pairs]), widths


def _merged_counts(
    earlier: tuple[np.ndarray, sparse.csr_matrix], later: tuple[np.ndarray, sparse.csr_matrix]
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """The counts of two runs of articles as one: the union of their sorted codes, the earlier
    articles' rows first. Associative, as :func:`~analysis.parallel.reduce_chunks` needs."""
    term_codes = np.concatenate([earlier[0], later[0]])
    term_codes.sort(kind="stable")  # two sorted runs: merged in linear time (np.union1d hashes: 10x slower)
    term_codes = term_codes[np.r_[True, term_codes[1:] != term_codes[:-1]]]
    # Built as one matrix's arrays: stacking two matrices held a third copy of the counts (on a
    # worker, 1.6 GB at 100,000 articles).
    index_type = np.int32 if len(term_codes) < 2**31 else np.int64
    columns = np.concatenate(
        [
            np.searchsorted(term_codes, codes).astype(index_type)[part.indices]
            for codes, part in (earlier, later)
        ]
    )
    (_, counts_a), (_, counts_b) = earlier, later
    indptr = np.concatenate([counts_a.indptr, counts_b.indptr[1:] + np.int64(counts_a.indptr[-1])])
    data = np.concatenate([counts_a.data, counts_b.data])
    shape = (counts_a.shape[0] + counts_b.shape[0], len(term_codes))
    return term_codes, sparse.csr_matrix((data, columns, indptr), shape=shape)


def _group_rows(groups: Sequence[str]) -> tuple[np.ndarray, sparse.csr_matrix]:
    """The sorted group names and a groups x texts 0/1 matrix that sums texts into groups."""
    names, codes = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
    indicator = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int32), (codes, np.arange(len(codes)))), shape=(len(names), len(codes))
    )
    return names, indicator


# --- TF-IDF ----------------------------------------------------------------------------------------


def tfidf_vectorizer() -> TfidfVectorizer:
    """The project's TF-IDF settings as a scikit-learn vectorizer, for use in a user's own pipeline;
    the tables here get the same numbers from :func:`count_terms` and ``TfidfTransformer``."""
    return TfidfVectorizer(analyzer=terms, **TFIDF_SETTINGS)


def tfidf_matrix(counts: sparse.spmatrix) -> sparse.csr_matrix:
    """TF-IDF weights of a count matrix with the project's settings (see the module docstring): what
    ``TfidfTransformer(**TFIDF_SETTINGS).fit_transform(counts)`` gives, to the last bit, by its steps
    in its order, without its copies. It validated the counts into a new matrix, made them floats in
    another, and cast every column number to 64 bits for the document frequencies and looked up
    every entry's idf at once, each an array as long as the entries; here only the weights are new,
    the rest is done a block at a time. At 100,000 generated articles (47.6 million entries), three
    runs each: 3.0-4.2 -> 1.3-1.4 s, the calling process's peak 0.96-1.15 -> 0.80 GB above its start."""
    counts = sparse.csr_matrix(counts)
    n_texts, n_terms = counts.shape
    dtype = counts.dtype if counts.dtype in (np.float32, np.float64) else np.float64  # as scikit-learn
    frequency = np.zeros(n_terms, dtype=np.int64)  # texts each term is in
    for block in _blocks(counts.nnz):
        frequency += np.bincount(counts.indices[block], minlength=n_terms)
    idf = np.full(n_terms, n_texts + 1, dtype=dtype)  # smoothed: one more text, holding every term
    idf /= frequency.astype(dtype) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    weights = counts.data.astype(dtype)
    np.log(weights, out=weights)  # sublinear tf: 1 + log tf
    weights += 1.0
    for block in _blocks(counts.nnz):
        weights[block] *= idf[counts.indices[block]]
    matrix = sparse.csr_matrix((weights, counts.indices.copy(), counts.indptr.copy()), shape=counts.shape)
    return normalize(matrix, norm="l2", copy=False)


def _blocks(n: int, size: int = 1 << 24) -> Iterator[slice]:
    """Consecutive slices of ``size`` of ``range(n)``: a temporary array per block, not per entry."""
    return (slice(start, start + size) for start in range(0, n, size))


def _top_entries(
    scores: np.ndarray, columns: np.ndarray, indptr: np.ndarray, name_rank: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The positions of each row's ``n`` highest scores, row by row and best first, ties broken by
    the name of the term of ``columns`` (its ``name_rank``, see :attr:`TermCounts.name_rank`), and
    their rows (rows as in a CSR matrix: ``indptr``). A partial sort per row finds its n-th highest
    score, and of the scores tied with it only the earliest names that can make the top are kept,
    so at most ``n`` candidates a row are sorted at the end: in TF-IDF by article of 20,000
    generated articles, 131 a row had scored as high as the n-th (terms used once in one article)."""
    candidates = []
    for start, end in pairwise(indptr.tolist()):
        if end - start > n:
            row_scores = scores[start:end]
            floor = np.partition(row_scores, end - start - n)[end - start - n]
            above, tied = np.flatnonzero(row_scores > floor), np.flatnonzero(row_scores == floor)
            wanted = n - len(above)
            if len(tied) > wanted:
                tied = tied[np.argpartition(name_rank[columns[start + tied]], wanted - 1)[:wanted]]
            candidates.append(start + np.concatenate([above, tied]))
        else:
            candidates.append(np.arange(start, end))
    entries = np.concatenate(candidates) if candidates else np.zeros(0, np.int64)
    rows = np.repeat(np.arange(len(candidates)), [len(c) for c in candidates])
    order = np.lexsort((name_rank[columns[entries]], -scores[entries], rows))
    return entries[order], rows[order]


def _name_order(names: np.ndarray | pa.Array) -> np.ndarray:
    """The positions of ``names`` (distinct strings) in alphabetical (code point) order. Sorted by
    Arrow, which compares UTF-8 bytes (the same order) in C: NumPy compares Python strings (3
    million names: 8.8 s, against 2.6 s; a 100,000-article vocabulary has 12 million). A lone
    surrogate, which UTF-8 cannot encode, leaves it to NumPy."""
    try:
        strings = pa.array(names, type=pa.large_string())
    except UnicodeEncodeError:
        return np.argsort(names, kind="stable")
    return pc.sort_indices(strings).to_numpy()


def tfidf_terms(
    corpus: pd.DataFrame, by: str = "article", top_n: int = 10, counts: TermCounts | None = None
) -> pd.DataFrame:
    """The ``top_n`` terms of each article or group by TF-IDF, each with its first occurrence.

    Columns: ``document, group, rank, term, tfidf, count, article_id, start, end, sentence``, with
    ``count`` the term's uses in the document, ``start``/``end`` its first occurrence in that
    article's ``raw_text`` and ``sentence`` the sentence around it; then ``articles`` and
    ``words``, what the table rests on. A group's document is the sum of its articles' counts.
    ``counts``, :func:`count_terms` of ``corpus["text"]``, saves counting again.
    """
    counts = count_terms(corpus["text"]) if counts is None else counts
    if by == "article":
        documents, groups, matrix = corpus["article_id"].to_numpy(), corpus["group"].to_numpy(), counts.matrix
    elif by == "group":
        model = _GroupModel.of(corpus, counts)
        documents, groups, matrix = model.names, model.names, model.by_group.copy()
    else:
        raise ValueError(f"by must be 'article' or 'group', not {by!r}")
    matrix.sort_indices()  # in place: the same counts, columns in order within each row
    weights = tfidf_matrix(matrix)
    weights.sort_indices()  # now entry for entry where ``matrix`` has its counts
    entries, row_of = _top_entries(weights.data, weights.indices, weights.indptr, counts.name_rank, top_n)
    table = pd.DataFrame(
        {
            "document": documents[row_of],
            "group": groups[row_of],
            "rank": np.arange(len(entries)) - np.searchsorted(row_of, row_of) + 1,
            "term": counts.vocabulary[weights.indices[entries]],
            "tfidf": weights.data[entries].round(4),
            "count": matrix.data[entries].astype(np.int64),
        }
    )
    column_of = weights.indices[entries].astype(np.int64)
    del weights, matrix  # the weights are a float copy of every count: 0.5 GB at 100,000 articles
    evidence = _first_occurrences(corpus, table, by, counts, column_of).drop(columns="count")
    table = pd.concat([table, evidence], axis=1)
    table["articles"] = len(corpus)
    table["words"] = int(counts.words.sum())
    return table


def first_occurrences(
    corpus: pd.DataFrame, table: pd.DataFrame, by: str = "group", counts: TermCounts | None = None
) -> pd.DataFrame:
    """For each row of ``table`` (columns ``term`` and ``document`` or ``group``), the count of the
    term in that document and its first occurrence: ``count, article_id, start, end, sentence``.

    ``counts`` (:func:`count_terms` of ``corpus["text"]``) is counted when not given. Only the
    sentence holding each first occurrence is read again, for offsets (see :func:`_first_uses`).
    """
    counts = count_terms(corpus["text"]) if counts is None else counts
    # Only the table's terms are looked up: an index over a 100,000-article vocabulary (12 million
    # terms) and the whole matrix by column took 1 GB for a table of a few hundred rows.
    return _first_occurrences(corpus, table, by, counts, _columns_of(counts.vocabulary, table["term"]))


def _columns_of(vocabulary: pd.arrays.ArrowStringArray, terms: Iterable[str]) -> np.ndarray:
    """The column of each of ``terms`` in ``vocabulary`` (distinct names), -1 where it is not one.
    The vocabulary is matched against the few terms, not indexed: an index of 12 million names (a
    100,000-article vocabulary) took 1 GB."""
    terms = pd.Index(terms, dtype=object)
    distinct = terms.unique()
    found = pc.index_in(pa.array(vocabulary), value_set=pa.array(distinct, type=pa.large_string()))
    columns = np.flatnonzero(found.is_valid().to_numpy(zero_copy_only=False))
    column_of = np.full(len(distinct), -1, dtype=np.int64)
    column_of[found.drop_null().to_numpy()] = columns
    return column_of[distinct.get_indexer(terms)]


def _first_occurrences(
    corpus: pd.DataFrame, table: pd.DataFrame, by: str, counts: TermCounts, column_of: np.ndarray
) -> pd.DataFrame:
    """:func:`first_occurrences`, each row's term given as its column of ``counts`` (-1 where it
    has none): a table of the top terms knows them, and finding them by name scanned the whole
    vocabulary (5 s at 100,000 articles)."""
    if by == "article":
        article, count = _counts_in_articles(
            counts.matrix, corpus["article_id"], table["document"], column_of
        )
    else:
        article, count = _first_in_groups(counts.matrix, corpus["group"], table["group"], column_of)
    places = _first_uses(corpus, counts, article, column_of)
    return pd.DataFrame(
        {
            "count": count,
            "article_id": np.where(article >= 0, corpus["article_id"].to_numpy()[np.maximum(article, 0)], ""),
            "start": [start for start, _, _ in places],
            "end": [end for _, end, _ in places],
            "sentence": [sentence for _, _, sentence in places],
        },
        columns=["count", "article_id", "start", "end", "sentence"],
    )


def _counts_in_articles(
    matrix: sparse.csr_matrix, article_ids: pd.Series, documents: pd.Series, column_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """By article, a row's document is the article of its first use (-1 where the term is not in
    it), and its count one entry of the matrix: no table over the corpus's uses of the terms."""
    article = pd.Index(article_ids).get_indexer(documents)
    asked = (article >= 0) & (column_of >= 0)
    count = np.zeros(len(column_of), dtype=np.int64)
    count[asked] = np.asarray(matrix[article[asked], column_of[asked]]).ravel()
    return np.where(count > 0, article, -1), count


def _first_in_groups(
    matrix: sparse.csr_matrix, groups: pd.Series, documents: pd.Series, column_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """By group, each row's first article using its term (-1 where none does) and the term's count
    in the group, from one groupby over the uses of the table's terms: a corpus without outlets
    has a group per article, and a table row per article and term."""
    needed = np.unique(column_of[column_of >= 0])
    uses = matrix[:, needed].tocoo()  # articles x the table's terms
    group_of, names = pd.factorize(groups)
    per_pair = (  # (group, term) -> its first article and its count
        pd.DataFrame(
            {
                "pair": group_of[uses.row].astype(np.int64) * len(needed) + uses.col,
                "article": uses.row,
                "count": uses.data.astype(np.int64),
            }
        )
        .groupby("pair")
        .agg(article=("article", "min"), count=("count", "sum"))
    )
    group = names.get_indexer(documents)
    asked = np.where(
        (column_of >= 0) & (group >= 0), group * len(needed) + np.searchsorted(needed, column_of), -1
    )
    got = per_pair.reindex(asked)
    return got["article"].fillna(-1).to_numpy(np.int64), got["count"].fillna(0).to_numpy(np.int64)


@dataclass(frozen=True)
class _Lookup:
    """What finding first uses in a run of articles needs: their token ids, sentence bounds (token
    positions) and spans, article bounds, and per wanted row its article (in the run), the term's
    code and name; the texts and offset maps of the articles holding a wanted row."""

    ids: np.ndarray
    sentence_bounds: np.ndarray
    sentence_spans: np.ndarray
    article_bounds: np.ndarray
    rows: np.ndarray
    articles: np.ndarray
    codes: np.ndarray
    names: list[str]
    texts: dict[int, tuple[str, tuple]]


def _first_uses(
    corpus: pd.DataFrame, counts: TermCounts, articles: np.ndarray, columns: np.ndarray
) -> list[tuple[int, int, str]]:
    """``(raw start, raw end, sentence)`` of the first use of term ``columns[i]`` in the article at
    position ``articles[i]`` (``(-1, -1, "")`` where it is -1).

    The first use is found in the corpus tokens, as the first position of the term's code in the
    article; only the sentence holding it is read again, for the spans of its words (see
    :func:`~analysis.text.sentence_word_spans`), or tokenized again on its own when a name of several
    words makes its words not its tokens (see :func:`~analysis.text.lone_sentence_token_spans`). A
    table by article once re-read every article.
    Runs of articles are looked up in chunks, on a cluster when there is one.
    """
    tokens = corpus_tokens(corpus["text"])
    bounds, article_sentences = tokens.article_bounds, tokens.article_sentences
    texts, offset_maps = corpus["text"].array, corpus["offset_map"].to_numpy()  # texts: one at a time
    asked = np.flatnonzero(articles >= 0)
    asked = asked[np.argsort(articles[asked], kind="stable")]
    codes = counts.codes[np.maximum(columns, 0)]

    def lookup(first: int, rows: np.ndarray) -> _Lookup:
        last = first + CHUNK_ARTICLES
        sentence_range = slice(article_sentences[first], article_sentences[min(last, len(corpus))] + 1)
        wanted = articles[rows]
        return _Lookup(
            ids=tokens.ids[bounds[first] : bounds[min(last, len(corpus))]],
            sentence_bounds=tokens.sentence_bounds[sentence_range] - bounds[first],
            sentence_spans=tokens.sentence_spans[sentence_range.start : sentence_range.stop - 1],
            article_bounds=bounds[first : min(last, len(corpus)) + 1] - bounds[first],
            rows=rows,
            articles=wanted - first,
            codes=codes[rows],
            names=list(counts.vocabulary[columns[rows]]),
            texts={a - first: (texts[a], offset_maps[a]) for a in np.unique(wanted).tolist()},
        )

    places: list[tuple[int, int, str]] = [(-1, -1, "")] * len(articles)
    if not len(asked):
        return places
    runs = articles[asked] // CHUNK_ARTICLES
    starts = np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]])
    jobs = (
        lookup(int(runs[a]) * CHUNK_ARTICLES, asked[a:b])
        for a, b in zip(starts.tolist(), np.r_[starts[1:], len(asked)].tolist(), strict=True)
    )
    shared = {"is_term": _term_types(tokens)}
    for found in map_chunks(_locate_runs, jobs, size=1, label="evidence", shared=shared):
        for row, place in found:
            places[row] = place
    return places


def _locate_runs(jobs: list[_Lookup], is_term: np.ndarray) -> list[tuple[int, tuple[int, int, str]]]:
    """``(row, (raw start, raw end, sentence))`` of each wanted row of ``jobs``."""
    return [place for job in jobs for place in _locate_run(job, is_term)]


def _locate_run(job: _Lookup, is_term: np.ndarray) -> list[tuple[int, tuple[int, int, str]]]:
    """:func:`_locate_runs` of one run of articles."""
    starts_sentence = np.zeros(len(job.ids), dtype=bool)
    starts_sentence[job.sentence_bounds[:-1][job.sentence_bounds[:-1] < len(job.ids)]] = True
    code, position, width = _term_uses(job.ids, starts_sentence, is_term)
    uses = pd.DataFrame({"code": code, "position": position, "width": width})  # every term use
    uses = uses[np.isin(uses["code"].to_numpy(), job.codes)]
    uses["article"] = np.searchsorted(job.article_bounds, uses["position"].to_numpy(), side="right") - 1
    first = uses.sort_values("position", kind="stable").drop_duplicates(["article", "code"])
    wanted = pd.DataFrame({"article": job.articles, "code": job.codes, "order": np.arange(len(job.rows))})
    found = wanted.merge(first, on=["article", "code"], how="left").sort_values("order")
    positions = found["position"].fillna(-1).to_numpy(np.int64)
    sentences = np.searchsorted(job.sentence_bounds, positions, side="right") - 1
    normalised: dict[int, str] = {}
    tokenized: dict[int, list[tuple[int, int]]] = {}  # token spans by sentence: terms often share one
    out = []
    for row, name, article, position, width, sentence in zip(
        job.rows.tolist(),
        job.names,
        found["article"],
        positions.tolist(),
        found["width"],
        sentences.tolist(),
        strict=True,
    ):
        text, offset_map = job.texts[article]
        if position < 0:
            missing = _locate(text, offset_map, {name})  # raises: counted but not in the text
            out.append((row, missing[name]))
            continue
        start, end = job.sentence_spans[sentence].tolist()
        size = int(job.sentence_bounds[sentence + 1] - job.sentence_bounds[sentence])
        if sentence not in tokenized:
            if article not in normalised:
                normalised[article] = normalise(text)
            spans = sentence_word_spans(normalised[article], start, end)
            if len(spans) != size:  # a name of several words: its words are not its tokens
                spans = [token[1:] for token in lone_sentence_token_spans(normalised[article], start, end)]
            tokenized[sentence] = spans
        spans = tokenized[sentence]
        if len(spans) != size:
            out.append((row, _locate(text, offset_map, {name})[name]))  # never seen: the safe way
            continue
        k = position - int(job.sentence_bounds[sentence])
        span = (spans[k][0], spans[k + int(width) - 1][1])
        out.append((row, (*text_to_raw(offset_map, *span), text[start:end])))
    return out


def _locate(text: str, offset_map: tuple, names: set[str]) -> dict[str, tuple[int, int, str]]:
    """The first use of each of ``names`` in ``text``, as ``(raw start, raw end, sentence)``; the
    text is tokenized only up to the sentence where the last of them is first found."""
    places: dict[str, tuple[int, int, str]] = {}
    for (sentence_start, sentence_end), tokens in iter_sentence_token_spans(text):
        for name, start, end in _spanned_terms(tokens):
            if name in names and name not in places:
                places[name] = (*text_to_raw(offset_map, start, end), text[sentence_start:sentence_end])
        if len(places) == len(names):
            return places
    missing = sorted(names - set(places))
    raise KeyError(f"{missing!r} counted but not found: the two tokenizing paths disagree")


def similarity(corpus: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of the articles' TF-IDF vectors, labelled by article id."""
    values = cosine_similarity(tfidf_matrix(count_terms(corpus["text"]).matrix))
    ids = list(corpus["article_id"])
    return pd.DataFrame(np.round(values, 3), index=pd.Index(ids, name="article_id"), columns=ids)


# --- keyness ---------------------------------------------------------------------------------------


def log_odds_dirichlet(
    counts_a: Mapping[str, int], counts_b: Mapping[str, int], prior: Mapping[str, float]
) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008, eq. 16-22).

    For each term w seen in ``counts_a`` or ``counts_b``, with n the total counts, α_w its prior
    pseudo-count (``PRIOR_FLOOR`` if the prior lacks it) and α_0 the sum of the prior:

        delta = log((y_a + α_w) / (n_a + α_0 - y_a - α_w)) - log((y_b + α_w) / (n_b + α_0 - y_b - α_w))
        variance ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w),    z = delta / sqrt(variance)

    A positive ``delta`` favours ``counts_a``. Columns: ``term, delta, variance, z``, sorted by z
    (descending), then term.
    """
    vocabulary = sorted(set(counts_a) | set(counts_b))
    y_a = np.array([counts_a.get(w, 0) for w in vocabulary], dtype=float)
    y_b = np.array([counts_b.get(w, 0) for w in vocabulary], dtype=float)
    alpha = np.array([prior.get(w, PRIOR_FLOOR) for w in vocabulary], dtype=float)
    alpha_0 = sum(prior.values()) + PRIOR_FLOOR * sum(1 for w in vocabulary if w not in prior)
    delta, variance = _log_odds(y_a, y_b, alpha, alpha_0, y_a.sum(), y_b.sum())
    table = pd.DataFrame(
        {"term": vocabulary, "delta": delta, "variance": variance, "z": delta / np.sqrt(variance)}
    )
    return table.sort_values(["z", "term"], ascending=[False, True], kind="stable", ignore_index=True)


def _log_odds(
    y_a: np.ndarray, y_b: np.ndarray, alpha: np.ndarray, alpha_0: float, n_a: np.ndarray | float, n_b: float
) -> tuple[np.ndarray, np.ndarray]:
    """Monroe et al.'s delta and its variance; ``y_a`` (and ``n_a``) may hold one resample per row."""
    delta = np.log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha)) - np.log(
        (y_b + alpha) / (n_b + alpha_0 - y_b - alpha)
    )
    return delta, 1 / (y_a + alpha) + 1 / (y_b + alpha)


def log_likelihood(counts_a: Mapping[str, int], counts_b: Mapping[str, int]) -> pd.DataFrame:
    """Dunning's log-likelihood G² (Rayson & Garside 2000) and Hardie's (2014) Log Ratio.

    ``log_ratio`` is log2 of the ratio of relative frequencies, with 0.5 added to a zero count;
    positive favours ``counts_a``. Columns: ``term, count_a, count_b, g2, log_ratio``.
    """
    vocabulary = sorted(set(counts_a) | set(counts_b))
    a = np.array([counts_a.get(w, 0) for w in vocabulary], dtype=float)
    b = np.array([counts_b.get(w, 0) for w in vocabulary], dtype=float)
    g2, log_ratio = _g2_log_ratio(a, b, sum(counts_a.values()), sum(counts_b.values()))
    return pd.DataFrame(
        {
            "term": vocabulary,
            "count_a": a.astype(int),
            "count_b": b.astype(int),
            "g2": g2,
            "log_ratio": log_ratio,
        }
    )


def _g2_log_ratio(a: np.ndarray, b: np.ndarray, n_a: float, n_b: float) -> tuple[np.ndarray, np.ndarray]:
    expected_a = n_a * (a + b) / (n_a + n_b)
    expected_b = n_b * (a + b) / (n_a + n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * (
            np.where(a > 0, a * np.log(a / expected_a), 0) + np.where(b > 0, b * np.log(b / expected_b), 0)
        )
    log_ratio = np.log2((np.where(a > 0, a, 0.5) / n_a) / (np.where(b > 0, b, 0.5) / n_b))
    return g2, log_ratio


def _english_frequency(word: str) -> float:
    """``wordfreq.word_frequency(word, "en")``, read straight from its table for a plain lower-case
    word (for which wordfreq's tokenizer returns the word itself): 10x faster on 10^5 terms."""
    if not (word.isascii() and word.isalpha() and word.islower()):
        return word_frequency(word, "en")
    frequency = get_frequency_dict("en", "best").get(word, 0.0)
    if frequency == 0.0:
        return 0.0
    return round(frequency, math.floor(-math.log(frequency, 10)) + 3)  # wordfreq's 3 significant digits


def _background_frequency(term: str) -> float:
    """Frequency of a unigram in general English (wordfreq), minding acronyms that collide with
    function words: "US" is looked up by its other spellings ("United States", "U.S.", ...)."""
    if term.lower() in STOP_WORDS or term.isupper():
        spellings = load_aliases().spellings.get(term, ())
        safe = [s for s in spellings if s.lower() not in STOP_WORDS]
        if safe:
            return max(word_frequency(s, "en") for s in safe)
    return _english_frequency(term.lower())


def _prior(vocabulary: Sequence[str], counts: np.ndarray, strength: float | None = None) -> np.ndarray:
    """Prior pseudo-counts of ``vocabulary`` given its corpus ``counts`` (see :func:`dirichlet_prior`)."""
    total = counts.sum()
    if total == 0:
        return np.zeros(len(counts))
    strength = float(total if strength is None else strength)
    # wordfreq's estimate for a phrase is too coarse: a bigram's prior comes from the corpus alone.
    names = pd.Series(pd.array(vocabulary, dtype="str", copy=False))
    unigrams = np.flatnonzero(~names.str.contains(" ", regex=False).to_numpy(bool))
    english = np.zeros(len(names))
    english[unigrams] = [_background_frequency(term) for term in names.iloc[unigrams]]
    english_share = english / (english.sum() or 1.0)
    mixed = BACKGROUND_WEIGHT * english_share + (1 - BACKGROUND_WEIGHT) * counts / total
    return np.maximum(strength * mixed, PRIOR_FLOOR)


def dirichlet_prior(counts: Mapping[str, int], strength: float | None = None) -> dict[str, float]:
    """Prior pseudo-counts mixing the corpus's own term shares with general English (wordfreq).

    α_w = strength · (BACKGROUND_WEIGHT · p_english(w) / Σ p_english + (1 - BACKGROUND_WEIGHT) · p_corpus(w)),
    over the corpus's terms, with ``strength`` the corpus's term count by default (Monroe et al.
    use the whole corpus as prior). Mixing in general English keeps a word that is rare everywhere
    but frequent in one short article from looking key on its own.
    """
    vocabulary = list(counts)
    alpha = _prior(vocabulary, np.array([counts[t] for t in vocabulary], dtype=float), strength)
    return dict(zip(vocabulary, alpha.tolist(), strict=True))


@dataclass(frozen=True)
class _GroupModel:
    """What keyness and its stability share: the sorted group names, their groups x terms counts,
    each term's corpus total and its prior pseudo-count (one wordfreq pass over the vocabulary)."""

    names: np.ndarray
    by_group: sparse.csr_matrix
    counts: TermCounts
    total: np.ndarray
    alpha: np.ndarray

    def __iter__(self) -> Iterator:
        """Its fields in order, to unpack."""
        return iter((self.names, self.by_group, self.counts, self.total, self.alpha))

    @classmethod
    def of(cls, corpus: pd.DataFrame, counts: TermCounts | None) -> _GroupModel:
        """The model of ``corpus``'s groups. Its sums are kept with ``counts`` for the last grouping:
        TF-IDF by group, keyness and its stability each summed the counts matrix by group (4 to 5 s
        each at 100,000 articles, in the calling process while the workers waited)."""
        counts = count_terms(corpus["text"]) if counts is None else counts
        groups = corpus["group"]
        kept = remembered(counts.group_sums, content_key(groups), lambda: _group_sums(groups, counts))
        names, by_group, total, alpha = kept
        return cls(names, by_group, counts, total, alpha)


def _group_sums(groups: pd.Series, counts: TermCounts) -> tuple:
    """The sorted group names, their groups x terms counts, each term's total and its prior. Read
    only: a caller that sorts the counts in place does so on a copy."""
    names, indicator = _group_rows(groups)
    by_group = (indicator @ counts.matrix).tocsr()
    total = np.asarray(by_group.sum(axis=0), dtype=float).ravel()
    return names, by_group, total, _prior(counts.vocabulary, total)


def keyness(
    corpus: pd.DataFrame, top_n: int = 10, min_count: int = 2, counts: TermCounts | None = None
) -> pd.DataFrame:
    """Each group against all the others: the ``top_n`` terms by log-odds z-score, with G² and
    Log Ratio beside them. Terms used fewer than ``min_count`` times in the group are left out.

    Columns: ``group, rank, term, count, count_rest, delta, z, g2, log_ratio, articles, words``.
    ``counts``, :func:`count_terms` of ``corpus["text"]``, saves counting again.
    """
    return _keyness_table(corpus, _GroupModel.of(corpus, counts), top_n, min_count)


def _keyness_table(corpus: pd.DataFrame, model: _GroupModel, top_n: int, min_count: int) -> pd.DataFrame:
    names, by_group, counts, total, alpha = model
    alpha_0, n_total = alpha.sum(), total.sum()
    columns_of = {
        name: [] for name in ("group", "rank", "term", "count", "count_rest", "delta", "z", "g2", "log_ratio")
    }
    for row, group in enumerate(names):
        part = slice(by_group.indptr[row], by_group.indptr[row + 1])
        candidates = by_group.data[part] >= min_count
        columns = by_group.indices[part][candidates]
        own = by_group.data[part][candidates].astype(float)
        rest = total[columns] - own
        n_own = float(by_group.data[part].sum())
        delta, variance = _log_odds(own, rest, alpha[columns], alpha_0, n_own, n_total - n_own)
        z = delta / np.sqrt(variance)
        top, _ = _top_entries(z, columns, np.array([0, len(z)]), counts.name_rank, top_n)
        g2, log_ratio = _g2_log_ratio(own[top], rest[top], n_own, n_total - n_own)
        found = {
            "group": np.full(len(top), group, dtype=object),
            "rank": np.arange(1, len(top) + 1),
            "term": counts.vocabulary[columns[top]],
            "count": own[top].astype(np.int64),
            "count_rest": rest[top].astype(np.int64),
            "delta": delta[top],
            "z": z[top],
            "g2": g2,
            "log_ratio": log_ratio,
        }
        for name, values in found.items():
            columns_of[name].append(values)
    # One table at the end: a frame per group took 1 ms each, and a corpus without outlets has a
    # group per article.
    table = pd.DataFrame({name: np.concatenate(parts) if parts else [] for name, parts in columns_of.items()})
    table[["delta", "z", "g2", "log_ratio"]] = table[["delta", "z", "g2", "log_ratio"]].round(3)
    sizes = pd.DataFrame({"group": corpus["group"], "words": counts.words}).groupby("group")["words"]
    table["articles"] = table["group"].map(sizes.size())
    table["words"] = table["group"].map(sizes.sum())
    return table


@dataclass(frozen=True)
class _Resampling:
    """What the bootstrap of one group needs: its token ids with their sentence starts and
    bounds, its own terms' codes (in term order, so ties go to the earlier term) with their prior
    and their counts in the rest, and the positions of the terms to score."""

    seed: tuple[int, int]
    ids: np.ndarray
    sentence_start: np.ndarray
    sentence_bounds: np.ndarray
    codes: np.ndarray
    alpha: np.ndarray
    rest: np.ndarray
    n_rest: float
    alpha_0: float
    scored: np.ndarray


RESAMPLE_CELLS = 1 << 22  # resamples x sentences (or terms x resamples) held at once: 32 MB of float64


def keyness_stability(
    corpus: pd.DataFrame,
    top_n: int = 10,
    n_boot: int = 200,
    seed: int = 0,
    min_count: int = 2,
    counts: TermCounts | None = None,
) -> pd.DataFrame:
    """How often each term of a group's keyness top ``top_n`` stays in the top ``top_n`` when the
    group's sentences are resampled with replacement ``n_boot`` times (the rest and the prior fixed).

    Columns: ``group, term, stability`` (share of resamples, 0 to 1). Each group draws from its own
    random stream (``seed`` and the group's rank), so groups can be resampled in chunks, here or on
    a cluster (:func:`~analysis.parallel.map_chunks`), with the same result. A group's sentences
    are counted from the corpus tokens (:func:`~analysis.text.corpus_tokens`), not tokenized again.
    ``counts``, :func:`count_terms` of ``corpus["text"]``, saves counting again.
    """
    if n_boot < 200:
        raise ValueError("use at least 200 resamples: fewer give shares too coarse to compare")
    tokens = corpus_tokens(corpus["text"])
    model = _GroupModel.of(corpus, term_counts(tokens) if counts is None else counts)
    full = _keyness_table(corpus, model, top_n, min_count)
    names, by_group, counts, total, alpha = model
    alpha_0, n_total = alpha.sum(), total.sum()
    members = corpus.groupby("group", sort=True).indices
    scored = full.groupby("group", sort=True)["term"].agg(list)
    scored_columns = pd.Series(_columns_of(counts.vocabulary, full["term"]), index=full.index)
    scored_columns = scored_columns.groupby(full["group"], sort=True).agg(list)
    sentence_start = _sentence_starts(tokens)
    sentence_lengths = np.diff(tokens.sentence_bounds)
    article_bounds = tokens.article_bounds
    alphabetical = counts.name_rank  # ties go to the earlier name: each group's terms sorted by it

    def resampling(row: int, group: str) -> _Resampling:
        part = slice(by_group.indptr[row], by_group.indptr[row + 1])
        # Only the group's own terms can reach its top: the others have a count of 0 < min_count.
        columns, own = by_group.indices[part], by_group.data[part].astype(float)
        order = np.argsort(alphabetical[columns], kind="stable")
        columns, own = columns[order], own[order]
        wanted = alphabetical[np.array(scored_columns.get(group, []), dtype=np.int64)]
        positions = np.searchsorted(alphabetical[columns], wanted)
        articles = members[group]
        token_ranges = [slice(article_bounds[a], article_bounds[a + 1]) for a in articles]
        sentences_of = np.concatenate(
            [np.arange(tokens.article_sentences[a], tokens.article_sentences[a + 1]) for a in articles]
        )
        return _Resampling(
            seed=(seed, row),
            ids=np.concatenate([tokens.ids[r] for r in token_ranges]),
            sentence_start=np.concatenate([sentence_start[r] for r in token_ranges]),
            sentence_bounds=np.concatenate([[0], np.cumsum(sentence_lengths[sentences_of])]),
            codes=counts.codes[columns],
            alpha=alpha[columns],
            rest=total[columns] - own,
            n_rest=float(n_total - own.sum()),
            alpha_0=float(alpha_0),
            scored=positions,
        )

    jobs = (resampling(row, group) for row, group in enumerate(names))
    shares = chain.from_iterable(
        map_chunks(
            _stabilities,
            jobs,
            size=max(1, CHUNK_ARTICLES // max(1, len(corpus) // max(1, len(names)))),
            label="stability",
            shared={"is_term": _term_types(tokens), "top_n": top_n, "n_boot": n_boot, "min_count": min_count},
        )
    )
    rows = [
        {"group": group, "term": term, "stability": share}
        for group in names
        for term, share in zip(scored.get(group, []), next(shares), strict=True)
    ]
    return pd.DataFrame(rows, columns=["group", "term", "stability"])


def _stabilities(
    jobs: list[_Resampling], is_term: np.ndarray, top_n: int, n_boot: int, min_count: int
) -> list[list[float]]:
    return [_stability(job, is_term, top_n, n_boot, min_count) for job in jobs]


def _stability(job: _Resampling, is_term: np.ndarray, top_n: int, n_boot: int, min_count: int) -> list[float]:
    """The share of ``n_boot`` resamples of the group's sentences in which each scored term is in
    the top ``top_n``: fewer than ``top_n`` terms score above it, or as high and sort before it.
    Resamples are drawn a batch at a time to bound memory on a large group, and each batch scores
    only the terms that can reach its top (:func:`_contenders`)."""
    if not len(job.scored):
        return []
    found, matrix = _chunk_term_counts([(job.ids, job.sentence_start, job.sentence_bounds)], is_term)
    order = np.argsort(job.codes)
    matrix.indices = order[np.searchsorted(job.codes, found, sorter=order)][matrix.indices]
    matrix = sparse.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], len(job.codes))
    )
    by_term = matrix.T.tocsr().astype(float)
    own = np.asarray(by_term.sum(axis=1)).ravel()
    z_full = _z_scores(own[None, :], own.sum(), np.arange(len(own)), job, min_count)[0]
    leaders = min(len(own), CANDIDATES_PER_TERM * top_n)
    candidates = np.union1d(np.argpartition(-z_full, leaders - 1)[:leaders], job.scored)
    rng = np.random.default_rng(job.seed)
    n = matrix.shape[0]
    sentence_terms = np.asarray(matrix.sum(axis=1), dtype=float).ravel()
    batch = max(1, RESAMPLE_CELLS // max(n, 1))
    kept = np.zeros(len(job.scored), dtype=np.int64)
    for first in range(0, n_boot, batch):
        weights = _resample_counts(rng, n, min(batch, n_boot - first))
        n_a = (sentence_terms @ weights)[:, None]  # each resample's term total
        columns = _contenders(by_term, weights, n_a, candidates, job, top_n, min_count)
        y_a = (by_term[columns] @ weights).T  # sparse times dense: one pass over their counts
        z = _z_scores(y_a, n_a, columns, job, min_count)
        # A term above the top_n-th highest score is in; one equal to it only if the terms ahead of
        # it (higher, or equal and earlier) are fewer than top_n: counted for those rows alone.
        threshold = -np.partition(-z, min(top_n, z.shape[1]) - 1, axis=1)[:, min(top_n, z.shape[1]) - 1]
        for k, column in enumerate(np.searchsorted(columns, job.scored)):
            score = z[:, column]
            tied = np.flatnonzero((score == threshold) & (score > -np.inf))
            ahead = (z[tied] > score[tied, None]).sum(axis=1) + (z[tied, :column] == score[tied, None]).sum(
                axis=1
            )
            kept[k] += np.count_nonzero(score > threshold) + np.count_nonzero(ahead < top_n)
    return (kept / n_boot).tolist()


def _resample_counts(rng: np.random.Generator, n: int, resamples: int) -> np.ndarray:
    """How often each of ``n`` sentences is drawn in each of ``resamples`` draws of ``n`` with
    replacement: sentences x resamples, C order, the memory order a sparse product reads (else it
    copies it each time). Each resample's picks are drawn on their own, so drawing in batches of any
    size gives the same counts, and counted with one ``bincount``: ``Generator.multinomial`` gives the
    same distribution 3.5 times slower (150,000 sentences, a group's at 100,000 articles)."""
    cells = np.stack([rng.integers(0, n, size=n) for _ in range(resamples)])  # resamples x n picks
    cells *= resamples
    cells += np.arange(resamples)[:, None]  # each pick as its (sentence, resample) in C order
    return np.bincount(cells.ravel(), minlength=n * resamples).reshape(n, resamples)


CANDIDATES_PER_TERM = 5  # terms scored first in each batch, per place of the top: their scores bound the rest
PRUNE_ABOVE_TERMS = 2_000  # a group with fewer terms (one article) scores them all: choosing costs more


def _z_scores(
    y_a: np.ndarray, n_a: np.ndarray | float, columns: np.ndarray, job: _Resampling, min_count: int
) -> np.ndarray:
    """Log-odds z of the group's terms ``columns`` with counts ``y_a`` (a row per resample), -inf
    below ``min_count``."""
    delta, variance = _log_odds(y_a, job.rest[columns], job.alpha[columns], job.alpha_0, n_a, job.n_rest)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(y_a >= min_count, delta / np.sqrt(variance), -np.inf)


def _contenders(
    by_term: sparse.csr_matrix,
    weights: np.ndarray,
    n_a: np.ndarray,
    candidates: np.ndarray,
    job: _Resampling,
    top_n: int,
    min_count: int,
) -> np.ndarray:
    """The terms (sorted rows of ``by_term``, terms x sentences) that can be in the top ``top_n``
    of some resample of the batch (``weights``, sentences x resamples; ``n_a``, their term totals):
    the scored terms and every term used ``min_count`` times in some resample whose best possible
    score reaches the lowest top-``top_n`` score of the ``candidates``. Dropping the others changes
    no rank, exactly:

    z grows with the term's count where it is positive and falls as the group's total grows (the
    variance does not depend on the total), so no resample scores a term above
    max(0, z(its highest count in the batch, the batch's lowest total)); the top ``top_n`` of all
    terms scores at least as high as the top ``top_n`` of the candidates; and a term below
    ``min_count`` scores -inf, below every term that can count. The highest counts are summed a
    block of terms at a time, so no resamples x terms array is held.
    """
    everything = np.arange(by_term.shape[0])
    if len(everything) <= PRUNE_ABOVE_TERMS:
        return everything
    k = min(top_n, len(candidates))
    scores = _z_scores((by_term[candidates] @ weights).T, n_a, candidates, job, min_count)
    floor = np.partition(scores, scores.shape[1] - k, axis=1)[:, scores.shape[1] - k].min()
    most = _highest_counts(by_term, weights)
    ceiling = np.maximum(_z_scores(most[None, :], n_a.min(), everything, job, min_count)[0], 0)
    keep = (ceiling >= floor - 1e-9 * (1 + abs(floor))) & (most >= min_count)  # a margin for rounding
    keep[job.scored] = True  # read by position even when out of reach
    return np.flatnonzero(keep)


def _highest_counts(by_term: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """Each term's highest count in the resamples of a batch: the row maxima of ``by_term @ weights``.
    A term in one sentence only (most terms) has its count there times that sentence's highest
    weight; the product is taken for the others alone, a block of terms at a time, so no resamples x
    terms array is held. The whole product took 52 s of the workers' time at 100,000 articles
    (py-spy); without the single-sentence terms, keyness_stability of 10,000 takes 15.8 s, not 17.5."""
    sentences_in = np.diff(by_term.indptr)
    most = np.zeros(by_term.shape[0])
    single = np.flatnonzero(sentences_in == 1)
    first = by_term.indptr[single]
    most[single] = by_term.data[first] * weights.max(axis=1)[by_term.indices[first]]
    several = np.flatnonzero(sentences_in > 1)
    block = max(1, RESAMPLE_CELLS // weights.shape[1])
    for start in range(0, len(several), block):
        rows = several[start : start + block]
        most[rows] = (by_term[rows] @ weights).max(axis=1)
    return most


# --- concordance -----------------------------------------------------------------------------------


KWIC_COLUMNS = ["article_id", "outlet", "start", "end", "left", "match", "right"]


def kwic(corpus: pd.DataFrame, term: str, window: int = 8, limit: int | None = None) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` with ``window`` tokens either side, or the
    first ``limit`` of them (articles after the last one are then never tokenized).

    ``term`` is tokenized like the text, so any spelling finds all of them ("IS", "Islamic State"
    and "Daesh" all find ``ISIS``), and a two-word term finds the pair. ``start``/``end`` point
    into ``raw_text``; ``left``/``match``/``right`` are clean text. Columns: ``article_id, outlet,
    start, end, left, match, right``.
    """
    articles = zip(*(corpus[column] for column in _KWIC_INPUTS), strict=True)
    return pd.DataFrame(islice(_kwic_rows(articles, term, window), limit), columns=KWIC_COLUMNS)


def kwic_by_group(corpus: pd.DataFrame, terms: pd.DataFrame, window: int = 8, limit: int = 2) -> pd.DataFrame:
    """The first ``limit`` lines of :func:`kwic` of each ``term`` in its ``group`` (``terms`` has
    those two columns), read from the group's own articles only: one pass, whatever the number of
    groups (a corpus without outlets has one per article). Columns: ``group, term``, then kwic's."""
    rows_of = corpus.groupby("group").indices
    inputs = [corpus[column].to_numpy() for column in _KWIC_INPUTS]
    rows = [
        {"group": group, "term": term, **row}
        for group, term in zip(terms["group"], terms["term"], strict=True)
        for row in islice(
            _kwic_rows(zip(*(c[rows_of[group]] for c in inputs), strict=True), term, window), limit
        )
    ]
    return pd.DataFrame(rows, columns=["group", "term", *KWIC_COLUMNS])


_KWIC_INPUTS = ("article_id", "outlet", "text", "offset_map")


def _kwic_rows(articles: Iterable[tuple], term: str, window: int) -> Iterator[dict]:
    """Kwic lines of ``term`` in ``(article_id, outlet, text, offset_map)`` articles, lazily."""
    wanted = [t.token for t in token_spans(term)]
    if not wanted:
        raise ValueError(f"{term!r} has no token in it")
    for article_id, outlet, text, offset_map in articles:
        tokens = token_spans(text)
        words = [t.token for t in tokens]
        for i in range(len(tokens) - len(wanted) + 1):
            if words[i : i + len(wanted)] != wanted:
                continue
            first, last = tokens[i], tokens[i + len(wanted) - 1]
            left_start = tokens[max(i - window, 0)].start
            right_end = tokens[min(i + len(wanted) - 1 + window, len(tokens) - 1)].end
            raw_start, raw_end = text_to_raw(offset_map, first.start, last.end)
            yield {
                "article_id": article_id,
                "outlet": outlet,
                "start": raw_start,
                "end": raw_end,
                "left": " ".join(text[left_start : first.start].split()),
                "match": text[first.start : last.end],
                "right": " ".join(text[last.end : right_end].split()),
            }
