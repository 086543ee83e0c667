"""Shared passages, sentence alignment and the facts map: on the seeds, on planted synthetic corpora
and on invented articles."""

import difflib
import warnings
from collections import Counter
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import overlap
from analysis.corpus import load_corpus
from analysis.overlap import (
    ALIGNMENT_COLUMNS,
    COVERAGE_COLUMNS,
    FACT_COLUMNS,
    PASSAGE_COLUMNS,
    align_sentences,
    bare_corpus,
    facts_map,
    group_coverage,
    internal_copies,
    plant_passages,
    planted_scores,
    shared_passages,
    stem,
    token_features,
)
from analysis.overlap import _merge_best as merge_best
from analysis.overlap import _mutual as mutual_links
from analysis.overlap import _top_matches as top_matches
from analysis.synthetic import generate_articles, write_corpus
from analysis.text import sentences, tokenize

MAIL, UNKNOWN_001, EXPRESS, RT, UNKNOWN_004 = (
    "000_6439c62e06d1798b",
    "001_badb3ae12ae01373",
    "002_0aef4d501553acae",
    "003_3ae62de2b6d4bced",
    "004_06805eb31a0cf900",
)


def make_corpus(tmp_path: Path, articles: list[dict]) -> pd.DataFrame:
    """Load invented articles (``id, outlet, text`` and optionally ``published``) as a real corpus."""
    path = tmp_path / "articles.jsonl"
    pd.DataFrame(articles).to_json(path, orient="records", lines=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one-article corpora warn, as they should
        return load_corpus(path)


def raw(corpus: pd.DataFrame, article_id: str, start: int, end: int) -> str:
    return corpus.loc[corpus["article_id"] == article_id, "raw_text"].iat[0][start:end]


def sentence_index(corpus: pd.DataFrame, article_id: str, words: str) -> int:
    """Index (in ``sentences`` order) of the sentence of an article that contains ``words``."""
    text = corpus.loc[corpus["article_id"] == article_id, "text"].iat[0]
    return next(i for i, (s, e) in enumerate(sentences(text)) if words in text[s:e])


def rank_of(alignments: pd.DataFrame, a: tuple[str, int], b: tuple[str, int]) -> int | None:
    """Rank (1 = best) of sentence ``b`` among the matches of sentence ``a``, None if absent."""
    rows = alignments[(alignments["article_a"] == a[0]) & (alignments["sentence_a"] == a[1])]
    rows = rows.sort_values("score", ascending=False).reset_index(drop=True)
    hit = rows.index[(rows["article_b"] == b[0]) & (rows["sentence_b"] == b[1])]
    return int(hit[0]) + 1 if len(hit) else None


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """300 generated articles with 20 planted 40-word passages, loaded through the real loader."""
    articles, plants = plant_passages(generate_articles(300, seed=3), n_passages=20, words=40, seed=3)
    path = write_corpus(articles, tmp_path_factory.mktemp("planted") / "articles.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(path), plants


@pytest.fixture(scope="module")
def seed_alignments(seeds: pd.DataFrame) -> pd.DataFrame:
    return align_sentences(seeds)


# --- shared passages -----------------------------------------------------------------------------


def test_planted_passages_are_all_found_with_no_false_pair(planted) -> None:
    corpus, plants = planted
    found = shared_passages(corpus)
    scores = planted_scores(found, plants)
    assert scores["recall"] >= 0.95
    assert scores["false_pairs"] == 0
    assert set(found["kind"]) == {"reuse"}
    assert list(found.columns) == PASSAGE_COLUMNS


def test_passage_offsets_point_at_the_shared_words_in_both_raw_texts(planted) -> None:
    corpus, _ = planted
    found = shared_passages(corpus)
    for row in found.itertuples():
        words_a = tokenize(raw(corpus, row.article_a, row.start_a, row.end_a))
        words_b = tokenize(raw(corpus, row.article_b, row.start_b, row.end_b))
        assert words_a == words_b
        assert len(words_a) == row.n_words
        assert row.text == raw(corpus, row.article_a, row.start_a, row.end_a)


def test_passages_do_not_depend_on_the_block_size_of_the_index(planted, monkeypatch) -> None:
    """The n-gram index and the bigram counts work a block of positions at a time to bound memory;
    blocks of 7 positions (cut through every n-gram and bigram) give the same passages."""
    corpus, _ = planted
    whole = shared_passages(corpus)
    monkeypatch.setattr(overlap, "_BLOCK", 7)
    pd.testing.assert_frame_equal(shared_passages(corpus), whole)
    monkeypatch.setattr(overlap, "_NGRAM_BLOCK", 1_000)  # blocks sorted apart, ranges merged apart
    pd.testing.assert_frame_equal(shared_passages(corpus), whole)


@pytest.mark.parametrize("block", [5, 64, 10_000])
def test_the_ngram_index_groups_every_repeated_ngram_and_only_those(block: int, monkeypatch) -> None:
    """Against counting every n-gram of random token ids: each repeated n-gram is one group of
    all its places, in position order, with its number of articles; however the positions are cut
    into blocks and the hashes into ranges."""
    rng = np.random.default_rng(block)
    ids = rng.integers(0, 6, size=3_000).astype(np.int32)  # 6 words: many 3-grams repeat
    bounds = np.r_[0, np.sort(rng.choice(np.arange(1, 3_000), size=40, replace=False)), 3_000]
    article = np.searchsorted(bounds, np.arange(3_000), side="right") - 1
    places: dict[tuple, list[int]] = {}
    for p in range(3_000 - 2):
        if article[p] == article[p + 2]:
            places.setdefault(tuple(ids[p : p + 3].tolist()), []).append(p)
    expected = {gram: at for gram, at in places.items() if len(at) > 1}
    tokens = SimpleNamespace(ids=ids, article_bounds=bounds)
    monkeypatch.setattr(overlap, "_NGRAM_BLOCK", block)
    index = overlap._ngram_index(tokens, 3)
    assert np.all(index.group_hash[1:] > index.group_hash[:-1]) and np.all(index.group_size > 1)
    found = {}
    for start, size, n_articles in zip(
        index.group_start, index.group_size, index.group_articles, strict=True
    ):
        at = index.positions[start : start + size].tolist()
        assert at == sorted(at) and len({tuple(ids[p : p + 3].tolist()) for p in at}) == 1
        assert n_articles == len(set(article[at].tolist()))
        found[tuple(ids[at[0] : at[0] + 3].tolist())] = at
    assert found == expected and len(index.positions) == sum(map(len, expected.values()))


def test_bigram_counts_match_a_plain_count() -> None:
    ids = np.random.default_rng(0).integers(0, 40, size=1_000).astype(np.int32)
    counted = Counter(zip(ids[:-1].tolist(), ids[1:].tolist(), strict=True))
    absent = next((a, b) for a in range(40) for b in range(40) if (a, b) not in counted)
    asked = [*counted.most_common(2), *counted.most_common()[-2:]]  # the commonest and the rarest
    first = np.array([a for (a, _), _ in asked] + [a for (a, _), _ in asked] + [absent[0]])
    second = np.array([b for (_, b), _ in asked] + [b for (_, b), _ in asked] + [absent[1]])
    expected = [counted[(a, b)] for a, b in zip(first.tolist(), second.tolist(), strict=True)]
    assert overlap._bigram_counts(ids, first, second).tolist() == expected
    assert expected[-1] == 0 and min(expected[:-1]) > 0


def test_passage_ignores_quote_style_case_and_alias_spelling(tmp_path: Path) -> None:
    corpus = make_corpus(
        tmp_path,
        [
            {
                "id": "a",
                "outlet": "One",
                "text": "Officials said on Monday that “Islamic State fighters remain holed up in caves "
                "above the river valley near Baghouz,” adding that the siege would go on.",
            },
            {
                "id": "b",
                "outlet": "Two",
                "text": 'A spokesman told reporters: "DAESH FIGHTERS remain holed up in caves above '
                'the river valley near Baghouz." Nobody knows how many.',
            },
        ],
    )
    found = shared_passages(corpus)
    assert len(found) == 1
    row = found.iloc[0]
    assert row["n_words"] == 13  # ISIS fighters remain holed up in caves above the river valley near Baghouz
    assert raw(corpus, "a", row["start_a"], row["end_a"]) == (
        "Islamic State fighters remain holed up in caves above the river valley near Baghouz"
    )
    assert raw(corpus, "b", row["start_b"], row["end_b"]).startswith("DAESH FIGHTERS")


def test_seed_passages_and_copies(seeds: pd.DataFrame) -> None:
    found = shared_passages(seeds)
    # The seeds share facts, not wording: an idiom of six words between 001 and RT, and a wire
    # phrase between RT and 004.
    assert found[["article_a", "article_b", "n_words", "kind", "text"]].values.tolist() == [
        [UNKNOWN_001, RT, 6, "reuse", "prepared to fight to the death"],
        [RT, "004_06805eb31a0cf900", 6, "reuse", "SDF spokesman Mustafa Bali said on"],
    ]
    copies = internal_copies(seeds)
    assert list(copies.columns) == PASSAGE_COLUMNS
    assert (copies["article_a"] == copies["article_b"]).all()
    assert set(copies["kind"]) == {"copy within article"}
    assert copies["article_a"].tolist() == [MAIL, MAIL, UNKNOWN_001, RT]
    for row in copies.itertuples():
        original = tokenize(raw(seeds, row.article_a, row.start_a, row.end_a))
        copy = tokenize(raw(seeds, row.article_b, row.start_b, row.end_b))
        assert copy[:-1] == original[: len(copy) - 1]  # the same words; a truncated copy cuts the last
        assert row.n_words == len(copy)


def test_boilerplate_kind_and_document_frequency_cap() -> None:
    articles = generate_articles(40, seed=5)
    footer = "Sign up to our free morning briefing for the stories behind the headlines, sent every day"
    articles["text"] = [t + ("\n\n" + footer if i < 25 else "") for i, t in enumerate(articles["text"])]
    corpus = bare_corpus(articles)
    found = shared_passages(corpus)
    assert len(found) == 25 * 24 // 2  # every pair of the 25 articles with the footer
    assert set(found["kind"]) == {"boilerplate"}
    assert (found["n_words"] >= len(tokenize(footer))).all()  # more where the words before match too
    # Over the cap, the footer's n-grams propose no pairs; only articles that also share the word
    # before it share a rarer n-gram, and their span extends through the footer.
    capped = shared_passages(corpus, max_df=20)
    before = pd.Series([tokenize(t)[-len(tokenize(footer)) - 1] for t in articles["text"][:25]])
    assert len(capped) == sum(n * (n - 1) // 2 for n in before.value_counts())
    assert (capped["n_words"] > len(tokenize(footer))).all()
    assert set(shared_passages(corpus, boilerplate_articles=30, boilerplate_groups=30)["kind"]) == {"reuse"}


# --- sentence alignment --------------------------------------------------------------------------


def test_stems_and_features_let_paraphrases_meet() -> None:
    assert stem("foreigners") == stem("foreign")
    assert stem("territorial") == stem("territory")
    assert stem("fighters") == stem("fighting") == stem("fight")
    assert stem("countries") == stem("country")
    assert stem("press") == "press"
    assert token_features("6,500") == token_features("6500") == [("#6500", 1.5)]
    assert token_features("five") == [("#5", 1.5)]
    assert [f for f, _ in token_features("US-backed")] == ["US", "back"]
    assert token_features("the") == []
    assert [f for f, _ in token_features("Syria")] == ["Syria"]


def test_seed_paraphrases_align(seeds: pd.DataFrame, seed_alignments: pd.DataFrame) -> None:
    assert list(seed_alignments.columns) == ALIGNMENT_COLUMNS
    third_a = (MAIL, sentence_index(seeds, MAIL, "once spanned a third of Iraq and Syria"))
    third_b = (UNKNOWN_004, sentence_index(seeds, UNKNOWN_004, "once ruled over a third of both countries"))
    foreign_a = (UNKNOWN_001, sentence_index(seeds, UNKNOWN_001, "including many foreigners"))
    foreign_b = (UNKNOWN_004, sentence_index(seeds, UNKNOWN_004, "are foreign nationals"))
    for a, b in ((third_a, third_b), (foreign_a, foreign_b)):
        assert rank_of(seed_alignments, a, b) is not None and rank_of(seed_alignments, a, b) <= 3
        assert rank_of(seed_alignments, b, a) is not None and rank_of(seed_alignments, b, a) <= 3
    row = seed_alignments[
        (seed_alignments["article_a"] == MAIL) & (seed_alignments["sentence_a"] == third_a[1])
    ].iloc[0]
    assert "once spanned a third of Iraq and Syria" in raw(seeds, MAIL, row["start_a"], row["end_a"])
    matched = raw(seeds, UNKNOWN_004, row["start_b"], row["end_b"])
    assert "once ruled over a third of both countries" in matched
    assert (seed_alignments["article_a"] != seed_alignments["article_b"]).all()
    assert seed_alignments.groupby(["article_a", "sentence_a"]).size().max() <= 3


INVENTED = [
    {
        "id": "wire",
        "outlet": "Wire",
        "published": "2019-03-12T08:00",
        "text": "Kurdish-led forces captured 157 militants who tried to flee Baghouz on Monday.\n\n"
        "The weather in London stayed mild as the football season resumed.\n\n"
        "Officials estimate that 5,000 civilians remain inside the besieged enclave.",
    },
    {
        "id": "paper",
        "outlet": "Paper",
        "published": "2019-03-11T20:00",
        "text": "On Monday the Kurdish fighters caught 157 jihadists trying to escape from Baghouz.\n\n"
        "A new bakery opened on the high street, selling sourdough and pastries.\n\n"
        "Some five thousand civilians are thought to be still inside the besieged enclave.",
    },
    {
        "id": "blog",
        "outlet": "Blog",
        "text": "Shares in technology firms fell sharply on Wall Street.\n\n"
        "Some 157 militants were captured near Baghouz as they tried to flee, Kurdish forces said.",
    },
]


def test_invented_paraphrases_align_and_unrelated_sentences_do_not(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, INVENTED)
    found = align_sentences(corpus, top_k=3)
    assert rank_of(found, ("wire", 0), ("blog", 1)) == 1  # the closest wording
    assert rank_of(found, ("wire", 0), ("paper", 0)) == 2
    assert rank_of(found, ("paper", 0), ("wire", 0)) == 2
    assert rank_of(found, ("blog", 1), ("wire", 0)) == 1
    assert rank_of(found, ("wire", 2), ("paper", 2)) == 1
    unrelated = {("wire", 1), ("paper", 1), ("blog", 0)}
    for side in ("a", "b"):
        keys = set(zip(found[f"article_{side}"], found[f"sentence_{side}"], strict=True))
        assert not keys & unrelated
    assert found["score"].between(0.15, 1.0 + 1e-9).all()


def test_blocking_keeps_a_feature_whose_tail_is_exactly_at_the_threshold_in_any_row(monkeypatch) -> None:
    """A million sentences whose last two features carry exactly min_score^2 of their weight: every
    one must be indexed under the first of them, the millionth as the first (a running sum over all
    the rows reaches 10^6, where it rounds by 1e-10, more than the threshold's tolerance)."""
    monkeypatch.setattr(overlap, "_PREFIX_ROWS", 2_000_000)  # one block: the sums must not rely on blocks
    rows, threshold = 1_000_000, overlap.MIN_SCORE**2
    last = np.random.default_rng(0).uniform(0.001, 0.02, rows)  # varied, so are the roundings
    weights = np.sqrt(np.column_stack([np.full(rows, 1 - threshold), threshold - last, last]).ravel())
    columns, indptr = np.tile([0, 1, 2], rows), np.arange(0, 3 * rows + 1, 3)
    vectors = sparse.csr_matrix((weights, columns, indptr), shape=(rows, 3))
    prefix = overlap._prefix_index(vectors, np.array([rows, rows, rows]), overlap.MIN_SCORE, max_df=rows)
    assert prefix.nnz == 2 * rows  # the first two features of every row; the last alone is below


@pytest.mark.parametrize("min_shared", [2, 3])
def test_blocking_pairs_are_exactly_those_sharing_enough_features(monkeypatch, min_shared: int) -> None:
    """The index of feature pairs proposes every pair of sentences sharing ``min_shared`` blocking
    features and no other, whatever the block and however many parts it is built in: checked
    against counting the shared features of every pair of 400 random sentences."""
    rng = np.random.default_rng(min_shared)
    blocking = sparse.random(400, 60, density=0.08, random_state=rng, format="csr")
    blocking.data[:] = 1.0
    shared = (blocking @ blocking.T).toarray()
    expected = {(a, b) for a, b in zip(*np.nonzero(shared >= min_shared), strict=True) if a < b}
    assert len(expected) > 100
    for part in (overlap._PAIR_INDEX_PART, 13):
        monkeypatch.setattr(overlap, "_PAIR_INDEX_PART", part)
        index = overlap._pair_index(blocking)
        for first, last in ((0, 400), (0, 137), (137, 400), (399, 400)):
            a, b = overlap._block_pairs(index, first, last, min_shared)
            in_block = {(a, b) for a, b in expected if first <= a < last}
            assert set(zip(a.tolist(), b.tolist(), strict=True)) == in_block
            assert np.array_equal(np.lexsort((b, a)), np.arange(len(a)))  # ordered by a, then b


def test_alignment_needs_two_shared_features(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="min_shared must be 2 or more, not 1"):
        align_sentences(make_corpus(tmp_path, INVENTED), min_shared=1)


def test_alignments_do_not_depend_on_how_the_work_is_cut(planted, monkeypatch) -> None:
    """Blocks of sentences, slices of pairs scored at once, the tree of merges of the blocks' best
    matches, the tasks and blocks of the blocking features and the parts in which the index of
    feature pairs is built bound memory and time at scale; cut small (blocks of 50 sentences, 30
    parts of 20,000 of the 585,218 feature pairs, 3 pairs at a time, blocking features in tasks of
    70 sentences, 30 at a time) they change nothing."""
    corpus, _ = planted
    at_once = align_sentences(corpus)
    monkeypatch.setattr(overlap, "ALIGN_BLOCK_ROWS", 50)
    monkeypatch.setattr(overlap, "_PAIR_INDEX_PART", 20_000)
    monkeypatch.setattr(overlap, "_PREFIX_TASK_ROWS", 70)
    monkeypatch.setattr(overlap, "_PREFIX_ROWS", 30)
    monkeypatch.setattr(overlap, "_PAIR_BLOCK", 3)
    merges = []
    merge = overlap._merge_best

    def counted(*args, **kwargs) -> tuple:
        merges.append(1)
        return merge(*args, **kwargs)

    monkeypatch.setattr(overlap, "_merge_best", counted)
    pd.testing.assert_frame_equal(align_sentences(corpus), at_once)
    assert len(merges) == -(-overlap.sentence_vectors(corpus["text"]).vectors.shape[0] // 50) - 1
    assert len(at_once) > 100


def test_sentence_vectors_are_kept_for_the_last_texts_only_and_read_only() -> None:
    texts = ["Kurdish forces took the last village. Fighters fled east.", "The village fell on Saturday."]
    first = overlap.sentence_vectors(texts)
    assert overlap.sentence_vectors(list(texts)) is first  # the same texts: not computed again
    with pytest.raises(ValueError, match="read-only"):
        first.vectors.data[0] = 0.0
    changed = overlap.sentence_vectors([texts[0], "Civilians left the crowded camp."])
    assert changed.vectors.shape[1] > first.vectors.shape[1]  # new words, new features
    assert overlap.sentence_vectors(texts) is not first  # only the last texts are kept
    assert (overlap.sentence_vectors(texts).vectors != first.vectors).nnz == 0


def test_planted_sentences_align_with_their_source(planted) -> None:
    corpus, plants = planted
    found = align_sentences(corpus)
    pairs = set(zip(found["article_a"], found["article_b"], strict=True))
    assert all((p.target, p.source) in pairs for p in plants.itertuples())


# --- facts ---------------------------------------------------------------------------------------


def test_facts_on_invented_articles(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, INVENTED)
    facts = facts_map(align_sentences(corpus), corpus)
    assert list(facts.columns) == FACT_COLUMNS
    captured = facts.iloc[0]
    assert captured["groups"] == ["Blog", "Paper", "Wire"] and captured["n_groups"] == 3
    assert sorted(captured["sentences"]) == [("blog", 1), ("paper", 0), ("wire", 0)]
    assert captured["first_group"] == "Paper"  # 20:00 on the 11th, before the wire's 08:00 on the 12th
    assert captured["first_published"] == pd.Timestamp("2019-03-11T20:00", tz="UTC")
    civilians = facts[facts["sentences"].map(lambda s: ("wire", 2) in s)].iloc[0]
    assert civilians["groups"] == ["Paper", "Wire"]
    coverage = group_coverage(facts).set_index("group")
    assert list(coverage.reset_index().columns) == COVERAGE_COLUMNS
    assert coverage.loc["Blog", "leaves_out"] == 1  # the civilians, which both others report
    assert coverage.loc["Blog", "reported"] == 2 and coverage.loc["Blog", "adds"] == 1  # Wall Street
    unrelated = facts[facts["n_groups"] == 1]
    assert (unrelated["n_sentences"] == 1).all()
    assert {(r.article_id, r.text[:12]) for r in unrelated.itertuples()} == {
        ("wire", "The weather "),
        ("paper", "A new bakery"),
        ("blog", "Shares in te"),
    }


def test_merging_two_parts_keeps_the_best_matches_as_sorting_them_all_does() -> None:
    rng = np.random.default_rng(0)
    pairs = np.unique(rng.integers(0, 60, size=(3000, 2)), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    score = rng.choice([0.2, 0.5, 0.5, 0.9], size=len(pairs))  # ties across the parts
    part = rng.random(len(pairs)) < 0.4
    earlier, later = (top_matches(pairs[side, 0], pairs[side, 1], score[side], 3) for side in (part, ~part))
    assert len(np.intersect1d(earlier[0], later[0])) > 20  # sentences with matches in both parts
    expected = top_matches(*(np.concatenate([earlier[k], later[k]]) for k in range(3)), 3)
    for got, want in zip(merge_best(earlier, later, 3), expected, strict=True):
        assert got.tolist() == want.tolist()
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    assert [len(x) for x in merge_best(empty, empty, 3)] == [0, 0, 0]


def test_mutual_links_keep_each_pair_once_and_drop_one_way_links() -> None:
    a = np.array([0, 5, 2, 7, 9, 3])
    b = np.array([5, 0, 7, 2, 4, 8])  # 0<->5 and 2<->7 both ways; 9->4 and 3->8 one way
    assert mutual_links(a, b, 10).tolist() == [True, False, True, False, False, False]
    assert mutual_links(b, a, 10).tolist() == [False, True, False, True, False, False]


def test_chained_alignments_are_cut_at_their_weakest_links(tmp_path: Path) -> None:
    x = "Alpha bravo charlie delta.\n\nFoxtrot golf hotel india.\n\nKilo lima mike november."
    y = "Papa quebec romeo sierra.\n\nUniform victor whiskey xray.\n\nZulu alpha bravo charlie."
    corpus = make_corpus(
        tmp_path, [{"id": "x", "outlet": "X", "text": x}, {"id": "y", "outlet": "Y", "text": y}]
    )
    links = [("x", 0, "y", 0, 0.9), ("y", 0, "x", 1, 0.3), ("x", 1, "y", 1, 0.9), ("y", 1, "x", 2, 0.3)]
    rows = [
        {"article_a": a, "sentence_a": i, "article_b": b, "sentence_b": j, "score": s}
        for a, i, b, j, s in links
    ]
    one_way = pd.DataFrame(rows)
    assert facts_map(one_way, corpus, max_per_article=3)["n_sentences"].max() == 1  # links must be mutual
    swap = {f"{name}_{x}": f"{name}_{y}" for name in ("article", "sentence") for x, y in ("ab", "ba")}
    alignments = pd.concat([one_way, one_way.rename(columns=swap)])
    chained = facts_map(alignments, corpus, max_per_article=3)
    assert chained["n_sentences"].max() == 5
    facts = facts_map(alignments, corpus, max_per_article=1)
    assert sorted(map(sorted, facts["sentences"])) == [
        [("x", 0), ("y", 0)],
        [("x", 1), ("y", 1)],
        [("x", 2)],
        [("y", 2)],
    ]


def test_seed_facts(seeds: pd.DataFrame, seed_alignments: pd.DataFrame) -> None:
    facts = facts_map(seed_alignments, seeds)
    third = (MAIL, sentence_index(seeds, MAIL, "once spanned a third"))
    fact = facts[facts["sentences"].map(lambda s: third in s)].iloc[0]
    assert (UNKNOWN_004, sentence_index(seeds, UNKNOWN_004, "once ruled over a third")) in fact["sentences"]
    assert fact["first_group"] == "RT"  # the one dated article reports it too
    dated = seeds.loc[seeds["published"] != "", "article_id"].tolist()
    has_date = facts["sentences"].map(lambda members: any(article in dated for article, _ in members))
    assert has_date.any() and (~has_date).any()
    assert (facts.loc[has_date, "first_group"] == "RT").all()
    assert (
        facts.loc[~has_date, "first_group"].isna().all()
        and facts.loc[~has_date, "first_published"].isna().all()
    )
    by_id = seeds.set_index("article_id")
    for row in facts.itertuples():  # the representative is one of the fact's articles, groups theirs
        assert by_id.at[row.article_id, "raw_text"][row.start : row.end] == row.text
        assert row.article_id in {article for article, _ in row.sentences}
        assert row.groups == sorted({by_id.at[article, "group"] for article, _ in row.sentences})
    assert facts.attrs["groups"] == sorted(seeds["group"])
    coverage = group_coverage(facts)
    assert len(coverage) == 5
    assert coverage["adds"].sum() == (facts["n_groups"] == 1).sum()
    assert (coverage["reported"] >= coverage["adds"]).all()
    every_group = facts[facts["n_groups"] == 5]
    assert len(every_group) >= 1
    assert facts["n_groups"].is_monotonic_decreasing


@pytest.mark.parametrize("n_groups", [1, 2, 3, 7])
def test_group_coverage_counts_what_its_definition_says(n_groups: int) -> None:
    """Against the definition, group by group, on random facts (a group may report nothing)."""
    rng = np.random.default_rng(n_groups)
    groups = [f"g{i}" for i in range(n_groups)]
    reported = [
        sorted(rng.choice(groups, size=rng.integers(1, n_groups + 1), replace=False)) for _ in range(300)
    ]
    facts = pd.DataFrame({"groups": reported})
    facts.attrs["groups"] = groups
    coverage = group_coverage(facts).set_index("group")
    for group in groups:
        others = set(groups) - {group}
        assert coverage.loc[group, "reported"] == sum(group in r for r in reported)
        assert coverage.loc[group, "adds"] == sum(r == [group] for r in reported)
        assert coverage.loc[group, "leaves_out"] == sum(bool(others) and set(r) == others for r in reported)
    assert coverage["leaves_out"].sum() > 0 or n_groups == 1


@pytest.mark.parametrize("seed", range(12))
def test_candidate_quote_pairs_hold_every_pair_that_can_be_shared(seed: int, monkeypatch) -> None:
    """Against every pair: a pair left out is neither identical, nor trimmed, nor alike enough."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(int(rng.integers(4, 40)))]
    weights = 1 / np.arange(1, len(vocabulary) + 1)
    quotes: list[tuple[str, ...]] = []
    for _ in range(80):
        kind = rng.integers(0, 4)
        long = [q for q in quotes if len(q) >= 12]
        if long and kind == 0:  # a short stretch of a long earlier quote: alike by no ratio
            base = long[rng.integers(len(long))]
            start = int(rng.integers(0, len(base) + 1))
            quotes.append(base[start : start + int(rng.integers(0, 4))])
        elif quotes and kind == 1:  # an earlier quote with a few words changed
            words = list(quotes[rng.integers(len(quotes))])
            for k in rng.integers(0, max(len(words), 1), size=min(2, len(words))):
                words[k] = str(rng.choice(vocabulary))
            quotes.append(tuple(words))
        else:
            size = int(rng.integers(0, 20))
            quotes.append(tuple(rng.choice(vocabulary, size=size, p=weights / weights.sum())))
    groups = [f"g{k}" for k in rng.integers(0, 4, size=len(quotes))]
    candidates = overlap._candidate_pairs(quotes, 0.5, groups)
    assert candidates == sorted(set(candidates))
    monkeypatch.setattr(overlap, "PAIR_CELLS", 3 * len(quotes))  # blocks of 3 rows
    assert overlap._candidate_pairs(quotes, 0.5, groups) == candidates
    every = list(combinations(range(len(quotes)), 2))
    for i, j in every:
        a, b = list(quotes[i]), list(quotes[j])
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        shared = overlap._relation(a, b) != "reworded" or matcher.ratio() >= 0.5
        # Exactly the pairs of different groups alike by bags of words: quick_ratio, or containment.
        bag_a, bag_b = Counter(a), Counter(b)
        alike = matcher.quick_ratio() >= 0.5 or (bag_a <= bag_b and a) or (bag_b <= bag_a and b) or a == b
        assert ((i, j) in candidates) == (bool(alike) and groups[i] != groups[j]), (quotes[i], quotes[j])
        assert not shared or groups[i] == groups[j] or (i, j) in candidates
    assert len(candidates) < len(every)
    # The shorter quote holds only the longer one's commonest words: no ratio pairs them, trimming does.
    common = [("the", "of", f"x{i}") for i in range(5)]
    quotes = [*common, ("the", "of"), ("the", "of", *(f"rare{i}" for i in range(10)))]
    assert (5, 6) in overlap._candidate_pairs(quotes, 0.5)


# --- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["Only one article here, which cannot share anything with another one at all."],
        ["", "   ", "!!! ... ???"],
        ["No sentence", ""],
    ],
    ids=["empty corpus", "one article", "no words", "no sentence"],
)
def test_hostile_input_gives_empty_tables(texts: list[str]) -> None:
    articles = pd.DataFrame(
        {
            "id": [f"a{i}" for i in range(len(texts))],
            "outlet": ["O"] * len(texts),
            "published": [pd.NaT] * len(texts),
            "text": pd.Series(texts, dtype=object),
        }
    )
    corpus = bare_corpus(articles)
    assert shared_passages(corpus).empty
    alignments = align_sentences(corpus)
    assert alignments.empty and list(alignments.columns) == ALIGNMENT_COLUMNS
    facts = facts_map(alignments, corpus)
    assert list(facts.columns) == FACT_COLUMNS
    assert np.all(facts["n_groups"] <= 1)
    assert list(group_coverage(facts).columns) == COVERAGE_COLUMNS


def test_a_wire_phrase_shared_by_two_seed_articles_counts_a_name_as_its_words(seeds):
    found = shared_passages(seeds)
    raw = dict(zip(seeds["article_id"], seeds["raw_text"], strict=True))
    spokesman = found[found["text"] == "SDF spokesman Mustafa Bali said on"]
    assert len(spokesman) == 1
    row = spokesman.iloc[0]
    assert row["n_words"] == 6, "six words, though 'Mustafa Bali' is one token"
    assert raw[row["article_a"]][row["start_a"] : row["end_a"]] == row["text"]
    assert raw[row["article_b"]][row["start_b"] : row["end_b"]] == row["text"]
    assert {row["article_a"][:3], row["article_b"][:3]} == {"003", "004"}
    assert row["kind"] == "reuse"


def test_shared_quotes_identical_trimmed_and_reworded(tmp_path: Path) -> None:
    from analysis.overlap import shared_quotes, word_diff
    from analysis.quotes import corpus_quotes

    said = "The ceasefire will hold if both sides keep their word, and we expect talks by Friday"
    table = pd.DataFrame(
        {
            "outlet": ["Wire", "Paper", "Site", "Blog"],
            "text": [
                f'Ahmed Karimi, the mediator, said: "{said}."',
                f'"{said}," mediator Ahmed Karimi told reporters.',
                'Ahmed Karimi said: "The ceasefire will hold if both sides keep their word."',
                'Ahmed Karimi said: "The ceasefire may hold if the two sides keep their word."',
            ],
        }
    )
    table.to_csv(tmp_path / "quotes.csv", index=False)
    corpus = load_corpus(tmp_path / "quotes.csv")
    pairs = shared_quotes(corpus_quotes(corpus))
    relation = {frozenset((r.group_a, r.group_b)): r.relation for r in pairs.itertuples()}
    assert relation[frozenset(("Wire", "Paper"))] == "identical"
    assert relation[frozenset(("Wire", "Site"))] == "trimmed"
    assert relation[frozenset(("Site", "Blog"))] == "reworded"
    raw = dict(zip(corpus["article_id"], corpus["raw_text"], strict=True))
    for row in pairs.itertuples():
        assert raw[row.article_a][row.start_a : row.end_a] == row.quote_a
        assert raw[row.article_b][row.start_b : row.end_b] == row.quote_b
    assert word_diff("will hold if both sides", "may hold if the two sides") == (
        "[-will-] {+may+} hold if [-both-] {+the two+} sides"
    )


def test_a_quote_repeated_through_a_live_blog_is_compared_once_per_group(tmp_path: Path) -> None:
    from analysis.overlap import shared_quotes
    from analysis.quotes import corpus_quotes

    line = 'Ahmed Karimi said: "The ceasefire will hold if both sides keep their word."'
    blog = "\n\n".join(f"Update {k}: {line}" for k in range(300))
    table = pd.DataFrame({"outlet": ["Wire", "Blog"], "text": [line, blog]})
    table.to_csv(tmp_path / "quotes.csv", index=False)
    corpus = load_corpus(tmp_path / "quotes.csv")
    quotes = corpus_quotes(corpus)
    assert (quotes["group"] == "Blog").sum() == 300
    pairs = shared_quotes(quotes)
    assert len(pairs) == 1 and pairs.iloc[0]["relation"] == "identical"
    pair = pairs.iloc[0]
    blog_side = "b" if pair["group_b"] == "Blog" else "a"
    raw = corpus.set_index("article_id").loc[pair[f"article_{blog_side}"], "raw_text"]
    start, end = pair[f"start_{blog_side}"], pair[f"end_{blog_side}"]
    assert raw[start:end] == pair[f"quote_{blog_side}"] and end < raw.index("Update 1:")  # the first of them


def test_reuse_shares_are_shares_of_each_articles_words(seeds: pd.DataFrame) -> None:
    from analysis.overlap import reuse_shares

    shares = reuse_shares(shared_passages(seeds), seeds)
    assert list(shares.index) == list(shares.columns) == list(seeds["article_id"])
    assert (shares.to_numpy().diagonal() == 0).all() and shares.to_numpy().max() < 0.05
    words_004 = len(tokenize(seeds.set_index("article_id").at["004_06805eb31a0cf900", "text"]))
    assert shares.loc["004_06805eb31a0cf900", RT] == round(6 / words_004, 4)
