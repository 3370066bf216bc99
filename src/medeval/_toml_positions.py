"""Where in a TOML file each key is written: the line (and column) a problem's key path
names, which Python's ``tomllib`` does not keep.

A small locator over the text, not a TOML parser: the text is one ``tomllib`` has read
without error. It follows table headers (``[task]``), arrays of tables (``[[criteria]]``,
numbered from 0 as a problem's key path numbers them), dotted and quoted keys, and skips
what a value holds (strings, multi-line strings and arrays, comments); a key inside an
inline table is found at the key that holds the table.
"""

from __future__ import annotations

__all__ = ["key_positions", "where_written"]

Path = tuple[str, ...]


def key_positions(text: str) -> dict[Path, tuple[int, int]]:
    """Each key path of ``text`` (array-of-tables indices as text) with the 1-based line
    and column of its first writing: a table's header, a key's first character.

    Examples
    --------
    >>> found = key_positions('[test]\\nid = "T"  # x\\n[[criteria]]\\nmetric = "a"\\n'
    ...                       '[[criteria]]\\n  goal = 0.5\\n'
    ...                       "x.y = '''a\\nb = 1\\n'''\\n")
    >>> found[("test", "id")], found[("criteria", "1", "goal")], found[("criteria", "1")]
    ((2, 1), (6, 3), (5, 1))
    >>> ("criteria", "1", "b") in found, found[("criteria", "1", "x", "y")]
    (False, (7, 1))
    """
    positions: dict[Path, tuple[int, int]] = {}
    arrays: dict[Path, int] = {}  # each array of tables: its last index
    table: Path = ()
    carry: tuple[str | None, int] = (None, 0)  # an open multi-line string; open brackets
    for number, line in enumerate(text.split("\n"), start=1):
        if carry != (None, 0):
            carry = _scan_value(line, *carry)
            continue
        stripped = line.lstrip()
        column = len(line) - len(stripped) + 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            double = stripped.startswith("[[")
            parts = _resolve(_dotted(_header_name(stripped[2 if double else 1:])), arrays)
            if double:
                arrays[parts] = arrays.get(parts, -1) + 1
                positions.setdefault(parts, (number, column))
                parts = (*parts, str(arrays[parts]))
            for end in range(1, len(parts) + 1):
                positions.setdefault(parts[:end], (number, column))
            table = parts
            continue
        key, _, value = _split_key(stripped)
        for end in range(1, len(key) + 1):
            positions.setdefault((*table, *key[:end]), (number, column))
        carry = _scan_value(value, None, 0)
    return positions


def where_written(problem: str, positions: dict[Path, tuple[int, int]]) -> str:
    """The place of the key a protocol problem (``key.path: ...``) names, to put before
    it: ``'line 22, column 1: '`` where the key is written, ``'line 4 ([test]): '`` for
    a key missing from a table that is written, else ``''``.

    Examples
    --------
    >>> found = {("test",): (4, 1), ("test", "mode"): (7, 3)}
    >>> where_written("test.mode: Input should be ...", found)
    'line 7, column 3: '
    >>> where_written("test.title: required key is missing", found)
    'line 4 ([test]): '
    >>> where_written("laboratory: required key is missing", found)
    ''
    """
    path = tuple(problem.split(": ", 1)[0].split("."))
    if path in positions:
        line, column = positions[path]
        return f"line {line}, column {column}: "
    for end in range(len(path) - 1, 0, -1):
        if path[:end] in positions:
            return f"line {positions[path[:end]][0]} ([{'.'.join(path[:end])}]): "
    return ""


def _resolve(parts: Path, arrays: dict[Path, int]) -> Path:
    """A header's key path with the index of each array of tables it passes through
    (``[criteria.x]`` after the second ``[[criteria]]``: criteria.1.x)."""
    out: Path = ()
    for index, part in enumerate(parts):
        out = (*out, part)
        if out in arrays and index < len(parts) - 1:
            out = (*out, str(arrays[out]))
    return out


def _header_name(text: str) -> str:
    """A table header's name, ``text`` starting after its ``[`` (or ``[[``): up to the
    first ``]`` outside quotes (``["a]b"]``: ``"a]b"``)."""
    index = _outside_quotes(text, "]")
    return text if index is None else text[:index]


def _outside_quotes(text: str, target: str) -> int | None:
    """Where ``target`` (one character) first stands outside quotes in ``text``, or None."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == target:
            return index
    return None


def _dotted(name: str) -> Path:
    """A dotted key's parts, each unquoted; whitespace outside quotes, which no bare key
    holds, is dropped (``a."b.c" . d``: a, b.c, d; ``" b"``: a space and b)."""
    parts, current, quote = [], "", ""
    for char in name:
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current)
            current = ""
        elif char not in " \t":
            current += char
    parts.append(current)
    return tuple(parts)


def _split_key(line: str) -> tuple[Path, str, str]:
    """A ``key = value`` line as its key's parts and the text after ``=``."""
    index = _outside_quotes(line, "=")
    if index is None:
        return _dotted(line), "", ""
    return _dotted(line[:index]), "=", line[index + 1:]


def _scan_value(text: str, string: str | None, depth: int) -> tuple[str | None, int]:
    """What is still open after ``text``, a value's (part of a) line: a multi-line string
    (its delimiter) and how many brackets."""
    index = 0
    while index < len(text):
        if string is not None:  # inside a multi-line string: look for its end
            end = _string_end(text, index, string)
            if end < 0:
                return string, depth
            string, index = None, end
            continue
        char = text[index]
        if char == "#":
            break
        if char in "\"'":
            delimiter = char * 3 if text.startswith(char * 3, index) else char
            end = _string_end(text, index + len(delimiter), delimiter)
            if end < 0:  # a multi-line string left open (a one-line one cannot be)
                return delimiter, depth
            index = end
            continue
        depth += (char in "[{") - (char in "]}")
        index += 1
    return None, depth


def _string_end(text: str, start: int, delimiter: str) -> int:
    """The index just after ``delimiter`` closing a string from ``start``, -1 if the line
    holds none; a basic string's backslash escapes the next character."""
    index = start
    while index < len(text):
        if text[index] == "\\" and delimiter[0] == '"':
            index += 2
            continue
        if text.startswith(delimiter, index):
            end = index + len(delimiter)
            while text.startswith(delimiter[0], end) and len(delimiter) == 3:
                end += 1  # """a"""" : up to two quotes end the string's content
            return end
        index += 1
    return -1
