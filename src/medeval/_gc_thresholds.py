"""Fewer garbage collections while an evaluation runs (private).

An evaluation builds its lasting objects in bursts: the manifest's cases, the check of
every file it names, the digests, the rows of the cases, the tables of the aggregate —
a few objects per case, hundreds of thousands on a large set. CPython's collector
counts allocations; each time the youngest generation holds 700 more objects than it
frees it collects it, every tenth of those the middle one, and every tenth of those —
once the objects that survived into the oldest generation since its last collection
are a quarter of it — the whole heap, every object of the process traversed. A burst
of lasting objects meets that condition again and again: on 100,000 ECG records, 21
full collections took 24 us per record, about a twentieth of the evaluation.

Within :func:`fewer_collections` the first threshold is at least 10,000 and the third
at least 1,000 (from 700 and 10): young objects are still collected, so reference
cycles (an exception caught with its traceback) are freed at most 10,000 allocations
late, and the whole heap is collected about once per ten million allocations rather
than once per seventy thousand. The thresholds are restored when the last evaluation
running leaves (threads share them), unless someone changed them in the meantime; a
collector switched off (``gc.disable``) or thresholds set higher stay as they are.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["fewer_collections"]

#: The least first (youngest generation) and third (whole heap) thresholds inside.
YOUNG_THRESHOLD = 10_000
OLD_THRESHOLD = 1_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None
_raised: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the duration of the block (nested blocks and
    threads: the first to enter raises them, the last to leave restores them)."""
    global _depth, _saved, _raised
    with _lock:
        if _depth == 0:
            first, second, third = gc.get_threshold()
            if first > 0:  # 0: automatic collection is off; nothing to spare
                _saved = (first, second, third)
                _raised = (max(first, YOUNG_THRESHOLD), second, max(third, OLD_THRESHOLD))
                gc.set_threshold(*_raised)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _saved is not None and gc.get_threshold() == _raised:
                    gc.set_threshold(*_saved)
                _saved = _raised = None
