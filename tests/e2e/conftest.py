"""End-to-end fixtures (``make check``): one build of the seed reports, shared by the browser audit and the
determinism check.

Builds go to ``$CHECK_BUILD`` when it is set (``make check`` sets ``$(BUILD)/check``, so the screenshots
stay there to look at), else to pytest's temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from builds import SEEDS, build_reports


@pytest.fixture(scope="session")
def check_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CHECK_BUILD")
    if not folder:
        return tmp_path_factory.mktemp("check")
    root = Path(folder).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="session")
def seed_build(check_root: Path) -> Path:
    """``make report`` on the seeds, run once per session in a process of its own."""
    build = check_root / "seeds"
    shutil.rmtree(build, ignore_errors=True)
    build_reports(SEEDS, build, hash_seed="1")
    return build
