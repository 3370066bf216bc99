"""A set changed since its fingerprint was taken is refused saying what to do next.

Found in the new tester's pass: one pixel of one frame of a registered 60-frame set was
rewritten, and ``medeval run`` stopped with "fingerprint ... differs from the protocol's
...; this is not the registered set", which said neither what may have changed nor how to
go on. The fingerprint is checked here against hashlib's SHA-256 of the frame, which the
change alters, and the advice is followed: the command it names prints the line the
protocol then takes as its fingerprint."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.cli import main
from medeval.protocol import ProtocolError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "breast-ultrasound"


def test_a_changed_frame_is_refused_with_the_way_on(tmp_path: Path, capsys) -> None:
    from PIL import Image

    folder = tmp_path / "bus"
    shutil.copytree(EXAMPLE, folder)
    protocol = folder / "protocol.toml"
    frame = sorted((folder).rglob("*.png"))[0]
    before = hashlib.sha256(frame.read_bytes()).hexdigest()
    with Image.open(frame) as image:
        changed = image.copy()
    pixel = changed.getpixel((0, 0))
    changed.putpixel((0, 0), tuple(255 - v for v in pixel) if isinstance(pixel, tuple)
                     else 255 - pixel)
    changed.save(frame)
    assert hashlib.sha256(frame.read_bytes()).hexdigest() != before  # the set changed
    manifest = re.search(r'manifest = "([^"]+)"', protocol.read_text(encoding="utf-8"))
    assert manifest is not None
    with pytest.raises(ProtocolError) as refused:
        medeval.evaluate(protocol, run_dir=tmp_path / "run")
    message = str(refused.value)
    assert "this is not the registered set: the manifest or a file it names changed" in message
    assert "restore the set as it was registered" in message
    command = (f"medeval manifest fingerprint {folder / manifest.group(1)} "
               f"--protocol {protocol} prints")
    assert command in message
    # the advice followed: the command prints the line for the protocol's [dataset]
    assert main(["manifest", "fingerprint", str(folder / manifest.group(1)),
                 "--protocol", str(protocol)]) == 0
    line = capsys.readouterr().out.strip()
    new = re.fullmatch(r'fingerprint = "(sha256:[0-9a-f]{64})"', line)
    assert new is not None
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(re.sub(r'fingerprint = "sha256:[0-9a-f]{64}"',
                               f'fingerprint = "{new.group(1)}"', text), encoding="utf-8")
    assert medeval.load_protocol(protocol).dataset.fingerprint == new.group(1)


def test_the_command_of_the_advice_is_quoted_for_the_shell(tmp_path: Path, capsys) -> None:
    """A set in a folder named with a space and an apostrophe ("KTL set's"): the command
    the refusal names was printed with the paths bare, so the shell split it at the space
    and choked on the quote. Read as sh reads it (shlex.split, the standard library's
    reading of POSIX shell words) it is the command with each path one word, and run so
    it prints the protocol's line."""
    import shlex

    from PIL import Image

    folder = tmp_path / "KTL set's" / "bus"
    shutil.copytree(EXAMPLE, folder)
    protocol = folder / "protocol.toml"
    frame = sorted(folder.rglob("*.png"))[0]
    with Image.open(frame) as image:
        changed = image.convert("L").point(lambda v: 255 - v)
    changed.save(frame)
    with pytest.raises(ProtocolError) as refused:
        medeval.evaluate(protocol, run_dir=tmp_path / "run")
    found = re.search(r"with the line (medeval manifest fingerprint .*) prints",
                      str(refused.value))
    assert found is not None
    words = shlex.split(found.group(1))
    assert words == ["medeval", "manifest", "fingerprint", str(folder / "manifest.csv"),
                     "--protocol", str(protocol)]
    assert main(words[1:]) == 0
    assert re.fullmatch(r'fingerprint = "sha256:[0-9a-f]{64}"',
                        capsys.readouterr().out.strip())
