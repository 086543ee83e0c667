"""Who is quoted, in whose words, and which agencies and outlets each article credits.

Rules and data files (``speech_verbs.txt``, ``affiliations.csv``, ``news_agencies.csv`` and the alias
table), no model. Every offset is a Python string offset into the text given; ``text[start:end] ==
quote`` always holds. Measured on an invented, hand-annotated gold set (``scripts/eval_quotes.py``).

Quote marks. Quotes are found on :func:`analysis.text.normalise` (one character for one), so straight,
curly and single marks are alike, while a curly mark's direction still breaks ties. A mark opens after a
space or opening punctuation and before a visible character, and closes in the mirror case; a single
mark between two letters or digits is an apostrophe (don't, SDF's). A single closer after an "s" and
before a word may be a plural possessive ("the fighters' camp"), so a later plain closer wins over it.
Inside a quote only the same kind of mark closes it: the other kind is a nested quote and belongs to
the outer one. A quote left open at the end of a paragraph goes on when the next paragraph opens with
the same mark (the convention for quotes over several paragraphs), and otherwise ends with its
paragraph. A quote needs two characters at least ('n' is not one).

Attribution. Quoted words are masked, so that verbs inside quotes are never cues and the sentence
splitter keeps a quote whole. In the quote's sentence a cue (a verb of ``speech_verbs.txt``, "according
to", or a colon after a bare name) is looked for right after the quote ("..., the SDF said", "...,
said one senior SDF commander"), then before it ("X, the head of Y, said:", "X told Reuters ... that
..."), then at the end of the sentence ("..., SDF spokesman Mustafa Bali said on Twitter"). The speaker
is the noun phrase before the cue (after it when inverted), cut at conjunctions, adjuncts and relative
clauses; of a name and its appositives, the name speaks and the rest is its role. "..., adding:"
goes on with the speaker of the sentence. A full statement with no cue in its sentence takes the
speaker of the quote next to it in its paragraph, of a cue in the sentence before, or of the last quote
of the paragraph before, unless a person is named in between.

Speakers. A name is given in full where the text gave it earlier ("Bali" -> "Mustafa Bali"), without
its title ("Colonel Sean Ryan" -> "Sean Ryan", role "Colonel"). "he"/"she" is the person last named
outside quotes (or, with none, the last speaker); "it"/"they" the latest of the subjects of the two
sentences before and the speakers quoted lately that agree in number and are not persons. A statement
or post "from" an organisation is the organisation's; an unnamed speaker keeps its noun phrase ("one
senior SDF commander", "a source"). An embedded post (a paragraph followed by "— Name (@handle) date")
is its author's.

Kinds. ``direct``: a full statement, opening its sentence or introduced by a cue and a colon or comma.
``partial``: quoted words inside reported speech (He said the fighters were "desperate"), or a longer
fragment with no speaker. ``scare``: a quoted term of at most :data:`SCARE_MAX_WORDS` words with no
speaker and no cue ('victory'), or any quote right after "so-called".

Voices and credits. :func:`affiliation` reads a speaker's side from role words; :func:`corpus_quotes`,
:func:`voice_shares` and :func:`exclusive_speakers` compare who each group lets speak;
:func:`credits` and :func:`corpus_credits` list the agencies, outlets and picture agencies credited.
"""

from __future__ import annotations

import calendar
import csv
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis import parallel
from analysis.cleaning import EMBED_SIGNATURE, text_to_raw
from analysis.text import ALIASES_PATH, normalise, sentences, tokenize, trie_pattern

DATA = Path(__file__).parent / "data"
SPEECH_VERBS_PATH = DATA / "speech_verbs.txt"
AFFILIATIONS_PATH = DATA / "affiliations.csv"
NEWS_AGENCIES_PATH = DATA / "news_agencies.csv"
AFFILIATIONS = (
    "sdf_kurdish",
    "us_coalition",
    "isis",
    "other_government",
    "media",
    "civilian",
    "unnamed",
    "other",
)
QUOTE_COLUMNS = [
    "quote",
    "speaker",
    "cue",
    "start",
    "end",
    "kind",
    "speaker_start",
    "speaker_end",
    "role",
    "sentence_start",
    "sentence_end",
    "named",
]
CREDIT_COLUMNS = ["name", "kind", "cue", "start", "end"]
# "it" and "they" look for their speaker among at most this many of the latest quotes.
PRONOUN_LOOKBACK = 200
# A quote of at most this many words with no speaker and no cue is a scare quote ('victory');
# a longer one is an unattributed partial quote.
SCARE_MAX_WORDS = 4

# Closed-class English words: grammar, not a lexicon of the domain.
DETERMINERS = frozenset(
    "the a an one another some any each every this that these those his her its their our my your "
    "two three four several many most both all other others such".split()
)
_QUANTIFIERS = frozenset("one another some others many most both all several".split())
_PRONOUNS = {"he": "person", "she": "person", "it": "thing", "they": "group"}
_AUXILIARIES = frozenset(
    "is are was were be been being am has have had having do does did will would shall should can "
    "could may might must not".split()
)
CLAUSE_OPENERS = frozenset(
    "after because while as when although though since and but or so that if whereas unless until once "
    "where yet however meanwhile then".split()
)
PREPOSITIONS = frozenset(
    "in on at to from with by for of into onto over under about before during through without within "
    "across against between among near outside inside since until via according".split()
)
_RELATIVES = frozenset("who whom whose which that where".split())
_WH = frozenset("whether if why how what who when where".split())
_PERSONAL = frozenset("he she it they i we you me us him them".split())  # never inside a longer noun phrase
_NOT_NAMES = _PERSONAL | frozenset("her there here what why how when this these those".split())
_ADVERBS = frozenset(
    "also later then previously earlier again recently separately first finally still".split()
)
_TEMPORAL = frozenset("yesterday today tonight earlier later last this next adding as when while".split())
_CALENDAR = frozenset(w for w in (*calendar.day_name, *calendar.month_name, *calendar.month_abbr) if w)

_MARK = re.compile(r"[\"']")
_OPENS_AFTER = frozenset("([{\u2014\u2013-/:,\"'")
_CLOSES_BEFORE = frozenset(".,;:!?)]}\u2014\u2013-/\"'\u2026")
_CURLY_OPEN = frozenset("\u201c\u2018\u201e\u201f\u201b")
_CURLY_CLOSE = frozenset("\u201d\u2019")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+(?:[-'.]\w+)*")
_NAME_WORD = re.compile(
    r"(?:(?:al|el|ad|as|bin|abu)-)?[A-Z][a-z]*(?:[A-Z][a-z]+)*(?:'[A-Z][a-z]+)?(?:-[A-Z][a-z]+)*"
)
# A run of capitalised words, each perhaps after "al-", "el-", "ad-", "as-", "bin-" or "abu-". The
# first word's particle is spelled out after its first letter, so the pattern opens with a class of
# characters the engine skips to in C: opening with the optional particle, it tried every character
# (2.3 times slower, the same matches on 2,000 generated articles and 200,000 random strings).
_NAME_RUN = re.compile(
    r"[A-Zabe](?:(?<=[A-Z])|(?<=a)(?:l|d|s|bu)-[A-Z]|(?<=e)l-[A-Z]|(?<=b)in-[A-Z])[\w'-]*"
    r"(?: +(?:(?:al|el|ad|as|bin|abu)-)?[A-Z][\w'-]*)*"
)
_HARD_BREAK = re.compile(r"[~\"(;:\[\]\u2014\u2013]|\s-\s|[.!?](?=\s|$)")
_PARENTHESIS = re.compile(r"\([^()\n]*\)")
_SEPARATORS = re.compile(r"[\s,\u2014\u2013-]*")
_SO_CALLED = re.compile(r"\bso[- ]called\s*$", re.IGNORECASE)
_LEAD_FILLER = re.compile(r"^[\s\u2014\u2013\-\u2022*(\[]*$")
# A wire dateline before a paragraph's first words: "WASHINGTON (AP) —", "KYIV, Ukraine (Reuters) -".
_DATELINE = re.compile(r"^[A-Z][A-Z.'-]+(?:[ ,]+[A-Z][\w.'-]*)*\s*(?:\([^()\n]{1,40}\))?\s*[\u2014\u2013-]\s")
_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
_THAT = re.compile(r"\bthat\b")
_SENTENCE_END = re.compile(r"[.!?]['\"]?\s")


# --- data files ----------------------------------------------------------------------------------


def data_lines(path: Path) -> list[str]:
    """Lines of a data file without its comment lines (``#``) and blank lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(data_lines(path)))


@lru_cache(maxsize=1)
def cue_sections() -> dict[str, list[str]]:
    """The sections of ``speech_verbs.txt``: section name -> its lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in data_lines(SPEECH_VERBS_PATH):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        else:
            sections.setdefault(current, []).append(line)
    return sections


def _section_words(section: str) -> frozenset[str]:
    return frozenset(word for line in cue_sections()[section] for word in line.split())


@dataclass(frozen=True)
class _Lexicon:
    """Everything the rules look words up in, built once from the data files."""

    verbs: frozenset[str]
    sources: frozenset[str]
    cue: re.Pattern[str]
    evidential: re.Pattern[str]  # "reportedly" just before a quote: someone's words, unnamed
    participles: frozenset[str]  # "adding", "saying": the speaker of their sentence goes on
    role_words: frozenset[str]  # every word of the affiliation table, lower-cased: no word of a name
    alias_kinds: dict[str, str]  # lower-cased alias -> kind (person, group, place, ...)
    agency_names: frozenset[str]  # lower-cased agency and outlet names


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    verbs = _section_words("verbs")
    with ALIASES_PATH.open(encoding="utf-8", newline="") as handle:
        alias_kinds = {row["alias"].strip().lower(): row["kind"].strip() for row in csv.DictReader(handle)}
    role_words = frozenset(
        word.lower() for row in csv_rows(AFFILIATIONS_PATH) for word in _WORD.findall(row["term"])
    )
    agencies = frozenset(row["name"].lower() for row in csv_rows(NEWS_AGENCIES_PATH))
    cue = re.compile(r"\b(?:" + "|".join(sorted(verbs, key=len, reverse=True)) + r")\b")
    evidential = re.compile(r"\b(?:" + "|".join(_section_words("evidential")) + r")(?:\s+[\w'-]+){0,2}\s*$")
    participles = _section_words("participles")
    return _Lexicon(
        verbs, _section_words("sources"), cue, evidential, participles, role_words, alias_kinds, agencies
    )


# --- quote marks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    pos: int
    char: str
    opens: bool
    closes: bool
    weak: bool  # a closer that may be a plural possessive: "the fighters' camp"


def _mark(norm: str, text: str, i: int) -> _Mark | None:
    """Classify the quote mark at ``i`` by what stands on either side of it."""
    char = norm[i]
    prev = norm[i - 1] if i else " "
    nxt = norm[i + 1] if i + 1 < len(norm) else " "
    if char == "'" and prev.isalnum() and nxt.isalnum():
        return None
    opens = (prev.isspace() or prev in _OPENS_AFTER) and not nxt.isspace()
    closes = not prev.isspace() and (nxt.isspace() or nxt in _CLOSES_BEFORE)
    if opens == closes and text[i] in _CURLY_OPEN | _CURLY_CLOSE:  # both or neither: typography decides
        opens = text[i] in _CURLY_OPEN and not nxt.isspace()
        closes = text[i] in _CURLY_CLOSE and not prev.isspace()
    elif opens and closes:
        opens, closes = nxt.isalnum(), not nxt.isalnum()
    if not (opens or closes):
        return None
    weak = closes and char == "'" and prev in "sS" and nxt == " " and norm[i + 2 : i + 3].isalpha()
    return _Mark(i, char, opens, closes, weak)


@dataclass
class _Quote:
    """A quote's marks and content; its attribution is filled in later."""

    open: int
    start: int
    end: int
    close: int  # the closing mark, or -1 when the quote runs to the end of its last paragraph
    speaker: str = ""
    cue: str = ""
    kind: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    role: str = ""
    named: bool = False
    sentence_start: int = 0
    sentence_end: int = 0


def _content(norm: str, open_pos: int, end: int, close: int) -> _Quote | None:
    """The quote between ``open_pos`` and ``end`` without surrounding white space; None if trivial."""
    start = open_pos + 1
    while start < end and norm[start].isspace():
        start += 1
    while end > start and norm[end - 1].isspace():
        end -= 1
    return _Quote(open_pos, start, end, close) if end - start >= 2 else None


def _may_run_on(norm: str, mark: _Mark, first: int) -> bool:
    """Whether a quote opened at ``mark`` and never closed is a quote to the end of its paragraph: it
    opens the paragraph or a capital follows it (not "the '90s")."""
    return mark.pos == first or norm[mark.pos + 1 : mark.pos + 2].isupper()


def _find_quotes(norm: str, text: str) -> list[_Quote]:
    """Pair the quote marks paragraph by paragraph (see the module docstring)."""
    marks = [m for m in (_mark(norm, text, k.start()) for k in _MARK.finditer(norm)) if m is not None]
    quotes: list[_Quote] = []
    carried: tuple[_Mark, int, bool] | None = None  # open mark, end of its last paragraph, accepted
    k = 0
    for line in _LINE.finditer(norm):
        first = line.start() + len(line.group()) - len(line.group().lstrip())
        if first == line.end():
            continue
        line_marks = []
        while k < len(marks) and marks[k].pos < line.end():
            line_marks.append(marks[k])
            k += 1
        opened: _Mark | None = None
        accepted = False
        if carried is not None:
            head = line_marks[0] if line_marks else None
            if head is not None and head.pos == first and head.char == carried[0].char and head.opens:
                opened, accepted = carried[0], True
                line_marks = line_marks[1:]
            elif carried[2]:
                quotes.append(_content(norm, carried[0].pos, carried[1], -1))
            carried = None
        weak: _Mark | None = None
        for mark in line_marks:
            if opened is None:
                if mark.opens:
                    opened, weak, accepted = mark, None, _may_run_on(norm, mark, first)
            elif mark.char != opened.char:
                continue
            elif mark.closes and not mark.weak:
                quotes.append(_content(norm, opened.pos, mark.pos, mark.pos))
                opened = None
            elif mark.closes:
                weak = weak or mark
            elif mark.opens:
                if weak is not None:
                    quotes.append(_content(norm, opened.pos, weak.pos, weak.pos))
                opened, weak, accepted = mark, None, _may_run_on(norm, mark, first)
        if opened is not None and weak is not None:
            quotes.append(_content(norm, opened.pos, weak.pos, weak.pos))
        elif opened is not None:
            carried = (opened, line.end(), accepted)
    if carried is not None and carried[2]:
        quotes.append(_content(norm, carried[0].pos, carried[1], -1))
    return [q for q in quotes if q is not None]


def _mask(norm: str, quotes: list[_Quote]) -> str:
    """``norm`` with each quote's words replaced by "~", but for its first letter and a final full stop,
    question or exclamation mark, which tell the sentence splitter where sentences start and end."""
    chars = list(norm)
    for quote in quotes:
        last = quote.end - 1 if norm[quote.end - 1] in ".!?" else quote.end
        for i in range(quote.start + 1, last):
            if chars[i] != "\n":
                chars[i] = "~"
    return "".join(chars)


# --- noun phrases and names ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    """A speaker's noun phrase: where it is, and the words that give its role."""

    start: int
    end: int
    role: tuple[tuple[int, int], ...] = ()  # appositives and relative clauses that say who the speaker is
    first: int = -1  # where the phrase and its appositive begin, whichever comes first


@lru_cache(maxsize=100_000)
def _is_name_word(word: str) -> bool:
    """A capitalised word that can be part of a person's or an organisation's name: not a role word,
    function word, month or day, and not a place, country, demonym or group of the alias table."""
    lex = _lexicon()
    return (
        _NAME_WORD.fullmatch(word) is not None
        and word.lower() not in lex.role_words
        and lex.alias_kinds.get(word.lower(), "person") in ("person", "media", "org")
        and word.lower() not in DETERMINERS
        and word.lower() not in CLAUSE_OPENERS
        and word.lower() not in PREPOSITIONS
        and word.lower() not in _PRONOUNS
        and word.lower() not in _NOT_NAMES
        and word not in _CALENDAR
    )


def _words(masked: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(masked, start, end))


def _is_adjunct(words: list[str]) -> bool:
    """Words that open an adjunct, not a noun phrase: "on a visit to Jerusalem", "Speaking to Sky News",
    "Asked whether he would resign", "adding"."""
    lower = [w.lower() for w in words[:2]]
    if not lower or lower[0] in PREPOSITIONS or lower[0] in _lexicon().participles:
        return True
    opens_clause = len(lower) > 1 and (lower[1] in PREPOSITIONS - {"of"} or lower[1] in _WH)
    return opens_clause and lower[0].endswith(("ing", "ed"))


def _is_noun_phrase(words: list[str]) -> bool:
    """A plausible subject: short, no verb we know of, not an adjunct."""
    lex = _lexicon()
    lower = [w.lower() for w in words]
    if not 1 <= len(words) <= 12 or _is_adjunct(words) or lower[-1] in PREPOSITIONS:
        return False
    if lower[-1] in DETERMINERS - _QUANTIFIERS or lower[-1] in CLAUSE_OPENERS:
        return False
    if len(words) > 1 and any(w.lower() in _PERSONAL and not (len(w) > 1 and w.isupper()) for w in words):
        return False  # "told friends she felt": a pronoun is a noun phrase on its own ("US" is not "us")
    if any(w in _AUXILIARIES or (w in lex.verbs and w not in lex.sources) for w in words):
        return False
    return len(words) > 1 or lower[0] in _PRONOUNS or lower[0] in _QUANTIFIERS or lower[0] not in DETERMINERS


def _trim_phrase(masked: str, start: int, end: int) -> tuple[int, int]:
    """Cut a relative clause off a noun phrase and adverbs or auxiliaries off its end."""
    words = _words(masked, start, end)
    for i, word in enumerate(words[1:], 1):
        if word.group().lower() in _RELATIVES:
            words = words[:i]
            break
    while words and (
        words[-1].group().lower() in _ADVERBS
        or words[-1].group().lower() in _AUXILIARIES
        or words[-1].group().endswith("ly")
    ):
        words.pop()
    return (words[0].start(), words[-1].end()) if words else (start, start)


def _has_name(masked: str, start: int, end: int) -> bool:
    return any(_is_name_word(w.group()) for w in _words(masked, start, end))


def _segments(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated parts of ``masked[start:end]``, parentheses ignored, white space trimmed."""
    blanked = _PARENTHESIS.sub(lambda m: " " * len(m.group()), masked[start:end])
    parts, position = [], start
    for piece in blanked.split(","):
        lead = len(piece) - len(piece.lstrip())
        parts.append((position + lead, position + len(piece.rstrip())))
        position += len(piece) + 1
    return parts


def _abbreviation(word: str) -> bool:
    """A word whose full stop does not end a clause: a title, an initial or a dotted acronym."""
    return word.lower() in _lexicon().role_words or len(word) == 1 or "." in word


def _clause_start(masked: str, start: int, end: int) -> int:
    """Where the clause that ends at ``end`` begins: after a hard break or a conjunction."""
    lex = _lexicon()
    position = start
    blanked = _PARENTHESIS.sub(lambda m: " " * len(m.group()), masked[start:end])
    for match in _HARD_BREAK.finditer(blanked):
        before = blanked[blanked.rfind(" ", 0, match.start()) + 1 : match.start()].strip("(\"'")
        if match.group() == "." and before and _abbreviation(before):
            continue  # "Lt. Col. Mark Davis", "J. Smith", "U.S. Secretary of State"
        position = start + match.end()
    words = _words(masked, position, end)
    for i, word in enumerate(words):
        lower = word.group().lower()
        reported = word.group() in lex.verbs and lower not in lex.sources
        helped = any(w.group().lower() in _AUXILIARIES | _RELATIVES for w in words[max(0, i - 2) : i])
        if lower in CLAUSE_OPENERS or (reported and not helped):
            position = (
                word.end()
            )  # "Police said the man ... shouted": the man shouted; not "who have read it"
    return position


def _is_role(masked: str, start: int, end: int) -> bool:
    """An appositive that gives a role: "a Canadian ISIS fighter", "the head of the SDF media office"."""
    return _texts(masked, start, end)[:1] in (["a"], ["an"], ["the"], ["A"], ["An"], ["The"])


def _is_name_phrase(masked: str, start: int, end: int) -> bool:
    """A noun phrase with a name in it: "Mohammed Ali", "US president Donald Trump"."""
    return _has_name(masked, start, end) and _is_noun_phrase(_texts(masked, start, end))


def _subject(masked: str, start: int, end: int) -> _Phrase | None:
    """The noun phrase that ends right before a cue at ``end``, with its appositives: of "X, the head of
    Y, said", "his mother, Linda Cole, said" and "Mohammed Ali, a Canadian ISIS fighter ... told", the
    part with a name speaks and the others (but an age) are its role."""
    parts = [p for p in _segments(masked, _clause_start(masked, start, end), end) if p[0] < p[1]]
    if not parts:
        return None
    if masked[parts[-1][1] : end].strip() == ",":  # "X, the head of Y," before the cue
        group = parts[-3:]
    elif len(parts) > 1 and _is_role(masked, *parts[-1]) and _is_name_phrase(masked, *parts[-2]):
        group = parts[-2:]
    else:
        group = parts[-1:]
    named = [p for p in group if _is_name_phrase(masked, *p) and not _is_role(masked, *p)]
    phrase = named[-1] if named else group[0]
    roles = tuple(p for p in group if p != phrase and _is_appositive(masked, *p))
    trimmed = _trim_phrase(masked, *phrase)
    if not _is_noun_phrase(_texts(masked, *trimmed)):
        return None
    return _Phrase(trimmed[0], trimmed[1], roles, group[0][0])


def _is_appositive(masked: str, start: int, end: int) -> bool:
    """Words beside a speaker that say who they are: not an age ("Smith, 45,"), an adjunct ("Pompeo, on
    a visit to Jerusalem, told") or a participle ("said Smith, adding")."""
    words = _texts(masked, start, end)
    return bool(words) and not words[0].isdigit() and not _is_adjunct(words)


def _texts(masked: str, start: int, end: int) -> list[str]:
    return [w.group() for w in _words(masked, start, end)]


def _object(masked: str, start: int, end: int) -> _Phrase | None:
    """The noun phrase after an inverted cue ("said one senior SDF commander, who ...") and its role."""
    words = []
    for word in _words(masked, start, end):
        gap = masked[(words[-1].end() if words else start) : word.start()]
        if words and (
            any(c in gap for c in ',;:!?~"()') or ("." in gap and not _abbreviation(words[-1].group()))
        ):
            break
        lower = word.group().lower()
        if words and ((lower in PREPOSITIONS and lower not in ("of", "for")) or lower in _TEMPORAL):
            break
        if words and lower in _RELATIVES:
            break
        words.append(word)
    if not words or not _is_noun_phrase([w.group() for w in words]):
        return None
    tail_end = next((i for i in range(words[-1].end(), end) if masked[i] in '~"'), end)  # not into a quote
    rest = (
        _words(masked, words[-1].end(), tail_end)
        if masked[words[-1].end() : end].lstrip().startswith(",")
        else []
    )
    span = (rest[0].start(), rest[-1].end()) if rest else (end, end)
    role = (span,) if _is_appositive(masked, *span) else ()
    return _Phrase(words[0].start(), words[-1].end(), role, words[0].start())


# --- attribution ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attribution:
    phrase: _Phrase
    cue: str
    intro: bool  # the cue introduces the quote as a whole statement ("X said:")
    adjacent: bool  # the attribution touches the quote ("...," X said)


def _after(masked: str, quote: _Quote, end: int) -> _Attribution | None:
    """An attribution in the sentence after the quote: "..., X said", "..., said X", "according to X"."""
    lex = _lexicon()
    position = _SEPARATORS.match(masked, quote.close + 1, end).end()
    according = _ACCORDING.match(masked, position, end)
    if according:
        phrase = _object(masked, according.end(), end)
        return _Attribution(phrase, "according to", False, True) if phrase else None
    cue = lex.cue.match(masked, position, end)
    if cue:
        phrase = _object(masked, cue.end(), end)
        return _Attribution(phrase, cue.group(), False, True) if phrase else None
    cues = list(lex.cue.finditer(masked, position, end))
    if cues and "~" not in masked[position : cues[0].start()]:
        phrase = _subject(masked, position, cues[0].start())
        if phrase and not masked[position : phrase.first].strip(" ,"):
            return _Attribution(phrase, cues[0].group(), False, True)
    for cue in reversed(cues):  # "... jihadists overnight, SDF spokesman Mustafa Bali said on Twitter."
        tail = masked[cue.end() : end]
        if "~" in tail or _THAT.search(tail):
            continue
        comma = masked.rfind(",", position, cue.start())
        if comma >= 0:
            phrase = _subject(masked, comma + 1, cue.start())
            if phrase is not None:
                return _Attribution(phrase, cue.group(), False, False)
        if comma >= 0 and not masked[comma + 1 : cue.start()].strip():
            phrase = _object(masked, cue.end(), end)
            if phrase is not None:
                return _Attribution(phrase, cue.group(), False, False)
    return None


def _before(masked: str, start: int, end: int, content_capital: bool) -> _Attribution | None:
    """An attribution in the sentence before the quote: "X said:", "X told Reuters ... that ...",
    "according to X,", or a headline's "Mourinho: '...'"; the last cue with a subject wins."""
    lex = _lexicon()
    for cue in reversed(list(lex.cue.finditer(masked, start, end))):
        phrase = _subject(masked, start, cue.start())
        if phrase is None:
            continue
        between = masked[cue.end() : end].strip()
        intro = (between.endswith((":", ",")) and len(between.split()) <= 8 and "~" not in between) or (
            not between and content_capital
        )
        return _Attribution(phrase, cue.group(), intro and not _THAT.search(between), False)
    according = _ACCORDING.search(masked, start, end)
    phrase = _object(masked, according.end(), end) if according else None
    if phrase is not None:
        between = masked[phrase.end : end].strip()
        return _Attribution(phrase, "according to", between == "," and content_capital, False)
    lead = masked[start:end].rstrip()
    if lead.endswith(":") and len(lead.split()) <= 5:
        phrase = _subject(masked, start, start + len(lead) - 1)
        if phrase is not None:
            return _Attribution(phrase, ":", True, False)
    return None


class _Who(NamedTuple):
    """A resolved speaker: the name or noun phrase, where the attribution names it, its role words."""

    speaker: str
    start: int
    end: int
    role: str
    named: bool


@lru_cache(maxsize=100_000)
def _person_names(run: str) -> tuple[tuple[int, str], ...]:
    """Names that may be persons' in a run of capitalised words, with their offsets in it: role words,
    places, groups and agencies cut the run up or are left out."""
    lex = _lexicon()
    out, names = [], []
    for word in [*_WORD.finditer(run), None]:
        if word is not None and _is_name_word(word.group()):
            names.append(word)
            continue
        if names:
            name = run[names[0].start() : names[-1].end()]
            if (
                lex.alias_kinds.get(name.lower(), "person") == "person"
                and name.lower() not in lex.agency_names
            ):
                out.append((names[0].start(), name))
            names = []
    return tuple(out)


_OPEN = attrgetter("open")
_FIRST = itemgetter(0)


class _Text:
    """One text under attribution: its masked form, sentences, paragraphs, and the persons it names
    in order (outside quotes), to resolve surnames and pronouns."""

    def __init__(self, text: str, norm: str, masked: str) -> None:
        self.text, self.masked = text, masked
        self.spans = sentences(masked)
        self.starts = [s for s, _ in self.spans]
        self.paragraph_starts = [m.start() for m in _LINE.finditer(norm)]
        self.mentions: list[tuple[int, str]] = []  # (position, full name) of persons
        full: dict[str, str] = {}
        for match in _NAME_RUN.finditer(masked):
            for offset, name in _person_names(match.group()):
                start = match.start() + offset
                if masked[max(0, start - 4) : start].lower() == "the ":
                    continue  # "the Syrian Observatory", "the White House"
                words = name.split()
                if len(words) > 1:
                    full[words[-1]] = name
                    self.mentions.append((start, name))
                elif name in full:
                    self.mentions.append((start, full[name]))
                elif _lexicon().alias_kinds.get(name.lower()) == "person":
                    self.mentions.append((start, name))
        self.positions = [p for p, _ in self.mentions]
        self.persons = {name for _, name in self.mentions}

    @cached_property
    def subjects(self) -> list[tuple[int, int, str]]:
        """Each sentence's opening noun phrase, worked out only when "it" or "they" needs one."""
        return _sentence_subjects(self.masked, self.spans)

    def sentence(self, position: int) -> tuple[int, int]:
        return (
            self.spans[max(bisect_right(self.starts, position) - 1, 0)] if self.spans else (0, len(self.text))
        )

    def paragraph(self, position: int) -> int:
        return bisect_right(self.paragraph_starts, position)

    @cached_property
    def _by_surname(self) -> dict[str, dict[str, list[int]]]:
        """Positions of each person mention, by last word and full name (in text order)."""
        index: dict[str, dict[str, list[int]]] = {}
        for position, full in self.mentions:
            index.setdefault(full.split()[-1], {}).setdefault(full, []).append(position)
        return index

    def full_name(self, name: str, before: int) -> str:
        """``name`` in full where the text gave it earlier ("Bali" -> "Mustafa Bali"): the latest
        longer name with the same last word before ``before``."""
        latest, found = -1, name
        for full, positions in self._by_surname.get(name.split()[-1], {}).items():
            if len(full) > len(name):
                k = bisect_left(positions, before)
                if k and positions[k - 1] > latest:
                    latest, found = positions[k - 1], full
        return found

    def quotes_in(self, quotes: list[_Quote], first: int, last: int) -> list[_Quote]:
        """The ``quotes`` (in text order) that open in paragraphs ``first`` to ``last``: a binary search,
        not a scan, since a live blog holds thousands of quotes."""
        opening = _OPEN
        lo = bisect_left(quotes, self.paragraph_starts[first - 1], key=opening) if first >= 1 else 0
        if last < len(self.paragraph_starts):
            return quotes[lo : bisect_left(quotes, self.paragraph_starts[last], key=opening)]
        return quotes[lo:]

    def who(self, phrase: _Phrase, before: list[_Quote]) -> _Who:
        """The speaker of a noun phrase (see the module docstring); ``before`` are the quotes so far."""
        masked, text = self.masked, self.text
        appositive = ", ".join(text[s:e].strip() for s, e in phrase.role)
        words = _words(masked, phrase.start, phrase.end)
        lower = [w.group().lower() for w in words]
        if len(words) == 1 and lower[0] in _PRONOUNS:
            name, named = self._pronoun(lower[0], phrase.start, before)
            return _Who(name, phrase.start, phrase.end, appositive, named)
        for i in range(1, len(words) - 1):  # "a statement from the ministry" speaks for the ministry
            if lower[i] in ("from", "by", "of") and lower[i - 1] in _lexicon().sources:
                return self.who(replace(phrase, start=words[i + 1].start()), before)
        run = len(words)
        while run > 0 and len(words) - run < 4 and _is_name_word(words[run - 1].group()):
            run -= 1
        # Step back over white space and quote marks before the phrase, without copying the text.
        before_phrase = phrase.start
        while before_phrase > 0 and masked[before_phrase - 1] in " \"'":
            before_phrase -= 1
        mid_sentence = masked[before_phrase - 1 : before_phrase] not in ("", ".", "!", "?", "\n")
        if run == len(words):  # no name: an unnamed speaker, or an organisation ("the SDF", "Amnesty ...")
            speaker, proper = _proper(text[phrase.start : phrase.end])
            capitals = all(w[:1].isupper() for w in speaker.split())
            named = proper or (capitals and (mid_sentence or len(words) > 1))
            start = phrase.end - len(speaker)
            return _Who(speaker, start, phrase.end, appositive or self._source_role(lower, before), named)
        name = self.full_name(text[words[run].start() : phrase.end], phrase.start)
        pre = text[phrase.start : words[run].start()].strip()
        role = ", ".join(r for r in (pre, appositive) if r and r.lower() != "the")
        named = len(name.split()) > 1 or bool(pre) or mid_sentence or name in self.persons
        return _Who(
            name, words[run].start(), phrase.end, role, named or name.lower() in _lexicon().alias_kinds
        )

    def _source_role(self, lower: list[str], before: list[_Quote]) -> str:
        """A bare "A statement" speaks for whoever was quoted last."""
        if lower[-1] not in _lexicon().sources or not before:
            return ""
        return before[-1].speaker if before[-1].speaker.lower() not in _PRONOUNS else ""

    def _pronoun(self, pronoun: str, position: int, before: list[_Quote]) -> tuple[str, bool]:
        """he/she: the person last named; it/they: the latest of the subjects of the two sentences before
        and the speakers quoted in this paragraph or the two before (the latest :data:`PRONOUN_LOOKBACK`)
        that agree with it in number and
        are not persons."""
        here = self.paragraph(position)
        # In text order, so the latest that fits is the last; only the last few hundred are looked at, so
        # that a paragraph of thousands of quotes (a live blog's) costs linear time, not quadratic.
        recent = self.quotes_in(before, here - 2, here)[-PRONOUN_LOOKBACK:]
        if _PRONOUNS[pronoun] == "person":
            k = bisect_right(self.positions, position - 1)
            if k:
                return self.mentions[k - 1][1], True
            not_names = _PRONOUNS.keys() | _NOT_NAMES  # "the minister ... he"
            last = next(
                (q for q in reversed(recent) if q.speaker and q.speaker.lower() not in not_names), None
            )
            return (last.speaker, last.named) if last else (pronoun, False)
        plural = pronoun == "they"
        k = bisect_right(self.subjects, position - 1, key=_FIRST)
        candidates = [
            (start, *_proper(phrase))
            for start, _, phrase in self.subjects[max(0, k - 2) : k]
            if _agrees(phrase, plural)
        ]
        last = next(
            (
                q
                for q in reversed(recent)
                if q.speaker and q.speaker not in self.persons and _agrees(q.speaker, plural)
            ),
            None,
        )
        if last is not None:
            candidates.append((last.open, last.speaker, last.named))
        return max(candidates)[1:] if candidates else (pronoun, False)


def _proper(phrase: str) -> tuple[str, bool]:
    """A noun phrase without "the" when it is a proper name ("the SDF" -> "SDF"), and whether it is."""
    words = phrase.split()
    if len(words) > 1 and words[0].lower() == "the" and all(w[0].isupper() for w in words[1:]):
        return phrase[len(words[0]) :].lstrip(), True
    return phrase, False


def _agrees(phrase: str, plural: bool) -> bool:
    """Whether a noun phrase can be "they" (``plural``) or "it": an acronym ("SDF") can be either."""
    last = phrase.split()[-1]
    if phrase.lower() in _PRONOUNS or last.isupper():
        return phrase.lower() not in _PRONOUNS
    return (last.endswith("s") or last.lower() in _QUANTIFIERS) == plural


def _sentence_subjects(masked: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The noun phrase that opens each sentence, for "it" and "they" ("The airline apologised.")."""
    lex = _lexicon()
    out = []
    for start, end in spans:
        if masked[start] in "\"'":
            continue  # a sentence that opens with a quote has its speaker elsewhere
        words: list[re.Match[str]] = []
        for word in _words(masked, start, end):
            lower = word.group().lower()
            if words and masked[words[-1].end() : word.start()].strip():
                break
            past = lower.endswith("ed") and "-" not in lower
            if lower in _AUXILIARIES or lower in lex.verbs or past or len(words) == 5:
                break
            if words and lower in PREPOSITIONS - {"of"}:
                break
            words.append(word)
        if words and _is_noun_phrase([w.group() for w in words]):
            out.append((words[0].start(), words[-1].end(), masked[words[0].start() : words[-1].end()]))
    return out


def _embedded_posts(norm: str) -> list[tuple[_Quote, int, int, str]]:
    """Posts embedded as a paragraph followed by a "— Name (@handle) date" line: the post, and the
    author's span and handle."""
    out = []
    previous = None
    for line in _LINE.finditer(norm):
        if not line.group().strip():
            continue
        match = EMBED_SIGNATURE.match(" ".join(line.group().split()))
        author_start = norm.find(match.group("author"), line.start(), line.end()) if match else -1
        if previous is not None and author_start >= 0:
            post = _content(norm, previous.start() - 1, previous.end(), -1)
            if post is not None:
                out.append((post, author_start, author_start + len(match.group("author")), match["handle"]))
        previous = line
    return out


def _quotes_and_posts(text: str, norm: str) -> tuple[list[_Quote], list[tuple[_Quote, int, int, str]]]:
    """The quotes of ``text`` outside embedded posts, and the posts (see :func:`_embedded_posts`)."""
    posts = _embedded_posts(norm)
    quotes = [q for q in _find_quotes(norm, text) if not any(p.start <= q.start < p.end for p, *_ in posts)]
    return quotes, posts


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every quote of ``text`` (as :func:`extract_quotes` finds them), in order:
    where a caller only asks whether words are quoted, without attributing them or building a table."""
    quotes, posts = _quotes_and_posts(text, normalise(text))
    return sorted((q.start, q.end) for q in [*quotes, *(post for post, *_ in posts)])


def _attribute(text: str, norm: str) -> list[_Quote]:
    """Find every quote in ``text`` and attribute it (see the module docstring)."""
    quotes, posts = _quotes_and_posts(text, norm)
    if not quotes and not posts:
        return []  # nothing to attribute: the names and sentences are not worked out
    doc = _Text(text, norm, _mask(norm, quotes + [p for p, *_ in posts]))
    masked = doc.masked
    done: list[_Quote] = []
    pending: list[_Quote] = []  # full statements with no cue, attributed once their neighbours are
    for quote in quotes:
        lead_start = doc.sentence(quote.open)[0]
        quote.sentence_start = lead_start
        quote.sentence_end = doc.sentence(quote.close if quote.close >= 0 else quote.end - 1)[1]
        lead = masked[lead_start : quote.open]
        clause = _DATELINE.sub("", _SENTENCE_END.split(lead)[-1])  # and a sentence end the splitter missed
        capital = masked[quote.start].isupper() or masked[quote.start].isdigit()
        found = None
        if _SO_CALLED.search(lead):
            quote.kind = "scare"
        else:
            if quote.close >= 0:
                found = _after(masked, quote, quote.sentence_end)
            if found is None or not found.adjacent:
                found = _before(masked, lead_start, quote.open, capital) or found
            whole = _LEAD_FILLER.match(clause) is not None
            if found is not None:
                _set_speaker(quote, doc.who(found.phrase, done), found.cue)
                quote.kind = "direct" if found.intro or (found.adjacent and whole) else "partial"
            elif (going_on := _participle(masked, lead_start, quote, done)) is not None:
                source, intro = going_on  # '"...," he said, adding: "..."'
                _set_speaker(quote, _who_of(source), source.cue)
                quote.kind = "direct" if intro and capital else "partial"
            elif whole and capital:
                quote.kind = "direct"
                pending.append(quote)
            elif capital and lead.rstrip().endswith(":"):
                quote.kind = "direct"  # "The message was clear: 'Stay at home.'"
            else:
                short = len(_WORD.findall(norm[quote.start : quote.end])) <= SCARE_MAX_WORDS
                quote.kind = "scare" if short and not _lexicon().evidential.search(lead) else "partial"
        done.append(quote)
    for quote in pending:
        _inherit(quote, done, doc)
    for post, author_start, author_end, handle in posts:
        post.kind, post.sentence_start, post.sentence_end = "direct", post.start, post.end
        _set_speaker(
            post, _Who(text[author_start:author_end], author_start, author_end, handle, True), "post"
        )
        done.append(post)
    _fill_roles(done, doc)
    return sorted(done, key=lambda q: q.start)


def _participle(
    masked: str, lead_start: int, quote: _Quote, done: list[_Quote]
) -> tuple[_Quote, bool] | None:
    """The quote earlier in the sentence whose speaker goes on after "adding" or "saying", and whether
    the participle introduces a whole statement ("adding:")."""
    words = [w for w in _words(masked, lead_start, quote.open) if w.group() in _lexicon().participles]
    source = next((q for q in reversed(done) if q.speaker and q.close >= lead_start), None)
    if not words or source is None or source.close > words[-1].start():
        return None
    return source, masked[words[-1].end() : quote.open].strip() in (":", ",")


def _who_of(quote: _Quote) -> _Who:
    return _Who(quote.speaker, quote.speaker_start, quote.speaker_end, quote.role, quote.named)


def _set_speaker(quote: _Quote, who: _Who, cue: str) -> None:
    quote.speaker, quote.speaker_start, quote.speaker_end, quote.role, quote.named = who
    quote.cue = cue


def _inherit(quote: _Quote, quotes: list[_Quote], doc: _Text) -> None:
    """Give a full statement with no cue the speaker of the quote before it in its paragraph (or after
    it), of a cue in the sentence before, or of the last quote of the paragraph before; but a person
    named after that quote and before this one is the one who speaks now."""
    here = doc.paragraph(quote.open)
    same = [q for q in doc.quotes_in(quotes, here, here) if q.speaker and q is not quote]
    source = next((q for q in reversed(same) if q.open < quote.open), None) or next(
        (q for q in same if q.open > quote.open), None
    )
    if source is None and quote.sentence_start > 0:
        start, end = doc.sentence(quote.sentence_start - 1)
        found = _before(doc.masked, start, end, False)
        if found is not None and "~" not in doc.masked[start:end] and doc.paragraph(start) >= here - 1:
            _set_speaker(quote, doc.who(found.phrase, quotes), found.cue)
            return
        source = next((q for q in reversed(doc.quotes_in(quotes, here - 1, here - 1)) if q.speaker), None)
    if source is None:
        return
    k = bisect_right(doc.positions, quote.open - 1)
    if source.open < quote.open and k and doc.positions[k - 1] > source.sentence_end:
        position, name = doc.mentions[k - 1]  # a person named between the two quotes speaks now
        if name != source.speaker:
            _set_speaker(quote, _Who(name, position, position + len(name), "", True), "")
            return
    _set_speaker(quote, _who_of(source), source.cue)


def _fill_roles(quotes: list[_Quote], doc: _Text) -> None:
    """Give a named speaker whose role names no side the role the text gives them elsewhere, or else
    the unnamed speaker of the sentence before ("An Iraqi MP claimed ... Hassan Salem said: ...")."""
    roles: dict[str, str] = {}
    for quote in quotes:
        if quote.named and quote.role and affiliation("", quote.role) not in ("other", "unnamed"):
            roles.setdefault(quote.speaker, quote.role)
    for quote in quotes:
        if quote.speaker not in doc.persons or roles.get(quote.speaker) == quote.role:
            continue
        if quote.speaker in roles:
            quote.role = ", ".join(r for r in (quote.role, roles[quote.speaker]) if r)
        elif quote.sentence_start > 0:
            start, end = doc.sentence(quote.sentence_start - 1)
            for cue in _lexicon().cue.finditer(doc.masked, start, end):
                phrase = _subject(doc.masked, start, cue.start())
                if phrase is not None and not _has_name(doc.masked, phrase.start, phrase.end):
                    if doc.masked[phrase.start : phrase.end].lower() not in _PRONOUNS:
                        quote.role = ", ".join(
                            r for r in (quote.role, doc.text[phrase.start : phrase.end]) if r
                        )
                    break


def _quote_rows(text: str) -> list[tuple]:
    """Rows of :data:`QUOTE_COLUMNS` for every quote of ``text``."""
    return [
        (text[q.start : q.end], *(getattr(q, name) for name in QUOTE_COLUMNS[1:]))
        for q in _attribute(text, normalise(text))
    ]


def _typed(rows: list[tuple] | list[dict], columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """A frame of ``rows`` whose columns have the same types when it is empty: text, or ``dtypes``.

    An empty frame of float columns would turn a concatenated flag column into 0.0 and 1.0."""
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({c: dtypes.get(c, "str") for c in columns}) if frame.empty else frame


_START, _END = QUOTE_COLUMNS.index("start"), QUOTE_COLUMNS.index("end")
_QUOTE_TYPES = dict.fromkeys(
    ["start", "end", "speaker_start", "speaker_end", "sentence_start", "sentence_end"], "int64"
) | {"named": "bool"}


def extract_quotes(text: str) -> pd.DataFrame:
    """Quotes in ``text``, one row each, in order (columns :data:`QUOTE_COLUMNS`).

    ``quote`` is ``text[start:end]``, the words between the marks; ``speaker`` the speaker as resolved
    (full name, or the noun phrase of an unnamed speaker, or "" when the text names none);
    ``speaker_start``/``speaker_end`` where this attribution names them (-1 when it does not); ``cue``
    the speech verb, "according to", ":" or "post"; ``kind`` direct, partial or scare; ``role`` the
    words that give the speaker's position; ``sentence_start``/``sentence_end`` the sentences that hold
    the quote and its attribution; ``named`` whether the speaker is a proper name.
    """
    return _typed(_quote_rows(text), QUOTE_COLUMNS, _QUOTE_TYPES)


# --- affiliations --------------------------------------------------------------------------------

_SIDE_MODIFIERS = frozenset(
    "backed led supported funded sponsored allied trained armed held controlled linked run based".split()
)


@dataclass(frozen=True)
class AffiliationTable:
    """The affiliation table as canonical token sequences, and the side of each country's government."""

    terms: dict[tuple[str, ...], str]  # canonical tokens of a term -> affiliation ("" for a title)
    longest: int
    countries: dict[str, str]  # canonical country token -> affiliation of its government


def _tokens(text: str) -> list[str]:
    """Canonical tokens for matching terms; "US-backed" and the like say whose side others are on,
    so they are dropped, and other compounds are split ("Kurdish-led" -> "kurdish", "led")."""
    out = []
    for token in tokenize(text):
        parts = token.split("-")
        if len(parts) > 1 and parts[-1].lower() in _SIDE_MODIFIERS:
            continue
        out.extend(parts if len(parts) > 1 and " " not in token else [token])
    return out


@lru_cache(maxsize=8)
def load_affiliations(override: Path | None = None) -> AffiliationTable:
    """The affiliation table (``affiliations.csv``), with the rows of ``override`` (same columns:
    ``term, affiliation``) added or replacing rows of the same term."""
    rows = csv_rows(AFFILIATIONS_PATH) + (csv_rows(Path(override)) if override else [])
    terms: dict[tuple[str, ...], str] = {}
    for row in csv_rows(NEWS_AGENCIES_PATH):
        terms[tuple(_tokens(row["name"]))] = "media"
    for row in rows:
        value = (row.get("affiliation") or "").strip()
        if value and value not in AFFILIATIONS and value != "government":
            raise ValueError(f"unknown affiliation {value!r} for {row['term']!r}; use one of {AFFILIATIONS}")
        terms[tuple(_tokens(row["term"]))] = value
    with ALIASES_PATH.open(encoding="utf-8", newline="") as handle:
        aliases = [r for r in csv.DictReader(handle) if r["kind"].strip() in ("country", "demonym", "media")]
    for row in aliases:
        if row["kind"].strip() == "media":
            terms.setdefault((row["canonical"].strip(),), "media")
    countries = {
        r["canonical"].strip(): terms.get((r["canonical"].strip(),), "other_government")
        for r in aliases
        if r["kind"].strip() != "media"
    }
    return AffiliationTable(terms, max(len(t) for t in terms), countries)


def _plural_key(tokens: list[str]) -> tuple[str, ...]:
    return (*tokens[:-1], tokens[-1][:-1]) if tokens and tokens[-1].endswith("s") else tuple(tokens)


@lru_cache(maxsize=100_000)
def _affiliation(speaker: str, context: str, override: Path | None) -> str:
    table = load_affiliations(override)
    tokens = _tokens(f"{speaker} {context}")
    for i in range(len(tokens)):
        for width in range(min(table.longest, len(tokens) - i), 0, -1):
            span = tokens[i : i + width]
            value = table.terms.get(tuple(span), table.terms.get(_plural_key(span)))
            if not value:
                continue
            if value != "government":
                return value
            near = tokens[max(0, i - 3) : i + width + 3]
            return next((table.countries[t] for t in near if t in table.countries), "other_government")
    words = speaker.split()
    named = bool(words) and words[0][:1].isupper() and words[0].lower() not in DETERMINERS | set(_PRONOUNS)
    return "other" if named else "unnamed"


def affiliation(speaker: str, context: str = "", override: Path | None = None) -> str:
    """The side a speaker speaks for, one of :data:`AFFILIATIONS`, from role words in the speaker's
    noun phrase and ``context`` (its role or appositive: "SDF spokesman", "an Iraqi MP", "a resident").

    The earliest term of the affiliation table found wins (see ``affiliations.csv``); with none, a
    proper name is ``other`` and anyone else ``unnamed``. ``override`` is a CSV of extra or replacing
    rows.
    """
    return _affiliation(speaker.strip(), context.strip(), Path(override) if override else None)


# --- voices across a corpus ----------------------------------------------------------------------


def _speaker_key(speaker: str) -> str:
    """One key per named speaker across articles: the alias table's canonical name when it has one
    ("Mustefa Bali", "the US-backed Syrian Democratic Forces" -> "Mustafa Bali", "SDF")."""
    tokens = _tokens(speaker)
    return tokens[0] if len(tokens) == 1 and tokens[0][:1].isupper() else speaker


_CORPUS_QUOTE_COLUMNS = ["article_id", "outlet", "group", *QUOTE_COLUMNS, "raw_start", "raw_end"]


def _article_quotes(articles: pd.DataFrame, override: Path | None = None) -> pd.DataFrame:
    """The attributed quotes of some articles (``article_id, outlet, group, text, offset_map``), with raw
    offsets, words, speaker keys and the affiliations each article gives: the per-article part of
    :func:`corpus_quotes`, run a chunk at a time (those three took 4 s of the calling process at
    100,000 articles when worked out there)."""
    rows = []
    for article_id, outlet, group, text, offset_map in articles.itertuples(index=False, name=None):
        for quote in _quote_rows(text):
            raw = text_to_raw(offset_map, quote[_START], quote[_END])
            rows.append((article_id, outlet, group, *quote, *raw))
    out = _typed(rows, _CORPUS_QUOTE_COLUMNS, _QUOTE_TYPES | {"raw_start": "int64", "raw_end": "int64"})
    out["n_words"] = [len(_WORD.findall(q)) for q in out["quote"]]
    out["speaker_key"] = [
        _speaker_key(s) if n else s for s, n in zip(out["speaker"], out["named"], strict=True)
    ]
    sides = [affiliation(s, r, override) for s, r in zip(out["speaker"], out["role"], strict=True)]
    out["affiliation"] = [
        "" if kind == "scare" else "unnamed" if side == "other" and not named else side
        for side, kind, named in zip(sides, out["kind"], out["named"], strict=True)
    ]
    return out


def corpus_quotes(corpus: pd.DataFrame, override: Path | None = None) -> pd.DataFrame:
    """Quotes of every article, with ``article_id, outlet, group``, ``affiliation``, ``n_words``,
    ``speaker_key`` (one key per named speaker across articles) and ``raw_start, raw_end`` (offsets
    into ``raw_text``).

    Scare quotes have no affiliation (""). A speaker who is not a proper name and whose words name no
    side is ``unnamed``. A named speaker keeps one affiliation across the corpus: where an article
    gives no role words for them, the affiliation they have elsewhere is used.
    """
    articles = corpus[["article_id", "outlet", "group", "text", "offset_map"]]
    out = parallel.map_frames(partial(_article_quotes, override=override), articles, label="quotes")
    known = out[out["named"] & ~out["affiliation"].isin(["", "other", "unnamed"])]
    usual = known.groupby("speaker_key")["affiliation"].agg(lambda a: Counter(a).most_common(1)[0][0])
    fill = out["named"] & (out["affiliation"] == "other") & out["speaker_key"].isin(usual.index)
    out.loc[fill, "affiliation"] = out.loc[fill, "speaker_key"].map(usual)
    return out


def voice_shares(quotes: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per group and affiliation, the share of the group's quotes and of its quoted words.

    Scare quotes are not voices and are left out. Every group of the corpus has a row for every
    affiliation (zeros included); ``articles`` is the group's number of articles, ``quotes`` and
    ``words`` the quotes and quoted words the shares rest on.
    """
    voices = quotes[quotes["kind"] != "scare"]
    groups = corpus.groupby("group")["article_id"].nunique()
    counts = voices.groupby(["group", "affiliation"]).agg(
        n_quotes=("quote", "size"), n_words=("n_words", "sum")
    )
    grid = pd.MultiIndex.from_product([groups.index, AFFILIATIONS], names=["group", "affiliation"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out["articles"] = out["group"].map(groups)
    out["quotes"] = out.groupby("group")["n_quotes"].transform("sum")
    out["words"] = out.groupby("group")["n_words"].transform("sum")
    out["share_quotes"] = (out["n_quotes"] / out["quotes"].where(out["quotes"] > 0)).fillna(0.0)
    out["share_words"] = (out["n_words"] / out["words"].where(out["words"] > 0)).fillna(0.0)
    return out[
        [
            "group",
            "affiliation",
            "n_quotes",
            "share_quotes",
            "n_words",
            "share_words",
            "articles",
            "quotes",
            "words",
        ]
    ]


def exclusive_speakers(quotes: pd.DataFrame) -> pd.DataFrame:
    """Named speakers quoted by exactly one group, with what that group quoted of them.

    Columns: ``speaker, group, affiliation, quotes, words, articles, example``: the longest spelling
    of the name, the most frequent affiliation, and the longest quote (the first of equals each).
    Unnamed speakers ("a source") cannot be told apart across articles and are left out.
    """
    voices = quotes[(quotes["kind"] != "scare") & quotes["named"]]
    groups = voices.groupby("speaker_key")["group"].nunique()
    only = voices[voices["speaker_key"].map(groups) == 1].reset_index(drop=True)
    only = only.assign(name_length=only["speaker"].str.len(), order=range(len(only)))
    per_speaker = only.groupby("speaker_key", sort=True)
    table = pd.DataFrame(
        {
            "speaker": _first_of_most(only, "name_length")["speaker"],
            "group": per_speaker["group"].first(),
            "affiliation": _most_frequent(only, "affiliation"),
            "quotes": per_speaker.size(),
            "words": per_speaker["n_words"].sum().astype("int64"),
            "articles": per_speaker["article_id"].nunique(),
            "example": _first_of_most(only, "n_words")["quote"],
        }
    )
    return table.sort_values(["group", "quotes"], ascending=[True, False], kind="stable", ignore_index=True)


def _first_of_most(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per speaker, the first of the rows (by ``order``) with the highest ``column``."""
    ranked = rows.sort_values(["speaker_key", column, "order"], ascending=[True, False, True], kind="stable")
    return ranked.drop_duplicates("speaker_key").set_index("speaker_key")


def _most_frequent(rows: pd.DataFrame, column: str) -> pd.Series:
    """Per speaker, the most frequent value of ``column``, the first seen of equals."""
    counted = rows.groupby(["speaker_key", column], sort=False).agg(
        uses=("order", "size"), first=("order", "min")
    )
    counted = counted.reset_index().rename(columns={"first": "order"})
    return _first_of_most(counted, "uses")[column]


# --- credits -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Agencies:
    """The agency table as one pattern, with the patterns of the cues that make a mention a credit."""

    pattern: re.Pattern[str]
    names: dict[str, tuple[str, str, str]]  # lower-cased name without "The" -> canonical, kind, as listed
    before: re.Pattern[str]  # a credit cue ending right before a name
    after: re.Pattern[str]  # a speech verb right after a name ("Hawar said")
    picture: re.Pattern[str]  # a picture credit open before a name ("Image:", "Footage by X's agency")


@lru_cache(maxsize=1)
def _agencies() -> _Agencies:
    names = {}
    for row in csv_rows(NEWS_AGENCIES_PATH):
        listed = row["name"].strip()
        body = listed[4:] if listed.startswith("The ") else listed
        names[body.lower()] = (row["canonical"].strip(), row["kind"].strip(), listed)
    # A name is a credit as listed or in capitals, so only those forms are matched: matching every
    # case ("reuters", "ap") and dropping the others afterwards took twice as long, at every character.
    bodies = [listed[4:] if listed.startswith("The ") else listed for _, _, listed in names.values()]
    alternatives = trie_pattern(sorted({*bodies, *(body.upper() for body in bodies)}))
    pattern = re.compile(rf"(?<![\w@#])(?:(?P<the>[Tt]he |THE )?)(?P<name>{alternatives})(?![\w-])")
    credits = sorted(cue_sections()["credits"], key=len, reverse=True)
    before = re.compile(
        r"\b(?P<cue>" + "|".join(map(re.escape, credits)) + r")\s+(?:the\s+)?$", re.IGNORECASE
    )
    verbs = "|".join(sorted(_lexicon().verbs, key=len, reverse=True))
    after = re.compile(rf"^(?:'s)?\s+(?P<cue>{verbs})\b")
    pictures = "|".join(sorted(_section_words("pictures"), key=len, reverse=True))
    picture = re.compile(rf"\b(?P<cue>(?:{pictures})\s*(?::|by|from))[^.!?:;\n]{{0,60}}$", re.IGNORECASE)
    return _Agencies(pattern, names, before, after, picture)


def credits(text: str) -> pd.DataFrame:
    """News agencies, outlets and picture agencies that ``text`` credits, one row per credit.

    Columns: ``name`` (canonical, from ``news_agencies.csv``), ``kind`` (agency, outlet or picture),
    ``cue`` (the credit's words: "told", "according to", "reports", "said", "image:", "footage by",
    "(...)" for a parenthesised credit at the end of a caption, "dateline" for "BEIRUT (Reuters) -"),
    ``start``/``end`` (the name as written). A name with no cue is a mention, not a credit.
    """
    return _typed(_credit_rows(text), CREDIT_COLUMNS, _CREDIT_TYPES)


_CREDIT_TYPES = {"start": "int64", "end": "int64"}


def _credit_rows(text: str) -> list[tuple]:
    """Rows of :data:`CREDIT_COLUMNS` for every credit of ``text``."""
    norm = normalise(text)
    agencies = _agencies()
    rows = []
    for match in agencies.pattern.finditer(norm):
        canonical, kind, listed = agencies.names[match.group("name").lower()]
        listed_body = listed[4:] if listed.startswith("The ") else listed
        if listed.startswith("The ") and " " not in listed_body and not match.group("the"):
            continue  # "The Times", not any "Times"
        start = (
            match.start("the") if listed.startswith("The ") and match.group("the") else match.start("name")
        )
        line_start = norm.rfind("\n", 0, start) + 1
        preceding, following = norm[line_start:start], norm[match.end() : match.end() + 40]
        cue = None
        if picture := agencies.picture.search(preceding):
            cue, kind = picture.group("cue").lower(), "picture"
        elif preceding.endswith("(") and following.startswith(")"):
            line_end = norm.find("\n", match.end())
            rest = norm[match.end() + 1 : line_end if line_end >= 0 else len(norm)].strip()
            dateline = rest[:1] in ("-", "\u2013", "\u2014")  # "BEIRUT (Reuters) -", not a caption's end
            cue, kind = ("dateline", kind) if dateline else ("(...)", "picture")
        elif credit := agencies.before.search(preceding):
            cue = credit.group("cue").lower()
        elif said := agencies.after.match(following):
            cue = said.group("cue")
        if cue is not None:
            rows.append((canonical, kind, cue, start, match.end()))
    return rows


def corpus_credits(corpus: pd.DataFrame) -> pd.DataFrame:
    """:func:`credits` of every article, and the picture credits of the captions cleaning removed.

    Columns: ``article_id, outlet, group``, the credit columns, ``raw_start, raw_end`` (offsets into
    ``raw_text``) and ``in_caption``; a caption's credits have ``start = end = -1`` as the clean text
    does not hold them. Read a chunk of articles at a time, on the cluster when there is one.
    """
    articles = corpus[["article_id", "outlet", "group", "text", "offset_map", "removals", "raw_text"]]
    return parallel.map_frames(_article_credits, articles, label="credits")


def _article_credits(articles: pd.DataFrame) -> pd.DataFrame:
    """:func:`corpus_credits` of some articles."""
    rows = []
    for row in articles.itertuples(index=False):
        head = (row.article_id, row.outlet, row.group)
        for name, kind, cue, start, end in _credit_rows(row.text):
            rows.append((*head, name, kind, cue, start, end, *text_to_raw(row.offset_map, start, end), False))
        for removal in row.removals:
            if removal.reason == "image caption":
                caption = row.raw_text[removal.start : removal.end]
                for name, _, cue, start, end in _credit_rows(caption):
                    raw = (start + removal.start, end + removal.start)
                    rows.append((*head, name, "picture", cue, -1, -1, *raw, True))
    columns = ["article_id", "outlet", "group", *CREDIT_COLUMNS, "raw_start", "raw_end", "in_caption"]
    offsets = ["start", "end", "raw_start", "raw_end"]
    return _typed(rows, columns, dict.fromkeys(offsets, "int64") | {"in_caption": "bool"})
