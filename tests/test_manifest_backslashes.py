"""Paths written with Windows' backslashes: 'frames\\c1.png' in a manifest made on
Windows, 'sets\\manifest.csv' in a protocol. On Linux the backslash is part of a file
name, so the path is not read as frames/c1.png; the refusal now says to write '/'
where that file exists (it said only "no such file")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from medeval.errors import ManifestError
from medeval.manifest import Manifest
from medeval.protocol import ProtocolError, load_protocol

from .test_protocol import VALID


def test_a_manifest_path_with_backslashes_says_to_write_slashes(tmp_path: Path) -> None:
    (tmp_path / "frames").mkdir()
    Image.new("L", (8, 8)).save(tmp_path / "frames" / "c1.png")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "c1,p1,frames\\c1.png,1\nc2,p2,frames\\c2.png,0\n", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(manifest, reference_kind="label").validate()
    message = str(caught.value)
    assert ("input 'frames\\\\c1.png': no such file" in message
            and "; 'frames/c1.png' is there (see 'backslashes' below)" in message)
    assert message.count("write the paths with '/'") == 1  # said once, below the problems
    assert "frames/c2.png" not in message  # no such file either way: no hint


def test_a_protocol_manifest_path_with_backslashes(tmp_path: Path) -> None:
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "manifest.csv").write_text(
        "case_id,patient_id,input,reference,site\n", encoding="utf-8")
    path = tmp_path / "protocol.toml"
    assert 'manifest = "manifest.csv"' in VALID
    path.write_text(VALID.replace('manifest = "manifest.csv"',
                                  'manifest = "sets\\\\manifest.csv"'), encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"dataset\.manifest: no such file .*; '\\' "
                       r"separates its folders .*write 'sets/manifest\.csv', with '/'"):
        load_protocol(path)
