"""HTML report pages: article text never becomes markup, every evidence link lands on an anchor, and
every page says which corpus it ran on."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import __version__
from analysis.corpus import CorpusWarning, cleaning_log, corpus_fingerprint, load_corpus
from analysis.reports import (
    evidence_href,
    evidence_table,
    safe_name,
    sentence_spans,
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
