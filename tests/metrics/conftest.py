"""Peers for conformance tests: MedPy and DeepMind's surface-distance, as installed."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def deepmind(monkeypatch):
    """DeepMind's ``surface_distance`` package.

    Its PyPI release (0.1) still uses ``np.Inf`` / ``np.NaN``, removed in numpy 2; the
    aliases are restored for the duration of the test only, so the peer runs unchanged.
    """
    monkeypatch.setattr(np, "Inf", np.inf, raising=False)
    monkeypatch.setattr(np, "NaN", np.nan, raising=False)
    import surface_distance

    return surface_distance


@pytest.fixture
def medpy_binary():
    """MedPy's ``medpy.metric.binary`` (dc, jc, hd, hd95, assd, ravd)."""
    from medpy.metric import binary

    return binary


def ball(shape, centre, radii):
    """An ellipsoid (or ellipse) mask: sum(((x - c) / r)^2) <= 1."""
    grid = np.indices(shape, dtype=float)
    return sum(((g - c) / r) ** 2 for g, c, r in zip(grid, centre, radii)) <= 1.0


@pytest.fixture
def make_ball():
    """The ``ball`` shape builder, for tests."""
    return ball


@pytest.fixture(params=["3d", "2d"])
def anisotropic_case(request):
    """A reference ellipsoid and a shifted, smaller prediction with a false-positive
    island, on an anisotropic grid: (reference, prediction, spacing_mm)."""
    if request.param == "3d":
        shape, spacing = (40, 50, 45), (2.5, 0.7, 0.9)
    else:
        shape, spacing = (60, 70), (0.6, 1.3)
    centre = [s / 2 for s in shape]
    reference = ball(shape, centre, [s / 4 for s in shape])
    prediction = ball(shape, [c + 3 for c in centre], [s / 4.5 for s in shape])
    prediction[(4,) * len(shape)] = True  # a one-voxel false positive far away
    return reference, prediction, spacing
