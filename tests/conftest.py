"""Shared fixtures: the seed corpus, loaded once, and a helper to write small corpora."""

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import load_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def seeds() -> pd.DataFrame:
    """The five seed articles; loading them must raise no warning at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_corpus(SEEDS)
