"""A machine's reportlab settings do not change a certificate's bytes.

reportlab reads settings from ``~/.reportlab_settings``, a ``reportlab_settings`` module
on the path and ``RL_<name>`` environment variables; ``RL_invariant=1``, ``showBoundary``,
``spaceShrinkage``, ``wrapA85`` and ``ttfAsciiReadable`` each changed the PDF's bytes, so a
certificate rendered again on such a machine was not the one issued and verify called a
genuine certificate altered there. The reference is the SHA-256 the issued-bytes test
pins (tests/report/test_issued_bytes.py: rendered at 608f12d, before this change).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from medeval.report.info import ReportInfo
from medeval.report.pdf import certificate_pdf
from medeval.result import read_result

DATA = Path(__file__).resolve().parents[1] / "data" / "results-0.9.0"

#: the Korean PDF of results-0.9.0/segmentation.json as medeval at 608f12d rendered it,
#: pinned in test_issued_bytes.py (ISSUED["segmentation"][0])
ISSUED_PDF = "63275c90c885056b6e931792d993bfaa6dd6686cc9bd44130a7f72e4b3a25080"

_RENDER = (
    "import sys; from medeval.result import read_result; "
    "from medeval.report.info import ReportInfo; "
    "from medeval.report.pdf import certificate_pdf; "
    "sys.stdout.buffer.write(certificate_pdf(read_result(sys.argv[1]), ReportInfo(), "
    "lang='ko', creator='medeval 0.9.0'))")


def test_settings_of_the_machine_leave_the_bytes_as_issued(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".reportlab_settings").write_text(
        "pageCompression = 0\nshowBoundary = 1\nuseA85 = 1\n")
    env = {**os.environ, "HOME": str(home), "RL_invariant": "1", "RL_spaceShrinkage": "0.5",
           "RL_wrapA85": "1", "RL_ttfAsciiReadable": "0", "RL_pdfComments": "1"}
    run = subprocess.run([sys.executable, "-c", _RENDER, str(DATA / "segmentation.json")],
                         env=env, capture_output=True, check=True)
    assert hashlib.sha256(run.stdout).hexdigest() == ISSUED_PDF


def test_the_callers_settings_come_back_after() -> None:
    from reportlab import rl_config  # type: ignore[import-untyped,unused-ignore]

    before = rl_config.showBoundary, rl_config.spaceShrinkage
    rl_config.showBoundary, rl_config.spaceShrinkage = 1, 0.5
    try:
        pdf = certificate_pdf(read_result(DATA / "segmentation.json"), ReportInfo(),
                              lang="ko", creator="medeval 0.9.0")
        assert (rl_config.showBoundary, rl_config.spaceShrinkage) == (1, 0.5)
    finally:
        rl_config.showBoundary, rl_config.spaceShrinkage = before
    assert hashlib.sha256(pdf).hexdigest() == ISSUED_PDF
