"""A protocol file that sets no key (0 bytes, blank, or only comments) is named once as
such, not as eight 'required key is missing' lines."""

from __future__ import annotations

import sys

import pytest

from medeval.protocol import ProtocolError, load_protocol

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.mark.parametrize(("raw", "said"), [
    (b"", "the file is empty (0 bytes)"),
    (b"\n  \n\t\n", "the file holds no key: it is blank"),
    (b"# [test]\n# id = \"KTL-1\"\n\n   # mode = \"certificate\"\n",
     "the file holds no key: only comments and blank lines"),
])
def test_a_protocol_without_keys_is_one_problem_naming_the_file(tmp_path, raw, said):
    source = tmp_path / "protocol.toml"
    source.write_bytes(raw)
    assert tomllib.loads(raw.decode()) == {}  # TOML's own reader: no key in the file
    with pytest.raises(ProtocolError) as caught:
        load_protocol(source)
    message = str(caught.value)
    assert message.startswith(f"protocol {source}: {said}; a protocol holds [test], ")
    assert "required key is missing" not in message
    assert len(caught.value.problems) == 1


def test_a_protocol_with_one_key_still_lists_what_is_missing(tmp_path):
    source = tmp_path / "protocol.toml"
    source.write_text("# a start\n[test]\nid = \"KTL-1\"\n", encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(source)
    assert "laboratory: required key is missing" in caught.value.problems
    assert "file holds no key" not in str(caught.value)
