"""Reading a DICOM series holds the volume once: the slices are decoded into it one by
one, not stacked from a list of decoded planes and then copied again to rescale."""

from __future__ import annotations

import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

from medeval.loaders import read_image

from .peak_memory import read_peak

SLICES, SIZE = 8, 512


def _series(folder):
    """8 slices of 512 x 512 int16 (CT_small's 128 x 128 pixels tiled, plus the slice
    index), intercept -1024, written in reverse file order. Large planes, so that the
    pixels outweigh the headers (each some 100 kB of Python objects)."""
    base = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    series, tile = generate_uid(), np.tile(base.pixel_array, (4, 4))
    for i in range(SLICES):
        ds = base.copy()
        ds.SeriesInstanceUID, ds.SOPInstanceUID = series, generate_uid()
        ds.ImagePositionPatient = [0.0, 0.0, 2.5 * i]
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.Rows = ds.Columns = SIZE
        ds.PixelData = (tile + i).astype(np.int16).tobytes()
        ds.save_as(folder / f"{SLICES - i:03d}.dcm")
    return folder


def test_a_series_is_read_with_the_volume_held_once(tmp_path):
    folder = _series(tmp_path)
    image = read_image(folder)
    peak = read_peak(folder)  # in a process of its own (peak_memory.py)
    # The stored pixel data of the 8 files, 8 x 512 x 512 x 2 bytes = 4 MiB (read with
    # the headers), and the volume, int32 after the intercept: 8 x 512 x 512 x 4 = 8 MiB.
    # Before, the decoded planes and their stack (4 MiB each) were held beside them: a
    # peak of 2 x stored + volume at least (16 MiB, 20.8 measured); now stored + volume
    # and the headers (13.3 MiB measured), under stored + volume + half the stored.
    stored, volume = SLICES * SIZE * SIZE * 2, SLICES * SIZE * SIZE * 4
    assert image.array.nbytes == volume
    assert peak < stored + volume + stored / 2, peak
    # And the voxels are SimpleITK's (GDCM), which sorts the files by position too.
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    np.testing.assert_array_equal(image.array, sitk.GetArrayFromImage(reader.Execute()))
