"""Reading and hashing a held-out set: medeval against the plain tools, side by side.

1. A 200-slice CT series (512 x 512 int16, Explicit VR Little Endian, RescaleIntercept
   -1024, 1.25 mm apart, written here with pydicom under shuffled file names) read
   - with ``medeval.loaders.read_image`` (geometry checks, rescale to HU, metadata);
   - with SimpleITK's ``ImageSeriesReader`` (GDCM sorts the files) plus
     ``GetArrayFromImage``;
   - with plain pydicom: ``dcmread`` every file, sort by z, stack, rescale.
   Target: medeval within 1.2x of the faster plain reader.
2. Hashing a set of files (1 GB by default, in 64 files): ``sha256sum`` (one process, one
   core) against ``Manifest.file_digests`` on one thread and on every core, cache off.
   Target: within 1.5x of ``sha256sum`` on one core.

Every timing is the best of ``--repeat`` runs after one warm-up run, so the files are in
the page cache and the disk is out of the comparison. The numbers are of this machine.

Run: ``python benchmarks/bench_loaders.py [--slices 200] [--hash-mb 1024]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def write_series(folder: Path, slices: int, size: int = 512) -> None:
    """A synthetic CT series written with pydicom, file names shuffled."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    rng = np.random.default_rng(0)
    series, study, frame = generate_uid(), generate_uid(), generate_uid()
    names = [f"IM{i:05d}" for i in range(slices)]
    random.Random(0).shuffle(names)
    for i in range(slices):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(str(folder / names[i]), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
        ds.Modality, ds.PatientID = "CT", "BENCH"
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.ImagePositionPatient = [-250.0, -250.0, 1.25 * i]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing, ds.SliceThickness = [0.9765625, 0.9765625], 1.25
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.PixelData = rng.integers(0, 2000, (size, size), dtype=np.int16).tobytes()
        ds.save_as(folder / names[i], enforce_file_format=True)


def best(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm-up: page cache, imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def read_medeval(folder: Path) -> np.ndarray:
    from medeval.loaders import read_image

    return read_image(folder).array


def read_simpleitk(folder: Path) -> np.ndarray:
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    return sitk.GetArrayFromImage(reader.Execute())


def read_pydicom(folder: Path) -> np.ndarray:
    import pydicom

    datasets = [pydicom.dcmread(p) for p in folder.iterdir()]
    datasets.sort(key=lambda ds: float(ds.ImagePositionPatient[2]))
    volume = np.stack([ds.pixel_array for ds in datasets]).astype(np.int32)
    return volume * int(datasets[0].RescaleSlope) + int(datasets[0].RescaleIntercept)


def write_hash_set(folder: Path, total_mb: int, files: int = 64) -> list[Path]:
    per_file = max(1, total_mb // files) << 20
    block = np.random.default_rng(1).integers(0, 256, per_file, dtype=np.uint8).tobytes()
    paths = []
    for i in range(files):
        path = folder / f"part{i:03d}.bin"
        path.write_bytes(block[i:] + block[:i])  # distinct contents, same size
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=200)
    parser.add_argument("--hash-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from medeval.manifest import Case, Manifest

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="medeval-bench-") as tmp:
        series = Path(tmp) / "series"
        series.mkdir()
        write_series(series, args.slices)
        mb = sum(p.stat().st_size for p in series.iterdir()) / 2**20
        ours = read_medeval(series)
        assert np.array_equal(ours, read_simpleitk(series))
        assert np.array_equal(ours, read_pydicom(series))
        print(f"\nreading a {args.slices}-slice CT series ({mb:.0f} MB), best of "
              f"{args.repeat}; all three give the same array")
        times = {
            "medeval read_image": best(lambda: read_medeval(series), args.repeat),
            "SimpleITK ImageSeriesReader": best(lambda: read_simpleitk(series), args.repeat),
            "plain pydicom": best(lambda: read_pydicom(series), args.repeat),
        }
        for name, seconds in times.items():
            print(f"  {name:30s} {seconds:7.3f} s")
        fastest = min(times["SimpleITK ImageSeriesReader"], times["plain pydicom"])
        print(f"  ratio medeval / faster plain reader: {times['medeval read_image'] / fastest:.2f}"
              " (target <= 1.2)")
        shutil.rmtree(series)

        data = Path(tmp) / "hash"
        data.mkdir()
        paths = write_hash_set(data, args.hash_mb)
        size_mb = sum(p.stat().st_size for p in paths) / 2**20
        cases = [Case(p.stem, p.stem, (p.name,), "0") for p in paths]
        manifest = Manifest(cases, root=data, reference_kind="label")
        names = [p.name for p in paths]
        print(f"\nhashing {len(paths)} files, {size_mb:.0f} MB, best of {args.repeat}")
        hash_times = {
            "sha256sum (1 process)": best(lambda: subprocess.run(
                ["sha256sum", *names], cwd=data, check=True, stdout=subprocess.DEVNULL),
                args.repeat),
            "medeval, 1 thread": best(lambda: manifest.file_digests(
                workers=1, progress=False, cache=False), args.repeat),
            f"medeval, {os.cpu_count()} threads": best(lambda: manifest.file_digests(
                workers=None, progress=False, cache=False), args.repeat),
        }
        for name, seconds in hash_times.items():
            print(f"  {name:30s} {seconds:7.3f} s  {size_mb / seconds:7.0f} MB/s")
        base = hash_times["sha256sum (1 process)"]
        one = hash_times["medeval, 1 thread"] / base
        many = hash_times[f"medeval, {os.cpu_count()} threads"] / base
        print(f"  ratio medeval 1 thread / sha256sum: {one:.2f} (target <= 1.5); "
              f"all threads / sha256sum: {many:.2f}")
        cache = Path(tmp) / "cache"
        manifest.file_digests(progress=False, cache=cache)
        start = time.perf_counter()
        manifest.file_digests(progress=False, cache=cache)
        print(f"  second run with the cache: {time.perf_counter() - start:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
