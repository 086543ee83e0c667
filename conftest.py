"""Root pytest configuration: let nbval compare text only.

DataFrame HTML changes between pandas versions and inline SVG carries random ids, so the
stored ``text/plain`` output carries the numbers that nbval checks.
"""

import pytest


def pytest_collectstart(collector: pytest.Collector) -> None:
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "image/svg+xml", "application/javascript")
