"""A command's program is resolved to an executable that runs in the sandbox, and a
command algorithm is identified by its own files, never by an interpreter's folder.

The documented form ``--command "python3 predict.py"``: behind a version manager's shim
(pyenv here: ``which python3`` is a shell script in ``~/.pyenv/shims``) it used to fail
with exit code 127 in the sandbox and hash the whole shim folder.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_set

PREDICT = """
import json, sys
case = json.load(open("/input/case.json"))
value = int(open(case["inputs"][0]["path"]).read())
json.dump({"score": value / 4, "python": sys.version_info[:2]},
          open(case["prediction_file"], "w"))
"""

#: pyenv's shims folder (``pyenv exec`` puts the real interpreter first on PATH in the
#: processes it starts, so the shim is looked for where pyenv keeps it).
SHIMS = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "shims"


def _is_shim(path: str | None) -> bool:
    return bool(path) and Path(str(path)).parent.name == "shims"


def test_python3_and_a_relative_script_resolve_to_a_real_interpreter_and_the_script(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "predict.py").write_text(PREDICT)
    (tmp_path / "weights.bin").write_bytes(b"\x01\x02")
    monkeypatch.chdir(tmp_path)
    spec = resolve_algorithm(command="python3 predict.py")
    program = Path(spec.argv[0])
    assert program.is_absolute() and program.parent.name != "shims"
    assert os.access(program, os.X_OK) and not _is_shim(str(program))
    assert spec.argv[1] == str(tmp_path / "predict.py")  # the sandbox starts in /tmp
    assert set(spec.files) == {f"{tmp_path.name}/predict.py", f"{tmp_path.name}/weights.bin"}
    assert spec.binds == (str(tmp_path),)
    assert not any("shims" in b or b.startswith(sys.prefix) for b in spec.binds)
    before = spec.sha256
    (tmp_path / "predict.py").write_text(PREDICT + "\n# changed\n")
    assert resolve_algorithm(command="python3 predict.py").sha256 != before


@pytest.mark.skipif(not (SHIMS / "python3").is_file() or shutil.which("pyenv") is None,
                    reason="no pyenv here")
def test_a_pyenv_shim_is_resolved_with_pyenv_which(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    import subprocess

    expected = subprocess.run(["pyenv", "which", "python3"], capture_output=True, text=True,
                              check=True).stdout.strip()
    monkeypatch.setenv("PATH", f"{SHIMS}:{os.environ['PATH']}")
    assert _is_shim(shutil.which("python3"))
    (tmp_path / "predict.py").write_text(PREDICT)
    spec = resolve_algorithm(command=f"python3 {tmp_path / 'predict.py'}")
    assert spec.argv[0] == expected and not _is_shim(spec.argv[0])
    assert set(spec.files) == {f"{tmp_path.name}/predict.py"}  # no shim, no interpreter


def test_a_shim_without_pyenv_falls_back_to_this_python(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    shims = tmp_path / "shims"
    shims.mkdir()
    for name in ("python3", "node"):
        (shims / name).write_text("#!/usr/bin/env bash\nexec some-manager exec \"$@\"\n")
        (shims / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}:/usr/bin:/bin")
    spec = resolve_algorithm(command="python3 -c pass")
    assert spec.argv[0] == sys.executable and spec.binds == ()
    from medeval.errors import RunnerError

    with pytest.raises(RunnerError, match="shim.*give the interpreter's path"):
        resolve_algorithm(command="node x.js")


def test_a_symlinked_program_is_followed_to_its_folder(tmp_path: Path):
    real = tmp_path / "acme" / "bin"
    real.mkdir(parents=True)
    (real / "polyp").write_text("#!/bin/sh\necho 0.5 > /output/prediction.json\n")
    (real / "polyp").chmod(0o755)
    (real / "model.bin").write_bytes(b"w")
    links = tmp_path / "links"
    links.mkdir()
    (links / "polyp").symlink_to(real / "polyp")
    spec = resolve_algorithm(command=f"{links / 'polyp'} --in {{input}}")
    assert spec.argv[0] == str(real / "polyp") and spec.binds == (str(real),)
    assert set(spec.files) == {"bin/polyp", "bin/model.bin"}


@needs_bwrap
def test_documented_command_form_runs_in_the_sandbox(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    manifest = write_set(tmp_path, ["c1", "c2"])
    algo = tmp_path / "algo"
    algo.mkdir()
    (algo / "predict.py").write_text(PREDICT)
    monkeypatch.chdir(algo)
    if (SHIMS / "python3").is_file():  # as a login shell has it: the shim first
        monkeypatch.setenv("PATH", f"{SHIMS}:{os.environ['PATH']}")
    summary = run_algorithm(manifest, resolve_algorithm(command="python3 predict.py"),
                            tmp_path / "run", progress=False, mode="certificate",
                            timeout_s=30)
    assert summary.done == 2, summary.failures
    data = json.loads((tmp_path / "run" / "predictions" / "c2.json").read_text())
    assert data["score"] == 0.25 and data["python"] == list(sys.version_info[:2])
    record = json.loads((tmp_path / "run" / "summary.json").read_text())["algorithm"]
    assert set(record["files"]) == {"algo/predict.py"}


@pytest.mark.parametrize("command", ["python3 predcit.py", "python3 -u predcit.py",
                                     "python3 -W ignore predcit.py --fast"])
def test_a_python_script_that_does_not_exist_is_refused_before_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str):
    """Before, a typo in the script's name ran the whole set, every case failing with
    the interpreter's "can't open file" (exit code 2)."""
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "predcit.py").exists()
    with pytest.raises(RunnerError, match=r"python3's script 'predcit.py' does not exist"):
        resolve_algorithm(None, command=command)


@pytest.mark.parametrize("command", ["python3 -m json.tool", "python3 -c pass",
                                     "python3 -uc pass", "python3 {input}/run.py"])
def test_python_without_a_script_file_of_its_own_is_not_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str):
    monkeypatch.chdir(tmp_path)
    assert resolve_algorithm(None, command=command).kind == "command"


def _script(folder: Path, first_line: bytes, newline: bytes = b"\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "predict.py"
    body = [first_line, b"import json",
            b"json.dump({'score': 0.5}, open('/output/prediction.json', 'w'))", b""]
    path.write_bytes(newline.join(body))
    path.chmod(0o755)
    return path


def test_a_script_whose_first_line_names_no_interpreter_is_refused_before_the_run(
        tmp_path: Path):
    """A company's script saved on Windows (#!/bin/sh + CR LF), or naming `env python9`,
    failed every case with "FileNotFoundError: No such file or directory:
    '/.../predict.py'": the script, which exists. The OS looks for the interpreter
    '/bin/sh\\r' (the CR is part of the #! line), as exec'ing it here shows; the run is
    now refused before it starts, saying which."""
    crlf = _script(tmp_path / "crlf", f"#!{sys.executable}".encode(), b"\r\n")
    with pytest.raises(FileNotFoundError):  # the OS's own verdict on the file
        __import__("subprocess").run([str(crlf)], check=False)
    with pytest.raises(RunnerError) as caught:
        resolve_algorithm(None, command=str(crlf))
    assert f"cannot be started: its first line, '#!{sys.executable}\\r', ends with a " \
        "carriage return (the file has Windows line endings)" in str(caught.value)
    env = _script(tmp_path / "env", b"#!/usr/bin/env no-such-python9")
    with pytest.raises(RunnerError, match="its first line runs 'no-such-python9' through "
                       "/usr/bin/env, and no 'no-such-python9' is on PATH"):
        resolve_algorithm(None, command=str(env))
    gone = _script(tmp_path / "gone", f"#!{tmp_path}/opt/bin/python".encode())
    with pytest.raises(RunnerError, match=f"names the interpreter {tmp_path}/opt/bin/python, "
                       "which does not exist on this host"):
        resolve_algorithm(None, command=str(gone))
    fine = _script(tmp_path / "fine", f"#!{sys.executable}".encode())
    assert resolve_algorithm(None, command=str(fine)).argv[0] == str(fine)


@needs_bwrap
def test_a_script_whose_interpreter_the_sandbox_does_not_show_is_told_how_to_run_it(
        tmp_path: Path):
    """#!/opt/.../python, an interpreter of the host outside the folders the sandbox shows,
    failed each case as the script's own file missing. The case's detail now names the
    interpreter and the command that runs (the interpreter first, then the script)."""
    manifest = write_set(tmp_path, ["c1"])
    interpreter = tmp_path / "opt" / "bin" / "python"
    interpreter.parent.mkdir(parents=True)
    interpreter.symlink_to(sys.executable)
    script = _script(tmp_path / "algo", f"#!{interpreter}".encode())
    summary = run_algorithm(manifest, resolve_algorithm(None, command=str(script)),
                            tmp_path / "run1", progress=False, isolation="bubblewrap")
    assert summary.failures["c1"]["detail"] == (
        f"{script} cannot be started: its first line names the interpreter {interpreter}, "
        f"which the sandbox does not show: run {interpreter} predict.py as the command")
    advised = resolve_algorithm(None, command=f"{interpreter} {script}")
    summary = run_algorithm(manifest, advised, tmp_path / "run2", progress=False,
                            isolation="bubblewrap")
    assert summary.done == 1


@pytest.mark.parametrize(("command", "named"), [
    ("cd algo && python3 predict.py", "'cd' is a command of the shell, not a program"),
    ("OMP_NUM_THREADS=1 python3 predict.py", "'OMP_NUM_THREADS=1' sets a variable for a shell"),
    ("python3 predict.py > /tmp/log.txt", "'>' is shell syntax"),
    ("python3 predict.py 2>/dev/null", "'2>/dev/null' is shell syntax"),
    ("python3 predict.py | tee log", "'|' is shell syntax"),
])
def test_shell_syntax_in_a_command_is_refused_before_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, named: str):
    """A command line is split as a shell splits it and run as a program, not by a shell:
    ``python3 predict.py > /tmp/log.txt`` ran every case with ``'>'`` and
    ``'/tmp/log.txt'`` in the script's ``sys.argv`` (Python's own list, not medeval's),
    and ``cd`` or ``OMP_NUM_THREADS=1`` first was 'program not found ... give the
    executable's path'. Each is now refused naming the word and the shell way."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "predict.py").write_text(PREDICT)
    with pytest.raises(RunnerError) as caught:
        resolve_algorithm(None, command=command)
    assert named in str(caught.value)
    assert "not by a shell" in str(caught.value) and "(sh run.sh)" in str(caught.value)


@needs_bwrap
def test_the_shell_way_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The advice followed: the steps in a script beside the files, run by ``sh``."""
    manifest = write_set(tmp_path, ["c1"])  # its input holds 0
    algo = tmp_path / "algo"
    algo.mkdir()
    (algo / "predict.py").write_text(PREDICT)
    (algo / "run.sh").write_text('cd "$(dirname "$0")" && python3 predict.py > /tmp/log.txt\n')
    monkeypatch.chdir(algo)
    summary = run_algorithm(manifest, resolve_algorithm(command="sh run.sh"),
                            tmp_path / "run", progress=False)
    assert summary.done == 1, summary.failures
    assert json.loads((tmp_path / "run" / "predictions" / "c1.json").read_text())["score"] == 0


ARGV = """
import json, sys
case = json.load(open("/input/case.json"))
json.dump({"score": 0.5, "argv": sys.argv[1:]}, open(case["prediction_file"], "w"))
"""


@needs_bwrap
@pytest.mark.parametrize("arguments", [
    "--sep ';'", "--where '>0.5'", "--where \\>0.5", "--pattern 'a|b' --or '|'",
    '--and "&&" --bg \\&', "--log '2>/dev/null'",
])
def test_quoted_shell_words_are_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          arguments: str):
    """A quoted or escaped ``;``, ``|``, ``&`` or ``>0.5`` is an argument to a shell too:
    5e7ab353 refused them as shell syntax (it looked at the words after shlex had dropped
    the quotes), so ``--sep ';'`` could not be given. The script's own ``sys.argv`` in
    the sandbox is what ``shlex.split`` (the standard library) makes of the line."""
    manifest = write_set(tmp_path, ["c1"])
    algo = tmp_path / "algo"
    algo.mkdir()
    (algo / "argv.py").write_text(ARGV)
    monkeypatch.chdir(algo)
    command = f"python3 argv.py {arguments}"
    summary = run_algorithm(manifest, resolve_algorithm(command=command), tmp_path / "run",
                            progress=False, isolation="bubblewrap")
    assert summary.done == 1, summary.failures
    found = json.loads((tmp_path / "run" / "predictions" / "c1.json").read_text())["argv"]
    assert found == shlex.split(command)[2:]


@pytest.mark.parametrize(("command", "named"), [
    ("python3 predict.py --sep ';' | tee log", "'|' is shell syntax"),
    ("python3 predict.py '>' x >log", "'>log' is shell syntax"),
])
def test_a_bare_shell_word_beside_quoted_ones_is_still_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, named: str):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "predict.py").write_text(PREDICT)
    with pytest.raises(RunnerError) as caught:
        resolve_algorithm(None, command=command)
    assert named in str(caught.value)
