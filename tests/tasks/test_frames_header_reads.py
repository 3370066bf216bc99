"""The checks of a case's 2-D DICOM frame (its Rows and Columns against the mask, its
pixel size against the protocol's pixel_spacing_mm, its NumberOfFrames against a stack
of mask pages) read the frame's header once per case, not once per check: a 37,500-frame
ultrasound set paid two header reads a case in the scoring pass (more than reading its
two masks took), where one gives every fact. Counted by wrapping pydicom.dcmread, the
reader itself still doing the reading."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pydicom
import pytest

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_segmentation_2d_dicom import (  # noqa: E402
    MM,
    PROTOCOL,
    make_set,
    masks,
    write_cine,
    write_tiff,
)


@pytest.fixture
def header_reads(monkeypatch):
    reads: Counter[str] = Counter()
    real = pydicom.dcmread

    def counted(fp, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads[Path(fp).name] += 1
        return real(fp, *args, **kwargs)

    monkeypatch.setattr(pydicom, "dcmread", counted)
    return reads


def test_a_frame_is_read_once_for_its_size_and_pixel_size(tmp_path, header_reads):
    # two checks of frames/u1.dcm: 48 x 64 like the mask, 0.2 mm like pixel_spacing_mm
    make_set(tmp_path, MM + "\npixel_spacing_mm = 0.2")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("hausdorff").estimate.value == pytest.approx(0.4)  # 2 rows x 0.2
    assert header_reads == {"u1.dcm": 1, "u2.dcm": 1}  # before: 2 each


def test_a_cine_is_read_once_for_its_size_and_frame_count(tmp_path, header_reads):
    # a 3-frame cine under 3 mask pages: its Rows and Columns, then its NumberOfFrames
    for sub in ("frames", "masks", "pred"):
        (tmp_path / sub).mkdir()
    ref, _ = masks()
    write_cine(tmp_path / "frames" / "c.dcm", 3)
    write_tiff(np.stack([ref] * 3), tmp_path / "masks" / "c.tif")
    write_tiff(np.stack([ref] * 3), tmp_path / "pred" / "c.tif")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc,c,frames/c.dcm,masks/c.tif\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task="distances = false"))
    header_reads.clear()
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("dice").estimate.value == 1.0
    assert header_reads == {"c.dcm": 1}  # before: 2
