"""Shared fixtures: the paths of the small real data sets in ../shared/data.

Hypothesis runs derandomized, so that the suite checks the same examples on every run
and a clean clone reproduces a failure; ``pytest --hypothesis-profile=explore`` searches
fresh examples (add what it finds as an ``@example``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile("default")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; tests needing it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def asah(shared_data: Path):  # type: ignore[no-untyped-def]
    """pROC's aSAH data (Turck et al. 2010), read in place; outcome Poor is positive."""
    import pandas as pd

    table = pd.read_csv(shared_data / "tables" / "aSAH.csv")
    table["poor"] = (table["outcome"] == "Poor").astype(int)
    return table
