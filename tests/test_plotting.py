"""The house figure style is readable with colour-vision deficiencies: its palette is the chosen Okabe-Ito
list, every two colours stay apart under simulated protanopia, deuteranopia and tritanopia, and the notebooks
draw only with colour-blind-safe colours and colour maps. Saving a figure prints nothing into a report. The
group means a large corpus's charts draw are those of every pair of articles."""

from __future__ import annotations

import itertools
import json
import re
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.metrics.pairwise import cosine_similarity

from analysis.plotting import PALETTE, mean_cosine_by_group, new_figure, save_figure, series_style

ROOT = Path(__file__).resolve().parent.parent

# Okabe & Ito, "Color Universal Design" (2008).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
CHOSEN = ["blue", "orange", "bluish green", "reddish purple", "sky blue", "vermillion", "black"]
NEUTRAL_GREY = "#999999"  # notebooks draw what is unstable or "other" in it, beside one Okabe-Ito colour
SAFE_COLOUR_MAPS = {"cividis", "viridis"}

# Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB.
DEFICIENCIES = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "typical vision": np.eye(3).tolist(),
}
# linear sRGB to CIE XYZ (D65)
TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
MIN_DISTANCE = 15.0  # CIELAB ΔE*76 between any two palette colours as seen with each deficiency


def _linear_rgb(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = TO_XYZ @ np.clip(linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_house_palette_is_the_chosen_okabe_ito_list() -> None:
    assert [colour.upper() for colour in PALETTE] == [OKABE_ITO[name] for name in CHOSEN]


def test_new_figures_cycle_through_the_palette() -> None:
    fig, ax = new_figure()
    lines = [ax.plot([0, 1], [i, i])[0] for i in range(len(PALETTE))]
    assert [mpl.colors.to_hex(line.get_color()).upper() for line in lines] == [c.upper() for c in PALETTE]
    mpl.pyplot.close(fig)


@pytest.mark.parametrize("deficiency", list(DEFICIENCIES))
def test_every_two_palette_colours_stay_apart(deficiency: str) -> None:
    matrix = np.array(DEFICIENCIES[deficiency])
    seen = {colour: _lab(matrix @ _linear_rgb(colour)) for colour in PALETTE}
    distance, a, b = min(
        (float(np.linalg.norm(seen[a] - seen[b])), a, b) for a, b in itertools.combinations(PALETTE, 2)
    )
    assert distance >= MIN_DISTANCE, f"{a} and {b} are only {distance:.1f} apart with {deficiency}"


def test_the_simulation_finds_a_red_green_pair() -> None:
    deuteranopia = np.array(DEFICIENCIES["deuteranopia"])
    red, green = (_lab(deuteranopia @ _linear_rgb(c)) for c in ("#D62728", "#2CA02C"))  # matplotlib's C3, C2
    assert np.linalg.norm(red - green) < MIN_DISTANCE


def test_notebooks_draw_with_safe_colours_and_colour_maps() -> None:
    allowed = {*OKABE_ITO.values(), NEUTRAL_GREY}
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        colours = {colour.upper() for colour in re.findall(r"""["'](#[0-9A-Fa-f]{6})["']""", code)}
        assert colours <= allowed, f"{notebook.name} draws with {sorted(colours - allowed)}"
        maps = set(re.findall(r"""cmap\s*=\s*["']([\w.]+)["']""", code))
        assert maps <= SAFE_COLOUR_MAPS, f"{notebook.name} uses colour maps {sorted(maps - SAFE_COLOUR_MAPS)}"


def test_series_past_the_palette_are_hatched_so_none_looks_like_another() -> None:
    styles = [series_style(k) for k in range(3 * len(PALETTE))]
    looks = {(style["color"], style["hatch"]) for style in styles}
    assert len(looks) == len(styles)
    assert [style["color"] for style in styles[: len(PALETTE)]] == PALETTE
    assert all(style["hatch"] == "" for style in styles[: len(PALETTE)])


def test_saving_a_label_with_an_emoji_warns_nothing(tmp_path: Path) -> None:
    fig, ax = new_figure(3, 2)
    ax.set_title("Levant 🌍 Today")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        save_figure(fig, pd.DataFrame({"x": [1]}), "01-emoji", tmp_path, alt="A title with an emoji.")
    assert (tmp_path / "01-emoji.png").stat().st_size > 0


def test_mean_cosine_by_group_is_the_mean_over_every_pair_of_articles() -> None:
    rng = np.random.default_rng(7)
    blank = np.isin(np.arange(60), [4, 17, 30])  # articles without a term: like none, yet in the pairs
    vectors = sparse.diags((~blank).astype(float)) @ sparse.random(60, 40, density=0.15, random_state=rng) * 3
    vectors = sparse.csr_matrix(vectors)
    groups = rng.choice(["A", "B", "C", "D"], size=60)
    groups[59] = "E"  # a group of one article
    labels = ["C", "A", "E", "B"]  # "D" is not shown
    pairwise = cosine_similarity(vectors)
    expected = pd.DataFrame(np.nan, index=pd.Index(labels, name="group"), columns=labels)
    for a, b in itertools.product(labels, labels):
        block = pairwise[np.ix_(groups == a, groups == b)]
        if a == b:
            block = block[~np.eye(len(block), dtype=bool)]  # pairs of different articles
        if block.size:
            expected.loc[a, b] = block.mean()
    table = mean_cosine_by_group(vectors, groups, labels)
    pd.testing.assert_frame_equal(table, expected.round(3))
    assert np.isnan(table.loc["E", "E"]) and table.notna().sum().sum() == 15
    before = vectors.copy()
    pd.testing.assert_frame_equal(mean_cosine_by_group(vectors, list(groups), labels), table)  # from a list
    assert (vectors != before).nnz == 0  # the caller's vectors are left as they were
