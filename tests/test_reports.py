"""HTML report pages: article text never becomes markup, every evidence link lands on an anchor, and
every page says which corpus it ran on."""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from analysis import __version__
from analysis.corpus import CorpusWarning, cleaning_log, corpus_fingerprint, load_corpus
from analysis.reports import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    cited_articles,
    evidence_href,
    evidence_table,
    indexed_articles,
    neutralise,
    safe_name,
    sentence_spans,
    set_tables,
    summary_table,
    table_name,
    write_article_pages,
    write_index,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
ARTICLES = {
    "a1.txt": (
        "Fighters hid in caves above the river on Thursday. "
        f"A spokesman posted {SCRIPT} on the group's channel.\n\n"
        f"Another post read {IMG} and was deleted. Officials said the battle would end soon.\n\n"
        f"Another post read {IMG} and was deleted. Officials said the battle would end soon.\n"
    ),
    "b2.txt": (
        "Forces pushed into the last village. Dozens of fighters surrendered & hundreds fled.\n\n"
        "Commanders said the caves were being searched. Mines slowed the advance.\n"
    ),
}
METADATA = (
    "file,outlet,outlet_evidence,headline,published,url\n"
    f'a1.txt,<b>Daily</b>,"byline <i>x</i>","Caves {SCRIPT}",2019-03-15,\n'
    "b2.txt,unknown,none,Last village,,\n"
)


@pytest.fixture
def corpus(tmp_path: Path) -> pd.DataFrame:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(METADATA, encoding="utf-8")
    return load_corpus(folder)


@pytest.fixture
def pages(corpus: pd.DataFrame, tmp_path: Path) -> dict[str, str]:
    written = write_article_pages(corpus, tmp_path / "reports")
    return {path.stem: path.read_text(encoding="utf-8") for path in written}


def _anchors(page: str) -> list[str]:
    return re.findall(r'\bid="(s\d+-\d+)"', page)


def test_article_page_shows_markup_from_the_data_as_text(pages: dict[str, str]) -> None:
    page = pages["a1"]
    assert "<script" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    assert "&lt;b&gt;Daily&lt;/b&gt;" in page and "byline &lt;i&gt;x&lt;/i&gt;" in page
    assert "surrendered &amp; hundreds" in pages["b2"]
    assert "Content-Security-Policy" in page
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)


def test_article_page_lists_what_cleaning_removed_escaped(corpus: pd.DataFrame, pages: dict) -> None:
    removed = cleaning_log(corpus).query("article_id == 'a1'")
    assert len(removed) == 1, "the repeated paragraph of a1 should be removed"
    section = pages["a1"].split("What cleaning removed")[1]
    row = removed.iloc[0]
    assert f"{row['start']}–{row['end']}" in section
    assert html.escape(row["removed_text"]) in section and "<img" not in section


def test_evidence_table_keeps_the_plain_repr_and_escapes_its_html(corpus: pd.DataFrame) -> None:
    raw = corpus.set_index("article_id").loc["a1", "raw_text"]
    start = raw.index(SCRIPT)
    df = pd.DataFrame(
        {"article_id": ["a1"], "start": [start], "end": [start + len(SCRIPT)], "quote": [SCRIPT]}
    )
    table = evidence_table(df, corpus)
    assert repr(table) == repr(df)
    html = table._repr_html_()
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="{evidence_href(corpus, "a1", start, start + len(SCRIPT))}"' in html


def test_control_and_bidi_characters_show_as_code_points_on_every_page(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    raw = "Forces advance\n\nThe army\u202e said\u202c on Monday that 40\x00 people had left\x07 the town.\n"
    (folder / "controls.txt").write_text(raw, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # one article, no metadata.csv
        corpus = load_corpus(folder)
    log = cleaning_log(corpus)
    assert {"\u202e", "\u202c", "\x00", "\x07"} <= set(log["removed_text"])  # and the headline
    columns = ["article_id", "reason", "start", "end", "removed_text"]
    table = evidence_table(log[columns], corpus)._repr_html_()
    (page,) = write_article_pages(corpus, tmp_path / "out")
    for shown in (table, page.read_text(encoding="utf-8")):
        assert "⟨U+202E⟩" in shown and "⟨U+0000⟩" in shown and "⟨U+0007⟩" in shown
        assert not re.search("[\x00-\x08\x0e-\x1f\u202a-\u202e]", shown)


def test_evidence_table_of_the_cleaning_log_leaves_skipped_files_unlinked(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "kept.txt").write_text("A headline\n\nForces pushed into the last village.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # the empty file, one article, no metadata.csv
        corpus = load_corpus(folder)
    log = cleaning_log(corpus)
    assert "empty" in set(log["article_id"]) and "empty" not in set(corpus["article_id"])
    html = evidence_table(log, corpus)._repr_html_()
    empty_row = next(row for row in html.split("<tr>") if "<td>empty</td>" in row)
    assert "not loaded: no page" in empty_row and "href" not in empty_row
    assert 'href="articles/kept.html' in html


def test_sentence_anchors_are_unique_and_cover_every_sentence(corpus: pd.DataFrame, pages: dict) -> None:
    for article_id in corpus["article_id"]:
        anchors = _anchors(pages[safe_name(article_id)])
        assert len(anchors) == len(set(anchors))
        assert set(anchors) == {span.anchor for span in sentence_spans(corpus, article_id)}


def test_evidence_href_points_to_the_sentence_holding_the_evidence(corpus: pd.DataFrame, pages: dict) -> None:
    raw = corpus.set_index("article_id").loc["b2", "raw_text"]
    start = raw.index("caves")
    href = evidence_href(corpus, "b2", start, start + len("caves"))
    page, fragment = href.split("#")
    assert page == f"articles/{safe_name('b2')}.html"
    assert fragment in _anchors(pages["b2"])
    raw_start, raw_end = map(int, fragment[1:].split("-"))
    assert raw_start <= start < raw_end
    assert raw[raw_start:raw_end].startswith("Commanders said")


def test_evidence_between_sentences_links_the_one_before(corpus: pd.DataFrame) -> None:
    first, second = sentence_spans(corpus, "b2")[:2]
    assert first.raw_end < second.raw_start, "the test needs a gap between the two sentences"
    href = evidence_href(corpus, "b2", first.raw_end, first.raw_end + 1)
    assert href.endswith(f"#{first.anchor}")


def test_safe_name_is_plain_deterministic_and_collision_free() -> None:
    assert safe_name("004_06805eb31a0cf900") == "004_06805eb31a0cf900"
    odd = ["../etc/passwd", "a/b", "a_b", "a.b", "", "<x>", ".hidden"]
    names = [safe_name(article_id) for article_id in odd]
    assert names == [safe_name(article_id) for article_id in odd]
    assert len(set(names)) == len(odd)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", name) for name in names)


def test_index_names_its_provenance_and_links_every_page(corpus: pd.DataFrame, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    write_article_pages(corpus, reports)
    parameters = {"CORPUS": corpus.attrs["source"], "FIGURES": "/build/figures <&>"}
    notebooks = [("Who names the caves?", "01-caves.html", f"Which outlets {SCRIPT}?")]
    page = write_index(reports, notebooks, corpus, parameters).read_text(encoding="utf-8")
    for fact in (
        corpus.attrs["source"],
        corpus_fingerprint(corpus),
        __version__,
        "/build/figures &lt;&amp;&gt;",
    ):
        assert fact in page
    assert re.search(r"<dt>Articles</dt><dd>2</dd>", page)
    assert '<a href="01-caves.html">Who names the caves?</a>' in page
    assert "<script" not in page
    for link in re.findall(r'href="(articles/[^"]+)"', page):
        assert (reports / link).is_file()


def test_embedded_post_is_set_apart_on_the_article_page(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The minister spoke on Monday about the budget and the deficit.\n"
        "We will not back down. #budget\n"
        "— Jane Minister (@janeminister) June 3, 2021\n"
        "Critics were unimpressed by the speech and said so loudly.\n",
        encoding="utf-8",
    )
    (folder / "metadata.csv").write_text("file,outlet\na.txt,Gazette\n", encoding="utf-8")
    with pytest.warns(CorpusWarning, match="only one article"):
        corpus = load_corpus(folder)
    (page,) = write_article_pages(corpus, tmp_path / "out")
    page_html = page.read_text(encoding="utf-8")
    embedded = re.findall(r'<p class="nc-embed" title="([^"]*)">(.*?)</p>', page_html)
    assert [title for title, _ in embedded] == [
        "embedded post by Jane Minister (@janeminister), June 3, 2021"
    ] * 2
    assert "We will not back down." in embedded[0][1]
    assert page_html.count('class="nc-embed"') == 2  # the post and its signature, not the outlet's paragraphs


# --- reports that stay readable at scale ------------------------------------------------------------------


@pytest.fixture
def tables(tmp_path: Path) -> Iterator[Path]:
    """Tables write their CSVs to ``build/reports/tables``, linked from pages in ``build/reports``."""
    reports = tmp_path / "build" / "reports"
    set_tables(reports / "tables", links_from=reports)
    yield reports
    set_tables("tables", ".")


def _body_rows(html_table: str) -> int:
    return html_table.split("<tbody>", 1)[1].count("<tr")


def test_a_table_that_fits_shows_whole_as_pandas_shows_it_and_writes_nothing(tables: Path) -> None:
    df = pd.DataFrame({"group": ["a", "b"], "count": [1, 2]})
    shown = summary_table(df, "01-small", max_rows=2)
    assert repr(shown) == repr(df)
    assert shown._repr_html_() == df._repr_html_()
    assert "Showing" not in shown._repr_html_()
    assert not (tables / "tables").exists()
    series = df.set_index("group")["count"]
    assert summary_table(series, "01-series")._repr_html_() is None  # shown as text, like a Series
    assert repr(summary_table(series, "01-series")) == repr(series)


def test_a_long_table_shows_its_first_rows_and_links_a_csv_of_all(tables: Path) -> None:
    df = pd.DataFrame({"term": [f"t{i}" for i in range(MAX_ROWS + 7)], "count": range(MAX_ROWS + 7)})
    shown = summary_table(df, "02-terms")
    page = shown._repr_html_()
    assert repr(shown) == repr(df), "nbval compares the whole table's text"
    assert _body_rows(page) == MAX_ROWS
    assert f"t{MAX_ROWS - 1}<" in page and f"t{MAX_ROWS}<" not in page
    assert f"Showing the first {MAX_ROWS:,} of {MAX_ROWS + 7:,} rows; all rows in" in page
    assert '<a href="tables/02-terms.csv">02-terms.csv</a>' in page
    written = pd.read_csv(tables / "tables" / "02-terms.csv")
    pd.testing.assert_frame_equal(written, df)


def test_a_wide_table_shows_its_first_columns_and_keeps_named_rows_in_the_csv(tables: Path) -> None:
    wide = pd.DataFrame(
        [[1] * (MAX_COLUMNS + 3)], columns=[f"g{i}" for i in range(MAX_COLUMNS + 3)], index=["ISIS"]
    ).rename_axis("actor")
    page = summary_table(wide, "05-wide")._repr_html_()
    assert f"Showing the first {MAX_COLUMNS} of {MAX_COLUMNS + 3} columns; all columns in" in page
    assert f"g{MAX_COLUMNS - 1}<" in page and f"g{MAX_COLUMNS}<" not in page
    written = pd.read_csv(tables / "tables" / "05-wide.csv")
    assert list(written.columns) == ["actor", *wide.columns] and written.loc[0, "actor"] == "ISIS"


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tables: Path) -> None:
    hostile = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain"]
    df = pd.DataFrame(
        {"text": hostile, "value": [-1.5, 2, -3, 4, 5, 6, 7], "cues": [["=a"], [], [], [], [], [], []]},
        index=pd.Index([f"=r{i}" for i in range(7)], name="=label"),
    )
    summary_table(df, "05-hostile", max_rows=3)
    written = pd.read_csv(tables / "tables" / "05-hostile.csv", keep_default_na=False)
    assert list(written.columns) == ["'=label", "text", "value", "cues"]
    assert list(written["text"]) == [f"'{text}" for text in hostile[:-1]] + ["plain"]
    assert list(written["value"]) == [-1.5, 2, -3, 4, 5, 6, 7], "numbers stay numbers"
    assert written.loc[0, "'=label"] == "'=r0" and written.loc[0, "cues"] == "['=a']"
    assert neutralise("=1") == "'=1" and neutralise(-1) == -1 and neutralise("a=1") == "a=1"


def test_a_cut_table_escapes_the_data_and_keeps_its_csv_in_its_folder(tables: Path) -> None:
    df = pd.DataFrame({"quote": [SCRIPT, IMG, "x"], "n": [1, 2, 3]})
    page = summary_table(df, "../../<evil> name", max_rows=2)._repr_html_()
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    (csv,) = (tables / "tables").glob("*.csv")
    assert csv.name == "evil__name.csv" and f'href="tables/{csv.name}"' in page
    with pytest.raises(ValueError):
        table_name("../")


def test_links_are_relative_to_the_page_so_a_notebook_links_the_tables_beside_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    set_tables("../tables", links_from=".")  # the notebooks' defaults, run in Jupyter
    try:
        page = summary_table(pd.DataFrame({"a": range(3)}), "01-x", max_rows=1)._repr_html_()
    finally:
        set_tables("tables", ".")
    assert 'href="../tables/01-x.csv"' in page and (tmp_path / "tables" / "01-x.csv").is_file()


def test_a_long_evidence_table_is_cut_and_every_row_shown_keeps_its_link(
    corpus: pd.DataFrame, tables: Path
) -> None:
    spans = sentence_spans(corpus, "b2")
    df = pd.DataFrame(
        {
            "article_id": ["b2"] * len(spans),
            "start": [s.raw_start for s in spans],
            "end": [s.raw_end for s in spans],
            "note": [f"=sentence {i}" for i in range(len(spans))],
        }
    )
    page = evidence_table(df, corpus, "03-evidence", max_rows=2)._repr_html_()
    assert _body_rows(page) == 2
    assert f"Showing the first 2 of {len(spans)} rows; all rows in" in page
    assert page.count('href="articles/b2.html#') == 2
    written = pd.read_csv(tables / "tables" / "03-evidence.csv")
    assert len(written) == len(spans) and written.loc[0, "note"] == "'=sentence 0"
    assert "more rows" not in page
    short = evidence_table(df.head(2), corpus, "03-short", max_rows=2)._repr_html_()
    assert "Showing" not in short and not (tables / "tables" / "03-short.csv").exists()


def test_evidence_cells_are_shortened_in_the_page_only(corpus: pd.DataFrame) -> None:
    df = pd.DataFrame({"article_id": ["b2"], "start": [0], "end": [5], "text": ["word " * 1000]})
    page = evidence_table(df, corpus)._repr_html_()
    cell = re.search(r"<td>(word [^<]*)</td>", page).group(1)
    assert len(cell) == MAX_CELL_CHARS and cell.endswith("…")


def test_index_of_a_large_corpus_lists_groups_and_the_first_articles_with_a_csv_of_all(
    corpus: pd.DataFrame, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    listed = indexed_articles(corpus, max_rows=1)
    assert listed == [corpus["article_id"].iloc[0]]
    pages = write_article_pages(corpus, reports, listed)
    assert [page.stem for page in pages] == [safe_name(listed[0])]
    page = write_index(reports, [], corpus, {}, max_rows=1).read_text(encoding="utf-8")
    assert "<h2>Comparison groups</h2>" in page and "<td>&lt;b&gt;Daily&lt;/b&gt;</td><td>1</td>" in page
    assert "Showing the first 1 of 2 rows; all rows in" in page
    assert '<a href="tables/index-articles.csv">index-articles.csv</a>' in page
    articles = pd.read_csv(reports / "tables" / "index-articles.csv")
    assert list(articles["article_id"]) == list(corpus["article_id"])
    assert "Showing the first 1 of 2 rows" in page.split("<h2>Articles</h2>")[0], "groups are cut too"
    for link in re.findall(r'href="(articles/[^"]+)"', page):
        assert (reports / link).is_file()
    small = write_index(reports, [], corpus, {}).read_text(encoding="utf-8")
    assert "Comparison groups" not in small and "Showing" not in small


def test_article_pages_are_written_for_the_articles_a_report_links(
    corpus: pd.DataFrame, tmp_path: Path
) -> None:
    report = tmp_path / "02-terms.html"
    href = evidence_href(corpus, "b2", 0, 5)
    report.write_text(f'<a href="{href}">in</a> <a href="articles/nobody.html">x</a>', encoding="utf-8")
    assert cited_articles([report], corpus) == {"b2"}
