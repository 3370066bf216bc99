"""Git LFS pointer files among an algorithm's files.

A model cloned from a repository without ``git lfs pull`` (or downloaded as a
repository's ZIP, which holds the pointers) ships a pointer of about 130 bytes, text
starting ``version https://git-lfs.github.com/spec/v1``, in place of its weights; the
model's loader then fails with words that do not say so (onnxruntime's "Protobuf parsing
failed", torch's "invalid load key, 'v'").
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["lfs_pointers", "lfs_pointer_hint"]

_HEADER = b"version https://git-lfs.github.com/spec/"
#: A pointer is a few lines of text; the specification bounds it at 1024 bytes.
_LARGEST = 1024
#: Files looked at, at most, in the folders shown (a package's folder can be large).
_LOOKED_AT = 20000


def lfs_pointers(places: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The Git LFS pointer files in ``places`` (files, or folders walked), sorted."""
    found: set[Path] = set()
    seen = 0
    for place in places:
        root = Path(place)
        files = [root] if root.is_file() else (
            Path(folder, name) for folder, _, names in os.walk(root) for name in names)
        for file in files:
            seen += 1
            if seen > _LOOKED_AT:
                return sorted(found)
            try:
                if file.stat().st_size > _LARGEST:
                    continue
                with open(file, "rb") as handle:
                    if handle.read(len(_HEADER)) == _HEADER:
                        found.add(file)
            except OSError:
                continue
    return sorted(found)


def lfs_pointer_hint(places: Iterable[str | os.PathLike[str]]) -> str:
    """Advice naming the pointer files among the algorithm's files; '' when none.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "model.onnx").write_text(
    ...     "version https://git-lfs.github.com/spec/v1\\noid sha256:4d7a\\nsize 15339\\n")
    >>> lfs_pointer_hint([folder])[:60]  # 43 + 16 + 11 bytes of text
    'model.onnx is a Git LFS pointer (70 bytes), not the file it '
    >>> lfs_pointer_hint([folder / "model.onnx"]) == lfs_pointer_hint([folder])
    True
    """
    pointers = lfs_pointers(places)
    if not pointers:
        return ""
    named = ", ".join(f"{p.name} is a Git LFS pointer ({p.stat().st_size} bytes)"
                      for p in pointers[:3]) + (f" and {len(pointers) - 3} more"
                                                if len(pointers) > 3 else "")
    return (f"{named}, not the file it stands for: the files were cloned or copied "
            "without Git LFS; run 'git lfs pull' in the repository and submit the real "
            "files")
