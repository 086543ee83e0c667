"""Compare sentence splitters on hand-labelled English news paragraphs.

Reads tests/fixtures/sentences_gold.jsonl (one {"text", "sentences"} object per line) and prints, for each
candidate splitter:

* boundary precision, recall and F1, where a boundary is the end offset of a sentence after stripping
  trailing whitespace, and the end of the paragraph does not count;
* exact-sentence accuracy: the share of gold sentences whose whitespace-stripped span is predicted exactly;
* throughput in sentences per second (gold sentences of input) and MB/s (UTF-8 bytes of input), measured
  on the gold paragraphs repeated to about 1 MB.

Every candidate first splits a paragraph at line breaks (each one is a sentence boundary) and then runs
within each line; offsets are mapped back to the paragraph. Candidates: pysbd, syntok, a regex baseline
defined here and, when it exists, ``analysis.text.sentences``. ``--errors N`` also prints up to N
mismatched regions per candidate (gold sentences vs predicted sentences).

Usage, from the repository root:  .venv/bin/python scripts/eval_sentences.py [--errors 10] [--mb 1]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "sentences_gold.jsonl"

Span = tuple[int, int]
Splitter = Callable[[str], Iterable[Span]]


# --------------------------------------------------------------------------------------------- gold data


def load_gold(path: Path) -> list[tuple[str, list[Span]]]:
    """Paragraphs with their gold sentence spans; checks the file's invariants on the way."""
    items = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        text, spans, pos = record["text"], [], 0
        for sentence in record["sentences"]:
            start = text.find(sentence, pos)
            if start < 0 or text[pos:start].strip() or sentence != sentence.strip() or "\n" in sentence:
                raise ValueError(f"{path.name}:{lineno}: bad sentence {sentence!r}")
            spans.append((start, start + len(sentence)))
            pos = start + len(sentence)
        if text[pos:].strip():
            raise ValueError(f"{path.name}:{lineno}: text after the last sentence")
        items.append((text, spans))
    return items


# ---------------------------------------------------------------------------------------------- helpers


def tidy(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans shrunk to exclude surrounding whitespace, empty ones dropped, in order."""
    out = []
    for start, end in spans:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((start + lead, start + lead + len(stripped)))
    return sorted(out)


def by_lines(split_line: Splitter) -> Callable[[str], list[Span]]:
    """Wrap a splitter so that every line break is a boundary and offsets refer to the whole text."""

    def split(text: str) -> list[Span]:
        spans: list[Span] = []
        for line in re.finditer(r"[^\n]+", text):
            if line.group().strip():
                base = line.start()
                spans.extend((base + s, base + e) for s, e in split_line(line.group()))
        return tidy(text, spans)

    return split


def from_ends(text: str, ends: Iterable[int]) -> list[Span]:
    """Spans covering text, cut after each offset in ends."""
    cuts = sorted({e for e in ends if 0 < e < len(text)})
    return list(zip([0, *cuts], [*cuts, len(text)], strict=True))


# ------------------------------------------------------------------------------------------- candidates


def pysbd_splitter() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return lambda line: [(span.start, span.end) for span in segmenter.segment(line)]


def syntok_splitter() -> Splitter:
    from syntok import segmenter

    def split(line: str) -> list[Span]:
        ends = []
        for paragraph in segmenter.analyze(line):
            for sentence in paragraph:
                last = sentence[-1]
                end = last.offset + len(last.value)
                if line[last.offset : end] != last.value:  # a normalised token: fall back to its offset
                    end = last.offset + 1
                ends.append(end)
        return from_ends(line, ends)

    return split


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    "mr mrs ms dr prof col gen sen rep gov lt sgt capt cmdr adm maj brig det insp supt cllr rev hon st mt ft"
)
BEFORE_NUMBER = _words("no nos jan feb mar apr jun jul aug sep sept oct nov dec art fig p pp vol ch para")
MAYBE_FINAL = _words("inc ltd co corp plc jr sr etc approx vs v bros dept est")
STARTERS = _words(
    """the a an he she it they we i you but and or so yet in on at for by after before when while if as
    this that these those there then its his her their our my one some many most officials police"""
)
SENTENCE_END = re.compile(r"""[.?!…]+['"’”)\]]*(?=\s+['"‘“(\[]*[A-Z0-9])""")
ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def regex_splitter(line: str) -> list[Span]:
    """Split after . ? ! … (and closing quotes or brackets) before an upper-case letter, digit or quote.

    A full stop does not end a sentence after a title (Mr., Gen.), an initial (J.), a word that precedes
    numbers (No., Jan.) when a digit follows, or an abbreviation that can end a sentence (Inc., U.S., p.m.)
    unless the next word is a typical sentence opener.
    """
    ends = []
    for match in SENTENCE_END.finditer(line):
        if match.group()[0] == ".":
            word = (line[: match.start()].split() or [""])[-1].lstrip("([{\"'‘“")
            key = word.lower()
            following = line[match.end() :].split(None, 1)[0].strip("\"'‘“([").lower()
            if key in TITLES or (len(word) == 1 and word.isupper()):
                continue
            if key in BEFORE_NUMBER and following[:1].isdigit():
                continue
            if (key in MAYBE_FINAL or ACRONYM.fullmatch(word)) and following not in STARTERS:
                continue
        ends.append(match.end())
    return from_ends(line, ends)


def project_splitter() -> Splitter | None:
    """analysis.text.sentences if the project has it yet, else None."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        from analysis import text as project_text
    except ImportError:
        return None
    return getattr(project_text, "sentences", None)


def candidates() -> dict[str, Callable[[str], list[Span]]]:
    found: dict[str, Splitter] = {
        "pysbd": pysbd_splitter(),
        "syntok": syntok_splitter(),
        "regex": regex_splitter,
    }
    project = project_splitter()
    if project is not None:
        found["analysis.text"] = project
    return {name: by_lines(split) for name, split in found.items()}


# -------------------------------------------------------------------------------------------- measuring


def boundaries(text: str, spans: list[Span]) -> set[int]:
    last = len(text.rstrip())
    return {end for _, end in spans if end < last}


def mismatches(gold: list[Span], pred: list[Span]) -> list[tuple[list[Span], list[Span]]]:
    """Regions between shared sentence ends where gold and predicted sentences differ."""
    shared = {e for _, e in gold} & {e for _, e in pred}
    regions, g_run, p_run, gi, pi = [], [], [], 0, 0
    while gi < len(gold) or pi < len(pred):
        if pi >= len(pred) or (gi < len(gold) and gold[gi][1] <= pred[pi][1]):
            g_run.append(gold[gi])
            gi += 1
        else:
            p_run.append(pred[pi])
            pi += 1
        g_end = g_run[-1][1] if g_run else -1
        p_end = p_run[-1][1] if p_run else -1
        if g_end == p_end and g_end in shared:
            if g_run != p_run:
                regions.append((g_run, p_run))
            g_run, p_run = [], []
    if g_run or p_run:
        regions.append((g_run, p_run))
    return regions


def evaluate(split: Callable[[str], list[Span]], gold: list[tuple[str, list[Span]]]) -> dict:
    tp = fp = fn = exact = n_gold = 0
    errors = []
    for text, gold_spans in gold:
        pred_spans = split(text)
        g, p = boundaries(text, gold_spans), boundaries(text, pred_spans)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        exact += len(set(gold_spans) & set(pred_spans))
        n_gold += len(gold_spans)
        errors.extend((text, region) for region in mismatches(gold_spans, pred_spans))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"P": precision, "R": recall, "F1": f1, "exact": exact / n_gold, "errors": errors}


def throughput(split: Callable[[str], list[Span]], gold: list[tuple[str, list[Span]]], mb: float) -> tuple:
    texts = [text for text, _ in gold]
    size = sum(len(t.encode("utf-8")) for t in texts)
    repeats = max(1, round(mb * 1_000_000 / size))
    n_sentences = repeats * sum(len(spans) for _, spans in gold)
    started = time.perf_counter()
    for _ in range(repeats):
        for text in texts:
            split(text)
    elapsed = time.perf_counter() - started
    return n_sentences / elapsed, repeats * size / 1_000_000 / elapsed


def show(text: str, spans: list[Span]) -> str:
    return " | ".join(repr(text[s:e]) for s, e in spans) or "(nothing)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", type=int, default=0, help="mismatched regions to print per candidate")
    parser.add_argument("--mb", type=float, default=1.0, help="size of the throughput corpus in MB (0: skip)")
    args = parser.parse_args()

    gold = load_gold(args.gold)
    n_sentences = sum(len(spans) for _, spans in gold)
    print(
        f"gold: {len(gold)} paragraphs, {n_sentences} sentences, "
        f"{sum(len(spans) - 1 for _, spans in gold)} boundaries\n"
    )
    header = (
        f"{'candidate':<14} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} {'errors':>6} {'sent/s':>8} {'MB/s':>6}"
    )
    print(header)
    print("-" * len(header))
    results = {}
    for name, split in candidates().items():
        scores = evaluate(split, gold)
        rate, mbps = throughput(split, gold, args.mb) if args.mb > 0 else (float("nan"), float("nan"))
        results[name] = scores
        print(
            f"{name:<14} {scores['P']:6.3f} {scores['R']:6.3f} {scores['F1']:6.3f} {scores['exact']:6.3f} "
            f"{len(scores['errors']):6d} {rate:8.0f} {mbps:6.3f}"
        )
    for name, scores in results.items():
        if args.errors > 0 and scores["errors"]:
            print(f"\n== {name}: first {args.errors} of {len(scores['errors'])} mismatched regions")
            for text, (g_run, p_run) in scores["errors"][: args.errors]:
                print(f"  gold: {show(text, g_run)}\n  pred: {show(text, p_run)}\n")


if __name__ == "__main__":
    main()
