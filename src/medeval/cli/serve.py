"""``medeval serve``: the public verification page of issued reports (uvicorn)."""

from __future__ import annotations

import argparse
import copy
import os
import re
import socket
from typing import Any, TextIO

from ._usage import UsageError

__all__ = ["add"]


def add(commands: Any) -> None:
    """Add the ``serve`` subcommand."""
    serve = commands.add_parser(
        "serve", help="serve the verification page of issued reports (read only)",
        description="Serve the page where anyone enters a report number, optionally "
        "uploads the certificate PDF, and reads whether it is genuine, altered, withdrawn, "
        "amended or unknown; and its JSON API (GET /api/reports/NUMBER, POST /api/verify). "
        "It only reads the registry. Needs the 'serve' extra. See docs/verification-page.md.",
    )
    serve.add_argument("--registry", default=None, metavar="URL",
                       help="the registry: a SQLite file or a database URL (default: "
                       "$MEDEVAL_REGISTRY)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; behind a reverse "
                       "proxy keep it so)")
    serve.add_argument("--port", type=int, default=8000, help="default 8000")
    serve.add_argument("--root-path", default="", metavar="PREFIX",
                       help="the path the reverse proxy serves the page under, which it "
                       "strips before passing the request on (e.g. /verify); the page's "
                       "links begin with it (default: none, the page at /)")
    serve.add_argument("--workers", type=int, default=2, metavar="N",
                       help="processes verifying uploaded PDFs at once (default 2)")
    serve.add_argument("--max-upload-mb", type=int, default=20, metavar="MB",
                       help="largest upload taken (default 20)")
    serve.add_argument("--requests-per-minute", type=float, default=60.0, metavar="N",
                       help="each client address's sustained rate (default 60)")
    serve.add_argument("--burst", type=int, default=20, metavar="N",
                       help="requests one client address may make at once (default 20)")
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    try:
        import uvicorn

        from ..registry import Registry
        from ..web import Verifier, create_app
    except ModuleNotFoundError as exc:
        raise UsageError(f"medeval serve needs the 'serve' extra ({exc.name} is missing): "
                         "pip install 'medeval[serve]'") from None
    for name, value in (("--port", args.port), ("--workers", args.workers),
                        ("--max-upload-mb", args.max_upload_mb), ("--burst", args.burst),
                        ("--requests-per-minute", args.requests_per_minute)):
        if value <= 0 or (name == "--port" and value > 65535):
            raise UsageError(f"{name} {value}: give a positive number"
                             + (" up to 65535" if name == "--port" else ""))
    root_path = _root_path(args.root_path)
    _check_address(args.host, args.port)
    target = args.registry or os.environ.get("MEDEVAL_REGISTRY")
    if not target:
        raise UsageError("medeval serve: give the registry to serve: --registry FILE|URL "
                         "(or set MEDEVAL_REGISTRY)")
    # read only: the database refuses any write (SQLite mode=ro, PostgreSQL read-only
    # transactions), even when given the laboratory's own writing user
    registry = Registry.open(target, read_only=True)
    try:
        app = create_app(registry, verifier=Verifier(workers=args.workers),
                         max_upload_bytes=args.max_upload_mb * 1024 * 1024,
                         requests_per_minute=args.requests_per_minute, burst=args.burst,
                         warm_up=True)
        out.write(f"medeval serve: registry {registry.location}, "
                  f"http://{_netloc(args.host, args.port)}/"
                  + (f" (the proxy's {root_path}/)" if root_path else "") + "\n")
        out.flush()
        uvicorn.run(app, host=args.host, port=args.port, log_level="info",
                    server_header=False, root_path=root_path, log_config=_log_config())
    finally:
        registry.close()
    return 0


def _root_path(text: str) -> str:
    """``--root-path`` as the app's prefix: ``/verify`` (``verify/`` and ``/verify/`` too)."""
    prefix = "/" + text.strip().strip("/") if text.strip().strip("/") else ""
    if not re.fullmatch(r"(/[A-Za-z0-9._~-]+)*", prefix):
        raise UsageError(f"--root-path {text!r}: give a path such as /verify (letters, "
                         "digits and . _ ~ - between slashes)")
    return prefix


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, each line with its time, and the page's own errors (a request id
    and why: the registry failing, or a traceback) through the same handler, marked ERROR.
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for formatter in config["formatters"].values():
        formatter["fmt"] = "%(asctime)s " + formatter["fmt"]
        formatter["datefmt"] = "%Y-%m-%dT%H:%M:%S%z"
    config["loggers"]["medeval.web"] = {"handlers": ["default"], "level": "INFO",
                                        "propagate": False}
    return config


def _check_address(host: str, port: int) -> None:
    """Refuse an address the server cannot listen on (a port in use, an unknown host)
    before the registry is opened and the workers started: uvicorn would say so in its
    log only after warming up, and exit with status 3."""
    # an IPv6 address (::1, ::) as uvicorn tells it: by its colon
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise UsageError(f"medeval serve: cannot listen on {_netloc(host, port)}: {why} "
                         "(another server there? choose --port or --host)") from None


def _netloc(host: str, port: int) -> str:
    """``host:port`` as a URL writes it (an IPv6 address in brackets: ``[::1]:8000``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
