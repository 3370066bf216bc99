"""The certificate identifies the item tested by its SHA-256 and its outputs' SHA-256
(ISO/IEC 17025 7.8.2.1 g: "an unambiguous identification of the item ... file hashes"),
and says how the runner isolated it (7.8.3.1 a, test conditions).

Before, the item was named only by its plugin ("...wdbc_logistic:WdbcLogistic"): the
runner records the SHA-256 of every file of the algorithm, but no certificate printed it.
The expected digests are computed here with hashlib from the files on disk, and the text
is read back with pypdf.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

from ..conftest import CommandDemo


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _text(pdf: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)


def _outputs_sha256(mapping: dict[str, object]) -> str:
    """The digest of a mapping as medeval's canonical JSON writes a mapping of strings:
    sorted keys, two-space indent, a final newline (json.dumps gives the same bytes)."""
    return hashlib.sha256((json.dumps(mapping, indent=2, sort_keys=True, ensure_ascii=False)
                           + "\n").encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def demo_run(command_demo: CommandDemo) -> Path:
    """The demo's classification set run by the real runner (in its sandbox): the
    session's `medeval demo` (conftest's command_demo), read, not written."""
    assert command_demo.returncode == 0, command_demo.stderr
    return command_demo.folder / "classification" / "result.json"


def test_a_run_certificate_prints_the_item_and_outputs_sha256(demo_run: Path,
                                                              tmp_path: Path) -> None:
    recorded = json.loads(demo_run.read_text(encoding="utf-8"))["algorithm"]["run"]
    algorithm = recorded["algorithm"]
    # every file's digest recorded is the file's (one checked), and the item's SHA-256 is
    # one hash over the kind, the target and those digests
    module = Path(medeval.__file__).parent / "demo/algorithms/classification/wdbc_logistic.py"
    assert algorithm["files"]["demo/algorithms/classification/wdbc_logistic.py"] == \
        _sha256(module)
    item = hashlib.sha256(json.dumps(
        {"kind": algorithm["kind"], "target": algorithm["target"],
         "files": algorithm["files"]}, sort_keys=True).encode("utf-8")).hexdigest()
    # the outputs: each case's prediction file and its SHA-256, as hashlib reads them
    folder = demo_run.parent / "run" / "predictions"
    outputs = _outputs_sha256({p.stem: {p.name: _sha256(p)} for p in folder.iterdir()})

    both = _text(render_certificate(demo_run, tmp_path / "c.pdf"))
    assert "Item SHA-256 (its files)" in both and "시험 대상 SHA-256" in both
    assert item in both and outputs in both
    assert "Isolation of the item" in both and "bubblewrap" in both
    korean = _text(render_certificate(demo_run, tmp_path / "ko.pdf", lang="ko"))
    assert item in korean and "시험 대상의 격리" in korean and "Item SHA-256" not in korean


def test_supplied_outputs_are_identified_by_their_files(certified: Path,
                                                       certificate: Path) -> None:
    # the certified fixture scored a folder of prediction files: its SHA-256 is over each
    # file's name and digest; no algorithm ran, so no item digest and no isolation row
    folder = certified.parent.parent / "study" / "predictions"
    outputs = _outputs_sha256({p.name: _sha256(p) for p in folder.iterdir() if p.is_file()})
    text = _text(certificate)
    assert "Outputs SHA-256" in text and outputs in text
    assert "Item SHA-256" not in text and "Isolation of the item" not in text
