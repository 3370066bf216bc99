"""The NaN voxels of a float NIfTI are found without a second copy of the volume.

SimpleITK reads a float NIfTI's NaN voxels as 0, so :mod:`medeval.loaders._nifti_nan`
reads the voxels again to put them back. It held the whole payload and a mask of it
beside SimpleITK's image and its numpy copy: a 200 x 512 x 512 float32 prediction (210
MB) was read at a peak of 839 MB resident (``/usr/bin/time -v``), 634 MB now. Positions
are checked against nibabel's reading of the same file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest

from medeval.loaders import _nifti_nan, read_image


def _float_nifti(path: Path, shape: tuple[int, int, int], dtype: str, nan: int) -> Path:
    """A float NIfTI (nibabel, (x, y, z)) with ``nan`` NaN voxels at random places."""
    xyz = np.zeros(shape, np.dtype(dtype))
    xyz[: shape[0] // 2] = 1.0
    rng = np.random.default_rng(7)
    np.put(xyz, rng.choice(xyz.size, nan, replace=False), np.nan)
    header = nib.Nifti1Header(endianness=dtype[0])
    nib.save(nib.Nifti1Image(xyz, np.diag([0.8, 0.8, 2.0, 1.0]), header), str(path))
    return path


@pytest.mark.parametrize(("name", "dtype"), [("a.nii", "<f4"), ("a.nii.gz", ">f8")])
def test_nan_voxels_across_chunks_are_where_nibabel_reads_them(tmp_path, monkeypatch,
                                                               name, dtype):
    # 1 KiB chunks: 256 float32 or 128 float64 voxels each, so the 300 NaN of a
    # 20 x 16 x 12 volume (3,840 voxels) lie in 15 or 30 chunks, some on their edges
    monkeypatch.setattr(_nifti_nan, "CHUNK_BYTES", 1024)
    path = _float_nifti(tmp_path / name, (20, 16, 12), dtype, 300)
    expected = np.isnan(np.asanyarray(nib.load(str(path)).dataobj)).transpose(2, 1, 0)
    array = read_image(path).array  # (z, y, x)
    assert expected.sum() == 300
    assert np.array_equal(np.isnan(array), expected)
    assert np.nansum(array) == np.nansum(np.asanyarray(nib.load(str(path)).dataobj))


def test_looking_for_nan_holds_one_chunk_not_the_volume(tmp_path, monkeypatch):
    # 64 x 256 x 256 float32: 16 MiB of voxels; with 1 MiB chunks the second reading
    # (bytes read, their NaN mask, the positions of 5 NaN) stays near 1.1 MiB, where it
    # held the payload (16 MiB) and a mask of it (4 MiB)
    monkeypatch.setattr(_nifti_nan, "CHUNK_BYTES", 1 << 20)
    path = _float_nifti(tmp_path / "big.nii", (256, 256, 64), "<f4", 5)
    tracemalloc.start()
    try:
        found = _nifti_nan.nan_voxels(path, 256 * 256 * 64)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found is not None and found.size == 5
    assert peak < 4 << 20, peak


_PEAK = """
import json, sys
import numpy as np
import SimpleITK
from medeval.loaders import read_image

def kib(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))

with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # Linux: the peak resident size (VmHWM) starts again from now
before = kib("VmRSS:")
array = read_image(sys.argv[1]).array
print(json.dumps([before, kib("VmHWM:"), int(np.isnan(array).sum())]))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(),
                    reason="needs Linux's /proc/self/clear_refs to reset the peak")
def test_a_float_volume_is_read_at_about_twice_its_size(tmp_path):
    # 256 x 256 x 256 float32 (64 MiB). SimpleITK's image and its numpy copy are two
    # volumes at once, unavoidably; the NaN pass added the payload again and a mask of
    # it while SimpleITK's image was still held: the peak rose by ~3.3 volumes, now ~2
    path = _float_nifti(tmp_path / "big.nii", (256, 256, 256), "<f4", 3)
    done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True,
                          text=True, check=True)
    before, peak, nan = json.loads(done.stdout)
    volumes = (peak - before) / (256 * 256 * 256 * 4 / 1024)
    assert nan == 3
    assert volumes < 2.6, volumes
