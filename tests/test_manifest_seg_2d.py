"""``Manifest.validate(read_files=True)`` (``medeval manifest check --read-files``) on a
DICOM SEG of a 2-D image without positions (an ultrasound frame's, as highdicom writes
one): the segmentation task places it by the source image its frames name (802c7f8),
but the check read it alone and refused every such reference as 'unreadable: ... its
frames carry no Plane Position'. It is now read as far as the file alone allows (header,
pixel data, segments); one cut short is still named. SEG files built with pydicom."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from medeval.errors import ManifestError
from medeval.manifest import Manifest

sys.path.insert(0, str(Path(__file__).resolve().parent / "tasks"))
from test_segmentation_2d_dicom import write_seg_2d, write_ultrasound  # noqa: E402


def make_set(root: Path) -> Path:
    (root / "frames").mkdir()
    (root / "refs").mkdir()
    mask = np.zeros((48, 64), bool)
    mask[10:20, 10:30] = True
    rows = ["case_id,patient_id,input,reference"]
    for cid in ("a", "b"):
        write_ultrasound(root / "frames" / f"{cid}.dcm")
        write_seg_2d(root / "refs" / f"{cid}.dcm", mask, root / "frames" / f"{cid}.dcm")
        rows.append(f"{cid},p{cid},frames/{cid}.dcm,refs/{cid}.dcm")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    return root / "manifest.csv"


@pytest.mark.parametrize("kind", ["image", "segmentation"])  # the segmentation task's: image
def test_a_2d_seg_reference_passes_the_read_files_check(tmp_path, kind):
    Manifest.from_csv(make_set(tmp_path), reference_kind=kind).validate(read_files=True)


@pytest.mark.parametrize("kind", ["image", "segmentation"])
def test_a_2d_seg_cut_short_is_named(tmp_path, kind):
    manifest = make_set(tmp_path)
    seg = tmp_path / "refs" / "b.dcm"
    seg.write_bytes(seg.read_bytes()[:-100])  # 384 bytes of packed bits, 284 left
    with pytest.raises(ManifestError) as caught:
        Manifest.from_csv(manifest, reference_kind=kind).validate(read_files=True)
    (problem,) = caught.value.problems
    assert problem.startswith("case b: reference 'refs/b.dcm': unreadable:")
    assert "Plane Position" not in problem
