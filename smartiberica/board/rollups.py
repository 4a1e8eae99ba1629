"""The monthly rollups of both apps, seen from the board: rebuild them, and check them.

Each app keeps its rollups in step with its records through its actions (issue 17); a bulk load
that bypasses the actions (the data generator) rebuilds them. `rollup_differences` recomputes the
figures of every year from the raw records and from the rollups, through the one figures engine,
and lists every figure that differs.
"""

from __future__ import annotations

from funding.actions import funding_rollups_rebuild
from services.actions import services_rollups_rebuild
from smartiberica.board.closing import Difference
from smartiberica.board.figures import BASES, compute_yearly_figures_many, years_with_data
from smartiberica.board.snapshots import to_snapshot


def rollups_rebuild() -> None:
    """Recompute every rollup of both apps from the records."""
    funding_rollups_rebuild()
    services_rollups_rebuild()


def rollup_differences(years: list[int] | None = None) -> list[Difference]:
    """Every figure whose value from the rollups differs from its value from the raw records."""
    wanted = years_with_data() if years is None else years
    found = []
    for basis in BASES:
        raw = compute_yearly_figures_many(years=wanted, basis=basis, source="raw")
        rolled = compute_yearly_figures_many(years=wanted, basis=basis, source="rollups")
        for year in wanted:
            expected, actual = to_snapshot(raw[year]), to_snapshot(rolled[year])
            found += [
                Difference(year, basis, key, expected[key], actual[key])
                for key in sorted(expected)
                if expected[key] != actual[key]
            ]
    return found
