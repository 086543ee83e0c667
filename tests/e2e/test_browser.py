"""The rendered seed reports, opened in headless Chromium from files, pass the whole audit; and the audit is
seen to catch each kind of problem it looks for, on small pages made broken on purpose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import audit_pages
from builds import ROOT, report_pages

# A 1×1 PNG: an image that loads without leaving the page.
PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _page(body: str) -> str:
    head = '<meta charset="utf-8"><title>t</title>'
    return f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head>\n<body>{body}</body></html>\n'


GOOD = _page(
    f'<h1 id="top">Fine</h1><h2>Part</h2><h3>Detail</h3><h2>Table</h2>'
    f'<img src="{PIXEL}" alt="one pixel">'
    "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    '<a href="other.html#there">there</a> <a href="#top">top</a> <a href="https://example.org/">web</a>'
)
BROKEN = {
    "good.html": GOOD,
    "other.html": _page('<h1>Other</h1><p id="there">here</p>'),
    "remote.html": _page('<h1>Remote</h1><img src="http://example.com/x.png" alt="x">'),
    "console.html": _page('<h1>Console</h1><script>console.error("boom")</script>'),
    "exception.html": _page('<h1>Throws</h1><script>throw new Error("kaboom")</script>'),
    "anchors.html": _page(
        '<h1>Anchors</h1><a href="other.html#nope">evidence</a> <a href="missing.html">gone</a> '
        '<a href="#nowhere">here</a> <a href="javascript:void(0)">js</a>'
    ),
    "a11y.html": _page(
        f'<h1>One</h1><h3>Skipped a level</h3><h1>Two</h1><img src="{PIXEL}"><img src="{PIXEL}" alt=" ">'
        "<table><tr><td>no header</td></tr></table>"
    ),
    "payload.html": _page('<h1>Payload</h1><script>window.__pwned = 1; alert("owned")</script>'),
    "bare.html": "<!DOCTYPE html><html><body><h1>No lang, no title</h1></body></html>",
}
# Per page: what the audit must say about it (substrings of its lines for that page).
EXPECTED = {
    "good.html": [],
    "other.html": [],
    "remote.html": ["requested http://example.com/x.png", "image 1 (http://example.com/x.png) did not load"],
    "console.html": ["console error: boom"],
    "exception.html": ["uncaught exception: Error: kaboom"],
    "anchors.html": [
        "link 'other.html#nope' ('evidence'): no element with id 'nope' in other.html",
        "link 'missing.html' ('gone') points at a missing file",
        "link '#nowhere' ('here'): no element with id 'nowhere' in this page",
        "link 'javascript:void(0)' ('js') uses the scheme 'javascript'",
    ],
    "a11y.html": [
        "2 <h1> headings instead of exactly one",
        "<h3> 'Skipped a level' follows <h1>: a heading level is skipped",
        "image 1 (data:image/png;base64,…) has no alt text",
        "image 2 (data:image/png;base64,…) has no alt text",
        "table without header cells (<th>): 'no header'",
    ],
    "payload.html": ["a payload ran: window.__pwned is set", "a script opened a dialog (alert): 'owned'"],
    "bare.html": ["<html> has no lang attribute", "the page has no <title>"],
}


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    site = tmp_path_factory.mktemp("broken-site")
    for name, text in BROKEN.items():
        (site / name).write_text(text, encoding="utf-8")
    problems = audit_pages([site / name for name in BROKEN], site / "screenshots")
    return site, problems


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_audit_reports_each_problem_on_its_page(broken_site: tuple[Path, list[str]], name: str) -> None:
    _, problems = broken_site
    found = [problem.removeprefix(f"{name}: ") for problem in problems if problem.startswith(f"{name}: ")]
    if not EXPECTED[name]:
        assert found == [], f"a sound page was reported: {found}"
    for expected in EXPECTED[name]:
        assert any(expected in line for line in found), f"{name}: expected {expected!r} among {found}"


def test_the_audit_reports_nothing_else_and_shoots_every_page(broken_site: tuple[Path, list[str]]) -> None:
    site, problems = broken_site
    unexpected = [
        line
        for line in problems
        if not any(expected in line for expected in EXPECTED[line.split(": ", 1)[0]])
        # Chromium's own words for a blocked load, beside the audit's line for the same request.
        and "net::ERR_BLOCKED_BY_CLIENT" not in line
        and "net::ERR_FAILED" not in line
    ]
    assert unexpected == []
    assert sorted(p.name for p in (site / "screenshots").glob("*.png")) == sorted(
        name.replace(".html", ".png") for name in BROKEN
    )


def test_seed_reports_pass_the_browser_audit(seed_build: Path) -> None:
    pages = report_pages(seed_build)
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    names = {page.relative_to(seed_build / "reports").as_posix() for page in pages}
    assert {"index.html", *(f"{n}.html" for n in notebooks)} <= names
    assert len([n for n in names if n.startswith("articles/")]) == len(list((ROOT / "seeds").glob("*.txt")))
    # The audit is not vacuous: there are figures to check for alt text and evidence links to follow.
    texts = {page.name: page.read_text(encoding="utf-8") for page in pages}
    assert sum(text.count("<img ") for text in texts.values()) >= len(notebooks)
    assert sum(len(re.findall(r'href="articles/[^"#]+\.html#s\d+-\d+"', t)) for t in texts.values()) > 0

    screenshots = seed_build / "screenshots"
    problems = audit_pages(pages, screenshots)
    assert problems == [], "\n".join(problems)
    assert len(list(screenshots.glob("*.png"))) == len(pages)
