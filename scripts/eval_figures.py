"""Measure ``analysis.figures.extract_figures`` against quantulum3's test suites.

The suites (see ``../shared/peer-suites/README.md``) are not part of this repository:

* ``quantities.json``: sentences with the quantities quantulum3 expects, ``{req, res: [{value, unit,
  surface}]}``. A predicted figure matches an expected quantity when their spans overlap (the expected
  surface is looked up in the sentence, in order) and the values agree within 1e-6, relatively; matching
  is one to one. Precision and recall are reported on all cases and on the cases in scope: expected
  quantities whose quantulum3 unit is one the extractor claims (counts, percent, money, common lengths,
  areas, masses and volumes, durations, temperatures, speeds; :data:`SCOPE`), less years (1800-2100
  written as four digits), which the extractor leaves out by design. A prediction overlapping an
  out-of-scope expected quantity is left out of the in-scope precision. Unit agreement is reported on
  the in-scope matches.
* ``spellout_values.json``: spelled-out numbers, ``{req, res: [values]}``. A case is right when the values
  of the figures found equal the expected list, in order. Vague figures ("several hundred years") are
  intervals, not values: the main score leaves them out, the strict score keeps their low end.

Usage, from the repository root:  .venv/bin/python scripts/eval_figures.py [SUITE_DIR] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.figures import extract_figures  # noqa: E402

DEFAULT_SUITE = ROOT.parent / "shared" / "peer-suites" / "quantulum3"
# quantulum3 unit -> the extractor's unit, for the units in scope.
SCOPE = {
    "dimensionless": "",
    "percentage": "percent",
    "dollar": "dollars",
    "euro": "euros",
    "pound sterling": "pounds",
    "cent": "cents",
    "mile": "miles",
    "kilometre": "km",
    "metre": "metres",
    "inch": "inches",
    "square kilometre": "sq_km",
    "square mile": "sq_miles",
    "kilogram": "kg",
    "tonne": "tonnes",
    "litre": "litres",
    "gallon": "gallons",
    "year": "years",
    "month": "months",
    "week": "weeks",
    "day": "days",
    "hour": "hours",
    "degree Celsius": "celsius",
    "degree fahrenheit": "fahrenheit",
    "kilometre per hour": "kmh",
    "dollar per hour": "dollars/hour",
    "dollar per kilogram": "dollars/kg",
}


def same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def expected_spans(text: str, expected: list[dict]) -> list[tuple[int, int]]:
    """Each expected surface's span in the sentence, searched left to right ((0, 0) when absent)."""
    spans, position = [], 0
    for quantity in expected:
        at = text.find(quantity["surface"], position)
        if at < 0:
            at = text.find(quantity["surface"])
        spans.append((at, at + len(quantity["surface"])) if at >= 0 else (0, 0))
        if at >= 0:
            position = at + 1
    return spans


def in_scope(quantity: dict) -> bool:
    surface, value = quantity["surface"].strip(), float(quantity["value"])
    year = surface.isdigit() and len(surface) == 4 and 1800 <= value <= 2100
    return quantity["unit"] in SCOPE and not year


def match(predicted: list[tuple[int, int, float]], spans: list[tuple[int, int]], values: list[float]) -> dict:
    """One-to-one matches expected -> predicted: spans overlap and values agree; first come, first served."""
    pairs: dict[int, int] = {}
    for e, ((es, ee), expected) in enumerate(zip(spans, values, strict=True)):
        for p, (ps, pe, value) in enumerate(predicted):
            if p not in pairs.values() and ps < ee and es < pe and same_value(value, expected):
                pairs[e] = p
                break
    return pairs


def score_quantities(cases: list[dict], errors: int) -> None:
    totals = {
        "all": [0, 0, 0, 0],
        "in scope": [0, 0, 0, 0],
    }  # matched predictions, predictions, found, expected
    unit_right = unit_checked = shown = 0
    for case in cases:
        text, expected = case["req"], case["res"]
        figures = extract_figures(text)
        predicted = list(zip(figures["start"], figures["end"], figures["value"], strict=True))
        spans = expected_spans(text, expected)
        pairs = match(predicted, spans, [float(q["value"]) for q in expected])
        every_e, every_p = set(range(len(expected))), set(range(len(predicted)))
        scoped = {e for e in every_e if in_scope(expected[e])}
        outside = {  # predictions on an out-of-scope quantity do not count against in-scope precision
            p
            for p in every_p
            for e in every_e - scoped
            if predicted[p][0] < spans[e][1] and spans[e][0] < predicted[p][1]
        }
        for name, keep_e, keep_p in (("all", every_e, every_p), ("in scope", scoped, every_p - outside)):
            t = totals[name]
            t[0] += sum(1 for e, p in pairs.items() if e in keep_e and p in keep_p)
            t[1] += len(keep_p)
            t[2] += sum(1 for e in pairs if e in keep_e)
            t[3] += len(keep_e)
        for e in scoped & set(pairs):
            unit, theirs = figures["unit"].iloc[pairs[e]], SCOPE[expected[e]["unit"]]
            unit_checked += 1
            unit_right += unit == theirs or (theirs == "" and unit == "fraction")
        missed = [expected[e]["surface"] for e in sorted(scoped - set(pairs))]
        extra = [
            f"{figures['surface'].iloc[p]}={predicted[p][2]:g}"
            for p in sorted(every_p - outside - set(pairs.values()))
        ]
        if (missed or extra) and shown < errors:
            shown += 1
            print(f"  {text!r}\n    missed {missed}  extra {extra}")
    for name, (matched, predictions, found, total) in totals.items():
        print(
            f"quantities, {name:8}: precision {matched / predictions:.3f} ({matched}/{predictions}), "
            f"recall {found / total:.3f} ({found}/{total})"
        )
    print(f"unit agreement on in-scope matches: {unit_right}/{unit_checked}")


def score_spellout(cases: list[dict], errors: int) -> None:
    right = strict = shown = 0
    for case in cases:
        figures = extract_figures(case["req"])
        expected = [float(v) for v in case["res"]]

        def equal(values: list[float], expected: list[float] = expected) -> bool:
            return len(values) == len(expected) and all(map(same_value, values, expected))

        values = list(figures.loc[figures["qualifier"] != "vague", "value"])
        right += equal(values)
        strict += equal(list(figures["value"]))
        if not equal(values) and shown < errors:
            shown += 1
            print(f"  {case['req']!r}: expected {expected}, got {values}")
    n = len(cases)
    print(
        f"spelled-out values: {right}/{n} right ({right / n:.3f}); with vague figures as values: {strict}/{n}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "suite", nargs="?", type=Path, default=DEFAULT_SUITE, help="folder of the quantulum3 suite"
    )
    parser.add_argument("--errors", type=int, default=0, help="print up to N failing cases per suite")
    args = parser.parse_args()
    quantities, spellout = args.suite / "quantities.json", args.suite / "spellout_values.json"
    if not quantities.is_file() or not spellout.is_file():
        sys.exit(
            f"no quantulum3 suite in {args.suite}: expected quantities.json and spellout_values.json there"
        )
    score_quantities(json.loads(quantities.read_text(encoding="utf-8")), args.errors)
    score_spellout(json.loads(spellout.read_text(encoding="utf-8")), args.errors)


if __name__ == "__main__":
    main()
