"""One helper saves every figure, in one house style, so that re-runs are byte-identical.

Each figure is written as ``NN-slug.png`` beside ``NN-slug.csv`` holding exactly the data plotted.
The style pins the font (DejaVu Sans, shipped with matplotlib), size, resolution and a
colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008), and strips the PNG's
software and date metadata.

Charts stay readable at scale: one mark per article or group only up to :data:`MAX_BARS` of them; beyond
that a notebook draws a histogram (:func:`histogram`), the largest groups (:func:`largest`), or group
means (:func:`mean_cosine_by_group`, :func:`group_totals`), so a figure and its CSV stay small however
large the corpus.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from IPython.display import Image
from matplotlib.figure import Figure
from scipy import sparse
from sklearn.utils.extmath import row_norms

# Okabe-Ito without its yellow (too faint on white), black last. Under simulated protanopia, deuteranopia
# and tritanopia every two of these stay apart (CIELAB distance >= 16, tests/test_plotting.py); a grey in
# black's place came within 7 of the reddish purple for deuteranopes.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
DPI = 100
MAX_BARS = 30
"""Most marks a chart draws one per article or group (bars, heatmap rows, rows of a panel): beyond it the
chart aggregates, or shows the largest groups and says so."""
MAX_PANELS = 8
"""Most small multiples (one panel per group or class) a figure stacks."""
MAX_ANNOTATED = 12
"""Heatmaps write the value in each cell up to this many rows; beyond it the colour bar must do."""
HOUSE_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "newscompare",
    "path.simplify": False,
}


def new_figure(width: float = 7.0, height: float = 4.0, rows: int = 1) -> tuple[Figure, plt.Axes]:
    """A figure and axes (a list of ``rows`` axes when ``rows > 1``) in the house style, always at an
    explicit size: matplotlib's default size varies between versions."""
    mpl.rcParams.update(HOUSE_STYLE)
    fig, axes = plt.subplots(rows, 1, figsize=(width, height), layout="constrained", squeeze=False)
    return fig, axes[0, 0] if rows == 1 else list(axes[:, 0])


def save_figure(fig: Figure, data: pd.DataFrame, name: str, folder: str | Path, alt: str) -> Image:
    """Write ``folder/name.png`` and ``folder/name.csv`` (the data plotted); return the PNG to display.

    ``alt`` is the figure's alternative text, for readers who cannot see it: it goes into the PNG's
    ``Description`` and into the displayed image's metadata, which the HTML report turns into
    ``<img alt>``. The figure is closed, so the notebook shows exactly the saved file, once.
    """
    if not alt.strip():
        raise ValueError(f"{name}: a figure needs alternative text")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{name}.png"
    with warnings.catch_warnings():
        # Labels from scraped text may hold emoji DejaVu Sans lacks: they show as boxes, and the warning
        # would only print matplotlib's internals into the reader's report.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        fig.savefig(png, dpi=DPI, metadata={"Software": None, "Description": alt})
    plt.close(fig)
    data.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return Image(data=png.read_bytes(), format="png", metadata={"alt": alt})


HATCHES = ("", "//", "..", "xx")
"""Hatches that tell series apart beyond the palette's seven colours (the 8th is the 1st colour, hatched)."""


def series_style(k: int) -> dict[str, object]:
    """Colour, and past :data:`PALETTE` a hatch, of the ``k``-th series of a chart (a stack or a group of
    bars), so that no series is left out or looks like another; white edges keep stacked bars apart."""
    colour = PALETTE[k % len(PALETTE)]
    return {"color": colour, "hatch": HATCHES[k // len(PALETTE) % len(HATCHES)], "edgecolor": "white"}


def largest(sizes: pd.Series, n: int = MAX_BARS) -> list:
    """The labels of the ``n`` largest values of ``sizes`` (e.g. articles per group), largest first, ties
    by label, so the choice is the same on every run."""
    ordered = sizes.rename("size").rename_axis("label").reset_index()
    ordered = ordered.sort_values(["size", "label"], ascending=[False, True], kind="stable")
    return list(ordered["label"].head(n))


def histogram(ax: plt.Axes, values: Sequence[float], bins: int = 30, **style: object) -> pd.DataFrame:
    """Draw a histogram of ``values`` on ``ax``; the bins as data (``low, high, count``) for the CSV, which
    stays ``bins`` rows however many values there are."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    counts, edges = np.histogram(values, bins=bins) if len(values) else (np.zeros(0, int), np.zeros(1))
    if len(counts):
        ax.stairs(counts, edges, fill=True, **style)
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "count": counts})


def mean_cosine_by_group(
    vectors: sparse.spmatrix, groups: Sequence[str], labels: Sequence[str]
) -> pd.DataFrame:
    """Mean cosine similarity between the rows of ``vectors`` (one per article) of two groups, for the groups
    in ``labels``: all pairs across two groups, pairs of different articles within one (NaN for a group of
    one article). Sums of normalised rows give every mean without the articles x articles matrix, so it
    costs memory in the number of groups, not articles squared. Each row is divided by its norm inside
    the sum (a groups x articles matrix of reciprocal norms), not in a normalised copy of ``vectors``
    (nor its square, for the rows of norm 0): with the TF-IDF weights of 100,000 generated articles (47.6
    million entries) made beside it, the calling process's peak rose 0.76 GB, not 1.85 (17.9 -> 14.7 s)."""
    labels = list(labels)
    position = {label: k for k, label in enumerate(labels)}
    codes = np.array([position.get(group, -1) for group in groups], dtype=np.int64)  # -1: not shown
    size = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(float)
    vectors = sparse.csr_matrix(vectors)
    norms = row_norms(vectors)  # computed row by row: no squared copy of the matrix
    rows = np.flatnonzero((codes >= 0) & (norms > 0))  # a row of norm 0 adds nothing
    weights = sparse.csr_matrix((1 / norms[rows], (codes[rows], rows)), shape=(len(labels), vectors.shape[0]))
    sums = weights @ vectors
    dot = np.asarray((sums @ sums.T).todense(), dtype=float)
    itself = np.bincount(codes[rows], minlength=len(labels))  # each row's similarity with itself, 1
    np.fill_diagonal(dot, np.diag(dot) - itself)
    pairs = np.outer(size, size)
    np.fill_diagonal(pairs, size * (size - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(pairs > 0, dot / np.where(pairs > 0, pairs, 1), np.nan)
    index = pd.Index(labels, name="group")
    return pd.DataFrame(np.round(means, 3), index=index, columns=labels)


def group_totals(
    pairs: pd.DataFrame, a: str, b: str, value: str, groups: pd.Series, labels: Sequence[str]
) -> pd.DataFrame:
    """Sum ``value`` over rows of ``pairs`` (two articles each, in columns ``a`` and ``b``) by the groups of
    both articles, both ways round, for the groups in ``labels``: a groups x groups table. ``groups`` maps
    an article id to its group."""
    labels = list(labels)
    both = pd.DataFrame(
        {
            "row": pd.concat([pairs[a], pairs[b]], ignore_index=True).map(groups),
            "column": pd.concat([pairs[b], pairs[a]], ignore_index=True).map(groups),
            "value": pd.concat([pairs[value], pairs[value]], ignore_index=True),
        }
    )
    table = both.pivot_table(index="row", columns="column", values="value", aggfunc="sum", fill_value=0)
    table = table.reindex(index=labels, columns=labels, fill_value=0).astype(float)
    table.index.name, table.columns.name = "group", None
    return table
