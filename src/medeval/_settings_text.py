"""The text of a settings file a person writes by hand (a protocol TOML, a report-info
TOML or JSON): UTF-8, where a leading byte-order mark is dropped (Windows Notepad writes
one, and it is no part of the content), and any other encoding is refused saying where
the file stops being UTF-8 and what to do. The manifest and the readings files are read
the same way (``manifest.py``, ``tasks/reader_study.py``).
"""

from __future__ import annotations

import codecs

from ._text_offsets import where_utf8_stops

__all__ = ["settings_text"]

_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def settings_text(raw: bytes) -> str:
    """Decode a settings file's bytes as UTF-8, without a leading byte-order mark.

    Raises
    ------
    ValueError
        Not UTF-8: the message says where (line and byte) and how to save it, as the
        reader's own text (the caller prefixes the file's name).

    Examples
    --------
    >>> settings_text(b"\\xef\\xbb\\xbfa = 1\\r\\n")
    'a = 1\\r\\n'
    >>> try:
    ...     settings_text("a = '양성'".encode("cp949"))
    ... except ValueError as exc:
    ...     print(str(exc).split(";")[0])
    not UTF-8 text (line 1, byte 6 of the line, file offset 5)
    """
    if raw.startswith(_UTF16):
        raise ValueError("saved as UTF-16 (its first bytes are a UTF-16 byte-order mark): "
                         "save the file as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 text ({where_utf8_stops(raw, exc)}); an editor on Korean Windows "
            "saves CP949 (EUC-KR): save the file as UTF-8") from None
