"""Helpers: a small held-out set on disk, and algorithms written into temporary folders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from medeval.runner.sandbox import bubblewrap_available

BWRAP_PROBLEM = bubblewrap_available()
#: Tests of the isolation run only where bubblewrap works; .ci/run installs it.
needs_bwrap = pytest.mark.skipif(BWRAP_PROBLEM is not None,
                                 reason=f"bubblewrap unusable here: {BWRAP_PROBLEM}")
SECRET = "SECRET-REFERENCE-LABEL"


def write_set(root: Path, case_ids: list[str]) -> Path:
    """``root/data/{inputs,refs}`` and ``root/data/manifest.csv``; returns the manifest."""
    data = root / "data"
    (data / "inputs").mkdir(parents=True)
    (data / "refs").mkdir()
    rows = ["case_id,patient_id,input,reference,site"]
    for number, case_id in enumerate(case_ids):
        (data / "inputs" / f"{case_id}.txt").write_text(f"{number}\n")
        (data / "refs" / f"{case_id}.ref.txt").write_text(f"{SECRET} {number % 2}\n")
        rows.append(f"{case_id},p{number},inputs/{case_id}.txt,refs/{case_id}.ref.txt,A")
    manifest = data / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest


def write_algorithm(root: Path, source: str, name: str = "algo.py") -> Path:
    """Write a plugin module in its own folder ``root/algo``; return its path."""
    folder = root / "algo"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return path


def write_protocol(root: Path, case_ids: list[str], source: str, name: str) -> Path:
    """:func:`write_set` with labels (0, 1, ...) as references, the plugin ``source`` (its
    class ``name``) and a pre-check binary-classification protocol of them beside the
    manifest; returns the protocol's path."""
    manifest = write_set(root, case_ids)
    manifest.write_text("case_id,patient_id,input,reference\n" + "".join(
        f"{c},p{k},inputs/{c}.txt,{k % 2}\n" for k, c in enumerate(case_ids)))
    plugin = write_algorithm(root, source)
    protocol = manifest.parent / "protocol.toml"
    protocol.write_text(
        '[test]\nid = "T"\ntitle = "t"\nmode = "pre-check"\n[laboratory]\nname = "L"\n'
        f'[customer]\nname = "C"\n[algorithm]\nname = "A"\nversion = "1"\n'
        f'plugin = "{plugin}:{name}"\n[dataset]\nmanifest = "manifest.csv"\nselection = "s"\n'
        '[task]\ntype = "binary-classification"\nthreshold = 0.5\n[statistics]\nseed = 1\n'
        '[[criteria]]\nmetric = "sensitivity"\ngoal = 0.5\nsource = "test"\n')
    return protocol


@pytest.fixture
def small_set(tmp_path: Path) -> Path:
    return write_set(tmp_path, ["c1", "c2", "c3"])
