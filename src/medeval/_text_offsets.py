"""Where in a text file a byte lies, as an editor and a hex viewer name it."""

from __future__ import annotations

__all__ = ["line_and_byte", "where_utf8_stops"]


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
    if start == 0 and raw.startswith(b"\xef\xbb\xbf") and offset >= 3:
        start = 3  # a byte-order mark, which no editor shows in the line
    return f"line {line}, byte {offset - start + 1} of the line, file offset {offset}"


def where_utf8_stops(raw: bytes, exc: UnicodeDecodeError) -> str:
    """:func:`line_and_byte` of the first byte of ``raw`` (the file's bytes) that ``exc``
    found not UTF-8. ``utf-8-sig`` decodes the bytes after a byte-order mark, and its
    offsets are that many short of the file's (the reviewer found 'file offset 388' for
    byte 391): they are counted in ``raw`` here.

    Examples
    --------
    >>> raw = b"\\xef\\xbb\\xbfa = '\\xb0\\xa9'"
    >>> try:
    ...     raw.decode("utf-8-sig")
    ... except UnicodeDecodeError as exc:
    ...     print(where_utf8_stops(raw, exc))
    line 1, byte 6 of the line, file offset 8
    """
    decoded = bytes(exc.object)
    shift = len(raw) - len(decoded) if raw.endswith(decoded) else 0
    return line_and_byte(raw, exc.start + shift)
