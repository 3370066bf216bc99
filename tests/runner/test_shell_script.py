"""A command run through a shell's ``-c`` script is identified by the files the script
names, and their folders are shown in the sandbox.

``--command "sh -c 'python3 /opt/algo/predict.py'"`` used to be identified by ``/bin/sh``
alone (``files == {"sh": ...}``): the script's predict.py and weights could change and the
algorithm's SHA-256 stayed the same, and their folder was not shown in the sandbox, so
every case failed there. The expected digests are hashlib's of the files written here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import tempfile
from pathlib import Path

import pytest

from medeval.errors import RunnerError
from medeval.runner import resolve_algorithm, run_algorithm

from .conftest import needs_bwrap, write_set

PREDICT = """
import json, sys
case = json.load(open("/input/case.json"))
value = int(open(case["inputs"][0]["path"]).read())
weight = int(open(sys.argv[1]).read())
json.dump({"score": value * weight}, open(case["prediction_file"], "w"))
"""


def _algo(root: Path) -> Path:
    algo = root / "algo"
    algo.mkdir()
    (algo / "predict.py").write_text(PREDICT)
    (algo / "weight.txt").write_text("3\n")
    return algo


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("script", [
    "python3 {algo}/predict.py {algo}/weight.txt > {{output}}/log.txt",
    "cd {algo} && python3 predict.py weight.txt",
    "W={algo}/weight.txt; python3 {algo}/predict.py \"$W\"",
    # a log the script writes (it exists: an earlier run's) is no part of the algorithm
    "python3 {algo}/predict.py {algo}/weight.txt 2>> {logs}/log.txt",
])
def test_the_files_a_shell_script_names_identify_the_algorithm(tmp_path: Path, script: str):
    algo = _algo(tmp_path)
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "log.txt").write_text("earlier\n")
    command = f"sh -c {shlex.quote(script.format(algo=algo, logs=tmp_path / 'logs'))}"
    spec = resolve_algorithm(command=command)
    assert spec.files == {"algo/predict.py": _sha(algo / "predict.py"),
                          "algo/weight.txt": _sha(algo / "weight.txt")}
    assert spec.binds == (str(algo),)
    before = spec.sha256
    (algo / "weight.txt").write_text("4\n")
    assert resolve_algorithm(command=command).sha256 != before


def test_a_shell_script_naming_no_file_is_the_shell(tmp_path: Path):
    spec = resolve_algorithm(command="bash -e -o pipefail -c 'echo 0.5 > {output}/x'")
    assert list(spec.files) == ["bash"] and spec.binds == ()


@pytest.mark.parametrize(("script", "named"), [
    ("python3 predict.py weight.txt", "predict.py"),
    ("cd algo && python3 predict.py weight.txt", "algo"),  # a relative cd, from /tmp
])
def test_a_relative_path_in_a_shell_script_is_refused(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      script: str, named: str):
    # the script runs as written from /tmp in the sandbox: predict.py is not there
    algo = _algo(tmp_path)
    monkeypatch.chdir(algo if named == "predict.py" else tmp_path)
    with pytest.raises(RunnerError) as caught:
        resolve_algorithm(command=f"sh -c '{script}'")
    folder = algo if named == "predict.py" else tmp_path
    assert (f"names '{named}', a path relative to {folder}; the script runs as written, "
            f"from another folder") in str(caught.value)
    assert f"write its absolute path, {folder / named}" in str(caught.value)


@needs_bwrap
def test_a_shell_script_runs_in_the_sandbox(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1", "c2"])  # inputs 0 and 1
    algo = _algo(tmp_path)
    script = f"python3 {algo}/predict.py {algo}/weight.txt 2>/dev/null"
    summary = run_algorithm(manifest, resolve_algorithm(command=f"sh -c '{script}'"),
                            tmp_path / "run", progress=False, isolation="bubblewrap")
    assert summary.done == 2, summary.failures
    scores = [json.loads((tmp_path / "run" / "predictions" / f"{c}.json").read_text())["score"]
              for c in ("c1", "c2")]
    assert scores == [0, 3]  # input x weight 3, by hand (the runner adds each case's id)


@pytest.mark.parametrize("script", [
    "cd / && python3 {algo}/predict.py {algo}/weight.txt",
    "cd /tmp && python3 {algo}/predict.py {algo}/weight.txt",
    "export TMPDIR=/tmp HOME=/tmp; python3 {algo}/predict.py {algo}/weight.txt",
])
def test_a_working_folder_of_the_script_is_neither_hashed_nor_shown(tmp_path: Path,
                                                                   script: str):
    # 'cd /' hashed the whole file system (and ended in a FileNotFoundError from /proc);
    # 'cd /tmp' hashed every file of the host's /tmp and bound it, read-only, over the
    # sandbox's own /tmp (where HOME and TMPDIR point). Only the algorithm's folder is
    # taken: the digests are hashlib's of its two files
    algo = _algo(tmp_path)
    spec = resolve_algorithm(command=f"sh -c {shlex.quote(script.format(algo=algo))}")
    assert spec.files == {"algo/predict.py": _sha(algo / "predict.py"),
                          "algo/weight.txt": _sha(algo / "weight.txt")}
    assert spec.binds == (str(algo),)


def test_a_relative_path_after_cd_is_looked_for_in_that_folder(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    # after 'cd {algo}', predict.py is the algorithm's; a predict.py of the folder the
    # command was given from (here a decoy) was hashed and bound instead
    algo = _algo(tmp_path)
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "predict.py").write_text("decoy\n")
    monkeypatch.chdir(tmp_path / "here")
    spec = resolve_algorithm(command=f"sh -c 'cd {algo} && python3 predict.py weight.txt'")
    assert spec.binds == (str(algo),)
    assert set(spec.files) == {"algo/predict.py", "algo/weight.txt"}


@pytest.mark.parametrize("working", ["/", "/tmp"])
def test_a_working_folder_the_command_names_is_neither_hashed_nor_shown(
        tmp_path: Path, working: str):
    # 'python3 ALGO/predict.py /' hashed the whole file system and failed with a bare
    # FileNotFoundError from /proc; '/tmp' hashed every file there (others' too) and
    # showed the host's /tmp over the sandbox's own. The algorithm is its own folder's
    # two files, their digests hashlib's.
    algo = _algo(tmp_path)
    spec = resolve_algorithm(command=f"python3 {algo}/predict.py {working}")
    assert spec.files == {"algo/predict.py": _sha(algo / "predict.py"),
                          "algo/weight.txt": _sha(algo / "weight.txt")}
    assert spec.binds == (str(algo),)


def test_a_file_directly_in_tmp_is_refused_as_the_algorithms_folder():
    # /tmp/<name>.py, as the program or its script: its folder, /tmp, is not the
    # algorithm's alone; it was hashed whole and shown over the sandbox's /tmp
    with tempfile.NamedTemporaryFile("w", suffix=".sh", dir="/tmp") as script:
        script.write("#!/bin/sh\necho 1\n")
        script.flush()
        os.chmod(script.name, 0o755)
        for command in (script.name, f"sh {script.name}"):
            with pytest.raises(RunnerError, match=rf"names {script.name}, a file directly "
                               r"in /tmp: .* put the algorithm's files in a folder of their "
                               r"own \(/tmp/algo/, say\)"):
                resolve_algorithm(command=command)


@pytest.mark.parametrize("named", ["--log /dev/null", "--log=/dev/null", "/dev/shm",
                                   "/proc/cpuinfo"])
def test_the_sandboxs_own_dev_and_proc_named_on_the_command_line_are_skipped(
        tmp_path: Path, named: str):
    # 'python3 ALGO/predict.py --log /dev/null' was refused as 'a file directly in /dev'
    # (and, before that, bound the host's /dev over the sandbox's own, hashing
    # dev/stdout); the sandbox has its own /dev and /proc, as for a shell's script
    algo = _algo(tmp_path)
    spec = resolve_algorithm(command=f"python3 {algo}/predict.py {named}")
    assert spec.files == {"algo/predict.py": _sha(algo / "predict.py"),
                          "algo/weight.txt": _sha(algo / "weight.txt")}
    assert spec.binds == (str(algo),)


def test_a_folder_just_below_the_root_named_as_an_argument_is_the_algorithms(
        tmp_path: Path):
    # '--weights /models' (a folder just below the root, not /tmp) was silently neither
    # hashed nor shown: the algorithm's identity left its weights out and every case
    # failed in the sandbox not finding them. /media: an empty folder below the root
    top = Path("/media")
    if not top.is_dir() or any(top.iterdir()):
        pytest.skip("needs an empty /media")
    algo = _algo(tmp_path)
    spec = resolve_algorithm(command=f"python3 {algo}/predict.py --weights {top}")
    assert spec.binds == (str(algo), str(top))
    # so in a shell's script; there 'cd /media' or 'HOME=/media' is where it works:
    # still neither hashed nor shown
    spec = resolve_algorithm(command=f"sh -c 'python3 {algo}/predict.py --weights {top}'")
    assert spec.binds == (str(algo), str(top))
    for script in (f"cd {top} && python3 {algo}/predict.py",
                   f"export HOME={top}; python3 {algo}/predict.py"):
        spec = resolve_algorithm(command=f"sh -c {shlex.quote(script)}")
        assert spec.binds == (str(algo),)


def test_a_file_directly_below_the_root_names_its_folder_as_the_algorithms():
    # 'python3 /app/predict.py' (a container's layout) or '--weights=/models/w.bin' was
    # refused as 'a file directly in /app' once / and /tmp were kept out (hrev15); its
    # folder is the algorithm's, as a folder below the root named as an argument is.
    # Only the root and /tmp, every program's, are refused (nothing here is created:
    # a path that is no folder is taken for a file)
    from medeval.runner.algorithm import _own_folder

    assert _own_folder(Path("/app/predict.py"), "python3 /app/predict.py") == Path("/app")
    assert _own_folder(Path("/models/w.bin"), "x --weights=/models/w.bin") == Path("/models")
    for shared in ("/tmp/predict.py", "/predict.py"):
        with pytest.raises(RunnerError, match=r"a file directly in /(tmp)?: "):
            _own_folder(Path(shared), f"python3 {shared}")


def test_a_file_directly_in_a_folder_of_the_hosts_own_is_refused():
    # fe7a09bd took the folder of any file directly below the root as the algorithm's:
    # 'python3 /app/predict.py --config /etc/passwd' hashed the host's whole /etc (1082
    # files here, host-specific: the identity changed with the machine) and showed it in
    # the sandbox, and '/home/predict.py' showed every user's home to the algorithm
    # (found by hrev16). /etc/passwd exists on every Linux host (checked here, not made).
    from medeval.runner.algorithm import _own_folder

    assert Path("/etc/passwd").is_file()
    with pytest.raises(RunnerError, match=r"names /etc/passwd, a file directly in /etc: "):
        resolve_algorithm(command="python3 -c pass --config /etc/passwd")
    for host in ("/home/predict.py", "/var/w.bin", "/opt/predict.py", "/mnt/predict.py"):
        with pytest.raises(RunnerError, match=r"a file directly in /(home|var|opt|mnt): "):
            _own_folder(Path(host), f"python3 {host}")
    # a container's own folders stay the algorithm's
    assert _own_folder(Path("/app/predict.py"), "python3 /app/predict.py") == Path("/app")
    assert _own_folder(Path("/home/u/algo/p.py"), "python3 /home/u/algo/p.py") == \
        Path("/home/u/algo")
