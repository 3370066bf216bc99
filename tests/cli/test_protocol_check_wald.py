"""protocol check says where a protocol's proportions take Wald's interval: allowed, and
named in the result, but too narrow for the guarded rule (a PASS of a goal not met far
more often than the 2.5 % a 95 % interval allows) and of zero width at k = n. The note's
figures are worked out here with statsmodels' Wald interval and scipy's binomial."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scipy.stats import binom
from statsmodels.stats.proportion import proportion_confint

from medeval.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _exact(p: float, n: int = 60) -> tuple[float, float]:
    """Exact coverage of statsmodels' Wald ('normal') interval of n cases at a true
    proportion p, and the chance that its lower bound lies above p."""
    covered = above = 0.0
    for k in range(n + 1):
        low, high = proportion_confint(k, n, alpha=0.05, method="normal")
        covered += binom.pmf(k, n, p) * (low <= p <= high)
        above += binom.pmf(k, n, p) * (low > p)
    return covered, above


@pytest.mark.parametrize("method", ["wald", "wilson", "jeffreys"])
def test_protocol_check_notes_wald_only(tmp_path, capsys, method):
    folder = tmp_path / "bus"
    shutil.copytree(EXAMPLES / "breast-ultrasound", folder)
    protocol = folder / "protocol.toml"
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("seed = 11\n",
                                     f'seed = 11\nproportion_method = "{method}"\n'))
    assert main(["protocol", "check", str(protocol)]) == 0
    err = capsys.readouterr().err
    if method != "wald":
        assert "proportion_method" not in err and "wald's" not in err.lower()
        return
    assert 'statistics.proportion_method = "wald"' in err
    (cover8, above8), (cover95, above95) = _exact(0.8), _exact(0.95)
    assert (round(100 * cover8), round(100 * cover95)) == (92, 81)
    assert (round(100 * above8), round(100 * above95)) == (7, 19)
    assert ("exact coverage is 92 % at a true proportion of 0.8 and 81 % at 0.95, its "
            "lower bound above the truth 7 % and 19 % of the time") in err
    low, high = proportion_confint(60, 60, method="normal")
    assert low == high == 1.0  # 'zero width when every case is correct'
