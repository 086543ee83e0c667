"""Shareable HTML around the notebooks: one page per article with sentence anchors, evidence links, an index.

Evidence everywhere is ``(article_id, start, end)`` in raw-text offsets. These pages let a reader of a
rendered report click from a finding to the sentence it rests on and see what cleaning removed. Articles
are scraped pages, so every string taken from them is escaped: no markup from the data reaches a page.
Pages embed their CSS and forbid scripts and network loads, so a report folder works offline as files.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import pandas as pd

from analysis import __version__
from analysis.cleaning import INVISIBLE_CHARACTERS, text_to_raw
from analysis.corpus import cleaning_log, corpus_fingerprint
from analysis.text import sentences

TEMPLATES = Path(__file__).parent / "templates"
"""nbconvert template folder (``offline_report``) for the notebook pages, also holding the shared CSS."""

CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""No scripts and no remote loads: even markup that slipped through escaping could not run or phone home."""

MAX_ROWS = 200
"""Rows a table shows in a notebook or report page. A longer table shows its first ``MAX_ROWS`` rows, says
"showing N of M rows" and links a CSV of every row (:func:`summary_table`, :func:`evidence_table`); the
index lists as many articles. As many rows as the notebooks showed before (pandas' ``display.max_rows``
of 200-300), so no table of the seed reports is cut, while every table of a 100,000-article corpus stays a
few hundred kilobytes."""

MAX_COLUMNS = 20
"""Columns a table shows (pandas' own default in a notebook): a pivot with one column per comparison group
shows the first ``MAX_COLUMNS`` and links the CSV for the rest."""

MAX_CELL_CHARS = 600
"""Characters an evidence table shows of one cell (a removed passage, a sentence) before an ellipsis; the
CSV keeps the whole value. pandas tables are cut earlier, at ``display.max_colwidth``."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is read as a formula by spreadsheets (OWASP, "CSV Injection"); CSVs
written here prefix such text with an apostrophe, so article text can never run as a formula."""

_CSS = (TEMPLATES / "offline_report" / "static" / "reports.css").read_text(encoding="utf-8")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
_ARTICLE_LINK = re.compile(r'href="articles/([A-Za-z0-9_-]+)\.html')


class Sentence(NamedTuple):
    """A sentence of the cleaned text and the raw-text span that names its anchor."""

    start: int
    end: int
    raw_start: int
    raw_end: int

    @property
    def anchor(self) -> str:
        return f"s{self.raw_start}-{self.raw_end}"


def _esc(value: object) -> str:
    """``value`` as HTML text; an invisible or control character shows as its code point ("⟨U+202E⟩"), so
    a bidirectional override cannot reorder what a reader sees and no control character reaches the page."""
    text = str(value)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", text)
    return html.escape(text, quote=True)


def safe_name(article_id: str) -> str:
    """File stem for an article page: the id itself when it is plain, else a readable stem plus a hash.

    Dots and separators are replaced so an id can never climb out of ``articles/`` or hide a file; the
    hash keeps two ids that differ only in replaced characters on separate pages.
    """
    stem = _UNSAFE.sub("_", article_id)[:80]
    if stem == article_id and stem:
        return stem
    return f"{stem}-{hashlib.sha256(article_id.encode('utf-8')).hexdigest()[:10]}"


def _article(corpus: pd.DataFrame, article_id: str) -> dict:
    rows = corpus.loc[corpus["article_id"] == article_id]
    if rows.empty:
        raise KeyError(f"article {article_id!r} is not in the corpus {corpus.attrs.get('source', '')!r}")
    return rows.iloc[0].to_dict()


def _spans(text: str, offset_map: tuple) -> list[Sentence]:
    return [Sentence(start, end, *text_to_raw(offset_map, start, end)) for start, end in sentences(text)]


def sentence_spans(corpus: pd.DataFrame, article_id: str) -> list[Sentence]:
    """Sentences of an article with their raw spans: pages and links both use this, so links find anchors."""
    article = _article(corpus, article_id)
    return _spans(article["text"], article["offset_map"])


class _SpanCache:
    """Sentence spans of the articles a table cites, each article found and split once (a table of a large
    corpus must not scan the corpus once per row)."""

    def __init__(self, corpus: pd.DataFrame) -> None:
        self.corpus = corpus
        self.rows = {article_id: n for n, article_id in reversed(list(enumerate(corpus["article_id"])))}
        self.spans: dict[str, list[Sentence]] = {}

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.rows

    def __getitem__(self, article_id: str) -> list[Sentence]:
        if article_id not in self.spans:
            row = self.corpus.iloc[self.rows[article_id]]
            self.spans[article_id] = _spans(row["text"], row["offset_map"])
        return self.spans[article_id]


def _target(spans: Sequence[Sentence], start: int, end: int) -> Sentence | None:
    """The sentence holding raw offset ``start``; else the first one the evidence overlaps (it began in
    removed text or whitespace); else the nearest one before it; None when the evidence precedes them all."""
    for span in spans:
        if span.raw_start <= start < span.raw_end:
            return span
    overlapping = [span for span in spans if span.raw_start < end and start < span.raw_end]
    if overlapping:
        return min(overlapping, key=lambda span: span.raw_start)
    preceding = [span for span in spans if span.raw_start <= start]
    return max(preceding, key=lambda span: span.raw_start) if preceding else None


def _href(article_id: str, spans: Sequence[Sentence], start: int, end: int) -> str:
    page = f"articles/{safe_name(article_id)}.html"
    target = _target(spans, start, end)
    return f"{page}#{target.anchor}" if target else page


def evidence_href(corpus: pd.DataFrame, article_id: str, start: int, end: int) -> str:
    """Link, relative to the reports folder, to the sentence where the raw span ``start:end`` appears."""
    return _href(article_id, sentence_spans(corpus, article_id), start, end)


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the lines of the cleaned text (one paragraph each), so pages keep the paragraphing."""
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        if text[start : brk.start()].strip():
            yield start, brk.start()
        start = brk.end()
    if text[start:].strip():
        yield start, len(text)


def _body_html(text: str, spans: Sequence[Sentence], embeds: Mapping[int, str] | None = None) -> str:
    """Paragraphs with each sentence in a span; a sentence split by a paragraph break is anchored once.

    Paragraphs inside an embedded social-media post (``embeds``: paragraph start -> label) are set
    apart, so a reader can tell the outlet's words from the post it quotes.
    """
    anchored: set[str] = set()
    paragraphs = []
    ends = [span.end for span in spans]  # sentences are in order and do not overlap
    for para_start, para_end in _paragraphs(text):
        embed = (embeds or {}).get(para_start)
        parts, pos = [], para_start
        # Only the sentences that reach into this paragraph: a 10 MB live blog has 100,000 of them.
        for k in range(bisect_right(ends, para_start), len(spans)):
            span = spans[k]
            if span.start >= para_end:
                break
            begin, finish = max(span.start, para_start, pos), min(span.end, para_end)
            if begin >= finish:
                continue
            parts.append(_esc(text[pos:begin]))
            anchor_attr = "" if span.anchor in anchored else f' id="{_esc(span.anchor)}"'
            anchored.add(span.anchor)
            parts.append(f"<span{anchor_attr}>{_esc(text[begin:finish])}</span>")
            pos = finish
        parts.append(_esc(text[pos:para_end]))
        if embed is None:
            paragraphs.append(f"<p>{''.join(parts)}</p>")
        else:
            paragraphs.append(f'<p class="nc-embed" title="{_esc(embed)}">{"".join(parts)}</p>')
    return "\n".join(paragraphs)


def _removed_html(removed: pd.DataFrame) -> str:
    if removed.empty:
        return "<p>Nothing was removed.</p>"
    rows = "\n".join(
        f"<tr><td>{_esc(row['reason'])}</td><td>{_esc(row.get('detail', ''))}</td>"
        f"<td>{int(row['start'])}–{int(row['end'])}</td>"
        f'<td class="nc-removed-text">{_esc(row["removed_text"])}</td></tr>'
        for row in removed.to_dict("records")
    )
    head = "".join(f"<th>{name}</th>" for name in ("Reason", "Detail", "Raw offsets", "Removed text"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>"


def _facts(pairs: Sequence[tuple[str, str]]) -> str:
    """Definition list from (name, already escaped HTML) pairs."""
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>\n" for name, value in pairs)
    return f'<dl class="nc-facts">\n{items}</dl>'


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(CONTENT_SECURITY_POLICY)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>\n{_CSS}</style>\n</head>\n"
        f'<body>\n<main class="nc-page">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _embedded_paragraphs(article: dict) -> dict[int, str]:
    """Clean-text starts of the paragraphs inside an embedded post, each with a label naming it."""
    labels = {}
    for start, _ in _paragraphs(article["text"]):
        raw_start = text_to_raw(article["offset_map"], start, start + 1)[0]
        for post in article["embeds"]:
            if post.start <= raw_start < post.end:
                labels[start] = f"embedded post by {post.author} ({post.handle}), {post.posted}"
    return labels


def _article_page(article: dict, spans: Sequence[Sentence], removed: pd.DataFrame) -> str:
    text, raw = article["text"], article["raw_text"]
    body_text = _body_html(text, spans, _embedded_paragraphs(article))
    headline = article["headline"] or f"(no headline) {article['article_id']}"
    counts = (
        f"{sum(1 for _ in _paragraphs(text))} paragraphs, {len(spans)} sentences, "
        f"{len(text)} characters kept of {len(raw)} raw, {len(removed)} removals"
    )
    evidence = f'<span class="nc-muted">({_esc(article["outlet_evidence"])})</span>'
    facts = _facts(
        [
            ("Article", f"<code>{_esc(article['article_id'])}</code>"),
            ("Outlet", f"{_esc(article['outlet'])} {evidence}"),
            ("Published", _esc(article["published"] or "no dateline")),
            ("URL", _esc(article["url"] or "none recorded")),
            ("Counts", counts),
        ]
    )
    body = (
        f'<p><a href="../index.html">All reports</a></p>\n<header>\n<h1>{_esc(headline)}</h1>\n{facts}\n'
        '<p class="nc-muted">Each sentence is anchored as <code>#s&lt;start&gt;-&lt;end&gt;</code>, '
        "its character offsets in the raw file; a linked sentence is highlighted.</p>\n</header>\n"
        f'<section class="nc-text">\n<h2>Cleaned text</h2>\n{body_text}\n</section>\n'
        f'<section class="nc-removed">\n<h2>What cleaning removed</h2>\n{_removed_html(removed)}\n</section>'
    )
    return _page(headline, body)


def write_article_pages(
    corpus: pd.DataFrame, out_dir: str | Path, article_ids: Iterable[str] | None = None
) -> list[Path]:
    """Write ``out_dir/articles/<safe id>.html`` for every article (or only those in ``article_ids``), the
    targets of the evidence links; the pages written, in corpus order."""
    folder = Path(out_dir) / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = None if article_ids is None else set(article_ids)
    articles = corpus if wanted is None else corpus.loc[corpus["article_id"].isin(wanted)]
    log = cleaning_log(articles)
    removals = {article_id: rows for article_id, rows in log.groupby("article_id", sort=False)}
    empty = log.iloc[:0]
    pages = []
    for article in articles.to_dict("records"):
        article_id = article["article_id"]
        removed = removals.get(article_id, empty).sort_values(["start", "end"], kind="stable")
        page = folder / f"{safe_name(article_id)}.html"
        spans = _spans(article["text"], article["offset_map"])
        page.write_text(_article_page(article, spans, removed), encoding="utf-8", newline="\n")
        pages.append(page)
    return pages


def _cell(value: object) -> str:
    if isinstance(value, float):
        return _esc(f"{value:.{pd.get_option('display.precision')}f}")
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return _esc(text)


class ReportTable:
    """A table that shows as its DataFrame in plain text and as a bounded HTML table in a page.

    The plain repr is the DataFrame's own, so nbval keeps comparing the numbers; only the HTML, which the
    rendered reports show, is cut to :data:`MAX_ROWS` rows (with a link to the full CSV) or gains links.
    """

    def __init__(self, data: pd.DataFrame | pd.Series, html_table: str | None) -> None:
        self.data = data
        self._html = html_table

    def __repr__(self) -> str:
        return repr(self.data)

    def _repr_html_(self) -> str | None:
        return self._html


# --- tables cut for the page, in full as CSV -------------------------------------------------------------

_TABLES = {"folder": "tables", "links_from": "."}


def set_tables(folder: str | Path, links_from: str | Path = ".") -> None:
    """Where tables cut for display write their full CSV (``folder``), and the folder the page showing them
    is read from (``links_from``), which their links are relative to.

    A notebook calls it with its ``TABLES`` and ``REPORTS`` parameters. Run in Jupyter, the defaults of the
    notebooks (``"../tables"`` and ``"."``) put the CSVs in ``tables/`` at the top of the checkout, beside
    ``figures/``, linked from the notebook; ``make report`` passes ``BUILD/reports/tables`` and
    ``BUILD/reports``, so a report folder carries its CSVs and its links work offline wherever it is copied.
    Relative paths are taken from the working folder when a table is written.
    """
    _TABLES["folder"], _TABLES["links_from"] = str(folder), str(links_from)


def table_name(name: str) -> str:
    """The file stem of a table's CSV: letters, digits, ``-`` and ``_`` only, so it stays in its folder."""
    stem = _UNSAFE.sub("_", str(name)).strip("_")
    if not stem:
        raise ValueError(f"a table needs a name of letters or digits, not {name!r}")
    return stem


def neutralise(value: object) -> object:
    """``value`` safe to open in a spreadsheet: text starting with ``= + - @``, a tab or a carriage return
    gets a leading apostrophe, so it shows as text and never runs as a formula; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _label_text(label: object) -> str:
    return " / ".join(str(part) for part in label) if isinstance(label, tuple) else str(label)


def _neutral_text(value: object) -> object:
    """Like :func:`neutralise`, also for other objects (lists, ...) a CSV would write as their ``str``."""
    if value is None or isinstance(value, str | int | float | bool) or pd.api.types.is_scalar(value):
        return neutralise(value)
    return neutralise(str(value))


def csv_frame(data: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """``data`` as the rows a CSV should hold: named index levels as columns (a pivot's rows), column labels
    flattened to text, and every text cell and label neutralised against formula injection."""
    df = data.to_frame() if isinstance(data, pd.Series) else data
    named = any(name is not None for name in df.index.names)
    df = df.reset_index(drop=not named)
    out = df.copy()
    out.columns = [neutralise(_label_text(label)) for label in df.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)):
            out.isetitem(position, column.map(_neutral_text, na_action="ignore"))
    return out


def write_table_csv(data: pd.DataFrame | pd.Series, path: str | Path) -> Path:
    """Write every row of ``data`` to ``path`` as UTF-8 CSV, safe in a spreadsheet (:func:`csv_frame`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Text quoted: a carriage return in an article is not a line break a reader could split a row at.
    csv_frame(data).to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    return path


def _full_table(data: pd.DataFrame | pd.Series, name: str) -> str:
    """Write the CSV of a table that is cut; the link to it, relative to the page."""
    path = write_table_csv(data, Path(_TABLES["folder"]) / f"{table_name(name)}.csv")
    href = os.path.relpath(path.resolve(), Path(_TABLES["links_from"]).resolve())
    return quote(Path(href).as_posix())


def _note(shown: tuple[int, int], total: tuple[int, int], href: str) -> str:
    """The line above a cut table: how much of it the page shows, and where the rest is."""
    parts = []
    if shown[0] < total[0]:
        parts.append(f"{shown[0]:,} of {total[0]:,} rows")
    if shown[1] < total[1]:
        parts.append(f"{shown[1]:,} of {total[1]:,} columns")
    file_name = _esc(href.rsplit("/", 1)[-1])
    everything = "all rows" if shown[0] < total[0] else "all columns"
    return (
        f'<p class="nc-table-note">Showing the first {" and ".join(parts)}; '
        f'{everything} in <a href="{_esc(href)}">{file_name}</a> (CSV).</p>\n'
    )


def _frame_html(df: pd.DataFrame | pd.Series, rows: int, columns: int) -> str | None:
    """pandas' own notebook HTML of ``df``, all of whose ``rows`` and ``columns`` fit (None for a Series,
    which a notebook shows as text)."""
    if isinstance(df, pd.Series):
        df = df.to_frame()
    rows, columns = max(rows, 1), max(columns, 1)
    options = ("display.max_rows", rows, "display.min_rows", rows, "display.max_columns", columns)
    with pd.option_context(*options):
        return df._repr_html_()


def summary_table(
    data: pd.DataFrame | pd.Series, name: str, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> ReportTable:
    """``data`` for display, bounded: up to ``max_rows`` rows and ``max_columns`` columns in the page.

    A table that fits shows whole, exactly as pandas shows it (a Series as text), and writes nothing. A
    longer or wider one shows its first rows and columns (sort it so the first are the ones to read) under
    a line "Showing the first N of M rows; all rows in <name>.csv", and every row goes to
    ``<TABLES>/<name>.csv`` (see :func:`set_tables`), with text that a spreadsheet would run as a formula
    neutralised. The plain-text repr stays the whole DataFrame's, as nbval compares it.
    """
    n_rows, n_columns = len(data), 1 if isinstance(data, pd.Series) else data.shape[1]
    if n_rows <= max_rows and n_columns <= max_columns:
        html_table = None if isinstance(data, pd.Series) else _frame_html(data, max_rows, max_columns)
        return ReportTable(data, html_table)
    href = _full_table(data, name)
    head = data.head(max_rows)
    if not isinstance(head, pd.Series):
        head = head.iloc[:, :max_columns]
    shown = (len(head), 1 if isinstance(head, pd.Series) else head.shape[1])
    note = _note(shown, (n_rows, n_columns), href)
    return ReportTable(data, note + (_frame_html(head, max_rows, max_columns) or ""))


def evidence_table(
    df: pd.DataFrame, corpus: pd.DataFrame, name: str | None = None, *, max_rows: int = MAX_ROWS
) -> ReportTable:
    """Wrap ``df`` (columns ``article_id, start, end``) so its HTML links every row to the sentence it cites.

    A row naming no article of the corpus (a skipped file in the cleaning log) has no page to link to,
    and says so. With a ``name``, a table longer than ``max_rows`` shows its first ``max_rows`` rows under a
    "showing N of M rows" line linking the CSV of every row, as :func:`summary_table` does. Without one,
    rows beyond pandas' ``display.max_rows`` are left out of the HTML, as the plain repr truncates too.
    Cells longer than :data:`MAX_CELL_CHARS` are shortened in the HTML.
    """
    missing = {"article_id", "start", "end"} - set(df.columns)
    if missing:
        raise KeyError(f"evidence_table needs columns {sorted(missing)}")
    positions = [list(df.columns).index(name) for name in ("article_id", "start", "end")]
    note = ""
    if name is None:
        limit = pd.get_option("display.max_rows") or len(df)
    else:
        limit = max_rows
        if len(df) > limit:
            note = _note((limit, df.shape[1]), df.shape, _full_table(df, name))
    spans = _SpanCache(corpus)
    rows = []
    for label, *values in df.head(limit).itertuples(index=True, name=None):
        article_id, start, end = (values[position] for position in positions)
        article_id = str(article_id)
        cells = "".join(f"<td>{_cell(value)}</td>" for value in values)
        if article_id not in spans:
            link = '<td class="nc-muted">not loaded: no page</td>'
        else:
            href = _href(article_id, spans[article_id], int(start), int(end))
            link = f'<td><a href="{_esc(href)}">in context</a></td>'
        rows.append(f"<tr><th>{_esc(label)}</th>{cells}{link}</tr>")
    if name is None and len(df) > limit:
        rows.append(f'<tr><td colspan="{len(df.columns) + 2}">… {len(df) - limit} more rows</td></tr>')
    head = "".join(f"<th>{_esc(name)}</th>" for name in [df.index.name or "", *df.columns, ""])
    body = "\n".join(rows)
    table = f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    return ReportTable(df, note + table)


def cited_articles(pages: Iterable[str | Path], corpus: pd.DataFrame) -> set[str]:
    """Ids of the articles whose pages the given report pages link to (``articles/<safe id>.html``)."""
    by_name = {safe_name(article_id): article_id for article_id in corpus["article_id"]}
    cited = set()
    for page in pages:
        for stem in _ARTICLE_LINK.findall(Path(page).read_text(encoding="utf-8")):
            if stem in by_name:
                cited.add(by_name[stem])
    return cited


def provenance_html(corpus: pd.DataFrame, parameters: Mapping[str, object]) -> str:
    """Block naming the corpus, its size and fingerprint, the project version and the run's parameters.

    A report without it cannot be traced back to its input once papermill's parameter cell is hidden.
    """
    params = _facts(
        [
            (f"<code>{_esc(name)}</code>", f"<code>{_esc(value)}</code>")
            for name, value in sorted(parameters.items())
        ]
    )
    facts = _facts(
        [
            ("Corpus", f"<code>{_esc(corpus.attrs.get('source', 'unknown'))}</code>"),
            ("Articles", str(len(corpus))),
            ("Fingerprint", f"<code>{_esc(corpus_fingerprint(corpus))}</code>"),
            ("Project version", _esc(__version__)),
            ("Parameters", params),
        ]
    )
    return (
        f'<section class="nc-provenance" aria-label="Provenance">\n<h2>Provenance</h2>\n{facts}\n</section>'
    )


def indexed_articles(corpus: pd.DataFrame, max_rows: int = MAX_ROWS) -> list[str]:
    """The articles the index lists, each linked to its page: the first ``max_rows`` of the corpus."""
    return [str(article_id) for article_id in corpus["article_id"].head(max_rows)]


INDEX_ARTICLE_COLUMNS = ["article_id", "outlet", "outlet_evidence", "group", "headline", "published", "url"]


def _index_groups(corpus: pd.DataFrame, out_dir: Path, max_rows: int) -> str:
    """Comparison groups with their article counts, largest first, cut like any table."""
    counts = corpus.groupby("group", sort=True).size().rename("articles").reset_index()
    counts = counts.sort_values(
        ["articles", "group"], ascending=[False, True], kind="stable", ignore_index=True
    )
    note = ""
    if len(counts) > max_rows:
        csv = write_table_csv(counts, out_dir / "tables" / "index-groups.csv")
        note = _note((max_rows, 2), (len(counts), 2), quote(csv.relative_to(out_dir).as_posix()))
    rows = "\n".join(
        f"<tr><td>{_esc(group)}</td><td>{int(articles):,}</td></tr>"
        for group, articles in counts.head(max_rows).itertuples(index=False)
    )
    return (
        f"<h2>Comparison groups</h2>\n{note}<table><thead><tr><th>Group</th><th>Articles</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table>\n"
    )


def write_index(
    out_dir: str | Path,
    notebooks: Sequence[tuple[str, str, str]],
    corpus: pd.DataFrame,
    parameters: Mapping[str, object],
    *,
    max_rows: int = MAX_ROWS,
) -> Path:
    """Write ``out_dir/index.html``: a paragraph per notebook report ``(title, html_file, paragraph)``, the
    articles linked to their pages, and the provenance every page carries.

    A corpus of more than ``max_rows`` articles is summarised: its comparison groups with their article
    counts, the first ``max_rows`` articles (:func:`indexed_articles`, whose pages must exist), and every
    article in ``tables/index-articles.csv`` (every group in ``tables/index-groups.csv`` if there are more
    than ``max_rows`` of those too), linked from the page.
    """
    out_dir = Path(out_dir)
    reports = "\n".join(
        f'<h3><a href="{_esc(html_file)}">{_esc(title)}</a></h3>\n<p>{_esc(paragraph)}</p>'
        for title, html_file, paragraph in notebooks
    )
    articles = "\n".join(
        f'<tr><td><a href="articles/{_esc(safe_name(row["article_id"]))}.html">{_esc(row["article_id"])}</a>'
        f"</td><td>{_esc(row['outlet'])}</td><td>{_esc(row['headline'])}</td><td>{_esc(row['published'])}</td></tr>"
        for row in corpus.head(max_rows).to_dict("records")
    )
    groups = note = ""
    if len(corpus) > max_rows:
        groups = _index_groups(corpus, out_dir, max_rows)
        columns = [name for name in INDEX_ARTICLE_COLUMNS if name in corpus.columns]
        csv = write_table_csv(corpus[columns], out_dir / "tables" / "index-articles.csv")
        note = _note((max_rows, 4), (len(corpus), 4), quote(csv.relative_to(out_dir).as_posix()))
    body = (
        "<h1>Coverage comparison reports</h1>\n"
        f"{provenance_html(corpus, parameters)}\n<h2>Reports</h2>\n{reports}\n"
        f"{groups}<h2>Articles</h2>\n{note}"
        "<table><thead><tr><th>Article</th><th>Outlet</th><th>Headline</th><th>Published</th></tr></thead>"
        f"<tbody>\n{articles}\n</tbody></table>"
    )
    index = out_dir / "index.html"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(_page("Coverage comparison reports", body), encoding="utf-8", newline="\n")
    return index
