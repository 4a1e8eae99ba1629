"""The margin simulator's forms: the rule to simulate (a GET form, so a result has its own URL)
and the picker that starts from a stored rule.

Rates and bounds are read the way the reader's language writes them (`6,5` is 6.50 in Spanish
and French, refused in English), as everywhere in the app (`kernel.form_fields`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from services.selectors import Band, SimulatedRule, SimulatedRuleKind
from smartiberica.kernel.form_fields import LocalizedDecimalField, format_for_input
from smartiberica.kernel.money import MONEY, RATE
from smartiberica.kernel.rates import validate_percentage

# Rows of bands the form offers (a stored rule with more is shown with all of its bands).
BAND_ROWS = 6
# The most rows a URL may ask for: a typed URL with band_500_from gets no 500 inputs.
MAX_BAND_ROWS = 20
BAND_PARTS = ("from", "structure", "fund")

ERR_FLAT_NEEDS_RATES = _("A flat rule needs a structure rate and a fund rate.")
ERR_BAND_INCOMPLETE = _("Fill in the three boxes of a band, or leave them all empty.")
ERR_BANDS_NEEDED = _("Enter the bands of the rule, the first one from 0.")
ERR_BANDS_FROM_ZERO = _("One band must start at 0, so that every turnover has rates.")
ERR_BANDS_DUPLICATE = _("Two bands cannot start at the same turnover.")
ERR_YEARS_NEEDED = _("Choose at least one year.")


def _rate_field(label: Any) -> LocalizedDecimalField:
    return LocalizedDecimalField(label=label, required=False, validators=[validate_percentage], **RATE)


def band_field_name(row: int, part: str) -> str:
    return f"band_{row}_{part}"


@dataclass(frozen=True)
class BandRow:
    """One row of the bands table: its number and its three bound fields."""

    number: int
    lower_bound: forms.BoundField
    structure_rate: forms.BoundField
    fund_rate: forms.BoundField

    @property
    def fields(self) -> tuple[forms.BoundField, ...]:
        return (self.lower_bound, self.structure_rate, self.fund_rate)


class SimulatorForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of rule"),
        choices=SimulatedRuleKind.choices,
        initial=SimulatedRuleKind.FLAT,
        widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
    )
    structure = _rate_field(_("Structure rate (%)"))
    fund = _rate_field(_("Guarantee fund rate (%)"))
    years = forms.TypedMultipleChoiceField(
        label=_("Years"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}),
        error_messages={"required": ERR_YEARS_NEEDED},
    )

    # Set by `clean()` when the bands are valid.
    bands: tuple[Band, ...] = ()

    def __init__(
        self, data: QueryDict | None, *, years: list[int], rows: int = BAND_ROWS, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["years"].choices = [(str(year), str(year)) for year in years]  # type: ignore[attr-defined]
        self.rows = rows
        for row in range(1, rows + 1):
            number = {"number": row}
            labels = (
                _("Band %(number)s: from monthly turnover (€)") % number,
                _("Band %(number)s: structure rate (%%)") % number,
                _("Band %(number)s: guarantee fund rate (%%)") % number,
            )
            fields = (
                LocalizedDecimalField(label=labels[0], required=False, min_value=Decimal(0), **MONEY),
                _rate_field(labels[1]),
                _rate_field(labels[2]),
            )
            for part, label, field in zip(BAND_PARTS, labels, fields, strict=True):
                # The bands table heads its columns with <th> cells, which label no input: each
                # input carries its own name ("Band 2: structure rate (%)").
                field.widget.attrs["aria-label"] = label
                self.fields[band_field_name(row, part)] = field

    @property
    def band_rows(self) -> list[BandRow]:
        return [
            BandRow(row, *(self[band_field_name(row, part)] for part in BAND_PARTS))
            for row in range(1, self.rows + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == SimulatedRuleKind.FLAT:
            for name in ("structure", "fund"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, ERR_FLAT_NEEDS_RATES)
        elif kind in (SimulatedRuleKind.BANDED, SimulatedRuleKind.PROGRESSIVE):
            self._clean_bands(cleaned)
        return cleaned

    def _clean_bands(self, cleaned: dict[str, Any]) -> None:
        bands: list[Band] = []
        complete = True
        for row in range(1, self.rows + 1):
            names = [band_field_name(row, part) for part in BAND_PARTS]
            if any(name in self.errors for name in names):
                complete = False
                continue
            lower, structure, fund = values = [cleaned.get(name) for name in names]
            if lower is not None and structure is not None and fund is not None:
                bands.append(Band(lower, structure, fund))
                continue
            for name, value in zip(names, values, strict=True):
                # A row left empty is no band; a row half filled in is an error.
                if value is None and any(other is not None for other in values):
                    self.add_error(name, ERR_BAND_INCOMPLETE)
                    complete = False
        # The bands as a whole are judged once each of them reads well.
        if not complete:
            return
        bounds = [band.lower_bound for band in bands]
        if not bands:
            self.add_error(None, ERR_BANDS_NEEDED)
        elif len(set(bounds)) != len(bounds):
            self.add_error(None, ERR_BANDS_DUPLICATE)
        elif min(bounds) != 0:
            self.add_error(None, ERR_BANDS_FROM_ZERO)
        else:
            self.bands = tuple(bands)

    def rule(self) -> SimulatedRule:
        """The rule the valid form describes (flat rates ignored for bands, and the other way)."""
        kind = SimulatedRuleKind(self.cleaned_data["kind"])
        if kind == SimulatedRuleKind.FLAT:
            return SimulatedRule.flat(
                structure_rate=self.cleaned_data["structure"], fund_rate=self.cleaned_data["fund"]
            )
        return SimulatedRule(kind=kind, bands=self.bands)


def rows_asked(query: QueryDict) -> int:
    """How many band rows the query fills in (at least the form's usual six, at most the cap)."""
    filled = [
        int(number)
        for key in query
        if key.startswith("band_") and (number := key.split("_")[1]).isdigit() and query.get(key)
    ]
    return min(max([BAND_ROWS, *filled]), MAX_BAND_ROWS)


def rule_data(rule: SimulatedRule, years: list[int]) -> QueryDict:
    """What the form would receive for `rule`: its rates written the reader's way (prefill)."""
    data = QueryDict(mutable=True)
    data["kind"] = rule.kind
    if rule.kind == SimulatedRuleKind.FLAT:
        [band] = rule.bands
        data["structure"] = format_for_input(band.structure_rate, places=2)
        data["fund"] = format_for_input(band.fund_rate, places=2)
    else:
        for row, band in enumerate(rule.bands, start=1):
            values = (band.lower_bound, band.structure_rate, band.fund_rate)
            for part, value in zip(BAND_PARTS, values, strict=True):
                data[band_field_name(row, part)] = format_for_input(value, places=2)
    data.setlist("years", [str(year) for year in years])
    return data


class RulePickerForm(forms.Form):
    rule = forms.TypedChoiceField(label=_("Stored rule"), coerce=int)

    def __init__(self, data: QueryDict | None, *, rules: dict[int, SimulatedRule], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["rule"].choices = [(str(pk), rule.name) for pk, rule in rules.items()]  # type: ignore[attr-defined]
