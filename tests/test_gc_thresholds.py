"""fewer_collections: the collector's thresholds raised for an evaluation and put back
after it, however it ends; young reference cycles still freed inside."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

import medeval
from medeval._gc_thresholds import OLD_THRESHOLD, YOUNG_THRESHOLD, fewer_collections
from medeval.errors import ManifestError

from .test_evaluation import protocol_file, study  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def usual_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    yield
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after():
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, OLD_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a case failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_blocks_restore_once_at_the_outer_end():
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, OLD_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)


def test_higher_thresholds_a_change_inside_and_a_disabled_threshold_are_kept():
    gc.set_threshold(50_000, 20, 5_000)
    with fewer_collections():
        assert gc.get_threshold() == (50_000, 20, 5_000)
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        gc.set_threshold(1_000, 10, 10)  # the caller's own choice, made meanwhile
    assert gc.get_threshold() == (1_000, 10, 10)
    gc.set_threshold(0, 10, 10)  # automatic collection off
    with fewer_collections():
        assert gc.get_threshold() == (0, 10, 10)
    assert gc.get_threshold() == (0, 10, 10)


def test_threads_the_last_to_leave_restores():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with fewer_collections():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with fewer_collections():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.get_threshold()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen["after the first left"] == (YOUNG_THRESHOLD, 10, OLD_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)


class _Node:
    def __init__(self) -> None:
        self.self = self  # a reference cycle: only the collector frees it


def test_young_cycles_are_still_freed_inside():
    gc.collect()
    with fewer_collections():
        cycles = [weakref.ref(_Node()) for _ in range(3 * YOUNG_THRESHOLD)]
        # 3 x 10,000 cycles of two tracked objects each: at least five collections
        # of the youngest generation ran; all but the last 10,000 allocations' are gone
        alive = sum(ref() is not None for ref in cycles)
    assert alive <= YOUNG_THRESHOLD


def test_an_evaluation_leaves_the_thresholds_as_it_found_them(study):  # noqa: F811
    folder, _, _ = study
    path = protocol_file(folder)
    medeval.evaluate(path, folder / "predictions")
    assert gc.get_threshold() == (700, 10, 10)
    (folder / "manifest.csv").write_text("case_id,patient_id\n")  # no input, no reference
    with pytest.raises(ManifestError):
        medeval.evaluate(path, folder / "predictions")
    assert gc.get_threshold() == (700, 10, 10)
