"""Figures in news text: what number, how hedged, of what, what happened to it, over when, says who.

:func:`extract_figures` reads each sentence that has a digit or a number word once, left to right, and
reports every figure with offsets into the text it was given (``text[start:end] == surface``);
``counted``, ``verb``, ``window`` and ``source`` are quoted from the normalised text (straight quotes).
Word lists live in ``analysis/data/figure_*.csv``, each with its source; the rules are general rules of
English news, never a list of the seed articles' sentences. In the order a figure is read:

- **Numbers**: digits with separators, decimals and magnitudes ("6,500", "2.5", "1.2 million", "$3bn",
  "£40m", "10 000"); spelled-out cardinals ("twenty-five", "a hundred and two", "four-and-a-half", "half
  a million", "two and a half million", "a dozen"; "a million and a half" is 1.5 million, as English
  means it); fractions ("a third", "two-thirds", "half of", "1/4 of", "one in five"); vague magnitudes
  (``figure_vague.csv``: "dozens" 24-99, "tens of thousands" 20,000-99,999, "several hundred" 300-999).
- **Ranges**: "47-48", "8- to 16-metre", "3 to 4", "two or three", "between X and Y", "from X to Y"
  (only these two may run downwards); after a change verb, "rose from 20 to 35" is two figures.
- **Not figures**: dates ("March 11", "11 Mar, 2019", "2019-03-11"), years (four digits 1800-2100
  without a separator: news style writes counts of 1,000 and more with one, so "2000" is a year unless
  a unit, a currency, a hedge or a plural count noun says otherwise), times ("9pm", "21:05", "2 p.m."),
  ordinals ("5th", "first", "twenty-third"), decades ("1960s"), scores ("3-1"), codes and identifiers
  glued to letters or symbols ("F-16", "Covid-19", "MH17", "24/7", "9/11"), labels ("Article 50", "page
  5"), phone numbers, "N ago", and "one" or "a" as a determiner ("one senior commander", "one of the"):
  a lone "one" counts only when hedged, in a range or a list, or before a unit.
- **Qualifier and interval** (``low``, ``high``): ``exact`` [v, v]; ``approx`` v +/- 10 %
  (:data:`APPROX_TOLERANCE`); ``lower_bound`` [v, inf]; ``upper_bound`` [0, v] (figures are counts and
  amounts; a negative bound gets -inf); ``range`` [a, b] with ``value`` the midpoint; ``vague`` the
  lexicon's interval with ``value`` its low end. Hedge words are part of ``surface``.
- **unit**: a ``figure_units.csv`` name ("percent", "dollars", "km", "years", ...), "fraction" for a
  share written as one, empty for a plain count; a rate keeps its denominator ("dollars/hour").
- **counted**: the noun phrase after the figure, past "of" and determiners ("2,000 American troops",
  "thousands of the terrorists" -> "terrorists"), with a state word that follows it ("550,000 people
  dead"); a measured figure counts something only through "of" ("40 percent of voters").
- **verb**: the lemma (``figure_classes.csv``) of the event verb tied to the figure: the verb just before
  it ("killed dozens"), else the first one after its noun phrase in the clause ("6,500 people have now
  fled"), else one earlier in the clause.
- **window**: a duration that bounds the counts, shares and sums of its sentence ("over the last 36
  hours", "in the past two weeks", "within 48 hours", and without a number "in the last month", "since
  January", "overnight") is their ``window`` and not a figure itself; "for five years" or a duration in a
  sentence with nothing to bound stays a figure. ``window_days`` is the window's length in days.
- **source**: "X said", "said X", "according to X", "X told Reuters" and other speech verbs in the
  sentence, the nearest to the figure; a lone surname is completed from the article ("Bali" ->
  "Mustafa Bali"); a pronoun is reported as written.
"""

from __future__ import annotations

import csv
import math
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import parallel
from analysis.cleaning import text_to_raw
from analysis.text import normalise, sentences, trie_pattern

DATA = Path(__file__).parent / "data"
APPROX_TOLERANCE = 0.1  # "about 2,000" is read as 1,800-2,200
ONE_SUBJECT_WORDS = 3  # "one (senior) (Iraqi) soldier": the words a lone "one" may count before its verb
COLUMNS = [
    "surface",
    "start",
    "end",
    "value",
    "low",
    "high",
    "qualifier",
    "unit",
    "counted",
    "verb",
    "window",
    "window_days",
    "source",
    "sentence",
    "sentence_start",
    "sentence_end",
]
CLASSES = ("displacement", "surrender_capture", "casualties", "troop_strength", "territory", "money", "other")
INF = math.inf

_TOKEN = re.compile(r"(?P<d>[0-9]+(?:[.,][0-9]+)*)|(?P<w>[^\W\d_]+)|(?P<p>\S)")  # digits, word, symbol
_DIGITS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
# Spans whose digits are never figures: addresses, ISO and numeric dates, clock times, phone numbers.
# (Digits inside addresses and codes are glued to letters or symbols and left out token by token.)
_NOT_FIGURES = re.compile(
    r"""(?=[\d+(])(?:\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b
    |(?<![\w.])\+\d[\d ()-]{7,}\d|\(\d{2,5}\)\s?\d{3,4}[ -]?\d{3,4}|\b0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}\b
    |\b\d{3}-\d{3}-\d{4}\b)""",
    re.VERBOSE,
)
_QUOTES = frozenset("\"'\u201c\u201d\u2018\u2019")
_DASHES = frozenset("-\u2013\u2014")
_OPENERS = frozenset("\"'\u201c\u2018([")
_WINDOWED = frozenset(("", "percent", "fraction", "money"))  # unit kinds of figures a window can bound
_CLAUSE_END = frozenset(".;:!?")
_DIGIT_SUFFIX_SKIPS = frozenset(("st", "nd", "rd", "th", "s"))  # 21st, 1960s: ordinals and decades
_NUMERATORS = ("a", "unit", "teen", "tens")  # what may come before "dozen" or a fraction word


# --- lexicons ------------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of a data file; lines starting with '#' (its source and rationale) are skipped."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if line.strip() and not line.startswith("#")))


def _words_of(phrase: str) -> tuple[str, ...]:
    return tuple(m.group() for m in _TOKEN.finditer(phrase.lower()))


@dataclass(frozen=True)
class _Unit:
    name: str
    kind: str
    days: float


@dataclass(frozen=True)
class _Vague:
    words: tuple[str, ...]
    low: float
    high: float
    base: float
    needs_of: bool


class _Lexicon:
    """Every word list of the extractor, loaded once from the data files."""

    def __init__(self) -> None:
        numbers = _rows("figure_numbers.csv")
        self.number = {
            r["word"]: (float(r["value"]), r["kind"]) for r in numbers if "suffix" not in r["kind"]
        }
        self.suffix = {r["word"]: (float(r["value"]), r["kind"]) for r in numbers if "suffix" in r["kind"]}
        roles: dict[str, set[str]] = {}
        for r in _rows("figure_words.csv"):
            roles.setdefault(r["role"], set()).add(r["word"])
        self.role = {k: frozenset(v) for k, v in roles.items()}
        hedges = _rows("figure_hedges.csv")
        self.before = {_words_of(r["phrase"]): r["qualifier"] for r in hedges if r["position"] == "before"}
        self.before = {k: v for k, v in self.before.items() if v != "intensifier"}
        self.intensifier = {_words_of(r["phrase"]) for r in hedges if r["qualifier"] == "intensifier"}
        self.after = {_words_of(r["phrase"]): r["qualifier"] for r in hedges if r["position"] == "after"}
        self.vague: dict[str, list[_Vague]] = {}
        for r in _rows("figure_vague.csv"):
            v = _Vague(
                _words_of(r["phrase"]),
                float(r["low"]),
                float(r["high"]),
                float(r["base"] or 0),
                r["needs_of"] == "1",
            )
            self.vague.setdefault(v.words[0], []).append(v)
        for entries in self.vague.values():
            entries.sort(key=lambda v: -len(v.words))
        self.plural_base = {v.words[0]: v.base for vs in self.vague.values() for v in vs if v.base}
        self.unit_after: dict[tuple[str, ...], _Unit] = {}
        self.unit_before: dict[str, _Unit] = {}
        for r in _rows("figure_units.csv"):
            unit = _Unit(r["unit"], r["kind"], float(r["days"] or "nan"))
            if r["position"] == "before":
                self.unit_before[r["surface"]] = unit
            else:
                self.unit_after[_words_of(r["surface"])] = unit
        self.verb: dict[str, tuple[str, str]] = {}
        self.lemma_class: dict[str, str] = {}
        self.noun: dict[str, tuple[str, str]] = {}  # head noun -> (family, class)
        self.state_class: dict[str, str] = {}
        for r in _rows("figure_classes.csv"):
            if r["kind"] == "verb":
                self.verb[r["word"]] = (r["lemma"], r["class"])
                self.lemma_class[r["lemma"]] = r["class"]
            elif r["kind"] == "noun":
                self.noun[r["word"]] = (r["lemma"], r["class"])
            else:
                self.state_class[r["word"]] = r["class"]
        self.unit_kind = {u.name: u.kind for u in [*self.unit_after.values(), *self.unit_before.values()]}
        self.vague_first = frozenset(self.vague)
        starts = {w for w, (_, kind) in self.number.items() if kind not in ("ordinal", "denominators")}
        self.starts = frozenset(starts | self.vague_first | {"a", "an", "minus", "negative"})
        # A sentence is read only if it holds a digit or one of these words ("a" of "a few" is not one).
        atoms = [w for w in starts | {v.words[-1] for vs in self.vague.values() for v in vs} if w.isalpha()]
        glyphs = "".join(w for w, (_, kind) in self.number.items() if kind == "glyph")
        self.digit = re.compile(f"[0-9{glyphs}]")
        self.number_word = re.compile(r"\b" + trie_pattern(atoms) + r"\b", re.IGNORECASE)

    def kind(self, word: str) -> str:
        return self.number.get(word, (0.0, ""))[1]

    def may_hold_figure(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` holds a digit or a number word: the digits are looked for
        first, alone, which the regex engine skips to in C; one pattern for both (whose number words
        cannot start with a class of letters while case is ignored) took 0.63 s, not 0.47, for the
        55,868 sentences of 2,000 generated articles (the least of five runs)."""
        return bool(self.digit.search(text, start, end) or self.number_word.search(text, start, end))


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


# --- reading one sentence ------------------------------------------------------------------------


def _interval(value: float, qualifier: str) -> tuple[float, float]:
    """[low, high] of a hedged or exact figure (see the module docstring)."""
    if qualifier == "approx":
        a, b = value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE)
        return min(a, b), max(a, b)
    if qualifier == "lower_bound":
        return value, INF
    if qualifier == "upper_bound":
        return (0.0 if value >= 0 else -INF), value
    return value, value


@dataclass
class _Quantity:
    """A number as written, before hedges and units: token span and value."""

    start: int
    end: int
    value: float = 0.0
    low: float = 0.0
    high: float = 0.0
    vague: bool = False
    fraction: bool = False
    digits: bool = False  # written in digits
    plain: bool = False  # digits without separator, decimal or magnitude: a year or a label candidate
    mult: float = 1.0  # the magnitude applied ("2 and 3 million": 2 borrows it)
    lone_one: bool = False  # the single word "one"
    skip: bool = False  # not a figure (a date, ordinal, identifier...): resume after ``end``


@dataclass
class _Figure:
    start: int  # token span of the surface
    end: int
    value: float
    low: float
    high: float
    qualifier: str
    unit: str = ""
    unit_kind: str = ""
    unit_days: float = math.nan
    adjectival: bool = False  # "two-year war": the unit is glued by a hyphen and a noun follows
    hedge: str = ""
    counted: str = ""
    counted_end: int = 0
    verb: str = ""
    window: str = ""
    window_days: float = math.nan
    source: str = ""


@dataclass
class _Window:
    start: int
    end: int
    days: float
    figure: _Figure | None = None  # the duration figure it is made of, if any


class _Sentence:
    """Tokens of one sentence of the normalised text, and the figures read from them."""

    def __init__(self, lex: _Lexicon, norm: str, start: int, end: int, names: _Names) -> None:
        self.lex, self.norm, self.names = lex, norm, names
        matches = list(_TOKEN.finditer(norm, start, end))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]
        self.words = [m.group() for m in matches]
        self.lowers = [w.lower() for w in self.words]
        self.kinds = [m.lastgroup for m in matches]
        self.n = len(matches)
        self.blocked = set()
        for m in _NOT_FIGURES.finditer(norm, start, end):
            self.blocked.update(
                k for k in range(self.n) if self.starts[k] < m.end() and self.ends[k] > m.start()
            )

    # -- helpers

    def glued(self, a: int, b: int) -> bool:
        """Tokens ``a`` and ``b`` touch (no space between)."""
        return 0 <= a < self.n and 0 <= b < self.n and self.ends[a] == self.starts[b]

    def joins(self, k: int) -> bool:
        """Token ``k`` is inside a word: the hyphen of "best-known", the ' of "France's", a dot of "U.S."."""
        word = self.words[k]
        if word in "-'" and self.glued(k - 1, k) and self.glued(k, k + 1):
            return True
        return (
            word == "."
            and self.glued(k - 1, k)
            and len(self.words[k - 1]) == 1
            and self.words[k - 1].isupper()
        )

    def breaks(self, k: int) -> bool:
        """Token ``k`` ends a clause: sentence punctuation, a spaced dash or a bracket."""
        word = self.words[k]
        if word in _DASHES:
            return not (self.glued(k - 1, k) and self.glued(k, k + 1))
        return word in _CLAUSE_END or word in "()"

    def kind(self, k: int) -> str:
        """ "d" digits, "w" word, "p" punctuation or symbol; "" outside the sentence."""
        return self.kinds[k] if 0 <= k < self.n else ""

    def low(self, k: int) -> str:
        return self.lowers[k] if 0 <= k < self.n else ""

    def is_content(self, k: int) -> bool:
        """A word that can be part of a noun phrase (acronyms like "US", "IS" are never function words)."""
        if not 0 <= k < self.n or self.kinds[k] != "w":
            return False
        word, lower = self.words[k], self.lowers[k]
        if len(word) > 1 and word.isupper():
            return True
        return lower not in self.lex.role["function"] and lower not in self.lex.starts

    def is_verb(self, k: int) -> bool:
        """A verb (event, speech or lower-case "-ed" word) not used before a noun ("rescued boys")."""
        if not self._verb_like(k):
            return False
        return not (self.is_content(k + 1) and not self._verb_like(k + 1))

    def _verb_like(self, k: int) -> bool:
        lower = self.low(k)
        if lower in self.lex.verb or lower in self.lex.role["speech"]:
            return True
        return lower.endswith("ed") and self.words[k].islower()

    def phrase_ends(self, k: int) -> bool:
        """Nothing, "of" or punctuation (not a hyphen) at ``k``: "a third." and "half of" are shares,
        "a third term" and "half-hearted" are not."""
        if self.low(k) in ("", "of"):
            return True
        return self.kinds[k] == "p" and not (self.words[k] in _DASHES and self.glued(k - 1, k))

    def in_name(self, k: int) -> bool:
        """A lower-case word between two capitalised ones: "Observatory for Human Rights"."""
        capital = [self.kind(c) == "w" and self.words[c][:1].isupper() for c in (k - 1, k + 1)]
        return self.low(k) in self.lex.role["name_connector"] and all(capital)

    # -- numbers

    def quantity(self, i: int, second: bool = False) -> _Quantity | None:
        """The number starting at token ``i``; ``second`` for the end of a range, glued to a dash."""
        if i in self.blocked:
            return None
        if self.kinds[i] == "d":
            return self._digits(i, second)
        if self.kinds[i] == "w" and self.lowers[i] in self.lex.starts:
            return self._words(i)
        return None

    def _digits(self, i: int, second: bool) -> _Quantity | None:
        word, lex = self.words[i], self.lex
        if not _DIGITS.fullmatch(word):
            return _Quantity(i, i + 1, skip=True)  # "1.2.3", "1,2": versions and lists
        value = float(word.replace(",", ""))
        start, plain = i, word.isdigit()
        if self.glued(i - 1, i):
            before, attached = self.words[i - 1], self.glued(i - 2, i - 1) and self.kinds[i - 2] != "p"
            if before in _DASHES and not attached:
                value, start = -value, i - 1
            elif second:
                pass  # the 48 of "47-48"
            elif self.kinds[i - 1] == "w" or before in _DASHES:
                return _Quantity(i, i + 1, skip=True)  # F16, i7, F-16, Covid-19, the 14 of 2013-14
            elif self.glued(i - 2, i - 1) and before not in _OPENERS and self.currency_before(i) is None:
                return _Quantity(i, i + 1, skip=True)  # 24/7, J1149.5+6663, 2^10: part of a code or formula
        j = i + 1
        if plain and len(word) <= 3:  # "10 000": thousands separated by spaces
            while j < self.n and self.kinds[j] == "d" and len(self.words[j]) == 3 and self.words[j].isdigit():
                if self.norm[self.ends[j - 1] : self.starts[j]] != " ":
                    break
                j += 1
            if j > i + 1:
                value, plain = math.copysign(float("".join(self.words[i:j])), value), False
        q = _Quantity(start, j, value, digits=True, plain=plain)
        if self.glued(j - 1, j):
            after = self.words[j]
            if after == "/" and self.glued(j, j + 1) and self.kinds[j + 1] == "d":
                return self._slash(q)
            if after == "'" and self.low(j + 1) == "s" and self.glued(j, j + 1):
                return _Quantity(start, j + 2, skip=True)  # the 1990's
            if self.kinds[j] == "w":
                return self._glued_word(q)
            if (
                after not in _DASHES
                and after not in "%'/"
                and self.kind(j + 1) in ("d", "w")
                and self.glued(j, j + 1)
            ):
                return _Quantity(start, j + 1, skip=True)  # 2.48x10, 4+4: a formula
        elif plain and self.kind(j) == "d" and self.glued(j, j + 1) and self.low(j + 1) == "/":
            numerator = _Quantity(j, j + 1, float(self.words[j]), digits=True, plain=self.words[j].isdigit())
            part = self._slash(numerator, whole=True)
            if not part.skip:  # "2 1/2"
                q.value, q.end, q.plain = value + part.value, part.end, False
                return q
        while j < self.n and lex.kind(self.lowers[j]) in ("big", "hundred"):  # "1.2 million"
            mult = lex.number[self.lowers[j]][0]
            q.value, q.mult, q.plain, j = q.value * mult, q.mult * mult, False, j + 1
        q.end = j
        return q

    def _glued_word(self, q: _Quantity) -> _Quantity:
        """Letters glued to digits: a magnitude ("3bn"), a unit ("5km") or no figure ("21st", "9pm")."""
        lex, j = self.lex, q.end
        after, lower = self.words[j], self.lowers[j]
        if lower in _DIGIT_SUFFIX_SKIPS or lower in lex.role["time_suffix"]:
            return _Quantity(q.start, j + 1, skip=True)
        if after in lex.suffix:
            mult, condition = lex.suffix[after]
            money = self.currency_before(q.start) is not None
            if condition == "suffix" or money or (condition == "suffix_count" and self.is_content(j + 1)):
                q.value, q.mult, q.plain, q.end = q.value * mult, mult, False, j + 1
                return q
        if lex.kind(lower) == "glyph":  # "2½"
            q.value, q.plain, q.end = q.value + lex.number[lower][0], False, j + 1
            return q
        if self.unit_at(j) is None:
            return _Quantity(q.start, j + 1, skip=True)  # 06F6, 4e14: codes
        return q

    def _slash(self, q: _Quantity, whole: bool = False) -> _Quantity:
        """A fraction below one before a unit, "of" or the end of a phrase, or after a whole number
        (``whole``): "1/4 inch", "1/40 of", "2 1/2"; "24/7" and "the 9/11 attacks" are none."""
        j = q.end
        denominator = self.words[j + 1] if self.glued(j, j + 1) else ""
        tail = self.glued(j + 1, j + 2) and self.words[j + 2] in "/-."
        placed = whole or self.phrase_ends(j + 2) or self.unit_at(j + 2) is not None
        if q.plain and denominator.isdigit() and not tail and placed and 0 < q.value < int(denominator):
            return _Quantity(q.start, j + 2, q.value / int(denominator), fraction=True, digits=True)
        return _Quantity(q.start, j + 2, skip=True)

    def _words(self, i: int) -> _Quantity | None:
        lower = self.lowers[i]
        if lower in ("minus", "negative"):
            q = self.quantity(i + 1) if i + 1 < self.n else None
            if q is None or q.skip or q.vague:
                return None
            q.start, q.value, q.lone_one = i, -q.value, False
            return q
        if lower in self.lex.vague_first:
            q = self._vague(i)
            if q is not None:
                return q
        if self.lex.kind(lower) == "glyph":
            return _Quantity(i, i + 1, self.lex.number[lower][0], fraction=True)
        if lower == "half":
            return self._half(i)
        return self._spelled(i)

    def _vague(self, i: int) -> _Quantity | None:
        lex = self.lex
        for v in lex.vague[self.lowers[i]]:
            j = i + len(v.words)
            if tuple(self.lowers[i:j]) != v.words:
                continue
            low, high = v.low, v.high
            if self.low(j) == "of" and self.low(j + 1) in lex.plural_base:
                base = lex.plural_base[self.low(j + 1)]
                low, high, j = low * base, (high + 1) * base - 1, j + 2
            elif lex.kind(self.low(j)) in ("big", "hundred"):
                base = lex.number[self.low(j)][0]
                low, high, j = low * base, (high + 1) * base - 1, j + 1
            elif v.needs_of and self.low(j) != "of":
                return None
            return _Quantity(i, j, low, low, high, vague=True)
        return None

    def _half(self, i: int) -> _Quantity | None:
        """ "half a million" (500,000), "half a square mile" (0.5 of the unit), "half of" (a fraction)."""
        lex, nxt = self.lex, self.low(i + 1)
        if nxt in ("a", "an"):
            if lex.kind(self.low(i + 2)) in ("big", "hundred", "dozen"):
                return _Quantity(i, i + 3, 0.5 * lex.number[self.low(i + 2)][0])
            return _Quantity(i, i + 2, 0.5) if self.unit_at(i + 2) else None
        if self.low(i - 1) in lex.role["before_half"]:
            return None  # "the second half", "the other half"
        if nxt in lex.role["np_skip"] or self.phrase_ends(i + 1):  # "half of", "half the", "half."
            return _Quantity(i, i + 1, 0.5, fraction=True)
        return None

    def _spelled(self, i: int) -> _Quantity | None:
        """A spelled-out number read greedily: "twenty six million and seventy two hundred", "a third"."""
        lex = self.lex
        total, group, limit, hundred, last, end = 0.0, 0.0, INF, False, "", -1
        j = i
        if self.lowers[i] in ("a", "an"):
            if lex.kind(self.low(i + 1)) not in ("big", "hundred", "dozen", "denominator"):
                return None
            group, last, j = 1.0, "a", i + 1
        fraction = False
        while j < self.n:
            word = self.lowers[j]
            joined = word in _DASHES and last and self.glued(j - 1, j) and self.glued(j, j + 1)
            if joined and (lex.kind(self.low(j + 1)) or self.low(j + 1) in ("and", "a")):
                j += 1  # "twenty-five", "four-and-a-half"
                continue
            value, kind = lex.number.get(word, (0.0, ""))
            if kind in ("unit", "teen", "tens"):
                allowed = ("", "hundred", "big", "and") + (("tens",) if kind == "unit" and value else ())
                if last not in allowed:
                    break
                group += value
            elif kind == "hundred":
                if hundred or limit <= 100 or last not in ("", "a", "unit", "teen", "tens"):
                    break
                group, hundred = (group or 1.0) * 100, True
            elif kind == "big":
                if value >= limit or last not in ("", "a", "unit", "teen", "tens", "hundred", "half"):
                    break
                total, group, limit, hundred = total + (group or 1.0) * value, 0.0, value, False
            elif kind == "dozen":
                if last not in _NUMERATORS:
                    break  # "a dozen", "two dozen"; a "baker's dozen" is none
                group, end = (group or 1.0) * 12, j + 1
                break
            elif kind in ("denominator", "denominators") and last in _NUMERATORS and not total:
                plural = kind == "denominators"
                if plural != (group > 1) or hundred:
                    break  # "twenty-third": an ordinal
                if last == "a" and not plural and not self.phrase_ends(j + 1):
                    break  # "a third term"
                group, fraction, end = group / value, True, j + 1
                break
            elif word in ("and", "&") and last in ("unit", "teen", "tens", "hundred", "big"):
                k = j + 1 + (self.low(j + 1) in _DASHES)
                if self.low(k) == "a" and self.low(k + 1 + (self.low(k + 1) in _DASHES)) == "half":
                    if last == "big":
                        total += 0.5 * limit  # "a million and a half"
                    else:
                        group += 0.5  # "two and a half"
                    j = k + 2 + (self.low(k + 1) in _DASHES)
                    last, end = "half", j
                    continue
                if last in ("hundred", "big") and lex.kind(self.low(j + 1)) in ("unit", "teen", "tens"):
                    last, j = "and", j + 1
                    continue
                break
            elif word == "," and last == "big" and lex.kind(self.low(j + 1)) in ("unit", "teen", "tens"):
                j += 1
                continue
            else:
                break
            last, j, end = kind, j + 1, j + 1
        if end < 0:
            return None
        ordinal = lex.kind(self.low(end + 1)) in ("ordinal", "denominator", "denominators")
        if ordinal and self.low(end) in _DASHES and self.glued(end - 1, end):
            return _Quantity(i, end + 2, skip=True)  # "twenty-first"
        lone_one = end == i + 1 and self.lowers[i] == "one"
        mult = limit if limit < INF else 100.0 if hundred else 1.0
        return _Quantity(i, end, total + group, fraction=fraction, mult=mult, lone_one=lone_one)

    # -- units, currencies, hedges

    def unit_at(self, k: int) -> tuple[_Unit, int] | None:
        """The longest unit starting at token ``k``, and the token after it."""
        for size in (3, 2, 1):
            unit = self.lex.unit_after.get(tuple(self.lowers[k : k + size]))
            if unit is not None and k + size <= self.n:
                return unit, k + size
        return None

    def currency_before(self, k: int) -> tuple[_Unit, int] | None:
        """A currency sign or code just before token ``k`` ("$", "US$", "EUR "), and its first token."""
        for first in (k - 2, k - 1):
            if first < 0 or not (self.glued(k - 1, k) or self.norm[self.ends[k - 1] : self.starts[k]] == " "):
                continue
            unit = self.lex.unit_before.get(self.norm[self.starts[first] : self.ends[k - 1]])
            if unit is not None:
                return unit, first
        return None

    def hedge_before(self, k: int) -> tuple[str, int]:
        """The hedge ending just before token ``k`` (with an intensifier: "just over") and its first token."""
        lex = self.lex
        for size in (4, 3, 2, 1):
            words = tuple(self.lowers[k - size : k]) if size <= k else ()
            if words not in lex.before:
                continue
            if words == ("over",) and self.low(k - 2) in lex.role["phrasal_over"]:
                return "", k  # "ruled over a third"
            first = k - size
            for extra in (2, 1):
                if extra <= first and tuple(self.lowers[first - extra : first]) in lex.intensifier:
                    first -= extra
                    break
            return lex.before[words], first
        return "", k

    def hedge_after(self, k: int) -> tuple[str, int]:
        """A hedge after the figure: "or more", "or so", "40-odd", "50-plus", "50+"."""
        lex = self.lex
        for size in (2, 1):
            words = tuple(self.lowers[k : k + size])
            if words in lex.after and k + size <= self.n:
                if size == 1 and not self.glued(k - 1, k):
                    continue  # "plus" and "+" must be glued
                return lex.after[words], k + size
        if self.low(k) in _DASHES and self.glued(k - 1, k) and (self.low(k + 1),) in lex.after:
            return lex.after[(self.low(k + 1),)], k + 2
        return "", k

    def measure(self, q: _Quantity) -> tuple[int, int, _Unit | None, bool]:
        """Currency before and unit after a quantity: (first token, end token, unit, adjectival)."""
        start, end, unit, adjectival = q.start, q.end, None, False
        money = self.currency_before(q.start)
        if money is not None:
            unit, start = money
        k = end
        hyphen = self.low(k) in _DASHES and self.glued(k - 1, k) and self.glued(k, k + 1)
        if hyphen:
            k += 1
        elif q.vague and self.low(k) == "of":
            k += 1  # "millions of dollars"
        found = self.unit_at(k) if k < self.n else None
        # A currency sign takes only a money unit ("$5 USD"), and so does "of" ("millions of dollars").
        if found is not None and (found[0].kind == "money" or (unit is None and (k == end or hyphen))):
            unit, end, adjectival = found[0], found[1], hyphen
        if unit is not None and not adjectival and end < self.n:
            per = self.low(end) in ("per", "a", "an") or (self.words[end] == "/" and self.glued(end - 1, end))
            rate = self.unit_at(end + 1) if per and end + 1 < self.n else None
            if rate is not None and rate[0].kind in ("time", "mass", "length", "area", "volume"):
                name = rate[0].name
                unit = _Unit(f"{unit.name}/{name[:-1] if name.endswith('s') else name}", unit.kind, unit.days)
                end = rate[1]
        return start, end, unit, adjectival

    # -- figures

    def figures(self) -> list[_Figure]:
        found: list[_Figure] = []
        i = 0
        while i < self.n:
            kind = self.kinds[i]
            if kind == "d" or (kind == "w" and self.lowers[i] in self.lex.starts):
                figure, resume = self._figure_at(i)
                if figure is not None:
                    found.append(figure)
                if resume > i:
                    i = resume
                    continue
            i += 1
        return found

    def _figure_at(self, i: int) -> tuple[_Figure | None, int]:
        q = self.quantity(i)
        if q is None:
            return None, i + 1
        if q.skip:
            return None, q.end
        start, end, unit, adjectival = self.measure(q)
        value, low, high = q.value, q.low, q.high
        qualifier = "vague" if q.vague else "exact"
        second = self._range(q, start, end)
        if second is not None:
            start, end, q2, unit2 = second
            unit = unit or unit2
            shared = q.mult == 1 and q2.mult > 1 and q.value * q2.mult <= q2.value  # "2 to 3 million"
            low, high = sorted((q.value * q2.mult if shared else q.value, q2.value))
            value, qualifier = (low + high) / 2, "range"
        elif unit is None and not q.vague and not q.fraction:
            share = self._one_in(q, end)
            if share is not None:
                value, end, unit = share[0], share[1], _Unit("fraction", "fraction", math.nan)
                q.fraction, q.lone_one = True, False
        hedge, first = self.hedge_before(start)
        after, end = self.hedge_after(end)
        hedge_text = self.norm[self.starts[first] : self.starts[start]].strip() if hedge else ""
        hedge = hedge or after
        if self._excluded(q, start, end, unit, bool(hedge), second is not None):
            return None, end
        if qualifier == "exact":
            qualifier = hedge or "exact"
            low, high = _interval(value, qualifier)
        name = unit.name if unit is not None else "fraction" if q.fraction else ""
        figure = _Figure(
            first, end, value, low, high, qualifier, name, adjectival=adjectival, hedge=hedge_text
        )
        if unit is not None:
            figure.unit_kind, figure.unit_days = unit.kind, unit.days
        return figure, end

    def _range(self, q: _Quantity, start: int, end: int) -> tuple[int, int, _Quantity, _Unit | None] | None:
        """ "47-48", "8- to 16-meter", "3 to 4", "two or three", "between 44 and 50", "from -18 to -34"."""
        if q.vague or q.fraction or (q.plain and 1800 <= q.value <= 2100):
            return None  # "2014-2015" are years
        prefix = self.low(start - 1) if self.low(start - 1) in ("between", "from") else ""
        k, word = end, ""
        separators = _DASHES | {"to", "or"} | ({"and"} if prefix == "between" else set())
        if self.low(k) not in separators and self.kind(k) == "w" and self.low(k + 1) in separators:
            word, k = self.lowers[k], k + 1  # "44 mg to 50 mg": a unit the lexicon lacks, on both ends
        if self.low(k) not in separators:
            return None
        k += 1 + (self.low(k) in _DASHES and self.low(k + 1) == "to")
        if self.low(k) in _DASHES and self.glued(k, k + 1):
            k += 1  # "to -34": the sign is read back from the digits
        q2 = self.quantity(k, second=True) if k < self.n else None
        if q2 is None or q2.skip or q2.vague or q2.fraction or q.value == q2.value:
            return None
        if q.value > q2.value and not prefix:
            return None  # "3-1" is a score; only "from"/"between" may run downwards
        if prefix == "from" and self.low(start - 2) in self.lex.role["change"]:
            return None  # "rose from 20 to 35": two figures
        _, end2, unit2, _ = self.measure(q2)
        if word:
            if self.low(end2) != word:
                return None
            end2 += 1
        return start - bool(prefix), end2, q2, unit2

    def _one_in(self, q: _Quantity, end: int) -> tuple[float, int] | None:
        """ "one in five", "3 out of 10": a share."""
        k = 0
        if self.low(end) == "in":
            k = end + 1
        elif self.lowers[end : end + 2] == ["out", "of"]:
            k = end + 2
        q2 = self.quantity(k) if 0 < k < self.n else None
        if q2 is None or q2.skip or q2.vague or (q2.plain and q2.value >= 1800) or not 0 < q.value < q2.value:
            return None
        if self.unit_at(q2.end) is not None:
            return None  # "3 in 10 days"
        return q.value / q2.value, q2.end

    def _excluded(
        self, q: _Quantity, start: int, end: int, unit: _Unit | None, hedged: bool, ranged: bool
    ) -> bool:
        """Dates, years, times, labels, "N ago" and a lone determiner "one" are not figures."""
        roles = self.lex.role
        if self.low(end) in roles["time_reference"]:
            return True
        if q.digits and (self.low(end) in roles["time_suffix"] or self._dotted_time(end)):
            return True
        if not ranged and self.low(end) in _DASHES and self.glued(end - 1, end) and self.kind(end + 1) == "d":
            return self.glued(end, end + 1)  # "won 3-1", "2-2": a score, not a range
        if q.digits and not q.fraction and q.value == int(q.value) and unit is None and not ranged:
            if (q.value <= 31 or q.plain) and self._next_to_month(start, end):
                return True  # "March 11", "11 March", "11th of March", "March 19, 2019"
            if q.plain and not hedged:
                year = 1800 <= q.value <= 2100 and len(self.words[q.start]) == 4
                if year and not self._count_after(start, end):
                    return True
                label = self.low(start - 1 - (self.low(start - 1) == "."))
                if label in roles["label"] or self._after_name(start):
                    return True
        if q.lone_one and not hedged and not ranged and unit is None:
            return not (self._coordinated(start, end) or self._one_affected(end))
        return False

    def _one_affected(self, end: int) -> bool:
        """ "One person was killed", "one soldier died": a lone "one" whose short noun phrase is the
        subject of a casualty or capture verb counts one, unlike "one senior commander said"."""
        for k in range(end, min(self.n, end + ONE_SUBJECT_WORDS + 2)):
            if self.breaks(k) or self.words[k] in (",", ";"):
                return False
            verb = self.lex.verb.get(self.lowers[k])
            if verb is not None:
                return verb[1] in ("casualties", "surrender_capture") and k > end
        return False

    def _next_to_month(self, start: int, end: int) -> bool:
        """A capitalised month name just before (a comma between allowed) or after (an "of" allowed)."""
        months = self.lex.role["month"]
        before = start - 1 - (self.low(start - 1) == ",")
        after = end + (self.low(end) == "of")
        return any(
            self.low(k) in months and self.words[k][:1].isupper() for k in (before, after) if 0 <= k < self.n
        )

    def _dotted_time(self, k: int) -> bool:
        """ "2 p.m.", "10 a.m."."""
        return self.low(k) in ("a", "p") and self.low(k + 1) == "." and self.low(k + 2) == "m"

    def _count_after(self, start: int, end: int) -> bool:
        """ "2000 troops" (a count) rather than "a 2014 speech" (a year)."""
        roles = self.lex.role
        if not self.is_content(end) or not self.words[end].islower():
            return False
        plural = self.lowers[end] in roles["irregular_plural"] or (
            self.lowers[end].endswith("s") and not self.lowers[end].endswith("ss")
        )
        return plural and self.low(start - 1) not in roles["determiner"] | roles["window_prep"] | {
            "since",
            "of",
        }

    def _after_name(self, start: int) -> bool:
        """ "Voyager 2", "Article 50": a plain number right after a capitalised word inside the sentence."""
        k = start - 1
        if k <= 0 or self.kinds[k] != "w" or not self.words[k][:1].isupper() or self.glued(k, start):
            return False
        if self.kinds[k - 1] == "p" and self.words[k - 1] in ".!?":
            return False
        lower = self.lowers[k]
        return lower not in self.lex.role["function"] and (lower,) not in self.lex.before

    def _coordinated(self, start: int, end: int) -> bool:
        """A lone "one" in a list of numbers ("one, two, three"), so a number, not a determiner."""
        lex = self.lex
        k = end + (self.low(end) in (",", "and", "or"))
        if k < self.n and (self.kinds[k] == "d" or lex.kind(self.lowers[k]) in ("unit", "teen", "tens")):
            return True
        k = start - 1 - (self.low(start - 1) in (",", "and", "or"))
        return (
            k >= 0
            and k < start - 1
            and (self.kinds[k] == "d" or lex.kind(self.lowers[k]) in ("unit", "teen", "tens"))
        )

    # -- context: counted noun phrase, verb, window, source

    def counted(self, f: _Figure) -> None:
        """The noun phrase the figure counts, after "of" and determiners, with a state word after it."""
        lex = self.lex
        k = f.end
        while k < self.n and self.words[k] in _QUOTES:
            k += 1
        if not f.adjectival and self.low(k) in _DASHES and self.glued(k - 1, k) and self.kind(k + 1) == "w":
            k += 2  # "a 2,000-strong force"
        of = self.low(k) == "of"
        if f.unit and not f.adjectival and f.unit != "fraction" and not of:
            f.counted_end = k
            return
        k += of
        while k < self.n and self.lowers[k] in lex.role["np_skip"] and not self.words[k].isupper():
            k += 1
        pieces: list[tuple[int, int]] = []
        first = k
        taken = 0
        while k < self.n and taken < 6:
            word = self.words[k]
            if self.kinds[k] == "w":
                if self.lowers[k] == "and" and taken:
                    if not (self.is_content(k + 1) and not self.is_verb(k + 1)):
                        break
                elif not self.is_content(k) or (
                    self.low(k - 1) != "and"
                    and (self.is_verb(k) or (taken and self.lowers[k].endswith("ing")))
                ):
                    break  # a verb ("people fled") or a participle after the noun ("militants trying")
                taken += self.lowers[k] != "and"
                k += 1
            elif taken and self.joins(k):
                k += 1  # "best-known", "France's", "U.S."
            elif word == "(" and taken:
                close = next((c for c in range(k + 1, min(k + 12, self.n)) if self.words[c] == ")"), 0)
                if not close:
                    break
                pieces.append((first, k))
                first = k = close + 1
            else:
                break
        if k < self.n and self.lowers[k] in lex.state_class:
            k += 1  # "people dead", "people displaced"
        pieces.append((first, k))
        f.counted = " ".join(self.norm[self.starts[a] : self.ends[b - 1]] for a, b in pieces if b > a)
        f.counted_end = k

    def verb(self, f: _Figure, others: set[int]) -> None:
        """The event verb just before the figure, else after its noun phrase, else earlier in the clause."""
        verbs = self.lex.verb
        k = f.start - 1
        while k >= 0 and (self.words[k] in _QUOTES or self.lowers[k] in self.lex.role["before_object"]):
            k -= 1  # "killed 'dozens'", "pull all 2,000"
        if self.low(k) in verbs:
            f.verb = verbs[self.lowers[k]][0]
            return
        for k in range(f.counted_end, min(self.n, f.counted_end + 10)):
            if self.breaks(k) or k in others:
                break
            if self.lowers[k] in verbs:
                f.verb = verbs[self.lowers[k]][0]
                return
        for k in range(f.start - 1, max(-1, f.start - 9), -1):
            if self.breaks(k):
                break
            if self.lowers[k] in verbs:
                f.verb = verbs[self.lowers[k]][0]
                return

    def windows(self, figures: list[_Figure]) -> list[_Window]:
        """Durations that bound something: "over the last 36 hours", "in the last month", "since January"."""
        roles, found = self.lex.role, []
        for f in figures:
            if f.unit_kind != "time" or f.adjectival:
                continue
            k = f.start
            recency = self.low(k - 1) in roles["recency"]
            k -= recency
            the = self.low(k - 1) == "the"
            k -= the
            prep = self.low(k - 1) in roles["window_prep"]
            k -= prep
            possessive = self.low(f.end) == "'" and self.glued(f.end - 1, f.end)  # "six weeks' time"
            if not possessive and (recency or (prep and not the) or f.hedge.lower() == "over"):
                found.append(_Window(k, f.end, f.value * f.unit_days, f))
        for k in range(self.n):
            lower = self.lowers[k]
            if lower in roles["recency"] and self.low(k - 1) == "the":
                unit = self.unit_at(k + 1)
                if unit is not None and unit[0].kind == "time" and unit[1] == k + 2:
                    first = k - 1 - (self.low(k - 2) in roles["window_prep"])
                    found.append(_Window(first, k + 2, unit[0].days))
            elif lower in roles["window_since"] and k + 1 < self.n:
                end = k + 1
                while end < min(self.n, k + 4) and (self.kinds[end] == "d" or self.words[end][:1].isupper()):
                    end += 1
                if end > k + 1:
                    found.append(_Window(k, end, math.nan))
            elif lower in roles["window_word"]:
                found.append(_Window(k, k + 1, 1.0))
        return found

    def attributions(self) -> list[tuple[int, str]]:
        """(token of the speech verb, who) for each attribution in the sentence."""
        roles, found = self.lex.role, []
        for k in range(self.n):
            lower = self.lowers[k]
            if lower in roles["attribution_prefix"] and self.low(k + 1) == "to":
                who = self._phrase_forward(k + 2)
            elif lower in roles["speech"]:
                who = self._phrase_backward(k)
                inverted = k == 0 or self.words[k - 1] in _QUOTES or self.words[k - 1] == ","
                if not who and inverted:
                    who = self._phrase_forward(k + 1)
            else:
                continue
            if who:
                found.append((k, self.names.full(who)))
        return found

    def _phrase_forward(self, k: int) -> str:
        """A speaker named after the verb: "said one senior SDF commander", "according to the SDF"."""
        determiners = self.lex.role["determiner"]
        first = k
        if self.low(k) in determiners:
            k += 1
        taken = 0
        while k < self.n and taken < 6:
            if self.is_content(k) or (taken and self.in_name(k)):
                taken, k = taken + 1, k + 1
            elif taken and self.joins(k):
                k += 1
            else:
                break
        return self.norm[self.starts[first] : self.ends[k - 1]] if taken else ""

    def _phrase_backward(self, k: int) -> str:
        """A speaker named before the verb: "the SDF said", "Mustafa Bali, the head of ..., said"."""
        roles = self.lex.role
        k -= 1
        while k >= 0 and (
            self.lowers[k] in roles["speech_adverb"]
            or (self.words[k].islower() and self.lowers[k].endswith("ly"))
        ):
            k -= 1  # "Bali also said", "the SDF has confirmed", "a spokesman reportedly said"
        if self.low(k) == ",":
            comma = next((c for c in range(k - 1, max(-1, k - 16), -1) if self.words[c] == ","), -1)
            if comma < 1:
                return ""
            k = comma - 1
        if self.low(k) in roles["pronoun"]:
            return self.words[k]
        last, taken = k, 0
        while k >= 0 and taken < 8:
            if self.is_content(k) or (taken and self.in_name(k)):
                taken, k = taken + 1, k - 1
            elif taken and self.joins(k):
                k -= 1
            elif self.lowers[k] in roles["determiner"] and taken:
                k -= 1
                break
            else:
                break
        return self.norm[self.starts[k + 1] : self.ends[last]] if taken else ""

    def read(self) -> list[_Figure]:
        """Figures with their context; durations that serve as windows are dropped."""
        figures = self.figures()
        if not figures:
            return []
        windows = self.windows(figures)
        as_window = {id(w.figure) for w in windows if w.figure is not None}
        kept = [f for f in figures if id(f) not in as_window]
        if not any(f.unit_kind in _WINDOWED for f in kept):
            kept, windows = figures, [w for w in windows if w.figure is None]
        starts = {f.start for f in kept}
        said = self.attributions()
        for f in kept:
            self.counted(f)
            self.verb(f, starts - {f.start})
            if windows and f.unit_kind in _WINDOWED:
                w = min(windows, key=lambda w: abs(w.start - f.start))
                f.window = self.norm[self.starts[w.start] : self.ends[w.end - 1]]
                f.window_days = w.days
            if said:
                f.source = min(said, key=lambda s: abs(s[0] - f.start))[1]
        return kept


class _Names:
    """Completes a lone surname from the article: "Bali" -> "Mustafa Bali"."""

    def __init__(self, text: str, lex: _Lexicon) -> None:
        self.text, self.lex = text, lex
        self.cache: dict[str, str] = {}

    def full(self, who: str) -> str:
        parts = who.split()
        if parts and parts[0].lower().rstrip(".") in self.lex.role["title"]:
            parts = parts[1:]
        if len(parts) != 1 or not parts[0][:1].isupper() or parts[0].isupper():
            return who
        name = parts[0]
        if name not in self.cache:
            pattern = r"\b((?:[A-Z][a-z'-]+ ){1,2})" + re.escape(name) + r"\b"
            found = [m.group() for m in re.finditer(pattern, self.text)]
            titles = self.lex.role["title"] | self.lex.role["function"]
            found = [f for f in found if f.split()[0].lower() not in titles]
            self.cache[name] = found[0] if found else who
        return self.cache[name]


def _figures(text: str) -> Iterator[tuple]:
    """Rows of :data:`COLUMNS` for every figure of ``text``."""
    lex = _lexicon()
    norm = normalise(text)
    names = _Names(norm, lex)
    for s_start, s_end in sentences(text):
        if not lex.may_hold_figure(norm, s_start, s_end):
            continue
        sentence = _Sentence(lex, norm, s_start, s_end, names)
        for f in sentence.read():
            start, end = sentence.starts[f.start], sentence.ends[f.end - 1]
            yield (
                text[start:end],
                start,
                end,
                f.value,
                f.low,
                f.high,
                f.qualifier,
                f.unit,
                f.counted,
                f.verb,
                f.window,
                f.window_days,
                f.source,
                text[s_start:s_end],
                s_start,
                s_end,
            )


def extract_figures(text: str) -> pd.DataFrame:
    """Every figure in ``text``, one row each (see the module docstring for the rules)."""
    return pd.DataFrame(list(_figures(text)), columns=COLUMNS)


# --- comparing outlets ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def figure_class(counted: str, verb: str, unit: str = "") -> str:
    """The equivalence class of a figure (:data:`CLASSES`), from ``figure_classes.csv``.

    In order: a money unit is ``money``, an area unit ``territory``, and any other measure (a
    duration, a distance, a weight) ``other``, since it counts no people or things; a state word closing the
    counted phrase decides ("550,000 people dead": casualties, whatever the verb); then the verb
    (lemma or inflected form); then the head noun of the counted phrase; a share (percent or fraction)
    of a named place ("a third of Iraq and Syria") is ``territory``; anything else is ``other``.
    """
    lex = _lexicon()
    kind = lex.unit_kind.get(unit.split("/")[0], "")
    if kind not in ("", "percent"):
        return {"money": "money", "area": "territory"}.get(kind, "other")
    words = _WORD.findall(counted)
    head = words[-1].lower() if words else ""
    verb = verb.lower()
    for found in (
        lex.state_class.get(head, "") if len(words) > 1 else "",
        lex.verb[verb][1] if verb in lex.verb else lex.lemma_class.get(verb, ""),
        lex.noun.get(head, ("", ""))[1],
    ):
        if found:
            return found
    names = [w for w in words if w.lower() not in lex.role["function"]]
    if (
        unit in ("percent", "fraction")
        and names
        and all(w[0].isupper() for w in names)
        and not head.endswith("s")
    ):
        return "territory"
    return "other"


def _family(counted: str) -> str:
    """The family of the counted head noun ("troops" and "soldiers" are one; "fighters" another)."""
    words = _WORD.findall(counted.lower())
    if not words:
        return ""
    return _lexicon().noun.get(words[-1], ("", ""))[0] or words[-1]


FIGURE_TABLE_COLUMNS = ["article_id", "outlet", "group", *COLUMNS, "class", "raw_start", "raw_end"]


def corpus_figures(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every figure of every article's cleaned ``text``, with its class and offsets into ``raw_text``.

    Articles are read chunk by chunk (on the cluster when one is configured, see :mod:`analysis.parallel`)."""
    articles = corpus[["article_id", "outlet", "group", "text", "offset_map"]]
    return parallel.map_frames(_article_figures, articles, label="figures")


def _article_figures(articles: pd.DataFrame) -> pd.DataFrame:
    """:func:`corpus_figures` of some articles (columns ``article_id, outlet, group, text, offset_map``)."""
    rows = []
    for article_id, outlet, group, text, offset_map in articles.itertuples(index=False, name=None):
        for row in _figures(text):
            kind = figure_class(row[_COUNTED], row[_VERB], row[_UNIT])
            raw = text_to_raw(offset_map, row[_START], row[_END])
            rows.append((article_id, outlet, group, *row, kind, *raw))
    return pd.DataFrame(rows, columns=FIGURE_TABLE_COLUMNS)


_COUNTED, _VERB, _UNIT, _START, _END = map(COLUMNS.index, ["counted", "verb", "unit", "start", "end"])


WINDOW_RATIO = 1.5  # windows within this factor of each other ("36 hours" and "two days") count as the same
SAME_VALUE = 0.01  # relative difference under which two figures state the same value
# What a comparison row shows of a group's main figure: the figure's own columns, with raw offsets.
_MAIN = [
    "article_id",
    "surface",
    *COLUMNS[COLUMNS.index("value") : COLUMNS.index("sentence")],
    "raw_start",
    "raw_end",
]
COMPARISON_COLUMNS = [
    "class",
    "group",
    *_MAIN,
    "n_figures",
    "groups",
    "agree",
    "conflict",
    "windows_differ",
    "hedge_dropped",
]


@dataclass(frozen=True)
class _Mains:
    """Main figures of some groups, in arrays: the unit of comparison of :func:`_pair_flags`."""

    low: np.ndarray
    high: np.ndarray
    words: np.ndarray  # the window's words, lower case ("" for none)
    days: np.ndarray  # the window's length in days (NaN for none)

    def __len__(self) -> int:
        return len(self.low)

    def part(self, where: np.ndarray) -> _Mains:
        return _Mains(self.low[where], self.high[where], self.words[where], self.days[where])


class _RangeExtremes:
    """Maxima of ``maxed`` and minima of ``minned`` over any range of positions, in O(1) a query
    after O(n log n) set-up (a sparse table): the pairs of thousands of groups are never listed."""

    def __init__(self, maxed: np.ndarray, minned: np.ndarray) -> None:
        self.maxima, self.minima = [maxed], [minned]
        width = 1
        while 2 * width <= len(maxed):
            self.maxima.append(np.maximum(self.maxima[-1][:-width], self.maxima[-1][width:]))
            self.minima.append(np.minimum(self.minima[-1][:-width], self.minima[-1][width:]))
            width *= 2

    def query(self, first: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Max and min over each non-empty range ``[first, end)`` (-inf and inf for an empty one)."""
        empty = end <= first
        level = np.log2(np.maximum(end - first, 1)).astype(np.int64)
        top, bottom = np.full(len(first), -np.inf), np.full(len(first), np.inf)
        for k in np.unique(level[~empty]):
            at = ~empty & (level == k)
            maxima, minima, width = self.maxima[k], self.minima[k], 1 << int(k)
            top[at] = np.maximum(maxima[first[at]], maxima[end[at] - width])
            bottom[at] = np.minimum(minima[first[at]], minima[end[at] - width])
        return top, bottom


def _conflict(a: _Mains, b: _Mains) -> bool:
    """Some ``x`` of ``a`` and ``y`` of ``b`` have disjoint intervals over the same window: the same
    words, or lengths within :data:`WINDOW_RATIO` (both positive)."""
    if not len(a) or not len(b):
        return False
    by_words = [
        pd.DataFrame({"words": m.words, "low": m.low, "high": m.high})
        .groupby("words")
        .agg(low=("low", "max"), high=("high", "min"))
        for m in (a, b)
    ]
    same = by_words[0].merge(by_words[1], left_index=True, right_index=True, suffixes=("_a", "_b"))
    if ((same["low_a"] > same["high_b"]) | (same["low_b"] > same["high_a"])).any():
        return True
    timed_a, timed_b = a.part(a.days > 0), b.part(b.days > 0)
    if not len(timed_a) or not len(timed_b):
        return False
    order = np.argsort(timed_b.days, kind="stable")
    ordered = timed_b.days[order]
    first = np.searchsorted(ordered, timed_a.days / WINDOW_RATIO, "left")
    end = np.searchsorted(ordered, timed_a.days * WINDOW_RATIO, "right")
    highest_low, lowest_high = _RangeExtremes(timed_b.low[order], timed_b.high[order]).query(first, end)
    return bool(np.any((highest_low > timed_a.high) | (lowest_high < timed_a.low)))


def _windows_differ(a: _Mains, b: _Mains) -> bool:
    """Some ``x`` of ``a`` and ``y`` of ``b`` count over windows that are not the same: different
    words, and not both positive lengths within :data:`WINDOW_RATIO`."""
    if not len(a) or not len(b):
        return False
    for one, other in ((a, b), (b, a)):
        other_words = np.unique(other.words)
        untimed = np.unique(one.words[~(one.days > 0)])  # such a window is the same only as its words
        if len(untimed) and (len(other_words) > 1 or len(untimed) > 1 or untimed[0] != other_words[0]):
            return True
    timed_a, timed_b = a.part(a.days > 0), b.part(b.days > 0)
    if not len(timed_a) or not len(timed_b):
        return False
    # For each x, the longest and shortest windows of y under other words: two candidates of each
    # (of two different words) cover every x.
    spans = (
        pd.DataFrame({"words": timed_b.words, "days": timed_b.days})
        .groupby("words")["days"]
        .agg(["min", "max"])
    )
    for column, far in (
        ("max", lambda d, other: other / d > WINDOW_RATIO),
        ("min", lambda d, other: d / other > WINDOW_RATIO),
    ):
        best = spans[column].sort_values(ascending=column == "min").head(2)
        first_words, first_days = best.index[0], best.iloc[0]
        second_days = best.iloc[1] if len(best) > 1 else np.nan
        other = np.where(timed_a.words == first_words, second_days, first_days)
        if np.any(far(timed_a.days, other)):
            return True
    return False


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_VALUE * max(abs(a), abs(b))


class _HedgedValues:
    """Hedged figures of one unit (and noun family), sorted by value, to find in O(log n) whether a
    group other than a given one hedges a value: a pairwise scan of a live blog's tens of thousands of
    figures would take hours."""

    def __init__(self, pairs: list[tuple[float, str]]) -> None:
        pairs.sort(key=lambda pair: pair[0])
        self.values = [value for value, _ in pairs]
        self.groups = [group for _, group in pairs]
        # next_other[i]: the first index from i on whose group differs from group i (len when none).
        self.next_other = [len(pairs)] * len(pairs)
        for i in range(len(pairs) - 2, -1, -1):
            self.next_other[i] = i + 1 if self.groups[i + 1] != self.groups[i] else self.next_other[i + 1]

    def other_group_hedges(self, value: float, group: str) -> bool:
        values = self.values
        middle = bisect_left(values, value)
        # The values that are the same value form one run around ``middle``: find its two ends.
        lo, hi = 0, middle
        while lo < hi:
            mid = (lo + hi) // 2
            if _same_value(value, values[mid]):
                hi = mid
            else:
                lo = mid + 1
        first = lo
        lo, hi = middle, len(values)
        while lo < hi:
            mid = (lo + hi) // 2
            if _same_value(value, values[mid]):
                lo = mid + 1
            else:
                hi = mid
        end = lo
        if first >= end:
            return False
        return self.groups[first] != group or self.next_other[first] < end


def _hedge_dropped(rows: pd.DataFrame) -> bool:
    """One group states exact a value that another group hedges ("2,000 troops" against "around 2,000").

    Figures are compared when they have the same unit and the same family of counted noun (or one
    counts nothing named), as in :func:`compare_figures`; a value too large to be finite matches none."""
    exact = rows[rows["qualifier"] == "exact"]
    hedged = rows[rows["qualifier"].isin(("approx", "lower_bound", "upper_bound"))]
    if exact.empty or hedged.empty:
        return False
    found: dict[tuple[str, str | None], list[tuple[float, str]]] = {}
    for unit, counted, value, group in zip(
        hedged["unit"], hedged["counted"], hedged["value"], hedged["group"], strict=True
    ):
        if math.isfinite(value):
            found.setdefault((unit, _family(counted)), []).append((value, group))
            found.setdefault((unit, None), []).append((value, group))  # every family of the unit
    index = {key: _HedgedValues(pairs) for key, pairs in found.items()}
    for unit, counted, value, group in zip(
        exact["unit"], exact["counted"], exact["value"], exact["group"], strict=True
    ):
        if not math.isfinite(value):
            continue
        family = _family(counted)
        keys = [(unit, None)] if not family else [(unit, family), (unit, "")]
        if any(key in index and index[key].other_group_hedges(value, group) for key in keys):
            return True
    return False


def compare_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """What each group reported per class, and whether the groups agree (rules below).

    ``figures`` is a :func:`corpus_figures` table. Figures of class ``other`` are not compared. For
    each (class, group) the row shows the group's main figure: its largest figure that is not vague and
    counts the family of noun most groups count in that class, if two or more do ("troops", not
    "fighters"), else its largest precise figure, else its largest. Flags, the same on every row of a
    class, compare the main figures of every pair of groups that are comparable (same unit, and the
    same family of counted noun or one of them counting nothing named):

    - ``agree``: there is at least one comparable pair and all of their intervals overlap;
    - ``conflict``: some comparable pair has disjoint intervals over the same window (both without
      one, the same words, or lengths within :data:`WINDOW_RATIO`);
    - ``windows_differ``: some comparable pair counts over different windows, so a difference in
      numbers may be a difference in time;
    - ``hedge_dropped``: among all the figures of the class, one group states exact a value (within
      :data:`SAME_VALUE`) that another group hedges.

    The pairs are never listed (a corpus without outlets has a group per article): within a unit,
    the comparable pairs are those inside each family, inside the figures of no family, and between
    the two, and each flag is decided for such a set or pair of sets from sorted values. Each class
    is compared apart, as a task of its own (on the workers of a cluster, see :mod:`analysis.parallel`).
    """
    figures = figures.loc[figures["class"] != "other", ["class", "group", *_MAIN]]
    families = {counted: _family(counted) for counted in figures["counted"].unique()}
    figures = figures.assign(family=figures["counted"].map(families).astype(object))
    classes = (rows for _, rows in figures.groupby("class", sort=True))
    out = list(parallel.map_chunks(_compare_class, classes, 1))  # seconds at most: no progress bar
    if not out:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return pd.concat(out, ignore_index=True)[COMPARISON_COLUMNS]


def _compare_class(classes: list[pd.DataFrame]) -> pd.DataFrame:
    """:func:`compare_figures` of the figures of one class (``classes[0]``): a task of its own, as
    the classes are compared apart (on the workers of a cluster, or here)."""
    [rows] = classes
    precise = rows[rows["qualifier"] != "vague"]
    shared = precise[precise["family"] != ""].groupby("family")["group"].nunique()
    family = shared.idxmax() if len(shared) and shared.max() > 1 else ""
    main = _main_figures(rows, family)
    flags = {"groups": len(main), **_pair_flags(main), "hedge_dropped": _hedge_dropped(rows)}
    return main[[*_MAIN, "n_figures"]].assign(
        **{"class": rows["class"].iloc[0], "group": main.index}, **flags
    )


def _main_figures(rows: pd.DataFrame, family: str) -> pd.DataFrame:
    """Each group's main figure (indexed by group, sorted), with ``n_figures``: its largest precise
    figure of ``family``, else its largest precise figure, else its largest; the first of equals
    (the cumulative tally a story leads on is usually its largest figure)."""
    precise = (rows["qualifier"] != "vague").to_numpy()
    tier = np.where(precise & (rows["family"] == family).to_numpy(), 0, np.where(precise, 1, 2))
    codes, groups = pd.factorize(rows["group"], sort=True)
    order = np.lexsort((np.arange(len(rows)), -rows["value"].to_numpy(), tier, codes))
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]]
    main = rows.iloc[first].set_axis(groups)
    return main.assign(n_figures=np.bincount(codes, minlength=len(groups)))


def _pair_flags(main: pd.DataFrame) -> dict[str, bool]:
    """``agree``, ``conflict`` and ``windows_differ`` over the comparable pairs of main figures."""
    paired, agree, conflict, differ = False, True, False, False
    for _, unit in main.groupby("unit", sort=False):
        mains = _Mains(
            unit["low"].to_numpy(float),
            unit["high"].to_numpy(float),
            unit["window"].str.lower().to_numpy(object),
            unit["window_days"].to_numpy(float),
        )
        family = unit["family"].to_numpy(object)
        unnamed, named = mains.part(family == ""), mains.part(family != "")
        # (a, b): the pairs of a figure of a and one of b; a set with itself holds its own pairs.
        sets = [(mains.part(family == f),) * 2 for f in np.unique(family[family != ""])]
        sets += [(unnamed, unnamed), (named, unnamed)]
        for a, b in sets:
            if len(a) * len(b) < 2 if a is b else not (len(a) and len(b)):
                continue
            paired = True
            agree &= bool(a.low.max() <= b.high.min() and b.low.max() <= a.high.min())
            conflict = conflict or _conflict(a, b)
            differ = differ or _windows_differ(a, b)
    return {"agree": paired and agree, "conflict": conflict, "windows_differ": differ}
