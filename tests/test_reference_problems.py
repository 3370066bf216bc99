"""An unusable reference stops the evaluation, listing every such case, whichever way the
evaluation meets it: before the algorithm runs, or while supplied predictions are scored
(then each reference file is read once, not twice)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import medeval
import medeval.loaders
from medeval.errors import ManifestError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BROKEN = ("r1", "r3")


def write_atr(path: Path, samples: np.ndarray) -> None:
    """MIT format by hand: per beat one 16-bit word, code 1 (N) in the top 6 bits and the
    interval from the previous annotation (< 1024 samples) in the low 10; a 0 word ends."""
    steps = np.diff(samples, prepend=0)
    path.write_bytes(np.concatenate([(1 << 10) | steps, [0]]).astype("<u2").tobytes())


@pytest.fixture
def ecg_set(tmp_path):
    """Four 10-minute records; the references of r1 and r3 are not annotation files."""
    rng = np.random.default_rng(3)
    rows = ["case_id,patient_id,input_header,input_signal,reference"]
    (tmp_path / "pred").mkdir()
    for i in range(4):
        rid = f"r{i}"
        beats = np.cumsum(rng.integers(250, 330, 700))
        (tmp_path / f"{rid}.hea").write_text(f"{rid} 1 360 216000\n")
        (tmp_path / f"{rid}.dat").write_bytes(b"\0" * 16)
        if rid in BROKEN:  # a SKIP word (code 59) cut off inside its interval: truncated
            (tmp_path / f"{rid}.atr").write_bytes(b"\x00\xec\x01")
        else:
            write_atr(tmp_path / f"{rid}.atr", beats)
        (tmp_path / "pred" / f"{rid}.json").write_text(json.dumps(
            {"fs": 360, "samples": beats.tolist()}))
        rows.append(f"{rid},p{i},{rid}.hea,{rid}.dat,{rid}.atr")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "protocol.toml").write_text(
        (EXAMPLES / "ecg-beats" / "protocol.toml").read_text(encoding="utf-8"))
    return tmp_path


@pytest.mark.parametrize("workers", [1, 2])
def test_supplied_predictions_list_every_bad_reference(ecg_set, workers):
    with pytest.raises(ManifestError) as info:
        medeval.evaluate(ecg_set / "protocol.toml", ecg_set / "pred", workers=workers)
    assert "2 reference problem(s)" in str(info.value)
    assert [p.split(":")[0] for p in info.value.problems] == ["case r1", "case r3"]


def test_supplied_predictions_read_each_reference_once(ecg_set, monkeypatch):
    expected = 0  # reference beats from the end of the 5-minute learning period (108000)
    for rid in ("r0", "r1", "r2", "r3"):
        if rid in BROKEN:  # mend the set: 699 beats 300 samples apart, all detected
            beats = np.arange(1, 700) * 300
            write_atr(ecg_set / f"{rid}.atr", beats)
            (ecg_set / "pred" / f"{rid}.json").write_text(json.dumps(
                {"fs": 360, "samples": beats.tolist()}))
        else:
            beats = np.asarray(json.loads((ecg_set / "pred" / f"{rid}.json").read_text())[
                "samples"])
        expected += int((beats >= 108000).sum())
    reads: list[str] = []
    # the ECG task reads a reference's beats as arrays (read_beats), not as Annotations
    import medeval.loaders.signal as signal

    real = signal.read_beats

    def counted(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(signal, "read_beats", counted)
    result = medeval.evaluate(ecg_set / "protocol.toml", ecg_set / "pred", workers=1)
    assert sorted(reads) == ["r0.atr", "r1.atr", "r2.atr", "r3.atr"]
    sensitivity = result.metric("qrs_sensitivity").estimate
    assert (sensitivity.numerator, sensitivity.n) == (expected, expected)


def test_the_algorithm_does_not_run_on_a_set_with_bad_references(ecg_set):
    protocol = ecg_set / "protocol.toml"
    protocol.write_text(protocol.read_text().replace(
        'version = "1"', 'version = "1"\ncommand = "false"'))
    with pytest.raises(ManifestError, match="2 reference problem"):
        medeval.evaluate(protocol, run_dir=ecg_set / "run")
    assert not (ecg_set / "run").exists()


def test_an_unreadable_reference_mask_is_a_reference_problem(tmp_path):
    # A MetaImage cut short passes the manifest's format check (by its first bytes) and
    # fails only when read: before, that ended the evaluation with the loader's error for
    # the first such case only.
    import SimpleITK as sitk

    mask = sitk.GetImageFromArray(np.ones((4, 8, 8), np.uint8))
    (tmp_path / "ref").mkdir()
    (tmp_path / "pred").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    for cid in ("a", "b", "c"):
        sitk.WriteImage(mask, str(tmp_path / "ref" / f"{cid}.mha"))
        sitk.WriteImage(mask, str(tmp_path / "pred" / f"{cid}.nii"))
        (tmp_path / f"{cid}.txt").write_text(cid)
        rows.append(f"{cid},p{cid},{cid}.txt,ref/{cid}.mha")
    for cid in ("a", "c"):
        path = tmp_path / "ref" / f"{cid}.mha"
        path.write_bytes(path.read_bytes()[:-100])
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "protocol.toml").write_text(
        (EXAMPLES / "segmentation" / "protocol.toml").read_text(encoding="utf-8"))
    with pytest.raises(ManifestError) as info:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert [p.split(":")[0] for p in info.value.problems] == ["case a", "case c"]


def test_an_evaluation_stopped_at_a_missing_file_names_the_check_that_reads_them_all(
        tmp_path, capsys):
    # A reviewer's finding: evaluate stops at the set's files (a missing signal file)
    # before any reference is read, so an unreadable reference was the next run's news.
    # The message now names the command that reads every file; run as printed, it lists
    # the missing file and the unreadable reference (and the header left without its
    # signals) at once.
    import shlex
    import shutil

    from medeval.cli import main

    folder = tmp_path / "set with a space"
    shutil.copytree(EXAMPLES / "ecg-beats", folder)
    (folder / "records" / "syn02.dat").unlink()
    (folder / "references" / "syn03.atr").write_bytes(b"garbage")
    with pytest.raises(ManifestError) as raised:
        medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    message = str(raised.value)
    assert raised.value.problems == (
        f"case syn02: input 'records/syn02.dat': no such file "
        f"({folder / 'records' / 'syn02.dat'})",)
    assert "syn03" not in message
    command = message.split("through their loaders; ")[1].split(" reads every file")[0]
    words = shlex.split(command)
    assert words[:3] == ["medeval", "manifest", "check"]
    assert main(words[1:]) == 2
    listed = capsys.readouterr().err
    assert "case syn02: input 'records/syn02.dat': no such file" in listed
    assert "case syn03: reference 'references/syn03.atr': unreadable" in listed
    # a problem of the ids alone (a case id twice) gets no such line: reading adds nothing
    manifest = (folder / "manifest.csv").read_text()
    (folder / "records" / "syn02.dat").write_bytes(
        (EXAMPLES / "ecg-beats" / "records" / "syn02.dat").read_bytes())
    (folder / "manifest.csv").write_text(manifest.replace("syn03,S03", "syn01,S03"))
    with pytest.raises(ManifestError) as raised:
        medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert "duplicate case_id" in str(raised.value) and "--read-files" not in str(raised.value)


def test_the_printed_check_is_quoted_for_the_shell_of_its_system(monkeypatch):
    # cmd.exe takes no single quotes: on Windows the paths are quoted as its programs'
    # argument parsing reads them (double quotes where a path holds a space; a backslash
    # kept as it is), elsewhere as a POSIX shell reads them (read back with shlex here)
    import shlex
    from pathlib import PureWindowsPath

    from medeval import evaluation

    manifest = PureWindowsPath(r"C:\Users\김\data set\manifest.csv")
    protocol = PureWindowsPath(r"C:\Users\김\protocol.toml")
    monkeypatch.setattr(evaluation.os, "name", "nt")
    hint = evaluation._read_them_all(manifest, protocol)  # type: ignore[arg-type]
    assert ('medeval manifest check "C:\\Users\\김\\data set\\manifest.csv" --protocol '
            'C:\\Users\\김\\protocol.toml --read-files reads every file') in hint
    monkeypatch.setattr(evaluation.os, "name", "posix")
    hint = evaluation._read_them_all(Path("/data/심전도 set/manifest.csv"), None)
    command = hint.split("through their loaders; ")[1].split(" reads every file")[0]
    assert shlex.split(command) == ["medeval", "manifest", "check",
                                    "/data/심전도 set/manifest.csv", "--read-files"]
