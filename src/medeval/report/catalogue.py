"""The certificate's strings: one TOML catalogue per language in ``report_templates/``.

A phrase is looked up by its dotted key (``"section.customer"``) and formatted with
``str.format`` fields. A certificate is written in Korean (``"ko"``), English (``"en"``)
or both (``"ko+en"``): :func:`texts` gives the phrase in each language asked for, in
order, and the renderers decide how to set them side by side.

Examples
--------
>>> texts(Msg("doc.page", (("x", "1"), ("y", "3"))), "ko+en")
('쪽 1 / 3', 'Page 1 of 3')
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from ._errors import ReportError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["LANGUAGES", "Lang", "Msg", "catalogue", "languages", "texts"]

Lang = Literal["ko", "en", "ko+en"]
#: The languages a certificate can be written in.
LANGUAGES: tuple[str, ...] = ("ko", "en", "ko+en")


#: Phrases a ``ko+en`` document prints once, in Korean: their Korean holds the English
#: already (a result's warning without Korean wording, printed as the original and
#: marked so), which the English line below would only repeat.
ONCE_IN_KOREAN = frozenset({"text.warning_untranslated"})


#: How a bullet line starts (the warnings of a certificate, one a line).
BULLET = "• "


def under_bullet(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The two lines of a bilingual bullet, the second language's without its bullet: it
    is printed under the first, indented, as one item (``• 경고`` over ``warning``), not
    as a second item; any other lines as they are."""
    if len(lines) == 2 and all(line.startswith(BULLET) for line in lines):
        return (lines[0], lines[1][len(BULLET):])
    return lines


@dataclass(frozen=True)
class Msg:
    """A phrase of the catalogue: its key and the values of its fields."""

    key: str
    params: tuple[tuple[str, str], ...] = ()


def languages(lang: str) -> tuple[str, ...]:
    """The single languages of ``lang``: ``"ko+en"`` -> ``("ko", "en")``.

    Raises
    ------
    ReportError
        An unknown language.
    """
    if lang not in LANGUAGES:
        raise ReportError(f"report language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return tuple(lang.split("+"))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat catalogue of one language: dotted key -> phrase."""
    if lang not in ("ko", "en"):
        raise ReportError(f"report language {lang!r}: no catalogue (have ko, en)")
    source = resources.files("medeval") / "report_templates" / f"strings.{lang}.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    flat: dict[str, str] = {}
    _flatten(data, "", flat)
    return flat


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", out)
        else:
            out[prefix + key] = str(value)


def texts(cell: Msg | str, lang: str) -> tuple[str, ...]:
    """The text of a cell in each language of ``lang`` (a plain string is the same in all).

    Raises
    ------
    ReportError
        A key missing from a catalogue (a bug in medeval: please report it).
    """
    langs = languages(lang)
    if isinstance(cell, str):
        return (cell,)
    if len(langs) == 2 and cell.key in ONCE_IN_KOREAN:
        langs = langs[:1]
    out = []
    for one in langs:
        table = catalogue(one)
        if cell.key not in table:
            raise ReportError(f"report catalogue strings.{one}.toml has no key {cell.key!r}")
        out.append(table[cell.key].format(**dict(cell.params)))
    if len(out) == 2 and out[0] == out[1]:
        return (out[0],)
    return tuple(out)
