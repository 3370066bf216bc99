"""An algorithm that reaches for the network in the sandbox is told the sandbox has none.

A submitter's model that downloads its weights at ``setup()`` (torch.hub, Hugging Face,
timm's ``pretrained=True``) stopped the run with the resolver's words alone, "URLError:
<urlopen error [Errno -3] Temporary failure in name resolution>", which read like a DNS
fault of the laboratory's host; the runner named no cause and no remedy, as it does for
CUDA. The errors here are the real ones of a real sandbox (no network namespace
interface but an unconfigured loopback); their numbers are Python's own constants.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RunnerError
from medeval.runner import run_algorithm

from .conftest import needs_bwrap, write_algorithm, write_set

ONLINE = '''
import socket
import urllib.request


class Download:
    def setup(self):  # as torch.hub.load_state_dict_from_url does
        urllib.request.urlopen("https://download.pytorch.org/models/x.pth", timeout=5)

    def predict(self, case):
        return 0.5


class Connect:
    def predict(self, case):  # an address, no name: the kernel refuses the route
        socket.create_connection(("192.0.2.1", 443), timeout=5)
        return 0.5
'''


@needs_bwrap
def test_a_download_in_setup_is_told_the_sandbox_has_no_network(tmp_path: Path):
    manifest = write_set(tmp_path, ["c1"])
    plugin = write_algorithm(tmp_path, ONLINE)
    with pytest.raises(RunnerError) as caught:
        run_algorithm(manifest, f"{plugin}:Download", tmp_path / "run", progress=False,
                      isolation="bubblewrap")
    message = str(caught.value)
    # the resolver's own words (EAI_AGAIN), and the advice
    assert f"[Errno {socket.EAI_AGAIN}] Temporary failure in name resolution" in message
    assert "it reaches for the network, which the sandbox does not have" in message
    assert "ship every file it needs beside the plugin" in message


@needs_bwrap
def test_cases_reaching_for_the_network_get_one_note(tmp_path: Path, capsys):
    manifest = write_set(tmp_path, ["c1", "c2"])
    plugin = write_algorithm(tmp_path, ONLINE)
    assert main(["predict", "--algorithm", f"{plugin}:Connect", "--manifest",
                 str(manifest), "--out", str(tmp_path / "run"), "--no-progress",
                 "--isolation", "bubblewrap"]) == 0
    out = capsys.readouterr().out
    said = f"[Errno {errno.ENETUNREACH}] {__import__('os').strerror(errno.ENETUNREACH)}"
    assert out.count(said) == 2  # each case's line: the kernel's words
    notes = [line for line in out.splitlines() if line.startswith("  note: ")]
    assert len(notes) == 1 and notes[0].startswith(
        "  note: 2 failed case(s) (c1, c2): it reaches for the network")


@needs_bwrap
def test_medeval_run_prints_the_notes_under_its_result(tmp_path: Path, capsys):
    """The notes were printed by medeval predict only: medeval run, the certified flow
    and the one a submitter rehearses with, printed the result and "EVERY CASE FAILED
    ... OSError: [Errno 101] Network is unreachable", without the advice (nor the GPU
    one, which docs/runner.md promises under the failed cases)."""
    from ..test_evaluation import protocol_file
    from ..test_run_protocol import _tiny_set

    folder = _tiny_set(tmp_path / "set")
    plugin = write_algorithm(tmp_path, ONLINE)
    path = protocol_file(folder)
    path.write_text(path.read_text().replace(
        'version = "1.0"', f'version = "1.0"\nplugin = "{plugin}:Connect"'))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 3  # all failed
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("  note: ")]
    assert notes == ["  note: 4 failed case(s) (c0, c1, c2, ...): it reaches for the network, "
                     "which the sandbox does not have (a download at setup: torch.hub, "
                     "Hugging Face, pretrained weights): ship every file it needs beside the "
                     "plugin or the command (that folder is shown, read-only) and load it "
                     "from there"]
    # the same command again keeps the finished run's result, and still gives the advice
    # on its failed cases (it printed the result alone, with the note that it was kept)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 3
    again = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("  note: ")]
    assert again[0] == notes[0] and len(again) == 2
    assert again[1].startswith(f"  note: {tmp_path / 'out' / 'result.json'} is already this "
                               "run's result")
