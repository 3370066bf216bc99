"""Files written whole or not at all (``medeval._atomic.atomic_write``, which the result,
the runner's predictions and the certificate use): checked on the file system itself."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from medeval._atomic import atomic_write
from medeval.errors import ResultError
from medeval.result import read_result, write_result


def test_a_write_cut_short_leaves_the_earlier_file_as_it_was(tmp_path: Path) -> None:
    # A child process limited to 1 MB per file (RLIMIT_FSIZE; SIGXFSZ ignored, so the
    # write fails with EFBIG, as on a full disk) rewrites a 10-byte file with 2 MB: the
    # file must still hold its 10 bytes, and no temporary file may be left beside it.
    target = tmp_path / "certificate.pdf"
    target.write_bytes(b"issued pdf")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from medeval._atomic import atomic_write\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))\n"
        "try:\n"
        "    atomic_write(Path(sys.argv[1]), b'x' * (2 << 20))\n"
        "except OSError as exc:\n"
        "    print(exc.errno)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "27"  # EFBIG: the write did fail part-way
    assert target.read_bytes() == b"issued pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["certificate.pdf"]


def test_a_new_file_has_the_permissions_the_umask_gives(tmp_path: Path) -> None:
    # mkstemp makes 0o600; a result or certificate is a file like any other: 0o666 less
    # the umask (022 -> 0o644, 077 -> 0o600), in a process started with that umask
    for umask, expected in ((0o022, 0o644), (0o077, 0o600)):
        target = tmp_path / f"r{umask:o}.json"
        subprocess.run([sys.executable, "-c",
                        "import os, sys; from pathlib import Path\n"
                        f"os.umask({umask})\n"
                        "from medeval._atomic import atomic_write\n"
                        "atomic_write(Path(sys.argv[1]), b'{}')", str(target)], check=True)
        assert stat.S_IMODE(os.stat(target).st_mode) == expected
        assert target.read_bytes() == b"{}"
    atomic_write(tmp_path / "r.json", b"[]", durable=False)  # replaces whole, in process
    atomic_write(tmp_path / "r.json", b"[1]")
    assert (tmp_path / "r.json").read_bytes() == b"[1]"


def test_a_result_that_cannot_be_written_is_medevals_error_naming_it(tmp_path: Path) -> None:
    # write_result onto a folder, or below a file: ResultError naming the path (it was
    # Python's IsADirectoryError / FileExistsError); the folder holds nothing afterwards
    example = Path(__file__).parent / "data" / "results-0.1"
    source = example / "v1-tables.json"
    result = read_result(source)
    folder = tmp_path / "result.json"
    folder.mkdir()
    with pytest.raises(ResultError, match=f"result {folder}: cannot be written: it is a "
                                          "folder"):
        write_result(result, folder)
    assert list(folder.iterdir()) == []
    file = tmp_path / "a-file"
    file.write_text("x")
    with pytest.raises(ResultError, match="a folder above it is a file"):
        write_result(result, file / "out" / "result.json")
    assert file.read_text() == "x"


def test_a_file_named_with_250_characters_is_written(tmp_path: Path) -> None:
    # Found in the lifecycle-pass: the temporary file beside it was named '.NAME.' and
    # mkstemp's 8 characters, 260 in all, over the file system's 255: 'File name too
    # long' for a certificate, an export or a result named with 250 (a good name)
    target = tmp_path / ("r" * 245 + ".json")
    atomic_write(target, b"{}")
    assert target.read_bytes() == b"{}" and os.listdir(tmp_path) == [target.name]


def test_a_file_named_with_250_bytes_of_four_byte_characters_is_written(tmp_path: Path) -> None:
    # Found in the review of the lifecycle-pass: the temporary name took the first 64
    # characters, and a name of 61 CJK Extension B ideographs (4 bytes each in UTF-8,
    # U+20000 is F0 A0 80 80) and '.pdf' is 248 bytes, a good name; the temporary name
    # '.' + 248 + '.' + mkstemp's 8 = 258 bytes: 'File name too long'
    target = tmp_path / ("\U00020000" * 61 + ".pdf")
    assert len(os.fsencode(target.name)) == 61 * 4 + 4 == 248
    atomic_write(target, b"%PDF")
    assert target.read_bytes() == b"%PDF" and os.listdir(tmp_path) == [target.name]
