"""Deterministic synthetic news corpora for benchmarks and scale tests.

The five seed articles are far too small to show how the pipeline behaves on a real archive,
and real archives cannot be shipped with the repository. This module fakes one: English-like
articles whose word frequencies, sentence shapes, punctuation, figures and quotations stress
the same code paths as real news, generated from a seed so every run measures the same text.

Word ranks follow a Zipf-Mandelbrot law, ``p(r) ∝ (r + 2.7) ** -1.1``: the tail has the
exponent of about 1.1 seen in news text, and the offset keeps "the" near its real share of
about 4 % instead of the 14 % a pure power law would give, so stop words make up about
45 % of tokens, as in real news. This module depends on nothing else in ``analysis``.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 2.7

# Real function words, most frequent first, so they take the head of the distribution.
FUNCTION_WORDS: tuple[str, ...] = (
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "for",
    "on",
    "it",
    "with",
    "as",
    "he",
    "by",
    "at",
    "his",
    "be",
    "from",
    "have",
    "has",
    "are",
    "not",
    "but",
    "this",
    "had",
    "they",
    "were",
    "which",
    "an",
    "their",
    "or",
    "been",
    "we",
    "will",
    "would",
    "its",
    "who",
    "there",
    "she",
    "her",
    "all",
    "one",
    "after",
    "more",
    "also",
    "about",
    "than",
    "when",
    "can",
    "up",
    "out",
    "into",
    "if",
    "them",
    "so",
    "what",
    "some",
    "no",
    "could",
    "other",
    "over",
    "only",
    "two",
    "our",
    "before",
    "while",
    "where",
    "these",
    "those",
    "most",
    "under",
    "because",
    "against",
    "between",
    "during",
    "through",
    "any",
    "should",
)

OUTLETS: tuple[str, ...] = (
    "The Morning Ledger",
    "Daily Courier",
    "The Evening Standardbearer",
    "Northern Herald",
    "The Capital Post",
    "Global Wire",
    "The Weekly Observer",
    "Metro Tribune",
    "The Sentinel",
    "Coastal Gazette",
    "The National Chronicle",
    "Frontline News",
    "The Daily Record",
    "World Dispatch",
    "The Independent Voice",
    "City Press",
    "The Register",
    "Union Times",
    "The Monitor",
    "Valley Bulletin",
)

_ONSETS = (
    "",
    "b",
    "br",
    "c",
    "ch",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "pr",
    "r",
    "s",
    "sh",
    "sl",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "z",
)
_NUCLEI = ("a", "e", "i", "o", "u", "ai", "ea", "ee", "ou", "oo", "ia")
_CODAS = ("", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "rt")
_SYLLABLE_COUNT_P = (0.15, 0.45, 0.30, 0.10)  # words of 1-4 syllables

_VOCABULARY_SEED = 20_190_311  # fixed, so every corpus seed shares one language
_CHUNK_ARTICLES = 4_000  # bounds the temporary per-token arrays to a few hundred MB
_SENTENCE_WORDS = (8, 35)
_COMMA_P = 0.05
_NUMBER_P = 0.01
_QUOTE_P = 0.08
_N_SPEAKERS = 400
_SPACE, _COMMA, _END, _CLOSE, _QUOTED_CLOSE = 0, 1, 2, 3, 6  # codes into _Sampler.separators
_EPOCH = np.datetime64("2019-03-11T00:00:00", "s")
_SPAN_SECONDS = 14 * 24 * 3600  # outlets cover one event over two weeks


@lru_cache(maxsize=4)
def vocabulary(size: int = 50_000) -> tuple[str, ...]:
    """Return the word list in rank order: ``FUNCTION_WORDS`` then ``size`` pseudo-words.

    Pseudo-words are built from onset-vowel-coda syllables so they look and tokenize like
    English, are unique and never equal a function word, and are sorted shortest first
    because frequent words are short in real languages.
    """
    rng = np.random.default_rng(_VOCABULARY_SEED)
    syllables = np.array([o + n + c for o in _ONSETS for n in _NUCLEI for c in _CODAS], dtype=object)
    n_candidates = 2 * size + 1_000  # margin for duplicates among the few short words
    counts = rng.choice(np.arange(1, 5), size=n_candidates, p=_SYLLABLE_COUNT_P)
    picks = syllables[rng.integers(0, len(syllables), size=(n_candidates, 4))]
    words = picks[:, 0]
    for k in range(1, 4):
        words = words + np.where(counts > k, picks[:, k], "")
    _, first = np.unique(words, return_index=True)
    words = words[np.sort(first)]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    keep = (lengths > 1) & ~np.isin(words, FUNCTION_WORDS)  # lone letters read as typos
    words, lengths = words[keep], lengths[keep]
    words = words[np.argsort(lengths, kind="stable")][:size]
    return FUNCTION_WORDS + tuple(words)


def _zipf_weights(n: int) -> np.ndarray:
    return (np.arange(1, n + 1) + ZIPF_OFFSET) ** -ZIPF_EXPONENT


def _number_forms() -> list[str]:
    """Figures as news prints them: "36", "450", "6,500"; small ones are the most common."""
    return [str(i) for i in range(1, 1_000)] + [f"{i * 100:,}" for i in range(10, 1_000)]


class _AliasTable:
    """Walker's alias method: O(1) draws from a fixed discrete distribution.

    Binary search on the cumulative distribution costs ~16 cache misses per word and
    dominated generation time; an alias draw costs two lookups.
    """

    def __init__(self, weights: np.ndarray) -> None:
        n = len(weights)
        prob = (weights * (n / weights.sum())).tolist()
        alias = list(range(n))
        small = [i for i, x in enumerate(prob) if x < 1.0]
        large = [i for i, x in enumerate(prob) if x >= 1.0]
        while small and large:
            s, g = small.pop(), large[-1]
            alias[s] = g
            prob[g] -= 1.0 - prob[s]
            if prob[g] < 1.0:
                small.append(large.pop())
        for i in small + large:  # left over only through rounding: their columns are full
            prob[i] = 1.0
        self.prob = np.array(prob)
        self.alias = np.array(alias)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        column = rng.integers(0, len(self.prob), n)
        return np.where(rng.random(n) < self.prob[column], column, self.alias[column])


class _Sampler:
    """Lookup tables shared by every chunk of one corpus."""

    def __init__(self, vocabulary_size: int, rng: np.random.Generator) -> None:
        words = vocabulary(vocabulary_size)
        numbers = _number_forms()
        self.n_words = len(words)
        self.word_table = _AliasTable(_zipf_weights(self.n_words))
        self.number_table = _AliasTable(1.0 / np.arange(1, len(numbers) + 1) ** 0.8)
        # Forms: plain word, sentence-initial word, word opening a quotation, figure.
        forms = [*words, *(w.capitalize() for w in words), *("“" + w.capitalize() for w in words), *numbers]
        self.forms = np.array(forms, dtype=object)
        self.spaced = np.array([f + " " for f in forms], dtype=object)
        tail = np.array(words[len(FUNCTION_WORDS) :], dtype=object)
        given, family = (tail[rng.integers(0, len(tail), _N_SPEAKERS)] for _ in range(2))
        speakers = [f"{a.capitalize()} {b.capitalize()}" for a, b in zip(given, family, strict=True)]
        # Separator after a token: space, comma, end of text (NUL, split on later), or a
        # sentence end that also closes the sentence, the paragraph (blank line) or the text.
        # Quoted sentences end in ',” said Name.' with the same three closings.
        closings = (". ", ".\n\n", ".\0")
        self.separators = np.array(
            [" ", ", ", "\0", *closings] + [f",” said {s}{c}" for s in speakers for c in closings],
            dtype=object,
        )

    def words(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.word_table.draw(rng, n)

    def numbers(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return 3 * self.n_words + self.number_table.draw(rng, n)

    def render(self, tokens: np.ndarray, separators: np.ndarray) -> list[str]:
        """Join form and separator codes into texts, each ended by a NUL separator.

        Most separators are a space, already appended in ``spaced``, so the one big join
        sees one string per token; only the rest are concatenated here.
        """
        text = self.spaced[tokens]
        other = np.flatnonzero(separators != _SPACE)
        text[other] = self.forms[tokens[other]] + self.separators[separators[other]]
        return "".join(text.tolist()).split("\0")[:-1]


def _bodies(sampler: _Sampler, rng: np.random.Generator, n: int, words_per_article: int) -> list[str]:
    """Article bodies, built as one array of form codes and one of separator codes."""
    targets = np.maximum(1, np.rint(words_per_article * rng.uniform(0.8, 1.2, n))).astype(np.int64)
    low, high = _SENTENCE_WORDS
    sentence_len = rng.integers(low, high + 1, targets.sum() // low + n + 1)
    sentence_end = np.cumsum(sentence_len)
    # Each article ends at the first sentence end reaching its cumulative target, with at
    # least one sentence per article.
    last = np.searchsorted(sentence_end, np.cumsum(targets))
    last = np.maximum.accumulate(last - np.arange(n)) + np.arange(n)
    n_sentences = last[-1] + 1
    sentence_len = sentence_len[:n_sentences]
    sentence_end = sentence_end[:n_sentences]
    sentence_start = sentence_end - sentence_len
    n_tokens = int(sentence_end[-1])

    tokens = sampler.words(rng, n_tokens)
    figures = np.flatnonzero(rng.random(n_tokens) < _NUMBER_P)
    tokens[figures] = sampler.numbers(rng, len(figures))
    quoted = rng.random(n_sentences) < _QUOTE_P
    tokens[sentence_start] = sampler.words(rng, n_sentences) + np.where(quoted, 2, 1) * sampler.n_words

    separators = np.where(rng.random(n_tokens) < _COMMA_P, _COMMA, _SPACE)
    paragraph_last = np.cumsum(rng.integers(1, 4, n_sentences)) - 1  # 1-3 sentences each
    closing = np.zeros(n_sentences, dtype=np.int64)
    closing[paragraph_last[paragraph_last < n_sentences]] = 1
    closing[last] = 2
    speaker = rng.integers(0, _N_SPEAKERS, n_sentences)
    separators[sentence_end - 1] = np.where(quoted, _QUOTED_CLOSE + 3 * speaker, _CLOSE) + closing
    return sampler.render(tokens, separators)


def _headlines(sampler: _Sampler, rng: np.random.Generator, n: int) -> list[str]:
    """Sentence-case headlines of 6-14 words with no final punctuation, as outlets print them."""
    lengths = rng.integers(6, 15, n)
    tokens = sampler.words(rng, int(lengths.sum()))
    ends = np.cumsum(lengths)
    tokens[ends - lengths] += sampler.n_words
    separators = np.full(len(tokens), _SPACE)
    separators[ends - 1] = _END
    return sampler.render(tokens, separators)


def generate_articles(
    n_articles: int, seed: int = 0, words_per_article: int = 600, vocabulary_size: int = 50_000
) -> pd.DataFrame:
    """Generate ``n_articles`` English-like news articles, identical for identical arguments.

    Returns columns ``id, outlet, headline, published, text``; ``text`` is the body only,
    paragraphs separated by blank lines, about ``words_per_article`` words (±20 %, whole
    sentences). ``published`` is UTC within two weeks of 11 March 2019. Work is vectorised
    with numpy and done in chunks, so 100,000 articles take seconds, not minutes.
    """
    rng = np.random.default_rng(seed)
    sampler = _Sampler(vocabulary_size, rng)
    outlet_weights = 1.0 / np.arange(1, len(OUTLETS) + 1) ** 0.5  # big outlets publish more
    outlets = rng.choice(len(OUTLETS), size=n_articles, p=outlet_weights / outlet_weights.sum())
    published = _EPOCH + rng.integers(0, _SPAN_SECONDS, n_articles).astype("timedelta64[s]")
    headlines: list[str] = []
    bodies: list[str] = []
    for start in range(0, n_articles, _CHUNK_ARTICLES):
        size = min(_CHUNK_ARTICLES, n_articles - start)
        headlines += _headlines(sampler, rng, size)
        bodies += _bodies(sampler, rng, size, words_per_article)
    return pd.DataFrame(
        {
            "id": [f"syn{i:07d}" for i in range(n_articles)],
            "outlet": np.array(OUTLETS, dtype=object)[outlets],
            "headline": headlines,
            "published": pd.DatetimeIndex(published).tz_localize("UTC"),
            "text": bodies,
        }
    )


def write_corpus(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` in the format named by the path, so one corpus can test every loader.

    ``*.parquet`` and ``*.jsonl`` (one record per line, UTF-8, ISO dates) hold every column;
    a path without suffix becomes a folder of ``<id>.txt`` files shaped like the seeds:
    headline, blank line, body, no trailing newline.
    """
    path = Path(path)
    if path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif path.suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif not path.suffix:
        path.mkdir(parents=True, exist_ok=True)
        for article_id, headline, text in zip(df["id"], df["headline"], df["text"], strict=True):
            (path / f"{article_id}.txt").write_text(f"{headline}\n\n{text}", encoding="utf-8")
    else:
        raise ValueError(f"unknown corpus format {path.suffix!r}: use .parquet, .jsonl or no suffix")
    return path
