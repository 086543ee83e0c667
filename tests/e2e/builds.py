"""Build the HTML reports the way ``make report`` does, in a process of its own, and list their pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BUILD_TIMEOUT = 1200


def build_reports(corpus: Path, build: Path, *, hash_seed: str | None = None) -> None:
    """Run ``scripts/report.py --corpus corpus --build build``; fail with the end of its output if it fails.

    ``hash_seed`` sets ``PYTHONHASHSEED`` for the script and the kernels it starts, so two builds can be
    made to order sets and string hashes differently.
    """
    env = dict(os.environ)
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = hash_seed
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "report.py"), "--corpus", str(corpus), "--build", str(build)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"building the reports for {corpus} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )


def report_pages(build: Path) -> list[Path]:
    """The index, every notebook page and every article page of a build, in a stable order."""
    reports = build / "reports"
    pages = [*reports.glob("*.html"), *reports.glob("articles/*.html")]
    return [reports / "index.html", *sorted(page for page in pages if page.name != "index.html")]
