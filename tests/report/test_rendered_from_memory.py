"""A report rendered from a result in memory is the report of its file, byte for byte.

``evaluate`` holds a segmentation result's figures in the task's order (dice, jaccard,
..., assd) and its JSON file a-z; tables printed in the order they found the figures
differed, so the certificate a program rendered from ``evaluate``'s result was not the
one its attached JSON renders again, and ``medeval verify`` called it altered (found by
hrev13). The reference here is the rendering from the file ``write_result`` wrote, as
``medeval report`` and verification render it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from medeval import evaluate, write_result
from medeval.report import render_certificate, render_html

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["segmentation", "polyp-segmentation"])
def test_a_result_in_memory_renders_as_its_file(tmp_path: Path, example: str):
    folder = EXAMPLES / example
    result = evaluate(folder / "protocol.toml", predictions=folder / "predictions")
    assert [m.name for m in result.metrics] != sorted(m.name for m in result.metrics)
    written = write_result(result, tmp_path / "result.json")
    for render, suffix in ((render_certificate, "pdf"), (render_html, "html")):
        from_file = render(written, tmp_path / f"file.{suffix}", lang="ko+en")
        from_memory = render(result, tmp_path / f"memory.{suffix}", lang="ko+en")
        assert from_memory.read_bytes() == from_file.read_bytes(), suffix
