"""Checks on what users give the registry: hashes, names, reasons, dates."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from ..errors import RegistryError

__all__ = ["check_date", "check_hash", "check_text"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
#: First characters a spreadsheet reads as a formula (CSV injection): refused at the start
#: of a text field, so that the exported CSV is safe to open and reads back unchanged.
_FORMULA_START = ("=", "+", "-", "@")


def check_hash(value: object, *, what: str) -> str:
    """A SHA-256 as 64 lowercase hex digits (a leading ``sha256:`` and case are accepted).

    >>> check_hash("sha256:" + "AB" * 32, what="fingerprint")[:6]
    'ababab'
    """
    if not isinstance(value, str):
        raise RegistryError(f"{what} {value!r}: not a string")
    text = value.strip().lower().removeprefix("sha256:")
    if not _HEX64.fullmatch(text):
        shown = repr(text) if len(text) <= 80 else f"{text[:80]!r}... ({len(text)} characters)"
        raise RegistryError(f"{what} {shown}: not a SHA-256 (64 hex digits)")
    return text


#: Unicode's explicit embedding, override and isolate controls (U+202A-U+202E,
#: U+2066-U+2069): a reason '\u202e...' read backwards on the verification page
#: ('Trojan Source'). Found in the lifecycle-pass.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_text(value: object, *, what: str, max_length: int) -> str:
    """A name, customer, test id or reason: non-empty, at most ``max_length`` characters,
    no control characters (nor bidirectional overrides), not starting like a
    spreadsheet formula.

    >>> check_text(" 홍길동 (Hong Gildong) ", what="tester", max_length=200)
    '홍길동 (Hong Gildong)'
    """
    if value is None:
        raise RegistryError(f"{what}: not given; give it")
    if not isinstance(value, str):
        raise RegistryError(f"{what} {value!r}: not a string")
    text = value.strip()
    if not text:
        raise RegistryError(f"{what}: empty; give it")
    if len(text) > max_length:
        raise RegistryError(f"{what}: {len(text)} characters, more than the "
                            f"{max_length} allowed")
    # U+2028/U+2029, the line and paragraph separators (Zl, Zp), are line breaks too
    # (str.splitlines, the terminal), not Cc: they passed (the review of the lifecycle-pass)
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text):
        raise RegistryError(f"{what} {text[:80]!r}: holds a control character "
                            "(a line break or tab?)")
    bidi = next((ch for ch in text if ch in _BIDI_CONTROLS), None)
    if bidi is not None:  # shown on the public page and in the CSV in another order
        raise RegistryError(f"{what} {text[:80]!r}: holds the bidirectional control "
                            f"character U+{ord(bidi):04X}, which makes text show in "
                            "another order than it is stored; type it without")
    if text.startswith(_FORMULA_START):
        raise RegistryError(f"{what} {text[:80]!r}: may not start with {text[0]!r} (a "
                            "spreadsheet would read the exported CSV cell as a formula)")
    return text


def check_date(value: object, *, what: str) -> date:
    """A date, or an ISO 8601 date string (``2026-11-27``).

    >>> check_date("2026-11-27", what="issue date")
    datetime.date(2026, 11, 27)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RegistryError(f"{what} {str(value)[:40]!r}: not a date (YYYY-MM-DD)")
