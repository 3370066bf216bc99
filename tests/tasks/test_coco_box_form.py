"""Result boxes in another form than COCO's [x, y, w, h] in pixels: scored as given (as
pycocotools' COCOeval scores them), and the result's warnings say what they look like."""

from __future__ import annotations

import copy

import numpy as np

import medeval

from .test_detection_coco import HEIGHT, RESULTS, WIDTH, coco_set, expected, figures, write_set


def _warned(result, words: str) -> list[str]:
    return [w for w in result.warnings if words in w]


def test_corner_boxes_are_scored_as_given_and_warned_of(tmp_path):
    # the detector wrote [x1, y1, x2, y2]: c1's [11, 9, 20, 21] becomes [11, 9, 31, 30];
    # read as [x, y, w, h], c1's second box [58, 42, 98, 72] ends at x = 156 > 120 + 1 and
    # y = 114 > 100 + 1, and every box is a valid corner box inside its 120 x 100 frame
    corners = {case: None if items is None else
               [(c, [x, y, x + w, y + h], s) for c, (x, y, w, h), s in items]
               for case, items in RESULTS.items()}
    result = medeval.evaluate(tmp_path / "protocol.toml", write_set(tmp_path, results=corners))
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case",
                                                         corners), rtol=0, atol=1e-12)
    texts = _warned(result, "read as corners")
    assert texts and texts[0].startswith("all cases: ")
    # 11 boxes of 5 cases (c4 has no file); read as [x, y, w, h], past the 120 x 100
    # frame by more than 1 px: c1 [58, 42, 98, 72] (x + w = 156) and c1 [70, 5, 80, 15]
    # (150); the next widest, c5 [40, 10, 70, 40], ends at 110 and c2 [8, 2, 58, 54] at
    # y + h = 56: 2 by hand
    assert "2 of the 11 result box(es) reach past" in texts[0]
    assert "case c1: [58, 42, 98, 72] on a frame 120 px wide, 100 px high" in texts[0]


def test_normalised_boxes_are_scored_as_given_and_warned_of(tmp_path):
    scaled = {case: None if items is None else
              [(c, [x / WIDTH, y / HEIGHT, w / WIDTH, h / HEIGHT], s) for c, (x, y, w, h), s
               in items] for case, items in RESULTS.items()}
    result = medeval.evaluate(tmp_path / "protocol.toml", write_set(tmp_path, results=scaled))
    np.testing.assert_allclose(figures(result), expected(coco_set(), {"c4"}, "worst-case",
                                                         scaled), rtol=0, atol=1e-12)
    texts = _warned(result, "lies within [0, 1]")
    assert texts and "every one of the 11 result box(es)" in texts[0]
    assert "normalised to the frame's size" in texts[0]
    assert not _warned(result, "read as corners")


def test_coco_boxes_are_not_warned_of(tmp_path):
    result = medeval.evaluate(tmp_path / "protocol.toml", write_set(tmp_path))
    assert not _warned(result, "read as corners") and not _warned(result, "within [0, 1]")
    # one box of a COCO set reaching past its frame (a detector's box at the edge), the
    # others not valid as corners ([58, 42, 40, 30]: x2 < x1): no warning either
    results = copy.deepcopy(RESULTS)
    results["c2"][0] = (1, [80, 2, 45, 52], 0.87)
    (tmp_path / "edge").mkdir()
    result = medeval.evaluate(tmp_path / "edge" / "protocol.toml",
                              write_set(tmp_path / "edge", results=results))
    assert not _warned(result, "read as corners")
