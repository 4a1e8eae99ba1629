"""What the generator draws from: the profiles of services, costs and clients, exact arithmetic in
integer cents (the totals rules of services.calculations), the calendar of a run, and the tally
of what was written for the tests to compare with the figures engine."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from smartiberica.kernel.money import DEFAULT_VAT_RATE

SERIES = "F"
CREDIT_SERIES = "R"
# VAT rates are counted in hundredths of a percent here (21.00 % = 2100), so that cents stay integers.
VAT = int(DEFAULT_VAT_RATE * 100)
# Service lines (seeded codes): typical unit price in cents, quantity range, VAT rates.
SERVICE_PROFILE: dict[str, tuple[int, tuple[int, int], tuple[int, ...], str]] = {
    "project-support": (95_000, (1, 3), (VAT,), "Acompañamiento de proyecto"),
    "it-licensing": (1_250, (5, 40), (VAT,), "Licencias MS Teams y alquiler de servidor"),
    "prl-training": (18_000, (1, 12), (VAT, 0), "Formación en prevención de riesgos laborales"),
    "admin-services": (14_500, (1, 4), (VAT,), "Gestión contable, fiscal y laboral"),
    "crowdfunding": (60_000, (1, 2), (VAT,), "Asesoría de crowdfunding con Nanoma"),
}
OTHER_SERVICE = (10_000, (1, 3), (VAT,), "Servicio")
SERVICE_WEIGHTS = {
    "project-support": 2,
    "it-licensing": 4,
    "prl-training": 2,
    "admin-services": 6,
    "crowdfunding": 1,
}
CATEGORY_PROFILE: dict[str, tuple[int, int]] = {  # code -> (weight, typical amount in cents)
    "staff": (10, 180_000),
    "premises": (3, 90_000),
    "it": (6, 25_000),
    "professional-services": (4, 60_000),
    "shared-services": (1, 120_000),
    "financial": (2, 4_000),
    "travel": (4, 9_000),
    "other": (3, 7_000),
}
SUPPLIERS = ("Endesa", "Movistar", "Microsoft Ibérica", "Gestoría Sur", "Renfe", "Papelería Triana", "OVH")
CLIENT_WORDS = ("Andalucía", "Sur", "Triana", "Guadalquivir", "Bética", "Alhambra", "Cádiz", "Huelva")
CLIENT_KINDS = ("S.L.", "S.Coop.And.", "Asociación", "Fundación", "S.A.")
PAYMENT_METHODS = ("transfer", "transfer", "transfer", "direct_debit", "card")


# --- Cents ------------------------------------------------------------------------------------------


def cents_text(cents: int) -> str:
    """Cents as the decimal text a money column stores: -1234 -> "-12.34"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (ROUND_HALF_UP), denominator > 0."""
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((2 * -numerator + denominator) // (2 * denominator))


def vat_cents(net_by_rate: dict[int, int]) -> int:
    """Σ per rate of round(net × rate / 100); rates in hundredths of a percent (21.00 % = 2100)."""
    return sum(round_div(net * rate, 10_000) for rate, net in net_by_rate.items())


def payment_net_cents(amount: int, net: int, gross: int) -> int:
    return 0 if gross == 0 else round_div(amount * net, gross)


def cif(number: int) -> str:
    """A valid Spanish CIF (letter B, seven digits, control digit) for a serial number."""
    digits = f"{number % 10_000_000:07d}"
    total = 0
    for position, char in enumerate(digits):
        value = int(char)
        if position % 2 == 0:  # odd positions (1st, 3rd…) are doubled
            value *= 2
            value = value // 10 + value % 10
        total += value
    return f"B{digits}{(10 - total % 10) % 10}"


def cumulative(weights: list[int]) -> list[int]:
    """Running sums, the `cum_weights` of `random.choices`."""
    sums, total = [], 0
    for weight in weights:
        total += weight
        sums.append(total)
    return sums


# --- A run ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    invoices: int
    years: int
    seed: int


@dataclass
class Tally:
    """What was written, per year, for the tests to compare with the figures engine."""

    accrual: dict[int, int] = field(default_factory=dict)  # Σ net cents of issued invoices by issue year
    cash: dict[int, int] = field(default_factory=dict)  # Σ payment net cents by payment year
    expenses: dict[int, int] = field(default_factory=dict)  # Σ expense cents by year
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written

    def add(self, bucket: dict[int, int], year: int, cents: int) -> None:
        bucket[year] = bucket.get(year, 0) + cents

    def money(self, bucket: dict[int, int], year: int) -> Decimal:
        return Decimal(cents_text(bucket.get(year, 0)))


@dataclass
class Run:
    """One generation: its options, its single random source (drawn in a fixed order, so a seed
    gives the same data), the years it covers up to `last_day`, and its tally."""

    options: Options
    last_day: date
    rng: random.Random
    tally: Tally = field(default_factory=Tally)

    @property
    def years(self) -> list[int]:
        return list(range(self.last_day.year - self.options.years + 1, self.last_day.year + 1))

    @property
    def first_day(self) -> date:
        return date(self.years[0], 1, 1)


def year_counts(total: int, years: list[int], last_day: date) -> dict[int, int]:
    """Spread `total` over the years with a steady growth; the current year pro rata of its days."""
    weights = []
    for index, year in enumerate(years):
        weight = 1.0 + 0.12 * index
        if year == last_day.year:
            weight *= (last_day - date(year, 1, 1)).days / 365
        weights.append(max(weight, 0.01))
    scale = total / sum(weights)
    counts = {year: int(w * scale) for year, w in zip(years, weights, strict=True)}
    counts[years[-1]] += total - sum(counts.values())
    return counts


def days_of(year: int, count: int, last_day: date, rng: random.Random) -> Iterator[date]:
    """`count` random days of `year` (up to `last_day`), ascending, in O(days) memory."""
    first = date(year, 1, 1)
    span = (min(date(year, 12, 31), last_day) - first).days + 1
    per_day = [0] * span
    for _ in range(count):
        per_day[rng.randrange(span)] += 1
    for offset, n in enumerate(per_day):
        day = first + timedelta(days=offset)
        for _ in range(n):
            yield day
