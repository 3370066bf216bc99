"""Shared fixtures: the paths of the small real data sets in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

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
