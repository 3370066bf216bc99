"""A DICOM file with an element pydicom reads only when it is used, and then cannot: its
VR bytes damaged ('Uv' for SamplesPerPixel's US), or a value of a length its VR cannot
have (an ultrasound region's RegionSpatialFormat relabelled UL with its 2 bytes). Before,
read_image let pydicom's NotImplementedError or BytesLengthException through, and
``manifest check --read-files`` (reading DICOM inputs since e85548c) stopped on a
traceback instead of listing the case. Found by flipping bytes of pydicom-built and
pydicom test files; now a LoaderError naming the file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from medeval.errors import LoaderError, ManifestError
from medeval.loaders import read_image
from medeval.manifest import Manifest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
from test_segmentation_2d_dicom import write_ultrasound  # noqa: E402

DAMAGE = {
    "unknown VR": (b"\x28\x00\x02\x00US", b"\x28\x00\x02\x00Uv"),  # (0028,0002)
    "bad length": (b"\x18\x00\x12\x60US\x02\x00", b"\x18\x00\x12\x60UL\x02\x00"),  # 2 of 4
}


def damaged(path: Path, kind: str) -> Path:
    write_ultrasound(path)
    old, new = DAMAGE[kind]
    raw = path.read_bytes()
    assert raw.count(old) == 1
    path.write_bytes(raw.replace(old, new))
    return path


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_element_is_a_loader_error(tmp_path, kind):
    path = damaged(tmp_path / "u.dcm", kind)
    with pytest.raises(LoaderError, match="an element cannot be read") as caught:
        read_image(path)
    assert str(path) in str(caught.value)


def test_manifest_check_lists_them(tmp_path):
    (tmp_path / "frames").mkdir()
    for cid, kind in (("a", "unknown VR"), ("b", "bad length")):
        damaged(tmp_path / "frames" / f"{cid}.dcm", kind)
    write_ultrasound(tmp_path / "frames" / "c.dcm")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n" + "".join(
        f"{c},p{c},frames/{c}.dcm,1\n" for c in "abc"))
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(manifest, reference_kind="label").validate(read_files=True)
    assert [p.split(":")[0] for p in caught.value.problems] == ["case a", "case b"]
