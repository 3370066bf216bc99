"""A protocol problem names the line (and column) its key is written on: tomllib keeps
no positions, and 'criteria.2.goal' left the reader to count [[criteria]] from 0."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from medeval.protocol import ProtocolError, load_protocol

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "segmentation" / "protocol.toml"

# the example with: a key misspelt, a value not allowed, title left out, a dotted key
# and a multi-line string and array (whose lines hold no key), a quoted goal in the third
# [[criteria]], a goal out of range in the second; CRLF line ends
EDITS = {
    'mode = "pre-check"': 'mode = "final"',
    'title = "Segmentation end to end"': 'notes = """a first line\nmode = 1\n"""',
    "nsd_tolerance_mm = 1.0": "  nsd_tolerence_mm = 1.0",
    "goal = 10.0": "goal = -1.0",
    '[statistics]': 'extra.inner = [\n  "x = 1",\n]\n[statistics]',
}
MORE = '[[criteria]]\nmetric = "dice"\ngoal = "0.7"\nsource = "test"\n'


def _written(tmp_path: Path) -> tuple[Path, list[str]]:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in EDITS.items():
        assert old in text
        text = text.replace(old, new)
    text += "\n" + MORE
    source = tmp_path / "protocol.toml"
    source.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "manifest.csv").write_text("case_id\n", encoding="utf-8")
    tomllib.loads(text)  # valid TOML: the problems are the protocol's
    return source, text.split("\n")


def test_each_problem_names_the_line_of_its_key(tmp_path):
    source, lines = _written(tmp_path)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(source, check_manifest=False)
    listed = str(caught.value).split("\n")[1:]
    found = {}
    for item in listed:
        match = re.match(r"  - line (\d+)(?:, column (\d+)| \(\[([\w.]+)\]\)): ([\w.]+): ",
                         item)
        assert match is not None, item
        found[match[4]] = (int(match[1]), match[2] and int(match[2]), match[3])
    # each line and column read from the file's own text, as an editor shows it
    def at(start: str, nth: int = 1) -> tuple[int, int]:
        hits = [(n, len(line) - len(line.lstrip()) + 1) for n, line in
                enumerate(lines, start=1) if line.lstrip().startswith(start)]
        return hits[nth - 1]

    assert found["test.mode"][:2] == at('mode = "final"')
    assert found["task.nsd_tolerence_mm"][:2] == at("nsd_tolerence_mm") == (
        at("nsd_tolerence_mm")[0], 3)
    assert found["task.extra"][:2] == at("extra.inner")
    assert found["criteria.1.goal"][:2] == at("goal = -1.0")
    assert found["criteria.2.goal"][:2] == at('goal = "0.7"')
    # a key left out: the line of its table's header
    assert found["test.title"] == (at("[test]")[0], None, "test")
    # the multi-line string's "mode = 1" and the array's "x = 1" are no keys
    assert at("mode = 1")[0] not in {line for line, _, _ in found.values()}
    # the problems themselves stay key paths, as validate_protocol gives them
    assert "test.mode: Input should be 'certificate' or 'pre-check' (got 'final')" in (
        caught.value.problems)


# valid TOML a line-by-line reading may misread: quoted keys holding a space, a dot or a
# bracket, headers with such keys, multi-line strings holding table headers and keys
TRICKY = "\n".join([
    '["a]b"]',
    'x = 1',
    '[c]',
    '" mode" = "kept apart from mode"',
    '"d.e" . f = 2',
    "g = '''",
    '[h]',
    'i = 1',
    "'''",
    'j = """ a "quote" \\""" [k] """',
    '[[l]]',
    'm = [',
    '  "]", # ] [n]',
    '  { o = "[" },',
    ']',
    '[[l]]',
    '[ l . "p q" ]',
    'r = 3',
    '',
])


def _keys(data, prefix=()):
    """Every key path of ``data`` as tomllib reads it (tables in arrays numbered)."""
    for key, value in data.items():
        path = (*prefix, key)
        yield path
        if isinstance(value, dict):
            yield from _keys(value, path)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                yield (*path, str(index))
                yield from _keys(item, (*path, str(index)))


def test_each_key_is_found_on_its_own_line_as_tomllib_reads_it():
    from medeval._toml_positions import key_positions

    found = key_positions(TRICKY)
    keys = set(_keys(tomllib.loads(TRICKY)))
    assert set(found) <= keys  # no key tomllib does not read
    lines = TRICKY.split("\n")
    # each where tomllib's key is written, by hand: (line, column), 1-based
    assert found[("a]b",)] == (1, 1) and found[("a]b", "x")] == (2, 1)
    assert found[("c", " mode")] == (4, 1) and ("c", "mode") not in found
    assert found[("c", "d.e", "f")] == (5, 1) and found[("c", "j")] == (10, 1)
    assert ("h",) not in found and ("k",) not in found and ("n",) not in found
    assert found[("l", "1", "p q", "r")] == (18, 1) and found[("l", "0", "m")] == (12, 1)
    assert ('"p q"' in lines[found[("l", "1", "p q")][0] - 1])


def test_a_quoted_key_is_not_taken_for_the_key_it_resembles(tmp_path):
    """'" mode"' (a space in quotes) and '["customer]"]' are other keys than mode and
    customer: the missing mode and customer.name are at their tables' headers."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'mode = "pre-check"', '" mode" = "pre-check"').replace(
        '[customer]\nname = "Customer"', '["customer]"]\nname = "C2"\n[customer]')
    lines = text.split("\n")
    source = tmp_path / "protocol.toml"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(source, check_manifest=False)
    said = str(caught.value)
    quoted, table = lines.index('" mode" = "pre-check"') + 1, lines.index('["customer]"]') + 1
    assert f"line {lines.index('[test]') + 1} ([test]): test.mode: required key" in said
    assert f"line {lines.index('[customer]') + 1} ([customer]): customer.name: required" in (
        said)
    assert f"line {quoted}, column 1: test. mode: " in said
    assert f"line {table}, column 1: customer]: unknown" in said
