"""A file named in another Unicode form than the manifest's (macOS writes Hangul
decomposed, NFD; a manifest typed on Windows holds it composed, NFC): the two names print
the same, so the check says which name the folder holds."""

from __future__ import annotations

import unicodedata

import pytest

from medeval.errors import ManifestError
from medeval.manifest import Case, Manifest


def test_a_missing_file_names_its_other_unicode_form(tmp_path):
    composed = "대장내시경 01.png"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed  # other code points, the same text to a reader
    (tmp_path / decomposed).write_bytes(b"\x89PNG\r\n\x1a\n frame")
    (tmp_path / "other.png").write_bytes(b"\x89PNG\r\n\x1a\n frame")
    manifest = Manifest([Case("c1", "p1", (composed,), "benign"),
                         Case("c2", "p1", ("missing.png",), "benign")],
                        root=tmp_path, reference_kind="label")
    with pytest.raises(ManifestError) as caught:
        manifest.validate()
    first, second = caught.value.problems
    assert first.startswith(f"case c1: input {composed!r}: no such file")
    assert f"the folder holds {decomposed!r}, the same name in NFD Unicode form" in first
    assert second.endswith("no such file (" + str(tmp_path / "missing.png") + ")")
    # written as on disk, the name is found
    Manifest([Case("c1", "p1", (decomposed,), "benign")], root=tmp_path,
             reference_kind="label").validate()
