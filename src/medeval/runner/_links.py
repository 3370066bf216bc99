"""Symbolic links among an algorithm's files that lead out of the folders it is shown.

A company keeps its weights in one store and links them into the submission
(``model.pt -> /data/weights/model.pt``). The runner hashes the link's target (the
algorithm's identity is its bytes), but the sandbox shows the algorithm's folders only,
not the target: the model's loader fails with ``No such file or directory`` naming a file
that ``ls`` shows beside the plugin.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["outside_links", "outside_links_hint"]

#: Files looked at, at most, in the folders shown (a package's folder can be large).
_LOOKED_AT = 20000


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def outside_links(places: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """``(link, target)`` of each symbolic link below ``places`` (files, or folders
    walked) whose target lies outside all of them, sorted; a system folder the sandbox
    shows (``/usr``) counts as inside."""
    shown = [Path(p) for p in places]
    roots = [os.path.realpath(p) for p in shown] + ["/usr"]
    found: list[tuple[Path, str]] = []
    seen = 0
    for root in shown:
        entries = [root] if not root.is_dir() else (
            Path(folder, name) for folder, dirs, names in os.walk(root)
            for name in [*dirs, *names])
        for entry in entries:
            seen += 1
            if seen > _LOOKED_AT:
                return sorted(found)
            if entry.is_symlink():
                target = os.path.realpath(entry)
                if not _inside(target, roots):
                    found.append((entry, target))
    return sorted(found)


def outside_links_hint(places: Iterable[str | os.PathLike[str]]) -> str:
    """Advice naming the links among the algorithm's files whose targets the sandbox does
    not show; '' when none.

    Examples
    --------
    >>> import tempfile
    >>> store, folder = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> _ = (store / "model.pt").write_bytes(b"weights")
    >>> (folder / "model.pt").symlink_to(store / "model.pt")
    >>> outside_links_hint([folder]).startswith("model.pt is a symbolic link to ")
    True
    >>> outside_links_hint([store])
    ''
    """
    links = outside_links(places)
    if not links:
        return ""
    named = ", ".join(f"{link.name} is a symbolic link to {target}" for link, target in
                      links[:3]) + (f" and {len(links) - 3} more" if len(links) > 3 else "")
    return (f"{named}, outside the folders the sandbox shows (the target is hashed, but "
            "the algorithm cannot open it there): copy the file (or folder) itself in place of "
            "the link")
