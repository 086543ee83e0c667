"""Terms, keyness, stability and concordance, on hand-worked numbers and on the seeds."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from wordfreq import top_n_list, word_frequency

from analysis import terms as terms_module
from analysis.corpus import load_corpus, raw_span
from analysis.synthetic import generate_articles, write_corpus
from analysis.terms import (
    PRIOR_FLOOR,
    TFIDF_SETTINGS,
    count_terms,
    dirichlet_prior,
    first_occurrences,
    keyness,
    keyness_stability,
    kwic,
    kwic_by_group,
    log_likelihood,
    log_odds_dirichlet,
    similarity,
    terms,
    tfidf_matrix,
    tfidf_terms,
    tfidf_vectorizer,
)
from analysis.terms import _columns_of as columns_of
from analysis.terms import _english_frequency as english_frequency
from analysis.terms import _highest_counts as highest_counts
from analysis.terms import _name_order as name_order
from analysis.terms import _resample_counts as resample_counts
from analysis.text import corpus_tokens, normalise, tokenize


def test_log_odds_dirichlet_against_values_worked_by_hand() -> None:
    # n_a = n_b = 4, alpha_0 = 2: delta_x = ln(4/2) - ln(2/4) = 2 ln 2; variance = 1/4 + 1/2.
    table = log_odds_dirichlet({"x": 3, "y": 1}, {"x": 1, "y": 3}, {"x": 1.0, "y": 1.0}).set_index("term")
    assert table.loc["x", "delta"] == pytest.approx(2 * math.log(2))
    assert table.loc["x", "variance"] == pytest.approx(0.75)
    assert table.loc["x", "z"] == pytest.approx(2 * math.log(2) / math.sqrt(0.75))
    assert table.loc["y", "delta"] == pytest.approx(-2 * math.log(2))
    assert list(table.index) == ["x", "y"], "sorted by z, the term favouring counts_a first"


def test_log_odds_dirichlet_floors_a_term_missing_from_the_prior() -> None:
    # z is not in the prior: alpha_z = PRIOR_FLOOR and alpha_0 = 2 + PRIOR_FLOOR; n_a = 4, n_b = 1.
    table = log_odds_dirichlet({"x": 3, "z": 1}, {"x": 1}, {"x": 1.0, "y": 1.0}).set_index("term")
    a0, f = 2 + PRIOR_FLOOR, PRIOR_FLOOR
    expected = math.log((1 + f) / (4 + a0 - 1 - f)) - math.log((0 + f) / (1 + a0 - 0 - f))
    assert table.loc["z", "delta"] == pytest.approx(expected)
    assert table.loc["z", "variance"] == pytest.approx(1 / (1 + f) + 1 / f)


def test_log_likelihood_and_log_ratio_by_hand() -> None:
    # a: 10 of 100 words, b: 10 of 1000. E_a = 100*20/1100, E_b = 1000*20/1100.
    table = log_likelihood({"w": 10, "other": 90}, {"w": 10, "other": 990}).set_index("term")
    e_a, e_b = 100 * 20 / 1100, 1000 * 20 / 1100
    assert table.loc["w", "g2"] == pytest.approx(2 * (10 * math.log(10 / e_a) + 10 * math.log(10 / e_b)))
    assert table.loc["w", "log_ratio"] == pytest.approx(math.log2((10 / 100) / (10 / 1000)))


def test_terms_keep_acronyms_and_merge_spellings() -> None:
    found = terms("The US-backed SDF said IS fighters fled Baghuz. US troops stayed in Baghouz.")
    assert "US" in found and "ISIS" in found and "US-backed" in found
    assert found.count("Baghouz") == 2 and "baghuz" not in found
    assert "us" not in found and "is" not in found and "the" not in found
    assert "ISIS fighters" in found and "fled Baghouz" in found
    assert "Baghouz US" not in found, "bigrams never cross a sentence boundary"


def test_tfidf_tables_carry_no_boilerplate_and_point_at_their_words(seeds) -> None:
    for by in ("article", "group"):
        table = tfidf_terms(seeds, by=by, top_n=25)
        vocabulary = set(" ".join(table["term"]).split())
        assert not vocabulary & {
            "icon",
            "chevron",
            "bookmarkicon",
            "image",
            "read",
            "article",
            "source",
            "mail",
            "express",
            "share",
            "story",
        }
        assert (table.groupby("document").size() == 25).all()
        raw = dict(zip(seeds["article_id"], seeds["raw_text"], strict=True))
        for row in table.itertuples():
            words = raw[row.article_id][row.start : row.end]
            assert row.sentence and row.count >= 1
            assert words and words in raw[row.article_id], row.term
        assert (table["articles"] == 5).all() and (table["words"] == 2656).all()
    groups = tfidf_terms(seeds, by="group", top_n=5)
    assert sorted(groups["document"].unique()) == sorted(seeds["group"])


def test_keyness_per_group_with_effect_sizes(seeds) -> None:
    table = keyness(seeds, top_n=5)
    assert sorted(table["group"].unique()) == sorted(seeds["group"])
    assert (table["count"] >= 2).all() and (table["z"] > 0).all() and (table["log_ratio"] > 0).all()
    top = table.groupby("group")["term"].first()
    assert top["unknown: 004_06805eb31a0cf900"] == "encampment"
    assert top["RT"] == "Kurds"
    assert set(table.columns) >= {"articles", "words", "g2", "delta"}
    assert (table.groupby("group")["articles"].first() == 1).all()


def test_prior_mixes_corpus_and_general_english_and_minds_acronyms() -> None:
    prior = dirichlet_prior({"US": 10, "us": 10, "encampment": 10, "the": 10})
    # The country is looked up by its other spellings, not as the pronoun "us".
    assert prior["US"] < prior["us"]
    assert prior["encampment"] < prior["the"]
    assert sum(prior.values()) == pytest.approx(40)


def test_stability_is_a_share_of_200_resamples(seeds) -> None:
    with pytest.raises(ValueError, match="200"):
        keyness_stability(seeds, n_boot=50)
    table = keyness_stability(seeds, top_n=5)
    assert table["stability"].between(0, 1).all()
    assert len(table) == len(keyness(seeds, top_n=5))
    again = keyness_stability(seeds, top_n=5)
    assert table.equals(again), "a fixed seed gives the same shares"
    assert table["stability"].nunique() > 3


def test_stability_drawn_a_few_resamples_at_a_time_is_the_same(seeds, monkeypatch) -> None:
    """A large group's resamples are drawn in batches that fit in memory: the draws are the same."""
    whole = keyness_stability(seeds, top_n=5)
    monkeypatch.setattr(terms_module, "RESAMPLE_CELLS", 1)  # one resample at a time
    assert keyness_stability(seeds, top_n=5).equals(whole)


def test_stability_scoring_only_the_contenders_changes_no_share(seeds, tmp_path, monkeypatch) -> None:
    """Each batch scores only the terms whose best possible score reaches the candidates' top: the
    shares equal scoring every term, for several top sizes and count floors, while in groups of many
    articles most terms drop."""
    articles = generate_articles(160, seed=11)
    articles["outlet"] = [f"outlet {i % 4}" for i in range(len(articles))]
    generated = load_corpus(write_corpus(articles, tmp_path / "corpus.jsonl"))
    kept_shares = []
    contenders = terms_module._contenders

    def spy(by_term, *args):
        columns = contenders(by_term, *args)
        kept_shares.append(len(columns) / by_term.shape[0])
        return columns

    monkeypatch.setattr(terms_module, "_contenders", spy)
    for corpus, top_n, min_count in ((seeds, 5, 2), (generated, 10, 2), (generated, 3, 4)):
        monkeypatch.setattr(terms_module, "PRUNE_ABOVE_TERMS", 10**9)
        every_term = keyness_stability(corpus, top_n=top_n, min_count=min_count)
        monkeypatch.setattr(terms_module, "PRUNE_ABOVE_TERMS", 0)
        kept_shares.clear()
        pruned = keyness_stability(corpus, top_n=top_n, min_count=min_count)
        assert pruned.equals(every_term), (top_n, min_count)
        if corpus is generated:  # groups of 40 articles: few terms can reach the top
            assert 0 < np.median(kept_shares) < 0.2, kept_shares
    assert every_term["stability"].nunique() > 3


def test_resample_counts_are_draws_of_every_sentence_with_replacement() -> None:
    """Each resample draws n of n sentences with replacement: its counts sum to n, each sentence is
    drawn once on average with the multinomial's variance 1 - 1/n, and the resamples differ; drawn
    in two batches from one stream they are the same as in one."""
    n, resamples = 50, 4000
    counts = resample_counts(np.random.default_rng(3), n, resamples)
    assert counts.shape == (n, resamples) and counts.flags.c_contiguous
    assert (counts.sum(axis=0) == n).all() and counts.min() == 0
    assert counts.mean() == pytest.approx(1.0)
    assert counts.var() == pytest.approx(1 - 1 / n, rel=0.03)
    assert len({column.tobytes() for column in counts.T}) == resamples
    rng = np.random.default_rng(3)
    in_batches = np.hstack([resample_counts(rng, n, 1000), resample_counts(rng, n, 3000)])
    assert (in_batches == counts).all()


def test_highest_counts_in_resamples_equal_the_maxima_of_the_whole_product() -> None:
    rng = np.random.default_rng(0)
    by_term = sparse.random(400, 300, density=0.01, random_state=1, format="csr") * 3
    by_term.data = np.ceil(by_term.data)
    weights = rng.multinomial(300, np.full(300, 1 / 300), size=25).T  # sentences x resamples
    sentences_in = np.diff(by_term.indptr)
    assert (sentences_in == 0).any() and (sentences_in == 1).sum() > 50 and (sentences_in > 1).sum() > 50
    assert highest_counts(by_term, weights).tolist() == (by_term @ weights).max(axis=1).tolist()


def _contenders_of_counts(y_a, n_a, candidates, job, top_n) -> np.ndarray:
    """:func:`_contenders` of resamples whose counts are ``y_a`` (resamples x terms): the terms'
    counts as sentences, each resample drawing each sentence once."""
    by_term = sparse.csr_matrix(y_a.T)
    return terms_module._contenders(by_term, np.eye(len(y_a)), n_a, candidates, job, top_n, 2)


def test_contenders_hold_every_term_in_the_top_of_any_resample(monkeypatch) -> None:
    """Against scoring every term: on random counts, priors and group totals that vary a lot, no
    column outside the contenders is in the top of any row, and some columns do drop."""
    monkeypatch.setattr(terms_module, "PRUNE_ABOVE_TERMS", 0)
    rng = np.random.default_rng(5)
    dropped = 0
    for _ in range(200):
        n_terms, rows, top_n = int(rng.integers(30, 300)), int(rng.integers(1, 8)), int(rng.integers(1, 6))
        y_a = rng.poisson(rng.gamma(0.5, 4, n_terms), size=(rows, n_terms)).astype(float)
        n_a = y_a.sum(axis=1, keepdims=True) * rng.uniform(1, 10, (rows, 1))  # totals far apart
        job = terms_module._Resampling(
            seed=(0, 0),
            ids=np.zeros(0),
            sentence_start=np.zeros(0),
            sentence_bounds=np.zeros(0),
            codes=np.arange(n_terms),
            alpha=rng.uniform(0.05, 5, n_terms),
            rest=rng.poisson(20, n_terms) * 1.0,
            n_rest=4000.0,
            alpha_0=float(n_terms),
            scored=np.array([0, n_terms - 1]),
        )
        z = terms_module._z_scores(y_a, n_a, np.arange(n_terms), job, 2)
        leaders = np.argsort(-z[0])[: int(rng.integers(top_n, 5 * top_n))]  # as the full sample's
        kept = _contenders_of_counts(y_a, n_a, np.union1d(leaders, job.scored), job, top_n)
        threshold = -np.partition(-z, top_n - 1, axis=1)[:, top_n - 1]
        in_a_top = np.flatnonzero(((z >= threshold[:, None]) & (z > -np.inf)).any(axis=0))
        assert set(in_a_top) <= set(kept) and set(job.scored) <= set(kept)
        dropped += n_terms - len(kept)
    assert dropped > 5000
    # Where every score is negative, a term's score at its highest count is not its best: here
    # column 8 scores -11.24 with 18 uses and -7.48, in the top, with 2.
    y_a = np.array([[28, 3, 26, 0, 9, 2, 18, 23, 18, 10, 3], [12, 11, 21, 10, 1, 23, 9, 28, 2, 1, 5]], float)
    job = terms_module._Resampling(
        seed=(0, 0),
        ids=np.zeros(0),
        sentence_start=np.zeros(0),
        sentence_bounds=np.zeros(0),
        codes=np.arange(11),
        alpha=np.array(
            [3.5812, 3.9117, 3.7089, 2.0708, 4.6172, 1.429, 4.2338, 3.0735, 0.4201, 2.7634, 0.7973]
        ),
        rest=np.array([166, 185, 163, 99, 132, 125, 139, 117, 181, 164, 186], float),
        n_rest=723.0,
        alpha_0=31.1728,
        scored=np.array([0]),
    )
    n_a = np.array([[895.0065], [940.3981]])
    z = terms_module._z_scores(y_a, n_a, np.arange(11), job, 2)
    assert z[1, 8] == np.sort(z[1])[-1] and z[0, 8] < -11
    assert 8 in _contenders_of_counts(y_a, n_a, np.array([0, 5, 10]), job, 2)


def test_kwic_finds_every_spelling_and_points_into_raw_text(seeds) -> None:
    hits = kwic(seeds, "Islamic State", window=8)
    assert kwic(seeds, "Islamic State", window=8, limit=3).equals(hits.head(3))
    assert set(hits["match"]) >= {"ISIS", "Islamic State", "IS", "Daesh"}
    assert hits.equals(kwic(seeds, "Daesh", window=8))
    raw = dict(zip(seeds["article_id"], seeds["raw_text"], strict=True))
    for row in hits.itertuples():
        assert raw[row.article_id][row.start : row.end].replace("\u2019", "'") == row.match.replace(
            "\u2019", "'"
        )
        # The window counts tokens; the right context may open with the possessive the match dropped.
        right = row.right.removeprefix("\u2019s").removeprefix("'s")
        assert len(tokenize(row.left)) <= 8 and len(tokenize(right)) <= 8
    pair = kwic(seeds, "terror group")
    assert len(pair) >= 3 and set(pair["match"].str.lower()) == {"terror group"}
    first = pair.iloc[0]
    text = seeds.set_index("article_id").loc[first.article_id, "text"]
    position = text.index("terror group")
    assert raw_span(seeds, first.article_id, position, position + 12) == (first.start, first.end)


def test_kwic_by_group_reads_each_group_alone(tmp_path) -> None:
    articles = generate_articles(30, seed=4)
    articles.loc[[3, 9], "outlet"] = ""
    corpus = load_corpus(write_corpus(articles, tmp_path / "corpus.jsonl"))
    wanted = keyness(corpus, top_n=2)[["group", "term"]]
    lines = kwic_by_group(corpus, wanted, window=5, limit=2)
    for group, term in wanted.itertuples(index=False):
        expected = kwic(corpus[corpus["group"] == group], term, window=5).head(2).reset_index(drop=True)
        found = lines[(lines["group"] == group) & (lines["term"] == term)].drop(columns=["group", "term"])
        assert len(expected) >= 1 and found.reset_index(drop=True).equals(expected), (group, term)


def test_similarity_matrix(seeds) -> None:
    matrix = similarity(seeds)
    assert matrix.shape == (5, 5)
    assert (matrix.to_numpy().diagonal() == 1).all()
    assert (matrix == matrix.T).all().all()
    assert ((matrix >= 0) & (matrix <= 1)).all().all()


def test_counting_a_chunk_of_articles_at_a_time_changes_nothing(seeds, monkeypatch) -> None:
    """Articles are counted in chunks whose term codes are merged, and names made a block at a time."""
    texts = [*seeds["text"], "", *generate_articles(20, seed=1)["text"]]
    whole = terms_module.term_counts(corpus_tokens(texts))
    monkeypatch.setattr(terms_module, "CHUNK_ARTICLES", 2)
    monkeypatch.setattr(terms_module, "_NAME_BLOCK", 5)
    chunked = terms_module.term_counts(corpus_tokens(texts))
    assert list(chunked.vocabulary) == list(whole.vocabulary)
    assert (chunked.matrix != whole.matrix).nnz == 0 and chunked.matrix.shape == whole.matrix.shape
    assert chunked.words.tolist() == whole.words.tolist()
    assert whole.matrix.shape == (len(texts), len(whole.vocabulary)) and whole.matrix[5].nnz == 0


def test_a_text_with_lone_surrogates_is_counted() -> None:
    """Term names are Arrow (UTF-8) strings, which cannot hold a lone surrogate: tokens, made of
    word characters, never have one, whatever the text."""
    texts = ["Kurdish fight\ud800ers advanced.", "Kurdish forces\udc00\ud800 advanced.", "\ud800"]
    counts = count_terms(texts)
    assert counts.matrix.sum() == sum(len(terms(t)) for t in texts) > 0
    assert {"fight", "ers", "forces advanced"} <= set(counts.vocabulary)


def test_terms_are_found_in_the_vocabulary_by_name(seeds) -> None:
    counts = count_terms(seeds["text"])
    wanted = [counts.vocabulary[7], "no such term", counts.vocabulary[0], counts.vocabulary[7]]
    assert columns_of(counts.vocabulary, wanted).tolist() == [7, -1, 0, 7]
    assert columns_of(counts.vocabulary, []).tolist() == []
    every = columns_of(counts.vocabulary, list(counts.vocabulary))
    assert every.tolist() == list(range(len(counts.vocabulary)))


def test_one_counting_pass_gives_what_scikit_learn_gives(seeds) -> None:
    texts = list(seeds["text"])
    counts = count_terms(texts)
    vectorizer = tfidf_vectorizer()
    expected = vectorizer.fit_transform(texts)
    # Same terms, put in scikit-learn's (alphabetical) column order, give the same weights.
    order = np.argsort(counts.vocabulary.astype(str))
    assert list(counts.vocabulary[order]) == list(vectorizer.get_feature_names_out())
    assert abs(tfidf_matrix(counts.matrix)[:, order] - expected).max() < 1e-12
    assert counts.matrix.sum() == sum(len(terms(t)) for t in texts)
    assert list(counts.words) == [len(tokenize(t)) for t in texts]


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_tfidf_weights_are_scikit_learns_to_the_last_bit(seeds, dtype) -> None:
    rng = np.random.default_rng(5)
    generated = sparse.random(
        40, 30, density=0.2, format="csr", random_state=rng, data_rvs=lambda n: rng.integers(1, 9, n)
    )
    without_terms = np.arange(40) % 7 == 0
    generated = sparse.csr_matrix(sparse.diags((~without_terms).astype(float)) @ generated)
    for counts in (count_terms(seeds["text"]).matrix, generated):
        counts = counts.astype(dtype)
        expected = sparse.csr_matrix(TfidfTransformer(**TFIDF_SETTINGS).fit_transform(counts))
        weights = tfidf_matrix(counts)
        assert weights.dtype == expected.dtype and weights.shape == expected.shape
        for part in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(weights, part), getattr(expected, part)), part
        assert counts.nnz and not np.shares_memory(weights.indices, counts.indices)


def test_first_occurrences_point_at_the_first_use_in_the_group(seeds) -> None:
    table = pd.DataFrame({"group": sorted(seeds["group"]), "term": "ISIS"})
    found = first_occurrences(seeds, table, by="group")
    raw = dict(zip(seeds["article_id"], seeds["raw_text"], strict=True))
    for group, row in zip(table["group"], found.itertuples(), strict=True):
        words = raw[row.article_id][row.start : row.end]
        assert words in {"ISIS", "Islamic State", "IS", "Daesh", "ISIL"} and normalise(words) in row.sentence
        uses = kwic(seeds[seeds["group"] == group], "ISIS")
        assert row.count == len(uses) and row.start == uses["start"].min()
    missing = first_occurrences(seeds, pd.DataFrame({"group": ["RT"], "term": ["no such term"]}), by="group")
    assert missing.iloc[0].to_dict() == {"count": 0, "article_id": "", "start": -1, "end": -1, "sentence": ""}


def test_evidence_found_in_the_corpus_tokens_is_the_first_use_in_the_text(
    seeds, tmp_path, monkeypatch
) -> None:
    """Each row's first use, found from the corpus tokens and the spans of one sentence's words (or
    its tokens, tokenized on its own), is the first use met reading the article in order; the same
    in runs of 3 articles, with every sentence tokenized on its own, and when a sentence alone would
    not line up with its tokens (the whole article is then read)."""
    generated = load_corpus(write_corpus(generate_articles(12, seed=8), tmp_path / "corpus.jsonl"))
    corpus = pd.concat([generated.iloc[:5], seeds, generated.iloc[5:]], ignore_index=True)
    table = tfidf_terms(corpus, by="article", top_n=12)
    texts = corpus.set_index("article_id")
    for row in table.itertuples():
        wanted = terms_module._locate(
            texts.loc[row.article_id, "text"], texts.loc[row.article_id, "offset_map"], {row.term}
        )
        assert (row.start, row.end, row.sentence) == wanted[row.term], row
    monkeypatch.setattr(terms_module, "CHUNK_ARTICLES", 3)
    assert tfidf_terms(corpus, by="article", top_n=12).equals(table)
    monkeypatch.setattr(terms_module, "sentence_word_spans", lambda *_: [])  # every sentence on its own
    assert tfidf_terms(corpus, by="article", top_n=12).equals(table)
    monkeypatch.setattr(terms_module, "lone_sentence_token_spans", lambda *_: [])
    assert tfidf_terms(corpus, by="article", top_n=12).equals(table)


def test_tfidf_of_groups_of_several_articles_against_scikit_learn(tmp_path) -> None:
    """Groups of many articles (and two without an outlet, each its own group): each row's count
    is the term's uses in its group, its weight scikit-learn's for the group's joined texts, and
    its evidence the first article of the group that uses it."""
    articles = generate_articles(40, seed=3)
    articles.loc[[5, 17], "outlet"] = ""
    corpus = load_corpus(write_corpus(articles, tmp_path / "corpus.jsonl"))
    table = tfidf_terms(corpus, by="group", top_n=6)
    grouped = corpus.groupby("group", sort=True)["text"].agg(list)
    assert (
        sorted(table["group"].unique()) == list(grouped.index)
        and len(grouped) == len(set(articles["outlet"])) + 1
    )
    vectorizer = tfidf_vectorizer()
    weights = vectorizer.fit_transform(["\n\n".join(texts) for texts in grouped])
    column = {term: i for i, term in enumerate(vectorizer.get_feature_names_out())}
    for row in table.itertuples():
        texts = grouped[row.group]
        assert row.count == sum(terms(text).count(row.term) for text in texts), row
        assert row.tfidf == round(weights[grouped.index.get_loc(row.group), column[row.term]], 4), row
        first = next(
            i
            for i, text in enumerate(corpus["text"])
            if corpus["group"].iat[i] == row.group and row.term in terms(text)
        )
        assert row.article_id == corpus["article_id"].iat[first]
    assert (table.groupby("group")["rank"].max() == 6).all()


def test_group_sums_are_made_once_per_grouping_of_the_counts(tmp_path, monkeypatch) -> None:
    """TF-IDF by group, keyness and its stability share one summing of the counts by group; the
    tables are those of counts summed afresh for each; another grouping is summed again."""
    articles = generate_articles(40, seed=3)
    articles.loc[[5, 17], "outlet"] = ""
    corpus = load_corpus(write_corpus(articles, tmp_path / "corpus.jsonl"))

    def tables(counts) -> list[pd.DataFrame]:
        return [
            tfidf_terms(corpus, by="article", counts=counts),  # sorts the counts in place, as notebook 02
            tfidf_terms(corpus, by="group", counts=counts),
            keyness(corpus, counts=counts),
            keyness_stability(corpus, counts=counts),
            tfidf_terms(corpus, by="group", counts=counts),
        ]

    summed = []
    real_group_rows = terms_module._group_rows
    monkeypatch.setattr(
        terms_module, "_group_rows", lambda groups: summed.append(1) or real_group_rows(groups)
    )
    counts = count_terms(corpus["text"])
    shared = tables(counts)
    assert len(summed) == 1
    assert tfidf_terms(corpus, by="group", counts=counts).equals(shared[1])  # asked again, from the kept sums
    fresh = [table(corpus, counts=count_terms(corpus["text"])) for table in (keyness, keyness_stability)]
    assert len(summed) == 3
    assert fresh[0].equals(shared[2]) and fresh[1].equals(shared[3]) and shared[4].equals(shared[1])
    regrouped = corpus.assign(group=corpus["group"].where(corpus["group"].str.startswith("unknown"), "one"))
    assert len(keyness(regrouped, counts=counts)) and len(summed) == 4
    assert keyness(corpus, counts=counts).equals(shared[2]) and len(summed) == 5


def test_each_articles_top_terms_are_its_highest_weights_ties_broken_by_term(tmp_path) -> None:
    """The top of each row against sorting all its terms by (weight, term): generated articles
    with many tied weights (terms used once), one shorter than the top and one with no term."""
    articles = generate_articles(30, seed=5)
    articles.loc[3, "text"] = "Fighters fled. Civilians fled."
    articles.loc[7, "text"] = "It was then."
    corpus = load_corpus(write_corpus(articles, tmp_path / "corpus.jsonl"))
    counts = count_terms(corpus["text"])
    weights = tfidf_matrix(counts.matrix).tocsr()
    table = tfidf_terms(corpus, by="article", top_n=8, counts=counts)
    tied = 0
    for row, article_id in enumerate(corpus["article_id"]):
        entries = weights[row].tocoo()
        ranked = sorted(zip(-entries.data, counts.vocabulary[entries.col], strict=True))
        tied += len(ranked) > 8 and ranked[7][0] == ranked[8][0]
        shown = table[table["document"] == article_id]
        assert list(shown["term"]) == [term for _, term in ranked[:8]], article_id
        assert list(shown["rank"]) == list(range(1, len(shown) + 1))
    assert tied > 5  # ties at the cut, where the term decides
    assert (table["document"] == corpus["article_id"].iat[3]).sum() == 5  # 3 words, 2 bigrams
    assert not (table["document"] == corpus["article_id"].iat[7]).any()


def test_terms_are_ranked_by_name_once_per_counts(seeds, monkeypatch) -> None:
    """Every table breaks ties by a term's place in name order: sorted once for the counts and kept."""
    counts = count_terms(seeds["text"])
    sorted_sizes = []

    def spy(names):
        sorted_sizes.append(len(names))
        return name_order(names)

    monkeypatch.setattr(terms_module, "_name_order", spy)
    for by in ("article", "group"):
        tfidf_terms(seeds, by=by, counts=counts)
    keyness(seeds, counts=counts)
    keyness_stability(seeds, counts=counts)
    assert sorted_sizes == [len(counts.vocabulary)]
    names = list(counts.vocabulary)
    assert [names[i] for i in np.argsort(counts.name_rank)] == sorted(names)


def test_terms_are_put_in_name_order_as_python_sorts_them_surrogates_included() -> None:
    names = ["zeta", "Émile", "état", "etat", "z", "ähnlich", "al-baghdadi", "al baghdadi", "1,000", "日本"]
    order = name_order(np.array(names, dtype=object))
    assert [names[i] for i in order] == sorted(names)
    lone = ["b", "\ud800a", "a", "\uffff"]  # a lone surrogate, which UTF-8 cannot encode
    assert [lone[i] for i in name_order(np.array(lone, dtype=object))] == sorted(lone)


def test_counting_on_token_ids_matches_counting_strings_on_awkward_texts() -> None:
    texts = [
        "",  # no tokens at all
        "...",  # punctuation only
        "Kurdish forces advanced. Forces of the SDF held.",  # no bigram across the full stop
        "Forces held\nKurdish forces",  # nor across a line break
        "The U.S. said. Islamic State fighters fled; IS fighters fled!",  # aliases give one term
        "fighters " * 50,  # one term repeated
        "?!",
    ]
    counts = count_terms(texts)
    expected = CountVectorizer(analyzer=terms)
    matrix = expected.fit_transform(texts)
    order = np.argsort(counts.vocabulary.astype(str))
    assert list(counts.vocabulary[order]) == list(expected.get_feature_names_out())
    assert (counts.matrix[:, order] != matrix).nnz == 0
    assert "advanced forces" not in counts.vocabulary and "held kurdish" not in counts.vocabulary
    assert list(counts.words) == [len(tokenize(t)) for t in texts]
    assert count_terms([]).matrix.shape == (0, 0)


def test_english_frequency_reads_wordfreq_exactly() -> None:
    words = [*top_n_list("en", 3000), "encampment", "baghouz", "zzqx", "naïve", "e-mail", "don't", "f16"]
    assert [english_frequency(w) for w in words] == [word_frequency(w, "en") for w in words]
