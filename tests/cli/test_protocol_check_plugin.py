"""protocol check notes a file plugin that is not where the protocol says. Found in the new
tester's pass: a protocol naming ``algo/score.py:MassScorer`` (the file is
``algo/scorer.py``) passed ``protocol check`` as OK; ``medeval run`` refused it only after
reading the set's references. A note, not a refusal: the item may be received after the
protocol is fixed. Where the file is, is the file system's answer, not medeval's."""

from __future__ import annotations

import shutil
from pathlib import Path

from medeval.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_plugin_file_that_is_not_there_is_noted(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "bus"
    shutil.copytree(EXAMPLES / "breast-ultrasound", folder)
    path = folder / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    plugin = next(line for line in text.splitlines() if line.startswith("plugin = "))
    file = plugin.split('"')[1].rpartition(":")[0]
    assert file.endswith(".py") and (folder / file).is_file()  # the example's, relative
    assert main(["protocol", "check", str(path)]) == 0
    assert "algorithm.plugin" not in capsys.readouterr().err  # there: nothing said
    typo = file.replace(".py", "_v2.py")
    assert not (folder / typo).exists()
    path.write_text(text.replace(f'"{file}:', f'"{typo}:'), encoding="utf-8")
    assert main(["protocol", "check", str(path)]) == 0  # still OK: a note
    err = capsys.readouterr().err
    assert (f"algorithm.plugin names {typo}, which is not there ({folder / typo}; a "
            "relative path is from the protocol's folder): medeval run will refuse it") in err
