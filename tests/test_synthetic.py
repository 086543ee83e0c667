"""The synthetic corpus behind ``make bench`` must look like news text and never drift.

Benchmarks are only comparable across commits if the generator is deterministic, and only
meaningful if its vocabulary, article length and word frequencies resemble real news.
"""

import re
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import load_corpus, skipped_files
from analysis.synthetic import (
    FUNCTION_WORDS,
    OUTLETS,
    generate_articles,
    vocabulary,
    write_corpus,
    write_hostile_corpus,
)

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


# --- the hostile corpus ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return write_hostile_corpus(tmp_path_factory.mktemp("hostile"), n_tiny=12, big_mb=0.2)


def test_hostile_corpus_is_deterministic_and_scales(tmp_path: Path, hostile: dict) -> None:
    again = write_hostile_corpus(tmp_path / "again", n_tiny=12, big_mb=0.2)
    names = sorted(p.name for p in hostile["folder"].iterdir())
    assert names == sorted(p.name for p in again["folder"].iterdir())
    for name in names:
        assert (hostile["folder"] / name).read_bytes() == (again["folder"] / name).read_bytes(), name
    assert 190_000 <= hostile["big_bytes"] <= 210_000
    assert len([n for n in names if n.startswith("tiny_")]) == 12
    small = write_hostile_corpus(tmp_path / "small", n_tiny=0, big_mb=0)
    assert not any(n == "big.txt" or n.startswith("tiny_") for n in small["articles"])


def test_hostile_corpus_holds_what_it_promises(hostile: dict) -> None:
    folder = hostile["folder"]
    raw = {p.name: p.read_bytes() for p in folder.iterdir()}
    text = b"".join(data for name, data in raw.items() if name.endswith(".txt")).decode("utf-8", "replace")
    for payload in (
        "<script>window.__pwned = 1</script>",
        "onerror=",
        "javascript:",
        "&lt;script&gt;",
        "&amp;",
    ):
        assert payload in text, payload
    for sample in (
        "ا",
        "ע",
        "👨‍👩‍👧‍👦",
        "🇸🇾",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\u202e",
        "\x00",
        "\x1f",
        "\x7f",
    ):
        assert sample in text, repr(sample)
    assert all(chr(c) in text for c in range(0x20) if chr(c) not in "\n\t")
    with pytest.raises(UnicodeDecodeError):
        raw["hostile_08_cp1252.txt"].decode("utf-8")
    assert "€" in raw["hostile_08_cp1252.txt"].decode("cp1252")
    assert raw["hostile_09_utf16.txt"].startswith(b"\xff\xfe")
    assert raw["empty.txt"] == b"" and not raw["whitespace_only.txt"].strip()
    assert raw["news_wire_copy.txt"] == raw["news_wire.txt"]
    assert set(hostile["skipped"]) == {
        "empty.txt",
        "whitespace_only.txt",
        "binary.txt",
        "news_wire_copy.txt",
        "news_wire_crlf_copy.txt",
    }
    assert not set(hostile["skipped"]) & set(hostile["articles"])
    assert set(hostile["articles"]) | set(hostile["skipped"]) == {n for n in raw if n.endswith(".txt")}
    metadata = pd.read_csv(folder / "metadata.csv", dtype=str, keep_default_na=False)
    assert metadata["url"].str.startswith("javascript:").any()
    assert metadata["outlet"].str.contains("<script>").any()


def test_the_loader_reads_all_of_the_hostile_corpus_but_the_files_it_must_skip(hostile: dict) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(hostile["folder"])
    messages = [str(w.message) for w in caught]
    assert sorted(corpus["file"]) == sorted(hostile["articles"])
    assert dict(zip(*skipped_files(corpus)[["file", "reason"]].T.values, strict=True)) == hostile["skipped"]
    rows = corpus.set_index("file")
    for name, encoding in hostile["encodings"].items():
        assert rows.loc[name, "encoding"] == encoding
        assert any(name in m and f"decoded as {encoding}" in m for m in messages), name
    for name in hostile["skipped"]:
        assert any(name in m and "skipped" in m for m in messages), name
    assert "€2 million" in rows.loc["hostile_08_cp1252.txt", "text"]
    assert "\U0001f4f0" in rows.loc["hostile_09_utf16.txt", "text"]
