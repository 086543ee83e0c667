"""Deterministic synthetic news corpora for benchmarks and scale tests.

The five seed articles are far too small to show how the pipeline behaves on a real archive,
and real archives cannot be shipped with the repository. This module fakes one: English-like
articles whose word frequencies, sentence shapes, punctuation, figures and quotations stress
the same code paths as real news, generated from a seed so every run measures the same text.

Word ranks follow a Zipf-Mandelbrot law, ``p(r) ∝ (r + 2.7) ** -1.1``: the tail has the
exponent of about 1.1 seen in news text, and the offset keeps "the" near its real share of
about 4 % instead of the 14 % a pure power law would give, so stop words make up about
45 % of tokens, as in real news. This module depends on nothing else in ``analysis``.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 2.7

# Real function words, most frequent first, so they take the head of the distribution.
FUNCTION_WORDS: tuple[str, ...] = (
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "for",
    "on",
    "it",
    "with",
    "as",
    "he",
    "by",
    "at",
    "his",
    "be",
    "from",
    "have",
    "has",
    "are",
    "not",
    "but",
    "this",
    "had",
    "they",
    "were",
    "which",
    "an",
    "their",
    "or",
    "been",
    "we",
    "will",
    "would",
    "its",
    "who",
    "there",
    "she",
    "her",
    "all",
    "one",
    "after",
    "more",
    "also",
    "about",
    "than",
    "when",
    "can",
    "up",
    "out",
    "into",
    "if",
    "them",
    "so",
    "what",
    "some",
    "no",
    "could",
    "other",
    "over",
    "only",
    "two",
    "our",
    "before",
    "while",
    "where",
    "these",
    "those",
    "most",
    "under",
    "because",
    "against",
    "between",
    "during",
    "through",
    "any",
    "should",
)

OUTLETS: tuple[str, ...] = (
    "The Morning Ledger",
    "Daily Courier",
    "The Evening Standardbearer",
    "Northern Herald",
    "The Capital Post",
    "Global Wire",
    "The Weekly Observer",
    "Metro Tribune",
    "The Sentinel",
    "Coastal Gazette",
    "The National Chronicle",
    "Frontline News",
    "The Daily Record",
    "World Dispatch",
    "The Independent Voice",
    "City Press",
    "The Register",
    "Union Times",
    "The Monitor",
    "Valley Bulletin",
)

_ONSETS = (
    "",
    "b",
    "br",
    "c",
    "ch",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "pr",
    "r",
    "s",
    "sh",
    "sl",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "z",
)
_NUCLEI = ("a", "e", "i", "o", "u", "ai", "ea", "ee", "ou", "oo", "ia")
_CODAS = ("", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "rt")
_SYLLABLE_COUNT_P = (0.15, 0.45, 0.30, 0.10)  # words of 1-4 syllables

_VOCABULARY_SEED = 20_190_311  # fixed, so every corpus seed shares one language
_CHUNK_ARTICLES = 4_000  # bounds the temporary per-token arrays to a few hundred MB
_SENTENCE_WORDS = (8, 35)
_COMMA_P = 0.05
_NUMBER_P = 0.01
_QUOTE_P = 0.08
_N_SPEAKERS = 400
_SPACE, _COMMA, _END, _CLOSE, _QUOTED_CLOSE = 0, 1, 2, 3, 6  # codes into _Sampler.separators
_EPOCH = np.datetime64("2019-03-11T00:00:00", "s")
_SPAN_SECONDS = 14 * 24 * 3600  # outlets cover one event over two weeks


@lru_cache(maxsize=4)
def vocabulary(size: int = 50_000) -> tuple[str, ...]:
    """Return the word list in rank order: ``FUNCTION_WORDS`` then ``size`` pseudo-words.

    Pseudo-words are built from onset-vowel-coda syllables so they look and tokenize like
    English, are unique and never equal a function word, and are sorted shortest first
    because frequent words are short in real languages.
    """
    rng = np.random.default_rng(_VOCABULARY_SEED)
    syllables = np.array([o + n + c for o in _ONSETS for n in _NUCLEI for c in _CODAS], dtype=object)
    n_candidates = 2 * size + 1_000  # margin for duplicates among the few short words
    counts = rng.choice(np.arange(1, 5), size=n_candidates, p=_SYLLABLE_COUNT_P)
    picks = syllables[rng.integers(0, len(syllables), size=(n_candidates, 4))]
    words = picks[:, 0]
    for k in range(1, 4):
        words = words + np.where(counts > k, picks[:, k], "")
    _, first = np.unique(words, return_index=True)
    words = words[np.sort(first)]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    keep = (lengths > 1) & ~np.isin(words, FUNCTION_WORDS)  # lone letters read as typos
    words, lengths = words[keep], lengths[keep]
    words = words[np.argsort(lengths, kind="stable")][:size]
    return FUNCTION_WORDS + tuple(words)


def _zipf_weights(n: int) -> np.ndarray:
    return (np.arange(1, n + 1) + ZIPF_OFFSET) ** -ZIPF_EXPONENT


def _number_forms() -> list[str]:
    """Figures as news prints them: "36", "450", "6,500"; small ones are the most common."""
    return [str(i) for i in range(1, 1_000)] + [f"{i * 100:,}" for i in range(10, 1_000)]


class _AliasTable:
    """Walker's alias method: O(1) draws from a fixed discrete distribution.

    Binary search on the cumulative distribution costs ~16 cache misses per word and
    dominated generation time; an alias draw costs two lookups.
    """

    def __init__(self, weights: np.ndarray) -> None:
        n = len(weights)
        prob = (weights * (n / weights.sum())).tolist()
        alias = list(range(n))
        small = [i for i, x in enumerate(prob) if x < 1.0]
        large = [i for i, x in enumerate(prob) if x >= 1.0]
        while small and large:
            s, g = small.pop(), large[-1]
            alias[s] = g
            prob[g] -= 1.0 - prob[s]
            if prob[g] < 1.0:
                small.append(large.pop())
        for i in small + large:  # left over only through rounding: their columns are full
            prob[i] = 1.0
        self.prob = np.array(prob)
        self.alias = np.array(alias)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        column = rng.integers(0, len(self.prob), n)
        return np.where(rng.random(n) < self.prob[column], column, self.alias[column])


class _Sampler:
    """Lookup tables shared by every chunk of one corpus."""

    def __init__(self, vocabulary_size: int, rng: np.random.Generator) -> None:
        words = vocabulary(vocabulary_size)
        numbers = _number_forms()
        self.n_words = len(words)
        self.word_table = _AliasTable(_zipf_weights(self.n_words))
        self.number_table = _AliasTable(1.0 / np.arange(1, len(numbers) + 1) ** 0.8)
        # Forms: plain word, sentence-initial word, word opening a quotation, figure.
        forms = [*words, *(w.capitalize() for w in words), *("“" + w.capitalize() for w in words), *numbers]
        self.forms = np.array(forms, dtype=object)
        self.spaced = np.array([f + " " for f in forms], dtype=object)
        tail = np.array(words[len(FUNCTION_WORDS) :], dtype=object)
        given, family = (tail[rng.integers(0, len(tail), _N_SPEAKERS)] for _ in range(2))
        speakers = [f"{a.capitalize()} {b.capitalize()}" for a, b in zip(given, family, strict=True)]
        # Separator after a token: space, comma, end of text (NUL, split on later), or a
        # sentence end that also closes the sentence, the paragraph (blank line) or the text.
        # Quoted sentences end in ',” said Name.' with the same three closings.
        closings = (". ", ".\n\n", ".\0")
        self.separators = np.array(
            [" ", ", ", "\0", *closings] + [f",” said {s}{c}" for s in speakers for c in closings],
            dtype=object,
        )

    def words(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.word_table.draw(rng, n)

    def numbers(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return 3 * self.n_words + self.number_table.draw(rng, n)

    def render(self, tokens: np.ndarray, separators: np.ndarray) -> list[str]:
        """Join form and separator codes into texts, each ended by a NUL separator.

        Most separators are a space, already appended in ``spaced``, so the one big join
        sees one string per token; only the rest are concatenated here.
        """
        text = self.spaced[tokens]
        other = np.flatnonzero(separators != _SPACE)
        text[other] = self.forms[tokens[other]] + self.separators[separators[other]]
        return "".join(text.tolist()).split("\0")[:-1]


def _bodies(sampler: _Sampler, rng: np.random.Generator, n: int, words_per_article: int) -> list[str]:
    """Article bodies, built as one array of form codes and one of separator codes."""
    targets = np.maximum(1, np.rint(words_per_article * rng.uniform(0.8, 1.2, n))).astype(np.int64)
    low, high = _SENTENCE_WORDS
    sentence_len = rng.integers(low, high + 1, targets.sum() // low + n + 1)
    sentence_end = np.cumsum(sentence_len)
    # Each article ends at the first sentence end reaching its cumulative target, with at
    # least one sentence per article.
    last = np.searchsorted(sentence_end, np.cumsum(targets))
    last = np.maximum.accumulate(last - np.arange(n)) + np.arange(n)
    n_sentences = last[-1] + 1
    sentence_len = sentence_len[:n_sentences]
    sentence_end = sentence_end[:n_sentences]
    sentence_start = sentence_end - sentence_len
    n_tokens = int(sentence_end[-1])

    tokens = sampler.words(rng, n_tokens)
    figures = np.flatnonzero(rng.random(n_tokens) < _NUMBER_P)
    tokens[figures] = sampler.numbers(rng, len(figures))
    quoted = rng.random(n_sentences) < _QUOTE_P
    tokens[sentence_start] = sampler.words(rng, n_sentences) + np.where(quoted, 2, 1) * sampler.n_words

    separators = np.where(rng.random(n_tokens) < _COMMA_P, _COMMA, _SPACE)
    paragraph_last = np.cumsum(rng.integers(1, 4, n_sentences)) - 1  # 1-3 sentences each
    closing = np.zeros(n_sentences, dtype=np.int64)
    closing[paragraph_last[paragraph_last < n_sentences]] = 1
    closing[last] = 2
    speaker = rng.integers(0, _N_SPEAKERS, n_sentences)
    separators[sentence_end - 1] = np.where(quoted, _QUOTED_CLOSE + 3 * speaker, _CLOSE) + closing
    return sampler.render(tokens, separators)


def _headlines(sampler: _Sampler, rng: np.random.Generator, n: int) -> list[str]:
    """Sentence-case headlines of 6-14 words with no final punctuation, as outlets print them."""
    lengths = rng.integers(6, 15, n)
    tokens = sampler.words(rng, int(lengths.sum()))
    ends = np.cumsum(lengths)
    tokens[ends - lengths] += sampler.n_words
    separators = np.full(len(tokens), _SPACE)
    separators[ends - 1] = _END
    return sampler.render(tokens, separators)


def generate_articles(
    n_articles: int, seed: int = 0, words_per_article: int = 600, vocabulary_size: int = 50_000
) -> pd.DataFrame:
    """Generate ``n_articles`` English-like news articles, identical for identical arguments.

    Returns columns ``id, outlet, headline, published, text``; ``text`` is the body only,
    paragraphs separated by blank lines, about ``words_per_article`` words (±20 %, whole
    sentences). ``published`` is UTC within two weeks of 11 March 2019. Work is vectorised
    with numpy and done in chunks, so 100,000 articles take seconds, not minutes.
    """
    rng = np.random.default_rng(seed)
    sampler = _Sampler(vocabulary_size, rng)
    outlet_weights = 1.0 / np.arange(1, len(OUTLETS) + 1) ** 0.5  # big outlets publish more
    outlets = rng.choice(len(OUTLETS), size=n_articles, p=outlet_weights / outlet_weights.sum())
    published = _EPOCH + rng.integers(0, _SPAN_SECONDS, n_articles).astype("timedelta64[s]")
    headlines: list[str] = []
    bodies: list[str] = []
    for start in range(0, n_articles, _CHUNK_ARTICLES):
        size = min(_CHUNK_ARTICLES, n_articles - start)
        headlines += _headlines(sampler, rng, size)
        bodies += _bodies(sampler, rng, size, words_per_article)
    return pd.DataFrame(
        {
            "id": [f"syn{i:07d}" for i in range(n_articles)],
            "outlet": np.array(OUTLETS, dtype=object)[outlets],
            "headline": headlines,
            "published": pd.DatetimeIndex(published).tz_localize("UTC"),
            "text": bodies,
        }
    )


def write_corpus(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` in the format named by the path, so one corpus can test every loader.

    ``*.parquet`` and ``*.jsonl`` (one record per line, UTF-8, ISO dates) hold every column;
    a path without suffix becomes a folder of ``<id>.txt`` files shaped like the seeds:
    headline, blank line, body, no trailing newline.
    """
    path = Path(path)
    if path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif path.suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif not path.suffix:
        path.mkdir(parents=True, exist_ok=True)
        for article_id, headline, text in zip(df["id"], df["headline"], df["text"], strict=True):
            (path / f"{article_id}.txt").write_text(f"{headline}\n\n{text}", encoding="utf-8")
    else:
        raise ValueError(f"unknown corpus format {path.suffix!r}: use .parquet, .jsonl or no suffix")
    return path


# --- a hostile corpus ------------------------------------------------------------------------------
# Everything a scraped archive may throw at the pipeline, in one folder: markup that would run if a
# report pasted it into a page, entities, one huge article and thousands of tiny ones, scripts other
# than Latin, emoji, invisible and control characters, legacy encodings, and the only files the loader
# may skip (empty, binary, duplicate). Content is fixed, so every run reads the same bytes.

HOSTILE_PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned = 1</script>",
    "<script>alert('pwned')</script>",
    '<SCRIPT SRC="//evil.example/x.js"></SCRIPT>',
    '<img src=x onerror="window.__pwned = 1">',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(document.domain)>",
    '<a href="javascript:window.__pwned = 1">read more</a>',
    "<iframe src=\"javascript:alert('pwned')\"></iframe>",
    '"><script>window.__pwned = 1</script>',
    "</textarea></style></title><script>alert(1)</script>",
    "<style>body { display: none }</style>",
    "[click here](javascript:alert(1))",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
)
"""Markup in article text that must reach a report as text, never as markup (hostile_01_markup.txt)."""

HOSTILE_ENTITIES = (
    "&lt;script&gt;window.__entity = 1&lt;/script&gt;",
    "Smith &amp; Sons",
    "&#60;img src=x onerror=alert(2)&#62;",
    "&#x3C;b&#x3E;bold&#x3C;/b&#x3E;",
    "&quot;quoted&quot; &apos;single&apos; &nbsp; &copy; &euro;5",
)
"""HTML entities in article text: a report shows them as typed, not as the characters they name."""

_HOSTILE_OUTLETS = (
    "Baghuz Times",
    "Euphrates Wire",
    "The <script>window.__pwned = 1</script> Chronicle",
    "Desert Post & Courier",
    "Al-Khabar العربية",
    "Cash $ Daily $ News",
    "Levant 🌍 Today",
)
_EMPTY_FILES = ("empty.txt", "whitespace_only.txt")
_BINARY_FILE = "binary.txt"
_DUPLICATE_OF = "news_wire"
_DUPLICATE_FILES = ("news_wire_copy.txt", "news_wire_crlf_copy.txt")

_SUBJECTS = (
    "Islamic State fighters",
    "The Syrian Democratic Forces",
    "Kurdish-led forces",
    "ISIS militants",
    "Coalition jets",
    "The U.S.-backed SDF",
    "Aid workers",
    "Civilians fleeing Baghuz",
    "Daesh",
    "Mr Bali",
    "The Pentagon",
    "Russian officials",
)
_EVENTS = (
    "At least {n} people were killed in the fighting on {day}",
    "More than {n:,} civilians have left the enclave since {month}",
    "About {n} fighters surrendered overnight",
    "Up to {n:,} women and children were evacuated by truck",
    "Nearly {n} airstrikes hit the village in {k} days",
    "An estimated {n:,} people remain inside, officials said",
    "{n} soldiers were wounded and {k} were captured",
    "The camp at al-Hol now holds {n:,} people, up from {k:,} in {month}",
    "Between {k} and {n} militants are still hiding in caves",
    "Some {n} percent of the town was destroyed",
)
_QUOTES = (
    "“We will not stop until the last fighter surrenders,” said Mustafa Bali, an SDF spokesman.",
    "“The battle is almost over,” a coalition official told reporters on {day}.",
    "Bali said the operation would end “within days”.",
    "“There are still {n} families inside,” Adnan Afrin told Reuters.",
    "‘Our forces are advancing slowly,’ said Kino Gabriel, who speaks for the SDF.",
    "Pompeo said: “ISIS is on the brink of defeat.”",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "December")


def _news_sentence(rng: np.random.Generator) -> str:
    """One sentence in the style of the seed articles: actors, places, figures and quotations."""
    fields = {
        "n": int(rng.integers(2, 40_000)),
        "k": int(rng.integers(2, 90)),
        "day": _DAYS[int(rng.integers(len(_DAYS)))],
        "month": _MONTHS[int(rng.integers(len(_MONTHS)))],
    }
    kind = rng.random()
    if kind < 0.5:
        return _EVENTS[int(rng.integers(len(_EVENTS)))].format(**fields) + "."
    if kind < 0.75:
        return _QUOTES[int(rng.integers(len(_QUOTES)))].format(**fields)
    subject = _SUBJECTS[int(rng.integers(len(_SUBJECTS)))]
    return f"{subject} said on {fields['day']} that {fields['n']:,} people had crossed near the Euphrates."


def _news_paragraphs(rng: np.random.Generator, size: int) -> str:
    """Paragraphs of 1-3 news sentences, blank lines between them, about ``size`` characters."""
    paragraphs: list[str] = []
    length = 0
    while length < size:
        paragraph = " ".join(_news_sentence(rng) for _ in range(int(rng.integers(1, 4))))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _big_article(rng: np.random.Generator, size: int) -> str:
    """About ``size`` characters: mostly news paragraphs, with stretches that stress parsers at scale."""
    part = max(size // 64, 200)
    words = vocabulary(2_000)
    stress = [
        # One paragraph of many sentences without a line break.
        " ".join(_news_sentence(rng) for _ in range(part // 80)),
        # One "sentence" without any end punctuation or line break.
        " ".join(words[int(i)] for i in rng.integers(0, len(words), part // 6)),
        # Figures and separators back to back.
        " ".join(f"{int(n):,}" for n in rng.integers(1, 10**7, part // 8)) + ".",
        ", ".join(f"{int(n)} to {int(n) + 7} people" for n in rng.integers(1, 999, part // 16)) + ".",
        # Quotation marks that never pair up, and nested ones.
        "“‘\"'" * (part // 16) + " he said.",
        " ".join("“Yes,” he said. ‘No’, she said, “maybe ‘so’.”" for _ in range(part // 48)),
        # A base64-like blob: one very long word with no spaces.
        "".join(words[int(i)] for i in rng.integers(0, len(words), part // 6))[:part],
        # Long runs of white space and punctuation.
        ("word \t  \u00a0 " * (part // 12)) + ".",
        "." * part,
        "!?" * (part // 2),
        "(" * (part // 2) + ")" * (part // 2),
    ]
    head = "Islamic State's last enclave falls after weeks of fighting (LIVE, all updates)\n\n"
    body = "\n\n".join(stress)
    news = _news_paragraphs(rng, max(size - len(head) - len(body) - 4, 0))
    half = len(news) // 2
    cut = news.find("\n\n", half)
    cut = half if cut < 0 else cut
    return f"{head}{news[:cut]}\n\n{body}\n\n{news[cut:].lstrip()}"


def _hostile_articles() -> dict[str, str]:
    """The fixed hand-written articles, by file name (text; encodings are applied when writing)."""
    payloads = "\n\n".join(
        f"Paragraph {i}: officials said {payload} at least {i + 3} people were hurt."
        for i, payload in enumerate(HOSTILE_PAYLOADS, start=1)
    )
    entities = "\n\n".join(
        f"The statement read {entity} and was signed by {i + 1} officials."
        for i, entity in enumerate(HOSTILE_ENTITIES)
    )
    return {
        "hostile_01_markup.txt": (
            "Militants <b>retreat</b> as <script>window.__pwned = 1</script> forces advance\n\n"
            f"{payloads}\n\n"
            "“We will <script>alert('quote')</script> win,” said Mustafa Bali, an SDF spokesman.\n\n"
            'Source: <a href="javascript:window.__pwned=1">Evil Wire</a>\n'
        ),
        "hostile_02_entities.txt": (
            "Entities &amp; escapes in the news\n\n"
            f"{entities}\n\n"
            "More than 3,000 people &mdash; mostly women &amp; children &ndash; left on Tuesday.\n"
        ),
        "hostile_03_arabic.txt": (
            "سقوط آخر معاقل تنظيم الدولة الإسلامية في الباغوز\n\n"
            "قال مسؤولون في قوات سوريا الديمقراطية إن ٣٠٠ مقاتل على الأقل استسلموا يوم الاثنين. "
            "وأضاف المتحدث مصطفى بالي: «المعركة ستنتهي خلال أيام». "
            "وغادر أكثر من 20,000 مدني الجيب منذ شهر يناير.\n\n"
            "وقال بالي لرويترز إن الطائرات نفذت ١٢ غارة خلال الليل، وإن نحو ٣٬٠٠٠ شخص ما زالوا في الداخل.\n"
        ),
        "hostile_04_hebrew.txt": (
            "הקרב האחרון של דאעש בסוריה\n\n"
            "לפחות 300 לוחמים נכנעו ביום שני, כך אמרו גורמים רשמיים. "
            "דובר הכוחות אמר: ״הקרב יסתיים בתוך ימים״. "
            "יותר מ-20,000 אזרחים עזבו את המובלעת מאז ינואר.\n\n"
            "Mixed direction: the SDF said \u05d1\u05d0\u05d2\u05d5\u05d6 (Baghuz, باغوز) "
            "held 3,000 people.\n"
        ),
        "hostile_05_scripts.txt": (
            "Coverage in other scripts\n\n"
            "Русский: По меньшей мере 300 боевиков сдались в понедельник, заявили в СДС.\n\n"
            "中文：周一至少有300名武装分子投降。官员说：“战斗即将结束。”\n\n"
            "日本語：少なくとも３００人の戦闘員が投降した。\n\n"
            "हिंदी: कम से कम 300 लड़ाकों ने सोमवार को आत्मसमर्पण किया।\n\n"
            "ไทย: นักรบอย่างน้อย300คนยอมจำนนเมื่อวันจันทร์\n\n"
            "Ελληνικά: Τουλάχιστον 300 μαχητές παραδόθηκαν τη Δευτέρα.\n\n"
            "Combining marks: Zalgo t\u0337\u0321e\u0336\u0322x\u0335\u0328t and e\u0301 vs \u00e9, "
            "ﬁnancial ligatures, ２０ full-width digits, Ⅻ roman, ½ fractions and 10\u00b2 powers.\n"
        ),
        "hostile_06_emoji.txt": (
            "Emoji everywhere 🔥🔥🔥\n\n"
            "Families 👨‍👩‍👧‍👦 and medics 👩🏽‍⚕️ waited as 🇺🇸 🇸🇾 🇮🇶 flags flew and 🏳️‍🌈 and 🏴󠁧󠁢󠁳󠁣󠁴󠁿 too.\n\n"
            "💥300 people were evacuated, 1️⃣ truck at a time; about 2️⃣0️⃣ trucks left on Monday 🚚.\n\n"
            "“We are safe now 🙏,” said Amina Khalil 😢, a mother of 3 👶.\n\n"
            "Skin tones 👍🏻👍🏿, keycaps #️⃣ *️⃣, and a lone regional indicator 🇦 with a lone ZWJ \u200d.\n"
        ),
        "hostile_07_controls.txt": (
            "Invisible\u200b and control characters\n\n"
            "The SDF said\u200b 300\u200d fighters sur\u00adrendered in Bagh\u200buz on\ufeff Monday, "
            "officials said. "
            + "".join(f"[{chr(c)}]" for c in range(0x20) if chr(c) not in "\n\t")
            + " Those were every C0 control but line feed and tab. "
            "Here \u202eevil text reversed\u202c and \u2066isolated\u2069 "
            "and \x7fdel and \x85next\x9bcsi.\n\n"
            "More than 3,\u200b000 civilians\x00 left, and 1\u200b2 trucks\ufeff carried them.\n\n"
            "\u200b\ufeff\u200b\n\n"
            "“We\u200b are\x07 winning,” said Mustafa\u200d Bali\x1b[31m, an SDF spokesman.\n\n"
            "Old Mac line ends\rrun on here\rand here.\r\nThen Windows ones.\r\n\n"
            # Enough ordinary text that the stray controls stay a small share, as in a scraped page.
            + "\n\n".join(
                f"Paragraph {i}: Kurdish-led forces said about {i * 40} fighters and their families had "
                f"left the village by {_DAYS[i % 7]}, and that aid groups had counted {i * 125:,} people "
                "at the camp of al-Hol, where conditions were described as dire."
                for i in range(1, 9)
            )
            + "\n"
        ),
        "hostile_08_cp1252.txt": (
            "Caf\u00e9 owners count the cost \u2013 \u20ac2 million lost\n\n"
            "The owner\u2019s brother said: \u201cWe lost \u20ac2 million\u2026 maybe more.\u201d "
            "Around 1,200 na\u00efve investors \u2014 \u00bcof the town \u2014 paid \u00a35 each.\n\n"
            "\u201cIt\u2019s over,\u201d said Jos\u00e9 Mu\u00f1oz, the mayor, on Tuesday.\n"
        ),
        "hostile_09_utf16.txt": (
            "UTF-16 article with a byte-order mark\n\n"
            "At least 300 people were killed, said the \u201cDaily \U0001f4f0 Planet\u201d. "
            "Arabic \u0628\u0627\u063a\u0648\u0632 and emoji \U0001f1f8\U0001f1fe survive a round trip.\n\n"
            "\u201cWe will rebuild,\u201d said Leila Haddad, a teacher, on Monday.\n"
        ),
        "hostile_10_boilerplate_only.txt": "Share this story!\n\nSource: Read Full Article\n",
        "hostile_11_bom_and_mac_endings.txt": (
            "\ufeffByte order mark first\r\rOfficials said 40 people died.\rThe end came on Friday.\r"
        ),
        "hostile_12_numbers.txt": (
            "Impossible figures\n\n"
            "An estimated 999,999,999,999,999,999,999,999 people were killed, officials said. "
            "Another 1e309 and 1.7976931348623157e308 were wounded, and -0 and NaN and inf were missing. "
            "Between 10 and 5 people died; 0.0000000001 percent survived; 3/0 of them fled; "
            "about 1,2,3,4,5,6,7,8,9,0 people left; 12,34,567.89.10 were counted.\n"
        ),
        "<img src=x onerror=alert(3)> hostile_13_name.txt": (
            "A file name with markup\n\n"
            "At least 7 people were killed in the village on Monday, officials said.\n"
        ),
        "مقال عربي hostile_14 name.txt": (
            "A file name in Arabic\n\nMore than 20 people were hurt in the blast, police said on Sunday.\n"
        ),
        f"{_DUPLICATE_OF}.txt": (
            "Last ISIS enclave falls\n\n"
            "BAGHUZ, Syria (Reuters) - U.S.-backed forces said on Saturday they had captured the last "
            "Islamic State enclave in eastern Syria. “Baghuz is free,” said Mustafa Bali.\n\n"
            "About 3,000 fighters surrendered in the final weeks, officials said.\n"
        ),
    }


def _tiny_article(i: int) -> str:
    """A short, distinct brief: one headline line and one sentence with a figure."""
    place = ("Baghuz", "Hajin", "al-Hol", "Raqqa", "Deir ez-Zor", "Mosul", "Sinjar")[i % 7]
    return f"Brief {i}\n\n{i % 97 + 2} people left {place} on {_DAYS[i % 7]}, report {i} said."


def write_hostile_corpus(folder: str | Path, n_tiny: int = 10_000, big_mb: float = 10) -> dict:
    """Write a folder corpus of hostile input and return what was written and what loading must do.

    ``n_tiny`` short articles (``tiny_00000.txt``, ...) and one article of ``big_mb`` megabytes
    (``big.txt``) scale the corpus; everything else is fixed. ``metadata.csv`` gives the outlets
    (some with markup or ``$`` in their names, some left empty so the article's group is its own)
    and ``javascript:`` URLs. Returns a dict with ``folder``, ``files`` (name -> what it holds),
    ``articles`` (files that must load), ``skipped`` (file name -> the loader's skip reason: only
    empty, binary and duplicate files), ``encodings`` (file name -> encoding the loader must
    report, for files not in UTF-8), ``payloads`` (markup that must never reach a page as markup)
    and ``big_bytes``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20_190_323)
    files: dict[str, str] = {}
    articles = _hostile_articles()
    encodings = {"hostile_08_cp1252.txt": "cp1252", "hostile_09_utf16.txt": "utf-16"}
    for name, text in articles.items():
        if name == "hostile_08_cp1252.txt":
            data = text.encode("cp1252")
        elif name == "hostile_09_utf16.txt":
            data = text.encode("utf-16")  # with a byte-order mark
        else:
            data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        files[name] = text.split("\n", 1)[0].lstrip("\ufeff")[:80]
    original = (folder / f"{_DUPLICATE_OF}.txt").read_bytes()
    (folder / _DUPLICATE_FILES[0]).write_bytes(original)
    (folder / _DUPLICATE_FILES[1]).write_bytes(original.replace(b"\n", b"\r\n"))
    files[_DUPLICATE_FILES[0]] = f"byte-for-byte copy of {_DUPLICATE_OF}.txt"
    files[_DUPLICATE_FILES[1]] = f"copy of {_DUPLICATE_OF}.txt with Windows line ends"
    (folder / _EMPTY_FILES[0]).write_bytes(b"")
    (folder / _EMPTY_FILES[1]).write_bytes(b" \n\t\r\n  \n")
    files.update({_EMPTY_FILES[0]: "no bytes", _EMPTY_FILES[1]: "white space only"})
    binary = b"\x89PNG\r\n\x1a\n" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    (folder / _BINARY_FILE).write_bytes(binary)
    files[_BINARY_FILE] = "PNG signature and random bytes"

    big_bytes = 0
    if big_mb > 0:
        big = _big_article(rng, int(big_mb * 1_000_000)).encode("utf-8")
        (folder / "big.txt").write_bytes(big)
        big_bytes = len(big)
        files["big.txt"] = f"one article of {big_bytes:,} bytes"
    tiny = [f"tiny_{i:05d}.txt" for i in range(n_tiny)]
    for i, name in enumerate(tiny):
        (folder / name).write_text(_tiny_article(i), encoding="utf-8")
    if tiny:
        files["tiny_*.txt"] = f"{n_tiny} briefs of one sentence"

    loaded = sorted(set(articles) | ({"big.txt"} if big_mb > 0 else set()) | set(tiny))
    rows = []
    for k, name in enumerate(sorted([*loaded, *_DUPLICATE_FILES])):
        outlet = _HOSTILE_OUTLETS[k % len(_HOSTILE_OUTLETS)] if k % 50 else ""
        url = "javascript:window.__pwned=1" if k % 3 == 0 else f"https://example.org/{k}?a=1&b=<2>"
        rows.append({"file": name, "outlet": outlet, "headline": "", "published": "", "url": url})
    rows[0]["headline"] = 'Headline with <img src=x onerror="window.__pwned = 1"> in metadata'
    pd.DataFrame(rows).to_csv(folder / "metadata.csv", index=False)

    skipped = {name: "skipped: empty file" for name in _EMPTY_FILES}
    skipped[_BINARY_FILE] = "skipped: binary file"
    skipped.update({name: f"skipped: duplicate of {_DUPLICATE_OF}" for name in _DUPLICATE_FILES})
    return {
        "folder": folder,
        "files": files,
        "articles": loaded,
        "skipped": skipped,
        "encodings": encodings,
        "payloads": HOSTILE_PAYLOADS,
        "big_bytes": big_bytes,
    }
