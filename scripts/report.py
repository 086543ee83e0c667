"""Run every notebook on a corpus and render shareable HTML reports (``make report``).

The stored notebooks are never touched: copies are executed in ``BUILD/run/`` with papermill, then
rendered without code into ``BUILD/reports/``, next to an index and a page per article. Figures go to
``BUILD/figures/``, never to the tracked ``figures/``. The pages need no network and two runs on the
same corpus give byte-identical HTML, so a report can be archived, diffed and mailed as files.

Reports stay readable at scale: a table longer than ``analysis.reports.MAX_ROWS`` shows its first rows and
links the CSV of every row in ``BUILD/reports/tables/``; the index lists the first ``MAX_ROWS`` articles
(all of them in ``tables/index-articles.csv``); and article pages are written for those and for every
article a report page links to, so every evidence link resolves without one page per article of a
100,000-article corpus.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT))  # run as `python scripts/report.py` without installing the package

import nbformat  # noqa: E402
import papermill  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402
from traitlets.config import Config  # noqa: E402

from analysis.corpus import load_corpus  # noqa: E402
from analysis.reports import (  # noqa: E402
    CONTENT_SECURITY_POLICY,
    TEMPLATES,
    cited_articles,
    indexed_articles,
    provenance_html,
    write_article_pages,
    write_index,
)

STYLER_ID = re.compile(r'<table id="T_([0-9a-f]{5})"')
# Anything that would load a resource over the network: report pages must open offline.
REMOTE = re.compile(
    r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//"
)


def exporter() -> HTMLExporter:
    """HTML exporter for readers: outputs only, no scripts or network loads, nothing random."""
    c = Config()
    c.HTMLExporter.template_name = "offline_report"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    # Outputs needing JavaScript (widgets, JS, Mermaid) fall back to their next representation;
    # the lab template would also give each a random uuid4 element id.
    c.NbConvertBase.display_data_priority = [
        "text/html",
        "text/markdown",
        "image/svg+xml",
        "text/latex",
        "image/png",
        "image/jpeg",
        "text/plain",
    ]
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = ("injected-parameters",)
    c.TagRemovePreprocessor.remove_input_tags = ("remove-input",)
    return HTMLExporter(config=c)


def normalise(nb: nbformat.NotebookNode, source_ids: set[str]) -> None:
    """Drop or fix what changes between runs: papermill and execution timings, widget state, the
    random ids of cells the source lacks (papermill's injected cell, ids nbformat draws for old
    notebooks), and how the kernel cut printed text into pieces (see :func:`merged_streams`)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.id not in source_ids:
            cell.id = f"cell-{index}"
        if cell.cell_type == "code":
            cell.outputs = merged_streams(cell.outputs)


def merged_streams(outputs: list) -> list:
    """Consecutive outputs of one stream (stdout or stderr) as one. The kernel sends printed text in
    pieces as it flushes, on a timer: a long table printed under load came out in two pieces in one
    build of notebook 03 and in one piece in the next."""
    merged: list = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output.get("output_type") == last.get("output_type") == "stream"
            and output.get("name") == last.get("name")
        ):
            last["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def stable_styler_ids(page: str) -> str:
    """Number pandas Styler tables in order: each render draws a random ``T_<5 hex>`` id for its CSS."""
    for number, uuid in enumerate(dict.fromkeys(STYLER_ID.findall(page)), start=1):
        page = page.replace(f"T_{uuid}", f"T_styler{number}")
    return page


def title_and_question(nb: nbformat.NotebookNode, fallback: str) -> tuple[str, str]:
    """The H1 title and the question under it, from the first markdown cell (the notebook layout rule),
    as plain text for the index."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.strip().splitlines()
            if lines and lines[0].startswith("# "):
                question = " ".join(line.strip() for line in lines[1:] if line.strip())
                return lines[0][2:].strip(), re.sub(
                    r"[*`]", "", re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", question)
                )
            break
    return fallback, ""


def run(source: Path, executed: Path, parameters: dict[str, str]) -> nbformat.NotebookNode:
    """Execute a copy of ``source`` the way Jupyter would (in ``notebooks/``) and normalise it."""
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            cwd=str(NOTEBOOKS),
            kernel_name="python3",
            progress_bar=False,
        )
    except papermill.PapermillExecutionError as error:
        sys.exit(
            f"{source.name} failed at In [{error.exec_count}]: {error.ename}: {error.evalue}\n"
            f"see the executed copy {executed}"
        )
    nb = nbformat.read(executed, as_version=4)
    normalise(nb, {cell.get("id") for cell in json.loads(source.read_text(encoding="utf-8"))["cells"]})
    nbformat.write(nb, executed)
    return nb


def with_provenance(nb: nbformat.NotebookNode, provenance: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` showing ``provenance`` right under the title cell (the first markdown cell that
    opens with an H1), so the page's headings run in order: its one H1, then the Provenance H2."""
    nb = copy.deepcopy(nb)
    block = nbformat.v4.new_code_cell(
        source="",
        id="provenance",
        outputs=[nbformat.v4.new_output("display_data", data={"text/html": provenance})],
    )
    title = next(
        (
            index
            for index, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# ")
        ),
        -1,
    )
    nb.cells.insert(title + 1, block)
    return nb


def render(nb: nbformat.NotebookNode, name: str, title: str, provenance: str) -> str:
    """The notebook as a self-contained page for readers, provenance under its title; refuses remote
    resources."""
    nb = with_provenance(nb, provenance)
    nb.metadata["title"] = title
    resources = {"metadata": {"name": name}, "content_security_policy": CONTENT_SECURITY_POLICY}
    page = stable_styler_ids(exporter().from_notebook_node(nb, resources=resources)[0])
    remote = REMOTE.findall(page)
    if remote:
        sys.exit(f"{name}: the rendered page would load from the network: {remote[:3]}")
    return page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        required=True,
        type=Path,
        help="a folder of .txt files or a CSV/TSV/JSONL/Parquet table (relative: to the current folder)",
    )
    parser.add_argument("--build", required=True, type=Path, help="output folder (git-ignored)")
    args = parser.parse_args(argv)
    corpus_path, build = args.corpus.resolve(), args.build.resolve()
    if not corpus_path.exists():
        parser.error(f"corpus not found: {corpus_path} (set CORPUS=<folder of .txt files>)")
    if build == ROOT:
        parser.error("BUILD must not be the repository root: figures would overwrite the tracked figures/")
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not notebooks:
        parser.error(f"no notebooks matching [0-9][0-9]-*.ipynb in {NOTEBOOKS}")
    try:
        corpus = load_corpus(corpus_path)  # before any kernel starts
    except (OSError, ValueError) as error:
        parser.error(f"cannot load the corpus {corpus_path}: {error}")

    run_dir, reports, figures = build / "run", build / "reports", build / "figures"
    tables = reports / "tables"
    shutil.rmtree(tables, ignore_errors=True)  # CSVs of an earlier run, maybe on another corpus
    for folder in (run_dir, reports, figures):
        folder.mkdir(parents=True, exist_ok=True)
    parameters = {
        "CORPUS": str(corpus_path),
        "FIGURES": str(figures),
        "TABLES": str(tables),
        "REPORTS": str(reports),
    }
    # Kernels inherit the environment: they must import this checkout's analysis and draw inline figures.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("PROGRESS", "terminal")  # progress bars in the terminal, never in a report

    entries, written = [], set()
    for source in notebooks:
        print(f"running {source.relative_to(ROOT)} on {corpus_path}", flush=True)
        # TABLES and REPORTS only where the parameters cell declares them, or papermill warns of an unknown
        # parameter.
        declared = papermill.inspect_notebook(str(source))
        passed = {
            name: value
            for name, value in parameters.items()
            if name not in ("TABLES", "REPORTS") or name in declared
        }
        nb = run(source, run_dir / source.name, passed)
        title, question = title_and_question(nb, source.stem)
        page = reports / f"{source.stem}.html"
        page.write_text(
            render(nb, source.stem, title, provenance_html(corpus, passed)), encoding="utf-8", newline="\n"
        )
        entries.append((title, page.name, question))
        written.add(page)
    # A page for every article the index lists or a report links to: all of them for a small corpus.
    linked = cited_articles(sorted(written), corpus) | set(indexed_articles(corpus))
    written.update(write_article_pages(corpus, reports, linked))
    index = write_index(reports, entries, corpus, parameters)
    for stale in set(reports.glob("**/*.html")) - written - {index}:  # from an earlier run on another corpus
        stale.unlink()
    print(f"report index: {index}")


if __name__ == "__main__":
    main()
