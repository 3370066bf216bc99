"""``warn_undefined``: which warnings are recorded, and where they point, whatever the
filters in force (the walk up the stack is skipped only where ``warnings.warn`` would
record nothing)."""

from __future__ import annotations

import math
import warnings

import numpy as np

from medeval._validation import warn_undefined
from medeval.errors import UndefinedMetricWarning
from medeval.metrics import ec57


def _ec57_without_veb() -> None:
    # No V beat in the reference or the detection: VEB Se and +P are 0/0, undefined
    # (ec57 warns through warn_undefined, from inside medeval).
    samples = np.arange(1000, 400_000, 300)
    ec57(samples, np.full(samples.size, "N"), samples, np.full(samples.size, "N"),
         reference_fs=360.0, test_fs=360.0)


def test_ignored_outright_records_nothing_and_returns_nan():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        assert math.isnan(warn_undefined("x: undefined"))
        _ec57_without_veb()
    assert caught == []


def test_always_points_at_the_callers_line_outside_medeval():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _ec57_without_veb()
    undefined = [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    assert undefined, "ec57 warns for the undefined VEB statistics"
    assert {w.filename for w in undefined} == {__file__}


def test_an_ignore_filter_with_a_condition_still_sees_the_callers_module():
    # An ignore filter for medeval's own modules does not match: the warning is
    # attributed to this (test) module, found by the walk up the stack.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=UndefinedMetricWarning,
                                module=r"medeval\.")
        _ec57_without_veb()
    assert [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    # ... and one naming this module does.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=UndefinedMetricWarning,
                                module=__name__)
        _ec57_without_veb()
    assert not [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]


def test_an_ignore_filter_for_another_category_lets_it_through():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", DeprecationWarning)
        assert math.isnan(warn_undefined("x: undefined"))
    assert [str(w.message) for w in caught] == ["x: undefined"]
    assert caught[0].filename == __file__
