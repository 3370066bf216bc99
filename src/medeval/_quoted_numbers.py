"""Numbers and booleans written as TOML text in a protocol (``goal = "0.8"``), and
booleans written for numbers (``goal = true``).

pydantic's lax mode reads the text ``"0.8"`` as the number 0.8, and ``"true"`` as true, so a
protocol with quoted numbers passed ``medeval protocol check`` while its own JSON Schema
(``medeval protocol schema``, ``"type": "number"``) refuses it: the protocol fixed in advance
would be valid to medeval and invalid to every other validator of it.
:func:`quoted_number_problems` walks the parsed TOML beside the protocol's models and names
each such text where a key admits no text at all, with what to write.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from pathlib import PurePath
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

__all__ = ["quoted_number_problems", "quoted_value"]

_SCALARS = (bool, int, float)
#: pydantic's own readers of the scalars, as the protocol's models read them (lax)
_ADAPTERS = {kind: TypeAdapter(kind) for kind in _SCALARS}


def quoted_number_problems(data: Mapping[str, Any], model: type[BaseModel],
                           place: str = "") -> list[str]:
    """``key.path: ...`` for each number or boolean written as text in ``data``, the
    parsed TOML of ``model`` (a protocol, or one of its sections).

    A section is followed into its tables and arrays of tables (``[[criteria]]``); the
    ``[task]`` of a task type the models do not know is left to the schema's own message.
    """
    problems = []
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            continue  # an unknown key: the schema names it
        where = f"{place}{key}"
        for section, at, table in _sections(field.annotation, value, where):
            problems.extend(quoted_number_problems(table, section, f"{at}."))
        if _holds_sections(field.annotation):
            continue
        found = quoted_value(field.annotation, value)
        if found is not None:
            text, bare = found
            kind = "true/false" if _is_boolean(field.annotation) else "a number"
            write = f"{key} = {bare}" if isinstance(value, str) else f"{bare} in {key}"
            problems.append(f"{where}: {text!r} is text, not {kind}: write {write} (TOML "
                            "writes numbers, true and false without quotes)")
        elif _boolean_for_number(field.annotation, value):
            problems.append(f"{where}: true and false are no numbers: write the number "
                            "meant (true would be read as 1 and false as 0; the protocol's "
                            "JSON Schema refuses both)")
    return problems


def _boolean_for_number(annotation: Any, value: Any) -> bool:
    """Whether ``value`` holds a TOML boolean where ``annotation`` takes a number and no
    boolean (``goal = true``, ``fp_rates = [true]``).

    >>> _boolean_for_number(float, True), _boolean_for_number(bool | None, True)
    (True, False)
    >>> _boolean_for_number(list[float], [0.5, False]), _boolean_for_number(int, 1)
    (True, False)
    """
    origin = get_origin(annotation)
    if origin is Annotated:
        return _boolean_for_number(get_args(annotation)[0], value)
    if origin in (Union, types.UnionType):
        arms = get_args(annotation)
        return not any(_is_boolean(arm) for arm in arms) and any(
            _boolean_for_number(arm, value) for arm in arms)
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return any(_boolean_for_number(item, element) for element in value)
    if origin is dict and isinstance(value, dict):
        _, item = get_args(annotation) or (Any, Any)
        return any(_boolean_for_number(item, element) for element in value.values())
    return isinstance(value, bool) and annotation in (int, float)


def _sections(annotation: Any, value: Any, where: str
              ) -> list[tuple[type[BaseModel], str, Mapping[str, Any]]]:
    """The sections ``value`` holds under ``annotation``, each with its key path: a table,
    the tables of an array, or the arm of a union its ``type`` names."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _sections(get_args(annotation)[0], value, where)
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return [found for index, element in enumerate(value)
                for found in _sections(item, element, f"{where}.{index}")]
    if not isinstance(value, Mapping):
        return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, where, value)]
    if origin in (Union, types.UnionType):
        arms = [arm for arm in get_args(annotation)
                if isinstance(arm, type) and issubclass(arm, BaseModel)]
        named = [arm for arm in arms if "type" in arm.model_fields
                 and value.get("type") in get_args(arm.model_fields["type"].annotation)]
        return [(named[0], where, value)] if len(named) == 1 else []
    return []


def _is_boolean(annotation: Any) -> bool:
    """Whether ``annotation`` is ``bool`` (or an optional one)."""
    if get_origin(annotation) is Annotated:
        return _is_boolean(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        arms = [arm for arm in get_args(annotation) if arm is not type(None)]
        return len(arms) == 1 and _is_boolean(arms[0])
    return annotation is bool


def _holds_sections(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Annotated, list, Union, types.UnionType):
        return any(_holds_sections(arg) for arg in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)



def quoted_value(annotation: Any, value: Any) -> tuple[str, str] | None:
    """The text in ``value`` that lax validation (pydantic's own) would read as a number
    or a boolean where ``annotation`` admits no text, with the value as TOML writes it;
    ``None`` where there is none.

    Lists and tables are looked into (``fp_rates = ["0.5"]``, ``thresholds = {a = "0.5"}``);
    text a field admits (a ``str`` label, the ``Literal`` ``"none"``) is not text for a
    number; text pydantic refuses (``"5e2"`` for an integer) is left to its own message.

    Examples
    --------
    >>> quoted_value(float, "0.8"), quoted_value(float, 0.8), quoted_value(float, "high")
    (('0.8', '0.8'), None, None)
    >>> quoted_value(int | Literal["none"], "none"), quoted_value(int | Literal["none"], "512")
    (None, ('512', '512'))
    >>> quoted_value(str | int, "1"), quoted_value(list[float], [0.5, " 1 "])
    (None, (' 1 ', '1.0'))
    >>> quoted_value(bool, "yes"), quoted_value(dict[str, float], {"a": "NaN"})
    (('yes', 'true'), ('NaN', 'nan'))
    >>> quoted_value(int, "5e2"), quoted_value(int, "٧")
    (None, None)
    """
    origin = get_origin(annotation)
    if origin is Annotated:
        return quoted_value(get_args(annotation)[0], value)
    if origin in (Union, types.UnionType):
        arms = [arm for arm in get_args(annotation) if arm is not type(None)]
        if isinstance(value, str):
            if any(_admits_text(arm, value) for arm in arms):
                return None
            return next(((value, toml) for arm in arms
                         if (toml := _reads_as(arm, value)) is not None), None)
        return next((found for arm in arms
                     if (found := quoted_value(arm, value)) is not None), None)
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return next((found for element in value
                     if (found := quoted_value(item, element)) is not None), None)
    if origin is dict and isinstance(value, dict):
        _, item = get_args(annotation) or (Any, Any)
        return next((found for element in value.values()
                     if (found := quoted_value(item, element)) is not None), None)
    if isinstance(value, str) and (toml := _reads_as(annotation, value)) is not None:
        return value, toml
    return None


def _admits_text(annotation: Any, value: str) -> bool:
    """Whether ``annotation`` takes ``value`` as the text it is."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _admits_text(get_args(annotation)[0], value)
    if origin is Literal:
        return value in get_args(annotation)
    if origin is not None:
        return False
    return annotation is str or annotation is Any or (
        isinstance(annotation, type) and issubclass(annotation, PurePath))


def _reads_as(annotation: Any, value: str) -> str | None:
    """The scalar ``annotation`` that pydantic's lax validation reads the text ``value``
    as, written as TOML writes it (``nan``, ``true``, ``1000.0``); None where it reads
    none (it refuses non-ASCII digits, and ``5e2`` for an integer)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if annotation not in _SCALARS:
        return None
    try:
        read = _ADAPTERS[annotation].validate_python(value)
    except ValidationError:
        return None
    if isinstance(read, bool):
        return "true" if read else "false"
    if isinstance(read, float) and not math.isfinite(read):
        return "nan" if math.isnan(read) else ("inf" if read > 0 else "-inf")
    return repr(read)
