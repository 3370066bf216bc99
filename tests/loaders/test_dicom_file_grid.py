"""A DICOM SEG of a 2-D image is placed on the image's grid, which its header alone gives
(``read_dicom_file_grid``): the segmentation task decoded the whole input image for its
shape (``read_image``), a 4096 x 3328 JPEG 2000 mammogram or a cine of hundreds of
frames, once per case, to place a SEG of a few bits. The grid equals the one
``read_dicom_file`` gives; scoring a SEG reference and prediction decodes no pixel of
the image (decodes counted by wrapping the decoder). Files built with pydicom."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import medeval
import medeval.loaders._dicom_pixels as dicom_pixels
from medeval.loaders.dicom import read_dicom_file, read_dicom_file_grid

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
from dicom_2d_files import mammogram, save  # noqa: E402
from test_segmentation_2d_dicom import (  # noqa: E402
    MM,
    PROTOCOL,
    masks,
    write_cine,
    write_seg_2d,
    write_ultrasound,
)


def same_grid(path: Path) -> None:
    grid, full = read_dicom_file_grid(path), read_dicom_file(path)
    assert grid.array.shape == full.array.shape[:3] and not grid.array.any()
    assert grid.spacing_mm == full.spacing_mm
    for key in ("geometry", "sop_instance_uids", "series_uid", "spacing_source"):
        assert grid.metadata.get(key) == full.metadata.get(key), key


def test_the_grid_of_an_image_without_positions_equals_the_full_read(tmp_path):
    write_ultrasound(tmp_path / "us.dcm")
    write_cine(tmp_path / "cine.dcm", 4)
    mg = mammogram(np.arange(48 * 64, dtype=np.uint16).reshape(48, 64))
    mg.EstimatedRadiographicMagnificationFactor = 1.08
    save(mg, tmp_path / "mg.dcm")
    for name in ("us.dcm", "cine.dcm", "mg.dcm"):
        same_grid(tmp_path / name)
    assert read_dicom_file_grid(tmp_path / "mg.dcm").spacing_mm[1:] == pytest.approx(
        (0.07 / 1.08, 0.07 / 1.08))  # ImagerPixelSpacing / magnification, by hand


def test_placing_a_2d_seg_decodes_no_pixel_of_its_image(tmp_path, monkeypatch):
    for sub in ("frames", "refs", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    write_ultrasound(tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, tmp_path / "frames" / "u1.dcm")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    decoded: Counter[str] = Counter()
    real = dicom_pixels.decode

    def decode(ds, file, *args, **kwargs):  # type: ignore[no-untyped-def]
        decoded[f"{Path(file).parent.name}/{Path(file).name}"] += 1
        return real(ds, file, *args, **kwargs)

    monkeypatch.setattr(dicom_pixels, "decode", decode)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("hausdorff").estimate.value == pytest.approx(0.4)  # 2 rows x 0.2
    assert decoded == {"refs/u1.dcm": 1, "pred/u1.dcm": 1}  # before: frames/u1.dcm too
