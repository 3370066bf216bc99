"""A ``python3`` command (or a plugin importing in ``predict``) that imports a package the
runner's Python lacks is told where to install it, in a ``note:`` under its failed cases.

Found in the submission2 pass: ``medeval predict --command "python3 predict.py"`` whose
script imports ``timm`` failed every case with "exit code 1; stderr ends:
ModuleNotFoundError: No module named 'timm'" and no word of which Python the command ran
in, where a plugin importing it at load time is told (test_missing_module.py). A command
whose program is another interpreter (a virtual environment's) runs with that
interpreter's packages: no note there. The expected words are those of the hint itself:
the module's name and ``sys.prefix``, the environment this test runs in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from medeval.cli import main

from .conftest import needs_bwrap, write_set

MISSING = "no_such_package_of_the_lab"


@needs_bwrap
def test_a_python3_command_missing_a_package_is_told_where_to_install_it(tmp_path: Path,
                                                                         capsys):
    manifest = write_set(tmp_path, ["c1", "c2"])
    script = tmp_path / "algo" / "predict.py"
    script.parent.mkdir()
    script.write_text(f"import {MISSING}.nn\n")
    assert main(["predict", "--command", f"python3 {script}", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("  note:")]
    assert notes == [f"  note: 2 failed case(s) (c1, c2): it imports '{MISSING}', which the "
                     f"Python environment the runner runs in ({sys.prefix}) does not have; "
                     "the sandbox shows that environment only: install the package there "
                     "(the run records every installed package), or ship the module beside "
                     "the plugin"], out


@needs_bwrap
def test_another_interpreter_gets_no_such_note(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1"])
    script = tmp_path / "algo" / "predict.sh"  # says what Python says, in its own words
    script.parent.mkdir()
    script.write_text(f"echo \"ModuleNotFoundError: No module named '{MISSING}'\" >&2\n"
                      "exit 1\n")
    assert main(["predict", "--command", f"/bin/sh {script}", "--manifest", str(manifest),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "failed c1: exit-code" in out and "note:" not in out
