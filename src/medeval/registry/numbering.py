"""Report numbers: the laboratory's pattern, and the checks on numbers users type.

A pattern is a :meth:`str.format` template with two fields, ``{seq}`` (the running number,
required, with an optional integer format such as ``{seq:04d}``) and ``{year}`` (the year
of the date of issue, optional). When the pattern has ``{year}`` the running number starts
again at 1 each year; without it, it never restarts.

>>> numbering = ReportNumbering("LAB-AI-{year}-{seq:04d}")
>>> numbering.format(year=2026, seq=7)
'LAB-AI-2026-0007'
>>> numbering.parse("LAB-AI-2026-0007")
(2026, 7)
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from ..errors import RegistryError

__all__ = ["DEFAULT_PATTERN", "MAX_NUMBER_LENGTH", "ReportNumbering", "check_report_number"]

#: The pattern a registry gets when ``init`` is given none.
DEFAULT_PATTERN = "LAB-AI-{year}-{seq:04d}"
#: The longest report number the registry stores or looks up (characters).
MAX_NUMBER_LENGTH = 64
#: What a report number may hold: letters, digits and ``. _ / -``, a letter or digit first.
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
#: Literal text of a pattern: the same characters (they end up in every number).
_LITERAL = re.compile(r"[A-Za-z0-9._/-]*")
_SEQ_SPEC = re.compile(r"0?(\d{0,2})d?")


def _shown(text: str) -> str:
    """A user's text for an error message: quoted, and cut when long."""
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text)} characters)"


def check_report_number(number: object) -> str:
    """The report number ``number`` if it is well-formed, else :class:`RegistryError`.

    Well-formed: a string of 1 to :data:`MAX_NUMBER_LENGTH` characters, letters, digits
    and ``. _ / -``, starting with a letter or digit. Surrounding whitespace is dropped.
    Checked before any look-up, so that a malformed number is told apart from an unknown
    one (and a quote or a semicolon never reaches the database; every query is bound
    with parameters anyway).

    >>> check_report_number(" LAB-AI-2026-0001 ")
    'LAB-AI-2026-0001'
    """
    if not isinstance(number, str):
        raise RegistryError(f"report number {number!r}: not a string")
    text = number.strip()
    if not text:
        raise RegistryError("report number: empty")
    if len(text) > MAX_NUMBER_LENGTH:
        raise RegistryError(f"report number {_shown(text)}: longer than "
                            f"{MAX_NUMBER_LENGTH} characters")
    if not _NUMBER.fullmatch(text):
        raise RegistryError(f"report number {_shown(text)}: only letters, digits and "
                            "'. _ / -' are allowed, a letter or digit first")
    return text


@dataclass(frozen=True)
class ReportNumbering:
    """The laboratory's report-number pattern (see the module docs).

    Parameters
    ----------
    pattern
        E.g. ``"LAB-AI-{year}-{seq:04d}"``. Literal text may hold letters, digits and
        ``. _ / -``; ``{seq}`` must appear once, ``{year}`` at most once.

    Raises
    ------
    RegistryError
        A pattern with another field, no ``{seq}``, a field twice, a format other than
        ``0Nd``/``Nd``, or characters a report number may not hold.
    """

    pattern: str

    def __post_init__(self) -> None:
        self._regex()  # validates

    @property
    def yearly(self) -> bool:
        """Whether the running number restarts each year (the pattern has ``{year}``)."""
        return "year" in self._fields()

    def scope(self, year: int) -> str:
        """The counter a number of ``year`` is drawn from: the year, or ``"all"``."""
        return str(year) if self.yearly else "all"

    def format(self, *, year: int, seq: int) -> str:
        """The report number for ``seq`` in ``year``; checked like a typed number."""
        return check_report_number(self.pattern.format(year=year, seq=seq))

    def parse(self, number: str) -> tuple[int | None, int]:
        """``(year, seq)`` of a number made by this pattern (year None without ``{year}``).

        Raises
        ------
        RegistryError
            The number is malformed or does not follow the pattern.
        """
        text = check_report_number(number)
        match = self._regex().fullmatch(text)
        if match is None:
            raise RegistryError(f"report number {_shown(text)}: does not follow the "
                                f"registry's pattern {self.pattern!r}")
        year = int(match.group("year")) if self.yearly else None
        seq = int(match.group("seq"))
        if self.format(year=year or 0, seq=seq) != text:
            raise RegistryError(f"report number {_shown(text)}: not written the way the "
                                f"pattern {self.pattern!r} writes it")
        return (year, seq)

    def spelled(self, number: str) -> str:
        """``number`` written as this pattern writes it, when it differs from a number of
        the pattern in letter case only; else ``number`` checked, unchanged.

        A number's letters all come from the pattern's literal text, so a number typed
        in another case (``lab-ai-2026-0007``) names one report only. Anything else
        (another zero padding, another literal) is left as typed.

        >>> ReportNumbering("LAB-AI-{year}-{seq:04d}").spelled("lab-ai-2026-0007")
        'LAB-AI-2026-0007'
        >>> ReportNumbering("LAB-AI-{year}-{seq:04d}").spelled("lab-ai-2026-7")
        'lab-ai-2026-7'
        """
        text = check_report_number(number)
        match = re.compile(self._regex().pattern, re.IGNORECASE).fullmatch(text)
        if match is None:
            return text
        year = int(match.group("year")) if self.yearly else 0
        written = self.format(year=year, seq=int(match.group("seq")))
        return written if written.casefold() == text.casefold() else text

    def _fields(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.pattern)
                if name is not None]

    def _regex(self) -> re.Pattern[str]:
        where = f"report-number pattern {self.pattern!r}"
        try:
            parts = list(string.Formatter().parse(self.pattern))
        except ValueError as exc:
            raise RegistryError(f"{where}: {exc}") from None
        regex = ""
        seen: list[str] = []
        for literal, name, spec, conversion in parts:
            if not _LITERAL.fullmatch(literal):
                raise RegistryError(f"{where}: literal text may hold only letters, digits "
                                    "and '. _ / -'")
            regex += re.escape(literal)
            if name is None:
                continue
            if name not in ("year", "seq") or name in seen or conversion:
                raise RegistryError(f"{where}: the fields are {{seq}} (once) and {{year}} "
                                    f"(at most once), not {{{name}}}")
            seen.append(name)
            if name == "year":
                if spec:
                    raise RegistryError(f"{where}: {{year}} takes no format")
                regex += r"(?P<year>\d{4})"
                continue
            width = _SEQ_SPEC.fullmatch(spec or "")
            if width is None:
                raise RegistryError(f"{where}: {{seq}} takes a format like 04d, not {spec}")
            regex += r"(?P<seq>\d+)"
        if "seq" not in seen:
            raise RegistryError(f"{where}: has no {{seq}} (the running number)")
        return re.compile(regex)
