"""A pre-check's QR code stays on the page of the statements it closes.

The binary example (a pre-check) with three criteria, rendered in Korean and English:
section 3 (the statements) ended at the foot of page 1 and its QR code began page 2
alone. Read back with pypdf (a peer), the page that prints the QR code's text prints
section 3's heading and its last statement too. A result made by medeval 0.11.0 keeps
the layout it was issued with (its certificate verifies byte for byte).
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
CRITERIA = "".join(f'\n[[criteria]]\nmetric = "{m}"\ngoal = 0.5\nsource = "test"\n'
                   for m in ("sensitivity", "specificity", "ppv"))


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = tmp_path_factory.mktemp("qr") / "study"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "protocol.toml").read_text(encoding="utf-8")
    text = text.split("[[criteria]]")[0].replace("n_resamples = 500", "n_resamples = 100")
    (folder / "protocol.toml").write_text(text + CRITERIA, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the small set's undefined resamples
        return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _pages(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def _qr_page(pages: list[str]) -> str:
    """The first page printing the QR code's text (section 3's, not section 13's)."""
    return next(page for page in pages if "MEDEVAL-CERT |" in page)


def test_the_qr_code_is_on_the_page_of_its_statements(result: medeval.Result,
                                                      tmp_path: Path) -> None:
    assert result.precheck and len(result.verdicts) == 3
    pages = _pages(render_certificate(result, tmp_path / "pre.pdf", lang="ko+en"))
    page = _qr_page(pages)
    assert "3. 고지 사항 / Statements" in page
    assert "Marked † : information supplied by the customer" in page


def test_a_result_of_0_11_0_keeps_the_layout_it_was_issued_with(result: medeval.Result,
                                                                tmp_path: Path) -> None:
    old = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    pages = _pages(render_certificate(old, tmp_path / "old.pdf", lang="ko+en"))
    page = _qr_page(pages)
    # as issued: the QR code alone at the top of page 2, its statements on page 1
    assert pages.index(page) == 1
    assert "Statements" not in page and "Marked †" in pages[0]
