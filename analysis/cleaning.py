"""Turn a scraped article into its clean body, logging every removal with offsets into the raw text.

The rules are general, for any outlet's pages; the patterns live in data files beside this module
(``data/boilerplate.csv``, ``data/ui_words.txt``) so they can be read and extended:

- navigation junk: a line made mostly of site-menu and icon words, without sentence punctuation;
- datelines: a line holding only a date and time ("11 Mar, 2019 21:05", "Published: 10:32 GMT,
  12 March 2019") becomes ``published``; a wire dateline ("BEIRUT (Reuters) - ") is cut from the
  first paragraph;
- the headline: a short first paragraph without final punctuation (never the lede), and any
  repeat of it;
- image captions and credits, share prompts, related-article links and bylines;
- trailers at the end ("Source: ...", "Read Full Article", a publisher's domain line), which are
  kept as outlet evidence;
- copies: a paragraph that repeats another exactly, or is a truncated copy of it, wherever it
  stands; the most complete copy is kept;
- junk glued onto a subhead (an image slug such as "Abu-Bakr-al-Baghdady" fused to its first word);
- no-break spaces, runs of spaces, spaces before punctuation and soft line wraps;
- invisible characters: control characters that are not white space (NUL, BEL, ESC, DEL, C1
  controls), zero-width spaces, byte-order marks and word joiners, soft hyphens, and the
  bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that could make a
  report show text in another order than it has. They are dropped from ``text`` and logged; the
  raw text keeps them. Control characters that are white space (vertical tab, form feed, the
  information separators U+001C-U+001F, NEL) count as white space. Joiners that shape text (the
  zero-width joiner of emoji sequences, the non-joiner of Persian) and the left-to-right and
  right-to-left marks are kept.

An embedded social-media post (a paragraph followed by "— Name (@handle) date") is kept and marked.

The clean text is made only of raw characters, in order, some replaced one for one (any white space
becomes a space, a paragraph break a newline), so every clean offset maps back to one raw offset.
White space that is dropped is not logged; everything else that is dropped is.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np
from dateutil import parser as date_parser
from numpy.typing import ArrayLike

DATA = Path(__file__).parent / "data"
HEADLINE_MAX_WORDS = 25
COPY_MIN_WORDS = 3  # an exact repeat shorter than this ("No.") may be real speech
TRUNCATED_COPY_MIN_WORDS = 5  # a prefix this long of another paragraph is a truncated copy
_TRAILER_WINDOW = 4  # trailers are looked for among the last few paragraphs


@dataclass(frozen=True)
class Removal:
    """A stretch of raw text that cleaning removed, and why."""

    start: int
    end: int
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class EmbeddedPost:
    """A social-media post quoted in the article; offsets into the raw text."""

    start: int
    end: int
    author: str
    handle: str
    posted: str


@dataclass(frozen=True)
class CleanArticle:
    """The clean body and everything needed to trace it back to the raw text."""

    text: str
    segments: tuple[tuple[int, int, int], ...]  # (text_start, raw_start, length): 1:1 runs
    removals: tuple[Removal, ...]
    headline: str
    published: str
    trailer: str
    embeds: tuple[EmbeddedPost, ...]


_TEXT_START = itemgetter(0)


def text_to_raw(segments: tuple[tuple[int, int, int], ...], start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of clean text to the raw text through the segments.

    A binary search on the segments themselves: O(log n) per span, so mapping every sentence of a
    10 MB article does not rebuild a list of its segment starts each time."""
    if not segments:
        return (0, 0)

    def point(offset: int) -> int:
        k = max(bisect_right(segments, offset, key=_TEXT_START) - 1, 0)
        text_start, raw_start, length = segments[k]
        return raw_start + min(offset - text_start, length)

    if end <= start:
        return (point(start), point(start))
    return (point(start), point(end - 1) + 1)


def texts_to_raw(
    segment_maps: Sequence[tuple[tuple[int, int, int], ...]],
    rows: ArrayLike,
    starts: ArrayLike,
    ends: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`text_to_raw` of many spans at once: span ``i`` is ``[starts[i], ends[i])`` of the text
    whose segments are ``segment_maps[rows[i]]``; returns the raw starts and ends as arrays. The
    segments of the texts concerned are laid end to end and searched together: one span at a time,
    the sentences of 20,000 articles' alignments took 1.1 s."""
    rows, starts, ends = (np.asarray(values, dtype=np.int64) for values in (rows, starts, ends))
    needed, text_of = np.unique(rows, return_inverse=True)
    maps = [segment_maps[row] for row in needed.tolist()]
    sizes = np.fromiter(map(len, maps), dtype=np.int64, count=len(maps))
    segments = np.array(list(chain.from_iterable(maps)), dtype=np.int64).reshape(-1, 3)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    stride = int(max(segments[:, 0].max(initial=0), starts.max(initial=0), ends.max(initial=0))) + 2
    keys = np.repeat(np.arange(len(maps), dtype=np.int64), sizes) * stride + segments[:, 0]
    has_segments = sizes[text_of] > 0

    def point(offsets: np.ndarray) -> np.ndarray:
        found = np.searchsorted(keys, text_of * stride + offsets, side="right") - 1
        k = np.where(has_segments, np.maximum(found, first[text_of]), 0)
        text_start, raw_start, length = segments[k].T if len(segments) else np.zeros((3, len(k)), np.int64)
        return np.where(has_segments, raw_start + np.minimum(offsets - text_start, length), 0)

    raw_starts = point(starts)
    raw_ends = np.where(ends <= starts, raw_starts, point(np.maximum(ends - 1, starts)) + 1)
    return raw_starts, np.where(has_segments, raw_ends, 0)


# --- data files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    reason: str
    position: str  # "any" or "last"
    max_words: int
    regex: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> tuple[_Pattern, ...]:
    """The boilerplate patterns. They are written in lower case and matched against the lower-cased
    paragraph: several times faster than IGNORECASE on these alternations."""
    path = DATA / "boilerplate.csv"
    patterns = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            literal = re.sub(r"\\.", "", row["pattern"])
            if literal != literal.lower():
                raise ValueError(
                    f"{path}:{number}: write the pattern in lower case, it meets lower-cased text"
                )
            patterns.append(
                _Pattern(row["reason"], row["position"], int(row["max_words"]), re.compile(row["pattern"]))
            )
    return tuple(patterns)


@lru_cache(maxsize=1)
def _ui_words() -> frozenset[str]:
    lines = (DATA / "ui_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


# --- invisible characters ------------------------------------------------------------------------

INVISIBLE_CHARACTERS = (
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # controls that are not white space
    "\u00ad\u200b\u2060-\u2064\ufeff"  # soft hyphen, zero-width space, word joiner, invisible operators, BOM
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
)
"""Characters dropped from the clean text (a regex character-class body); see the module docstring."""
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]+")
_INVISIBLE_SET = frozenset(c for c in map(chr, range(0x10000)) if _INVISIBLE.match(c))


def visible(text: str) -> str:
    """``text`` without its invisible characters (for comparing paragraphs, not for offsets)."""
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def has_visible_text(text: str) -> bool:
    """Whether ``text`` holds anything but white space and invisible characters: ``visible(text).strip()``
    without scanning the whole text (it took 6 s of loading 100,000 articles)."""
    return _VISIBLE_CHARACTER.search(text) is not None


_VISIBLE_CHARACTER = re.compile(rf"[^\s{INVISIBLE_CHARACTERS}]")


# --- paragraphs ----------------------------------------------------------------------------------

# A line from its first visible character (white space and invisible characters are not visible).
_LINE_CONTENT = re.compile(rf"[^\s{INVISIBLE_CHARACTERS}][^\r\n]*")
_TERMINAL = re.compile(r"""[.!?:;,…]['"’”)\]]*$""")


@dataclass
class _Paragraph:
    start: int
    end: int
    text: str
    key: str  # white space collapsed, for comparisons
    words: list[str]
    reason: str = ""
    detail: str = ""
    cut: tuple[int, int] | None = None  # a partial removal at the start, in raw offsets
    cut_reason: str = ""
    cut_detail: str = ""


def _tail_length(line: str) -> int:
    """How many white-space and invisible characters end ``line``: read from its end, where a regex
    search for them tried each space of the line (6% of loading a corpus)."""
    end = len(line)
    while end and (line[end - 1].isspace() or line[end - 1] in _INVISIBLE_SET):
        end -= 1
    return len(line) - end


def _paragraphs(raw: str) -> list[_Paragraph]:
    """Non-blank lines as paragraphs; a soft-wrapped line (no final punctuation, the next line
    starting in lower case, no blank line between) is joined to the next one."""
    spans: list[list[int]] = []
    for match in _LINE_CONTENT.finditer(raw):
        start, end = match.start(), match.end() - _tail_length(match.group())
        if spans and raw[start].islower():
            between = raw[spans[-1][1] : start]
            line_breaks = between.count("\n") + between.count("\r") - between.count("\r\n")
            if line_breaks == 1 and not _TERMINAL.search(raw, spans[-1][0], spans[-1][1]):
                spans[-1][1] = end
                continue
        spans.append([start, end])
    paragraphs = []
    for start, end in spans:
        text = raw[start:end]
        words = visible(text).split()
        paragraphs.append(_Paragraph(start, end, text, " ".join(words), words))
    return paragraphs


# --- rules ---------------------------------------------------------------------------------------


def _segment_words(token: str, vocabulary: frozenset[str]) -> bool:
    """True if ``token`` is one vocabulary word or several glued together ("bookmarkicon")."""
    reachable = [True] + [False] * len(token)
    for end in range(1, len(token) + 1):
        reachable[end] = any(
            reachable[s] and token[s:end] in vocabulary for s in range(max(0, end - 16), end)
        )
    return reachable[-1]


def is_navigation(text: str) -> bool:
    """A line of menu and icon words: at least 3 words, 60% of them UI words, no final punctuation."""
    if _TERMINAL.search(text):
        return False
    words = [w for w in re.split(r"[\s\-_/|·•>]+", text.lower()) if w]
    if len(words) < 3:
        return False
    vocabulary = _ui_words()
    hits = sum(1 for w in words if w in vocabulary or _segment_words(w, vocabulary))
    return hits / len(words) >= 0.6


_MONTHS = (
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
    "august september october november december"
).split()
_DATE_WORDS = frozenset(
    _MONTHS
    + (
        "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday "
        "saturday sunday am pm a.m. p.m. gmt bst utc cet cest est edt pst pdt et pt ist aest "
        "published updated last first posted on at modified date time"
    ).split()
)
_DATE_TOKEN = re.compile(r"[A-Za-z.]+|\d+|[^\sA-Za-z\d]")
_HAS_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def parse_dateline(text: str) -> str:
    """ISO date (and time, if given) of a line that holds nothing but a date; "" otherwise."""
    if len(text) > 80:
        return ""
    tokens = _DATE_TOKEN.findall(text)
    if not tokens or not _YEAR.search(text):
        return ""
    for token in tokens:
        if token.strip(".") and (token.isalpha() or "." in token):
            if token.lower() not in _DATE_WORDS:
                return ""
        elif not token.isdigit() and token not in ",:/-|.":
            return ""
    if not any(t.lower() in _MONTHS for t in tokens) and not re.search(
        r"\d{1,4}[/-]\d{1,2}[/-]\d{1,4}", text
    ):
        return ""
    segment = next((s for s in text.split("|") if _YEAR.search(s)), text)
    segment = re.sub(
        r"(?i)\b(?:published|updated|last|first|posted|modified|on|at|date|time)\b:?", " ", segment
    )
    segment = re.sub(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])", r"\1:\2", segment)  # "14.00 GMT"
    try:
        parsed = date_parser.parse(segment, fuzzy=True, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return ""
    if parsed.year == 1900:
        return ""
    return parsed.strftime("%Y-%m-%dT%H:%M" if _HAS_TIME.search(segment) else "%Y-%m-%d")


_WIRE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]{2,40}(?:,\s*[A-Z][A-Za-z.]+(?:\s+\d{1,2})?)?)\s*"
    r"(?:\((?P<agency>[A-Za-z&.\- ]{2,30})\)\s*)?[-–—]{1,2}\s+"
)
_GLUED_SLUG = re.compile(r"^[A-Za-z]+(?:-[A-Za-z]+){2,}(?:\.(?:jpe?g|png|gif|webp))?(?=[A-Z][a-z])")
EMBED_SIGNATURE = re.compile(
    r"^[—–-]{1,2}\s*(?P<author>[^()\n]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*(?P<posted>.{0,40})$"
)
_BYLINE = re.compile(r"^(?:By|BY)\s+[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&|,))*\s*$")


def _mark_trailers(paragraphs: list[_Paragraph]) -> list[str]:
    """Mark trailers from the end backwards; return their texts, first to last."""
    trailers: list[str] = []
    checked = 0
    for paragraph in reversed(paragraphs):
        if paragraph.reason:
            continue
        if checked >= _TRAILER_WINDOW:
            break
        checked += 1
        pattern = _first_match(paragraph, "last")
        if pattern is None:
            break
        paragraph.reason = pattern.reason
        paragraph.detail = paragraph.key
        trailers.insert(0, paragraph.key)
    return trailers


def _first_match(paragraph: _Paragraph, position: str) -> _Pattern | None:
    lower = paragraph.key.lower()
    for pattern in _patterns():
        if (
            pattern.position == position
            and len(paragraph.words) <= pattern.max_words
            and pattern.regex.search(lower)
        ):
            return pattern
    return None


def _ends_like_a_sentence(key: str) -> bool:
    return bool(_TERMINAL.search(key))


def _mark_headline(paragraphs: list[_Paragraph], hint: str) -> str:
    """Mark the headline and its repeats; return it ("" when the article has none)."""
    body = [p for p in paragraphs if not p.reason]
    if len(body) < 2:
        return ""
    first = body[0]
    hint_key = " ".join(hint.split())
    is_headline = first.key == hint_key or (
        len(first.words) <= HEADLINE_MAX_WORDS and not _ends_like_a_sentence(first.key)
    )
    if not is_headline:
        return ""
    first.reason = "headline"
    for paragraph in body[1:]:
        if paragraph.key == first.key:
            paragraph.reason, paragraph.detail = "repeated headline", f"headline at {first.start}-{first.end}"
    return first.key


def _mark_copies(paragraphs: list[_Paragraph]) -> None:
    """Mark exact and truncated copies, keeping the most complete copy (the first of equals).

    A paragraph of at least :data:`COPY_MIN_WORDS` words that repeats another is a copy of the first;
    one of at least :data:`TRUNCATED_COPY_MIN_WORDS` words whose text opens a longer paragraph (its
    last word may be cut short) is a truncated copy of it. The original named is the longest such
    paragraph that is itself kept (the earliest of equals). Sorting the distinct texts puts every text
    that opens with another right after it, so this takes O(n log n), not O(n^2), on a live blog of
    thousands of paragraphs that share their opening words.
    """
    first_of: dict[str, _Paragraph] = {}
    for paragraph in paragraphs:
        if not paragraph.reason and len(paragraph.words) >= COPY_MIN_WORDS:
            first_of.setdefault(paragraph.key, paragraph)
    keys = sorted(first_of)
    n = len(keys)
    # ends[i]: one past the last key that opens with keys[i]; they all follow it in sorted order.
    ends = [
        i + 1 if i + 1 == n or not keys[i + 1].startswith(keys[i]) else _block_end(keys, i) for i in range(n)
    ]
    truncated = [
        ends[i] > i + 1 and len(first_of[keys[i]].words) >= TRUNCATED_COPY_MIN_WORDS for i in range(n)
    ]
    original: dict[str, _Paragraph] = {}
    if any(truncated):
        # Rank of each kept key (longest first, then earliest); a range minimum finds the original.
        ranked = sorted(
            (i for i in range(n) if not truncated[i]), key=lambda i: (-len(keys[i]), first_of[keys[i]].start)
        )
        rank = np.full(n, n, dtype=np.int64)
        rank[ranked] = np.arange(len(ranked))
        minimum = _RangeMinimum(rank)
        for i in range(n):
            if truncated[i]:
                original[keys[i]] = first_of[keys[ranked[minimum(i + 1, ends[i])]]]
    for paragraph in paragraphs:
        if paragraph.reason or len(paragraph.words) < COPY_MIN_WORDS:
            continue
        if paragraph.key in original:
            copied = original[paragraph.key]
            paragraph.reason = "truncated copy"
            paragraph.detail = f"truncated copy of {copied.start}-{copied.end}"
        elif (copied := first_of[paragraph.key]) is not paragraph:
            paragraph.reason, paragraph.detail = "duplicate paragraph", f"copy of {copied.start}-{copied.end}"


def _block_end(keys: list[str], i: int) -> int:
    """One past the last of the sorted ``keys`` that opens with ``keys[i]`` (they follow it)."""
    lo, hi = i + 1, len(keys)
    while lo < hi:
        middle = (lo + hi) // 2
        if keys[middle].startswith(keys[i]):
            lo = middle + 1
        else:
            hi = middle
    return lo


class _RangeMinimum:
    """Minimum of ``values[lo:hi]`` in O(1) after O(n log n) set-up (a sparse table)."""

    def __init__(self, values: np.ndarray) -> None:
        self.levels = [values]
        width = 1
        while 2 * width <= len(values):
            previous = self.levels[-1]
            self.levels.append(np.minimum(previous[:-width], previous[width:]))
            width *= 2

    def __call__(self, lo: int, hi: int) -> int:
        level = (hi - lo).bit_length() - 1
        values = self.levels[level]
        return int(min(values[lo], values[hi - (1 << level)]))


def _mark_partial_cuts(paragraphs: list[_Paragraph]) -> None:
    """Cut a wire dateline from the first body paragraph and image slugs glued onto subheads."""
    body = [p for p in paragraphs if not p.reason]
    if body:
        match = _WIRE_DATELINE.match(body[0].text)
        if match and len(match.group("place").split()) <= 4 and body[0].text[match.end() :][:1].isupper():
            body[0].cut = (body[0].start, body[0].start + match.end())
            body[0].cut_reason, body[0].cut_detail = "dateline", (match.group("agency") or "").strip()
    for paragraph in body:
        if len(paragraph.words) <= 12 and not _ends_like_a_sentence(paragraph.key):
            match = _GLUED_SLUG.match(paragraph.text)
            if match:
                paragraph.cut = (paragraph.start, paragraph.start + match.end())
                paragraph.cut_reason, paragraph.cut_detail = "junk glued to subhead", match.group()


def _find_embeds(paragraphs: list[_Paragraph]) -> list[EmbeddedPost]:
    embeds = []
    kept = [p for p in paragraphs if not p.reason]
    for index, paragraph in enumerate(kept):
        match = EMBED_SIGNATURE.match(paragraph.key)
        if match and index > 0:
            post = kept[index - 1]
            embeds.append(
                EmbeddedPost(
                    post.start,
                    paragraph.end,
                    match.group("author").strip(),
                    match.group("handle"),
                    match.group("posted").strip(),
                )
            )
    return embeds


# --- assembling the clean text -------------------------------------------------------------------

# A run of white space, or white space before punctuation that ends a clause ("Iraq ." -> "Iraq.").
_EXTRA_SPACE = re.compile(r"\s(?:\s+|(?=[,.;:!?](?:\s|$)))")
_CLOSES_WORD = re.compile(r"[\w\"'”’)\]]")
_LINE_BREAK = re.compile(r"[\r\n]")
_OTHER_WHITE_SPACE = re.compile(r"[^\S ]")


def _kept_runs(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Raw runs of one paragraph after dropping extra white space and spaces before punctuation."""
    runs = []
    position = start
    for match in _EXTRA_SPACE.finditer(raw, start, end):
        if match.end() - match.start() > 1:
            drop_from = match.start() + 1  # keep the first of a run of white space
            if (
                match.end() < end
                and raw[match.end()] in ",.;:!?"
                and _CLOSES_WORD.match(raw, match.start() - 1)
            ):
                drop_from = match.start()  # and none of it before punctuation
        elif _CLOSES_WORD.match(raw, match.start() - 1):
            drop_from = match.start()
        else:
            continue
        if drop_from > position:
            runs.append((position, drop_from))
        position = match.end()
    if end > position:
        runs.append((position, end))
    return runs


def _visible_runs(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """:func:`_kept_runs` of ``raw[start:end]`` as if its invisible characters were not there, in
    raw offsets: a run is split where an invisible character was left out."""
    if not _INVISIBLE.search(raw, start, end):
        return _kept_runs(raw, start, end)
    positions = [i for i in range(start, end) if raw[i] not in _INVISIBLE_SET]
    before = raw[start - 1 : start] if start > 0 else ""  # the context _kept_runs looks back at
    shown = before + "".join(raw[i] for i in positions)
    runs = []
    for first, last in _kept_runs(shown, len(before), len(shown)):
        run_start = previous = positions[first - len(before)]
        for position in positions[first - len(before) + 1 : last - len(before)]:
            if position != previous + 1:
                runs.append((run_start, previous + 1))
                run_start = position
            previous = position
        runs.append((run_start, previous + 1))
    return runs


def _invisible_removals(raw: str, removals: list[Removal]) -> list[Removal]:
    """A removal per run of invisible characters that no other removal already covers."""
    covered = sorted((r.start, r.end) for r in removals)
    starts = [s for s, _ in covered]
    found = []
    for match in _INVISIBLE.finditer(raw):
        k = bisect_right(starts, match.start()) - 1
        if k >= 0 and covered[k][1] >= match.end():
            continue
        names = " ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in match.group()))
        found.append(Removal(match.start(), match.end(), "invisible characters", names))
    return found


def _separator(raw: str, after: int) -> int:
    """Raw offset of the line break that ends the paragraph ending at ``after``."""
    match = _LINE_BREAK.search(raw, after)
    return match.start() if match else after


def clean_article(raw: str, headline_hint: str = "") -> CleanArticle:
    """Clean one article; ``headline_hint`` (from metadata) names the headline when known."""
    paragraphs = _paragraphs(raw)
    published = ""
    for paragraph in paragraphs:
        if (pattern := _first_match(paragraph, "any")) is not None:
            paragraph.reason, paragraph.detail = pattern.reason, paragraph.key
        elif is_navigation(paragraph.text):
            paragraph.reason = "navigation"
        elif iso := parse_dateline(paragraph.key):
            paragraph.reason, paragraph.detail = "dateline", iso
            published = published or iso
        elif _BYLINE.match(paragraph.key) and len(paragraph.words) <= 8:
            paragraph.reason, paragraph.detail = "byline", paragraph.key
    trailers = _mark_trailers(paragraphs)
    headline = _mark_headline(paragraphs, headline_hint)
    _mark_copies(paragraphs)
    _mark_partial_cuts(paragraphs)
    embeds = _find_embeds(paragraphs)

    removals: list[Removal] = []
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    text_length = 0
    kept = [p for p in paragraphs if not p.reason]
    for paragraph in paragraphs:
        if paragraph.reason:
            removals.append(Removal(paragraph.start, paragraph.end, paragraph.reason, paragraph.detail))
    for index, paragraph in enumerate(kept):
        start = paragraph.start
        if paragraph.cut:
            removals.append(Removal(*paragraph.cut, paragraph.cut_reason, paragraph.cut_detail))
            start = paragraph.cut[1]
        runs = _visible_runs(raw, start, paragraph.end)
        if index + 1 < len(kept):
            separator = _separator(raw, paragraph.end)
            runs.append((separator, separator + 1))
        for run_start, run_end in runs:
            piece = raw[run_start:run_end]
            if run_end - run_start == 1 and run_start >= paragraph.end:
                piece = "\n"
            elif _OTHER_WHITE_SPACE.search(piece):
                piece = _OTHER_WHITE_SPACE.sub(" ", piece)
            pieces.append(piece)
            segments.append((text_length, run_start, run_end - run_start))
            text_length += run_end - run_start
    if _INVISIBLE.search(raw):
        removals += _invisible_removals(raw, removals)
    removals.sort(key=lambda r: (r.start, r.end))
    return CleanArticle(
        text="".join(pieces),
        segments=tuple(segments),
        removals=tuple(removals),
        headline=headline,
        published=published,
        trailer=" / ".join(trailers),
        embeds=tuple(embeds),
    )
