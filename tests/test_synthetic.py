"""The synthetic corpus behind ``make bench`` must look like news text and never drift.

Benchmarks are only comparable across commits if the generator is deterministic, and only
meaningful if its vocabulary, article length and word frequencies resemble real news.
"""

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.synthetic import FUNCTION_WORDS, OUTLETS, generate_articles, vocabulary, write_corpus

WORD = re.compile(r"[a-z]+")


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return generate_articles(3_000, seed=0)


@pytest.fixture(scope="module")
def word_counts(corpus: pd.DataFrame) -> Counter[str]:
    return Counter(WORD.findall("\n".join(corpus["text"]).lower()))


def test_same_seed_same_frame_and_other_seed_other_text() -> None:
    pd.testing.assert_frame_equal(generate_articles(40, seed=3), generate_articles(40, seed=3))
    assert not generate_articles(40, seed=3)["text"].equals(generate_articles(40, seed=4)["text"])


def test_vocabulary_has_50_000_distinct_pseudo_words_after_the_function_words() -> None:
    words = vocabulary(50_000)
    pseudo = words[len(FUNCTION_WORDS) :]
    assert words[: len(FUNCTION_WORDS)] == FUNCTION_WORDS
    assert len(set(pseudo)) == len(pseudo) == 50_000
    assert not set(pseudo) & set(FUNCTION_WORDS)
    assert all(WORD.fullmatch(w) and len(w) > 1 for w in pseudo)


def test_sample_reaches_deep_into_the_vocabulary(word_counts: Counter[str]) -> None:
    # 1.8 million tokens leave only the rarest ~3 % of a Zipfian vocabulary unseen.
    assert len(word_counts) > 45_000


def test_articles_have_about_the_requested_number_of_words(corpus: pd.DataFrame) -> None:
    words = corpus["text"].str.split().str.len()
    assert abs(words.mean() - 600) < 30
    assert words.between(400, 800).all()
    assert generate_articles(20, words_per_article=100)["text"].str.split().str.len().between(60, 160).all()


def test_rank_frequency_is_zipfian(word_counts: Counter[str]) -> None:
    frequencies = np.array(sorted(word_counts.values(), reverse=True), dtype=float)
    ranks = np.arange(10, 1_001)
    slope, _ = np.polyfit(np.log(ranks), np.log(frequencies[ranks - 1]), 1)
    assert -1.4 < slope < -0.8
    assert word_counts.most_common(1)[0][0] == "the"


def test_text_has_the_shapes_of_news(corpus: pd.DataFrame) -> None:
    text = corpus["text"]
    assert text.str.endswith(".").all()
    assert (~corpus["headline"].str.contains(r"[.,;:!?]$")).all()
    assert corpus["headline"].str.match(r"[A-Z]").all()
    assert text.str.contains("\n\n").mean() > 0.9
    assert text.str.contains(r"“[A-Z][^”]*,” said [A-Z]\w+ [A-Z]\w+\.").mean() > 0.9
    assert text.str.contains(r"\b\d{1,2},\d{3}\b").mean() > 0.5
    sentences = [s for body in text.head(50) for s in re.split(r"(?<=\.)\s+", body)]
    assert all(s[0] in "“ABCDEFGHIJKLMNOPQRSTUVWXYZ" for s in sentences)
    assert set(corpus["outlet"]) == set(OUTLETS) and len(OUTLETS) == 20


@pytest.mark.parametrize("name", ["corpus.parquet", "corpus.jsonl", "corpus"])
def test_write_corpus_round_trips(tmp_path: Path, name: str) -> None:
    df = generate_articles(25, seed=1)
    path = write_corpus(df, tmp_path / name)
    if path.suffix == ".parquet":
        back = pd.read_parquet(path)
    elif path.suffix == ".jsonl":
        back = pd.read_json(path, lines=True, dtype=False)
        back["published"] = pd.to_datetime(back["published"])
    else:
        files = sorted(path.glob("*.txt"))
        pages = [f.read_text(encoding="utf-8").split("\n\n", 1) for f in files]
        back = pd.DataFrame(
            {"id": [f.stem for f in files], "headline": [h for h, _ in pages], "text": [t for _, t in pages]}
        )
        df = df[["id", "headline", "text"]]
    if "published" in back:
        back["published"] = back["published"].dt.as_unit("s")
    pd.testing.assert_frame_equal(back, df)


def test_write_corpus_rejects_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown corpus format"):
        write_corpus(generate_articles(1), tmp_path / "corpus.csv")
