"""read_ahead: a hint to the kernel that touches regular files only and never fails."""

from __future__ import annotations

import os

import pytest

from medeval._read_ahead import in_cache, read_ahead


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


def _resident(path) -> bool:
    """Whether the file's first page is in the page cache, as mincore(2) says of a
    mapping of it: another way of asking than read_ahead's (a read that may not wait)."""
    import ctypes
    import mmap

    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_long]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    fd = os.open(path, os.O_RDONLY)
    try:
        address = libc.mmap(None, mmap.PAGESIZE, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        assert address not in (None, ctypes.c_void_p(-1).value), ctypes.get_errno()
        try:
            vector = ctypes.create_string_buffer(1)
            assert libc.mincore(address, mmap.PAGESIZE, vector) == 0, ctypes.get_errno()
            return bool(vector.raw[0] & 1)
        finally:
            libc.munmap(address, mmap.PAGESIZE)
    finally:
        os.close(fd)


def _drop_from_cache(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # written pages are dropped only once on disk
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "RWF_NOWAIT"), reason="preadv's RWF_NOWAIT is Linux's")
def test_in_cache_says_what_mincore_says(tmp_path):
    data = tmp_path / "r.atr"
    data.write_bytes(b"\x01\x02" * 5000)
    data.read_bytes()
    assert _resident(data) and in_cache([(str(data), 0)])
    _drop_from_cache(data)  # where the file system lets the page go (not tmpfs)
    # asked first: a read that may not wait starts reading a page it does not find
    resident = _resident(data)
    assert in_cache([(str(data), 0)]) == resident
    data.read_bytes()
    assert in_cache([(str(data), 0)]) and not in_cache([])  # nothing asked: not known
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # not in the cache, or cannot be told: a FIFO (not opened), a folder, nothing, empty
    (tmp_path / "empty").write_bytes(b"")
    for path in (fifo, tmp_path, tmp_path / "missing", tmp_path / "empty"):
        assert not in_cache([(str(data), 0), (str(path), 0)])


_OPENS: list[str] | None = None


def _count_hints(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    # sys.audit's "open" event of os.open (mode None): read_ahead's and in_cache's opens
    # (nothing else of an evaluation opens files so)
    if _OPENS is not None and event == "open" and args[1] is None:
        _OPENS.append(os.fspath(args[0]))


@pytest.mark.skipif(not hasattr(os, "RWF_NOWAIT"), reason="preadv's RWF_NOWAIT is Linux's")
def test_a_set_in_the_page_cache_is_not_hinted_again(tmp_path, monkeypatch):
    # Hints cost four system calls a file: 30 us a record of a 100,000-record ECG
    # evaluation, for nothing where the set is in the page cache (evaluated or checked
    # before). 40 records (the ECG example's syn01, one folder each): evaluated a second
    # time, only the last case of each 16's files are asked about (check: header and
    # reference; scoring: reference, header, prediction), none is hinted; with every file
    # dropped from the cache, each block of cases whose last case's files the kernel says
    # are not all in the cache is hinted whole.
    import shutil
    import sys
    from pathlib import Path

    import medeval
    from medeval import _read_ahead, manifest, scoring

    global _OPENS
    example = Path(__file__).parents[1] / "examples" / "ecg-beats"
    rows = ["case_id,patient_id,input_header,input_signal,reference"]
    (tmp_path / "pred").mkdir()
    for k in range(40):
        folder = tmp_path / f"c{k:02d}"
        folder.mkdir()
        for part in ("records/syn01.hea", "records/syn01.dat", "references/syn01.atr"):
            shutil.copy(example / part, folder)
        shutil.copy(example / "predictions" / "syn01.json", tmp_path / "pred" / f"c{k:02d}.json")
        rows.append(f"c{k:02d},p{k:02d},c{k:02d}/syn01.hea,c{k:02d}/syn01.dat,c{k:02d}/syn01.atr")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "protocol.toml").write_text((example / "protocol.toml").read_text())
    first = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    sys.addaudithook(_count_hints)
    _OPENS = []
    try:
        again = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
        warm = list(_OPENS)
    finally:
        _OPENS = None
    # cases 0-31 asked of at case 0 (the last: c31), 32-39 at case 16 (c39), each by the
    # check (2 files) and by the scoring (3 files)
    assert sorted(Path(p).relative_to(tmp_path).as_posix() for p in warm) == sorted(
        [f"c{k}/syn01.{ext}" for k in (31, 39) for ext in ("hea", "atr")] * 2
        + [f"pred/c{k}.json" for k in (31, 39)])

    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    for path in files:
        _drop_from_cache(path)
    if any(_resident(path) for path in files):
        pytest.skip("this file system keeps a file's pages in memory (tmpfs): the "
                    "hints after they are dropped cannot be seen")
    # What the kernel answers, and what is hinted after, recorded around the real calls.
    # An answer is the kernel's own: a disk that reads the page while it is asked (a
    # virtual disk in the host's cache) may say yes for a file dropped a moment before.
    calls: list[tuple[str, list[str], bool | None]] = []

    def name(path: str) -> str:
        return Path(path).relative_to(tmp_path).as_posix()

    def asking(files):  # type: ignore[no-untyped-def]
        files = list(files)
        answer = _read_ahead.in_cache(files)
        calls.append(("ask", [name(p) for p, _ in files], answer))
        return answer

    def hinting(files):  # type: ignore[no-untyped-def]
        files = list(files)
        calls.append(("hint", [name(p) for p, _ in files], None))
        _read_ahead.read_ahead(files)

    for module in (manifest, scoring):
        monkeypatch.setattr(module, "in_cache", asking)
        monkeypatch.setattr(module, "read_ahead", hinting)
    cold = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert again.metrics == first.metrics == cold.metrics
    asks = [(files, answer) for kind, files, answer in calls if kind == "ask"]
    # the same four questions as the warm evaluation asked (checked above by its opens)
    assert sorted(f for files, _ in asks for f in files) == sorted(
        Path(p).relative_to(tmp_path).as_posix() for p in warm)
    if all(answer for _, answer in asks):
        pytest.skip("the disk read every dropped file while it was asked (a read that may "
                    "not wait did not have to): no hint was needed, none can be seen")
    for index, (kind, files, answer) in enumerate(calls):
        if kind != "ask":
            continue
        following = calls[index + 1] if index + 1 < len(calls) else None
        if answer:  # in the cache: nothing hinted
            assert following is None or following[0] == "ask"
            continue
        # not in the cache: every case of the block up to the one asked about is hinted,
        # the check's hea and atr, the scoring's also the prediction
        assert following is not None and following[0] == "hint"
        last = int(files[-1][1:3]) if files[-1].startswith("c") else int(files[-1][6:8])
        block = range(0, 32) if last == 31 else range(32, 40)
        wanted = {f"c{k:02d}/syn01.{ext}" for k in block for ext in ("hea", "atr")}
        if any(f.startswith("pred/") for f in files):
            wanted |= {f"pred/c{k:02d}.json" for k in block}
        assert set(following[1]) == wanted, (files, following[1])
