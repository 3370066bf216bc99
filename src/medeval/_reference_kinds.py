"""What a manifest's reference column holds (:data:`ReferenceKind`), apart from
:mod:`medeval.manifest`, which imports pandas: ``medeval manifest``'s ``--reference-kind``
choices are read from here when the command line is set up, before any command runs."""

from __future__ import annotations

from typing import Literal

__all__ = ["ReferenceKind"]

ReferenceKind = Literal["file", "label", "image", "segmentation", "record", "annotations",
                        "annotations-2d"]
