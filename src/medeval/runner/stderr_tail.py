"""The end of what a worker writes to stderr, read from a pipe and kept in memory.

A worker's stderr (its plugin's ``print`` and logging, a command's stdout and stderr) is a
pipe that a thread of the runner drains, keeping only the last bytes. It is not a file:
the worker runs under ``RLIMIT_FSIZE`` (the output limit), which a log file would hit
(a chatty algorithm, not its prediction, would fail as ``output-too-large`` or die
writing its log), and a file on the host would take the host's disk.

The algorithm writes its traceback before it answers, so what it wrote before an answer
is in the pipe or already read when the answer arrives: :meth:`StderrTail.text` reads
what the pipe still holds before returning.
"""

from __future__ import annotations

import os
import select
import threading

__all__ = ["StderrTail"]

_CHUNK = 1 << 16
#: More than a pipe holds (64 KiB by default, 1 MiB at most unprivileged): all that was
#: written before an answer is read by one call
_PIPE_MAX = (1 << 20) + _CHUNK


class StderrTail:
    """A pipe for one worker process's stderr, and the last ``keep_bytes`` written to it.

    Parameters
    ----------
    keep_bytes : int
        How many of the last bytes to keep.

    Examples
    --------
    >>> import subprocess, sys
    >>> tail = StderrTail(keep_bytes=5)
    >>> code = "import sys; sys.stderr.write('x' * 10**6 + 'END')"
    >>> subprocess.run([sys.executable, "-c", code], stderr=tail.write_fd).returncode
    0
    >>> tail.close_write_end()
    >>> tail.text()
    'xxEND'
    >>> tail.close()
    """

    def __init__(self, *, keep_bytes: int) -> None:
        self._keep = keep_bytes
        self._buffer = bytearray()
        self._cut = False  # bytes before the buffer's first were dropped
        self._lock = threading.Lock()
        read_fd, self.write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        self._read_fd: int | None = read_fd
        self._thread = threading.Thread(target=self._drain_forever, daemon=True,
                                        name="medeval-stderr")
        self._thread.start()

    def close_write_end(self) -> None:
        """Close the runner's copy of the write end (once the worker process holds it)."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def close(self) -> None:
        """Close both ends (the worker is gone); the thread ends within a second."""
        self.close_write_end()
        with self._lock:
            if self._read_fd is not None:
                os.close(self._read_fd)
                self._read_fd = None

    def clear(self) -> None:
        """Forget what was written so far (at the start of a case)."""
        with self._lock:
            self._read_available()
            self._buffer.clear()
            self._cut = False

    def text(self) -> str:
        """The last ``keep_bytes`` written, as text (undecodable bytes replaced), from the
        first whole character: a cut through a character of several bytes (a Korean
        message's) dropped its first bytes, which decoded as a leading U+FFFD.

        >>> tail = StderrTail(keep_bytes=4)
        >>> os.write(tail.write_fd, "오류".encode())  # 6 bytes: the last 4 cut 오
        6
        >>> tail.text()
        '류'
        >>> tail.close()
        """
        with self._lock:
            self._read_available()
            kept = bytes(self._buffer[-self._keep:])
            cut_through = self._cut or len(self._buffer) > self._keep
        if cut_through:
            cut = 0
            while cut < min(3, len(kept)) and 0x80 <= kept[cut] <= 0xBF:
                cut += 1  # continuation bytes of a character whose start was not kept
            kept = kept[cut:]
        return kept.decode("utf-8", errors="replace")

    def _drain_forever(self) -> None:
        while True:
            with self._lock:
                fd = self._read_fd
            if fd is None:
                return
            try:
                select.select([fd], [], [], 1.0)
            except (OSError, ValueError):  # pragma: no cover - closed meanwhile
                return
            with self._lock:
                self._read_available()

    def _read_available(self) -> None:
        """Read what the pipe holds now (the lock held), at most a full pipe's worth, so
        that a writer faster than the reader cannot hold the lock; at end of file, close
        the pipe."""
        fd = self._read_fd
        budget = _PIPE_MAX
        while fd is not None and budget > 0:
            budget -= _CHUNK
            try:
                chunk = os.read(fd, _CHUNK)
            except BlockingIOError:
                return
            if not chunk:  # every writer has gone: the worker's tree ended
                os.close(fd)
                self._read_fd = fd = None
                return
            self._buffer += chunk
            if len(self._buffer) > 2 * max(self._keep, _CHUNK):
                del self._buffer[:-self._keep]
                self._cut = True
