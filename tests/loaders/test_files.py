"""Corrupted and hostile inputs: each a MedevalError naming the file, never a hang."""

from __future__ import annotations

import os

import pytest

from medeval.errors import LoaderError, MedevalError
from medeval.loaders import read_annotations, read_image, read_record, read_segmentation
from medeval.loaders._files import within_root


@pytest.mark.parametrize("name", ["dicom/ct/CT_small.dcm", "dicom/compressed/JPEG-LL.dcm",
                                  "dicom/multiframe/emri_small_jpeg_2k_lossless.dcm"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_truncated_dicom(shared_data, tmp_path, name, keep):
    data = (shared_data / name).read_bytes()
    path = tmp_path / "cut.dcm"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(LoaderError, match=r"cut\.dcm"):
        read_image(path)


def test_not_dicom(tmp_path):
    path = tmp_path / "scan.dcm"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(LoaderError, match=r"scan\.dcm: not a DICOM, NIfTI, MetaImage or NRRD"):
        read_image(path)
    with pytest.raises(MedevalError, match=r"scan\.dcm"):
        read_segmentation(path)


def test_dicom_preamble_then_garbage(tmp_path):
    path = tmp_path / "fake.dcm"
    path.write_bytes(b"\x00" * 128 + b"DICM" + os.urandom(2000))
    with pytest.raises(LoaderError, match=r"fake\.dcm"):
        read_image(path)


def test_empty_file(tmp_path):
    (tmp_path / "empty.nii").write_bytes(b"")
    with pytest.raises(LoaderError, match=r"empty\.nii"):
        read_image(tmp_path / "empty.nii")


def test_missing_paths_are_named(tmp_path):
    with pytest.raises(LoaderError, match=r"nothing\.dcm: no such file"):
        read_image(tmp_path / "nothing.dcm")
    with pytest.raises(LoaderError, match=r"nothing\.atr: no such file"):
        read_annotations(tmp_path / "nothing.atr")
    with pytest.raises(LoaderError, match="no EDF file and no WFDB header"):
        read_record(tmp_path / "nothing")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "pipe.dcm"
    os.mkfifo(fifo)  # opening it for reading would block forever
    with pytest.raises(LoaderError, match=r"pipe\.dcm: is not a regular file"):
        read_image(fifo)
    with pytest.raises(LoaderError, match=r"pipe\.dcm"):
        read_annotations(fifo)


def test_dot_dot_escape(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    (tmp_path / "secret.csv").write_text("x")
    with pytest.raises(LoaderError, match=r"\.\./secret\.csv: resolves to .* outside the data"):
        within_root(root, "../secret.csv")
    with pytest.raises(LoaderError, match="outside the data root"):
        within_root(root, "a/../../secret.csv")
    assert within_root(root, "a/../b.dcm") == root.resolve() / "b.dcm"


def test_symlink_escape(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "ref.dcm").write_bytes(b"x")
    (root / "link").symlink_to(outside)
    with pytest.raises(LoaderError, match=r"link/ref\.dcm: resolves to .*outside/ref\.dcm"):
        within_root(root, "link/ref.dcm")


def test_a_folder_turned_into_an_outside_link_is_caught_at_the_next_validation(tmp_path):
    # Folders' real paths are cached within a validation; a new validation forgets them,
    # so a folder replaced by a link leaving the root is refused the next time.
    import shutil

    from medeval.loaders._files import forget_resolved_folders, within_root

    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.txt").write_text("x")
    assert within_root(root, "data/a.txt") == (root / "data" / "a.txt").resolve()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text("secret")
    shutil.rmtree(root / "data")
    (root / "data").symlink_to(outside, target_is_directory=True)
    forget_resolved_folders()
    with pytest.raises(LoaderError, match="outside the data root"):
        within_root(root, "data/a.txt")


def test_a_dicom_file_without_preamble_is_told_from_an_ecg_signal_file(tmp_path):
    """A DICOM file written without its preamble (implicit or explicit VR, pydicom writes
    both) is DICOM; a WFDB signal file (format 16) whose first two samples are 2 and 22
    adu opens with the same four bytes, 02 00 16 00, as a (0002,0016) element, but no
    second element follows the length they state: it is not DICOM (it was, and
    ``manifest check --read-files`` refused the record as an unreadable DICOM file).
    Found in the ecg12-pass."""
    import numpy as np
    import pydicom
    import wfdb
    from pydicom.data import get_testdata_file

    from medeval.loaders._files import sniff

    digital = np.array([[2, 22], [5, -3], [1, 0]] * 100, dtype=np.int16)
    wfdb.wrsamp("r", fs=500, units=["mV", "mV"], sig_name=["I", "II"], d_signal=digital,
                fmt=["16", "16"], adc_gain=[1000.0] * 2, baseline=[0, 0],
                write_dir=str(tmp_path))
    assert (tmp_path / "r.dat").read_bytes()[:4] == b"\x02\x00\x16\x00"
    assert sniff(tmp_path / "r.dat") == "unknown"
    for implicit in (True, False):
        ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
        del ds.file_meta
        ds.preamble = None
        path = tmp_path / f"implicit-{implicit}.dcm"
        pydicom.dcmwrite(path, ds, enforce_file_format=False, implicit_vr=implicit,
                         little_endian=True)
        assert path.read_bytes()[:2] == b"\x08\x00"  # no preamble: group 0008 first
        assert sniff(path) == "dicom"
