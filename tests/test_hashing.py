"""The digest cache of :mod:`medeval._hashing` under an interrupted fingerprint."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from medeval._hashing import STORE_EVERY

_HASH = ("import sys; from medeval._hashing import hash_files; "
         "hash_files(sys.argv[2:], workers=1, progress=False, cache=sys.argv[1])")


def _open_once_read(fifo: Path, process: subprocess.Popen[bytes]) -> int:
    """The write end of ``fifo``, opened once ``process`` has opened it to read: it has
    hashed every file before it and waits on the FIFO's bytes."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:  # ENXIO: no reader yet
            assert exc.errno == errno.ENXIO, exc
            assert process.poll() is None and time.monotonic() < deadline, process.returncode
            time.sleep(0.01)


@pytest.mark.parametrize("number, files", [(signal.SIGINT, 5), (signal.SIGKILL, STORE_EVERY)])
def test_digests_taken_before_an_interruption_are_kept(tmp_path: Path, number: int,
                                                       files: int):
    # `medeval manifest fingerprint` of a large set stopped by Ctrl-C, or killed, kept no
    # digest in the cache (they were stored once every file was read), so the next run read
    # the whole set again. Now Ctrl-C keeps every digest taken, and a kill those stored in
    # the last batch of STORE_EVERY. Found in the interrupt-pass.
    data = tmp_path / "set"
    data.mkdir()
    paths = [data / f"{i:05d}.txt" for i in range(files)]
    for i, path in enumerate(paths):
        path.write_text(f"file {i}")
    fifo = data / "zz.fifo"  # hashed last (one thread: in order), it blocks the reading
    os.mkfifo(fifo)
    cache = tmp_path / "cache"
    process = subprocess.Popen([sys.executable, "-c", _HASH, str(cache), *map(str, paths),
                                str(fifo)], stderr=subprocess.DEVNULL)
    writer = _open_once_read(fifo, process)
    try:
        process.send_signal(number)
        process.wait(timeout=60)
    finally:
        os.close(writer)
    assert process.returncode == -number
    with sqlite3.connect(cache / "sha256.sqlite") as connection:
        rows = dict(connection.execute("SELECT path, sha256 FROM digests"))
    assert rows == {str(path): hashlib.sha256(f"file {i}".encode()).hexdigest()
                    for i, path in enumerate(paths)}


def _open_in_this_process(path: Path) -> int:
    """How many of this process's file descriptors are ``path`` open (Linux's /proc)."""
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == str(path.resolve()))


def test_the_cache_is_closed_when_a_file_cannot_be_hashed(tmp_path: Path):
    # a file of the set missing (removed, a mistyped path): the cache was opened before the
    # files' stat and closed only once every file was read, so the error left the SQLite
    # connection open for as long as its traceback lives (a Jupyter kernel's last error, a
    # server's log). Found in the review-interrupt pass.
    from medeval._hashing import hash_files

    here = tmp_path / "here.txt"
    here.write_text("here")
    cache = tmp_path / "cache"
    hash_files([here], workers=1, progress=False, cache=cache)  # the cache made
    with pytest.raises(FileNotFoundError) as raised:
        hash_files([here, tmp_path / "gone.txt"], workers=1, progress=False, cache=cache)
    assert raised.value.filename == str(tmp_path / "gone.txt")
    assert _open_in_this_process(cache / "sha256.sqlite") == 0


def test_no_home_and_no_passwd_entry_hashes_without_a_cache(tmp_path: Path) -> None:
    """HOME unset, run under a uid the passwd file does not name (a container's bare
    ``--user 4242``): ``Path.home()`` raises RuntimeError, and hashing went down with
    it (``medeval demo`` ended in that traceback). Now the files are hashed without the
    digest cache. Found in the offline-pass. The uid is mapped by ``unshare``."""
    file = tmp_path / "a.bin"
    file.write_bytes(b"abc")
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "MEDEVAL_CACHE_DIR")}
    probe = subprocess.run(["unshare", "-r", "--map-user=4242", "--map-group=4242", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare cannot map an unnamed uid here: {probe.stderr.strip()}")
    code = ("import sys; from medeval._hashing import hash_files; "
            "print(hash_files(sys.argv[1:], workers=1, progress=False, cache=True)[sys.argv[1]])")
    done = subprocess.run(["unshare", "-r", "--map-user=4242", "--map-group=4242",
                           sys.executable, "-c", code, str(file)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    # SHA-256 of b"abc", FIPS 180-2 appendix B.1
    assert done.stdout.strip() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
