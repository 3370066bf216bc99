"""Fixtures of the MRMC tests: the two reference reader studies of the shared data
(Van Dyke 1993, Franken 1992; read in place, see ../shared/data/README.md), as paths and
as medeval's analysis of them."""

from __future__ import annotations

import pytest

from medeval.stats import MRMCResult, mrmc


@pytest.fixture(scope="module")
def vandyke_path(shared_data):
    return shared_data / "tables" / "vandyke.csv"


@pytest.fixture(scope="module")
def franken_path(shared_data):
    return shared_data / "tables" / "franken.csv"


@pytest.fixture(scope="module")
def vandyke(vandyke_path) -> MRMCResult:
    return mrmc(vandyke_path)


@pytest.fixture(scope="module")
def franken(franken_path) -> MRMCResult:
    return mrmc(franken_path)
