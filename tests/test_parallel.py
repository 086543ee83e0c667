"""The pipeline gives the same answers in this process and on a Dask cluster of 2 workers."""

import gc
import operator

import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from analysis import framing, overlap, parallel, terms, text
from analysis.corpus import load_corpus
from analysis.figures import compare_figures, corpus_figures
from analysis.overlap import align_sentences, bare_corpus, plant_passages, shared_passages
from analysis.quotes import corpus_credits, corpus_quotes
from analysis.synthetic import generate_articles, write_corpus
from analysis.terms import count_terms
from analysis.text import corpus_tokens


@pytest.fixture(scope="module")
def cluster_client():
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


class _Forgetful(dict):
    def __setitem__(self, key, value) -> None:
        pass


@pytest.fixture(autouse=True)
def tokens_computed_each_time(monkeypatch) -> None:
    """Every call tokenizes, here and on the cluster: the cache of the last tokens would answer the second."""
    monkeypatch.setattr(text, "_LAST_TOKENS", _Forgetful())


@pytest.fixture(scope="module")
def generated():
    articles, _ = plant_passages(generate_articles(120, seed=3), 6, 40, seed=3)
    return bare_corpus(articles)


def _same_tokens(a, b) -> None:
    assert a.vocabulary == b.vocabulary
    assert np.array_equal(a.ids, b.ids)
    assert np.array_equal(a.sentence_bounds, b.sentence_bounds)
    assert np.array_equal(a.article_sentences, b.article_sentences)
    assert np.array_equal(a.sentence_spans, b.sentence_spans)


def test_chunks_are_consecutive_and_read_lazily() -> None:
    read = []

    def numbers():
        for i in range(7):
            read.append(i)
            yield i

    batches = parallel.chunks(numbers(), 3)
    assert next(batches) == [0, 1, 2] and read == [0, 1, 2]
    assert list(batches) == [[3, 4, 5], [6]]
    assert list(parallel.chunks([], 3)) == []


def test_map_chunks_keeps_chunk_order_here_and_on_the_cluster(cluster_client) -> None:
    expected = [[0, 1], [2, 3], [4, 5], [6]]
    assert list(parallel.map_chunks(list, range(7), 2)) == expected
    with parallel.using(cluster_client):
        assert parallel.client() is cluster_client
        assert list(parallel.map_chunks(list, iter(range(7)), 2)) == expected
    assert parallel.client() is None  # the test run sets neither WORKERS nor SCHEDULER


def test_data_sent_to_the_cluster_is_not_hashed(cluster_client, monkeypatch) -> None:
    # Dask names scattered data by hashing it (its printed form: 0.56 s per 20 MB chunk) unless told not to.
    import distributed.client

    hashed = []
    monkeypatch.setattr(distributed.client, "tokenize", lambda *args, **kw: hashed.append(args) or "k")
    big = np.arange(10)
    with parallel.using(cluster_client):
        assert list(
            parallel.map_chunks(lambda chunk, big: sum(chunk) + big.sum(), range(7), 2, shared={"big": big})
        )
        assert parallel.reduce_chunks(list, operator.add, range(7), 2) == list(range(7))
    assert not [args for args in hashed if any(isinstance(a, bytes | np.ndarray) for a in args)]


def test_reduce_chunks_folds_in_chunk_order_here_and_on_the_cluster(cluster_client) -> None:
    # List concatenation is associative but not commutative: any reordering of chunks would show.
    expected = list(range(23))
    combined = []

    def concatenate(earlier: list, later: list) -> list:
        combined.append((len(earlier), len(later)))
        return earlier + later

    assert parallel.reduce_chunks(list, concatenate, range(23), 3) == expected
    assert len(combined) == 7  # 8 chunks, combined pairwise: no chunk is merged more than 3 times
    assert max(a + b for a, b in combined[:-1]) <= 12 and sorted(combined)[-1] == (12, 11)
    with parallel.using(cluster_client):
        assert parallel.reduce_chunks(list, operator.add, iter(range(23)), 3) == expected
        ran_here = []
        assert parallel.reduce_chunks(
            lambda chunk: ran_here.append(chunk) or chunk, operator.add, range(2), 3
        ) == [0, 1]
        assert ran_here == [[0, 1]]  # one chunk runs in this process, as in map_chunks
    assert parallel.reduce_chunks(list, operator.add, [], 3) is None


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 articles, so the seeds and a small corpus are split across the workers."""
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 7)
    monkeypatch.setattr(terms, "CHUNK_ARTICLES", 7)


def test_tokens_and_term_counts_are_identical_on_the_cluster(
    cluster_client, seeds, generated, small_chunks
) -> None:
    for texts in (list(seeds["text"]), list(generated["text"])):
        here = corpus_tokens(texts, chunk=len(texts))
        here_counts = count_terms(texts)
        with parallel.using(cluster_client):
            there = corpus_tokens(iter(texts))
            there_counts = count_terms(texts)
        _same_tokens(here, there)
        assert list(here_counts.vocabulary) == list(there_counts.vocabulary)
        assert (here_counts.matrix != there_counts.matrix).nnz == 0


def test_keyness_stability_is_identical_in_chunks_and_on_the_cluster(
    cluster_client, generated, small_chunks, monkeypatch
) -> None:
    """Each group resamples from its own stream, so how the groups are chunked changes nothing."""
    here = terms.keyness_stability(generated, top_n=5)
    with parallel.using(cluster_client):
        there = terms.keyness_stability(generated, top_n=5)
    monkeypatch.setattr(terms, "CHUNK_ARTICLES", 10_000)
    whole = terms.keyness_stability(generated, top_n=5)
    assert generated["group"].nunique() > 3 and len(here) == 5 * generated["group"].nunique()
    assert here.equals(there) and here.equals(whole)
    assert 0 < here["stability"].mean() < 1


def test_shared_passages_are_identical_on_the_cluster(
    cluster_client, generated, small_chunks, monkeypatch
) -> None:
    here = shared_passages(generated)
    monkeypatch.setattr(overlap, "_NGRAM_BLOCK", 5_000)  # the n-gram index in tasks, spread over the workers
    with parallel.using(cluster_client):
        there = shared_passages(generated)
    assert len(here) >= 6  # the planted passages at least
    assert len(corpus_tokens(generated["text"]).ids) > 10 * 5_000  # ten blocks of n-grams or more
    assert here.equals(there)


def test_sentence_alignments_are_identical_on_the_cluster(cluster_client, generated, monkeypatch) -> None:
    monkeypatch.setattr(overlap, "ALIGN_BLOCK_ROWS", 300)  # several blocks, spread over the workers
    monkeypatch.setattr(overlap, "_PREFIX_TASK_ROWS", 300)  # and the blocking index in tasks
    monkeypatch.setattr(overlap, "_PAIR_INDEX_PART", 2_000)
    here = align_sentences(generated)
    with parallel.using(cluster_client):
        there = align_sentences(generated)
    assert len(here) > 100
    assert here.equals(there)
    monkeypatch.setattr(overlap, "ALIGN_BLOCK_ROWS", 100_000)  # one block: the block size changes nothing
    assert align_sentences(generated).equals(here)


def test_chunk_size_does_not_change_the_tokens(generated) -> None:
    texts = list(generated["text"])
    _same_tokens(corpus_tokens(texts, chunk=1), corpus_tokens(texts))


def test_workers_must_be_a_whole_number(monkeypatch) -> None:
    monkeypatch.setenv("WORKERS", "two")
    parallel._client_from_environment.cache_clear()
    try:
        with pytest.raises(ValueError, match="WORKERS must be a whole number"):
            parallel.client()
    finally:
        parallel._client_from_environment.cache_clear()


def test_progress_bar_only_for_work_of_several_chunks(capsys, monkeypatch) -> None:
    monkeypatch.delenv("PROGRESS", raising=False)
    assert list(parallel.map_chunks(len, range(5), 10, label="counting")) == [5]
    assert "counting" not in capsys.readouterr().err  # one chunk: nothing to watch
    assert list(parallel.map_chunks(len, range(25), 10, label="counting")) == [10, 10, 5]
    bar = capsys.readouterr().err
    assert "counting: 100%" in bar and "3/3" in bar
    monkeypatch.setenv("PROGRESS", "off")
    assert list(parallel.map_chunks(len, range(25), 10, label="counting")) == [10, 10, 5]
    assert capsys.readouterr().err == ""


def test_map_frames_equals_the_whole_table_here_and_on_the_cluster(cluster_client) -> None:
    frame = pd.DataFrame({"article_id": [f"a{i}" for i in range(23)], "text": ["x y"] * 20 + ["", "", "z"]})

    def words(rows: pd.DataFrame) -> pd.DataFrame:  # per row: one output row per word, none for ""
        out = [
            (a, w, len(w)) for a, t in zip(rows["article_id"], rows["text"], strict=True) for w in t.split()
        ]
        return pd.DataFrame(out, columns=["article_id", "word", "length"])

    whole = words(frame)
    assert parallel.map_frames(words, frame, 4).equals(whole)
    assert parallel.map_frames(words, frame, 21).equals(whole)  # the last slice has no words
    with parallel.using(cluster_client):
        assert parallel.map_frames(words, frame, 4).equals(whole)


def test_loading_figures_and_quotes_are_identical_on_the_cluster(
    cluster_client, tmp_path, small_chunks
) -> None:
    table = write_corpus(generate_articles(30, seed=5), tmp_path / "corpus.jsonl")
    here = load_corpus(table)
    here_figures, here_quotes = corpus_figures(here), corpus_quotes(here)
    with parallel.using(cluster_client):
        there = load_corpus(table)
        there_figures, there_quotes = corpus_figures(there), corpus_quotes(there)
    assert len(here) == 30 and here.drop(columns=["removals", "embeds"]).equals(
        there.drop(columns=["removals", "embeds"])
    )
    assert list(here["removals"]) == list(there["removals"])
    assert len(here_figures) > 30 and here_figures.equals(there_figures)
    assert len(here_quotes) > 10 and here_quotes.equals(there_quotes)


def test_figure_comparison_is_identical_on_the_cluster(cluster_client, seeds) -> None:
    figures = corpus_figures(seeds)
    compared = compare_figures(figures)
    assert compared["class"].nunique() > 2  # a task per class, spread over the workers
    with parallel.using(cluster_client):
        assert compare_figures(figures).equals(compared)


def test_credits_are_identical_in_chunks_and_on_the_cluster(
    cluster_client, seeds, tmp_path, monkeypatch
) -> None:
    generated = load_corpus(write_corpus(generate_articles(12, seed=3), tmp_path / "generated.parquet"))
    corpus = pd.concat([generated.iloc[:4], seeds, generated.iloc[4:]], ignore_index=True)
    here = corpus_credits(corpus)  # one chunk
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 7)
    with parallel.using(cluster_client):
        there = corpus_credits(corpus)
    assert here["in_caption"].any() and (~here["in_caption"]).any()
    pd.testing.assert_frame_equal(here, there)


def test_framing_tables_are_identical_on_the_cluster(cluster_client, seeds, tmp_path, monkeypatch) -> None:
    generated = load_corpus(write_corpus(generate_articles(12, seed=3), tmp_path / "generated.parquet"))
    corpus = pd.concat([generated.iloc[:4], seeds, generated.iloc[4:]], ignore_index=True)
    tables = (*framing.CORPUS_TABLES, lambda corpus: framing.sentence_frames(corpus, min_cues=2))
    monkeypatch.setattr(framing, "_LAST", {})
    here = [table(corpus) for table in tables]  # one chunk
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 7)  # three: the seeds' labels span two of them
    framing._LAST.clear()
    with parallel.using(cluster_client):
        there = [table(corpus) for table in tables]
    assert all(len(table) for table in here)
    for a, b in zip(here, there, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_a_text_column_is_hashed_once_while_it_lives(seeds, monkeypatch) -> None:
    hashed = []
    hash_strings = parallel._hash_strings
    monkeypatch.setattr(
        parallel,
        "_hash_strings",
        lambda chunk, *digests: hashed.append(chunk) or hash_strings(chunk, *digests),
    )
    monkeypatch.setattr(parallel, "_TEXT_KEYS", {})
    key = parallel.content_key(seeds[["article_id", "text"]])
    assert len(hashed) == 2  # both columns are Arrow text
    assert parallel.content_key(seeds[["article_id", "text"]]) == key and len(hashed) == 2  # the same arrays
    changed = seeds[["article_id", "text"]].copy()
    changed.loc[3, "text"] += " One more sentence."
    assert parallel.content_key(changed) != key and len(hashed) == 3  # a changed column is a new array
    assert parallel.content_key(list(seeds["text"])) == parallel.content_key(list(seeds["text"]))
    assert len(hashed) == 5  # a list is made an Arrow array each time, so hashed each time


def test_content_key_of_a_table_changes_with_any_value_and_only_then(seeds) -> None:
    table = seeds[["article_id", "text", "offset_map"]].copy()
    table["words"] = table["text"].str.len()
    key = parallel.content_key(table)
    assert parallel.content_key(table.copy()) == key
    assert parallel.content_key(table.reset_index(drop=True).set_axis(range(5, 10))) == key  # not the index
    changed_text = table.assign(text=table["text"].str.replace("Baghouz", "Baghuz", n=1))
    changed_map = table.assign(offset_map=[*table["offset_map"].iloc[:-1], ()])
    changed_number = table.assign(words=table["words"] + np.arange(len(table)) // (len(table) - 1))
    keys = {parallel.content_key(t) for t in (table, changed_text, changed_map, changed_number)}
    assert len(keys) == 4
    # A slice of an Arrow column shares its buffers: only its own values count.
    column = table["text"]
    assert parallel.content_key(column.iloc[1:3]) == parallel.content_key(
        pd.Series(list(column.iloc[1:3]), dtype="str")
    )
    assert parallel.content_key(column.iloc[1:3]) != parallel.content_key(column.iloc[2:4])
    assert parallel.content_key(["a\udc80"]) != parallel.content_key(["a"])  # a lone surrogate: pickled
    assert parallel.content_key([(1, 2), (3,)]) != parallel.content_key([(1, 2), (4,)])
    with_missing = pd.Series(["a", None, "b"], dtype="str")
    assert parallel.content_key(with_missing) != parallel.content_key(pd.Series(["a", "", "b"], dtype="str"))


def test_the_facts_map_is_built_with_the_cycle_collector_paused(seeds, monkeypatch) -> None:
    collecting = []
    slices = overlap._slices
    monkeypatch.setattr(overlap, "_slices", lambda *args: collecting.append(gc.isenabled()) or slices(*args))
    facts = overlap.facts_map(align_sentences(seeds), seeds)
    assert len(facts) and collecting and not any(collecting)
    assert gc.isenabled()


def test_results_from_the_cluster_are_read_with_the_cycle_collector_paused(cluster_client) -> None:
    class CollectorState:
        """Read back as whether the collector runs at that moment (unpickling calls gc.isenabled)."""

        def __reduce__(self):
            return gc.isenabled, ()

    with parallel.using(cluster_client):
        states = list(parallel.map_chunks(lambda batch: [CollectorState() for _ in batch], range(5), size=2))
    assert states == [[False, False], [False, False], [False]]
    assert gc.isenabled()


def test_chunks_are_worked_with_the_cycle_collector_paused_then_restored() -> None:
    assert list(parallel.map_chunks(lambda batch: gc.isenabled(), range(6), size=2)) == [False] * 3
    collecting = parallel.reduce_chunks(lambda batch: [gc.isenabled()], operator.add, range(6), size=2)
    assert collecting == [False] * 3
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        list(parallel.map_chunks(lambda batch: 1 / 0, range(4), size=2))
    assert gc.isenabled()
    gc.disable()  # a caller's choice is kept
    try:
        assert list(parallel.map_chunks(len, range(4), size=2)) == [2, 2]
        assert not gc.isenabled()
    finally:
        gc.enable()
