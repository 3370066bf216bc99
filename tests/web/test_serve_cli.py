"""``medeval serve`` as a command: a real server answering, and its refusals."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from medeval.cli import main

from .conftest import Issued, free_port


def test_serve_answers_and_stops(issued: Issued) -> None:
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "medeval", "serve", "--registry", str(issued.registry),
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/api/reports/{issued.amended}")
                break
            except httpx2.TransportError:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert answer.status_code == 200
        assert answer.json()["replaced_by"] == issued.standing
        page = httpx2.get(f"http://127.0.0.1:{port}/?lang=ko")
        assert "성적서 진위확인" in page.text and "server" not in page.headers
    finally:
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=60)
    assert child.returncode == 0, out.decode()
    assert f"http://127.0.0.1:{port}/" in out.decode()


def _open_flags(pid: int, path: Path) -> list[int]:
    """The access modes (O_RDONLY, O_RDWR) of the files process ``pid`` holds open at
    ``path``, as Linux's /proc/PID/fdinfo reports them (octal ``flags``)."""
    modes = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if Path(os.readlink(fd)) != path:
                continue
            info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
        except FileNotFoundError:  # closed meanwhile
            continue
        flags = next(line.split()[1] for line in info.splitlines() if line.startswith("flags"))
        modes.append(int(flags, 8) & os.O_ACCMODE)
    return modes


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="needs Linux's /proc")
def test_serve_opens_the_registry_read_only(issued: Issued, tmp_path: Path) -> None:
    # the page only reads: the server holds the SQLite file open for reading only, so
    # that no bug of the page (or an older schema's upgrade) can write to the registry
    registry = tmp_path / "registry.sqlite"
    shutil.copy(issued.registry, registry)
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "medeval", "serve", "--registry", str(registry),
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/api/reports/{issued.standing}")
                break
            except httpx2.TransportError:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert answer.status_code == 200
        modes = _open_flags(child.pid, registry.resolve())
    finally:
        child.send_signal(signal.SIGTERM)
        out, _ = child.communicate(timeout=60)
    assert modes and set(modes) == {os.O_RDONLY}, (modes, out.decode())


def test_the_log_names_a_failing_registry_with_time_and_level(issued: Issued,
                                                             tmp_path: Path) -> None:
    # the page answers 503 with a request id; the server's log has that id on a line
    # an administrator can find by time and level (it was the bare message)
    registry = tmp_path / "registry.sqlite"
    shutil.copy(issued.registry, registry)
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "medeval", "serve", "--registry", str(registry),
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx2.get(f"http://127.0.0.1:{port}/static/style.css")
                break
            except httpx2.TransportError:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        registry.write_bytes(b"this is no longer a database " * 100)
        answer = httpx2.get(f"http://127.0.0.1:{port}/api/reports/{issued.standing}")
    finally:
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=60)
    assert answer.status_code == 503
    request_id = answer.json()["request_id"]
    line = next(line for line in err.splitlines() if request_id in line)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ERROR: +request "
                    f"{request_id}: registry failed: registry {registry}", line), line
    assert re.search(r"^\d{4}-\d\d-\d\dT.* 503", out, re.MULTILINE), out  # access log
    # SIGTERM: a graceful shutdown, then uvicorn ends by the signal itself (as systemd
    # expects of a service it stops)
    assert "Application shutdown complete" in err and child.returncode == -signal.SIGTERM


@pytest.mark.parametrize("argv, words", [
    (["serve", "--registry", "/nonexistent/registry.sqlite"], "no such file"),
    (["serve", "--registry", "x.sqlite", "--port", "0"], "--port 0: give a positive number"),
    (["serve", "--registry", "x.sqlite", "--workers", "0"], "--workers 0"),
])
def test_serve_refusals(argv: list[str], words: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert words in capsys.readouterr().err


def test_a_port_in_use_is_refused_before_starting(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # uvicorn found it only after warming up, logged it and exited with status 3 (which
    # medeval uses for "every case failed")
    from medeval.registry import Registry

    Registry.create(tmp_path / "registry.sqlite").close()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code = main(["serve", "--registry", str(tmp_path / "registry.sqlite"),
                     "--port", str(port)])
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in \
        capsys.readouterr().err


@pytest.mark.skipif(not socket.has_ipv6, reason="needs IPv6")
def test_serve_listens_on_an_ipv6_address(issued: Issued,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # the address check bound an IPv4 socket: --host ::1 was refused, 'Address family
    # for hostname not supported', where uvicorn listens on it
    with socket.create_server(("::1", 0), family=socket.AF_INET6) as probe:
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-m", "medeval", "serve", "--registry", str(issued.registry),
         "--host", "::1", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                answer = httpx2.get(f"http://[::1]:{port}/api/reports/{issued.standing}")
                break
            except httpx2.TransportError:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=60)
    assert answer.status_code == 200 and answer.json()["report_number"] == issued.standing
    assert f"http://[::1]:{port}/" in out and child.returncode == 0, out
    with socket.create_server(("::1", 0), family=socket.AF_INET6) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--registry", str(issued.registry), "--host", "::1",
                     "--port", str(port)]) == 2
    assert f"cannot listen on [::1]:{port}: Address already in use" in capsys.readouterr().err


def test_serve_needs_a_registry(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MEDEVAL_REGISTRY", raising=False)
    assert main(["serve"]) == 2
    assert "--registry" in capsys.readouterr().err


def test_a_file_that_is_not_a_registry(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"not a database at all" * 50)
    assert main(["serve", "--registry", str(other)]) == 2
    assert str(other) in capsys.readouterr().err
