"""Score the quote extractor on hand-annotated, invented news paragraphs.

Reads tests/fixtures/quotes_gold.jsonl (one {"id", "style", "text", "quotes": [{"quote", "speaker",
"kind"}]} object per line; each quote is the text between its quote marks, found in order in the text)
and prints, for :func:`analysis.quotes.extract_quotes`:

* precision, recall and F1 of quote spans, matched exactly (same start and end) and by overlap (each
  predicted span paired one-to-one with the gold span it overlaps most);
* speaker accuracy and kind accuracy on the overlap-matched quotes. Speakers are compared case-
  insensitively without a leading article or trailing punctuation, and a name matches the same name with
  a title before it ("Colonel Sean Ryan" = "Sean Ryan");
* with ``--speed N``, articles per second of extract_quotes on the seed articles repeated N times, in
  CPU time of this one process (so other work on the machine does not count).

Usage, from the repository root:  .venv/bin/python scripts/eval_quotes.py [--errors] [--speed 200]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.quotes import extract_quotes  # noqa: E402
from analysis.text import normalise  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "quotes_gold.jsonl"
Span = tuple[int, int]


def load_gold(path: Path) -> list[dict]:
    """Gold paragraphs, each with its quotes' spans worked out (and checked) from the quote texts."""
    items = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        position = 0
        for quote in record["quotes"]:
            start = record["text"].find(quote["quote"], position)
            if start < 0:
                raise ValueError(f"{path.name}:{lineno}: quote not found in order: {quote['quote']!r}")
            quote["span"] = (start, start + len(quote["quote"]))
            position = start + 1
        items.append(record)
    return items


def same_speaker(gold: str, predicted: str) -> bool:
    """Equal after normalising, or one is the other with words before it (a title or role)."""

    def norm(name: str) -> str:
        name = re.sub(r"^(?:the|a|an)\s+", "", normalise(name).lower().strip(" .,'\""))
        return " ".join(name.split())

    gold, predicted = norm(gold), norm(predicted)
    titled = bool(gold and predicted) and (gold.endswith(" " + predicted) or predicted.endswith(" " + gold))
    return gold == predicted or titled


def pair_by_overlap(gold: list[Span], predicted: list[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) of overlapping spans, largest overlaps first."""
    candidates = sorted(
        (
            (min(g[1], p[1]) - max(g[0], p[0]), gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(predicted)
            if min(g[1], p[1]) > max(g[0], p[0])
        ),
        reverse=True,
    )
    used_gold, used_pred, pairs = set(), set(), []
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(items: list[dict], show_errors: bool = False) -> dict[str, float]:
    """Scores over all gold paragraphs; prints each disagreement when ``show_errors``."""
    exact = overlap = speakers = kinds = n_pred = n_gold = 0
    for item in items:
        found = extract_quotes(item["text"])
        predicted = list(zip(found["start"], found["end"], strict=True))
        gold = [q["span"] for q in item["quotes"]]
        n_pred, n_gold = n_pred + len(predicted), n_gold + len(gold)
        exact += len(set(gold) & set(predicted))
        pairs = pair_by_overlap(gold, predicted)
        overlap += len(pairs)
        for gi, pi in pairs:
            g, row = item["quotes"][gi], found.iloc[pi]
            speaker_ok = same_speaker(g["speaker"], row["speaker"])
            speakers += speaker_ok
            kinds += g["kind"] == row["kind"]
            if show_errors and (not speaker_ok or g["kind"] != row["kind"] or g["span"] != predicted[pi]):
                print(
                    f"{item['id']} {g['quote'][:50]!r}\n   gold {g['speaker']!r} {g['kind']}"
                    f"\n   got  {row['speaker']!r} {row['kind']} {row['quote'][:50]!r}"
                )
        if show_errors:
            for gi in set(range(len(gold))) - {gi for gi, _ in pairs}:
                print(f"{item['id']} MISSED {item['quotes'][gi]['quote'][:60]!r}")
            for pi in set(range(len(predicted))) - {pi for _, pi in pairs}:
                print(
                    f"{item['id']} SPURIOUS {found['quote'].iloc[pi][:60]!r} ({found['speaker'].iloc[pi]!r})"
                )
    scores: dict[str, float] = {"gold": n_gold, "predicted": n_pred}
    for name, tp in (("exact", exact), ("overlap", overlap)):
        scores[f"{name}_P"], scores[f"{name}_R"], scores[f"{name}_F1"] = prf(tp, n_pred, n_gold)
    scores["speaker_acc"] = speakers / overlap if overlap else 0.0
    scores["kind_acc"] = kinds / overlap if overlap else 0.0
    return scores


def articles_per_second(repeats: int) -> tuple[float, float]:
    """Articles per CPU second of extract_quotes on the seeds' clean texts, and their mean length in words."""
    from analysis.corpus import load_corpus

    texts = list(load_corpus(ROOT / "seeds")["text"])
    extract_quotes(texts[0])  # load the data files first
    started = time.process_time()
    for _ in range(repeats):
        for text in texts:
            extract_quotes(text)
    elapsed = time.process_time() - started
    return repeats * len(texts) / elapsed, sum(len(t.split()) for t in texts) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="print every disagreement with the gold set")
    parser.add_argument("--speed", type=int, default=0, help="time the seeds repeated this many times")
    args = parser.parse_args()

    items = load_gold(args.gold)
    scores = evaluate(items, args.errors)
    print(f"gold: {len(items)} paragraphs, {scores['gold']:.0f} quotes; predicted {scores['predicted']:.0f}")
    for name in ("exact", "overlap"):
        p, r, f1 = (scores[f"{name}_{k}"] for k in ("P", "R", "F1"))
        print(f"{name:<8} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}")
    print(f"speaker accuracy {scores['speaker_acc']:.3f}, kind accuracy {scores['kind_acc']:.3f} (matched)")
    if args.speed:
        rate, words = articles_per_second(args.speed)
        print(
            f"speed: {rate:.0f} articles/s on the seeds (mean {words:.0f} words) repeated {args.speed} times"
        )


if __name__ == "__main__":
    main()
