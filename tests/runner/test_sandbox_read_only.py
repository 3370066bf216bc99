"""The algorithm can write only into the sandbox's ``/tmp``, ``/dev/shm`` and ``/output``.

bubblewrap builds the sandbox on an in-memory root of its own, in which it makes the
folders its mounts land in (``/etc``, the parents of the Python environment, ``/root``),
and the folders hiding medeval's demo answers are in-memory file systems too. Before,
all of these were writable, of no set size, and not seen by the memory limit's
``watch``: a case wrote 600 MB into ``/work`` under ``--memory-mb 300 --memory-guard
watch`` and was done (found in the submission2 pass). The reference is the kernel's own
answer, ``EROFS`` (errno 30, "Read-only file system"), in a real sandboxed run.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import medeval
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

PROBE = """
import errno, json, os

class Probe:
    def predict(self, case):
        tried = {}
        for folder in json.loads(FOLDERS):
            try:
                with open(os.path.join(folder, "written.txt"), "w") as f:
                    f.write("x")
                os.remove(os.path.join(folder, "written.txt"))  # /output holds no strays
                tried[folder] = 0
            except OSError as e:
                tried[folder] = e.errno
        return {"score": 0.5, "label": json.dumps(tried)}
"""


@needs_bwrap
def test_only_tmp_shm_and_output_are_writable(tmp_path: Path):
    demo = Path(medeval.__file__).resolve().parent / "demo"
    hidden = sorted(str(p) for p in demo.iterdir() if p.is_dir() and p.name not in
                    ("algorithms", "__pycache__"))
    folders = ["/", "/etc", "/root", "/dev", *hidden, "/tmp", "/dev/shm", "/output"]
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, f"FOLDERS = {json.dumps(json.dumps(folders))}\n"
                             + PROBE)
    summary = run_algorithm(manifest, f"{plugin}:Probe", tmp_path / "run", progress=False,
                            isolation="bubblewrap")
    assert summary.failed == 0, summary.failures
    tried = json.loads(json.loads((tmp_path / "run/predictions/c1.json").read_text())["label"])
    assert hidden  # medeval ships demo answers in folders (the ECG record)
    assert {f: tried[f] for f in folders[:-3]} == dict.fromkeys(folders[:-3], errno.EROFS)
    assert [tried[f] for f in folders[-3:]] == [0, 0, 0]


WHERE = ("only /output (the prediction), /tmp (the working directory, $HOME and $TMPDIR, "
         "where ~/.cache goes) and /dev/shm are writable")


@needs_bwrap
def test_a_command_writing_where_it_cannot_is_told_where_it_may(tmp_path: Path, capsys):
    """Found in the review-submission2 pass: a case failing with the shell's "cannot
    create /etc/model.cache: Read-only file system" (EROFS since 91c7b70 outside /tmp,
    /dev/shm and /output) was printed with no word of where the algorithm may write. The
    words are the shell's own (dash), not medeval's: the note is told by them."""
    from medeval.cli import main

    manifest = write_set(tmp_path, ["c1", "c2"])
    script = tmp_path / "algo" / "predict.sh"
    script.parent.mkdir()
    script.write_text("echo cache > /etc/model.cache || exit 1\n"
                      "echo '{\"score\": 0.5}' > /output/prediction.json\n")
    assert main(["predict", "--command", f"/bin/sh {script}", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "Read-only file system" in out, out  # the shell's words, in the failure
    notes = [line for line in out.splitlines() if line.startswith("  note:")]
    assert len(notes) == 1 and notes[0].startswith(
        "  note: 2 failed case(s) (c1, c2): it writes where the sandbox is read-only: "
        + WHERE), out


@needs_bwrap
def test_a_plugin_writing_beside_itself_in_setup_is_told_where_it_may(tmp_path: Path):
    """A plugin writing a cache beside its own file in ``setup()`` stops the run (its
    folder is read-only, as it always was): the message says where it may write."""
    from medeval.errors import RunnerError

    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, """
        import os

        class Cached:
            def setup(self):
                with open(os.path.join(os.path.dirname(__file__), "cache.bin"), "wb") as f:
                    f.write(b"x")

            def predict(self, case):
                return 0.5
        """)
    try:
        run_algorithm(manifest, f"{plugin}:Cached", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    except RunnerError as exc:
        message = str(exc)
    else:
        raise AssertionError("the run went on")
    assert "[Errno 30] Read-only file system" in message and WHERE in message, message
