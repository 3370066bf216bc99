"""Rebuild this example's held-out set (not needed to run the example: the frames and the
manifest are committed). Synthetic data made here from a fixed seed; no third-party data.

30 breast-ultrasound frames of 10 patients, 3 frames each (views of the patient's one
mass), 128 x 128 pixels, made as B-mode images are: a tissue echogenicity map (skin line,
subcutaneous fat, fibroglandular tissue, chest wall) times fully developed speckle (the
envelope of complex Gaussian scatterers blurred by an anisotropic point-spread function),
log-compressed to 8 bits over 50 dB at a fixed gain. Each patient has one hypoechoic (dark) mass:

- benign (5 patients): an oval, wider than tall, with a smooth, circumscribed margin and
  posterior acoustic enhancement (brighter below it);
- malignant (5 patients): round or taller than wide, with an irregular, angular margin
  and posterior acoustic shadowing (darker below it).

Two patients are made on purpose to look like the other class (a macrolobulated benign
mass, a rather circumscribed malignant one), so the example algorithm is not perfect.
The three frames of a patient show the same mass with its view moved, turned and scaled
a little, and new speckle.

Vendors (the protocol's subgroup column): patients P01-P05 were "exported" by vendor A as
8-bit greyscale PNG, P06-P10 by vendor B as RGB JPEG (quality 90; grey content in three
equal channels, as ultrasound scanners export), so the algorithm meets both kinds of file
``medeval.loaders.read_image`` returns: ``(1, 128, 128)`` and ``(1, 128, 128, 3)``.

Writes ``frames/<case>.png|.jpg`` and ``manifest.csv``, then the set's fingerprint into
``protocol.toml``'s ``[dataset]`` (Pillow's PNG and JPEG encoders and zlib may give
other bytes on another version, and the fingerprint covers the bytes)::

    python3 make_data.py
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261203
SHAPE = (128, 128)
FRAMES_PER_PATIENT = 3
#: patient -> (label, vendor, look): look "typical", or "lobulated" (benign that looks
#: suspicious), "circumscribed" (malignant that looks benign).
PATIENTS = {
    "P01": ("benign", "A", "typical"),
    "P02": ("malignant", "A", "typical"),
    "P03": ("benign", "A", "lobulated"),
    "P04": ("malignant", "A", "typical"),
    "P05": ("benign", "A", "typical"),
    "P06": ("malignant", "B", "circumscribed"),
    "P07": ("benign", "B", "typical"),
    "P08": ("malignant", "B", "typical"),
    "P09": ("benign", "B", "typical"),
    "P10": ("malignant", "B", "typical"),
}
DYNAMIC_RANGE_DB = 50.0


def tissue(rng: np.random.Generator) -> np.ndarray:
    """Echogenicity (relative backscatter power) of the breast without the mass."""
    from scipy import ndimage

    rows = np.arange(SHAPE[0])[:, None] + np.zeros(SHAPE)
    wobble = ndimage.gaussian_filter(rng.normal(size=SHAPE), (6, 10)) * 40
    fat_end = 26 + 4 * wobble
    gland_end = 100 + 5 * wobble
    echo = np.where(rows < 4, 1.0, np.where(rows < fat_end, 0.12,
                                            np.where(rows < gland_end, 0.6, 0.35)))
    # texture: fat lobules and glandular strands, chest-wall striations
    texture = np.exp(0.5 * ndimage.gaussian_filter(rng.normal(size=SHAPE), (2, 5)) * 6)
    striation = 1 + 0.4 * np.sin(rows / 2.5) * (rows >= gland_end)
    return echo * texture * striation


def mass_mask(rng: np.random.Generator, shape: dict, frame: int) -> tuple[np.ndarray, float]:
    """The mass of one view (soft mask 0..1) and its lowest row."""
    from scipy import ndimage

    cy = shape["cy"] + rng.uniform(-4, 4)
    cx = shape["cx"] + rng.uniform(-6, 6)
    turn = shape["tilt"] + rng.uniform(-0.15, 0.15)
    scale = 1 + rng.uniform(-0.08, 0.08)
    y, x = np.mgrid[: SHAPE[0], : SHAPE[1]].astype(float)
    dy, dx = y - cy, x - cx
    # rotate into the mass's frame, then elliptical radius
    u = dx * np.cos(turn) + dy * np.sin(turn)
    v = -dx * np.sin(turn) + dy * np.cos(turn)
    theta = np.arctan2(v / shape["ry"], u / shape["rx"])
    rho = np.hypot(u / (shape["rx"] * scale), v / (shape["ry"] * scale))
    outline = np.ones_like(theta)
    for k, amplitude, phase in shape["harmonics"]:
        outline += amplitude * np.cos(k * theta + phase + rng.uniform(-0.1, 0.1))
    soft = np.clip((outline - rho) * shape["rx"] / shape["edge"] + 0.5, 0, 1)
    soft = ndimage.gaussian_filter(soft, 0.6)
    bottom = float(cy + shape["ry"] * scale * 1.1)
    return soft, bottom


def patient_mass(rng: np.random.Generator, label: str, look: str) -> dict:
    """The shape of a patient's mass (kept across its frames)."""
    size = rng.uniform(13, 18)
    if label == "benign":
        ratio = rng.uniform(1.4, 1.8)  # wider than tall
        count, low, high = (3, 0.10, 0.14) if look == "lobulated" else (2, 0.02, 0.05)
        ks = rng.choice([2, 3, 4], size=count, replace=False)
        edge, posterior = 1.0, 1.8
    else:
        ratio = rng.uniform(0.8, 1.05)  # round or taller than wide
        if look == "circumscribed":
            ks, low, high = rng.choice([2, 3, 5], size=2, replace=False), 0.03, 0.06
            edge, posterior = 1.2, 0.8
        else:
            ks = np.arange(3, 17)  # every harmonic, falling as 1/k: angular, irregular
            low, high = 0.0, 0.0
            edge, posterior = 2.0, 0.3
    harmonics = [(int(k), rng.uniform(low, high), rng.uniform(0, 2 * np.pi)) for k in ks]
    if label == "malignant" and look == "typical":
        harmonics = [(k, rng.uniform(0.3, 0.6) / k ** 0.9, phase) for k, _, phase in harmonics]
    return {"rx": size * np.sqrt(ratio), "ry": size / np.sqrt(ratio),
            "cy": rng.uniform(52, 68), "cx": rng.uniform(52, 76),
            "tilt": rng.uniform(-0.2, 0.2), "harmonics": harmonics, "edge": edge,
            "posterior": posterior, "darkness": rng.uniform(0.004, 0.012)}


def speckle(rng: np.random.Generator) -> np.ndarray:
    """Fully developed speckle: unit-power Rayleigh envelope, axially finer than laterally."""
    from scipy import ndimage

    field = [ndimage.gaussian_filter(rng.normal(size=SHAPE), (0.8, 1.6)) for _ in range(2)]
    envelope = np.hypot(*field)
    return envelope / np.sqrt(np.mean(envelope ** 2))


def frame_pixels(rng: np.random.Generator, mass: dict, frame: int) -> np.ndarray:
    from scipy import ndimage

    echo = tissue(rng)
    soft, bottom = mass_mask(rng, mass, frame)
    # posterior feature: a column band below the mass, fading with depth
    below = ndimage.gaussian_filter(soft.max(axis=0), 2.0)[None, :] * np.ones(SHAPE)
    rows = np.arange(SHAPE[0])[:, None]
    fade = np.clip((rows - (bottom - 4)) / 6.0, 0, 1) * np.exp(-np.maximum(rows - bottom, 0) / 60)
    echo = echo * (1 + (mass["posterior"] - 1) * below * fade)
    echo = echo * (1 - soft) + mass["darkness"] * soft * np.exp(
        0.3 * ndimage.gaussian_filter(rng.normal(size=SHAPE), 1.5) * 4)
    amplitude = np.sqrt(echo) * speckle(rng)
    db = 20 * np.log10(amplitude + 1e-6)
    # a fixed gain, as a scanner's: glandular tissue (-4.7 dB on average) at grey 115
    grey = 115 + (db + 4.7) * 255 / DYNAMIC_RANGE_DB
    return np.clip(np.round(grey), 0, 255).astype(np.uint8)


def main() -> None:
    from PIL import Image as PILImage

    rng = np.random.default_rng(SEED)
    frames = HERE / "frames"
    frames.mkdir(exist_ok=True)
    for old in frames.iterdir():
        old.unlink()
    rows = []
    for patient, (label, vendor, look) in PATIENTS.items():
        mass = patient_mass(rng, label, look)
        for frame in range(1, FRAMES_PER_PATIENT + 1):
            case_id = f"BUS-{patient[1:]}-{frame}"
            pixels = frame_pixels(rng, mass, frame)
            if vendor == "A":
                name = f"{case_id}.png"
                PILImage.fromarray(pixels).save(frames / name, optimize=True)
            else:
                name = f"{case_id}.jpg"
                rgb = np.repeat(pixels[:, :, None], 3, axis=2)
                PILImage.fromarray(rgb).save(frames / name, quality=90)
            rows.append([case_id, patient, f"frames/{name}", label, vendor])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference", "vendor"])
        writer.writerows(rows)
    # the registered set's fingerprint, into the protocol
    done = subprocess.run(
        [sys.executable, "-m", "medeval", "manifest", "fingerprint", "manifest.csv",
         "--protocol", "protocol.toml"], cwd=HERE, capture_output=True, text=True, check=True)
    (fingerprint,) = re.findall(r'"(sha256:[0-9a-f]{64})"', done.stdout)
    protocol = HERE / "protocol.toml"
    text = protocol.read_text(encoding="utf-8")
    text = re.sub(r'^fingerprint = ".*"$', f'fingerprint = "{fingerprint}"', text,
                  count=1, flags=re.MULTILINE)
    protocol.write_text(text, encoding="utf-8")
    print(f"{len(rows)} frames of {len(PATIENTS)} patients; {fingerprint}")


if __name__ == "__main__":
    main()
