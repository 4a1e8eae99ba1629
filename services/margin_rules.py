"""Margin rules as arithmetic: what a rule charges on a month's turnover, and where more turnover
would earn the cooperative less.

No database access here (like `calculations`): the margin simulator and the margin-rule admin
feed these functions with values. Three kinds of rule (`SimulatedRuleKind`):

- flat: one structure rate and one guarantee-fund rate on the whole turnover of the month;
- banded (what the app charges with a banded rule): the band the month's turnover falls in gives
  both rates, applied to the whole turnover. A higher band with a lower rate makes a bigger month
  earn less: under the 2020 pilot (0 → 6.50 %, 90,000.00 → 5.75 %, 120,000.00 → 5.00 %)
  89,999.99 € gives 5,850.00 € of structure margin and 90,000.00 € only 5,175.00 €;
- progressive (the simulator only): each band's rates apply to the slice of turnover between its
  lower bound and the next band's, as tax brackets do; the slices' products are summed exactly
  and rounded once to the cent. A rate never reaches back below its own bound, so the margin
  never falls as turnover grows.

Every product is rounded to the cent ROUND_HALF_UP, as domain.md asks (`round_money`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from smartiberica.kernel.money import CENT, ZERO, round_money

from .calculations import Band, band_rates
from .choices import SimulatedRuleKind

# round(x) reaches m + 0.01 from x = m + 0.005 (half up).
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class SimulatedRule:
    """A margin rule as the arithmetic reads it: its kind and its bands, lowest first.

    A flat rule is one band from 0. Every rule has a band from 0, so that any turnover has rates;
    `name` is the stored rule's, when it comes from one (the simulator's picker).
    """

    kind: SimulatedRuleKind
    bands: tuple[Band, ...]
    name: str = ""

    def __post_init__(self) -> None:
        # Frozen: the sorted bands are set once, here; refusals are programming errors (the
        # simulator's form and the admin refuse such input with their own messages first).
        ordered = tuple(sorted(self.bands, key=lambda band: band.lower_bound))
        object.__setattr__(self, "bands", ordered)
        if self.kind not in SimulatedRuleKind.values:
            raise ValueError(f"unknown kind of rule: {self.kind!r}")
        if not ordered or ordered[0].lower_bound != 0:
            raise ValueError("a rule needs a band from 0")
        if len({band.lower_bound for band in ordered}) != len(ordered):
            raise ValueError("two bands start at the same turnover")
        if self.kind == SimulatedRuleKind.FLAT and len(ordered) != 1:
            raise ValueError("a flat rule has one band, from 0")

    @classmethod
    def flat(cls, *, structure_rate: Decimal, fund_rate: Decimal, name: str = "") -> SimulatedRule:
        return cls(kind=SimulatedRuleKind.FLAT, bands=(Band(ZERO, structure_rate, fund_rate),), name=name)


def _progressive(bands: tuple[Band, ...], turnover: Decimal) -> tuple[Decimal, Decimal]:
    """Σ over the bands of the slice of turnover between its bound and the next one × its rates."""
    structure = fund = Decimal(0)
    uppers: list[Decimal | None] = [band.lower_bound for band in bands[1:]]
    for band, upper in zip(bands, [*uppers, None], strict=True):
        if turnover <= band.lower_bound:
            break
        top = turnover if upper is None else min(turnover, upper)
        # Exact: 14-digit amounts times 5-digit rates stay far within Decimal's 28 digits.
        structure += (top - band.lower_bound) * band.structure_rate
        fund += (top - band.lower_bound) * band.fund_rate
    return round_money(structure / 100), round_money(fund / 100)


def simulated_margin(rule: SimulatedRule, turnover: Decimal) -> tuple[Decimal, Decimal]:
    """(member margin, guarantee fund) that `rule` charges on one month's turnover (≥ 0)."""
    if turnover < 0:
        raise ValueError(f"a month's turnover is never negative: {turnover}")
    if rule.kind == SimulatedRuleKind.PROGRESSIVE:
        return _progressive(rule.bands, turnover)
    # Flat and banded: as the app charges (`services.selectors.month_margin`); a band from 0
    # always matches.
    rates = band_rates(rule.bands, turnover)
    structure_rate, fund_rate = rates if rates is not None else (ZERO, ZERO)
    return round_money(turnover * structure_rate / 100), round_money(turnover * fund_rate / 100)


@dataclass(frozen=True)
class MarginDrop:
    """A band boundary of a banded rule where more turnover gives less structure margin.

    `turnover` is the boundary (the band's lower bound), `margin_at` the structure margin of a
    month of exactly that turnover, `margin_below` that of a month one cent below it, and
    `lowest_turnover_above_it` the smallest turnover below the boundary whose margin exceeds
    `margin_at`: every month from there up to the boundary earns more than the boundary itself.
    """

    turnover: Decimal
    margin_at: Decimal
    margin_below: Decimal
    lowest_turnover_above_it: Decimal


def _structure_margin(turnover: Decimal, rate: Decimal) -> Decimal:
    return round_money(turnover * rate / 100)


def _lowest_turnover_above(bands: Sequence[Band], boundary: Decimal, margin: Decimal) -> Decimal:
    """The smallest turnover (in cents) below `boundary` whose structure margin exceeds `margin`.

    Within a band the margin grows with the turnover, so each band below the boundary holds
    such turnovers from some amount up, or none; the first band that holds one answers. In a
    band of rate r, round(t × r / 100) > m once t × r / 100 ≥ m + 0.005: from t = (m + 0.005)
    × 100 / r, up to the next cent.
    """
    uppers = [band.lower_bound for band in bands[1:]] + [boundary]
    for band, upper in zip(bands, uppers, strict=True):
        if band.structure_rate <= 0:
            continue
        first = ((margin + HALF_CENT) * 100 / band.structure_rate).quantize(CENT, rounding=ROUND_CEILING)
        first = max(first, band.lower_bound)
        if first < upper:
            return first
    # Not reached for a boundary where the margin drops: one cent below it earns more.
    return boundary - CENT


def margin_drops(bands: Sequence[Band]) -> list[MarginDrop]:
    """Every boundary of a banded rule where one more cent of turnover gives less structure
    margin, lowest first (the guarantee fund is earmarked, not the cooperative's)."""
    ordered = sorted(bands, key=lambda band: band.lower_bound)
    drops: list[MarginDrop] = []
    for index, band in enumerate(ordered):
        below = band.lower_bound - CENT
        rates_below = band_rates(ordered, below) if below >= 0 else None
        if rates_below is None:
            continue
        margin_at = _structure_margin(band.lower_bound, band.structure_rate)
        margin_below = _structure_margin(below, rates_below[0])
        if margin_at < margin_below:
            drops.append(
                MarginDrop(
                    turnover=round_money(band.lower_bound),
                    margin_at=margin_at,
                    margin_below=margin_below,
                    lowest_turnover_above_it=_lowest_turnover_above(
                        ordered[:index], band.lower_bound, margin_at
                    ),
                )
            )
    return drops


def rule_drops(rule: SimulatedRule) -> list[MarginDrop]:
    """Where `rule` gives less margin for more turnover: only a banded rule can.

    A flat rule is one rate on the whole turnover, and a progressive rule adds each band's rate
    on the turnover above its bound only: both grow (or stay) with the turnover.
    """
    return margin_drops(rule.bands) if rule.kind == SimulatedRuleKind.BANDED else []
