"""The certificate's strings: one TOML catalogue per language in ``report_templates/``.

A phrase is looked up by its dotted key (``"section.customer"``) and formatted with
``str.format`` fields. A certificate is written in Korean (``"ko"``), English (``"en"``)
or both (``"ko+en"``): :func:`texts` gives the phrase in each language asked for, in
order, and the renderers decide how to set them side by side.

Examples
--------
>>> texts(Msg("doc.page", (("x", "1"), ("y", "3"))), "ko+en")
('쪽 1 / 3', 'Page 1 of 3')

A certificate is rendered again from its result long after it was issued and must print
what it printed then, so a phrase revised after a release is written in an overlay,
``strings.<lang>.after-<release>.toml`` (the same keys as the base catalogue, only those
revised): :func:`reworded` gives a certificate of a result made by a later medeval the
overlay's phrases, under the keys ``<key>@after-<release>`` (:data:`REVISIONS`). A
language without an overlay, or without the key in its overlay, keeps its base phrase; a
phrase revised by several overlays prints as the latest of those a result was made after
revised it.

The renderers look some phrases up themselves, outside the certificate's blocks (page
numbers, the end mark, the pre-check mark, signatures, figure axes): they key them with
:func:`revised` and the releases the certificate takes the overlays of
(``Certificate.revisions``), so these too print as the result's release says.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from ._errors import ReportError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["LANGUAGES", "REVISIONS", "Lang", "Msg", "catalogue", "languages", "revised",
           "reworded", "texts"]

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
    """A phrase of the catalogue: its key and the values of its fields; a field's value is
    a text, or a phrase of its own, given in the language of the phrase around it (a
    method's name inside the methods line)."""

    key: str
    params: tuple[tuple[str, str | Msg], ...] = ()


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


#: The releases after which the certificate's wording was revised, oldest first: each has
#: an overlay ``strings.<lang>.after-<release>.toml`` for results made by a later medeval
#: (:func:`~medeval.report.made_by.made_after`).
REVISIONS: tuple[str, ...] = ("0.9.0", "0.10.0", "0.11.0")

#: How an overlay's phrase is keyed in the flat catalogue: ``<key>@after-<release>``.
_AFTER = "@after-"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat catalogue of one language: dotted key -> phrase; with each overlay's
    phrases under ``<key>@after-<release>`` (:func:`_overlaid`).

    Raises
    ------
    ReportError
        An unknown language, or an overlay revising a key the base catalogue lacks (a bug
        in medeval: please report it).
    """
    if lang not in ("ko", "en"):
        raise ReportError(f"report language {lang!r}: no catalogue (have ko, en)")
    return _overlaid(lang, _read(f"strings.{lang}.toml"), [
        (release, _read(f"strings.{lang}.after-{release}.toml"), _revised_keys(release))
        for release in REVISIONS])


def _overlaid(lang: str, flat: dict[str, str],
              overlays: list[tuple[str, dict[str, str], frozenset[str]]]) -> dict[str, str]:
    """``flat`` with each overlay (its release, this language's phrases, the keys it
    revises in any language; oldest first) under ``<key>@after-<release>``. Where this
    language's overlay does not revise a key another language's does, the phrase is the
    one it had after the releases before: that of an earlier overlay, else the base
    phrase."""
    latest: dict[str, str] = {}
    for release, own, revised in overlays:
        for key in revised:
            if key not in flat:
                raise ReportError(f"report catalogue strings.*.after-{release}.toml revises "
                                  f"{key!r}, which strings.{lang}.toml has not")
            latest[key] = own.get(key, latest.get(key, flat[key]))
            flat[f"{key}{_AFTER}{release}"] = latest[key]
    return flat


@cache
def _revised_keys(release: str) -> frozenset[str]:
    """The keys an overlay revises, in any language."""
    return frozenset(key for lang in ("ko", "en")
                     for key in _read(f"strings.{lang}.after-{release}.toml"))


def _read(name: str) -> dict[str, str]:
    """A catalogue file of ``report_templates/``, flat; an overlay absent is empty."""
    source = resources.files("medeval") / "report_templates" / name
    if not source.is_file():
        return {}
    flat: dict[str, str] = {}
    _flatten(tomllib.loads(source.read_text(encoding="utf-8")), "", flat)
    return flat


def reworded(tree: Any, release: str) -> Any:
    """``tree`` (a certificate, or any of its blocks) with each phrase the overlay of
    ``release`` revises keyed to the overlay's phrase; everything else as it is. Call it
    for a result made after ``release`` only.

    Examples
    --------
    >>> reworded((Msg("text.figure_confusion"), "x"), "0.9.0")[0].key
    'text.figure_confusion@after-0.9.0'
    """
    revised = _revised_keys(release)

    def walk(node: Any) -> Any:
        if isinstance(node, Msg):
            base = base_key(node.key)
            return replace(node, key=f"{base}{_AFTER}{release}") if base in revised else node
        if isinstance(node, tuple):
            return tuple(walk(item) for item in node)
        if is_dataclass(node) and not isinstance(node, type):
            return replace(node, **{f.name: walk(getattr(node, f.name))
                                    for f in fields(node) if f.init})
        return node

    return walk(tree)


def revised(msg: Msg, releases: tuple[str, ...]) -> Msg:
    """``msg`` keyed to its phrase as the overlays of ``releases`` (oldest first: those a
    result was made after) last revised it; as it is where none revises it.

    Examples
    --------
    >>> revised(Msg("doc.page", (("x", "1"), ("y", "3"))), ("0.9.0", "0.10.0")).key
    'doc.page@after-0.10.0'
    >>> revised(Msg("doc.page"), ()).key
    'doc.page'
    """
    for release in releases:
        msg = reworded(msg, release)
    return msg


def base_key(key: str) -> str:
    """The catalogue's key of a phrase, without the release that revised it."""
    return key.partition(_AFTER)[0]


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
    if len(langs) == 2 and base_key(cell.key) in ONCE_IN_KOREAN:
        langs = langs[:1]
    out = [_text(cell, one) for one in langs]
    if len(out) == 2 and out[0] == out[1]:
        return (out[0],)
    return tuple(out)


def _text(cell: Msg, lang: str) -> str:
    """The phrase of ``cell`` in one language, its fields filled (a phrase in a field in
    the same language)."""
    table = catalogue(lang)
    if cell.key not in table:
        raise ReportError(f"report catalogue strings.{lang}.toml has no key {cell.key!r}")
    return table[cell.key].format(**{
        name: _text(value, lang) if isinstance(value, Msg) else value
        for name, value in cell.params})
