"""Where in a text file a byte lies, as an editor and a hex viewer name it."""

from __future__ import annotations

__all__ = ["line_and_byte"]


def line_and_byte(raw: bytes, offset: int) -> str:
    """``offset`` (0-based, in ``raw``) as 'line L, byte B of the line, file offset O'.

    An editor finds the line and the byte within it (1-based, as its columns count); a
    hex viewer finds the offset. A 'byte 81' of line 2 read as the line's own byte sent a
    reader to the wrong place.

    Examples
    --------
    >>> line_and_byte(b'[test]\\nid = "\\xb0\\xa9"', 13)
    'line 2, byte 7 of the line, file offset 13'
    >>> line_and_byte(b"\\xff", 0)
    'line 1, byte 1 of the line, file offset 0'
    """
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return f"line {line}, byte {offset - start + 1} of the line, file offset {offset}"
