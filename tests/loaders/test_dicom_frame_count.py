"""A DICOM file whose NumberOfFrames is not a whole number (pydicom's own badVR.dcm holds
'1A'; a damaged export '1.5' or '-1') is refused by name. Before, the pixel-data size
check computed its byte count from the text and raised TypeError, which
``medeval manifest check --read-files`` (reading DICOM inputs since e85548c) did not
catch: the whole check stopped on a traceback instead of listing the case."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file

from medeval.errors import LoaderError, ManifestError
from medeval.loaders import read_image
from medeval.manifest import Manifest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
from test_segmentation_2d_dicom import write_ultrasound  # noqa: E402


def with_frame_count(path: Path, text: bytes) -> Path:
    """The 48 x 64 ultrasound frame with NumberOfFrames written as ``text`` (4 bytes)."""
    write_ultrasound(path)
    ds = pydicom.dcmread(path)
    ds.NumberOfFrames = 7777
    ds.save_as(path)
    element = b"\x28\x00\x08\x00IS\x04\x00"  # (0028,0008) IS, 4 bytes, explicit VR LE
    raw = path.read_bytes()
    assert raw.count(element + b"7777") == 1
    path.write_bytes(raw.replace(element + b"7777", element + text))
    return path


@pytest.mark.parametrize("text", [b"1.5 ", b"-1  "])
def test_a_frame_count_not_whole_is_refused_by_name(tmp_path, text):
    # before: 'NumberOfFrames 1.5 = 4608.0 bytes' / '-3072 bytes' in a size message
    path = with_frame_count(tmp_path / "u.dcm", text)
    with pytest.raises(LoaderError, match=f"NumberOfFrames is '{text.strip().decode()}'"):
        read_image(path)


def test_manifest_check_lists_pydicoms_bad_frame_count(tmp_path):
    (tmp_path / "frames").mkdir()
    shutil.copy(get_testdata_file("badVR.dcm"), tmp_path / "frames" / "a.dcm")
    write_ultrasound(tmp_path / "frames" / "b.dcm")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference\n"
                        "a,pa,frames/a.dcm,1\nb,pb,frames/b.dcm,0\n")
    with pytest.warns(UserWarning), pytest.raises(ManifestError) as caught:  # pydicom: '1A'
        Manifest.from_csv(manifest, reference_kind="label").validate(read_files=True)
    (problem,) = caught.value.problems
    assert problem.startswith("case a: input 'frames/a.dcm': unreadable:")
    assert "NumberOfFrames is '1A'" in problem
