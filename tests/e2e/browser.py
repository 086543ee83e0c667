"""Open report pages in headless Chromium, as a reader would from files, and list what is wrong with them.

``audit_pages`` is the whole check, so any test can run it on pages it wrote or rendered. Per page:

* nothing is requested but ``file:`` and ``data:`` URLs (every other request is aborted and reported);
* the console shows no error and no uncaught exception, no dialog opens, no file fails to load, and no
  page script set ``window.__pwned`` (the mark the hostile corpus's payloads leave when they run);
* every ``<img>`` loaded (``naturalWidth > 0``) and has non-empty alternative text;
* every link resolves: a ``file:`` target exists on disk and its ``#fragment`` names an element there
  (evidence links point at sentence anchors of article pages); ``javascript:`` and other schemes a
  report never needs are reported, web links (``http(s):``, ``mailto:``) are left alone;
* exactly one ``<h1>``, no heading level skipped going down, and every ``<table>`` has header cells;
* the page names its language and has a title.

A full-page PNG of each page is saved in ``screenshot_dir``. The browser is Debian's ``chromium``
driven through Playwright; Playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Error, Request, Route

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:")
WEB_LINK_SCHEMES = ("http", "https", "mailto")
TIMEOUT_MS = 30_000
SCREENSHOT_MAX_HEIGHT = 16_000
VIEWPORT = {"width": 1280, "height": 900}

_PAGE_FACTS = """() => {
  const text = (el) => (el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 60);
  return {
    pwned: typeof window.__pwned !== "undefined",
    lang: document.documentElement.getAttribute("lang") || "",
    title: document.title.trim(),
    images: Array.from(document.images, (img) => ({
      src: (img.getAttribute("src") || "").slice(0, 80),
      loaded: img.complete && img.naturalWidth > 0,
      alt: img.getAttribute("alt"),
    })),
    links: Array.from(document.querySelectorAll("a[href], area[href]"), (a) => ({
      raw: a.getAttribute("href"),
      url: a.href,
      text: text(a),
    })),
    headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"), (h) => ({
      level: Number(h.tagName[1]),
      text: text(h),
    })),
    tablesWithoutHeaders: Array.from(document.querySelectorAll("table"))
      .filter((t) => !t.querySelector("th"))
      .map((t) => text(t)),
  };
}"""


class _Anchors(HTMLParser):
    """The ``id`` and ``<a name>`` values of a page: what a ``#fragment`` can land on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                self.names.add(value)


def _anchors(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        parser = _Anchors()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = parser.names
    return cache[path]


def _label(page: Path, root: Path) -> str:
    try:
        return page.relative_to(root).as_posix()
    except ValueError:
        return str(page)


def _screenshot_name(label: str) -> str:
    return label.replace("/", "__").removesuffix(".html") + ".png"


def _check_links(page: Path, links: list[dict], anchors: dict[Path, set[str]]) -> list[str]:
    problems = []
    for link in links:
        raw, url = link["raw"], link["url"]
        where = f"link {raw[:80]!r} ({link['text']!r})"
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in WEB_LINK_SCHEMES:
            continue
        if scheme != "file":
            problems.append(f"{where} uses the scheme {scheme!r}, which a report never needs")
            continue
        target = Path(url2pathname(unquote(parts.path)))
        if not target.is_file():
            problems.append(f"{where} points at a missing file {target}")
            continue
        fragment = parts.fragment
        if not fragment or target.suffix not in (".html", ".htm"):
            continue
        # As browsers do: the fragment as written names the element, or else its percent-decoded form.
        if not {fragment, unquote(fragment)} & _anchors(target, anchors):
            where_to = "this page" if target.resolve() == page.resolve() else target.name
            problems.append(f"{where}: no element with id {unquote(fragment)!r} in {where_to}")
    return problems


def _check_headings(headings: list[dict]) -> list[str]:
    problems = []
    h1 = [h["text"] for h in headings if h["level"] == 1]
    if len(h1) != 1:
        problems.append(f"{len(h1)} <h1> headings instead of exactly one: {h1}")
    previous = 0
    for heading in headings:
        if heading["level"] > previous + 1:
            after = f"<h{previous}>" if previous else "the start of the page"
            problems.append(
                f"<h{heading['level']}> {heading['text']!r} follows {after}: a heading level is skipped"
            )
        previous = heading["level"]
    return problems


class _Watch:
    """Everything one page does while it loads that a report page must not do."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.found.append(f"requested {url[:120]} (only file: and data: URLs are allowed)")
            route.abort("blockedbyclient")

    def request(self, request: Request) -> None:
        if not request.url.startswith(LOCAL_SCHEMES):
            self.found.append(f"requested {request.url[:120]} (only file: and data: URLs are allowed)")

    def requestfailed(self, request: Request) -> None:
        if request.url.startswith(LOCAL_SCHEMES):
            self.found.append(f"loading {request.url[:120]} failed: {request.failure}")

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.found.append(f"console error: {message.text[:200]}")

    def pageerror(self, error: Error) -> None:
        self.found.append(f"uncaught exception: {error.name or 'Error'}: {error.message}"[:240])

    def dialog(self, dialog: Dialog) -> None:
        self.found.append(f"a script opened a dialog ({dialog.type}): {dialog.message[:120]!r}")
        dialog.dismiss()


def _check_facts(page: Path, facts: dict, anchors: dict[Path, set[str]]) -> list[str]:
    """Problems in what ``_PAGE_FACTS`` read from a loaded page."""
    problems = []
    if facts["pwned"]:
        problems.append("a payload ran: window.__pwned is set")
    if not facts["lang"]:
        problems.append("<html> has no lang attribute")
    if not facts["title"]:
        problems.append("the page has no <title>")
    for number, image in enumerate(facts["images"], start=1):
        src = image["src"]
        if src.startswith("data:"):
            src = src.split(",", 1)[0] + ",…"
        if not image["loaded"]:
            problems.append(f"image {number} ({src}) did not load")
        if not (image["alt"] or "").strip():
            problems.append(f"image {number} ({src}) has no alt text")
    problems.extend(_check_links(page, facts["links"], anchors))
    problems.extend(_check_headings(facts["headings"]))
    for table in facts["tablesWithoutHeaders"]:
        problems.append(f"table without header cells (<th>): {table!r}")
    return problems


def _audit_page(context: BrowserContext, page_path: Path, screenshot: Path, anchors: dict) -> list[str]:
    """Open one page in a fresh tab, screenshot it, then read and check it; its problems."""
    watch = _Watch()
    page = context.new_page()
    page.route("**/*", watch.route)
    for event in ("request", "requestfailed", "console", "pageerror", "dialog"):
        page.on(event, getattr(watch, event))
    facts = None
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        # The whole page, or its top SCREENSHOT_MAX_HEIGHT pixels: Chromium cannot capture taller ones.
        # Taking it also gives late scripts and timers their time before the page is read.
        height = min(page.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_MAX_HEIGHT)
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
        page.screenshot(path=screenshot, full_page=True, clip=clip)
        facts = page.evaluate(_PAGE_FACTS)
    except Exception as error:  # a page that cannot even be opened is one problem, not a crash
        watch.found.append(f"could not be opened and checked: {type(error).__name__}: {error}"[:300])
    finally:
        page.close()
    return watch.found + (_check_facts(page_path, facts, anchors) if facts is not None else [])


def audit_pages(pages: Sequence[Path], screenshot_dir: Path, *, bypass_csp: bool = False) -> list[str]:
    """Open every page from ``file://`` in headless Chromium; return its problems, one readable line each.

    An empty list means every page passed. ``bypass_csp`` makes the browser ignore the pages' own
    Content-Security-Policy, to show that escaping alone keeps hostile text from running.
    """
    from playwright.sync_api import sync_playwright  # imported late: the module is usable without it

    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise FileNotFoundError(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM"
        )
    pages = [Path(page).resolve() for page in pages]
    if not pages:
        return ["no pages to audit"]
    root = Path(os.path.commonpath([page.parent for page in pages]))
    screenshot_dir = Path(screenshot_dir)
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    anchors: dict[Path, set[str]] = {}
    problems: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(bypass_csp=bypass_csp, service_workers="block", viewport=VIEWPORT)
            context.set_default_timeout(TIMEOUT_MS)
            for page_path in pages:
                label = _label(page_path, root)
                found = _audit_page(context, page_path, screenshot_dir / _screenshot_name(label), anchors)
                problems.extend(f"{label}: {problem}" for problem in dict.fromkeys(found))
        finally:
            browser.close()
    return problems
