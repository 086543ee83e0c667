"""Loading folders and tables, metadata, evidence offsets, and every kind of bad input."""

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import corpus as corpus_module
from analysis import parallel
from analysis import text as text_module
from analysis.corpus import (
    MAX_WARNINGS_PER_PROBLEM,
    CorpusError,
    CorpusWarning,
    article_stats,
    cleaning_log,
    corpus_fingerprint,
    describe_corpus,
    embedded_posts,
    flagged_articles,
    group_sizes,
    load_corpus,
    raw_span,
    skipped_files,
    to_raw_offsets,
    tokenization_examples,
)
from analysis.text import sentences, token_rules, tokenize

ARTICLE = (
    "Council approves new flood defences\n\n"
    "The council approved new flood defences on Monday after a year of delays. "
    "The scheme will protect 1,200 homes along the river, officials said.\n\n"
    "“We have waited long enough,” said one resident. Work starts in the spring.\n"
)
OTHER = (
    "Strikers return to work as pay deal is agreed\n\n"
    "Rail workers returned to work on Tuesday after the union accepted a pay offer of 5 percent. "
    "The dispute had lasted for six weeks and cancelled thousands of trains across the region.\n"
)


def _folder(tmp_path: Path, files: dict[str, bytes | str], metadata: str | None = None) -> Path:
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp_path / name).write_bytes(data)
    if metadata is not None:
        (tmp_path / "metadata.csv").write_text(metadata, encoding="utf-8")
    return tmp_path


def _load_quietly(source) -> tuple[pd.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(source)
    return corpus, [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]


def test_seeds_load_with_their_metadata(seeds) -> None:
    assert len(seeds) == 5
    assert list(seeds["outlet"]) == ["Daily Mail", "unknown", "Daily Express", "RT", "unknown"]
    groups = list(seeds["group"])
    assert groups[1] == "unknown: 001_badb3ae12ae01373" and groups[4] == "unknown: 004_06805eb31a0cf900"
    assert len(set(groups)) == 5, "unknown outlets are never merged"
    assert seeds.loc[3, "published"] == "2019-03-11T21:05"
    assert seeds.loc[4, "headline"] == ""
    assert not seeds["text"].str.contains("Source:").any()
    assert corpus_fingerprint(seeds) == corpus_fingerprint(load_corpus(Path(seeds.attrs["source"])))


def test_raw_span_points_at_the_same_words(seeds) -> None:
    for article_id, raw, text in zip(seeds["article_id"], seeds["raw_text"], seeds["text"], strict=True):
        for word in ("SDF", "Baghouz", "ISIS"):
            start = text.find(word)
            if start >= 0:
                a, b = raw_span(seeds, article_id, start, start + len(word))
                assert raw[a:b] == word
    rows = pd.DataFrame({"article_id": ["001_badb3ae12ae01373"], "start": [0], "end": [9]})
    mapped = to_raw_offsets(seeds, rows)
    raw = seeds.loc[1, "raw_text"]
    assert raw[mapped.loc[0, "start"] : mapped.loc[0, "end"]] == seeds.loc[1, "text"][:9] == "More than"
    many = pd.DataFrame(  # every article, spans in no order, one repeated: each as raw_span maps it
        [
            (a, s, s + n)
            for a, t in zip(seeds["article_id"], seeds["text"], strict=True)
            for s, n in ((len(t) // 2, 7), (3, 12), (3, 12))
        ]
    )
    many.columns = ["article_id", "start", "end"]
    mapped = to_raw_offsets(seeds, many)
    assert [tuple(r) for r in mapped[["start", "end"]].to_numpy()] == [
        raw_span(seeds, a, s, e) for a, s, e in many.itertuples(index=False)
    ]
    with pytest.raises(KeyError, match="no article"):
        raw_span(seeds, "nope", 0, 1)
    with pytest.raises(KeyError, match="nope"):
        to_raw_offsets(seeds, pd.DataFrame({"article_id": ["nope"], "start": [0], "end": [1]}))


def test_cleaning_log_offsets_point_into_raw_text(seeds) -> None:
    log = cleaning_log(seeds)
    assert list(log.columns[:5]) == ["article_id", "reason", "start", "end", "removed_text"]
    raw = dict(zip(seeds["article_id"], seeds["raw_text"], strict=True))
    for row in log.itertuples():
        assert raw[row.article_id][row.start : row.end] == row.removed_text
    assert {
        "headline",
        "repeated headline",
        "navigation",
        "dateline",
        "image caption",
        "share prompt",
        "trailer",
        "truncated copy",
        "junk glued to subhead",
    } <= set(log["reason"])
    posts = embedded_posts(seeds)
    assert list(posts["handle"]) == ["@mustefabali"]


def test_article_stats(seeds) -> None:
    stats = article_stats(seeds)
    assert (stats["words"] > 300).all() and (stats["sentences"] >= 15).all()


def test_article_stats_count_what_tokenize_and_sentences_count(seeds, tmp_path: Path) -> None:
    """Read from the corpus tokens, the counts equal the per-text definitions, on awkward texts too."""
    awkward = {
        "a.txt": "...\n\n!!! ???",  # sentences without a token
        "b.txt": "One line\nno stop\n\nU.S. forces, 2,000 of them. Islamic State's men fled!",
        "c.txt": "Title\n\n\u201cQuoted.\u201d Then: a colon; and more\u2026 words",
    }
    corpus, _ = _load_quietly(_folder(tmp_path, awkward))
    for table in (seeds, corpus):
        stats = article_stats(table)
        assert list(stats["words"]) == [len(tokenize(text)) for text in table["text"]]
        assert list(stats["sentences"]) == [len(sentences(text)) for text in table["text"]]
    assert describe_corpus(seeds, "seeds")["words (clean text)"] == 2656


def test_tokenization_examples_are_the_most_frequent_cases_at_their_first_use(seeds, monkeypatch) -> None:
    """Counted per chunk and merged, the table is what every use of every rule gives: per rule the
    most frequent (then alphabetical) distinct words, each at its first use in corpus order."""
    uses = [
        (rule, article["text"][token.start : token.end], token.token, article["article_id"], token)
        for _, article in seeds.iterrows()
        for rule, token in token_rules(article["text"])
    ]
    occurrences = pd.Series([(rule, words) for rule, words, *_ in uses]).value_counts()
    first_use = {}
    for rule, words, token, article_id, span in uses:
        first_use.setdefault((rule, words), (token, article_id, span))
    expected = []
    for rule in sorted({rule for rule, *_ in uses}):
        cases = sorted((-occurrences[case], case[1]) for case in first_use if case[0] == rule)[:3]
        for minus_count, words in cases:
            token, article_id, span = first_use[(rule, words)]
            expected.append((rule, words, token, -minus_count, article_id))
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 2)  # three chunks: cases merged across them
    monkeypatch.setattr(text_module, "_LAST_TOKENS", {})  # tokenized here, not taken from an earlier test
    table = tokenization_examples(seeds)
    assert [
        tuple(row) for row in table[["rule", "words", "token", "occurrences", "article_id"]].to_numpy()
    ] == expected
    assert table["rule"].nunique() >= 5 and table["occurrences"].max() > 1
    raw = seeds.set_index("article_id")["raw_text"]
    for row in table.itertuples():  # each example points at its words in the raw text
        assert raw[row.article_id][row.start : row.end].replace("\u2019", "'") == row.words
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 5_000)
    monkeypatch.setattr(text_module, "_LAST_TOKENS", {})
    assert tokenization_examples(seeds).equals(table)
    for row in tokenization_examples(seeds.iloc[::-1]).itertuples():  # an index not 0, 1, 2...
        assert raw[row.article_id][row.start : row.end].replace("\u2019", "'") == row.words


def test_trailer_names_the_outlet_without_metadata(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.txt": ARTICLE + "\nSource: The Daily Planet\n", "b.txt": OTHER})
    corpus, messages = _load_quietly(folder)
    assert any("no metadata.csv" in m for m in messages)
    assert list(corpus["outlet"]) == ["The Daily Planet", "unknown"]
    assert corpus.loc[0, "outlet_evidence"] == 'trailer "Source: The Daily Planet"'
    assert list(corpus["group"]) == ["The Daily Planet", "unknown: b"]


def test_metadata_overrides_and_missing_rows_are_reported(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {"a.txt": ARTICLE, "b.txt": OTHER},
        metadata="file,outlet,outlet_evidence,headline,published,url\n"
        "a.txt,Gazette,masthead,,2020-01-02,https://example.org/a\nghost.txt,X,,,,\n",
    )
    corpus, messages = _load_quietly(folder)
    assert corpus.loc[0, ["outlet", "outlet_evidence", "published", "url"]].tolist() == [
        "Gazette",
        "masthead",
        "2020-01-02",
        "https://example.org/a",
    ]
    assert any("b.txt" in m and "no row in metadata.csv" in m for m in messages)
    assert any("ghost.txt" in m for m in messages)


def _write_table(table: pd.DataFrame, path: Path) -> Path:
    if path.suffix in {".csv", ".tsv"}:
        table.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",")
    elif path.suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r) for r in table.to_dict("records")), encoding="utf-8")
    else:
        table.to_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".tsv"])
def test_tables_with_synonym_columns(tmp_path: Path, suffix: str) -> None:
    table = pd.DataFrame(
        {
            "doc_id": ["x1", "x2"],
            "Title": ["Flood defences", "Rail strike"],
            "body": [ARTICLE, OTHER],
            "publisher": ["Gazette", ""],
            "evidence": ["masthead on the front page", ""],
            "date": ["2020-01-02", ""],
            "link": ["https://e.org/1", ""],
        }
    )
    corpus, _ = _load_quietly(_write_table(table, tmp_path / f"articles{suffix}"))
    assert list(corpus["article_id"]) == ["x1", "x2"]
    assert list(corpus["outlet"]) == ["Gazette", "unknown"]
    assert list(corpus["group"]) == ["Gazette", "unknown: x2"]
    assert list(corpus["outlet_evidence"]) == ["masthead on the front page", "none"]
    assert corpus.loc[0, "headline"] == "Flood defences"
    assert corpus.loc[0, "published"] == "2020-01-02"
    assert corpus.loc[0, "text"].startswith("The council approved")


def _many_articles(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"a{i:03d}" for i in range(n)],
            "text": [f"Article {i} says {i * 7} homes flooded." for i in range(n)],
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_tables_are_read_and_cleaned_a_batch_at_a_time(tmp_path: Path, suffix: str, monkeypatch) -> None:
    """Cleaning starts before the table is read to its end, and batches change nothing."""
    path = _write_table(_many_articles(50), tmp_path / f"articles{suffix}")
    whole, _ = _load_quietly(path)
    monkeypatch.setattr(corpus_module, "TABLE_BATCH_ROWS", 3)
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 4)
    read, read_when_cleaning = [], []
    table_records = corpus_module._table_records

    def counted(path: Path) -> tuple:
        names, records = table_records(path)
        return names, (read.append(record) or record for record in records)

    def build_rows(items: list) -> list:
        read_when_cleaning.append(len(read))
        return build(items)

    build = corpus_module._build_rows
    monkeypatch.setattr(corpus_module, "_table_records", counted)
    monkeypatch.setattr(corpus_module, "_build_rows", build_rows)
    batched, _ = _load_quietly(path)
    pd.testing.assert_frame_equal(batched.drop(columns="file"), whole.drop(columns="file"))
    assert len(read) == 50
    assert read_when_cleaning[0] <= 8  # two chunks of four read ahead, not the whole table


def test_a_corpus_built_a_chunk_at_a_time_is_the_corpus_built_at_once(tmp_path: Path, monkeypatch) -> None:
    """Rows become a DataFrame a chunk at a time (their text then held by Arrow, not Python); a
    duplicate in a later chunk is still skipped and nothing else is lost or reordered."""
    table = _many_articles(11)
    table.loc[9, "text"] = table.loc[2, "text"]  # a duplicate, three chunks of four later
    path = _write_table(table, tmp_path / "articles.parquet")
    whole, whole_messages = _load_quietly(path)
    monkeypatch.setattr(parallel, "CHUNK_ARTICLES", 4)
    chunked, messages = _load_quietly(path)
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(chunked) == 10 and "a009" not in set(chunked["article_id"])
    assert list(chunked.index) == list(range(10)) and messages == whole_messages
    assert any("same article as a002" in m for m in messages)
    assert chunked.attrs["skipped"] == whole.attrs["skipped"]
    assert [(s["article_id"], s["reason"]) for s in chunked.attrs["skipped"]] == [
        ("a009", "skipped: duplicate of a002")
    ]


@pytest.mark.parametrize(
    ("suffix", "damage", "problem"),
    [
        (".jsonl", lambda b: b + b'\n{"id": "late", "text": ', r"line 51 is not JSON"),
        (".csv", lambda b: b + b'late,"never closed\n' + b"x," * 10, r"csv table"),
        (".jsonl", lambda b: b + b'\n{"id": "bad", "text": "\xff\xfe"}', r"utf-8"),
    ],
)
def test_a_table_broken_after_its_first_batch_names_the_file(tmp_path: Path, suffix, damage, problem) -> None:
    path = _write_table(_many_articles(50), tmp_path / f"articles{suffix}")
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CorpusError, match=rf"articles\{suffix}: cannot be read .*{problem}"):
        _load_quietly(path)


def test_table_without_text_column_lists_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,title,when\n1,Hello,today\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.csv: no text column.*id, title, when"):
        load_corpus(path)


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        load_corpus(tmp_path / "nowhere")


def test_bad_files_warn_by_name_and_the_rest_loads(tmp_path: Path) -> None:
    cp1252 = (
        "Prices rise again\n\nThe bank\x92s governor said prices would rise. "
        "\x93We will act,\x94 she said on Monday, adding that rates could go up again soon.\n"
    ).encode("latin-1")
    utf16 = OTHER.replace("Rail", "Tram").encode("utf-16")
    french = (
        "Les travailleurs du rail sont retournés au travail mardi après que le syndicat a accepté "
        "une offre salariale. Le conflit avait duré six semaines et annulé des milliers de trains.\n"
    )
    folder = _folder(
        tmp_path,
        {
            "a.txt": ARTICLE,
            "b_empty.txt": "",
            "c_cp1252.txt": cp1252,
            "d_utf16.txt": utf16,
            "e_binary.txt": bytes(range(256)) * 4,
            "f_duplicate.txt": ARTICLE,
            "g_boilerplate.txt": "Share this story!\n\nSource: Read Full Article\n",
            "h_french.txt": french,
            "i_notes.pdf": b"%PDF-1.4",
        },
    )
    corpus, messages = _load_quietly(folder)

    def said(name: str, words: str) -> bool:
        return any(name in m and words in m for m in messages)

    assert said("b_empty.txt", "empty file")
    assert said("c_cp1252.txt", "decoded as cp1252")
    assert said("e_binary.txt", "binary")
    assert said("f_duplicate.txt", "same article as a")
    assert said("g_boilerplate.txt", "only boilerplate")
    assert said("h_french.txt", "English")
    assert said("i_notes.pdf", "not a .txt file")
    assert list(corpus["article_id"]) == ["a", "c_cp1252", "d_utf16", "g_boilerplate", "h_french"]
    rows = corpus.set_index("article_id")
    assert (
        "bank’s governor" in rows.loc["c_cp1252", "text"] and "“We will act,”" in rows.loc["c_cp1252", "text"]
    )
    assert rows.loc["d_utf16", "encoding"] == "utf-16" and rows.loc["d_utf16", "text"].startswith(
        "Tram workers"
    )
    assert (
        rows.loc["g_boilerplate", "text"] == "" and "only boilerplate" in rows.loc["g_boilerplate", "flags"]
    )
    assert "not English?" in rows.loc["h_french", "flags"]
    log = cleaning_log(corpus)
    skipped = log[log["reason"].str.startswith("skipped")].set_index("article_id")["reason"].to_dict()
    assert skipped == {
        "b_empty": "skipped: empty file",
        "e_binary": "skipped: binary file",
        "f_duplicate": "skipped: duplicate of a",
        "i_notes": "skipped: not a .txt file",
    }


def test_utf16_without_bom(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.txt": ARTICLE, "b.txt": OTHER.encode("utf-16-le")})
    corpus, _ = _load_quietly(folder)
    assert corpus.loc[1, "encoding"] == "utf-16-le" and corpus.loc[1, "text"].startswith("Rail workers")


def test_a_corpus_of_one_article_loads_with_a_warning(tmp_path: Path) -> None:
    corpus, messages = _load_quietly(_folder(tmp_path, {"only.txt": ARTICLE}))
    assert len(corpus) == 1
    assert any("only one article" in m for m in messages)


def test_a_folder_of_nothing_readable_is_an_error(tmp_path: Path) -> None:
    _folder(tmp_path, {"a.txt": "", "b.txt": b"\x00\x01\x02\x03" * 100})
    with pytest.raises(CorpusError, match="no readable article"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_corpus(tmp_path)


def test_group_sizes_say_what_each_comparison_rests_on(seeds, tmp_path) -> None:
    sizes = group_sizes(seeds)
    assert list(sizes.index) == sorted(seeds["group"]) and (sizes["articles"] == 1).all()
    assert sizes["words"].sum() == article_stats(seeds)["words"].sum() == 2656
    table = pd.DataFrame(
        {
            "outlet": ["A", "A", "unknown", "unknown"],
            "text": ["One two three.", "Four five.", "Six.", "Seven."],
        }
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    sizes = group_sizes(load_corpus(tmp_path / "t.csv"))
    assert sizes.loc["A"].tolist() == [2, 5]
    assert len(sizes) == 3, "two unknown articles are two groups"


# --- hostile input (issue 8) ---------------------------------------------------------------------


def test_stray_control_characters_do_not_make_a_text_binary(tmp_path: Path) -> None:
    noisy = ARTICLE.replace("on Monday", "on\x00 Monday\x07").replace("homes", "ho\x1bmes")
    corpus, messages = _load_quietly(_folder(tmp_path, {"a.txt": noisy, "b.txt": OTHER}))
    assert list(corpus["article_id"]) == ["a", "b"] and not any("binary" in m for m in messages)
    row = corpus.iloc[0]
    assert row["raw_text"] == noisy, "the raw text keeps every character"
    assert "on Monday" in row["text"] and "1,200 homes" in row["text"] and "\x00" not in row["text"]
    log = cleaning_log(corpus)
    invisible = log[log["reason"] == "invisible characters"]
    assert list(invisible["removed_text"]) == ["\x00", "\x07", "\x1b"]
    assert list(invisible["detail"]) == ["U+0000", "U+0007", "U+001B"]


def test_invisible_characters_leave_the_text_and_offsets_stay_exact(tmp_path: Path) -> None:
    raw = (
        "Flood defences approved\n\n\u200b\ufeff\n\n"
        "The coun\u00adcil ap\u200bproved \u202edefences\u202c on Monday, officials\ufeff said.\n\n"
        "Families 👨\u200d👩\u200d👧 and 🇸🇾 flags waited for the vote in the rain.\n"
    )
    corpus, _ = _load_quietly(_folder(tmp_path, {"a.txt": raw, "b.txt": OTHER}))
    text = corpus.loc[0, "text"]
    assert text.startswith("The council approved defences on Monday, officials said.\n")
    assert "👨\u200d👩\u200d👧" in text and "🇸🇾" in text, "joiners of emoji sequences stay"
    for word in ("council", "approved", "defences", "officials", "Families"):
        start = text.index(word)
        raw_start, raw_end = raw_span(corpus, "a", start, start + len(word))
        assert raw[raw_start:raw_end].replace("\u00ad", "").replace("\u200b", "") == word
        assert raw[raw_start] == word[0] and raw[raw_end - 1] == word[-1]


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf", "\ufeff \n".encode("utf-16"), "\u200b\ufeff\n\u200b".encode(), b" \n\t\r\n"],
    ids=["utf-8 bom", "utf-16 bom and space", "zero-width only", "white space"],
)
def test_files_with_nothing_visible_are_empty(tmp_path: Path, data: bytes) -> None:
    corpus, messages = _load_quietly(_folder(tmp_path, {"a.txt": ARTICLE, "b.txt": OTHER, "c.txt": data}))
    assert list(corpus["article_id"]) == ["a", "b"]
    assert any("c.txt" in m and "empty file" in m for m in messages)
    assert skipped_files(corpus).to_dict("records") == [
        {"file": "c.txt", "article_id": "c", "reason": "skipped: empty file"}
    ]


def test_utf16_is_read_with_a_warning_naming_the_file_and_encoding(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, {"a.txt": ARTICLE, "b.txt": OTHER.encode("utf-16"), "c.txt": OTHER[:-1] + " Again.\n"}
    )
    corpus, messages = _load_quietly(folder)
    assert corpus.set_index("article_id").loc["b", "flags"] == "decoded as utf-16"
    assert any("b.txt" in m and "decoded as utf-16" in m for m in messages)


def test_skipped_files_lists_every_skip_with_its_file_and_reason(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {"a.txt": ARTICLE, "b.txt": "", "c.txt": bytes(range(256)) * 4, "d.txt": ARTICLE, "e.txt": OTHER},
    )
    corpus, _ = _load_quietly(folder)
    assert skipped_files(corpus).to_dict("records") == [
        {"file": "b.txt", "article_id": "b", "reason": "skipped: empty file"},
        {"file": "c.txt", "article_id": "c", "reason": "skipped: binary file"},
        {"file": "d.txt", "article_id": "d", "reason": "skipped: duplicate of a"},
    ]


def test_many_files_with_one_problem_warn_a_few_times_then_count(tmp_path: Path) -> None:
    files = {
        f"n{i:03d}.txt": f"Brief number {i}.\n\nAt least {i + 2} people left on Monday." for i in range(40)
    }
    corpus, messages = _load_quietly(_folder(tmp_path, files, metadata="file,outlet\nn000.txt,Gazette\n"))
    assert len(corpus) == 40
    unlisted = [m for m in messages if "no row in metadata.csv" in m]
    assert len(unlisted) == MAX_WARNINGS_PER_PROBLEM + 1
    assert unlisted[-1].startswith(f"{39 - MAX_WARNINGS_PER_PROBLEM} more: ")


def test_file_names_that_differ_only_in_the_suffix_case_get_distinct_ids(tmp_path: Path) -> None:
    corpus, messages = _load_quietly(_folder(tmp_path, {"a.txt": ARTICLE, "a.TXT": OTHER}))
    assert sorted(corpus["article_id"]) == ["a", "a.txt"] or sorted(corpus["article_id"]) == ["a", "a.TXT"]
    assert corpus["article_id"].is_unique
    assert any("also named 'a'" in m for m in messages)


def test_table_ids_stay_unique_when_a_renamed_id_exists(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {"id": ["a-2", "a", "a"], "text": ["One two three.", "Four five six.", "Seven eight."]}
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    corpus, _ = _load_quietly(tmp_path / "t.csv")
    assert corpus["article_id"].is_unique and list(corpus["article_id"]) == ["a-2", "a", "a-3"]


def test_lone_surrogates_in_a_json_table_become_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"id": "x", "outlet": "A\\ud800", "text": "Bad \\udc00 text of the council."}\n'
        '{"id": "y", "text": "Rail workers returned to work on Tuesday."}\n',
        encoding="utf-8",
    )
    corpus, messages = _load_quietly(path)
    row = corpus.set_index("article_id").loc["x"]
    assert row["raw_text"] == "Bad \ufffd text of the council." and row["outlet"] == "A\ufffd"
    assert any("surrogates" in m for m in messages)
    corpus_fingerprint(corpus)  # encodable


def test_flagged_articles_name_the_file_encoding_and_caveat(tmp_path: Path) -> None:
    cp1252 = "Prices rise\n\nThe bank\x92s governor said prices would rise again on Monday.\n".encode(
        "latin-1"
    )
    corpus, _ = _load_quietly(_folder(tmp_path, {"a.txt": ARTICLE, "b.txt": cp1252, "c.txt": OTHER}))
    assert flagged_articles(corpus).to_dict("records") == [
        {"file": "b.txt", "article_id": "b", "encoding": "cp1252", "flags": "decoded as cp1252"}
    ]
