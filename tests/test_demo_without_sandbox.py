"""``medeval demo`` on a machine without bubblewrap: the README's quick start says that
``medeval demo --pre-check`` then runs the same flow unsandboxed; the certificate demo's
refusal says so, before anything is written.

The machine without bubblewrap is real: the command runs in a process whose PATH is an
empty folder, so ``shutil.which("bwrap")`` finds nothing (the interpreter is named by its
full path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import medeval


def _demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    # the medeval under test, whichever tree or installation the tests import
    source = str(Path(medeval.__file__).resolve().parents[1])
    env = {**os.environ, "PATH": str(empty),
           "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "medeval", "demo", "--quiet", "--out",
         str(tmp_path / "medeval-demo"), *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600, check=False)


def test_certificate_demo_without_bubblewrap_points_to_the_pre_check(tmp_path: Path) -> None:
    done = _demo(tmp_path)
    assert done.returncode == 2, done.stderr
    assert "bubblewrap is not installed" in done.stderr
    assert "medeval demo --pre-check" in done.stderr
    assert "Traceback" not in done.stderr
    # refused before anything is written
    assert not (tmp_path / "medeval-demo").exists()
