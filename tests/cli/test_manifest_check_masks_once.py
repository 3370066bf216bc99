"""manifest check --read-files --protocol of a segmentation set decodes each mask once:
the manifest's check decoded it (decode_mask) and the task's check decoded it again as
scoring reads it (read_mask), a quarter of the check's time; the task now checks each
case straight after the manifest's check read it, and the mask is kept for that one
read (loaders.masks.decoded_once). What the check prints is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

import medeval.loaders.masks as masks
from medeval.cli import main
from medeval.loaders.masks import decode_mask, decoded_once, read_mask

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _set(root: Path) -> list[str]:
    """Eight 40 x 50 frames of 4 patients with their masks, made with PIL: F2's mask is
    10 x 10, F5's holds 0, 1 and 2, F6's is cut short; the lines the check must print,
    worked out from what each file was made to be."""
    rows = ["case_id,patient_id,input,reference"]
    for i in range(8):
        Image.new("RGB", (50, 40), (90 + i, 50, 40)).save(root / f"F{i}.png")
        mask = np.zeros((10, 10) if i == 2 else (40, 50), np.uint8)
        mask[3:8, 3:8] = 255
        if i == 5:
            mask[0, :3] = [0, 1, 2]
        Image.fromarray(mask).save(root / f"M{i}.png")
        rows.append(f"F{i},P{i // 2},F{i}.png,M{i}.png")
    cut = root / "M6.png"
    cut.write_bytes(cut.read_bytes()[:60])
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    (root / "protocol.toml").write_text(
        (EXAMPLES / "polyp-segmentation" / "protocol.toml").read_text(encoding="utf-8"))
    return [
        f"  case F6: reference 'M6.png': unreadable: mask {root / 'M6.png'}: Pillow cannot "
        "decode it as PNG",
        "  case F2: reference M2.png is 10 x 10 pixels (rows x columns) but its frame "
        "F2.png is 40 x 50",
        "  case F5: mask M5.png: holds the values [0, 1, 2, 255], not a binary mask",
    ]


def test_the_check_decodes_each_mask_once_and_says_the_same(tmp_path, monkeypatch, capsys):
    expected = _set(tmp_path)
    decoded: list[str] = []
    real = masks.decode_frames

    def counted(file, fmt, **kwargs):  # type: ignore[no-untyped-def]
        decoded.append(Path(file).name)
        return real(file, fmt, **kwargs)

    monkeypatch.setattr(masks, "decode_frames", counted)
    monkeypatch.chdir(tmp_path)
    assert main(["manifest", "check", "manifest.csv", "--protocol", "protocol.toml",
                 "--read-files"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "medeval: error: manifest manifest.csv: 3 problem(s):"
    assert [line[:len(want)] for line, want in zip(lines[1:4], expected, strict=True)] \
        == expected
    # the 7 decodable masks once each; M6 fails in the manifest's check and is skipped
    assert sorted(decoded) == [f"M{i}.png" for i in range(8)]


def test_a_kept_mask_is_the_mask_read_and_a_changed_file_is_decoded_again(tmp_path):
    labels = np.zeros((6, 7), np.uint8)
    labels[1:4, 2:6] = 255
    path = tmp_path / "m.png"
    Image.fromarray(labels).save(path)
    before = np.asarray(Image.open(path)) // 255  # PIL's own reading, 255 -> 1
    with decoded_once():
        decode_mask(path)
        first = read_mask(path).array
        decode_mask(path)
        labels[0, 0] = 255  # rewritten between the two reads: other modification time
        Image.fromarray(labels).save(path)
        os.utime(path, ns=(1, 1))
        second = read_mask(path).array
    assert np.array_equal(first[0], before)
    assert np.array_equal(second[0], np.asarray(Image.open(path)) // 255)
    assert second[0, 0, 0] == 1 and first[0, 0, 0] == 0


def test_outside_decoded_once_nothing_is_kept(tmp_path):
    path = tmp_path / "m.png"
    Image.fromarray(np.full((3, 3), 255, np.uint8)).save(path)
    decode_mask(path)
    assert masks._kept is None
    with decoded_once():
        decode_mask(path)
        assert len(masks._kept or {}) == 1
        read_mask(path)
        assert masks._kept == {}
    assert masks._kept is None
