"""``make report`` on a user's corpus: a relative path, its own build folder, nothing stored touched.

This runs the real notebooks through papermill and nbconvert (a few seconds per notebook).
"""

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_make_report_on_a_users_relative_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "work" / "my articles"
    corpus.mkdir(parents=True)
    for name in ("000_6439c62e06d1798b.txt", "004_06805eb31a0cf900.txt"):
        shutil.copy(ROOT / "seeds" / name, corpus / name)
    (corpus / "003_evil.txt").write_text(
        "A <script>alert(1)</script> headline\n\nThe council met on Monday. <img src=x onerror=alert(2)> "
        "Officials said the plan would cost $2 million over 3 years.\n",
        encoding="utf-8",
    )
    stored = list((ROOT / "notebooks").glob("*.ipynb")) + list((ROOT / "figures").glob("*"))
    before = _digest(stored)
    build = tmp_path / "out"
    # As typed in a shell in the folder above the articles: the shell sets PWD, make -C does not.
    env = {**os.environ, "PWD": str(corpus.parent)}
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "report", "CORPUS=my articles", f"BUILD={build}"],
        cwd=corpus.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert _digest(stored) == before, "make report must not touch the stored notebooks or figures/"

    reports = build / "reports"
    pages = sorted(p.name for p in reports.glob("*.html"))
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert pages == sorted([f"{n}.html" for n in notebooks] + ["index.html"])
    assert sorted(p.stem for p in (reports / "articles").glob("*.html")) == [
        "000_6439c62e06d1798b",
        "003_evil",
        "004_06805eb31a0cf900",
    ]
    assert (build / "figures" / "01-article-lengths.png").exists()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert f"<dt>Corpus</dt><dd>{corpus}</dd>" in index.replace("<code>", "").replace("</code>", "")
    assert "<dt>Articles</dt><dd>3</dd>" in index
    for page in [*reports.glob("*.html"), *(reports / "articles").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html and "<img src=x" not in html, page.name
        assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), (
            f"{page.name} loads remotely"
        )
    article = (reports / "articles" / "003_evil.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    # Three articles fit every table: nothing is cut, so no "Showing the first ..." line and no CSV of tables.
    assert not (reports / "tables").exists()
    assert not any("Showing the first" in page.read_text(encoding="utf-8") for page in reports.glob("*.html"))


def test_printed_text_cut_into_pieces_reads_as_one_output() -> None:
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("report", ROOT / "scripts" / "report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    new = nbformat.v4
    pieces = [
        new.new_output("stream", name="stdout", text="a  0.0\n"),
        new.new_output("stream", name="stdout", text="b  0.1"),
        new.new_output("stream", name="stderr", text="warning\n"),
        new.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        new.new_output("stream", name="stdout", text="after\n"),
    ]
    nb = new.new_notebook(cells=[new.new_code_cell("print(table)", id="table", outputs=pieces)])
    report.normalise(nb, {"table"})
    assert [(o.output_type, o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stream", "stdout", "a  0.0\nb  0.1"),
        ("stream", "stderr", "warning\n"),
        ("execute_result", None, None),
        ("stream", "stdout", "after\n"),
    ]
