"""An attached file whose stream cannot be decoded — corrupt deflate bytes, or a
"zip bomb" that inflates past pypdf's output limit — is named for what it is (the bomb
as unreadable), and only that: its file specification's /AFRelationship and MIME type,
which it still carries (read back with pikepdf), are not reported as missing.

Before, the unreadable stream dropped every field the verification had read, so the
page also said "has /AFRelationship None, not Source" and "has MIME type None, not
application/json", and the first sentence had no Korean wording (shown as the English
original on a Korean page).
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from medeval.report import verify_certificate
from medeval.web.differences_ko import difference_ko

pikepdf = pytest.importorskip("pikepdf")


def _bomb() -> bytes:
    """Deflate bytes that inflate to 1 MiB more than pypdf's limit (spaces)."""
    from pypdf.filters import ZLIB_MAX_OUTPUT_LENGTH

    packer = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(ZLIB_MAX_OUTPUT_LENGTH // len(chunk) + 2)]
    return b"".join(parts) + packer.flush()


@pytest.mark.parametrize("raw", [b"\x78\x9c this is not deflate", "bomb"],
                         ids=["corrupt", "bomb"])
def test_an_undecodable_attachment_is_named_once(certificate: Path, raw: bytes | str,
                                                 tmp_path: Path) -> None:
    encoded = _bomb() if raw == "bomb" else raw
    assert isinstance(encoded, bytes)
    with pikepdf.open(certificate) as pdf:
        spec = pdf.attachments["result.json"].obj
        spec.EF.F.write(encoded, filter=pikepdf.Name.FlateDecode)
        pdf.save(tmp_path / "altered.pdf")
    with pikepdf.open(tmp_path / "altered.pdf") as pdf:  # what the file still says
        spec = pdf.attachments["result.json"].obj
        assert spec.AFRelationship == pikepdf.Name.Source
        assert spec.EF.F.Subtype == pikepdf.Name("/application/json")

    verdict = verify_certificate(tmp_path / "altered.pdf")
    assert verdict.status == "altered"
    unreadable = [d for d in verdict.differences
                  if "the attached file result.json cannot be read" in d]
    # pypdf refuses the bomb; the corrupt bytes it decodes as far as they go (garbage:
    # named by its size, its checksum and as no result)
    assert len(unreadable) == (1 if raw == "bomb" else 0), verdict.differences
    assert not [d for d in verdict.differences if "/AFRelationship" in d or "MIME" in d]
    for difference in verdict.differences:  # each has its Korean wording on the page
        assert difference_ko(difference) is not None, difference
