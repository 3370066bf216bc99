"""Messages between the runner and its sandboxed worker: a 4-byte length, then JSON.

Private, and imported inside the sandbox, so it needs the standard library only. The
reader never trusts the other side: a length above the caller's limit is reported
before a byte of the body is read, and every read has a deadline.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

_HEADER = struct.Struct(">I")


class ChannelClosed(Exception):
    """The other side closed its end (it exited or was killed)."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


class MessageTooLarge(Exception):
    """The announced message is longer than the limit; its body was not read."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def encode(message: Any) -> bytes:
    """A framed message: 4-byte big-endian length, then compact JSON (NaN allowed)."""
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return _HEADER.pack(len(body)) + body


def send(fd: int, message: Any) -> None:
    """Write one framed message to a file descriptor."""
    _write_all(fd, encode(message))


def send_bytes(fd: int, data: bytes) -> None:
    """Write one framed block of raw bytes (a file)."""
    _write_all(fd, _HEADER.pack(len(data)) + data)


def _write_all(fd: int, payload: bytes) -> None:
    data = memoryview(payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise ChannelTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, *, deadline: float | None = None, limit: int | None = None) -> Any:
    """Read one framed message; ``deadline`` is a ``time.monotonic()`` value.

    Raises
    ------
    ChannelClosed, ChannelTimeout, MessageTooLarge
    """
    body = receive_bytes(fd, deadline=deadline, limit=limit)
    try:
        return json.loads(body)
    except RecursionError:  # the sandboxed side is not trusted to send sane JSON
        raise ValueError("a message nested too deeply to be read") from None


def receive_bytes(fd: int, *, deadline: float | None = None, limit: int | None = None) -> bytes:
    """Read one framed block of bytes; see :func:`receive`."""
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    if limit is not None and size > limit:
        raise MessageTooLarge(size)
    return _read_exact(fd, size, deadline)
