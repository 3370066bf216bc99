"""The same bytes under a Korean locale and time zone as under C and UTC.

A laboratory's machine in Korea runs with ``LANG=ko_KR.UTF-8`` (or, on an older
installation, ``ko_KR.EUC-KR``, where Python's default text encoding is EUC-KR) and the
clock at UTC+9. Nothing medeval writes may depend on either: the demo's whole flow
(sandboxed runs, evaluations, results, certificates, HTML reports) runs in a process under
each setting, and what it writes is compared with the run under ``LC_ALL=C`` and UTC; each
setting also renders one result's certificate and report again, which must be the same
bytes. The locales are compiled from glibc's sources into a folder of the test's own
(``localedef``, ``LOCPATH``): nothing is installed, and each child proves that its locale
took effect before its output counts.
"""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from medeval.demo import ecg_available

from .conftest import C_SETTING, CommandDemo, c_environment

SOURCES = Path("/usr/share/i18n/locales/ko_KR")
# name: (LC_ALL, TZ, the encoding Python must then take for text files)
SETTINGS = {
    # LC_ALL=C with Python's UTF-8 mode off (PYTHONUTF8=0, in conftest): text files default to
    # ASCII, the strictest of the three
    "c": (C_SETTING["LC_ALL"], C_SETTING["TZ"], "ascii"),
    "ko-utf8": ("ko_KR.UTF-8", "KST-9", "utf-8"),  # KST-9: UTC+9, POSIX rule, no tzdata
    "ko-euckr": ("ko_KR.EUC-KR", "KST-9", "euc-kr"),
}
SETS = ("classification", "segmentation", "ecg") if ecg_available() else (
    "classification", "segmentation")


@pytest.fixture(scope="module")
def locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LOCPATH folder holding ko_KR.UTF-8 and ko_KR.EUC-KR."""
    if shutil.which("localedef") is None or not SOURCES.is_file():
        pytest.skip("glibc's localedef or the ko_KR locale source (Debian: locales) is "
                    "absent; .ci/run installs them")
    folder = tmp_path_factory.mktemp("locales")
    for charmap in ("UTF-8", "EUC-KR"):
        subprocess.run(["localedef", "-i", "ko_KR", "-f", charmap,
                        str(folder / f"ko_KR.{charmap}")], check=True, capture_output=True)
    return folder


def _env(name: str, locales: Path) -> dict[str, str]:
    lc_all, tz, _ = SETTINGS[name]
    env = c_environment()  # "c" is conftest's C_SETTING, under which command_demo ran
    env.update(LC_ALL=lc_all, LANG=lc_all, TZ=tz, LOCPATH=str(locales))
    return env


def _run(name: str, locales: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "medeval", *args], env=_env(name, locales),
                          capture_output=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def demos(locales: Path, command_demo: CommandDemo,
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's output folder under each setting; under C the session's run of the
    command line under C_SETTING (the command line's test reads it too), which is "c"."""
    assert command_demo.returncode == 0, command_demo.stderr
    out = {"c": command_demo.folder}
    for name in SETTINGS:
        if name != "c":
            folder = tmp_path_factory.mktemp(name) / "demo"
            done = _run(name, locales, "demo", "--out", str(folder), "--quiet")
            assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
            out[name] = folder
    return out


def _content(path: Path) -> dict[str, Any]:
    """A result less the record of its execution (times, host, run log hashes)."""
    data = json.loads(path.read_bytes())
    data.pop("context")
    return data


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_child_runs_under_its_locale_and_time_zone(locales, name):
    # Without this the comparisons below could pass with every child in C and UTC.
    lc_all, _, encoding = SETTINGS[name]
    probe = ("import locale, time, codecs;"
             "print(locale.setlocale(locale.LC_ALL, ''),"
             " codecs.lookup(locale.getpreferredencoding(False)).name, time.timezone)")
    done = subprocess.run([sys.executable, "-c", probe], env=_env(name, locales),
                          capture_output=True, check=True, text=True)
    set_to, preferred, offset = done.stdout.split()
    assert set_to == lc_all
    assert preferred == codecs.lookup(encoding).name
    assert int(offset) == (0 if name == "c" else -9 * 3600)  # seconds west of UTC


@pytest.mark.parametrize("name", [n for n in SETTINGS if n != "c"])
def test_the_demo_writes_the_same_results_as_under_c(demos, name):
    for item in SETS:
        ours, theirs = demos[name] / item, demos["c"] / item
        assert _content(ours / "result.json") == _content(theirs / "result.json"), item
        assert (ours / "result.cases.csv").read_bytes() == \
            (theirs / "result.cases.csv").read_bytes(), item
        assert (ours / "protocol.toml").read_bytes() == (theirs / "protocol.toml").read_bytes()
        assert (ours / "report-info.toml").read_bytes() == \
            (theirs / "report-info.toml").read_bytes()


#: ``python -m medeval`` run once for each argument list given (a JSON list of lists) in
#: one process: the renders of the sets share the process's start and its imports, and
#: each is the command as a user runs it, stopping at the first that fails.
_COMMANDS = """import json, runpy, sys
for args in json.loads(sys.argv[1]):
    sys.argv = ["medeval", *args]
    try:
        runpy.run_module("medeval", run_name="__main__", alter_sys=True)
    except SystemExit as end:
        if end.code:
            print("medeval", *args, "exited with", end.code, file=sys.stderr)
            raise
"""


@pytest.mark.parametrize("name", list(SETTINGS))
def test_one_result_renders_to_the_same_bytes(demos, locales, tmp_path, name):
    # The C run's results rendered again under each setting: the certificate (Korean and
    # English, fonts embedded) and the HTML report are byte for byte the demo's own.
    commands = [["report", str(demos["c"] / item / "result.json"), "--info",
                 str(demos["c"] / item / "report-info.toml"), "--out",
                 str(tmp_path / f"{item}.pdf"), "--html", str(tmp_path / f"{item}.html")]
                for item in SETS]
    done = subprocess.run([sys.executable, "-c", _COMMANDS, json.dumps(commands)],
                          env=_env(name, locales), capture_output=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    for item in SETS:
        source = demos["c"] / item
        # the demo's own certificate verified under C; the same bytes verify alike
        assert (tmp_path / f"{item}.pdf").read_bytes() == \
            (source / "certificate.pdf").read_bytes(), item
        assert (tmp_path / f"{item}.html").read_bytes() == \
            (source / "report.html").read_bytes(), item
