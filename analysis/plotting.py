"""One helper saves every figure, in one house style, so that re-runs are byte-identical.

Each figure is written as ``NN-slug.png`` beside ``NN-slug.csv`` holding exactly the data plotted.
The style pins the font (DejaVu Sans, shipped with matplotlib), size, resolution and a
colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008), and strips the PNG's
software and date metadata.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from IPython.display import Image
from matplotlib.figure import Figure

# Okabe-Ito without its yellow (too faint on white), black last. Under simulated protanopia, deuteranopia
# and tritanopia every two of these stay apart (CIELAB distance >= 16, tests/test_plotting.py); a grey in
# black's place came within 7 of the reddish purple for deuteranopes.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
DPI = 100
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
