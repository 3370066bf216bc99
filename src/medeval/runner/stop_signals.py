"""SIGTERM and SIGHUP stop a run as Ctrl-C does.

``kill PID`` (a job scheduler's, systemd's or a CI's stop) sends SIGTERM, and a closed
terminal or ssh session SIGHUP; by default either ends Python on the spot, leaving no
``summary.json``, no ``run-end`` record and the scratch folder behind. While a run
executes, :class:`StopSignals` turns the first of them into :class:`Stopped`, a
``KeyboardInterrupt``, so the run ends the way Ctrl-C ends it: sandboxes closed, the
summary written, what ended kept. A signal that comes while the run is writing its
summary is held until the summary is written (:meth:`StopSignals.hold`). A signal the
process ignores (SIGHUP under ``nohup``) stays ignored.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

__all__ = ["StopSignals", "Stopped"]

#: The signals that stop a run cleanly, besides SIGINT (Python's KeyboardInterrupt).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The run was stopped by ``signal_number`` (SIGTERM or SIGHUP).

    Made again from its text where a library re-raises an exception as ``type(exc)(its
    words + str(exc))`` (reportlab's ``annotateException``, around every paragraph it
    parses): the signal is the one the text names. A SIGTERM landing there was a
    ``ValueError`` ('... SIGTERM' is not a valid Signals) and a traceback.

    >>> Stopped("paragraph text 'x' caused exception SIGHUP").args
    ('SIGHUP',)
    """

    def __init__(self, signal_number: int | str) -> None:
        if isinstance(signal_number, str):  # found in the review of the lifecycle-pass
            signal_number = next((s for s in STOP_SIGNALS if s.name in signal_number),
                                 signal.SIGTERM)
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = int(signal_number)

    @property
    def exit_status(self) -> int:
        """128 + the signal's number, as a shell reports a process ended by it."""
        return 128 + self.signal_number


class StopSignals:
    """Within ``with``, SIGTERM and SIGHUP raise :class:`Stopped` in the main thread.

    Attributes
    ----------
    received : int or None
        The first stop signal received, if any.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._raise = True
        self._previous: dict[int, Any] = {}

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = number
        if self._raise:
            self._raise = False  # a second signal must not break the clean stop
            raise Stopped(number)

    def hold(self) -> None:
        """From now on, record a stop signal without raising (see :meth:`pending`)."""
        self._raise = False

    def pending(self) -> Stopped | None:
        """The stop signal received while held, as an exception to raise, or None."""
        return None if self.received is None else Stopped(self.received)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for number in STOP_SIGNALS:
                if signal.getsignal(number) is signal.SIG_IGN:
                    continue  # ignored on purpose: `nohup medeval predict ...` keeps running
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, previous)
