"""The ``medeval`` command line: a thin layer over the public API.

One module per group of subcommands, each adding its parsers with ``add(commands)``:
:mod:`~medeval.cli.evaluate` (``evaluate``, ``run``), :mod:`~medeval.cli.predict`
(``predict``), :mod:`~medeval.cli.protocol` (``protocol check|schema``,
``sample-size``), :mod:`~medeval.cli.report` (``report``, ``verify``),
:mod:`~medeval.cli.registry` (``registry init|issue|amend|withdraw|list|show|check|export|backup``),
:mod:`~medeval.cli.serve` (``serve``, the verification page) and
:mod:`~medeval.cli.demo` (``demo``), :mod:`~medeval.cli.manifest` (``manifest
fingerprint|check``), :mod:`~medeval.cli.predictions` (``predictions split-coco``);
:mod:`~medeval.cli.summary` prints a result.

Only this package turns exceptions into exit codes: 0 success, 1 verification failed
(``verify``), 2 bad input or usage (a result file that cannot be read included) (a
``MedevalError``, message on stderr), 3 an evaluation in which
every case failed (the result is still written, and the reasons are printed), 130
interrupted (Ctrl-C, no traceback), 141 the reader of the output closed it
(``medeval protocol schema | head``: no traceback, as for a command killed by SIGPIPE).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from .._terminal_text import ShownText, on_terminal
from .._version import __version__
from ..errors import MedevalError, ResultError
from ._usage import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from _typeshed import SupportsWrite

__all__ = ["UsageError", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:  # the commands' modules import what a command runs only when it runs
        parser = _parser()
    except KeyboardInterrupt:  # Ctrl-C as the command starts: nothing begun, no traceback
        return 130
    args = parser.parse_args(argv)
    if not getattr(args, "command", None) or not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    try:
        with warnings.catch_warnings():  # the caller's warnings display, put back after
            warnings.showwarning = _warning_display(warnings.showwarning)
            # a handler writes user text (case ids, names, reasons) to the standard output:
            # shown with escapes where a terminal would obey it; a data output (registry
            # export's CSV) as written
            out = sys.stdout if getattr(args, "data_output", False) else cast(
                TextIO, ShownText(sys.stdout))
            result: int = args.handler(args, out)
        return result
    except ResultError as exc:
        if args.command == "verify":
            print(f"medeval: verification failed: {_shown(exc)}", file=sys.stderr)
            return 1
        print(f"medeval: error: {_shown(exc)}", file=sys.stderr)
        return 2
    except MedevalError as exc:
        print(f"medeval: error: {_shown(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C: what was interrupted has said what it kept
        # SIGTERM or SIGHUP during a run (medeval run, evaluate running the algorithm):
        # 128 + the signal, as predict exits and a shell reports it
        status = getattr(exc, "exit_status", 130)
        return status if isinstance(status, int) else 130
    except BrokenPipeError:  # `| head` stopped reading: nothing more to say to it
        _stdout_to_devnull()
        return 141


def _warning_display(other: Any) -> Any:
    """A ``warnings.showwarning`` printing medeval's own warnings (running without a
    sandbox, a metric undefined) as ``medeval: warning: ...`` on stderr, as errors are
    printed: Python's display adds the source file and line that issued it
    ("evaluation.py:395: IsolationWarning: ... run_algorithm("), which says nothing to the
    tester. Other warnings go to ``other``, the display in place before."""
    from ..errors import IsolationWarning, UndefinedMetricWarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        if issubclass(category, (IsolationWarning, UndefinedMetricWarning)):
            print(f"medeval: warning: {_shown(message)}", file=file or sys.stderr)
        else:  # Python's display, the message's names escaped (SimpleITK's on a file)
            shown = _shown(message)
            other(message if shown == str(message) else shown, category, filename, lineno,
                  file, line)

    return show


def _shown(message: object) -> str:
    """An error's or warning's text as the terminal shows it (:func:`on_terminal`): the
    user's names in it may hold ESC or U+202E."""
    return on_terminal(str(message), keep_lines=True)


def _stdout_to_devnull() -> None:
    """Point the standard output at /dev/null, so that flushing what is left in its
    buffer at exit does not fail again (Python would print 'Exception ignored')."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (captured in tests): nothing to flush
        pass


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its messages on the terminal as :func:`on_terminal` shows them:
    'unrecognized arguments' repeats the words as given (a file name from a glob may
    hold ESC or U+202E). Its subcommands' parsers are of this class too (argparse makes
    them of the parent's)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(on_terminal(message, keep_lines=True), file)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="medeval",
        description="Evaluate medical AI software to a testing laboratory's standard.",
    )
    parser.add_argument("--version", action="version", version=f"medeval {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from . import (
        demo,
        evaluate,
        manifest,
        predict,
        predictions,
        protocol,
        registry,
        report,
        serve,
    )

    for group in (evaluate, protocol, demo, report, predict, predictions, manifest, registry,
                  serve):
        group.add(commands)
    return parser
