"""A segmentation certificate with several labels prints each label's empty-mask table.

Found as a reviewer: with ``labels = [1, 2]`` the task records ``label1:empty_masks``
and ``label2:empty_masks``, and the certificate, reading only ``empty_masks``, printed
no empty-mask table at all: an empty output, and the distances replaced by the worst
distance because of it, went unsaid. The set is tests/tasks/test_segmentation_2d.py's
(five frames, one prediction empty); the counts are worked from its masks with numpy,
the text read with pypdf.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate
from medeval.result import write_result

from ..tasks.test_segmentation_2d import PROTOCOL, PX, SHAPE, make_set, pairs


def _certificate_of_two_labels(tmp_path: Path, right: int, left_grey: int,
                               labels: tuple[int, int]) -> tuple[str, Path]:
    """The set with each mask's disc a grey map (its right part ``right``, its left part
    ``left_grey``) read as ``labels``; the certificate's text (pypdf) and the result."""
    make_set(tmp_path)
    left = np.arange(SHAPE[1]) < 30
    for cid, (ref, pred) in pairs().items():
        for mask, where in ((ref, "masks"), (pred, "pred")):
            grey = np.where(mask, right, 0).astype(np.uint8)
            grey[mask & left] = left_grey
            PILImage.fromarray(grey).save(tmp_path / where / f"{cid}.png")
    task = (PX + f"\nlabels = [{labels[0]}, {labels[1]}]\n[task.label_map]\n\"0\" = 0\n"
            f"\"{right}\" = {labels[0]}\n\"{left_grey}\" = {labels[1]}")
    (tmp_path / "protocol.toml").write_text(
        PROTOCOL.format(task=task, failures='worst_distance_px = 80.0').replace(
            'metric = "dice"', 'metric = "label2:dice"'))
    result = write_result(medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred",
                                           workers=1), tmp_path / "out" / "result.json")
    pdf = render_certificate(result, tmp_path / "certificate.pdf")
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split()), result


def test_each_label_has_its_table(tmp_path: Path) -> None:
    # label 1 (grey 128): the disc's right part; label 2 (grey 255): its left part
    text, result = _certificate_of_two_labels(tmp_path, 128, 255, (1, 2))
    left = np.arange(SHAPE[1]) < 30
    output_only = {1: 0, 2: 0}
    for ref, pred in pairs().values():
        for label, part in ((1, ~left), (2, left)):
            output_only[label] += bool((ref & part).any() and not (pred & part).any())
    assert output_only == {1: 1, 2: 1}  # c3's prediction is empty
    for label in (1, 2):
        assert f"빈 마스크, 레이블 {label} Empty masks, label {label}" in text, text
    assert text.count(f"출력만 빈 마스크 / output only empty {output_only[1]}") == 2
    # c3's every distance of each label replaced: its values and one case, per label
    distances = [m.name for m in medeval.read_result(result).metrics
                 if m.name.startswith("label1:") and m.unit == "px"]
    assert text.count(f"{len(distances)}개 값(증례 1개) / {len(distances)} values "
                      "(1 case)") == 2, text


def test_the_tables_follow_the_protocols_labels(tmp_path: Path) -> None:
    # Found reviewing 8dd6db7: the tables were sorted as text, so labels [2, 10] printed
    # label 10's table before label 2's. Labels 2 and 10 of a grey map (the disc's right
    # part 20, its left part 200), the order read from the PDF's text with pypdf
    text, _ = _certificate_of_two_labels(tmp_path, 20, 200, (2, 10))
    second, tenth = (text.index(f"Empty masks, label {n}") for n in (2, 10))
    assert second < tenth
