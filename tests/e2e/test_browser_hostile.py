"""Reports on the hostile corpus (``analysis.synthetic.write_hostile_corpus``: markup and script payloads,
``javascript:`` URLs, RTL text, emoji, control characters, legacy encodings, markup in file names) pass the
browser audit, and no payload runs: not with the pages' Content-Security-Policy, nor without it, which
shows that escaping alone keeps them inert (a payload that ran would set ``window.__pwned`` or open a
dialog, and the audit reports both)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from browser import audit_pages
from builds import build_reports, report_pages

from analysis.corpus import load_corpus
from analysis.reports import write_article_pages, write_index
from analysis.synthetic import write_hostile_corpus

# Small enough for a browser to open every page: the scale is other tests' business.
SIZE = {"n_tiny": 5, "big_mb": 0.05}


@pytest.fixture(scope="module")
def hostile_corpus(check_root: Path) -> Path:
    folder = check_root / "hostile" / "corpus"
    shutil.rmtree(folder, ignore_errors=True)
    write_hostile_corpus(folder, **SIZE)
    return folder


def _audit_both_ways(pages: list[Path], screenshots: Path) -> list[str]:
    problems = audit_pages(pages, screenshots)
    problems += [f"(CSP off) {p}" for p in audit_pages(pages, screenshots / "csp-off", bypass_csp=True)]
    return problems


def test_hostile_article_pages_and_index_keep_payloads_inert(hostile_corpus: Path, check_root: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loader warns about the skipped and re-encoded files
        corpus = load_corpus(hostile_corpus)
    out = check_root / "hostile" / "pages"
    shutil.rmtree(out, ignore_errors=True)
    pages = write_article_pages(corpus, out)
    index = write_index(out, [], corpus, {"CORPUS": str(hostile_corpus)})
    assert len(pages) == len(corpus) >= 15
    problems = _audit_both_ways([index, *pages], out / "screenshots")
    assert problems == [], "\n".join(problems)


def test_hostile_reports_pass_the_browser_audit(hostile_corpus: Path, check_root: Path) -> None:
    build = check_root / "hostile" / "build"
    shutil.rmtree(build, ignore_errors=True)
    build_reports(hostile_corpus, build)
    problems = _audit_both_ways(report_pages(build), build / "screenshots")
    assert problems == [], "\n".join(problems)
