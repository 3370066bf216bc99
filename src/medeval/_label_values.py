"""Values of a reference mask that are no labels: what scoring refuses and what
``medeval manifest check --read-files`` finds in the reference volumes it reads."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["not_labels"]


def not_labels(array: NDArray[Any]) -> str | None:
    """Why a floating-point mask holds no labels, or None: values that are not whole
    numbers (0.5 where a mask was resampled with linear interpolation, a soft or
    probabilistic mask, NaN) would match no label and be scored, unsaid, as an empty
    reference. The text follows the reference's name.

    Examples
    --------
    >>> print(not_labels(np.array([0.0, 1.0, 0.5, np.nan], np.float32))[:72])
    holds values that are not labels (float32): 0.5, nan, in 2 voxel(s) of 4
    >>> not_labels(np.array([0.0, 2.0])) is None, not_labels(np.array([0, 1])) is None
    (True, True)
    """
    if array.dtype.kind != "f" or not array.size:
        return None
    wrong = ~np.isfinite(array)
    wrong[~wrong] = array[~wrong] != np.round(array[~wrong])
    count = int(np.count_nonzero(wrong))
    if not count:
        return None
    values = np.unique(array[wrong])
    shown = ", ".join(f"{v:g}" for v in values[:10].tolist())
    more = f" and {len(values) - 10} more" if len(values) > 10 else ""
    return (f"holds values that are not labels ({array.dtype}): {shown}{more}, in {count} "
            f"voxel(s) of {array.size}; they would match no label and be scored as "
            "background. A mask resampled with linear interpolation, or a soft mask? "
            "Resample it with nearest neighbour, or threshold it into labels, and store it "
            "as integers")
