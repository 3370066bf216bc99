"""``medeval demo``: the whole certified flow on the data medeval ships."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from ..demo import DemoSet

__all__ = ["add"]


def add(commands: Any) -> None:
    """The ``demo`` subcommand."""
    text = ("run the whole certified flow on the data and example algorithms medeval "
            "ships; write results, certificates (ko+en) and HTML reports")
    demo = commands.add_parser(
        "demo", help=text, description=text[0].upper() + text[1:] + ": a breast-mass "
        "classifier, a CT stone segmentation and an ECG beat detector, each run in the "
        "bubblewrap sandbox (certificate mode needs it; --pre-check also runs where it is "
        "missing, unsandboxed), "
        "into DIR/<set>/ (result.json, certificate.pdf, report.html).",
    )
    demo.add_argument("--out", type=Path, default=Path("medeval-demo"), metavar="DIR",
                      help="default: %(default)s")
    demo.add_argument("--pre-check", action="store_true",
                      help="pre-check mode: the documents say pre-check, and a machine without "
                      "the bubblewrap sandbox runs the algorithms unsandboxed")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from ..demo import run_demo

    mode: Literal["pre-check", "certificate"] = (
        "pre-check" if args.pre_check else "certificate")
    outcome = run_demo(args.out, progress=not args.quiet, mode=mode)
    out.write(f"medeval demo: the {mode} flow on the data and example algorithms medeval "
              f"ships, {_isolation(outcome.sets)}.\nEverything is in {outcome.out_dir}\n")
    for item in outcome.sets:
        cases = f"{item.n_cases} case{'s' if item.n_cases != 1 else ''}"
        out.write(f"\n{item.verdict:<12} {item.name}: {item.title}\n")
        out.write(f"             report {item.report_number}, {cases} ({item.n_failed} failed), "
                  f"sha256:{item.fingerprint}\n")
        for metric, verdict in item.criteria:
            out.write(f"             {verdict:<12} {metric}\n")
        for label, path in (("result", item.result_json), ("certificate", item.certificate_pdf),
                            ("report", item.report_html)):
            out.write(f"             {label:<12} {path}\n")
    for name, reason in outcome.skipped:
        out.write(f"\nskipped      {name}: {reason}\n")
    out.write("\nCheck a certificate (it carries its result and report info):\n"
              "  medeval verify CERTIFICATE.pdf    or    medeval verify RESULT.json "
              "CERTIFICATE.pdf\n"
              "Credits of the data: medeval/demo/README.md and medeval/demo/ecg/README.md\n")
    return 0


def _isolation(sets: Sequence[DemoSet]) -> str:
    """How the algorithms ran, as their results record it (the runner's isolation)."""
    import json

    found = {json.loads(item.result_json.read_bytes())["algorithm"]["run"].get("isolation")
             for item in sets}
    if found == {"bubblewrap"}:
        return "each algorithm run in the bubblewrap sandbox"
    if found == {"none"}:
        return "each algorithm run WITHOUT a sandbox (bubblewrap is not installed here)"
    return "the algorithms run with isolation " + ", ".join(sorted(map(str, found)))
