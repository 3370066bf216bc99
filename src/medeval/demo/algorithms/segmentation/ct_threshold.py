"""The demo's segmentation algorithm: an HU window and the largest connected component.

A medeval Python plugin (``ct_threshold.py:StoneSegmenter``). Each case's input is a CT
series (a folder of DICOM files); the plugin reads it with SimpleITK, keeps the voxels
whose attenuation lies in the window of a urinary stone in the demo's synthetic CT
(200–700 HU: above soft tissue, below bone) and are not at the blurred rim of bone (within
2 voxels of a voxel above 700 HU), fills holes, keeps the largest 6-connected component
(specks of calcification are smaller), and writes the mask as
``prediction.nii.gz`` on the input's grid (spacing, origin and direction copied).

No learning: a rule an engineer would write first, with the errors such a rule makes
(partial-volume voxels at the stone's border, noise crossing the window).
"""

from __future__ import annotations

import os
from typing import Any

#: The HU window of a stone in the demo's synthetic CT.
LOW_HU, HIGH_HU = 200.0, 700.0
#: Voxels this close to bone (above HIGH_HU) are the blurred rim of bone, not a stone.
BONE_RIM_VOXELS = 2


class StoneSegmenter:
    """Threshold segmentation of the one stone of a synthetic CT."""

    def predict(self, case: Any) -> None:
        """Segment the case's series and write ``prediction.nii.gz``."""
        import numpy as np
        import SimpleITK as sitk
        from scipy import ndimage

        reader: Any = sitk.ImageSeriesReader()  # type: ignore[no-untyped-call]
        files = reader.GetGDCMSeriesFileNames(str(case.input_path))
        if not files:
            raise ValueError(f"case {case.case_id}: no DICOM series in {case.input_path}")
        reader.SetFileNames(files)
        image: Any = reader.Execute()
        hu = sitk.GetArrayFromImage(image).astype(np.float32)  # (z, y, x), rescaled to HU
        candidate = (hu >= LOW_HU) & (hu <= HIGH_HU)
        # The edge of bone passes through the window too: leave out its rim.
        candidate &= ~ndimage.binary_dilation(hu > HIGH_HU, iterations=BONE_RIM_VOXELS)
        candidate = ndimage.binary_fill_holes(candidate)
        labels, count = ndimage.label(candidate)  # 6-connectivity in 3-D
        mask = np.zeros(hu.shape, dtype=np.uint8)
        if count:
            sizes = np.bincount(labels.ravel())[1:]
            mask[labels == int(np.argmax(sizes)) + 1] = 1
        out: Any = sitk.GetImageFromArray(mask)
        out.CopyInformation(image)
        sitk.WriteImage(out, os.path.join(case.output_dir, "prediction.nii.gz"),
                        useCompression=True)
