"""Shareable HTML around the notebooks: one page per article with sentence anchors, evidence links, an index.

Evidence everywhere is ``(article_id, start, end)`` in raw-text offsets. These pages let a reader of a
rendered report click from a finding to the sentence it rests on and see what cleaning removed. Articles
are scraped pages, so every string taken from them is escaped: no markup from the data reaches a page.
Pages embed their CSS and forbid scripts and network loads, so a report folder works offline as files.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis import __version__
from analysis.cleaning import text_to_raw
from analysis.corpus import cleaning_log, corpus_fingerprint, raw_span
from analysis.text import sentences

TEMPLATES = Path(__file__).parent / "templates"
"""nbconvert template folder (``offline_report``) for the notebook pages, also holding the shared CSS."""

CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""No scripts and no remote loads: even markup that slipped through escaping could not run or phone home."""

_CSS = (TEMPLATES / "offline_report" / "static" / "reports.css").read_text(encoding="utf-8")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


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
    return html.escape(str(value), quote=True)


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


def sentence_spans(corpus: pd.DataFrame, article_id: str) -> list[Sentence]:
    """Sentences of an article with their raw spans: pages and links both use this, so links find anchors."""
    text = _article(corpus, article_id)["text"]
    return [Sentence(start, end, *raw_span(corpus, article_id, start, end)) for start, end in sentences(text)]


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
    for para_start, para_end in _paragraphs(text):
        embed = (embeds or {}).get(para_start)
        parts, pos = [], para_start
        for span in spans:
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


def write_article_pages(corpus: pd.DataFrame, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/articles/<safe id>.html`` for every article, the targets of every evidence link."""
    folder = Path(out_dir) / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    log = cleaning_log(corpus)
    pages = []
    for article in corpus.to_dict("records"):
        article_id = article["article_id"]
        removed = log.loc[log["article_id"] == article_id].sort_values(["start", "end"], kind="stable")
        page = folder / f"{safe_name(article_id)}.html"
        html_page = _article_page(article, sentence_spans(corpus, article_id), removed)
        page.write_text(html_page, encoding="utf-8", newline="\n")
        pages.append(page)
    return pages


def _cell(value: object) -> str:
    if isinstance(value, float):
        return _esc(f"{value:.{pd.get_option('display.precision')}f}")
    return _esc(value)


class EvidenceTable:
    """A DataFrame that shows as itself in plain text and as an HTML table linking each row to its sentence.

    The plain repr is the DataFrame's own, so nbval keeps comparing the numbers; only the HTML, which
    the rendered reports show, gains the links.
    """

    def __init__(self, data: pd.DataFrame, html_table: str) -> None:
        self.data = data
        self._html = html_table

    def __repr__(self) -> str:
        return repr(self.data)

    def _repr_html_(self) -> str:
        return self._html


def evidence_table(df: pd.DataFrame, corpus: pd.DataFrame) -> EvidenceTable:
    """Wrap ``df`` (columns ``article_id, start, end``) so its HTML links every row to the sentence it cites.

    A row naming no article of the corpus (a skipped file in the cleaning log) has no page to link to,
    and says so. Rows beyond pandas' ``display.max_rows`` are left out of the HTML, as the plain repr
    truncates too.
    """
    missing = {"article_id", "start", "end"} - set(df.columns)
    if missing:
        raise KeyError(f"evidence_table needs columns {sorted(missing)}")
    positions = [list(df.columns).index(name) for name in ("article_id", "start", "end")]
    limit = pd.get_option("display.max_rows") or len(df)
    loaded = set(corpus["article_id"])
    spans: dict[str, list[Sentence]] = {}
    rows = []
    for label, *values in df.head(limit).itertuples(index=True, name=None):
        article_id, start, end = (values[position] for position in positions)
        article_id = str(article_id)
        cells = "".join(f"<td>{_cell(value)}</td>" for value in values)
        if article_id not in loaded:
            link = '<td class="nc-muted">not loaded: no page</td>'
        else:
            if article_id not in spans:
                spans[article_id] = sentence_spans(corpus, article_id)
            href = _href(article_id, spans[article_id], int(start), int(end))
            link = f'<td><a href="{_esc(href)}">in context</a></td>'
        rows.append(f"<tr><th>{_esc(label)}</th>{cells}{link}</tr>")
    if len(df) > limit:
        rows.append(f'<tr><td colspan="{len(df.columns) + 2}">… {len(df) - limit} more rows</td></tr>')
    head = "".join(f"<th>{_esc(name)}</th>" for name in [df.index.name or "", *df.columns, ""])
    body = "\n".join(rows)
    return EvidenceTable(df, f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")


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


def write_index(
    out_dir: str | Path,
    notebooks: Sequence[tuple[str, str, str]],
    corpus: pd.DataFrame,
    parameters: Mapping[str, object],
) -> Path:
    """Write ``out_dir/index.html``: a paragraph per notebook report ``(title, html_file, paragraph)``, the
    articles linked to their pages, and the provenance every page carries."""
    reports = "\n".join(
        f'<h3><a href="{_esc(html_file)}">{_esc(title)}</a></h3>\n<p>{_esc(paragraph)}</p>'
        for title, html_file, paragraph in notebooks
    )
    articles = "\n".join(
        f'<tr><td><a href="articles/{_esc(safe_name(row["article_id"]))}.html">{_esc(row["article_id"])}</a>'
        f"</td><td>{_esc(row['outlet'])}</td><td>{_esc(row['headline'])}</td><td>{_esc(row['published'])}</td></tr>"
        for row in corpus.to_dict("records")
    )
    body = (
        "<h1>Coverage comparison reports</h1>\n"
        f"{provenance_html(corpus, parameters)}\n<h2>Reports</h2>\n{reports}\n<h2>Articles</h2>\n"
        "<table><thead><tr><th>Article</th><th>Outlet</th><th>Headline</th><th>Published</th></tr></thead>"
        f"<tbody>\n{articles}\n</tbody></table>"
    )
    index = Path(out_dir) / "index.html"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(_page("Coverage comparison reports", body), encoding="utf-8", newline="\n")
    return index
