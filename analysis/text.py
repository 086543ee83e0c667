"""The project's one tokenization policy: normalisation, sentences, tokens and aliases.

Every function that takes a text returns Python string offsets into that same text. Normalisation
only ever replaces one character by one character, so offsets never shift.

Policy, in the order it is applied:

1. Curly quotes, primes, no-break and thin spaces, and Unicode hyphens become their ASCII
   counterparts (:func:`normalise`, same length as the input).
2. Tokens are words, numbers and hyphenated compounds. Thousands separators and decimals stay
   inside a number ("6,500", "2.5"); hyphenated compounds stay whole ("Kurdish-led", "die-hard");
   dotted acronyms lose their dots ("U.S." -> "US", "U.S.-backed" -> "US-backed"); a possessive
   "'s" is dropped (its span ends before it); "#" is dropped from hashtags, "@" handles are kept.
3. Aliases (``analysis/data/aliases.csv``, editable) map the names and spellings of one actor or
   place to one canonical token before anything is counted: "Islamic State", "IS", "ISIL" and
   "Daesh" all become ``ISIS``. The longest alias wins. A capitalised alias only matches a
   capitalised word ("Turkey", not "turkey"); an all-capital alias whose lower-case form is an
   English function word ("US", "IS") only matches in capitals, and on an all-capital line (a
   shouted headline or subhead) it is told apart from the pronoun or verb by its neighbours.
   Inside a compound, only acronyms are mapped ("IS-held" -> "ISIS-held", not "Kurdish-led").
4. A bare surname, or title and surname, after a person's full name in the same text resolves
   to that person ("Mr Bali" after "Mustafa Bali").
5. Every other token is lower-cased, so "BRINK" in a headline counts as "brink".
"""

from __future__ import annotations

import csv
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, compress, count, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.parallel import content_key, map_chunks, return_freed_memory

ALIASES_PATH = Path(__file__).parent / "data" / "aliases.csv"

_ONE_FOR_ONE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u3000": " ",
    "\t": " ",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
}
_TYPOGRAPHIC = re.compile("[" + "".join(_ONE_FOR_ONE) + "]")
# Those that can stand inside a token (an apostrophe or a hyphen): elsewhere a word reads the same
# in the text and in its normalised text.
_TYPOGRAPHIC_IN_WORDS = re.compile(
    "[" + "".join(c for c, plain in _ONE_FOR_ONE.items() if plain in "'-") + "]"
)


def normalise(text: str) -> str:
    """Replace typographic quotes, spaces and hyphens by ASCII ones, one character for one.

    A regex substitution is used rather than ``str.translate`` because these characters are rare:
    scanning for them is several times faster than mapping every character.
    """
    return _TYPOGRAPHIC.sub(lambda m: _ONE_FOR_ONE[m.group()], text)


class Token(NamedTuple):
    """A canonical token and the span of the words it stands for."""

    token: str
    start: int
    end: int


# One branch starting with a word character lets the regex engine skip spaces and punctuation fast
# (40% faster than one alternative per kind of token, with the same tokens on the seeds).
_TOKEN_RE = re.compile(
    r"""
    [#@]?\w+                           # a word, number, #tag or @handle, then either
    (?: \.(?:[A-Za-z]\.)+(?:-\w+)*       #   the rest of a dotted acronym: U.S., U.S.-backed
      | (?: [-']\w+                      #   or compound and contraction parts: Kurdish-led, won't
          | (?<=\d)[.,]\d+              #   and separators inside numbers: 6,500 and 2.5
        )*
    )
    """,
    re.VERBOSE,
)
# The same matches as one group, so split keeps the surfaces (a newline ends the verbose pattern's comments).
_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern}\n)", _TOKEN_RE.flags)
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}")
_FUNCTION_WORDS = frozenset(ENGLISH_STOP_WORDS)

# On an all-capital line, "US" is the pronoun after these words when nothing noun-like follows,
# and "IS" is the group after these words (or at the start); otherwise the verb.
_OBJECT_GOVERNORS = frozenset(
    (
        "let to for with against tell told tells give gave gives help helped helps join joined about "
        "among of from by like between behind before after on upon at show showed shows leave left "
        "make made makes"
    ).split()
)
_GROUP_GOVERNORS = frozenset("the of against from by to with on for and or defeat vs versus".split())


@dataclass(frozen=True)
class _Alias:
    words: tuple[str, ...]  # lower-cased words of the alias, as tokenized
    shapes: tuple[str, ...]  # per word: "upper" (exact capitals), "title" (capital first) or "any"
    canonical: str
    kind: str
    after_the: bool = False  # "The Independent": indexed without its "The", which must precede it


class _Word(NamedTuple):
    """What a surface string means before its context is looked at (cached per surface)."""

    key: str  # lower-cased bare surface, the key into the alias index
    bare: str  # surface without acronym dots, '#' or possessive
    default: str  # the token when no context applies
    candidates: tuple[_Alias, ...]  # aliases that may start here and need the context checked
    trim: int  # characters of possessive cut from the end


def _shape(word: str) -> str:
    bare = word.replace(".", "")
    if bare.isupper() and bare.lower() in _FUNCTION_WORDS:
        return "upper"
    return "title" if word[:1].isupper() else "any"


def _shape_fits(shape: str, surface: str) -> bool:
    if shape == "upper":
        return surface.isupper()
    if shape == "title":
        return surface[:1].isupper()
    return True


def trie_pattern(words: list[str]) -> str:
    """An alternation of ``words`` sharing their prefixes: "t(?:en|hree|wo)". Python's regex engine tries
    the branches of a flat alternation one by one; this is three times faster as a sentence filter.
    Like an alternation longest first, it matches the longest word it can (the rest of the pattern
    permitting): each optional branch is tried before the word ending there."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


def _bare(surface: str) -> str:
    """The surface without the dots of an acronym or the '#' of a hashtag."""
    if _DOTTED.match(surface):
        return surface.replace(".", "")
    return surface.lstrip("#")


_POSSESSIVE = ("'s", "'S")


def _possessive_length(surface: str) -> int:
    """Characters of a possessive "'s" at the end of a token's surface, which its span leaves out."""
    return 2 if len(surface) > 2 and surface[-2:] in _POSSESSIVE else 0


class AliasTable:
    """The alias table as an index from first word to aliases, with a per-surface cache."""

    _CACHE_LIMIT = 500_000

    def __init__(self, rows: list[dict[str, str]], origin: str) -> None:
        self.index: dict[str, list[_Alias]] = {}
        self.spellings: dict[str, list[str]] = {}  # canonical token -> its spellings in the table
        for row in rows:
            self.spellings.setdefault(row["canonical"].strip(), []).append(row["alias"].strip())
            surfaces = [_bare(m.group()) for m in _TOKEN_RE.finditer(normalise(row["alias"]))]
            if not surfaces:
                raise ValueError(f"{origin}: alias {row['alias']!r} has no word in it")
            # "The" would make nearly every line a candidate for an alias: index the next word.
            after_the = len(surfaces) > 1 and surfaces[0].lower() == "the"
            surfaces = surfaces[1:] if after_the else surfaces
            alias = _Alias(
                words=tuple(s.lower() for s in surfaces),
                shapes=tuple(_shape(s) for s in surfaces),
                canonical=row["canonical"].strip(),
                kind=row["kind"].strip(),
                after_the=after_the,
            )
            self.index.setdefault(alias.words[0], []).append(alias)
        for aliases in self.index.values():
            aliases.sort(key=lambda a: (-len(a.words), not a.after_the))
        self.canonicals = frozenset(a.canonical for aliases in self.index.values() for a in aliases)
        self.cache: dict[str, _Word] = {}
        self.defaults: dict[str, str] = {}  # surface -> token, for the fast path
        self.special: set[str] = set()  # surfaces at which an alias may start, given its context

    def word(self, surface: str) -> _Word:
        """Look a surface string up, caching the answer: most words repeat."""
        cached = self.cache.get(surface)
        if cached is not None:
            return cached
        trim = _possessive_length(surface)
        bare = _bare(surface[: len(surface) - trim])
        key = bare.lower()
        fitting = tuple(a for a in self.index.get(key, ()) if _shape_fits(a.shapes[0], bare))
        needs_context = tuple(a for a in fitting if len(a.words) > 1 or a.shapes[0] == "upper" or a.after_the)
        plain = [a for a in fitting if a not in needs_context]
        default = plain[0].canonical if plain else self._compound(bare) if "-" in bare else key
        word = _Word(key, bare, default, needs_context, trim)
        if len(self.cache) >= self._CACHE_LIMIT:
            self.cache.clear()
            self.defaults.clear()
            self.special.clear()
        self.cache[surface] = word
        self.defaults[surface] = default
        if needs_context:
            self.special.add(surface)
        return word

    def _compound(self, bare: str) -> str:
        """Map the acronym parts of a hyphenated compound: "US-backed", "IS-held" -> "ISIS-held"."""
        whole = [a for a in self.index.get(bare.lower(), ()) if len(a.words) == 1]
        if whole:
            return whole[0].canonical
        out = []
        for part in bare.split("-"):
            canonical = None
            if part.isupper() and len(part) > 1:
                canonical = next(
                    (a.canonical for a in self.index.get(part.lower(), ()) if len(a.words) == 1), None
                )
            out.append(canonical or part.lower())
        return "-".join(out)


@lru_cache(maxsize=4)
def load_aliases(path: Path = ALIASES_PATH) -> AliasTable:
    """Read an alias table (columns ``alias, canonical, kind``); cached per path."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"alias", "canonical", "kind"} - set(rows[0] if rows else ())
    if missing:
        raise ValueError(f"{path}: the alias table lacks the column(s) {sorted(missing)}")
    return AliasTable(rows, str(path))


def _capital_acronym_means_alias(word: str, before: str | None, after: str | None) -> bool:
    """On an all-capital line, decide whether "US"/"IS" is the acronym (True) or the word."""
    before = before.lower() if before else None
    after = after.lower() if after else None
    if word == "US":
        if before == "let":
            return False
        return not (before in _OBJECT_GOVERNORS and (after is None or after in _FUNCTION_WORDS))
    if word == "IS":
        if before in _GROUP_GOVERNORS:
            return True
        return before is None and (after is None or after not in _FUNCTION_WORDS)
    return True


class _Line:
    """One sentence of normalised text on its line; word offsets and shouting are worked out on demand."""

    def __init__(self, text: str, words: list[_Word], line: str) -> None:
        self.text = text
        self.words = words
        self.line = line
        self._matches: list[re.Match[str]] | None = None
        self._capitals: bool | None = None

    @property
    def matches(self) -> list[re.Match[str]]:
        if self._matches is None:
            self._matches = list(_TOKEN_RE.finditer(self.text))
        return self._matches

    def gap(self, k: int) -> str:
        """The text between word ``k`` and word ``k + 1``."""
        return self.text[self.matches[k].end() : self.matches[k + 1].start()]

    @property
    def capitals(self) -> bool:
        if self._capitals is None:
            letters = [c for c in self.line if c.isalpha()]
            self._capitals = len(letters) > 3 and not any(c.islower() for c in letters)
        return self._capitals

    def alias_at(self, i: int) -> _Alias | None:
        """The longest alias starting at word ``i`` that fits the following words and the context."""
        words = self.words
        for alias in words[i].candidates:
            width = len(alias.words)
            if i + width > len(words) or (width > 1 and words[i + 1].key != alias.words[1]):
                continue
            if alias.after_the and not (i > 0 and words[i - 1].key == "the" and self.gap(i - 1).isspace()):
                continue
            if any(
                words[i + k].key != alias.words[k] or not _shape_fits(alias.shapes[k], words[i + k].bare)
                for k in range(1, width)
            ):
                continue
            if any(not self.gap(i + k).isspace() for k in range(width - 1)):
                continue
            if width == 1 and self.capitals:
                before = words[i - 1].bare if i > 0 and _no_clause_break(self.gap(i - 1)) else None
                after = words[i + 1].bare if i + 1 < len(words) and _no_clause_break(self.gap(i)) else None
                if not _capital_acronym_means_alias(words[i].bare, before, after):
                    continue
            return alias
        return None


def _no_clause_break(gap: str) -> bool:
    return not any(c in ".!?:;" for c in gap)


def _line_tokens(
    text: str,
    offset: int,
    table: AliasTable,
    surnames: dict[str, str],
    with_spans: bool,
    line: str,
    words: list[list[str]] | None = None,
) -> list:
    """Tokens of one sentence (``line`` is the whole line it stands on, to tell a shouted line):
    plain strings, or :class:`Token` with spans when ``with_spans``. The words the pattern matched
    are appended to ``words`` when given."""
    if with_spans:
        parts = _TOKEN_SPLIT_RE.split(text)  # gap, surface, gap, ..., gap
        surfaces = parts[1::2]
    else:
        surfaces = _TOKEN_RE.findall(text)
    if words is not None:
        words.append(surfaces)
    # Fast path, mostly at C speed: no alias can start here and no surname is known in it.
    tokens = list(map(table.defaults.get, surfaces))
    if None in tokens:
        for surface in set(surfaces).difference(table.defaults):
            table.word(surface)  # look up only the surfaces never seen before
        tokens = list(map(table.defaults.get, surfaces))
        if None in tokens:  # the cache filled up and was cleared on the way
            tokens = [table.word(s).default for s in surfaces]
    if table.special.isdisjoint(surfaces) and (not surnames or surnames.keys().isdisjoint(tokens)):
        return _with_spans(tokens, parts, offset, "'" in text) if with_spans else tokens
    sentence = _Line(text, [table.word(s) for s in surfaces], line)
    words = sentence.words
    out: list = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        token, width = word.default, 1
        alias = sentence.alias_at(i) if word.candidates else None
        first = i
        if alias is not None:
            token, width = alias.canonical, len(alias.words)
            if alias.kind == "person" and width > 1:
                surnames[words[i + width - 1].key] = alias.canonical
            if alias.after_the:  # the "the" already emitted belongs to the name
                out.pop()
                first = i - 1
        elif surnames and word.key in surnames and word.bare[:1].isupper():
            token = surnames[word.key]
        if with_spans:
            last = i + width - 1
            start, end = sentence.matches[first].start(), sentence.matches[last].end() - words[last].trim
            out.append(Token(token, offset + start, offset + end))
        else:
            out.append(token)
        i += width
    return out


def _with_spans(tokens: list[str], parts: list[str], offset: int, apostrophes: bool) -> list[Token]:
    """``tokens`` as :class:`Token`, one per surface of ``parts`` (gaps and surfaces alternating, as
    :data:`_TOKEN_SPLIT_RE` splits a sentence starting at ``offset``; ``apostrophes`` when it has
    any, which a possessive needs). The spans are running sums of the parts' lengths, made at C
    speed: a match object per token made this twice as slow."""
    bounds = list(accumulate(map(len, parts), initial=offset))
    ends = bounds[2::2]
    surfaces = parts[1::2]
    if apostrophes:  # a possessive's "'s" is left out of its token's span
        for i in [i for i, surface in enumerate(surfaces) if surface[-2:] in _POSSESSIVE]:
            ends[i] -= _possessive_length(surfaces[i])
    return list(map(tuple.__new__, repeat(Token), zip(tokens, bounds[1:-1:2], ends, strict=True)))


def _spanned_sentences(
    text: str, with_spans: bool, aliases: AliasTable | None, words: list[list[str]] | None = None
) -> Iterator[tuple[tuple[int, int], list]]:
    """Each sentence of :func:`sentences` as its span and its tokens, read lazily: a name never runs
    across a sentence boundary, and a surname resolves to the full name given in any earlier sentence."""
    table = load_aliases() if aliases is None else aliases
    surnames: dict[str, str] = {}
    offset = 0
    for line in normalise(text).split("\n"):
        for start, end in _line_sentences(line, 0):
            yield (
                (offset + start, offset + end),
                _line_tokens(line[start:end], offset + start, table, surnames, with_spans, line, words),
            )
        offset += len(line) + 1


def _sentence_tokens(
    text: str,
    with_spans: bool,
    aliases: AliasTable | None,
    bounds: list[tuple[int, int]] | None = None,
    words: list[list[str]] | None = None,
) -> list[list]:
    """Tokens per sentence of :func:`sentences`, whose spans are appended to ``bounds`` when given,
    and the words each sentence's tokens were made of to ``words``."""
    out: list[list] = []
    for span, tokens in _spanned_sentences(text, with_spans, aliases, words):
        out.append(tokens)
        if bounds is not None:
            bounds.append(span)
    return out


def sentence_tokens(text: str, aliases: AliasTable | None = None) -> list[list[str]]:
    """Canonical tokens of each sentence of ``text`` (one list per span of :func:`sentences`)."""
    return _sentence_tokens(text, False, aliases)


def sentence_token_spans(text: str, aliases: AliasTable | None = None) -> list[list[Token]]:
    """:func:`sentence_tokens` with each token's ``(start, end)`` offsets into ``text``."""
    return _sentence_tokens(text, True, aliases)


def sentence_token_spans_and_bounds(
    text: str, aliases: AliasTable | None = None
) -> tuple[list[list[Token]], list[tuple[int, int]]]:
    """:func:`sentence_token_spans` and the sentences' spans (those of :func:`sentences`) in one pass."""
    bounds: list[tuple[int, int]] = []
    return _sentence_tokens(text, True, aliases, bounds), bounds


def iter_sentence_token_spans(
    text: str, aliases: AliasTable | None = None
) -> Iterator[tuple[tuple[int, int], list[Token]]]:
    """Each sentence's span (as :func:`sentences` gives it) with its tokens and their offsets, one
    sentence at a time: a search that finds what it wants early stops tokenizing there."""
    return _spanned_sentences(text, True, aliases)


def lone_sentence_token_spans(
    norm: str, start: int, end: int, aliases: AliasTable | None = None
) -> list[Token]:
    """The tokens, with offsets, of the sentence at ``start:end`` of ``norm`` (text through
    :func:`normalise`) tokenized on its own. Their number and spans are those it has in its text: what earlier
    sentences change is only the name a bare surname stands for."""
    table = load_aliases() if aliases is None else aliases
    return _line_tokens(norm[start:end], start, table, {}, True, _line_around(norm, start, end)[1])


def sentence_word_spans(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the words the tokenizer matches in the sentence at ``start:end`` of ``norm`` (text
    through :func:`normalise`), a possessive "'s" left out: the spans of its tokens where each word
    is a token (no name of several words), which their number tells. 2.5 to 3 times faster than
    :func:`lone_sentence_token_spans` (27,915 generated sentences), which looks every word up as a
    possible name."""
    return [
        (match.start(), match.end() - _possessive_length(match.group()))
        for match in _TOKEN_RE.finditer(norm, start, end)
    ]


def _line_around(norm: str, start: int, end: int) -> tuple[int, str]:
    """Where the line of ``norm`` holding ``start:end`` starts, and the line."""
    line_start, line_end = norm.rfind("\n", 0, start) + 1, norm.find("\n", end)
    return line_start, norm[line_start : line_end if line_end >= 0 else len(norm)]


def token_spans(text: str, aliases: AliasTable | None = None) -> list[Token]:
    """Canonical tokens of ``text`` with their ``(start, end)`` offsets into ``text``."""
    return [token for sentence in _sentence_tokens(text, True, aliases) for token in sentence]


def tokenize(text: str, aliases: AliasTable | None = None) -> list[str]:
    """Canonical tokens of ``text``, in order (see the module docstring for the policy)."""
    return [token for sentence in _sentence_tokens(text, False, aliases) for token in sentence]


# --- a corpus as token ids ----------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusTokens:
    """Canonical tokens of every article as one array of ids, with sentence and article bounds."""

    ids: np.ndarray  # int32 token ids of all articles, in corpus order
    vocabulary: list[str]  # id -> canonical token
    sentence_bounds: np.ndarray  # sentence s is ids[sentence_bounds[s] : sentence_bounds[s + 1]]
    article_sentences: np.ndarray  # article a has sentences article_sentences[a] : article_sentences[a + 1]
    sentence_spans: np.ndarray  # (start, end) of sentence s in its article's text, as sentences() gives
    rule_uses: pd.DataFrame  # each distinct case of a rule of token_rules(): see _RuleUses

    @property
    def article_bounds(self) -> np.ndarray:
        """Article a is ids[article_bounds[a] : article_bounds[a + 1]]."""
        return self.sentence_bounds[self.article_sentences]

    @property
    def sentence_article(self) -> np.ndarray:
        """The article index of each sentence."""
        return np.repeat(np.arange(len(self.article_sentences) - 1), np.diff(self.article_sentences))


def _tokenize_chunk(texts: list[str]) -> tuple[list[str], np.ndarray, list[int], list[int], np.ndarray, dict]:
    """One chunk's distinct tokens (in order of first use), its token codes into them, its sentence
    and article sizes, its sentence spans and its :class:`_RuleUses`. Codes are taken article by
    article, so the chunk's token strings are never all held at once (3 million of them in 5,000
    articles)."""
    bounds: list[tuple[int, int]] = []
    codes: dict[str, int] = {}
    ids = array("i")
    sentence_lengths: list[int] = []
    article_sizes: list[int] = []
    rules = _RuleUses()
    for article, text in enumerate(texts):
        first = len(bounds)
        words: list[list[str]] = []
        sentences = _sentence_tokens(text, False, None, bounds, words)
        for sentence in sentences:
            ids.extend([codes.setdefault(token, len(codes)) for token in sentence])
            sentence_lengths.append(len(sentence))
        article_sizes.append(len(sentences))
        rules.count(article, text, sentences, words, bounds[first:])
    spans = np.array(bounds, dtype=np.int64).reshape(-1, 2)
    ids_array = np.frombuffer(ids, dtype=np.int32)
    return list(codes), ids_array, sentence_lengths, article_sizes, spans, rules.cases


class _RuleCache(dict):
    """The rule of :func:`token_rules` for ``(word as matched, token)``, "" for none; worked out the
    first time a pair is asked for."""

    def __missing__(self, pair: tuple[str, str]) -> str:
        word, token = pair
        trim = _possessive_length(word)
        rule = self[pair] = _token_rule(word[: len(word) - trim], token, trim > 0) or ""
        return rule


def _one_for_one(words: list[str], tokens: list[str]) -> bool:
    """Whether ``tokens`` were made one from each of ``words`` (no name of several words) and no
    word holds a dot (a dotted acronym, after which an "'s" stands apart, or a decimal): then a
    word's rule is a matter of the word and its token alone."""
    return len(words) == len(tokens) and "." not in "".join(words)


class _RuleUses:
    """The uses of the rules of :func:`token_rules` in a chunk's articles, counted while they are
    tokenized: each distinct case ``(rule, words)`` as ``[occurrences, token, article, start, end]``
    of its first use (offsets into the article's text). Counted from the tokens and the words the
    chunk's tokenizing made anyway, not by tokenizing every article again with offsets: notebook
    01's tables took 159 s at 100,000 articles on two workers with that second pass, 76 s without.
    Counting makes the tokenizing itself slower (1.66 -> 2.62 s for 2,000 generated articles), which
    every kernel that tokenizes pays once.

    An article whose words are its tokens one for one (see :func:`_one_for_one`) and whose text has
    no typographic apostrophe or hyphen (so its words as written are those matched) is read from its
    words: a possessive was dropped where a word ends in "'s". Any other article is read a sentence
    at a time, such sentences the same way and the rest as :func:`token_rules` reads them, tokenized
    again on their own with offsets."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], list] = {}
        self._rules = _RuleCache()

    def count(
        self, article: int, text: str, sentences: list[list[str]], words: list[list[str]], spans: list
    ) -> None:
        """Count the rule uses of one article: its tokens, words and spans per sentence."""
        norm = normalise(text)
        all_words, all_tokens = list(chain.from_iterable(words)), list(chain.from_iterable(sentences))
        if not _TYPOGRAPHIC_IN_WORDS.search(text) and _one_for_one(all_words, all_tokens):
            self._count_words(article, norm, [len(w) for w in words], spans, all_words, all_tokens)
            return
        line_start, line = 0, ""  # the line of the last sentence tokenized again, found once per line
        for (start, end), tokens, sentence_words in zip(spans, sentences, words, strict=True):
            if not _TYPOGRAPHIC_IN_WORDS.search(text, start, end) and _one_for_one(sentence_words, tokens):
                self._count_words(article, norm, [len(tokens)], [(start, end)], sentence_words, tokens)
                continue
            if not line_start <= start <= end <= line_start + len(line):
                line_start, line = _line_around(norm, start, end)
            spanned_tokens = _line_tokens(norm[start:end], start, load_aliases(), {}, True, line)
            for token, spanned in zip(tokens, spanned_tokens, strict=True):
                first, last = spanned.start, spanned.end
                rule = _token_rule(norm[first:last], token, norm[last : last + 2] in _POSSESSIVE)
                if rule is not None:  # the words as written: "won\u2019t", not "won't"
                    self._add(rule, text[first:last], token, article, first, last)

    def _count_words(
        self, article: int, norm: str, lengths: list[int], spans: list, words: list[str], tokens: list[str]
    ) -> None:
        """Count the rule uses of sentences read word for word (``lengths`` words each, at ``spans`` of
        ``norm``, their normalised text, here the same words as the clean text); a case's first use is found
        in its sentence by the tokenizer's pattern."""
        rules = list(map(self._rules.__getitem__, zip(words, tokens, strict=True)))  # in C for known words
        sentence_starts = list(accumulate(lengths, initial=0))
        matched, matches = -1, []  # the words of sentence ``matched`` as matches, found once
        for i in compress(count(), rules):
            rule, word = rules[i], words[i]
            surface = word[: len(word) - _possessive_length(word)]
            case = self.cases.get((rule, surface))
            if case is not None:
                case[0] += 1
                continue
            k = bisect_right(sentence_starts, i) - 1
            if k != matched:
                matched, matches = k, list(_TOKEN_RE.finditer(norm, *spans[k]))
            start = matches[i - sentence_starts[k]].start()
            self._add(rule, surface, tokens[i], article, start, start + len(surface))

    def _add(self, rule: str, surface: str, token: str, article: int, start: int, end: int) -> None:
        case = self.cases.get((rule, surface))
        if case is None:
            self.cases[(rule, surface)] = [1, token, article, start, end]
        else:
            case[0] += 1


_LAST_TOKENS: dict[bytes, CorpusTokens] = {}
"""The tokens of the last texts tokenized (one entry at most), by :func:`~analysis.parallel.content_key`:
passages, alignments, the facts map and term similarity all start from the same corpus's tokens."""


def corpus_tokens(texts: Iterable[str], chunk: int | None = None) -> CorpusTokens:
    """Tokenize texts with :func:`~analysis.text.sentence_tokens` into integer arrays.

    Texts given as a sequence (a list, a column) are hashed first, and the tokens of the last texts
    tokenized are returned again without tokenizing (their arrays are read-only): at 100,000
    articles hashing takes under a second, tokenizing a minute on two workers.

    Each chunk of articles is tokenized on its own (on a Dask cluster when one is configured, see
    :mod:`analysis.parallel`) into codes of the chunk's distinct tokens, so only those pass
    through Python here; chunks are merged in order, ids in order of first use, so ids never depend
    on where the work ran.
    """
    key = content_key(texts) if isinstance(texts, Sized) else None
    if key is not None and key in _LAST_TOKENS:
        return _LAST_TOKENS[key]
    vocabulary: dict[str, int] = {}
    ids: list[np.ndarray] = []
    sentence_lengths: list[int] = []
    article_counts: list[int] = []
    spans: list[np.ndarray] = [np.zeros((0, 2), dtype=np.int64)]
    rule_uses: dict[tuple[str, str], list] = {}
    for uniques, codes, lengths, counts, chunk_spans, chunk_rules in map_chunks(
        _tokenize_chunk, texts, chunk, label="tokenizing"
    ):
        lookup = np.array([vocabulary.setdefault(u, len(vocabulary)) for u in uniques], dtype=np.int32)
        ids.append(lookup[codes] if len(codes) else np.zeros(0, np.int32))
        for case, (occurrences, token, article, start, end) in chunk_rules.items():
            if case in rule_uses:  # an earlier chunk holds the first use
                rule_uses[case][0] += occurrences
            else:
                rule_uses[case] = [occurrences, token, article + len(article_counts), start, end]
        sentence_lengths += lengths
        article_counts += counts
        spans.append(chunk_spans)
    tokens = CorpusTokens(
        ids=np.concatenate(ids) if ids else np.zeros(0, np.int32),
        vocabulary=list(vocabulary),
        sentence_bounds=np.concatenate([[0], np.cumsum(sentence_lengths, dtype=np.int64)]),
        article_sentences=np.concatenate([[0], np.cumsum(article_counts, dtype=np.int64)]),
        sentence_spans=np.concatenate(spans),
        rule_uses=pd.DataFrame(
            [(rule, words, *use) for (rule, words), use in rule_uses.items()],
            columns=["rule", "words", "occurrences", "token", "article", "start", "end"],
        ).astype({"occurrences": np.int64, "article": np.int64, "start": np.int64, "end": np.int64}),
    )
    del rule_uses
    del ids
    for kept in (tokens.ids, tokens.sentence_bounds, tokens.article_sentences, tokens.sentence_spans):
        kept.flags.writeable = False
    if key is not None:
        _LAST_TOKENS.clear()
        _LAST_TOKENS[key] = tokens
    return_freed_memory()
    return tokens


# --- sentences -----------------------------------------------------------------------------------
# Rules rather than a library: on an invented gold set of 87 news paragraphs in several outlets'
# styles (tests/fixtures/sentences_gold.jsonl, scripts/eval_sentences.py), pysbd 0.3.4 scored
# boundary F1 0.945 at 0.1 MB/s and syntok 1.4.4 0.940 at 0.6 MB/s; these rules 0.990 at ~8 MB/s.
# pysbd cut closing quotes off sentences and split company names; syntok broke up datelines and
# titles ("Gov." | "Ray"). Speed matters: overlap aligns millions of sentences.

_TITLES = frozenset(
    (
        "mr mrs ms dr prof col gen lt sgt capt cpl maj adm cmdr sen rep gov pres rev fr st messrs mme "
        "mlle hon brig insp supt det"
    ).split()
)
_ABBREVIATIONS = frozenset(
    (
        "inc ltd co corp plc llc bros vs etc al approx dept jan feb mar apr jun jul aug sep sept oct "
        "nov dec tue tues thu thur thurs fri vol fig ft mt ave rd blvd v"
    ).split()
)
_SENTENCE_STARTERS = frozenset(
    w.capitalize() for w in _FUNCTION_WORDS | {"but", "and", "yet", "so", "however", "meanwhile"}
)
# From the start of a run of end punctuation only, and possessive: a run of thousands of dots not followed
# by white space is given up once, not retried from each of its characters (quadratic). The pattern
# opens with the punctuation, then looks behind it: opening with the look-behind made the engine try
# it at every character, 2.4 times slower.
_CANDIDATE_END = re.compile(
    r"""[.!?\u2026](?<![.!?\u2026][.!?\u2026])[.!?\u2026]*+['"\u2019\u201d)\]]*+(?=\s+(\S))"""
)
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # "U.S" of "U.S.", not "41.2p"
_LIST_MARKER = re.compile(r"\s*\(?\d{1,3}[.)]")  # at the start of a line
_SPEECH_VERB = re.compile(
    r"\s+(?:[A-Z][\w'.-]*\s+){1,3}(?:said|says|asked|asks|added|adds|told|tells|replied|shouted|screamed|"
    r"wrote|tweeted|insisted|explained|warned|demanded|wondered)\b"
)
_OPENERS = "'\"\u2018\u201c(["


def _is_boundary(line: str, match: re.Match[str]) -> bool:
    """Decide whether the punctuation run at ``match`` ends a sentence."""
    following = match.group(1)
    next_start = match.end(1) - 1
    if following in _OPENERS:
        next_word = line[next_start + 1 : next_start + 20]
    else:
        next_word = line[next_start : next_start + 20]
    next_word = next_word.split(maxsplit=1)[0] if next_word.strip() else ""
    if not next_word or not (next_word[0].isupper() or next_word[0].isdigit()):
        return False
    punct = match.group()
    if punct[0] != ".":
        # "?" and "!" before a capital end a sentence, unless a quote ends there and its speaker
        # follows: "“Where was the warning?” Thompson asked."
        closes_quote = punct[-1] in "'\"\u2019\u201d"
        return not (closes_quote and _SPEECH_VERB.match(line, match.end()))
    if len(punct) > 1 and len(punct.rstrip("'\"\u2019\u201d)]")) > 1:
        return True  # "..." or ".." before a capital
    end = match.start()
    word_start = max(line.rfind(" ", 0, end), line.rfind("(", 0, end), line.rfind('"', 0, end)) + 1
    before = line[word_start:end].lstrip("\"'\u2018\u201c(")
    bare = before.rstrip(".").lower()
    if bare in _TITLES:
        return False
    if len(before) == 1 and before.isupper():
        # An initial, as in "J. K. Rowling", unless a sentence plainly starts.
        return _starts_sentence(next_word)
    if before in ("No", "Nos") and next_word[0].isdigit():
        return False  # "No. 10"
    if before.isdigit():
        marker = _LIST_MARKER.match(line)
        if marker and marker.end() == end + 1:
            return False  # "1. Raise taxes"
    if bare in _ABBREVIATIONS or ("." in before and _DOTTED_ACRONYM.fullmatch(before)):
        return _starts_sentence(next_word)  # "U.S. Secretary" goes on; "in the U.S. The next day" ends
    return True


def _starts_sentence(next_word: str) -> bool:
    """Whether the word after a full stop is one that usually starts a sentence ("The", "But")."""
    return next_word.strip("\"'\u2018\u201c(").rstrip(",;:") in _SENTENCE_STARTERS


def _line_sentences(line: str, offset: int) -> list[tuple[int, int]]:
    if not line:
        return []
    spans = []
    start = 0
    for match in _CANDIDATE_END.finditer(line):
        if _is_boundary(line, match):
            spans.append((start, match.end()))
            start = match.end()
    spans.append((start, len(line)))
    result = []
    for s, e in spans:
        chunk = line[s:e]
        stripped_start = s + len(chunk) - len(chunk.lstrip())
        stripped_end = e - (len(chunk) - len(chunk.rstrip()))
        if stripped_end > stripped_start:
            result.append((offset + stripped_start, offset + stripped_end))
    return result


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, without surrounding white space.

    Every line break ends a sentence, so headlines and subheads without final punctuation stand
    alone. Within a line, a full stop, "?", "!" or an ellipsis (with any closing quotes) ends a
    sentence when a capital, a digit or an opening quote follows, unless the word before is a
    title ("Mr", "Col."), an initial, or an abbreviation or dotted acronym ("U.S.", "Inc.") that
    is not followed by a word that usually starts a sentence.
    """
    norm = normalise(text)
    result: list[tuple[int, int]] = []
    position = 0
    for line in norm.split("\n"):
        result.extend(_line_sentences(line, position))
        position += len(line) + 1
    return result


# --- explaining the policy -----------------------------------------------------------------------

_NUMBER_WITH_SEPARATOR = re.compile(r"\d[\d,]*[.,]\d")


def token_rules(text: str) -> list[tuple[str, Token]]:
    """The tokens of ``text`` on which a rule of the policy acted, each with the rule's name.

    Rules: "alias" (a name or spelling mapped to its canonical token, surnames included),
    "acronym kept apart from a word", "acronym dots dropped", "compound kept whole", "number kept
    whole", "possessive dropped" and "capitals lower-cased". Plain words, merely lower-cased, are left out.
    """
    norm = normalise(text)
    out = []
    for token in token_spans(text):
        possessive = norm[token.end : token.end + 2] in _POSSESSIVE
        rule = _token_rule(norm[token.start : token.end], token.token, possessive)
        if rule is not None:
            out.append((rule, token))
    return out


@lru_cache(maxsize=1 << 16)
def _token_rule(surface: str, token: str, possessive: bool) -> str | None:
    """The rule of :func:`token_rules` that made ``token`` of ``surface`` (followed by a possessive
    "'s" or not), None for a plain word. Cached: a corpus repeats most of its words (the chain of
    tests ran for every token: 6.3 -> 6.0 s for 3,000 articles, the rest is tokenizing)."""
    bare = surface.replace(".", "").lstrip("#")
    if token in load_aliases().canonicals and token not in (bare, bare.lower()):
        return "alias"
    if token == bare and bare.isupper() and len(bare) > 1 and bare.lower() in _FUNCTION_WORDS:
        return "acronym kept apart from a word"
    if "." in surface and _DOTTED.match(surface):
        return "acronym dots dropped"
    if "-" in surface:
        return "compound kept whole"
    if _NUMBER_WITH_SEPARATOR.search(surface):
        return "number kept whole"
    if possessive:
        return "possessive dropped"
    if surface.isupper() and len(surface) > 1 and token == surface.lower():
        return "capitals lower-cased"
    return None
