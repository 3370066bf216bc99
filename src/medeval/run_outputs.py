"""Whether a run's prediction files are those its runner wrote.

The runner records each case's prediction files with their SHA-256 in the run's
``summary.json`` (``predictions``: case id -> file name -> SHA-256), and the result and
certificate identify the outputs by those records (``predictions_sha256``). A file
edited, replaced or removed in ``RUN/predictions`` after the run would be scored as it
is now while the certificate names the outputs the algorithm made: the result's
warnings name such cases (:func:`predictions_changed`), first among them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ._hashing import hash_files

__all__ = ["predictions_changed"]

_SHOWN = 10


def predictions_changed(run_dir: Path) -> list[str]:
    """The warning naming the cases whose prediction files differ from (or are missing
    beside) the SHA-256 the run's ``summary.json`` records, or none.

    Examples
    --------
    >>> import hashlib, tempfile
    >>> run = Path(tempfile.mkdtemp())
    >>> (run / "predictions").mkdir()
    >>> data = {"c1.json": b'{"value": 5.0}', "c2.json": b'{"value": 6.0}'}
    >>> for name, body in data.items():
    ...     _ = (run / "predictions" / name).write_bytes(body)
    >>> _ = (run / "summary.json").write_text(json.dumps({"predictions": {
    ...     n[:2]: {n: hashlib.sha256(b).hexdigest()} for n, b in data.items()}}))
    >>> predictions_changed(run)
    []
    >>> _ = (run / "predictions" / "c2.json").write_bytes(b'{"value": 9.0}')
    >>> predictions_changed(run)[0][:66]
    'all cases: 1 prediction file(s) of the run differ from what its ru'
    """
    try:
        recorded = json.loads((run_dir / "summary.json").read_text(encoding="utf-8")).get(
            "predictions")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(recorded, dict):
        return []
    folder = run_dir / "predictions"
    expected = {(str(case_id), str(name)): str(digest)
                for case_id, files in recorded.items() if isinstance(files, dict)
                for name, digest in files.items()}
    present = [key for key in expected if (folder / key[1]).is_file()]
    paths = [os.path.join(folder, name) for _, name in present]
    digests = hash_files(paths, workers=None, progress=False, cache=True)
    changed = [key for key, path in zip(present, paths) if digests[path] != expected[key]]
    kept = set(present)
    removed = [key for key in expected if key not in kept]
    if not changed and not removed:
        return []

    def shown(keys: list[tuple[str, str]]) -> str:
        text = ", ".join(f"{case_id} ({name})" for case_id, name in sorted(keys)[:_SHOWN])
        return text + (f", ... ({len(keys)} in all)" if len(keys) > _SHOWN else "")

    parts = ([f"changed: {shown(changed)}"] if changed else []) + (
        [f"removed: {shown(removed)}"] if removed else [])
    return [f"all cases: {len(changed) + len(removed)} prediction file(s) of the run differ "
            "from what its runner wrote (the SHA-256 summary.json records) — "
            f"{'; '.join(parts)}: they are scored as they are now (a removed one as "
            "missing-output), not as the algorithm made them, while the outputs' SHA-256 "
            "the result carries is the run's; run those cases again (the command that made "
            "the run, again, runs a case whose prediction was removed or altered: medeval "
            "run PROTOCOL.toml --out OUT, or medeval predict ... --out RUN)"]
