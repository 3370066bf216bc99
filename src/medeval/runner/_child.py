"""The worker process inside the sandbox: load the algorithm once, then predict case by case.

Private. Started by the runner with ``python -s -B`` in a scrubbed environment; it keeps
the pipe to the runner on private descriptors and points its own stdin at ``/dev/null``
and stdout at stderr, so whatever the algorithm prints cannot corrupt the messages. It
sets the resource limits before importing the algorithm, reports ``ready`` (or why it
could not load), then answers one message per case until told to stop or killed: it
empties the output directory, runs the case, and sends the reply followed by the bytes
of every file the case wrote (the sandbox has no writable directory of the host; the
runner validates and stores what it receives).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import traceback
from typing import Any

from ._protocol import ChannelClosed, receive, send, send_bytes
from .limits import FILE_SIZE_WORDS
from .memory import is_memory_failure  # imported before the limits: failures need it

_TAIL = 4000


def _plain(value: Any) -> Any:
    """Make numpy scalars and arrays JSON-serialisable without importing numpy."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _failure(exc: BaseException, output_dir: str | None = None,
             limit_bytes: int | None = None) -> dict[str, Any]:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-_TAIL:]
    detail = f"{type(exc).__name__}: {exc}"[:_TAIL]
    if isinstance(exc, MemoryError):
        return {"ok": False, "reason": "memory", "detail": detail.rstrip(": "),
                "traceback": text}
    limit = ("" if limit_bytes is None else  # which limit, and how it is raised
             f" of {limit_bytes / (1 << 20):g} MB (--output-limit-mb; output_limit_mb in "
             "the protocol's [runner])")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return {"ok": False, "reason": "output-too-large",
                "detail": f"a file grew past the output limit{limit}", "traceback": text}
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        if output_dir is None or _full(output_dir):
            return {"ok": False, "reason": "output-too-large",
                    "detail": f"the output directory is full (the output limit{limit})",
                    "traceback": text}
        return {"ok": False, "reason": "memory",
                "detail": "/tmp or /dev/shm is full: they are in memory and count against "
                          "the memory limit", "traceback": text}
    if (isinstance(exc, OSError) and exc.errno == errno.ENOMEM) or is_memory_failure(detail):
        return {"ok": False, "reason": "memory", "detail": detail, "traceback": text}
    if _past_file_size_limit(exc, detail):
        # a program it ran was killed by SIGXFSZ (g++ under torch.compile, as gcc says it)
        # or a library reports EFBIG in its own exception: the limit, as for a command
        return {"ok": False, "reason": "output-too-large",
                "detail": f"a file grew past the output limit{limit}, which holds for every "
                          f"file it writes, in /tmp too: {detail}"[:_TAIL], "traceback": text}
    return {"ok": False, "reason": "exception", "detail": detail, "traceback": text}


def _own_diagnosis(exc: BaseException) -> bool:
    """Whether ``exc`` is medeval's own finding on the plugin (a class it does not define,
    no ``predict(case)``), raised without a cause: its traceback holds only medeval's
    frames, which the submitter can do nothing with."""
    from ..errors import RunnerError

    return isinstance(exc, RunnerError) and exc.__cause__ is None and (
        exc.__suppress_context__ or exc.__context__ is None)


def _past_file_size_limit(exc: BaseException, detail: str) -> bool:
    """Whether a plugin's exception comes from a write past ``RLIMIT_FSIZE``: an OSError
    EFBIG or a program ended by SIGXFSZ in its chain (a library raising its own error
    from it), or the words that say so (:data:`~medeval.runner.limits.FILE_SIZE_WORDS`)."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, OSError) and link.errno == errno.EFBIG:
            return True
        if isinstance(link, subprocess.CalledProcessError) \
                and link.returncode == -signal.SIGXFSZ:
            return True
        link = link.__cause__ or link.__context__
    return FILE_SIZE_WORDS.search(detail) is not None


def _full(folder: str) -> bool:
    """Whether the file system of ``folder`` has (next to) no room left."""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return True
    return stat.f_bavail * stat.f_frsize < max(64 << 10, stat.f_blocks * stat.f_frsize // 100)


def _encode_result(value: Any) -> dict[str, Any]:
    import json

    try:
        return {"ok": True, "prediction": json.loads(json.dumps(value, default=_plain))}
    except (TypeError, ValueError) as exc:
        return {"ok": False, "reason": "invalid-output",
                "detail": f"predict returned a value that is not JSON data: {exc}"[:_TAIL]}
    except RecursionError:
        return {"ok": False, "reason": "invalid-output",
                "detail": "predict returned a value nested too deeply to be JSON data"}


def main() -> int:
    """Serve the runner on stdin/stdout (moved to private descriptors)."""
    inbox, outbox = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        config = receive(inbox)
    except ChannelClosed:
        return 0
    from .limits import apply_rlimits

    apply_rlimits(config.get("address_space_mb"), config["output_limit_bytes"])
    algorithm: Any = None
    if config["kind"] == "python":
        try:
            from .algorithm import instantiate

            algorithm = instantiate(config["target"], config["python_path"])
            setup = getattr(algorithm, "setup", None)
            if callable(setup):
                setup()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported
            report = _failure(exc)
            if report["reason"] != "memory":
                report["reason"] = "setup"
            text = report.pop("traceback")
            if not _own_diagnosis(exc):  # medeval's frames alone would say nothing more
                sys.stderr.write(text)
            send(outbox, report)
            return 1
    send(outbox, {"ok": True, "ready": True, "pid": os.getpid()})
    while True:
        try:
            message = receive(inbox)
        except ChannelClosed:
            break
        if message.get("op") == "stop":
            break
        _empty(message["output_dir"])
        if algorithm is not None:
            reply = _predict(algorithm, message, config["output_limit_bytes"])
        else:
            reply = _command(config["argv"], message, bool(config.get("sandboxed")),
                             config["output_limit_bytes"])
        files: list[tuple[str, bytes]] = []
        if reply["ok"]:
            reply, files = _collect(reply, message["output_dir"],
                                    config["output_limit_bytes"])
        send(outbox, reply)
        for _name, data in files:
            send_bytes(outbox, data)
    teardown = getattr(algorithm, "teardown", None)
    if callable(teardown):
        try:
            teardown()
        except Exception:  # noqa: BLE001 - a failing teardown fails no case
            traceback.print_exc()
    return 0


def _predict(algorithm: Any, message: dict[str, Any],
             limit_bytes: int | None = None) -> dict[str, Any]:
    from .algorithm import CaseInput

    case = CaseInput(case_id=message["case_id"], input_path=message["inputs"][0],
                     input_paths=tuple(message["inputs"]), output_dir=message["output_dir"])
    try:
        value = algorithm.predict(case)
    except BaseException as exc:  # noqa: BLE001 - every failure is a result
        failure = _failure(exc, message["output_dir"], limit_bytes)
        sys.stderr.write(failure.pop("traceback"))
        return failure
    return _encode_result(value)


def _empty(folder: str) -> None:
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


def _collect(reply: dict[str, Any], folder: str,
             limit: int) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """Read the files the case wrote; refuse links, folders and oversized output."""
    files: list[tuple[str, bytes]] = []
    total = 0
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            return {"ok": False, "reason": "invalid-output",
                    "detail": f"{entry.name} in the output directory is not a regular "
                    "file"}, []
        total += entry.stat(follow_symlinks=False).st_size
        if total > limit:
            return {"ok": False, "reason": "output-too-large",
                    "detail": f"the output directory holds more than the output limit of "
                              f"{limit / (1 << 20):g} MB (--output-limit-mb; output_limit_mb "
                              "in the protocol's [runner])"}, []
        with open(entry.path, "rb") as handle:
            files.append((entry.name, handle.read(limit + 1)))
    reply = dict(reply, files=[[name, len(data)] for name, data in files])
    return reply, files


def _command(argv: list[str], message: dict[str, Any], sandboxed: bool,
             limit_bytes: int) -> dict[str, Any]:
    """Run the command on one case; the processes it leaves behind are ended with it."""
    mapping = {"{input}": message["input_dir"], "{output}": message["output_dir"],
               "{case_id}": message["case_id"]}
    args = [_substitute(a, mapping) for a in argv]
    env = dict(os.environ, MEDEVAL_CASE_ID=message["case_id"],
               MEDEVAL_INPUT_DIR=message["input_dir"], MEDEVAL_OUTPUT_DIR=message["output_dir"])
    try:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=2, stderr=2,
                                   env=env, start_new_session=True)
    except OSError as exc:
        return _not_started(exc, args[0], sandboxed)
    try:
        code = process.wait()
    finally:  # what it left running would write into the next case's /output
        _end_leftovers(process.pid, sandboxed)
    if code < 0:
        return {"ok": False, "reason": "exit-code", "signal": -code,
                "detail": f"the command was killed by {_signal_name(-code)}"}
    if code != 0 and _full(message["output_dir"]):  # its writes failed: ENOSPC
        return {"ok": False, "reason": "output-too-large",
                "detail": f"exit code {code}, with the output directory full (the output "
                f"limit of {limit_bytes / (1 << 20):g} MB, --output-limit-mb; "
                "output_limit_mb in the protocol's [runner])"}
    if code != 0:
        return {"ok": False, "reason": "exit-code", "detail": f"exit code {code}"}
    return {"ok": True, "prediction": None}


def _not_started(exc: OSError, program: str, sandboxed: bool) -> dict[str, Any]:
    """The failure of a command that could not be started: a script whose ``#!`` line
    names an interpreter not found is said so, not as its own file missing."""
    from ._shebang import shebang_problem

    problem = (shebang_problem(program, sandboxed=sandboxed)
               if isinstance(exc, FileNotFoundError) and os.path.isfile(program) else None)
    if problem is None:
        return _failure(exc)
    return {"ok": False, "reason": "exception",
            "detail": f"{program} cannot be started: {problem}"}


def _end_leftovers(group: int, sandboxed: bool) -> None:
    """SIGKILL what a command left running: in the sandbox (a PID namespace of its own,
    whose init is 1 and whose worker is this process) every other process; outside it,
    the command's process group."""
    import signal

    if not sandboxed:
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
        return
    keep = {1, os.getpid()}
    pid = os.getpid()
    while pid > 1:  # this worker's ancestors in the namespace (a wrapper, bubblewrap's init)
        try:
            with open(f"/proc/{pid}/stat") as stat:
                pid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        keep.add(pid)
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in keep:
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError:
                pass


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _substitute(arg: str, mapping: dict[str, str]) -> str:
    for key, value in mapping.items():
        arg = arg.replace(key, value)
    return arg


if __name__ == "__main__":
    sys.exit(main())
