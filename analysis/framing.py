"""Framing: whom each outlet names, the words it names them with, its loaded language and stance, and the
frames of its sentences.

Rules and lexicons, no model. Actors are the canonical names of the alias table (kinds in
:data:`ACTOR_KINDS`); the other lexicons are data files under ``analysis/data/`` whose first line gives
their source and licence: ``frames.csv`` (frame cues), VADER's ``vader_lexicon.txt`` and ``BOOSTER_DICT``
(Hutto & Gilbert 2014, MIT) with ``loaded_language.csv`` (loaded language), ``speech_verbs.txt`` (read
through :mod:`analysis.quotes`) with ``reporting_verbs.csv`` and ``hedges.txt`` (stance), and
``label_patterns.csv`` (the word classes the label rules use; it holds no label).

Evidence. Every finding is one row with ``article_id, group, part`` (``body``, or ``headline`` from the
corpus ``headline`` column), ``start, end`` (offsets into ``raw_text``) and ``sentence``. A headline's
offsets are where it stands in ``raw_text``, or -1 when the page does not hold it. The ``text_*``
functions do the same for one text, with offsets into that text.

Comparisons. Rates are per 1,000 words (tokens of :mod:`analysis.text`) of a group's bodies and headlines
(:func:`loaded_rates` keeps the two apart), frame shares are of a group's sentences, and every table
carries ``articles`` and ``words``, what it rests on; ``in_headline`` says how much of a count is in
headlines.
"""

from __future__ import annotations

import csv
import importlib.resources
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from itertools import accumulate, chain, compress, count
from operator import itemgetter
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from vaderSentiment.vaderSentiment import B_INCR, BOOSTER_DICT
from wordfreq import zipf_frequency

from analysis.cleaning import text_to_raw
from analysis.corpus import article_stats, group_sizes
from analysis.parallel import content_key, map_frames, remembered
from analysis.quotes import (
    CLAUSE_OPENERS,
    DETERMINERS,
    PREPOSITIONS,
    csv_rows,
    cue_sections,
    data_lines,
    quote_spans,
)
from analysis.text import (
    ALIASES_PATH,
    Token,
    load_aliases,
    normalise,
    sentence_token_spans_and_bounds,
    sentences,
    tokenize,
)

DATA = Path(__file__).parent / "data"
FRAMES_PATH = DATA / "frames.csv"
LOADED_LANGUAGE_PATH = DATA / "loaded_language.csv"
HEDGES_PATH = DATA / "hedges.txt"
REPORTING_VERBS_PATH = DATA / "reporting_verbs.csv"
LABEL_PATTERNS_PATH = DATA / "label_patterns.csv"

ACTOR_KINDS = frozenset({"person", "group", "people", "org", "country", "demonym"})
"""Alias-table kinds that are actors. Places are where things happen, and media are credited as sources
(:func:`analysis.quotes.credits`), so neither is an actor."""
FRAMES = (
    "military",
    "humanitarian",
    "political_diplomatic",
    "terror_security",
    "legal_justice",
    "geopolitics",
)
CATEGORIES = ("pejorative", "emotive", "intensifier")
"""Loaded-language categories, in the order that decides a word listed in two of them."""
PARTS = ("body", "headline")
VERB_KINDS = ("neutral", "claim", "other")
EMOTIVE_THRESHOLD = 2.0
"""A VADER word is emotive when its mean valence is at least this far from 0 (the scale runs from -4 to
4): "brutal", "furious", "evil", "killed", "war" are; "desperate", "bloody", "cowardly" are not."""
MIN_FRAME_CUES = 1
"""Cues a sentence needs to carry a frame. One: news sentences are short and each cue of ``frames.csv``
names its frame on its own ("airstrikes", "refugees"); two would leave most sentences unframed."""
ANAPHORA_WINDOW = 2
"""How many sentences back a subject such as "The zealots" looks for the actor it stands for when its
head word labels no actor directly anywhere in the corpus (see :func:`text_labels`)."""
KNOWN_ANAPHORA_WINDOW = 5
"""How many sentences back "the jihadists" looks for an actor that the corpus elsewhere calls jihadists
directly ("Islamic State jihadists"), or for an earlier phrase resolved to it."""
TITLE_CASE_SHARE = 0.6
TITLE_CASE_WORDS = 5
"""A sentence of at least ``TITLE_CASE_WORDS`` content words (not function words) of which at least
``TITLE_CASE_SHARE`` start with a capital is in title case (a headline): there a capital marks no name
or title. Shorter sentences ("Secretary of State Pompeo") are read as written."""
AGENT_STEM_ZIPF = 4.0
"""A singular noun in -er/-or names a person only when its stem is a common English word (wordfreq
Zipf frequency at least this): fighter (fight 5.2), leader (lead 5.2), but not border, river, number."""
MAX_LABEL_WORDS = 4
"""Longest run of words read as one noun phrase around a name."""

MENTION_COLUMNS = ["actor", "kind", "surface"]
LABEL_COLUMNS = ["actor", "label", "pattern", "quoted"]
LOADED_COLUMNS = ["term", "category", "valence", "quoted"]
VERB_COLUMNS = ["verb", "kind"]
HEDGE_COLUMNS = ["hedge"]
FRAME_COLUMNS = ["frame", "cues", "n_cues"]

_STOP = ENGLISH_STOP_WORDS
_LABEL_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_LEXICON_WORDS = re.compile(r"[a-z][a-z'-]*(?: [a-z][a-z'-]*)*")  # VADER words, not emoticons
_PHRASE_OPENERS = frozenset(',;:("\u2014\u2013')  # punctuation after which a noun phrase may start
# Grammar, not lexicon. Before a verb form, these make it a noun ("the claims", "his report"):
_NOUN_DETERMINERS = frozenset("the a an his her its their our my your this these those".split())
_ANAPHOR_DETERMINERS = frozenset("the these those".split())
# Words after which a word before a name modifies it; not "to" ("to defeat ISIS") nor "that" ("fighters
# that joined ISIS"), after which it is a verb. A word in -ed needs an article or preposition before it.
_MODIFIER_OPENERS = (DETERMINERS | PREPOSITIONS | CLAUSE_OPENERS) - {"to", "that"}
_PARTICIPLE_OPENERS = (DETERMINERS | PREPOSITIONS) - {"to", "that"}
# Words after which a plural-looking word is a verb: it takes an object ("retains a foothold").
_OBJECT_OPENERS = frozenset("a an the this these those his her its their our there to him them".split())
_APPOSITION_DETERMINERS = frozenset("a an the".split())
_RELATIVES = frozenset("who whom whose which that".split())
# Which actors a label can stand for, by the class of its head noun (see _head_class).
_ANTECEDENT_KINDS = {
    "plural": frozenset({"group", "people"}),
    "collective": frozenset({"group", "org"}),
    "agent": frozenset({"person"}),
}
_GROUP_HEADS = frozenset({"plural", "collective"})
_ANY_HEAD = frozenset(_ANTECEDENT_KINDS)


# --- lexicons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Actors:
    """The alias table's actors: the kind of each canonical name and of each spelling."""

    kinds: dict[str, str]  # canonical -> kind of its own spelling (Russia: country)
    spellings: dict[str, str]  # lower-cased alias -> kind of that spelling ("russian": demonym)

    def kind(self, actor: str, surface: str) -> str:
        return self.spellings.get(surface.lower(), self.kinds[actor])


@lru_cache(maxsize=1)
def _actors() -> _Actors:
    with ALIASES_PATH.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"].strip() in ACTOR_KINDS]
    kinds: dict[str, str] = {}
    for row in rows:
        canonical, kind = row["canonical"].strip(), row["kind"].strip()
        if row["alias"].strip() == canonical or canonical not in kinds:
            kinds[canonical] = kind
    spellings = {row["alias"].strip().lower(): row["kind"].strip() for row in rows}
    return _Actors(kinds, spellings)


def _forms(lemma: str) -> frozenset[str]:
    """A lemma and its regular inflections: strike -> strikes, striked, striking; crony -> cronies;
    flee -> flees, fleeing; gun -> gunned. Over-generation ("striked") costs nothing: it never occurs."""
    forms = {lemma}
    if lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "o", "u"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith("ee"):
        forms |= {lemma + "s", lemma + "d", lemma + "ing"}
    elif lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    else:
        forms |= {lemma + ("es" if lemma.endswith(("s", "x", "z", "ch", "sh")) else "s"), lemma + "ed"}
        forms |= {lemma + "ing", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return frozenset(forms)


@dataclass(frozen=True)
class _Cue:
    """A word or phrase to find: per word, the token forms it matches or a prefix (a word ending in "*")."""

    words: tuple[frozenset[str] | str, ...]
    text: str  # as listed
    value: str  # what it signals: a frame, a category, a kind


def _cue(text: str, value: str, inflect: bool) -> _Cue:
    """Parse a listed cue: tokenized like any text, so that an alias-table name ("Russia") matches its
    canonical token (and so "Russian"), and a word ending in "*" is a prefix."""
    prefix = text.endswith("*")
    tokens = tokenize(text.rstrip("*"))
    canonicals = load_aliases().canonicals
    words: list[frozenset[str] | str] = []
    for position, token in enumerate(tokens):
        if prefix and position == len(tokens) - 1:
            words.append(token.lower())
        elif token in canonicals:
            words.append(frozenset({token}))
        else:
            words.append(_forms(token) if inflect else frozenset({token}))
    return _Cue(tuple(words), text, value)


_NUMBER = itemgetter(0)
_WORDS_CACHED = 1 << 16  # distinct words whose cues a lexicon keeps at hand (a few MB)


class _WordCache(dict):
    """``compute(word)`` for each word asked for, computed the first time: a dictionary lookup in C
    where an ``lru_cache`` made a function call per word of every sentence. Emptied when it holds
    :data:`_WORDS_CACHED` words."""

    def __init__(self, compute: Callable[[str], tuple]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> tuple:
        if len(self) >= _WORDS_CACHED:
            self.clear()
        value = self[word] = self.compute(word)
        return value


class _Phrases:
    """Cues indexed by their first word, found in a sequence of canonical tokens."""

    def __init__(self, cues: list[_Cue]) -> None:
        self.exact: dict[str, list[_Cue]] = {}
        self.prefixed: dict[str, list[tuple[int, _Cue]]] = {}  # by their first word's prefix, numbered
        for number, cue in enumerate(cues):
            first = cue.words[0]
            if isinstance(first, str):
                self.prefixed.setdefault(first, []).append((number, cue))
            else:
                for form in first:
                    self.exact.setdefault(form, []).append(cue)
        self.prefix_lengths = sorted({len(prefix) for prefix in self.prefixed})
        # The cues a word starts (empty or None for none), looked up in C for a word seen before.
        self.starting: dict[str, tuple[_Cue, ...]]
        self.cues_of: Callable[[str], tuple[_Cue, ...] | None]
        if self.prefixed:  # most words start no cue, and a word recurs: its prefixes are tried once
            self.starting = _WordCache(self._starting)
            self.cues_of = self.starting.__getitem__
        else:  # a word's cues are those listing it: nothing to work out or keep for other words
            self.starting = {word: tuple(cues) for word, cues in self.exact.items()}
            self.cues_of = self.starting.get

    def _starting(self, word: str) -> tuple[_Cue, ...]:
        """The cues whose first word ``word`` fits: those listing it, then those whose first word is a
        prefix of it, in their listed order."""
        prefixed = (
            pair for n in self.prefix_lengths if n <= len(word) for pair in self.prefixed.get(word[:n], ())
        )
        return (*self.exact.get(word, ()), *(cue for _, cue in sorted(prefixed, key=_NUMBER)))

    def at(self, words: Sequence[str], i: int) -> list[tuple[int, _Cue]]:
        """Every cue that starts at ``words[i]``, with the index just past its last word."""
        found = []
        for cue in self.cues_of(words[i]) or ():
            end = i + len(cue.words)
            if end <= len(words) and all(map(_fits, cue.words[1:], words[i + 1 : end])):
                found.append((end, cue))
        return found

    def matches(self, words: Sequence[str]) -> Iterator[tuple[int, list[tuple[int, _Cue]]]]:
        """``(i, self.at(words, i))`` for every ``i`` where a cue starts, in order."""
        for i in compress(count(), map(self.cues_of, words)):  # read in C
            if found := self.at(words, i):
                yield i, found


def _fits(spec: frozenset[str] | str, word: str) -> bool:
    return word.startswith(spec) if isinstance(spec, str) else word in spec


@lru_cache(maxsize=1)
def _frame_cues() -> _Phrases:
    rows = csv_rows(FRAMES_PATH)
    unknown = {row["frame"] for row in rows} - set(FRAMES)
    if unknown:
        raise ValueError(f"{FRAMES_PATH}: unknown frame(s) {sorted(unknown)}")
    return _Phrases([_cue(row["cue"].strip(), row["frame"], inflect=True) for row in rows])


@lru_cache(maxsize=1)
def _vader_lexicon() -> dict[str, float]:
    """VADER's word -> mean valence, read from the installed package; emoticons are left out."""
    text = (importlib.resources.files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")
    lexicon = {}
    for line in text.splitlines():
        entry, valence, *_ = line.split("\t")
        if _LEXICON_WORDS.fullmatch(entry):
            lexicon[entry] = float(valence)
    return lexicon


@lru_cache(maxsize=1)
def _loaded_cues() -> _Phrases:
    """Pejorative and added emotive terms (inflected), VADER's strong words, and VADER's boosters that
    raise intensity, less those that are English function words ("so", "very", "more", "most")."""
    cues = [
        _cue(row["term"].strip(), row["category"].strip(), True) for row in csv_rows(LOADED_LANGUAGE_PATH)
    ]
    cues += [
        _cue(word, "emotive", False)
        for word, valence in _vader_lexicon().items()
        if abs(valence) >= EMOTIVE_THRESHOLD
    ]
    cues += [
        _cue(word, "intensifier", False)
        for word, boost in BOOSTER_DICT.items()
        if boost == B_INCR and word not in _STOP
    ]
    return _Phrases(cues)


@dataclass(frozen=True)
class _Verbs:
    """Reporting verbs: every form of ``speech_verbs.txt`` (``forms``), the lemma of each counted form
    (verbs ``reporting_verbs.csv`` marks "ignore" are not counted), and each lemma's kind."""

    forms: frozenset[str]
    lemma: dict[str, str]
    kind: dict[str, str]


@lru_cache(maxsize=1)
def _reporting_verbs() -> _Verbs:
    kinds = {row["lemma"].strip(): row["kind"].strip() for row in csv_rows(REPORTING_VERBS_PATH)}
    lines = [line.split() for line in cue_sections()["verbs"]]
    lemma = {form: forms[0] for forms in lines if kinds.get(forms[0]) != "ignore" for form in forms}
    kind = {verb: kinds.get(verb, "other") for verb in set(lemma.values())}
    return _Verbs(frozenset(chain.from_iterable(lines)), lemma, kind)


@lru_cache(maxsize=1)
def _clause_starters() -> frozenset[str]:
    """Words after which a noun phrase starts a clause: clause openers and reporting verbs ("said the
    rebels had")."""
    return CLAUSE_OPENERS | _reporting_verbs().forms


@lru_cache(maxsize=1)
def _hedges() -> _Phrases:
    """The phrases of ``hedges.txt`` and the evidential adverbs of ``speech_verbs.txt``."""
    evidential = [word for line in cue_sections()["evidential"] for word in line.split()]
    phrases = [*evidential, *data_lines(HEDGES_PATH)]
    return _Phrases([_cue(phrase, "hedge", False) for phrase in phrases])


@dataclass(frozen=True)
class _LabelRules:
    """The word classes of ``label_patterns.csv``."""

    collective: frozenset[str]
    agentive: tuple[str, ...]
    inanimate: tuple[str, ...]
    participles: frozenset[str]
    nonlabel: frozenset[str]


@lru_cache(maxsize=1)
def _label_rules() -> _LabelRules:
    values: dict[str, list[str]] = {}
    for row in csv_rows(LABEL_PATTERNS_PATH):
        values.setdefault(row["rule"].strip(), []).append(row["value"].strip())
    return _LabelRules(
        collective=frozenset(values["collective"]),
        agentive=tuple(values["agentive_suffix"]),
        inanimate=tuple(values["inanimate_suffix"]),
        participles=frozenset(values["participle"]),
        nonlabel=frozenset(values["nonlabel"]),
    )


# --- one text ------------------------------------------------------------------------------------


class _Doc:
    """One text (an article's body or its headline), split into sentences and tokens once for every rule."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = normalise(text)
        self.tokens, self.spans = sentence_token_spans_and_bounds(text)  # spans: those of sentences()
        self.lower = [[token.token.lower() for token in tokens] for tokens in self.tokens]  # per sentence
        self.free_case = self._free_case()

    def _free_case(self) -> frozenset[int]:
        """Starts of the tokens whose capital says nothing: a sentence's first word, and every word of a
        sentence in title case or capitals (a headline: at least :data:`TITLE_CASE_WORDS` content words,
        :data:`TITLE_CASE_SHARE` of them capitalised)."""
        text, starts = self.text, set()
        for tokens, lower in zip(self.tokens, self.lower, strict=True):
            firsts = [text[t.start] for t in tokens]
            # Most sentences have too few capitals to be in title case, whatever their content words.
            if sum(map(str.isupper, firsts)) >= TITLE_CASE_SHARE * TITLE_CASE_WORDS:
                words = [
                    c for c, word in zip(firsts, lower, strict=True) if c.isalpha() and word not in _STOP
                ]
                capitals = sum(map(str.isupper, words))
                if len(words) >= TITLE_CASE_WORDS and capitals >= TITLE_CASE_SHARE * len(words):
                    starts.update(t.start for t in tokens)
                    continue
            if tokens:
                starts.add(tokens[0].start)
        return frozenset(starts)

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        return quote_spans(self.text)

    @cached_property
    def _quote_reach(self) -> tuple[list[int], list[int]]:
        """The quotes' starts, and the furthest end of the quotes up to each: a binary search then tells
        whether an offset is quoted, where a scan of a live blog's thousands of quotes per word would
        take minutes."""
        starts = [first for first, _ in self.quotes]
        return starts, list(accumulate((last for _, last in self.quotes), max))

    def quoted(self, start: int) -> bool:
        """Whether offset ``start`` is inside a quotation: the words are a speaker's, not the outlet's."""
        starts, reach = self._quote_reach
        k = bisect_right(starts, start)
        return k > 0 and reach[k - 1] > start

    def adjacent(self, left: Token, right: Token) -> bool:
        """Whether only white space stands between two tokens (no punctuation, no possessive)."""
        return self.norm[left.end : right.start].isspace()

    def surface(self, token: Token) -> str:
        return self.text[token.start : token.end]

    def label_word(self, token: Token) -> bool:
        """Whether a token may name or qualify an actor: a word, in lower case where case tells (so no
        title such as "Secretary" or "Colonel") unless a compound ("US-backed"), and neither a name, a
        function word nor a reporting verb ("said", "believe")."""
        word = token.token
        if not _LABEL_WORD.fullmatch(word) or word in _actors().kinds or word.lower() in _STOP:
            return False
        if word.lower() in _reporting_verbs().forms:
            return False
        return "-" in word or self.cased_word(token)

    def cased_word(self, token: Token) -> bool:
        """Whether a token is written as a common word: in lower case, or where case tells nothing
        (so "State" in "Secretary of State" is not the verb)."""
        return self.text[token.start].islower() or token.start in self.free_case

    @cached_property
    def mentions(self) -> list[_Mention]:
        return list(_find_mentions(self))


@dataclass(frozen=True)
class _Mention:
    actor: str
    kind: str
    surface: str
    start: int
    end: int
    sentence: int


def _find_mentions(doc: _Doc) -> Iterator[_Mention]:
    """Actor names, and the names inside compounds ("US" of "US-backed", "Kurdish" of "Kurdish-led")."""
    actors = _actors()
    for k, tokens in enumerate(doc.tokens):
        for token in tokens:
            if token.token in actors.kinds:
                surface = doc.surface(token)
                kind = actors.kind(token.token, surface)
                yield _Mention(token.token, kind, surface, token.start, token.end, k)
            elif "-" in token.token:
                surface = doc.surface(token)
                if len(token.token.split("-")) == len(surface.split("-")):
                    yield from _compound_mentions(token, surface, k)


def _compound_mentions(token: Token, surface: str, k: int) -> Iterator[_Mention]:
    actors, table = _actors(), load_aliases()
    start = token.start
    for canonical, part in zip(token.token.split("-"), surface.split("-"), strict=True):
        actor = canonical if canonical in actors.kinds else table.word(part).default
        if actor in actors.kinds and part:
            yield _Mention(actor, actors.kind(actor, part), part, start, start + len(part), k)
        start += len(part) + 1


def _mention_hits(doc: _Doc) -> list[dict]:
    keys = ("actor", "kind", "surface", "start", "end", "sentence")
    return [{key: getattr(m, key) for key in keys} for m in doc.mentions]


# --- labels ---------------------------------------------------------------------------------------


def _singular(word: str) -> str:
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=_WORDS_CACHED)
def _head_class(word: str) -> str | None:
    """Whether a noun can stand for a group or a person: ``collective`` (group, militia), ``plural`` (any
    plural that is no abstract, thing or generic noun: zealots, fanatics), ``agent`` (a singular person
    noun by its suffix: extremist, spokesman, fighter), else None."""
    rules = _label_rules()
    if not word.islower() or word in rules.nonlabel or word in _STOP:
        return None
    one = _singular(word)
    if word in rules.collective or one in rules.collective:
        return "collective"
    last = one.rsplit("-", 1)[-1]
    if last.endswith(rules.inanimate):
        return None
    if one != word:
        return "plural"
    for suffix in rules.agentive:
        if last.endswith(suffix) and len(last) > len(suffix) + 2:
            if suffix not in ("er", "or"):
                return "agent"
            stems = (last[: -len(suffix)], last[:-1])  # fight-er, rule-r
            if max(zipf_frequency(stem, "en") for stem in stems) >= AGENT_STEM_ZIPF:
                return "agent"
    return None


def _is_participle(word: str) -> bool:
    """A past participle right after a name makes the name its agent: "ISIS held", "Iranian backed"."""
    return word.islower() and "-" not in word and (word.endswith("ed") or word in _label_rules().participles)


def _run(doc: _Doc, tokens: list[Token], first: int) -> list[int]:
    """Indices of the label words that follow one another from ``tokens[first]`` (at most
    :data:`MAX_LABEL_WORDS`), separated by white space only."""
    run: list[int] = []
    for i in range(first, min(len(tokens), first + MAX_LABEL_WORDS)):
        if not doc.label_word(tokens[i]) or (run and not doc.adjacent(tokens[i - 1], tokens[i])):
            break
        run.append(i)
    return run


def _next_word(doc: _Doc, tokens: list[Token], j: int) -> Token | None:
    """The token right after ``tokens[j]`` with only white space between, or None (end, punctuation)."""
    if j + 1 < len(tokens) and doc.adjacent(tokens[j], tokens[j + 1]):
        return tokens[j + 1]
    return None


def _head(doc: _Doc, tokens: list[Token], run: list[int], classes: frozenset[str]) -> int | None:
    """The word of ``run`` that heads it as a noun naming a group or person (its class in ``classes``).

    A plural may be followed by more words, a verb ("fanatics plot"), unless the next word opens an
    object, which makes the plural a verb itself ("ISIS retains a foothold"). A singular must end the
    phrase ("the terror group", not "the military operation"); a word after a collective noun is its verb
    ("the militia spearheads"), so the phrase has no head.
    """
    for position, j in enumerate(run):
        cls = _head_class(tokens[j].token)
        last = position == len(run) - 1
        if cls == "collective" and not last:
            return None
        if cls not in classes:
            continue
        if cls != "plural" and last:
            return j
        following = _next_word(doc, tokens, j)
        if cls == "plural" and not (following and following.token.lower() in _OBJECT_OPENERS):
            return j
    return None


def _opens_phrase(
    doc: _Doc, tokens: list[Token], i: int, openers: frozenset[str], punctuation: bool = True
) -> bool:
    """Whether a noun phrase may start at ``tokens[i]``: at the start of the sentence, after a word of
    ``openers`` or a number, or (with ``punctuation``) after punctuation that opens a phrase."""
    if i == 0:
        return True
    previous = tokens[i - 1]
    if not doc.adjacent(previous, tokens[i]):
        gap = doc.norm[previous.end : tokens[i].start]
        return punctuation and any(c in _PHRASE_OPENERS for c in gap)
    word = previous.token.lower()
    return word in openers or word[:1].isdigit()


def _modifier_pattern(word: str) -> str:
    """``compound`` for "US-backed", "Kurdish-led" (a compound ending in a participle), else
    ``premodifier``."""
    last = word.rsplit("-", 1)[-1]
    return "compound" if "-" in word and _is_participle(last) else "premodifier"


def _premodifier(doc: _Doc, tokens: list[Token], i: int, kind: str) -> list[int]:
    """The word right before a name that qualifies it: "die-hard ISIS fighters", "the US-backed SDF".

    It must open the noun phrase, so "battled ISIS" is no label; a word in -ed only after an article,
    preposition or number ("the injured ISIS militants", but not "and visited Iraq"); never an -ing verb
    ("praising ISIS"); before a person's name never capitalised (a title: "President Trump").
    """
    j = i - 1
    if j < 0 or not doc.label_word(tokens[j]) or not doc.adjacent(tokens[j], tokens[i]):
        return []
    word = tokens[j].token
    if (word.endswith("ing") and "-" not in word) or word in _label_rules().nonlabel:
        return []
    if kind == "person" and doc.text[tokens[j].start].isupper():
        return []
    if word.endswith("ed") and "-" not in word:
        opens = j == 0 or _opens_phrase(doc, tokens, j, _PARTICIPLE_OPENERS, punctuation=False)
    else:
        opens = _opens_phrase(doc, tokens, j, _MODIFIER_OPENERS)
    return [j] if opens else []


def _after_name(doc: _Doc, tokens: list[Token], i: int, sentence_end: int) -> tuple[int, str]:
    """The index of the first token after the name at ``tokens[i]`` and a bracket that repeats it ("Syrian
    Democratic Forces (SDF)"), and the text in between."""
    end, after = tokens[i].end, i + 1
    repeated = after < len(tokens) and tokens[after].token == tokens[i].token
    if repeated and doc.norm[end : tokens[after].start].strip() == "(":
        close = doc.norm.find(")", tokens[after].end, sentence_end)
        if close >= 0:
            end = close + 1
            after = next((j for j in range(after, len(tokens)) if tokens[j].start > close), len(tokens))
    following = tokens[after].start if after < len(tokens) else sentence_end
    return after, doc.norm[end:following]


def _head_noun(doc: _Doc, tokens: list[Token], after: int, gap: str) -> list[int] | None:
    """The words from a name to the group noun it modifies ("ISIS fanatics", "Islamic State terrorist
    group"), [] when no word follows the name, None when the words that follow are no label: a thing
    ("ISIS territory"), a title before a name ("SDF spokesman Mustafa Bali"), or a participle that makes
    the name an agent ("ISIS held redoubt")."""
    run = _run(doc, tokens, after) if gap.isspace() else []
    if not run:
        return []
    if _is_participle(tokens[run[0]].token):
        return None
    head = _head(doc, tokens, run, _GROUP_HEADS)
    if head is None:
        return None
    following = _next_word(doc, tokens, head)
    if following and following.start not in doc.free_case and doc.text[following.start].isupper():
        return None
    return run[: run.index(head) + 1]


def _closes_phrase(doc: _Doc, tokens: list[Token], head: int) -> bool:
    """Whether an appositive noun phrase may end at ``tokens[head]``: at punctuation or the sentence's
    end, or before a preposition, relative pronoun or participle ("a Canadian ISIS fighter captured by")."""
    following = _next_word(doc, tokens, head)
    if following is None:
        return True
    word = following.token.lower()
    return word in PREPOSITIONS or word in _RELATIVES or _is_participle(word)


def _apposition(doc: _Doc, tokens: list[Token], after: int, gap: str, kind: str) -> list[int]:
    """A noun phrase after a comma that renames the actor: "the SDF, a Kurdish-led alliance,", "Colonel
    Sean Ryan, spokesman for ...". Without an article only a person's role noun counts."""
    if gap.strip() != "," or after >= len(tokens):
        return []
    has_article = tokens[after].token.lower() in _APPOSITION_DETERMINERS
    first = after + 1 if has_article else after
    phrase: list[int] = []
    for j in range(first, min(len(tokens), first + MAX_LABEL_WORDS)):
        fits = tokens[j].token in _actors().kinds or doc.label_word(tokens[j])
        if not fits or (j > first and not doc.adjacent(tokens[j - 1], tokens[j])):
            break
        phrase.append(j)
    for j in phrase:
        cls = _head_class(tokens[j].token)
        if cls and kind in _ANTECEDENT_KINDS[cls] and _closes_phrase(doc, tokens, j):
            if not (has_article or cls == "agent"):
                return []
            words = phrase[: phrase.index(j) + 1]
            return [w for w in words if doc.label_word(tokens[w])]
    return []


def _label(token: Token, actor: str, pattern: str, k: int) -> dict:
    return {
        "actor": actor,
        "label": token.token,
        "pattern": pattern,
        "start": token.start,
        "end": token.end,
        "sentence": k,
    }


def _direct_labels(doc: _Doc) -> Iterator[dict]:
    """Labels in a name's own noun phrase: its premodifier (unless the name only modifies a noun that is
    no label, as in "senior SDF commander", or is a demonym, as in "the Kurdish-led Syrian group"), the
    group noun it modifies, and an apposition."""
    actors, nonlabel = _actors(), _label_rules().nonlabel
    for k, tokens in enumerate(doc.tokens):
        for i, token in enumerate(tokens):
            if token.token not in actors.kinds:
                continue
            actor, kind = token.token, actors.kind(token.token, doc.surface(token))
            after, gap = _after_name(doc, tokens, i, doc.spans[k][1])
            heads = [] if kind == "person" else _head_noun(doc, tokens, after, gap)
            if kind != "demonym" and heads is not None:
                for j in _premodifier(doc, tokens, i, kind):
                    yield _label(tokens[j], actor, _modifier_pattern(tokens[j].token), k)
            for j in heads or ():
                if tokens[j].token not in nonlabel:
                    yield _label(tokens[j], actor, "head noun", k)
            for j in _apposition(doc, tokens, after, gap, kind):
                if tokens[j].token not in nonlabel:
                    yield _label(tokens[j], actor, "apposition", k)


def _anaphor(doc: _Doc, tokens: list[Token], det: int) -> tuple[list[int], int] | None:
    """The words and the head of a definite noun phrase at ``tokens[det]`` ("the die-hard jihadists") that
    can stand for a group or a person, or None. A phrase that runs into a name modifies the name."""
    if det + 1 >= len(tokens) or not doc.adjacent(tokens[det], tokens[det + 1]):
        return None
    run = _run(doc, tokens, det + 1)
    if not run:
        return None
    following = _next_word(doc, tokens, run[-1])
    if following and following.token in _actors().kinds:
        return None
    head = _head(doc, tokens, run, _ANY_HEAD)
    return None if head is None else (run[: run.index(head) + 1], head)


def _antecedent(
    mentions: Sequence[_Mention], k: int, start: int, cls: str, known: frozenset[str]
) -> _Mention | None:
    """The mention a definite noun phrase of head class ``cls`` at ``start`` (sentence ``k``) refers to:
    the last before it of a fitting kind, among the actors its head is known to label (``known``) within
    :data:`KNOWN_ANAPHORA_WINDOW` sentences, or, with ``known`` empty, among all within
    :data:`ANAPHORA_WINDOW`."""
    kinds = _ANTECEDENT_KINDS[cls]
    window = KNOWN_ANAPHORA_WINDOW if known else ANAPHORA_WINDOW
    fitting = [
        m
        for m in mentions
        if m.start < start
        and m.kind in kinds
        and m.sentence >= k - window
        and (not known or m.actor in known)
    ]
    return max(fitting, key=lambda m: m.start) if fitting else None


@dataclass(frozen=True)
class _Anaphor:
    """A definite noun phrase that can stand for an actor ("the jihadists"). Finding it needs only its
    text; which actor it refers to also needs what the whole corpus labels directly (:func:`_resolve`)."""

    sentence: int
    start: int  # of the determiner
    end: int  # of the head
    head: str
    cls: str  # the head's class (see _head_class)
    bare: bool  # whether it may refer without a known label: a collective head, or it heads a clause
    words: tuple[Token, ...]  # its label words


def _anaphors(doc: _Doc) -> list[_Anaphor]:
    """The definite noun phrases of ``doc`` with a group or person noun as head (see :func:`_resolve`)."""
    nonlabel = _label_rules().nonlabel
    found = []
    for k, (tokens, lower) in enumerate(zip(doc.tokens, doc.lower, strict=True)):
        for det, word in enumerate(lower):
            if word not in _ANAPHOR_DETERMINERS:
                continue
            token, phrase = tokens[det], _anaphor(doc, tokens, det)
            if phrase is None:
                continue
            words, head = phrase
            cls = _head_class(tokens[head].token)
            bare = cls == "collective" or _opens_phrase(doc, tokens, det, _clause_starters())
            labels = tuple(tokens[j] for j in words if tokens[j].token not in nonlabel)
            found.append(_Anaphor(k, token.start, tokens[head].end, tokens[head].token, cls, bare, labels))
    return found


def _resolve(
    anaphors: Sequence[_Anaphor], mentions: Sequence[_Mention], known: dict[str, frozenset[str]]
) -> Iterator[tuple[_Anaphor, str]]:
    """The anaphors (of one text, in order) that refer back to an actor, each with the actor: "... ISIS
    ... The jihadists were holed up".

    The phrase's head must be a group or person noun (:func:`_head_class`), and the actor of a kind that
    fits it (a plural: a group or people; a collective: a group or organisation; a singular agent: a
    person). Where the head is known to label some actors directly (``known``, from the whole corpus),
    the phrase refers to the last of them named. Otherwise it refers to the last fitting actor named when
    it heads a clause (a subject: "The zealots torched ...") or its head is a collective noun, a closed
    class ("for the terror cult"); a plural inside a clause ("into the caves") is as often a thing. A
    resolved phrase is itself a mention for the phrases after it, so chains ("the militants ... the
    jihadists") hold.
    """
    resolved: list[_Mention] = []
    for anaphor in anaphors:
        candidates = [*mentions, *resolved]
        labelled = known.get(anaphor.head, frozenset())
        k, start = anaphor.sentence, anaphor.start
        antecedent = _antecedent(candidates, k, start, anaphor.cls, labelled) if labelled else None
        if antecedent is None and anaphor.bare:
            antecedent = _antecedent(candidates, k, start, anaphor.cls, frozenset())
        if antecedent is None:
            continue
        resolved.append(_Mention(antecedent.actor, antecedent.kind, "", start, anaphor.end, k))
        yield anaphor, antecedent.actor


def _anaphor_labels(anaphor: _Anaphor, actor: str) -> list[dict]:
    return [_label(token, actor, "anaphora", anaphor.sentence) for token in anaphor.words]


def _known_labels(labels: Iterable[Sequence[str]]) -> dict[str, frozenset[str]]:
    """Label word -> the actors it labels directly (in a name's own noun phrase), from ``(actor, label)``
    pairs of direct labels."""
    known: dict[str, set[str]] = {}
    for actor, label in labels:
        known.setdefault(label, set()).add(actor)
    return {word: frozenset(actors) for word, actors in known.items()}


def _label_hits(doc: _Doc, known: dict[str, frozenset[str]]) -> list[dict]:
    resolved = _resolve(_anaphors(doc), doc.mentions, known)
    anaphora = (hit for anaphor, actor in resolved for hit in _anaphor_labels(anaphor, actor))
    hits = sorted(chain(_direct_labels(doc), anaphora), key=lambda h: (h["start"], h["actor"]))
    return [{**hit, "quoted": doc.quoted(hit["start"])} for hit in hits]


# --- loaded language, reporting verbs, hedges, frames --------------------------------------------


def _words(tokens: list[Token]) -> list[str]:
    return [token.token for token in tokens]


def _loaded_hits(doc: _Doc) -> list[dict]:
    """Loaded terms, one per word: where a word is listed in several categories, the first of
    :data:`CATEGORIES` wins; a longer phrase wins over a word it starts with."""
    cues, valences, hits = _loaded_cues(), _vader_lexicon(), []
    rank = {category: n for n, category in enumerate(CATEGORIES)}
    for k, (tokens, words) in enumerate(zip(doc.tokens, doc.lower, strict=True)):
        free = 0  # the first word that no term found so far covers
        for i, found in cues.matches(words):
            if i < free:
                continue
            end, cue = min(found, key=lambda f: (rank[f[1].value], -f[0]))
            term = " ".join(words[i:end])
            hits.append(
                {
                    "term": term,
                    "category": cue.value,
                    "valence": valences.get(term, math.nan),
                    "quoted": doc.quoted(tokens[i].start),
                    "start": tokens[i].start,
                    "end": tokens[end - 1].end,
                    "sentence": k,
                }
            )
            free = end
    return hits


def _is_noun_use(doc: _Doc, tokens: list[Token], i: int) -> bool:
    """Whether a verb form is used as a noun: after an article or possessive ("the claims", "Salem's
    claim")."""
    if i == 0:
        return False
    previous = tokens[i - 1]
    return previous.token.lower() in _NOUN_DETERMINERS or doc.norm[previous.end : previous.end + 2] == "'s"


def _verb_hits(doc: _Doc) -> list[dict]:
    verbs = _reporting_verbs()
    return [
        {
            "verb": verbs.lemma[token.token],
            "kind": verbs.kind[verbs.lemma[token.token]],
            "start": token.start,
            "end": token.end,
            "sentence": k,
        }
        for k, tokens in enumerate(doc.tokens)
        for i, token in enumerate(tokens)
        if token.token in verbs.lemma and doc.cased_word(token) and not _is_noun_use(doc, tokens, i)
    ]


def _hedge_hits(doc: _Doc) -> list[dict]:
    hedges, hits = _hedges(), []
    for k, (tokens, words) in enumerate(zip(doc.tokens, doc.lower, strict=True)):
        for i, [(end, cue), *_] in hedges.matches(words):
            hits.append(
                {"hedge": cue.text, "start": tokens[i].start, "end": tokens[end - 1].end, "sentence": k}
            )
    return hits


def _sentence_cues(words: list[str]) -> Iterator[tuple[int, int, _Cue]]:
    """Frame cues in a sentence's tokens, and in the parts of its compounds ("battle-hardened")."""
    cues, names = _frame_cues(), _actors().kinds
    starting = dict(cues.matches(words))
    compounds = {i for i, word in enumerate(words) if "-" in word and word not in names}
    for i in sorted(starting.keys() | compounds):
        for end, cue in starting.get(i, ()):
            yield i, end, cue
        if i in compounds:
            parts = words[i].split("-")
            for p in range(len(parts)):
                for _, cue in cues.at(parts, p):
                    if len(cue.words) == 1:
                        yield i, i + 1, cue


def _frame_hits(doc: _Doc, min_cues: int) -> list[dict]:
    hits = []
    for k, tokens in enumerate(doc.tokens):
        found: dict[str, list[str]] = {}
        for i, end, cue in _sentence_cues(_words(tokens)):
            found.setdefault(cue.value, []).append(doc.text[tokens[i].start : tokens[end - 1].end].lower())
        start, end = doc.spans[k]
        for frame in FRAMES:
            cues = found.get(frame, [])
            if len(cues) >= min_cues:
                unique = ", ".join(dict.fromkeys(cues))
                hits.append(
                    {
                        "frame": frame,
                        "cues": unique,
                        "n_cues": len(cues),
                        "start": start,
                        "end": end,
                        "sentence": k,
                    }
                )
    return hits


# --- evidence ------------------------------------------------------------------------------------


def _text_table(text: str, finder: Callable[[_Doc], list[dict]], columns: list[str]) -> pd.DataFrame:
    """Hits of ``finder`` in one text, with offsets into it and the span of their sentence."""
    doc = _Doc(text)
    rows = []
    for hit in finder(doc):
        sentence_start, sentence_end = doc.spans[hit.pop("sentence")]
        rows.append({**hit, "sentence_start": sentence_start, "sentence_end": sentence_end})
    return pd.DataFrame(rows, columns=[*columns, "start", "end", "sentence_start", "sentence_end"])


@dataclass(frozen=True)
class _Part:
    """An article's body or headline, and the way back from its offsets to ``raw_text``."""

    article_id: str
    group: str
    part: str
    doc: _Doc
    offset_map: tuple | None  # the body's map from clean text to raw text
    raw_start: int  # where the headline stands in raw_text, -1 when it is not there

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        if self.offset_map is not None:
            return text_to_raw(self.offset_map, start, end)
        if self.raw_start < 0:
            return -1, -1
        return self.raw_start + start, self.raw_start + end


def _headline(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _article_parts(row: tuple) -> list[_Part]:
    """An article's body and (non-empty) headline; ``row`` is one of ``corpus.itertuples()``."""
    parts = [_Part(row.article_id, row.group, "body", _Doc(row.text), row.offset_map, 0)]
    headline = _headline(row.headline)
    if headline:
        raw_start = normalise(row.raw_text).find(normalise(headline))
        parts.append(_Part(row.article_id, row.group, "headline", _Doc(headline), None, raw_start))
    return parts


_Row = tuple  # an evidence row: article_id, group, part, the table's own columns, start, end, sentence
_ACTOR = 3  # where a label's row holds its actor
_Finder = Callable[[_Doc], list[dict]]


def _rows(part: _Part, hits: list[dict], columns: list[str]) -> list[_Row]:
    """Hits in one part as evidence rows: raw offsets and the sentence's text."""
    rows = []
    for hit in hits:
        first, last = part.doc.spans[hit["sentence"]]
        start, end = part.to_raw(hit["start"], hit["end"])
        own = (hit[column] for column in columns)
        rows.append((part.article_id, part.group, part.part, *own, start, end, part.doc.text[first:last]))
    return rows


@dataclass(frozen=True)
class _PartLabels:
    """A part's labels as evidence rows, each with its offset in the part (which orders them), before
    its anaphors are resolved: that needs the direct labels of the whole corpus."""

    direct: list[tuple[int, _Row]]
    anaphors: dict[_Anaphor, list[tuple[int, _Row]]]  # the rows of each one's words, actor left blank
    mentions: list[_Mention]  # the antecedents, when there are anaphors

    def rows(self, known: dict[str, frozenset[str]]) -> list[_Row]:
        """The rows of :func:`_label_hits` with ``known`` labels, in its order."""
        resolved = [
            (start, (*row[:_ACTOR], actor, *row[_ACTOR + 1 :]))
            for anaphor, actor in _resolve(list(self.anaphors), self.mentions, known)
            for start, row in self.anaphors[anaphor]
        ]
        ordered = sorted(chain(self.direct, resolved), key=lambda pair: (pair[0], pair[1][_ACTOR]))
        return [row for _, row in ordered]


def _part_labels(part: _Part) -> _PartLabels:
    """What a chunk knows of a part's labels: all but the actors of its anaphors."""
    doc = part.doc

    def rows(hits: Iterable[dict]) -> list[tuple[int, _Row]]:
        hits = [{**hit, "quoted": doc.quoted(hit["start"])} for hit in hits]
        return list(zip([hit["start"] for hit in hits], _rows(part, hits, LABEL_COLUMNS), strict=True))

    anaphors = {anaphor: rows(_anaphor_labels(anaphor, "")) for anaphor in _anaphors(doc)}
    return _PartLabels(rows(_direct_labels(doc)), anaphors, doc.mentions if anaphors else [])


def _article_evidence(
    rows: pd.DataFrame, finders: dict[str, tuple[_Finder, list[str]]], labels: bool
) -> pd.DataFrame:
    """One row per article of ``rows``: for each table of ``finders`` its evidence rows (body, then
    headline) and, with ``labels``, each part's :class:`_PartLabels`. Each article is parsed once for
    all tables; a slice of the corpus at a time, here or on the cluster (see :func:`_tables`)."""
    found: dict[str, list[list]] = {name: [] for name in finders}
    if labels:
        found["labels"] = []
    for row in rows.itertuples(index=False):
        parts = _article_parts(row)
        for name, (finder, columns) in finders.items():
            found[name].append([hit for part in parts for hit in _rows(part, finder(part.doc), columns)])
        if labels:
            found["labels"].append([_part_labels(part) for part in parts])
    return pd.DataFrame(found, columns=list(found))


def _table(rows: Iterable[_Row], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        list(rows), columns=["article_id", "group", "part", *columns, "start", "end", "sentence"]
    )


def _tables(
    corpus: pd.DataFrame, finders: dict[str, tuple[_Finder, list[str]]], labels: bool
) -> dict[str, pd.DataFrame]:
    """The evidence tables of ``finders`` for the whole corpus, and with ``labels`` the ``labels`` table.
    Labels take two steps: the chunks find the direct labels and the anaphors, then the anaphors are
    resolved here, with what the whole corpus labels directly."""
    work = partial(_article_evidence, finders=finders, labels=labels)
    found = map_frames(work, corpus[_READ], label="framing")
    tables = {
        name: _table(chain.from_iterable(found[name]), columns) for name, (_, columns) in finders.items()
    }
    if labels:
        parts = list(chain.from_iterable(found["labels"]))
        known = _known_labels(row[_ACTOR : _ACTOR + 2] for part in parts for _, row in part.direct)
        tables["labels"] = _table((row for part in parts for row in part.rows(known)), LABEL_COLUMNS)
    return tables


_FINDERS: dict[str, tuple[_Finder, list[str]]] = {
    "mentions": (_mention_hits, MENTION_COLUMNS),
    "loaded": (_loaded_hits, LOADED_COLUMNS),
    "verbs": (_verb_hits, VERB_COLUMNS),
    "hedges": (_hedge_hits, HEDGE_COLUMNS),
    "frames": (partial(_frame_hits, min_cues=MIN_FRAME_CUES), FRAME_COLUMNS),
}
_LAST: dict[bytes, dict[str, pd.DataFrame]] = {}
"""The tables of the last corpus asked about (one at most), by :func:`_content_key`: notebook 05 asks for
them one after another, and one reading of the corpus gives all six."""


_READ = ["article_id", "group", "text", "headline", "raw_text", "offset_map"]  # all the tables depend on


def _content_key(corpus: pd.DataFrame) -> bytes:
    """A hash of what the tables depend on, article by article."""
    return content_key(corpus[_READ])


def _evidence(corpus: pd.DataFrame, table: str) -> pd.DataFrame:
    """One of the evidence tables of ``corpus`` (see :data:`_LAST`), a copy the caller may change."""
    tables = remembered(_LAST, _content_key(corpus), lambda: _tables(corpus, _FINDERS, labels=True))
    return tables[table].copy()


# --- comparisons ---------------------------------------------------------------------------------


_LAST_SIZES: dict[bytes, pd.DataFrame] = {}
_SIZED = ["group", "text", "headline"]  # what the sizes depend on


def _sizes(corpus: pd.DataFrame) -> pd.DataFrame:
    """Per group: ``articles`` and body ``words`` (:func:`group_sizes`), ``headline_words``,
    ``headlines`` (articles with one), and the ``sentences`` of bodies and headlines. Kept for the
    last corpus: every comparison needs them, and splitting 100,000 headlines took seconds."""
    key = content_key(corpus[_SIZED])
    return remembered(_LAST_SIZES, key, lambda: _counted_sizes(corpus)).copy()


def _counted_sizes(corpus: pd.DataFrame) -> pd.DataFrame:
    headlines = corpus["headline"].map(_headline)
    bodies = article_stats(corpus)  # from the corpus tokens: the bodies are not split again
    extra = pd.DataFrame(
        {
            "group": corpus["group"],
            "headline_words": headlines.map(lambda h: len(tokenize(h))),
            "headlines": headlines.astype(bool).astype(int),
            "sentences": bodies["sentences"].to_numpy()
            + headlines.map(lambda h: len(sentences(h))).to_numpy(),
        }
    ).groupby("group")
    sizes = group_sizes(corpus).join(extra.sum())
    sizes["all_words"] = sizes["words"] + sizes["headline_words"]
    return sizes


def _counts(hits: pd.DataFrame, groups: Sequence[str], keys: dict[str, Sequence[str]]) -> pd.DataFrame:
    """Hits per group and every combination of ``keys`` values (zeros included): ``count`` and
    ``in_headline``."""
    names = ["group", *keys]
    grid = pd.MultiIndex.from_product([list(groups), *keys.values()], names=names)
    counted = hits.groupby(names).size().reindex(grid, fill_value=0)
    headline = hits[hits["part"] == "headline"].groupby(names).size().reindex(grid, fill_value=0)
    return pd.DataFrame({"count": counted, "in_headline": headline}).reset_index()


def _per_1000(count: pd.Series, words: pd.Series) -> pd.Series:
    """Rate per 1,000 words; NaN where there are no words (a group without headlines)."""
    return count / words.where(words > 0) * 1000


def _examples(hits: pd.DataFrame, keys: list[str], column: str, n: int = 5) -> pd.Series:
    """The ``n`` most frequent values of ``column`` per group and ``keys``: "fanatics (2), thugs (1)"."""
    return hits.groupby(["group", *keys])[column].agg(
        lambda values: ", ".join(f"{v} ({c})" for v, c in Counter(values).most_common(n))
    )


def _with_examples(table: pd.DataFrame, hits: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    examples = _examples(hits, keys, column)
    index = pd.MultiIndex.from_frame(table[["group", *keys]])
    table["examples"] = examples.reindex(index).fillna("").to_numpy()
    return table


# --- public: who is mentioned --------------------------------------------------------------------


def text_mentions(text: str) -> pd.DataFrame:
    """Actors named in ``text``: ``actor`` (canonical), ``kind`` (of the spelling used: "Russian" is a
    demonym of Russia), ``surface``, ``start, end`` (into ``text``), ``sentence_start, sentence_end``.
    Names inside compounds count ("US" in "US-backed")."""
    return _text_table(text, _mention_hits, MENTION_COLUMNS)


def mentions(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every actor mention in bodies and headlines: ``article_id, group, part, actor, kind, surface,
    start, end`` (into ``raw_text``) and ``sentence``."""
    return _evidence(corpus, "mentions")


def mention_rates(found: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per group and actor (every actor mentioned anywhere, zeros included, most mentioned first):
    ``kind``, ``count``, ``in_headline``, ``in_articles`` (articles naming it), ``per_1000_words``,
    ``articles``, ``words`` (bodies and headlines)."""
    sizes = _sizes(corpus)
    order = found["actor"].value_counts().index.tolist()
    table = _counts(found, sizes.index, {"actor": order})
    naming = found.groupby(["group", "actor"])["article_id"].nunique()
    table["in_articles"] = naming.reindex(
        pd.MultiIndex.from_frame(table[["group", "actor"]]), fill_value=0
    ).to_numpy()
    table["kind"] = table["actor"].map(_actors().kinds)
    table["articles"] = table["group"].map(sizes["articles"])
    table["words"] = table["group"].map(sizes["all_words"])
    table["per_1000_words"] = _per_1000(table["count"], table["words"])
    columns = [
        "group",
        "actor",
        "kind",
        "count",
        "in_headline",
        "in_articles",
        "per_1000_words",
        "articles",
        "words",
    ]
    return table[columns]


# --- public: labels ------------------------------------------------------------------------------


def text_labels(text: str, known: dict[str, frozenset[str]] | None = None) -> pd.DataFrame:
    """Words that name or qualify an actor in ``text``, by general patterns:

    - ``compound``/``premodifier``: words before the name ("the US-backed SDF", "die-hard ISIS");
    - ``head noun``: the group noun the name modifies ("ISIS fanatics", "Islamic State terrorist group");
    - ``apposition``: "the SDF, a Kurdish-led alliance," (label words "kurdish-led", "alliance");
    - ``anaphora``: a definite phrase referring back to an actor ("... ISIS ... The zealots fled").

    ``known`` maps label words to the actors they label directly elsewhere (the corpus), which lets
    anaphora find the right antecedent; by default the text's own direct labels. Columns: ``actor,
    label, pattern, quoted`` (inside a quotation), ``start, end`` (the label word), sentence span.
    """
    doc = _Doc(text)
    labels = (
        known if known is not None else _known_labels((h["actor"], h["label"]) for h in _direct_labels(doc))
    )
    return _text_table(text, lambda d: _label_hits(d, labels), LABEL_COLUMNS)


def actor_labels(corpus: pd.DataFrame) -> pd.DataFrame:
    """Labels (see :func:`text_labels`) in bodies and headlines, anaphora resolved with what the whole
    corpus labels directly: ``article_id, group, part, actor, label, pattern, quoted, start, end`` (the
    label word in ``raw_text``) and ``sentence``."""
    return _evidence(corpus, "labels")


def label_table(labels: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per actor, label and group (labels used only): ``count``, ``quoted``, ``in_headline``,
    ``patterns``, ``actor_total`` (all labels of the actor in the group), ``share`` of it, and the
    group's ``articles`` and ``words`` (bodies and headlines). Most labelled actors first."""
    sizes = _sizes(corpus)
    keys = ["actor", "label", "group"]
    table = labels.groupby(keys).agg(
        count=("label", "size"),
        quoted=("quoted", "sum"),
        in_headline=("part", lambda parts: int((parts == "headline").sum())),
        patterns=("pattern", lambda patterns: ", ".join(sorted(set(patterns)))),
    )
    table = table.reset_index()
    table["actor_total"] = table.groupby(["actor", "group"])["count"].transform("sum")
    table["share"] = table["count"] / table["actor_total"]
    table["articles"] = table["group"].map(sizes["articles"])
    table["words"] = table["group"].map(sizes["all_words"])
    rank = labels["actor"].value_counts()
    table["_rank"] = table["actor"].map(rank)
    table = table.sort_values(["_rank", "actor", "count", "label"], ascending=[False, True, False, True])
    return table.drop(columns="_rank").reset_index(drop=True)


# --- public: loaded language and stance ----------------------------------------------------------


def text_loaded_language(text: str) -> pd.DataFrame:
    """Loaded terms in ``text``: ``term``, ``category`` (pejorative, emotive, intensifier), ``valence``
    (VADER's mean, NaN when VADER lacks the term), ``quoted``, ``start, end``, sentence span."""
    return _text_table(text, _loaded_hits, LOADED_COLUMNS)


def loaded_language(corpus: pd.DataFrame) -> pd.DataFrame:
    """Loaded terms of bodies and headlines, one row per hit: ``article_id, group, part, term, category,
    valence, quoted, start, end, sentence``.

    Emotive: a VADER lexicon word with ``|valence| >=`` :data:`EMOTIVE_THRESHOLD`, or an emotive term of
    ``loaded_language.csv``; intensifier: a VADER booster that raises intensity ("completely"), function
    words left out; pejorative: a term of ``loaded_language.csv``.
    """
    return _evidence(corpus, "loaded")


def loaded_rates(hits: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per group, part and category: ``count``, ``quoted``, ``per_1000_words`` of that part (NaN for a
    group without headlines), ``articles`` (with that part), ``words`` (of that part), ``examples``."""
    sizes = _sizes(corpus)
    table = _counts(hits, sizes.index, {"part": PARTS, "category": CATEGORIES}).drop(columns="in_headline")
    quoted = hits[hits["quoted"].astype(bool)].groupby(["group", "part", "category"]).size()
    table["quoted"] = quoted.reindex(
        pd.MultiIndex.from_frame(table[["group", "part", "category"]]), fill_value=0
    ).to_numpy()
    body = table["part"] == "body"
    table["articles"] = (
        table["group"].map(sizes["articles"]).where(body, table["group"].map(sizes["headlines"]))
    )
    table["words"] = (
        table["group"].map(sizes["words"]).where(body, table["group"].map(sizes["headline_words"]))
    )
    table["per_1000_words"] = _per_1000(table["count"], table["words"])
    return _with_examples(table, hits, ["part", "category"], "term")


def text_reporting_verbs(text: str) -> pd.DataFrame:
    """Reporting verbs of ``speech_verbs.txt`` in ``text``: ``verb`` (lemma), ``kind`` (neutral, claim,
    other; see ``reporting_verbs.csv``), ``start, end``, sentence span. A form used as a noun ("the
    claims") is not a verb."""
    return _text_table(text, _verb_hits, VERB_COLUMNS)


def reporting_verbs(corpus: pd.DataFrame) -> pd.DataFrame:
    """Reporting verbs of bodies and headlines: ``article_id, group, part, verb, kind, start, end,
    sentence``."""
    return _evidence(corpus, "verbs")


def text_hedges(text: str) -> pd.DataFrame:
    """Hedges in ``text`` ("reportedly", "believed to be", "according to"): ``hedge`` (as listed),
    ``start, end``, sentence span."""
    return _text_table(text, _hedge_hits, HEDGE_COLUMNS)


def hedges(corpus: pd.DataFrame) -> pd.DataFrame:
    """Hedges of bodies and headlines: ``article_id, group, part, hedge, start, end, sentence``."""
    return _evidence(corpus, "hedges")


def stance_rates(verbs: pd.DataFrame, hedged: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per group and kind (the reporting-verb kinds, then ``hedge``): ``count``, ``in_headline``,
    ``per_1000_words``, ``share_of_verbs`` (of the group's reporting verbs; NaN for hedges), ``articles``,
    ``words`` (bodies and headlines), ``examples``."""
    sizes = _sizes(corpus)
    hits = pd.concat(
        [
            verbs.assign(term=verbs["verb"])[["group", "part", "kind", "term"]],
            hedged.assign(kind="hedge", term=hedged["hedge"])[["group", "part", "kind", "term"]],
        ],
        ignore_index=True,
    )
    table = _counts(hits, sizes.index, {"kind": [*VERB_KINDS, "hedge"]})
    is_verb = table["kind"] != "hedge"
    verb_total = table[is_verb].groupby("group")["count"].sum()
    table["share_of_verbs"] = (table["count"] / table["group"].map(verb_total).where(lambda t: t > 0)).where(
        is_verb
    )
    table["articles"] = table["group"].map(sizes["articles"])
    table["words"] = table["group"].map(sizes["all_words"])
    table["per_1000_words"] = _per_1000(table["count"], table["words"])
    table = _with_examples(table, hits, ["kind"], "term")
    columns = [
        "group",
        "kind",
        "count",
        "in_headline",
        "per_1000_words",
        "share_of_verbs",
        "articles",
        "words",
    ]
    return table[[*columns, "examples"]]


# --- public: frames ------------------------------------------------------------------------------


def text_frames(text: str, min_cues: int = MIN_FRAME_CUES) -> pd.DataFrame:
    """One row per sentence of ``text`` and frame it carries (at least ``min_cues`` cues of
    ``frames.csv``): ``frame``, ``cues`` (the words found, comma-joined), ``n_cues``, ``start, end`` (the
    sentence), sentence span."""
    return _text_table(text, lambda doc: _frame_hits(doc, min_cues), FRAME_COLUMNS)


TEXT_EXTRACTORS = (
    text_mentions,
    text_labels,
    text_loaded_language,
    text_reporting_verbs,
    text_hedges,
    text_frames,
)
"""The per-text extractors: each takes one text and returns rows with offsets into it."""


def sentence_frames(corpus: pd.DataFrame, min_cues: int = MIN_FRAME_CUES) -> pd.DataFrame:
    """:func:`text_frames` of bodies and headlines: ``article_id, group, part, frame, cues, n_cues, start,
    end`` (the sentence in ``raw_text``) and ``sentence``. A sentence may carry several frames."""
    if min_cues == MIN_FRAME_CUES:
        return _evidence(corpus, "frames")
    finders = {"frames": (partial(_frame_hits, min_cues=min_cues), FRAME_COLUMNS)}
    return _tables(corpus, finders, labels=False)["frames"]


CORPUS_TABLES = (mentions, actor_labels, loaded_language, reporting_verbs, hedges, sentence_frames)
"""The corpus evidence tables, computed together in one reading of the corpus (see :func:`_evidence`)."""


def frame_profile(frames: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per group and frame: ``sentences`` carrying it, ``in_headline``, ``share`` of the group's
    sentences (bodies and headlines, ``group_sentences``), ``articles``, ``words``."""
    sizes = _sizes(corpus)
    table = _counts(frames, sizes.index, {"frame": FRAMES}).rename(columns={"count": "sentences"})
    table["group_sentences"] = table["group"].map(sizes["sentences"])
    table["share"] = table["sentences"] / table["group_sentences"].where(table["group_sentences"] > 0)
    table["articles"] = table["group"].map(sizes["articles"])
    table["words"] = table["group"].map(sizes["all_words"])
    columns = ["group", "frame", "sentences", "in_headline", "share", "group_sentences", "articles", "words"]
    return table[columns]


def _top_per(table: pd.DataFrame, by: str, value: str) -> pd.DataFrame:
    """The row with the highest positive ``value`` for each ``by``; ties go to the first group."""
    positive = table[table[value] > 0].sort_values([by, value, "group"], ascending=[True, False, True])
    return positive.drop_duplicates(by)


def _alone(table: pd.DataFrame, keys: list[str], min_count: int = 2) -> pd.DataFrame:
    """Rows of ``table`` whose ``keys`` no other group uses, used at least ``min_count`` times
    (a word used once is too little to set an outlet apart)."""
    used = table[table["count"] > 0]
    alone = used[used.groupby(keys)["group"].transform("nunique") == 1]
    return alone[alone["count"] >= min_count]


def outlet_differences(
    shares: pd.DataFrame,
    rates: pd.DataFrame,
    labels: pd.DataFrame,
    loaded: pd.DataFrame,
    stance: pd.DataFrame,
    profile: pd.DataFrame,
) -> pd.DataFrame:
    """How the groups differ, as claims read off the tables of this module and of
    :func:`analysis.quotes.voice_shares`, so that each can be checked against its table: the side
    given the most quoted words, actors and labels only one group uses (twice or more), and the
    group highest in each kind of loaded language, stance word and frame. Columns: ``aspect, group, finding,
    value, articles, words``, where ``value`` is the share, count or rate behind the claim.
    """
    voices = _top_per(shares, "group", "share_words")
    named = _alone(rates, ["actor"])
    # A label in its own words, singular and plural as one ("terrorist", "terrorists").
    own = labels.assign(count=labels["count"] - labels["quoted"], label=labels["label"].map(_singular))
    own = own.groupby(["actor", "label", "group"], as_index=False).agg(
        count=("count", "sum"), articles=("articles", "first"), words=("words", "first")
    )
    called = _alone(own, ["actor", "label"])
    bodies = _top_per(loaded[loaded["part"] == "body"], "category", "per_1000_words")
    vouching = _top_per(stance[stance["kind"].isin(["claim", "hedge"])], "kind", "per_1000_words")
    framed = _top_per(profile, "frame", "share")
    parts = [
        (
            "voices",
            voices,
            lambda r: f"gives the largest share of its quoted words to {r.affiliation}",
            "share_words",
        ),
        ("mentions", named, lambda r: f"is the only outlet to name {r.actor}", "count"),
        ("labels", called, lambda r: f"alone calls {r.actor} '{r.label}' in its own words", "count"),
        (
            "loaded language",
            bodies,
            lambda r: f"uses the most {r.category} words per 1,000 (bodies)",
            "per_1000_words",
        ),
        ("stance", vouching, lambda r: f"uses the most {r.kind} words per 1,000", "per_1000_words"),
        (
            "frames",
            framed,
            lambda r: f"gives the largest share of its sentences to the {r.frame} frame",
            "share",
        ),
    ]
    rows = [
        {
            "aspect": aspect,
            "group": row.group,
            "finding": say(row),
            "value": round(float(getattr(row, value)), 3),
            "articles": row.articles,
            "words": row.words,
        }
        for aspect, table, say, value in parts
        for row in table.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=["aspect", "group", "finding", "value", "articles", "words"])
