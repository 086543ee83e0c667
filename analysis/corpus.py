"""Load a corpus of articles into one DataFrame, cleaned, with the map back to the raw text.

A corpus is a folder of ``.txt`` files (with an optional ``metadata.csv``) or a CSV, TSV, JSONL or
Parquet table with a text column. Bad input never stops the rest of the corpus from loading: each
problem raises a :class:`CorpusWarning` that names the file and the problem, and every skipped
file (only empty, binary and duplicate ones are skipped) is a row of :func:`cleaning_log`.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis import parallel
from analysis.cleaning import clean_article, has_visible_text, text_to_raw, texts_to_raw
from analysis.text import corpus_tokens

UNKNOWN = "unknown"
TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq"}
FOLDER_IGNORES = {"metadata.csv", "readme.md", "sha256sums"}

# Column synonyms of article tables, first match wins; keys are the corpus's own names.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "full_text", "maintext", "story"),
    "id": ("id", "article_id", "doc_id", "docid", "uid", "guid", "key", "file", "filename"),
    "outlet": (
        "outlet",
        "publisher",
        "source",
        "source_name",
        "site",
        "media",
        "publication",
        "newspaper",
        "domain",
    ),
    "outlet_evidence": ("outlet_evidence", "evidence"),
    "headline": ("headline", "title", "heading", "hed"),
    "published": (
        "published",
        "date",
        "published_at",
        "publish_date",
        "pubdate",
        "date_publish",
        "datetime",
        "timestamp",
        "time",
    ),
    "url": ("url", "link", "href", "source_url", "canonical_url"),
}
COLUMNS = [
    "article_id",
    "file",
    "outlet",
    "outlet_evidence",
    "group",
    "headline",
    "published",
    "url",
    "raw_text",
    "text",
    "encoding",
    "flags",
    "offset_map",
    "removals",
    "embeds",
]
# A text in which fewer than this share of words are English function words is flagged.
ENGLISH_FUNCTION_WORD_SHARE = 0.15
_MIN_WORDS_FOR_LANGUAGE = 20
# Beyond this many articles with the same problem (no metadata row, not English, only boilerplate),
# one warning counts the rest: the flags column and the cleaning log still name every article.
MAX_WARNINGS_PER_PROBLEM = 10


class CorpusWarning(UserWarning):
    """A problem with one input file or row; the rest of the corpus still loads."""


class CorpusError(ValueError):
    """The corpus as a whole cannot be loaded (a missing path, a table without text)."""


def _warn(where: str, problem: str) -> None:
    """Warn, naming the line that called into this module (the notebook's ``load_corpus``), not ours."""
    frame, level = sys._getframe(0), 1  # stacklevel 1 is this function
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    warnings.warn(f"{where}: {problem}", CorpusWarning, stacklevel=level)


class _Skipped(tuple):
    """The skipped files of a corpus (``attrs["skipped"]``), read-only. pandas deep-copies ``attrs`` into
    every frame derived from the corpus, on every operation: this one is shared instead of copied, which
    makes a column lookup three times faster and keeps loops over rows from spending minutes copying."""

    def __deepcopy__(self, memo: dict) -> _Skipped:
        return self


class _Problems:
    """The skipped files and the warnings of one load.

    Every skip is kept (with its file and reason) for :func:`skipped_files` and :func:`cleaning_log`.
    Warnings name the file, but past ``MAX_WARNINGS_PER_PROBLEM`` of one kind a single warning counts
    the rest, so that a folder of 10,000 files without metadata rows does not print 10,000 lines.
    """

    def __init__(self) -> None:
        self.skipped: list[dict] = []
        self._kinds: dict[str, list[str]] = {}

    def warn(self, where: str, problem: str, kind: str = "") -> None:
        names = self._kinds.setdefault(kind or problem, [])
        names.append(where)
        if len(names) <= MAX_WARNINGS_PER_PROBLEM:
            _warn(where, problem)

    def skip(self, article_id: str, file: str, where: str, reason: str, problem: str) -> None:
        self.skipped.append(_skip(article_id, file, reason))
        self.warn(where, problem, kind=f"skipped: {reason.split(' of ')[0]}")

    def summarise(self) -> None:
        for kind, names in self._kinds.items():
            rest = names[MAX_WARNINGS_PER_PROBLEM:]
            if rest:
                shown = ", ".join(rest[:3]) + (", ..." if len(rest) > 3 else "")
                _warn(f"{len(rest)} more", f"{kind} ({shown})")
        self._kinds.clear()


@dataclass(frozen=True)
class _Input:
    """One article as read, before cleaning."""

    article_id: str
    file: str
    raw: str
    encoding: str
    outlet: str = ""
    outlet_evidence: str = ""
    headline: str = ""
    published: str = ""
    url: str = ""


# --- decoding ------------------------------------------------------------------------------------


def decode(data: bytes, where: str, warn: Callable[[str, str], None] = _warn) -> tuple[str, str] | None:
    """Decode a file's bytes; return ``(text, encoding)`` or None for a binary file.

    UTF-8 first (a BOM is dropped); UTF-16/32 by their BOM, or UTF-16 without one when every other
    byte is NUL; otherwise Windows-1252 (Latin-1 for its five undefined bytes). Any encoding but
    UTF-8 is warned about, naming the file and the encoding. Text that decodes but is full of control
    characters is binary all the same; a few stray ones (even NUL) do not make a text binary.
    """
    decoded = _decode_text(data)
    if decoded is None:
        return None
    text, encoding = decoded
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t\f\v")
    if controls > 0.05 * len(sample):
        return None
    if encoding in {"cp1252", "latin-1"}:
        warn(where, f"not valid UTF-8; decoded as {encoding}, check its quotes and accents")
    elif encoding not in {"utf-8", "utf-8-sig"}:
        how = "by its byte-order mark" if encoding in {"utf-16", "utf-32"} else "no byte-order mark"
        warn(where, f"not UTF-8; decoded as {encoding} ({how})")
    return text, encoding


def _decode_text(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    if b"\x00" in data:
        sample = data[:4096]
        half = len(sample) / 2
        for nuls, encoding in ((sample[1::2].count(0), "utf-16-le"), (sample[0::2].count(0), "utf-16-be")):
            if nuls > 0.4 * half:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# --- reading inputs ------------------------------------------------------------------------------


def _read_folder(folder: Path, problems: _Problems) -> Iterator[_Input]:
    """The folder's articles, one file read at a time."""
    metadata = _read_metadata(folder)
    ids: set[str] = set()
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        if path.name.lower() in FOLDER_IGNORES:
            continue
        where = str(path)
        if path.suffix.lower() != ".txt":
            problems.skip(
                path.stem,
                path.name,
                where,
                "not a .txt file",
                "not a .txt file; not read (convert it, or load a table instead)",
            )
            continue
        data = path.read_bytes()
        decoded = decode(data, where, problems.warn) if data.strip() else ("", "")
        if decoded is None:
            problems.skip(path.stem, path.name, where, "binary file", "binary file, not text; skipped")
            continue
        raw, encoding = decoded
        if not has_visible_text(raw):  # nothing but white space, byte-order marks or control characters
            problems.skip(path.stem, path.name, where, "empty file", "empty file; skipped")
            continue
        row = metadata.pop(path.name, None) if metadata is not None else None
        if row is None and metadata is not None:
            problems.warn(where, "no row in metadata.csv; outlet taken from the text where it names one")
        article_id = path.stem
        if article_id in ids:  # "a.txt" and "a.TXT"
            article_id = path.name
            problems.warn(where, f"another file is also named {path.stem!r}; its id is {article_id!r}")
        ids.add(article_id)
        yield _Input(article_id, path.name, raw, encoding, **(row or {}))
    for name in sorted(metadata or ()):
        problems.warn(
            str(folder / "metadata.csv"),
            f"row for {name!r}, which is not a readable file in the folder",
            kind="metadata.csv rows for files not in the folder",
        )


def _read_metadata(folder: Path) -> dict[str, dict[str, str]] | None:
    """Rows of ``metadata.csv`` keyed by file name; None (and a warning) when there is none."""
    path = folder / "metadata.csv"
    if not path.exists():
        _warn(str(folder), "no metadata.csv; outlets are taken from the text where it names them")
        return None
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = _map_columns(table.columns)
    if "id" not in columns:
        raise CorpusError(
            f"{path}: no 'file' column to match rows to files; columns are {list(table.columns)}"
        )
    rows: dict[str, dict[str, str]] = {}
    for record in table.to_dict("records"):
        name = record[columns["id"]].strip()
        rows[name if name.lower().endswith(".txt") else f"{name}.txt"] = {
            key: record[column].strip() for key, column in columns.items() if key not in {"id", "text"}
        }
    return rows


def _map_columns(columns: Iterable[str]) -> dict[str, str]:
    """Map the corpus's column names to a table's columns through the synonyms."""
    lower = {str(c).strip().lower(): str(c) for c in columns}
    mapped = {}
    for key, synonyms in COLUMN_SYNONYMS.items():
        found = next((lower[s] for s in synonyms if s in lower), None)
        if found is not None and found not in mapped.values():
            mapped[key] = found
    return mapped


def _read_table(path: Path, problems: _Problems) -> Iterator[_Input]:
    """The table's articles, read a batch of rows at a time (see :func:`_table_records`)."""
    names, records = _table_records(path)
    columns = _map_columns(names)
    if "text" not in columns:
        raise CorpusError(
            f"{path}: no text column (looked for {', '.join(COLUMN_SYNONYMS['text'])}); "
            f"its columns are {', '.join(map(str, names)) or 'none'}"
        )
    seen_ids: dict[str, int] = {}
    for number, record in enumerate(records, start=1):

        def field(key: str, record: dict = record) -> str:
            return _cell_text(record.get(columns.get(key, ""))).strip()

        article_id = field("id") or f"row{number:06d}"
        if article_id in seen_ids:
            new_id = article_id
            while new_id in seen_ids:
                seen_ids[article_id] += 1
                new_id = f"{article_id}-{seen_ids[article_id]}"
            problems.warn(
                f"{path} row {number}",
                f"id {article_id!r} used again; renamed {new_id!r}",
                kind="ids used again",
            )
            article_id = new_id
        seen_ids.setdefault(article_id, 1)
        raw = _cell_text(record.get(columns["text"]))
        if not has_visible_text(raw):
            where = f"{path} row {number} ({article_id})"
            problems.skip(article_id, path.name, where, "empty text", "empty text; skipped")
            continue
        yield _Input(
            article_id,
            path.name,
            raw,
            "table",
            field("outlet"),
            field("outlet_evidence"),
            field("headline"),
            field("published"),
            field("url"),
        )


TABLE_BATCH_ROWS = 2_000  # rows read from a table at a time


def _table_records(path: Path) -> tuple[list[str], Iterator[dict]]:
    """A table's column names and its rows as dicts.

    Parquet, CSV/TSV and JSON Lines are read ``TABLE_BATCH_ROWS`` rows at a time, so a large table
    is never held whole beside the corpus made from it; a JSON array is read whole. The columns of
    JSON Lines are those of the first record. A file that cannot be read raises
    :class:`CorpusError` naming it, whether the problem is in its first row or its last.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(path)
            names = parquet.schema_arrow.names
            batches = parquet.iter_batches(batch_size=TABLE_BATCH_ROWS)
            records: Iterator[dict] = chain.from_iterable(batch.to_pylist() for batch in batches)
        elif suffix in {".jsonl", ".ndjson"}:
            records = _json_lines(path)
            first = next(records, {})
            names, records = list(first), chain([first] if first else [], records)
        elif suffix == ".json":
            data = _no_surrogates(json.loads(path.read_text(encoding="utf-8")), str(path))
            table = pd.DataFrame(data)
            names, records = list(table.columns), iter(table.to_dict("records"))
        else:
            reader = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep="\t" if suffix == ".tsv" else ",",
                chunksize=TABLE_BATCH_ROWS,
            )
            first_rows = next(reader, pd.DataFrame())
            names = list(first_rows.columns)
            frames = chain([first_rows], reader)
            records = chain.from_iterable(frame.to_dict("records") for frame in frames)
    except _READ_ERRORS as error:
        raise _unreadable(path, error) from None
    return names, _reporting_errors(records, path)


def _reporting_errors(records: Iterator[dict], path: Path) -> Iterator[dict]:
    """``records``, with a read error met on the way raised as a :class:`CorpusError` naming ``path``."""
    try:
        yield from records
    except _READ_ERRORS as error:
        raise _unreadable(path, error) from None


_READ_ERRORS = (ValueError, OSError, UnicodeDecodeError)


def _unreadable(path: Path, error: Exception) -> CorpusError:
    return CorpusError(f"{path}: cannot be read as a {path.suffix.lower()[1:]} table ({error})")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_lines(path: Path) -> Iterator[dict]:
    """The records of a JSON Lines file, a line at a time. Read with :mod:`json`, which keeps what a
    scraper wrote, lone surrogate escapes included (pandas' reader refuses the whole file for one)."""
    with path.open(encoding="utf-8-sig", newline="\n") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"line {number} is not JSON: {error}") from None
            if not isinstance(record, dict):
                raise ValueError(f"line {number} is not a JSON object")
            yield _no_surrogates(record, f"{path} line {number}")


def _no_surrogates(value: object, where: str) -> object:
    """``value`` (parsed JSON) with each lone UTF-16 surrogate, which no file or page can store, made
    U+FFFD: one character for one, so offsets hold. A warning names where."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            _warn(where, "lone UTF-16 surrogates, which no file can store; each became U+FFFD")
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        return {_no_surrogates(k, where): _no_surrogates(v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v, where) for v in value]
    return value


def _cell_text(value: object) -> str:
    """A table cell as text; a missing value (None, NA, NaN) is empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _skip(article_id: str, file: str, reason: str) -> dict:
    return {
        "article_id": article_id,
        "file": file,
        "reason": f"skipped: {reason}",
        "start": 0,
        "end": 0,
        "removed_text": "",
        "detail": "",
    }


# --- outlets -------------------------------------------------------------------------------------

_GENERIC_TRAILER = re.compile(r"(?i)^source\s*:\s*(?:read (?:the )?full (?:article|story)|\W*)$")


def outlet_from_trailer(trailer: str) -> str:
    """The outlet a trailer names ("Source: Daily Mail" -> "Daily Mail"), or "" if it names none."""
    for part in trailer.split(" / "):
        if _GENERIC_TRAILER.match(part):
            continue
        match = re.match(r"(?i)^source\s*:\s*(.+)$", part)
        if match:
            return match.group(1).strip()
    return ""


def group_label(outlet: str, article_id: str) -> str:
    """The comparison group: the outlet, or the article itself when its outlet is unknown."""
    return outlet if outlet and outlet.lower() != UNKNOWN else f"{UNKNOWN}: {article_id}"


# --- loading -------------------------------------------------------------------------------------


_ASCII_WORD = re.compile(r"[a-z]+")


def _english_share(text: str) -> float:
    """Share of English function words among the words of (the first 1,500 characters of) a text."""
    words = _ASCII_WORD.findall(text[:1500].lower())  # English function words are ASCII
    if not words:
        return 1.0
    return sum(map(ENGLISH_STOP_WORDS.__contains__, words)) / len(words)


_BOILERPLATE_ONLY, _NOT_ENGLISH = "only boilerplate", "not English?"


def _build_rows(items: list[_Input]) -> list[dict]:
    """:func:`_build_row` of each item, without ``raw_text`` (the caller has it) and with the
    ``fingerprint`` that tells a duplicate (:func:`_fingerprint`): run chunk by chunk, on the
    cluster when one is configured, so the raw text is not sent back."""
    rows = [_build_row(item) for item in items]
    for row in rows:
        row["fingerprint"] = _fingerprint(row["text"])
    return rows


def _fingerprint(text: str) -> str:
    """What two copies of an article share: its clean text (white space already normalised) in lower
    case, hashed. Taken with the cleaning, where the work is spread: hashing each text in the calling
    process took 4.6 s of its time at 100,000 articles."""
    return hashlib.sha1(text.lower().encode()).hexdigest()


def _build_row(item: _Input) -> dict:
    """The corpus row of one input: cleaned, its outlet found and its caveats flagged."""
    clean = clean_article(item.raw, headline_hint=item.headline)
    flags = []
    if item.encoding not in {"utf-8", "utf-8-sig", "table"}:
        flags.append(f"decoded as {item.encoding}")
    if not clean.text.strip():
        flags.append(_BOILERPLATE_ONLY)
    elif (
        len(clean.text.split()) >= _MIN_WORDS_FOR_LANGUAGE
        and _english_share(clean.text) < ENGLISH_FUNCTION_WORD_SHARE
    ):
        flags.append(_NOT_ENGLISH)
    trailer_outlet = outlet_from_trailer(clean.trailer)
    if item.outlet:
        outlet, evidence = item.outlet, item.outlet_evidence or "given in the input"
    elif trailer_outlet:
        outlet, evidence = trailer_outlet, f'trailer "{clean.trailer}"'
    else:
        outlet = UNKNOWN
        evidence = f'none: trailer "{clean.trailer}" names no publisher' if clean.trailer else "none"
    row = {
        "article_id": item.article_id,
        "file": item.file,
        "outlet": outlet,
        "outlet_evidence": evidence,
        "group": group_label(outlet, item.article_id),
        "headline": item.headline or clean.headline,
        "published": item.published or clean.published,
        "url": item.url,
        "text": clean.text,
        "encoding": item.encoding,
        "flags": "; ".join(flags),
        "offset_map": clean.segments,
        "removals": clean.removals,
        "embeds": clean.embeds,
    }
    return row


def load_corpus(source: str | Path) -> pd.DataFrame:
    """Load, decode and clean a corpus; one row per article (see the module docstring).

    Columns: ``article_id, file, outlet, outlet_evidence, group, headline, published, url, raw_text,
    text, encoding, flags``. ``group`` is the outlet, or ``"unknown: <article_id>"`` so that articles
    of unknown outlet are never merged. ``corpus.attrs`` keeps the source path, the skipped files
    and, per article, the offset map and removals behind :func:`raw_span` and :func:`cleaning_log`.
    """
    path = Path(source).expanduser()
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    problems = _Problems()
    if path.is_dir():
        inputs = _read_folder(path, problems)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        inputs = _read_table(path, problems)
    else:
        raise CorpusError(
            f"{path}: not a folder of .txt files nor a table ({', '.join(sorted(TABLE_SUFFIXES))})"
        )

    frames: list[pd.DataFrame] = []  # a chunk of rows at a time: their text then lives in Arrow
    rows: list[dict] = []
    first_seen: dict[str, str] = {}
    in_flight: deque[_Input] = deque()  # read but not yet built: the rows come back without raw text

    def remembered(items: Iterable[_Input]) -> Iterator[_Input]:
        for item in items:
            in_flight.append(item)
            yield item

    for row in chain.from_iterable(parallel.map_chunks(_build_rows, remembered(inputs), label="cleaning")):
        item = in_flight.popleft()
        row["raw_text"] = item.raw
        where = item.file or item.article_id
        if _BOILERPLATE_ONLY in row["flags"]:
            problems.warn(where, "nothing left after cleaning (only boilerplate); kept with empty text")
        elif _NOT_ENGLISH in row["flags"]:
            problems.warn(where, "does not read as English; results for it will be poor")
        fingerprint = row.pop("fingerprint")
        if row["text"].strip() and fingerprint in first_seen:
            original = first_seen[fingerprint]
            problems.skip(
                item.article_id,
                item.file,
                where,
                f"duplicate of {original}",
                f"same article as {original}; skipped, the first is kept",
            )
            continue
        first_seen.setdefault(fingerprint, item.article_id)
        rows.append(row)
        if len(rows) == parallel.CHUNK_ARTICLES:
            frames.append(pd.DataFrame(rows, columns=COLUMNS))
            rows = []
    if rows:
        frames.append(pd.DataFrame(rows, columns=COLUMNS))
    del rows
    problems.summarise()
    skipped = problems.skipped
    n_articles = sum(map(len, frames))
    if not n_articles:
        raise CorpusError(f"{path}: no readable article in it ({len(skipped)} skipped)")
    if n_articles == 1:
        _warn(str(path), "only one article: comparisons between outlets need at least two")
    corpus = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)  # Arrow: no copy
    corpus.attrs.update(source=str(path), skipped=_Skipped(skipped))
    del frames
    parallel.return_freed_memory()  # the rows' dicts and strings, freed between live data
    return corpus


# --- evidence ------------------------------------------------------------------------------------


def raw_span(corpus: pd.DataFrame, article_id: str, start: int, end: int) -> tuple[int, int]:
    """Map ``[start, end)`` in an article's ``text`` to the same words in its ``raw_text``."""
    found = corpus.loc[corpus["article_id"] == article_id, "offset_map"]
    if found.empty:
        raise KeyError(f"no article {article_id!r} in this corpus")
    return text_to_raw(found.iloc[0], start, end)


def to_raw_offsets(corpus: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``rows`` (``article_id, start, end`` into ``text``) with offsets into ``raw_text``,
    mapped all at once (:func:`~analysis.cleaning.texts_to_raw`)."""
    positions = pd.Index(corpus["article_id"]).get_indexer(rows["article_id"])
    if (positions < 0).any():
        missing = sorted(set(rows["article_id"][positions < 0]))
        raise KeyError(f"articles not in the corpus: {', '.join(map(str, missing))}")
    out = rows.copy()
    out["start"], out["end"] = texts_to_raw(
        corpus["offset_map"].to_numpy(), positions, rows["start"], rows["end"]
    )
    return out


SKIPPED_COLUMNS = ["file", "article_id", "reason"]


def skipped_files(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every file (or table row) that was not loaded, with why: ``file, article_id, reason``.

    Only empty files, binary files and duplicates of an earlier article are skipped (and, in a folder,
    files that are not ``.txt``); ``reason`` reads "skipped: empty file", "skipped: binary file",
    "skipped: duplicate of <article_id>". For a table, ``file`` is the table and ``article_id`` the row.
    """
    rows = [{k: s[k] for k in SKIPPED_COLUMNS} for s in corpus.attrs.get("skipped", [])]
    return pd.DataFrame(rows, columns=SKIPPED_COLUMNS)


def flagged_articles(corpus: pd.DataFrame) -> pd.DataFrame:
    """Articles that loaded with a caveat: ``file, article_id, encoding, flags`` for each article whose
    ``flags`` are not empty (decoded from an encoding other than UTF-8, only boilerplate, not English?)."""
    flagged = corpus.loc[corpus["flags"] != "", ["file", "article_id", "encoding", "flags"]]
    return flagged.reset_index(drop=True)


LOG_COLUMNS = ["article_id", "reason", "start", "end", "removed_text", "detail"]


def cleaning_log(corpus: pd.DataFrame) -> pd.DataFrame:
    """Everything cleaning removed, and every skipped file, with offsets into ``raw_text``.

    Columns: ``article_id, reason, start, end, removed_text, detail``. Dropped white space is not
    listed.
    """
    rows = [
        {
            "article_id": article_id,
            "reason": r.reason,
            "start": r.start,
            "end": r.end,
            "removed_text": raw[r.start : r.end],
            "detail": r.detail,
        }
        for article_id, raw, removals in zip(
            corpus["article_id"], corpus["raw_text"], corpus["removals"], strict=True
        )
        for r in removals
    ]
    rows += [{k: v for k, v in s.items() if k != "file"} for s in corpus.attrs.get("skipped", [])]
    return pd.DataFrame(rows, columns=LOG_COLUMNS).sort_values(
        ["article_id", "start", "end"], kind="stable", ignore_index=True
    )


def embedded_posts(corpus: pd.DataFrame) -> pd.DataFrame:
    """Social-media posts embedded in articles (kept in ``text``), with offsets into ``raw_text``."""
    rows = [
        {
            "article_id": article_id,
            "start": e.start,
            "end": e.end,
            "author": e.author,
            "handle": e.handle,
            "posted": e.posted,
        }
        for article_id, posts in zip(corpus["article_id"], corpus["embeds"], strict=True)
        for e in posts
    ]
    return pd.DataFrame(rows, columns=["article_id", "start", "end", "author", "handle", "posted"])


def corpus_fingerprint(corpus: pd.DataFrame) -> str:
    """A short content hash of the corpus (ids and raw texts), to name what a report ran on."""
    digest = hashlib.sha256()
    for article_id, raw in zip(corpus["article_id"], corpus["raw_text"], strict=True):
        digest.update(article_id.encode() + b"\0" + raw.encode() + b"\0")
    return digest.hexdigest()[:12]


def article_stats(corpus: pd.DataFrame) -> pd.DataFrame:
    """Per article: outlet, group, headline, date, words (tokens) and sentences of the clean text.

    Counted from :func:`~analysis.text.corpus_tokens`, which every notebook needs anyway: it is
    tokenized once per process (in chunks, on a cluster when there is one), not once per table."""
    stats = corpus[["article_id", "outlet", "group", "headline", "published"]].copy()
    tokens = corpus_tokens(corpus["text"])
    stats["words"] = np.diff(tokens.article_bounds)
    stats["sentences"] = np.diff(tokens.article_sentences)
    return stats


def group_sizes(corpus: pd.DataFrame) -> pd.DataFrame:
    """Articles and words (tokens) per comparison group: what every comparison of groups rests on."""
    stats = article_stats(corpus)
    return stats.groupby("group", sort=True).agg(articles=("article_id", "size"), words=("words", "sum"))


def tokenization_examples(corpus: pd.DataFrame, per_rule: int = 3) -> pd.DataFrame:
    """Real examples of each tokenization rule: the words in the text, the token they became, and
    where they stand (offsets into ``raw_text``). The most frequent distinct cases come first.
    Counted while the corpus is tokenized (:func:`~analysis.text.corpus_tokens`), not by a pass of its own."""
    uses = corpus_tokens(corpus["text"]).rule_uses
    ranked = uses.sort_values(["rule", "occurrences", "words"], ascending=[True, False, True], kind="stable")
    table = ranked.groupby("rule", sort=True).head(per_rule).reset_index(drop=True)
    article = table["article"].to_numpy()
    start, end = texts_to_raw(corpus["offset_map"].to_numpy(), article, table["start"], table["end"])
    return pd.DataFrame(
        {
            "rule": table["rule"],
            "words": table["words"],
            "token": table["token"],
            "occurrences": table["occurrences"],
            "article_id": corpus["article_id"].to_numpy()[article],
            "start": start,
            "end": end,
        }
    )


def describe_corpus(corpus: pd.DataFrame, path: str) -> pd.Series:
    """What a report ran on: the path as given, articles, groups, words, content hash, version."""
    from analysis import __version__

    return pd.Series(
        {
            "corpus": path,
            "articles": len(corpus),
            "comparison groups": corpus["group"].nunique(),
            "words (clean text)": len(corpus_tokens(corpus["text"]).ids),
            "content hash": corpus_fingerprint(corpus),
            "analysis version": __version__,
        },
        name="provenance",
    )
