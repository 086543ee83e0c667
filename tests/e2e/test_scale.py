"""Reports stay readable at scale: ``make report`` on a generated corpus of ``SCALE_ARTICLES`` articles gives
pages of bounded size that Chromium opens in under ``OPEN_SECONDS`` seconds, with tables cut to their first
rows beside a CSV of all of them, and every link (evidence, CSV, article page) resolving.

The target (issue 7) is a 100,000-article corpus whose HTML stays under 10 MB and opens in under 5 seconds.
Nothing on a page grows with the number of articles any more (tables and the index list at most
``analysis.reports.MAX_ROWS`` rows, charts aggregate beyond ``analysis.plotting.MAX_BARS`` marks), so a page
of a 2,000-article build is as large as one of a 100,000-article build; this test holds every page to a
fifth of the target, which leaves room for what does grow, with the number of comparison groups.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, VIEWPORT, audit_pages
from builds import ROOT, build_reports, report_pages

from analysis.reports import MAX_ROWS
from analysis.synthetic import generate_articles, write_corpus

SCALE_ARTICLES = 2_000  # a build of a few minutes; above MAX_ROWS, so the index and long tables are cut
TARGET_BYTES = 10_000_000  # the bound for the HTML of a 100,000-article corpus
PAGE_BYTES = TARGET_BYTES // 5
OPEN_SECONDS = 5.0
AUDITED_ARTICLE_PAGES = 10  # article pages are small and alike; the audit of the seeds covers them all


@pytest.fixture(scope="module")
def scale_build(check_root: Path) -> tuple[Path, float]:
    """The reports for a generated corpus of SCALE_ARTICLES articles, and how long the build took."""
    root = check_root / "scale"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    corpus = write_corpus(generate_articles(SCALE_ARTICLES, seed=0), root / "corpus.parquet")
    started = time.perf_counter()
    build_reports(corpus, root / "build")
    return root / "build", time.perf_counter() - started


def _open_seconds(pages: list[Path]) -> dict[str, float]:
    """Seconds from navigation to the load event of each page, opened from disk in headless Chromium."""
    from playwright.sync_api import sync_playwright

    seconds = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, service_workers="block")
            context.set_default_timeout(TIMEOUT_MS)
            for path in pages:
                page = context.new_page()
                started = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                seconds[path.name] = time.perf_counter() - started
                page.close()
        finally:
            browser.close()
    return seconds


def test_scale_reports_are_small_quick_to_open_and_pass_the_audit(scale_build: tuple[Path, float]) -> None:
    build, build_seconds = scale_build
    reports = build / "reports"
    pages = report_pages(build)
    top = [page for page in pages if page.parent == reports]
    articles = [page for page in pages if page.parent == reports / "articles"]
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert sorted(page.name for page in top) == sorted(["index.html", *(f"{n}.html" for n in notebooks)])

    sizes = {page.relative_to(reports).as_posix(): page.stat().st_size for page in pages}
    too_big = {name: size for name, size in sizes.items() if size > PAGE_BYTES}
    assert not too_big, f"pages over {PAGE_BYTES:,} bytes: {too_big}"
    report_bytes = sum(sizes[page.name] for page in top)
    assert report_bytes < TARGET_BYTES, f"index and notebook pages total {report_bytes:,} bytes"

    # The pages are summarised, not whole: long tables cut beside their CSV, the index cut beside the list of
    # every article, and article pages only for what the index lists or a report links to.
    texts = {page.name: page.read_text(encoding="utf-8") for page in top}
    cut = sum(len(re.findall(r"Showing the first [\d,]+ of [\d,]+ rows", text)) for text in texts.values())
    assert cut >= len(notebooks), "a corpus this size should cut some table of every report"
    for name, text in texts.items():
        for href in re.findall(r'href="(tables/[^"]+\.csv)"', text):
            assert (reports / href).is_file(), f"{name} links a missing CSV {href}"
    assert "index-articles.csv" in texts["index.html"]
    assert MAX_ROWS <= len(articles) < SCALE_ARTICLES
    assert sum(len(re.findall(r'href="articles/[^"#]+\.html#s\d+-\d+"', t)) for t in texts.values()) > 0

    seconds = _open_seconds(top + articles[:AUDITED_ARTICLE_PAGES])
    slow = {name: round(value, 2) for name, value in seconds.items() if value > OPEN_SECONDS}
    assert not slow, f"pages taking over {OPEN_SECONDS} s to open: {slow}"

    problems = audit_pages(top + articles[:AUDITED_ARTICLE_PAGES], build / "screenshots")
    assert problems == [], "\n".join(problems)
    print(
        f"\n{SCALE_ARTICLES} articles: built in {build_seconds:.0f} s; largest page "
        f"{max(sizes.values()):,} bytes; slowest to open {max(seconds.values()):.2f} s"
    )
