"""How the certificate prints a figure beside its goal (medeval.report.cells.beside_goal)."""

from __future__ import annotations

import pytest

from medeval.report.cells import beside_goal


@pytest.mark.parametrize(("value", "goal", "unit", "printed"), [
    # by hand: 0.899996 to 4 decimals is 0.9000, the goal; 6 decimals show it below
    (0.899996, 0.9, "1", "0.899996"),
    # 2 decimals for a unit: 1.9999996 mm is "2.00"; 7 decimals show it below 2
    (1.9999996, 2.0, "mm", "1.9999996"),
    (-0.5000004, -0.5, "1", "-0.5000004"),
    # Found in the review-stats pass: 1e-20 above a goal of 0 printed as 17 zeros,
    # "0.00000000000000000", which reads as the goal; no fixed-decimal form up to 17 shows
    # it, Python's shortest round trip does
    (1e-20, 0.0, "1", "1e-20"),
    (-1e-20, 0.0, "1", "-1e-20"),
    # on the goal, or far from it, as number_text prints it
    (0.9, 0.9, "1", "0.9000"),
    (0.912345, 0.9, "1", "0.9123"),
])
def test_a_figure_is_printed_on_its_side_of_the_goal(value, goal, unit, printed):
    assert beside_goal(value, goal, unit) == printed
    assert (float(printed) > goal) == (value > goal)
    assert (float(printed) < goal) == (value < goal)
