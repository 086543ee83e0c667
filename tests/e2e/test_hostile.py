"""The whole report on the full-size hostile corpus (``make check``): it finishes in time, skips only the
empty, binary and duplicate files and lists each with its reason, and every hostile string from the
articles reaches the pages as text, never as markup.

The corpus is ``analysis.synthetic.write_hostile_corpus`` at full size: 10,000 tiny articles and one
10 MB article among markup, entities, right-to-left text, emoji, control characters, a Windows-1252
and a UTF-16 file. The report runs as ``make report`` does, in a process of its own; the seconds each
notebook took are printed and written to ``<build>/timings.json``.

Environment: ``HOSTILE_TINY`` and ``HOSTILE_MB`` scale the corpus down for a quick look,
``HOSTILE_BUDGET`` (seconds, default 900) bounds the whole run; ``CHECK_BUILD`` keeps the build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.corpus import load_corpus, skipped_files
from analysis.reports import MAX_ROWS
from analysis.synthetic import write_hostile_corpus

ROOT = Path(__file__).resolve().parents[2]
N_TINY = int(os.environ.get("HOSTILE_TINY", "10000"))
BIG_MB = float(os.environ.get("HOSTILE_MB", "10"))
BUDGET_SECONDS = float(os.environ.get("HOSTILE_BUDGET", "900"))
RUNNING = re.compile(r"^running (notebooks/\S+\.ipynb)")


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text of any ``<script>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name.lower(): value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _elements(page: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.elements


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Write the corpus, run the report on it once, and time each notebook."""
    check = os.environ.get("CHECK_BUILD")
    root = Path(check).resolve() / "hostile-full" if check else tmp_path_factory.mktemp("hostile-full")
    corpus, build = root / "corpus", root / "build"
    for folder in (corpus, build):
        shutil.rmtree(folder, ignore_errors=True)
    written = write_hostile_corpus(corpus, n_tiny=N_TINY, big_mb=BIG_MB)
    started = time.monotonic()
    stages: dict[str, float] = {}
    stage, stage_start = "load the corpus", started
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "report.py"), "--corpus", str(corpus), "--build", str(build)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)
        if (match := RUNNING.match(line)) or line.startswith("report index:"):
            now = time.monotonic()
            stages[stage] = round(now - stage_start, 1)
            stage, stage_start = (match.group(1) if match else "article pages and index"), now
        if time.monotonic() - started > BUDGET_SECONDS + 600:  # well past the budget: stop waiting
            process.kill()
            break
    returncode = process.wait()
    total = time.monotonic() - started
    stages[stage] = round(time.monotonic() - stage_start, 1)
    stages["total"] = round(total, 1)
    build.mkdir(parents=True, exist_ok=True)
    (build / "timings.json").write_text(json.dumps(stages, indent=2), encoding="utf-8")
    print(f"\nhostile report ({N_TINY} tiny articles, {BIG_MB} MB article), seconds: {json.dumps(stages)}")
    return {
        **written,
        "build": build,
        "returncode": returncode,
        "output": "".join(output),
        "seconds": total,
        "stages": stages,
    }


def test_the_report_finishes_within_the_budget(hostile_run: dict) -> None:
    assert hostile_run["returncode"] == 0, hostile_run["output"][-6000:]
    assert hostile_run["seconds"] < BUDGET_SECONDS, hostile_run["stages"]
    pages = sorted(p.name for p in (hostile_run["build"] / "reports").glob("*.html"))
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert pages == sorted([f"{n}.html" for n in notebooks] + ["index.html"])


def test_only_empty_binary_and_duplicate_files_are_skipped_each_with_its_reason(hostile_run: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(hostile_run["folder"])
    skipped = skipped_files(corpus)
    assert dict(zip(skipped["file"], skipped["reason"], strict=True)) == hostile_run["skipped"]
    assert sorted(corpus["file"]) == sorted(hostile_run["articles"])
    encodings = corpus.set_index("file")["encoding"]
    for name, encoding in hostile_run["encodings"].items():
        assert encodings[name] == encoding, name


def test_the_report_lists_every_skipped_file_with_its_reason(hostile_run: dict) -> None:
    assert hostile_run["returncode"] == 0, hostile_run["output"][-3000:]
    described = (hostile_run["build"] / "reports" / "01-describe-corpus.html").read_text(encoding="utf-8")
    for name, reason in hostile_run["skipped"].items():
        row = re.search(rf"{re.escape(name)}.{{0,400}}?{re.escape(reason)}", described, re.DOTALL)
        assert row, f"the report does not list {name} with '{reason}'"
    for name, encoding in hostile_run["encodings"].items():
        assert re.search(rf"{re.escape(name)}.{{0,600}}?{encoding}", described, re.DOTALL), name


def test_hostile_text_reaches_every_page_as_text(hostile_run: dict) -> None:
    assert hostile_run["returncode"] == 0, hostile_run["output"][-3000:]
    reports = hostile_run["build"] / "reports"
    pages = [*reports.glob("*.html"), *reports.glob("articles/*.html")]
    # A page per article the index lists (the first MAX_ROWS) or a report links to, not one per article.
    article_pages = [page for page in pages if page.parent.name == "articles"]
    assert len(article_pages) >= min(len(hostile_run["articles"]), MAX_ROWS)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "window.__pwned = 1</script>" not in html and "<script>alert" not in html, page.name
        for tag, attributes in _elements(page):
            assert tag != "script", f"{page.name}: a <script> element"
            handlers = [name for name in attributes if name.startswith("on")]
            assert not handlers, f"{page.name}: <{tag}> has event handler attributes {handlers}"
            for name in ("href", "src", "action", "formaction", "data"):
                value = attributes.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "vbscript:")), (
                    f"{page.name}: <{tag} {name}={value!r}>"
                )
    markup = (reports / "articles" / "hostile_01_markup.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert "&lt;a href=&quot;javascript:window.__pwned = 1&quot;&gt;" in markup
    entities = (reports / "articles" / "hostile_02_entities.html").read_text(encoding="utf-8")
    assert "&amp;lt;script&amp;gt;window.__entity = 1&amp;lt;/script&amp;gt;" in entities, (
        "entities shown as typed"
    )
    assert "Smith &amp;amp; Sons" in entities
    for name in ("hostile_03_arabic", "hostile_04_hebrew", "hostile_06_emoji", "hostile_09_utf16"):
        assert (reports / "articles" / f"{name}.html").exists(), name
    controls = (reports / "articles" / "hostile_07_controls.html").read_text(encoding="utf-8")
    assert "\x00" not in controls.split("<h2>What cleaning removed</h2>")[0], (
        "control characters leave the text"
    )
