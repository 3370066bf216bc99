"""The public verification page of issued reports (issue 15): ``medeval serve``.

Anyone enters a report number, optionally uploads the certificate PDF, and reads whether
it is genuine, altered (what differs), withdrawn (when, why), amended (by which report)
or unknown, with the result's fingerprint; the same as JSON under ``/api/``. The page
only reads the registry; issuing happens on the command line. Needs the ``serve`` extra
(``pip install 'medeval[serve]'``).

>>> from medeval.registry import Registry                        # doctest: +SKIP
>>> from medeval.web import create_app                           # doctest: +SKIP
>>> app = create_app(Registry.open("registry.sqlite"))            # doctest: +SKIP

See docs/verification-page.md.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401  (the serve extra)
except ModuleNotFoundError as exc:  # pragma: no cover - the test extra has it
    raise ModuleNotFoundError("medeval.web needs the 'serve' extra: "
                              "pip install 'medeval[serve]'", name=exc.name) from exc

from .app import create_app
from .checking import RequestRefused
from .limits import DEFAULT_MAX_UPLOAD_BYTES, TokenBuckets
from .verdicts import Verdict, judge_upload, look_up
from .verifier import Verifier

__all__ = [
    "DEFAULT_MAX_UPLOAD_BYTES",
    "RequestRefused",
    "TokenBuckets",
    "Verdict",
    "Verifier",
    "create_app",
    "judge_upload",
    "look_up",
]
