"""The peak memory of one ``read_image``, measured in a process of its own.

tracemalloc counts the allocations of every thread of its process: in a test run's
process, threads that earlier tests left (a server, a pool) are counted beside the
reading, and a bound a few MiB above the reading's own peak then fails now and then (a
200-frame SEG's 24.4 MB measured 26.6 MB in a CI worker). A first reading, untraced,
makes the imports ``read_image`` makes on its first call, which are not the reading's
memory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """\
import sys, tracemalloc
from medeval.loaders import read_image
read_image(sys.argv[1])
tracemalloc.start()
read_image(sys.argv[1])
print(tracemalloc.get_traced_memory()[1])
"""


def read_peak(path: Path) -> int:
    """Bytes at the peak of reading ``path`` a second time, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True,
                          text=True, check=True)
    return int(done.stdout)
