"""A predicted mask image whose values are no labels: an ONNX segmenter's probabilities
saved as grey levels or as a float TIFF, or its mask saved 16-bit as 0/65535. read_mask's
advice, 'pass label_map=...', leads nowhere for a prediction, since the protocol's
label_map reads the references too (0/255 here, which a map of 65535 would refuse); the
failure now says to write the labels coded as the references are, thresholding first.
The advice followed scores as numpy's Dice of the thresholded masks. Found in the
onnx-pass."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

import medeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_segmentation_2d import make_set, per_case, write_png  # noqa: E402

ADVICE = ("as a prediction: the protocol's label_map and jpeg_threshold read the "
          "references too, so write the labels coded as the references are")


def test_probabilities_and_16_bit_masks_are_told_how_to_code_a_prediction(tmp_path):
    data = make_set(tmp_path, failures="worst_distance_px = 100.0")
    pred = tmp_path / "pred"
    probability = {cid: np.where(p, 0.8, 0.1).astype(np.float32) for cid, (_, p) in
                   data.items()}
    PILImage.fromarray((probability["c0"] * 255).astype(np.uint8)).save(pred / "c0.png")
    (pred / "c1.png").unlink()
    PILImage.fromarray(probability["c1"], mode="F").save(pred / "c1.tif")
    PILImage.fromarray(data["c2"][1].astype(np.uint16) * 65535).save(pred / "c2.png")
    result = medeval.evaluate(tmp_path / "protocol.toml", pred, workers=1)
    detail = {c.case_id: c.detail for c in result.failures.cases}
    reasons = {c.case_id: c.reason for c in result.failures.cases}
    assert reasons == {"c0": "invalid-output", "c1": "invalid-output", "c2": "invalid-output"}
    assert "holds the values [25, 204]" in detail["c0"]   # 0.1 * 255, 0.8 * 255 truncated
    assert "its pixels are F" in detail["c1"] and "[0, 65535]" in detail["c2"]
    assert all(ADVICE in text for text in detail.values())
    # followed: thresholded at 0.5 and written 0/255, each case scores numpy's Dice
    (pred / "c1.tif").unlink()
    for cid in ("c0", "c1", "c2"):
        write_png(probability[cid] >= 0.5, pred / f"{cid}.png")
    cases = per_case(medeval.evaluate(tmp_path / "protocol.toml", pred, workers=1))
    for cid, (ref, p) in data.items():
        expected = 2 * np.sum(ref & p) / (ref.sum() + p.sum()) if ref.sum() + p.sum() else 1
        assert cases[cid]["status"] == "ok" and np.isclose(cases[cid]["dice"], expected)


def test_a_damaged_prediction_gets_no_coding_advice(tmp_path):
    make_set(tmp_path, failures="worst_distance_px = 100.0")
    (tmp_path / "pred" / "c0.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (failure,) = result.failures.cases
    assert failure.case_id == "c0" and ADVICE not in failure.detail


def test_a_mask_returned_as_an_array_is_named_as_its_cases_file(tmp_path):
    # a plugin's predict returning the mask array: the runner stores it as <case_id>.json,
    # which no mask reader reads. The case is missing-output, and the warning named the
    # file as one 'that names no case', though it is the case's own; now it is named as
    # a case's file in a form the task does not read, with the way out. Found in the
    # onnx-pass. The misspelt c1_v2.png names no case, as before.
    import json

    make_set(tmp_path, failures="worst_distance_px = 100.0")
    pred = tmp_path / "pred"
    mask = np.asarray(PILImage.open(pred / "c0.png"))
    (pred / "c0.png").unlink()
    (pred / "c0.json").write_text(json.dumps((mask > 0).astype(int).tolist()))
    (pred / "c1.png").rename(pred / "c1_v2.png")
    result = medeval.evaluate(tmp_path / "protocol.toml", pred, workers=1)
    assert {c.case_id: c.reason for c in result.failures.cases} == {
        "c0": "missing-output", "c1": "missing-output"}
    assert [w for w in result.warnings if "the predictions folder holds" in w] == [
        "all cases: the predictions folder holds 1 file(s) that name no case of the "
        "manifest: c1_v2.png; a prediction is read only as <case_id> with its suffix",
        "all cases: the predictions folder holds 1 file(s) named for a case without "
        "prediction, in a form this task does not read: c0.json; those cases failed as "
        "missing-output (a prediction is read only as <case_id> with a suffix the task "
        "reads; a plugin's mask returned from predict as an array is stored as "
        "<case_id>.json: write it as prediction.png in case.output_dir)"]


def test_a_mask_saved_as_a_numpy_file_is_told_what_to_write(tmp_path):
    # a plugin writing its mask with numpy.save (prediction.npy, stored as c0.npy): no
    # task reads .npy, the case fails as missing-output, and the warning says what to
    # write instead (it named the file only). Written as the PNG it advises, the same
    # mask scores as MedPy's dc of it against the case's reference mask.
    from medpy.metric.binary import dc

    reference = make_set(tmp_path, failures="worst_distance_px = 100.0")["c0"][0]
    pred = tmp_path / "pred"
    mask = np.asarray(PILImage.open(pred / "c0.png"))
    (pred / "c0.png").unlink()
    np.save(pred / "c0.npy", mask > 0)
    result = medeval.evaluate(tmp_path / "protocol.toml", pred, workers=1)
    assert {c.case_id: c.reason for c in result.failures.cases} == {"c0": "missing-output"}
    told = [w for w in result.warnings if "in a form this task does not read" in w]
    assert told == [
        "all cases: the predictions folder holds 1 file(s) named for a case without "
        "prediction, in a form this task does not read: c0.npy; those cases failed as "
        "missing-output (a prediction is read only as <case_id> with a suffix the task "
        "reads; a NumPy array file (.npy, .npz) is read by no task: write a mask as "
        "prediction.png (a frame) or prediction.nii.gz (a volume) in the case's output "
        "folder)"]
    PILImage.fromarray(np.load(pred / "c0.npy").astype(np.uint8)).save(pred / "c0.png")
    (pred / "c0.npy").unlink()
    again = medeval.evaluate(tmp_path / "protocol.toml", pred, workers=1)
    assert not again.failures.cases
    assert per_case(again)["c0"]["dice"] == dc(mask > 0, reference > 0)
