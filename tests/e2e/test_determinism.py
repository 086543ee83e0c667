"""Two builds of the seed reports, in separate processes with different hash seeds but the same corpus and
build paths, write byte-identical notebooks, figures (PNG and CSV) and HTML pages."""

from __future__ import annotations

import difflib
import shutil
import struct
from pathlib import Path

from builds import SEEDS, build_reports

# What a build writes, by folder: executed notebooks, figures and their data, the HTML pages.
OUTPUTS = {"run": ("*.ipynb",), "figures": ("*.png", "*.csv"), "reports": ("*.html", "articles/*.html")}


def _files(build: Path) -> dict[str, Path]:
    return {
        path.relative_to(build).as_posix(): path
        for folder, patterns in OUTPUTS.items()
        for pattern in patterns
        for path in (build / folder).glob(pattern)
    }


def _png_chunks(data: bytes) -> list[tuple[str, bytes]]:
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunks.append((kind.decode("latin-1"), data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def diff_hint(name: str, first: bytes, second: bytes) -> str:
    """A short account of how two versions of a file differ: the first changed lines of a text file, the
    changed chunks of a PNG, else sizes and the first differing byte."""
    if name.endswith(".png"):
        a, b = set(_png_chunks(first)), set(_png_chunks(second))
        changed = sorted({kind for kind, _ in a ^ b})
        return f"PNG chunks differ: {changed} ({len(first)} vs {len(second)} bytes)"
    try:
        a_lines, b_lines = first.decode("utf-8").splitlines(), second.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        offset = next((i for i, (x, y) in enumerate(zip(first, second, strict=False)) if x != y), None)
        return f"{len(first)} vs {len(second)} bytes, first difference at byte {offset}"
    lines = [
        line[:160]
        for line in difflib.unified_diff(a_lines, b_lines, "first", "second", n=0, lineterm="")
        if not line.startswith(("---", "+++"))
    ]
    return "\n    ".join(lines[:8] + ([f"... {len(lines) - 8} more diff lines"] if len(lines) > 8 else []))


def compare_builds(first: Path, second: Path) -> list[str]:
    """Every output file that is missing from one build or differs between the two, with a diff hint."""
    a, b = _files(first), _files(second)
    problems = [f"{name}: only in the first build" for name in sorted(a.keys() - b.keys())]
    problems += [f"{name}: only in the second build" for name in sorted(b.keys() - a.keys())]
    for name in sorted(a.keys() & b.keys()):
        one, two = a[name].read_bytes(), b[name].read_bytes()
        if one != two:
            problems.append(f"{name} differs:\n    {diff_hint(name, one, two)}")
    return problems


def test_compare_builds_names_each_difference(tmp_path: Path) -> None:
    for build, text in (("a", "x = 1\ny = 2\n"), ("b", "x = 1\ny = 3\n")):
        (tmp_path / build / "figures").mkdir(parents=True)
        (tmp_path / build / "figures" / "01-f.csv").write_text(text)
    (tmp_path / "a" / "figures" / "02-g.csv").write_text("")
    problems = compare_builds(tmp_path / "a", tmp_path / "b")
    assert problems == [
        "figures/02-g.csv: only in the first build",
        "figures/01-f.csv differs:\n    @@ -2 +2 @@\n    -y = 2\n    +y = 3",
    ]


def test_two_report_builds_are_byte_identical(seed_build: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    for folder in OUTPUTS:
        shutil.copytree(seed_build / folder, first / folder)
    assert len(_files(first)) > 10
    build_reports(SEEDS, seed_build, hash_seed="2")  # same corpus and build paths, another process
    problems = compare_builds(first, seed_build)
    assert problems == [], "the two builds differ:\n" + "\n".join(problems)


def test_a_png_difference_names_the_chunk(tmp_path: Path) -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    for build, stamp in (("a", "2024-01-01"), ("b", "2024-01-02")):
        (tmp_path / build / "figures").mkdir(parents=True)
        info = PngInfo()
        info.add_text("Creation Time", stamp)
        Image.new("RGB", (2, 2)).save(tmp_path / build / "figures" / "01-f.png", pnginfo=info)
    [problem] = compare_builds(tmp_path / "a", tmp_path / "b")
    assert problem.startswith("figures/01-f.png differs:\n    PNG chunks differ: ['tEXt']")
