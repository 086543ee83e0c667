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

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from analysis.cleaning import text_to_raw
from analysis.text import Token, load_aliases, sentences, token_spans, tokenize

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)
PRIOR_FLOOR = 0.01  # pseudo-count of a term missing from the prior (too rare to be listed)
BACKGROUND_WEIGHT = 0.5  # share of the prior drawn from general English (wordfreq), the rest from the corpus


def _is_term(token: str) -> bool:
    return token not in STOP_WORDS and any(c.isalpha() for c in token)


def sentence_terms(text: str) -> list[list[tuple[str, int, int]]]:
    """Per sentence of ``text``: its terms (unigrams and bigrams) with their offsets into ``text``."""
    tokens = token_spans(text)
    out = []
    k = 0
    for start, end in sentences(text):
        inside: list[Token] = []
        while k < len(tokens) and tokens[k].start < end:
            if tokens[k].start >= start:
                inside.append(tokens[k])
            k += 1
        terms = [(t.token, t.start, t.end) for t in inside if _is_term(t.token)]
        terms += [
            (f"{a.token} {b.token}", a.start, b.end)
            for a, b in pairwise(inside)
            if _is_term(a.token) and _is_term(b.token)
        ]
        out.append(terms)
    return out


def terms(text: str) -> list[str]:
    """The terms of ``text`` (the analyzer given to ``TfidfVectorizer``)."""
    return [term for sentence in sentence_terms(text) for term, _, _ in sentence]


def _words(texts: Iterable[str]) -> int:
    """Words as everywhere in the project: tokens of the clean text, function words included."""
    return sum(len(tokenize(text)) for text in texts)


# --- TF-IDF ----------------------------------------------------------------------------------------


def tfidf_vectorizer() -> TfidfVectorizer:
    """The project's TF-IDF settings (see the module docstring)."""
    return TfidfVectorizer(analyzer=terms, sublinear_tf=True, smooth_idf=True, norm="l2")


def _documents(corpus: pd.DataFrame, by: str) -> pd.DataFrame:
    """One document per article (``by="article"``) or per comparison group (``by="group"``)."""
    if by == "article":
        return corpus[["article_id", "group", "text"]].rename(columns={"article_id": "document"})
    if by == "group":
        grouped = corpus.groupby("group", sort=True)["text"].agg("\n".join)
        return pd.DataFrame({"document": grouped.index, "group": grouped.index, "text": grouped.to_numpy()})
    raise ValueError(f"by must be 'article' or 'group', not {by!r}")


def tfidf_terms(corpus: pd.DataFrame, by: str = "article", top_n: int = 10) -> pd.DataFrame:
    """The ``top_n`` terms of each article or group by TF-IDF, each with its first occurrence.

    Columns: ``document, group, rank, term, tfidf, count, article_id, start, end, sentence``, with
    ``start``/``end`` the term's first occurrence in that article's ``raw_text`` and ``sentence``
    the sentence around it; then ``articles`` and ``words``, what the table rests on.
    """
    documents = _documents(corpus, by)
    vectorizer = tfidf_vectorizer()
    matrix = vectorizer.fit_transform(documents["text"])
    vocabulary = vectorizer.get_feature_names_out()
    rows = []
    for row, document in enumerate(documents.itertuples(index=False)):
        scores = matrix.getrow(row).toarray().ravel()
        ranked = sorted((i for i in np.flatnonzero(scores)), key=lambda i: (-scores[i], vocabulary[i]))
        for rank, i in enumerate(ranked[:top_n], start=1):
            rows.append(
                {
                    "document": document.document,
                    "group": document.group,
                    "rank": rank,
                    "term": vocabulary[i],
                    "tfidf": round(float(scores[i]), 4),
                }
            )
    table = pd.DataFrame(rows, columns=["document", "group", "rank", "term", "tfidf"])
    evidence = first_occurrences(corpus, table, by)
    table = pd.concat([table, evidence], axis=1)
    table["articles"] = len(corpus)
    table["words"] = _words(corpus["text"])
    return table


def first_occurrences(corpus: pd.DataFrame, table: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """For each row of ``table`` (columns ``term`` and ``document`` or ``group``), the count of the
    term in that document and its first occurrence: ``count, article_id, start, end, sentence``."""
    key = "document" if by == "article" else "group"
    index = _occurrence_index(corpus)
    rows = []
    for document, term in zip(table[key], table["term"], strict=True):
        articles = (
            [document] if by == "article" else list(corpus.loc[corpus["group"] == document, "article_id"])
        )
        found = [index[a][term] for a in articles if term in index[a]]
        count = sum(n for n, *_ in found)
        first = found[0] if found else (0, "", -1, -1, "")
        rows.append(
            {"count": count, "article_id": first[1], "start": first[2], "end": first[3], "sentence": first[4]}
        )
    return pd.DataFrame(rows, columns=["count", "article_id", "start", "end", "sentence"])


def _occurrence_index(corpus: pd.DataFrame) -> dict[str, dict[str, tuple[int, str, int, int, str]]]:
    """Per article, per term: (count, article_id, raw start, raw end, sentence) of its first use."""
    index = {}
    for article_id, text, offset_map in zip(
        corpus["article_id"], corpus["text"], corpus["offset_map"], strict=True
    ):
        spans = sentences(text)
        per_term: dict[str, list] = {}
        for (s_start, s_end), found in zip(spans, sentence_terms(text), strict=True):
            for term, start, end in found:
                if term in per_term:
                    per_term[term][0] += 1
                else:
                    raw_start, raw_end = text_to_raw(offset_map, start, end)
                    per_term[term] = [1, article_id, raw_start, raw_end, text[s_start:s_end]]
        index[article_id] = {term: tuple(v) for term, v in per_term.items()}
    return index


def similarity(corpus: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of the articles' TF-IDF vectors, labelled by article id."""
    matrix = tfidf_vectorizer().fit_transform(corpus["text"])
    values = cosine_similarity(matrix)
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
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    vocabulary = sorted(set(counts_a) | set(counts_b))
    a = np.array([counts_a.get(w, 0) for w in vocabulary], dtype=float)
    b = np.array([counts_b.get(w, 0) for w in vocabulary], dtype=float)
    expected_a = n_a * (a + b) / (n_a + n_b)
    expected_b = n_b * (a + b) / (n_a + n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * (
            np.where(a > 0, a * np.log(a / expected_a), 0) + np.where(b > 0, b * np.log(b / expected_b), 0)
        )
    log_ratio = np.log2((np.where(a > 0, a, 0.5) / n_a) / (np.where(b > 0, b, 0.5) / n_b))
    return pd.DataFrame(
        {
            "term": vocabulary,
            "count_a": a.astype(int),
            "count_b": b.astype(int),
            "g2": g2,
            "log_ratio": log_ratio,
        }
    )


def _background_frequency(term: str) -> float:
    """Frequency of a unigram in general English (wordfreq), minding acronyms that collide with
    function words: "US" is looked up by its other spellings ("United States", "U.S.", ...)."""
    from wordfreq import word_frequency

    if " " in term:
        return 0.0  # wordfreq's phrase estimate is too coarse for bigrams; the corpus part serves
    if term.lower() in STOP_WORDS or term.isupper():
        spellings = load_aliases().spellings.get(term, ())
        safe = [s for s in spellings if s.lower() not in STOP_WORDS]
        if safe:
            return max(word_frequency(s, "en") for s in safe)
    return word_frequency(term.lower(), "en")


def dirichlet_prior(counts: Mapping[str, int], strength: float | None = None) -> dict[str, float]:
    """Prior pseudo-counts mixing the corpus's own term shares with general English (wordfreq).

    α_w = strength · (BACKGROUND_WEIGHT · p_english(w) / Σ p_english + (1 - BACKGROUND_WEIGHT) · p_corpus(w)),
    over the corpus's terms, with ``strength`` the corpus's term count by default (Monroe et al.
    use the whole corpus as prior). Mixing in general English keeps a word that is rare everywhere
    but frequent in one short article from looking key on its own.
    """
    total = sum(counts.values())
    if total == 0:
        return {}
    strength = float(total if strength is None else strength)
    english = {term: _background_frequency(term) for term in counts}
    english_total = sum(english.values()) or 1.0
    return {
        term: max(
            strength
            * (BACKGROUND_WEIGHT * english[term] / english_total + (1 - BACKGROUND_WEIGHT) * count / total),
            PRIOR_FLOOR,
        )
        for term, count in counts.items()
    }


def group_counts(corpus: pd.DataFrame) -> dict[str, Counter]:
    """Term counts per comparison group."""
    counts: dict[str, Counter] = {}
    for group, text in zip(corpus["group"], corpus["text"], strict=True):
        counts.setdefault(group, Counter()).update(terms(text))
    return dict(sorted(counts.items()))


def keyness(corpus: pd.DataFrame, top_n: int = 10, min_count: int = 2) -> pd.DataFrame:
    """Each group against all the others: the ``top_n`` terms by log-odds z-score, with G² and
    Log Ratio beside them. Terms used fewer than ``min_count`` times in the group are left out.

    Columns: ``group, rank, term, count, count_rest, delta, z, g2, log_ratio, articles, words``.
    """
    counts = group_counts(corpus)
    everything = sum(counts.values(), Counter())
    prior = dirichlet_prior(everything)
    frames = []
    for group, own in counts.items():
        rest = everything - own
        scored = log_odds_dirichlet(own, rest, prior)
        scored = scored.merge(log_likelihood(own, rest), on="term")
        scored = scored[scored["count_a"] >= min_count].head(top_n)
        frames.append(scored.assign(group=group, rank=range(1, len(scored) + 1)))
    columns = ["group", "rank", "term", "count_a", "count_b", "delta", "z", "g2", "log_ratio"]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    table = table.rename(columns={"count_a": "count", "count_b": "count_rest"})
    table[["delta", "z", "g2", "log_ratio"]] = table[["delta", "z", "g2", "log_ratio"]].round(3)
    table["articles"] = table["group"].map(corpus.groupby("group").size())
    table["words"] = table["group"].map(corpus.groupby("group")["text"].agg(_words))
    return table


def keyness_stability(
    corpus: pd.DataFrame, top_n: int = 10, n_boot: int = 200, seed: int = 0, min_count: int = 2
) -> pd.DataFrame:
    """How often each term of a group's keyness top ``top_n`` stays in the top ``top_n`` when the
    group's sentences are resampled with replacement ``n_boot`` times (the rest and the prior fixed).

    Columns: ``group, term, stability`` (share of resamples, 0 to 1).
    """
    if n_boot < 200:
        raise ValueError("use at least 200 resamples: fewer give shares too coarse to compare")
    full = keyness(corpus, top_n=top_n, min_count=min_count)
    counts = group_counts(corpus)
    everything = sum(counts.values(), Counter())
    prior = dirichlet_prior(everything)
    alpha_0 = sum(prior.values())
    rng = np.random.default_rng(seed)
    rows = []
    for group, own in counts.items():
        # Only the group's own terms can reach its top: the others have a count of 0 < min_count.
        vocabulary = sorted(own)
        position = {term: i for i, term in enumerate(vocabulary)}
        sentence_rows = [
            Counter(t for t, _, _ in sentence)
            for text in corpus.loc[corpus["group"] == group, "text"]
            for sentence in sentence_terms(text)
        ]
        matrix = sparse.csr_matrix(
            (
                [n for s in sentence_rows for n in s.values()],
                (
                    [i for i, s in enumerate(sentence_rows) for _ in s],
                    [position[t] for s in sentence_rows for t in s],
                ),
            ),
            shape=(len(sentence_rows), len(vocabulary)),
        )
        weights = rng.multinomial(
            len(sentence_rows), np.full(len(sentence_rows), 1 / len(sentence_rows)), size=n_boot
        )
        y_a = np.asarray((sparse.csr_matrix(weights) @ matrix).todense(), dtype=float)
        rest = everything - own
        y_b = np.array([rest.get(t, 0) for t in vocabulary], dtype=float)
        alpha = np.array([prior[t] for t in vocabulary])
        delta, variance = _log_odds(
            y_a, y_b, alpha, alpha_0, y_a.sum(axis=1, keepdims=True), sum(rest.values())
        )
        z = np.where(y_a >= min_count, delta / np.sqrt(variance), -np.inf)
        # Stable sort on -z over the alphabetical vocabulary: ties go to the earlier term, as in keyness.
        tops = np.argsort(-z, axis=1, kind="stable")[:, :top_n]
        kept = Counter(
            vocabulary[i] for row, top in zip(z, tops, strict=True) for i in top if row[i] > -np.inf
        )
        rows += [
            {"group": group, "term": t, "stability": kept[t] / n_boot}
            for t in full.loc[full["group"] == group, "term"]
        ]
    return pd.DataFrame(rows, columns=["group", "term", "stability"])


# --- concordance -----------------------------------------------------------------------------------


def kwic(corpus: pd.DataFrame, term: str, window: int = 8) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` with ``window`` tokens either side.

    ``term`` is tokenized like the text, so any spelling finds all of them ("IS", "Islamic State"
    and "Daesh" all find ``ISIS``), and a two-word term finds the pair. ``start``/``end`` point
    into ``raw_text``; ``left``/``match``/``right`` are clean text. Columns: ``article_id, outlet,
    start, end, left, match, right``.
    """
    wanted = [t.token for t in token_spans(term)]
    if not wanted:
        raise ValueError(f"{term!r} has no token in it")
    rows = []
    for article_id, outlet, text, offset_map in zip(
        corpus["article_id"], corpus["outlet"], corpus["text"], corpus["offset_map"], strict=True
    ):
        tokens = token_spans(text)
        words = [t.token for t in tokens]
        for i in range(len(tokens) - len(wanted) + 1):
            if words[i : i + len(wanted)] != wanted:
                continue
            first, last = tokens[i], tokens[i + len(wanted) - 1]
            left_start = tokens[max(i - window, 0)].start
            right_end = tokens[min(i + len(wanted) - 1 + window, len(tokens) - 1)].end
            raw_start, raw_end = text_to_raw(offset_map, first.start, last.end)
            rows.append(
                {
                    "article_id": article_id,
                    "outlet": outlet,
                    "start": raw_start,
                    "end": raw_end,
                    "left": " ".join(text[left_start : first.start].split()),
                    "match": text[first.start : last.end],
                    "right": " ".join(text[last.end : right_end].split()),
                }
            )
    return pd.DataFrame(rows, columns=["article_id", "outlet", "start", "end", "left", "match", "right"])
