"""read_ahead: a hint to the kernel that touches regular files only and never fails."""

from __future__ import annotations

import os

import pytest

from medeval._read_ahead import read_ahead


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_only_regular_files_are_opened_and_nothing_fails(tmp_path):
    data = tmp_path / "a.json"
    data.write_bytes(b"{}")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # opened for reading without a writer, it would block
    folder = tmp_path / "folder"
    folder.mkdir()
    read_ahead([(str(data), 0), (str(fifo), 0), (str(folder), 0),
                (str(tmp_path / "missing"), 0), ("bad\0path", 0), (str(data), 1)])
    assert data.read_bytes() == b"{}"  # a hint: nothing read, nothing changed
