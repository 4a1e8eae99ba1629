"""The scenario page's forms: the parameters, and the rows of extra monthly revenue and costs.

The forms only read what was typed (numbers in the reader's language, `LocalizedDecimalField`;
dates as the browser's date input sends them) and turn rows into `{id: amount}`. Every rule is the
actions': their `ValidationError` is put back on the form by `show_refusal`, next to the field or
row it names, so the page refuses with the same words as the admin and the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from smartiberica.board import scenario_validation as sv
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from smartiberica.board.scenarios import ScenarioChoices
from smartiberica.kernel.form_fields import LocalizedDecimalField
from smartiberica.kernel.money import MONEY, RATE

ERR_ROW_KEY_MISSING = _("Choose what this amount is for.")
ERR_ROW_AMOUNT_MISSING = _("Give the monthly amount.")
# Extra rows a form offers besides the stored ones.
EMPTY_ROWS = 3
NO_CHOICE = ("", "—")


def _label(model: type[Scenario | ScenarioRevenue | ScenarioCost], name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _help(name: str) -> Any:
    return Scenario._meta.get_field(name).help_text  # type: ignore[union-attr]


def _date(name: str) -> forms.DateField:
    # The browser's date picker sends ISO dates whatever the language.
    return forms.DateField(
        label=_label(Scenario, name),
        help_text=_help(name),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _choice(model: type[Scenario | ScenarioRevenue | ScenarioCost], name: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_label(model, name), coerce=int, empty_value=None, required=False)


class ScenarioForm(forms.Form):
    slug = forms.SlugField(label=_label(Scenario, "slug"), help_text=_help("slug"), max_length=60)
    name = forms.CharField(label=_label(Scenario, "name"), max_length=120)
    description = forms.CharField(
        label=_label(Scenario, "description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    seen_from = _date("seen_from")
    stopped_source = _choice(Scenario, "stopped_source")
    source_stops_on = _date("source_stops_on")
    structure_rate = LocalizedDecimalField(label=_label(Scenario, "structure_rate"), required=False, **RATE)
    fund_rate = LocalizedDecimalField(label=_label(Scenario, "fund_rate"), required=False, **RATE)
    rates_from = _date("rates_from")
    turnover_growth = LocalizedDecimalField(
        label=_label(Scenario, "turnover_growth"),
        help_text=_help("turnover_growth"),
        required=False,
        max_digits=6,
        decimal_places=2,
    )
    lost_client = _choice(Scenario, "lost_client")
    client_lost_on = _date("client_lost_on")

    def __init__(self, *args: Any, choices: ScenarioChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("stopped_source").choices = [NO_CHOICE, *choices.sources]
        self._choice_field("lost_client").choices = [NO_CHOICE, *choices.clients]

    def _choice_field(self, name: str) -> forms.TypedChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.TypedChoiceField)
        return field

    def action_kwargs(self) -> dict[str, Any]:
        """The cleaned parameters, named as the scenario actions take them."""
        data = dict(self.cleaned_data)
        data["stopped_source_id"] = data.pop("stopped_source")
        data["lost_client_id"] = data.pop("lost_client")
        return data


class _RowForm(forms.Form):
    """One extra monthly amount: what it is for (`key`: a service line or a category) and how much."""

    key_field = "key"

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = self.fields[self.key_field]
        assert isinstance(key, forms.TypedChoiceField)
        key.choices = [NO_CHOICE, *choices]
        # The row's cells sit under column headers, which label no input: each input says its name.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        key, amount = cleaned.get(self.key_field), cleaned.get("monthly_amount")
        if key is None and amount is not None:
            self.add_error(self.key_field, ERR_ROW_KEY_MISSING)
        elif key is not None and amount is None and "monthly_amount" not in self.errors:
            self.add_error("monthly_amount", ERR_ROW_AMOUNT_MISSING)
        return cleaned


class RevenueRowForm(_RowForm):
    key_field = "service_line"
    service_line = _choice(ScenarioRevenue, "service_line")
    monthly_amount = LocalizedDecimalField(
        label=_label(ScenarioRevenue, "monthly_amount"), required=False, **MONEY
    )


class CostRowForm(_RowForm):
    key_field = "category"
    category = _choice(ScenarioCost, "category")
    monthly_amount = LocalizedDecimalField(
        label=_label(ScenarioCost, "monthly_amount"), required=False, **MONEY
    )


if TYPE_CHECKING:
    _BaseRows = forms.BaseFormSet[_RowForm]
else:  # not subscriptable at run time
    _BaseRows = forms.BaseFormSet


class _RowsFormSet(_BaseRows):
    """Rows of one kind; an empty row is ignored, a row named twice refused next to the second."""

    twice_message: Any = ""

    def _key_field(self) -> str:
        return self.form.key_field

    def _filled(self) -> list[_RowForm]:
        key = self._key_field()
        return [form for form in self.forms if getattr(form, "cleaned_data", {}).get(key) is not None]

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self._filled():
            key = form.cleaned_data[self._key_field()]
            if key in seen:
                form.add_error(self._key_field(), self.twice_message)
            seen.add(key)

    def amounts(self) -> dict[int, Decimal]:
        """`{id: monthly amount}` of the filled rows (the formset is valid)."""
        return {
            form.cleaned_data[self._key_field()]: form.cleaned_data["monthly_amount"]
            for form in self._filled()
        }

    def show_refusals(self, errors: list[ValidationError]) -> None:
        """Put the action's refusals of rows next to the row they name (`params["key"]`)."""
        rows = {form.cleaned_data[self._key_field()]: form for form in self._filled()}
        for error in errors:
            row = rows.get((error.params or {}).get("key"))
            if row is None:
                self.non_form_errors().append(error.messages[0])
            elif error.code == "amount_not_positive":
                row.add_error("monthly_amount", error)
            else:
                row.add_error(self._key_field(), error)


class RevenueRowsFormSet(_RowsFormSet):
    twice_message = sv.ERR_REVENUE_LINE_TWICE


class CostRowsFormSet(_RowsFormSet):
    twice_message = sv.ERR_COST_CATEGORY_TWICE


# formset_factory subclasses the formset given: the classes it returns keep its methods.
RevenueRows = cast(
    type[RevenueRowsFormSet],
    forms.formset_factory(RevenueRowForm, formset=RevenueRowsFormSet, extra=EMPTY_ROWS),
)
CostRows = cast(
    type[CostRowsFormSet], forms.formset_factory(CostRowForm, formset=CostRowsFormSet, extra=EMPTY_ROWS)
)


class ScenarioForms:
    """The page's three forms, bound together (the parameters, the revenue rows, the cost rows)."""

    def __init__(self, data: Any, *, choices: ScenarioChoices, scenario: Scenario | None = None) -> None:
        initial, revenue, costs = _initial(scenario) if scenario is not None else ({}, [], [])
        self.form = ScenarioForm(data, initial=initial, choices=choices)
        self.revenue = RevenueRows(
            data, initial=revenue, prefix="revenue", form_kwargs={"choices": choices.service_lines}
        )
        self.costs = CostRows(
            data, initial=costs, prefix="costs", form_kwargs={"choices": choices.categories}
        )

    def is_valid(self) -> bool:
        # Every form is validated (no short cut), so each shows its errors at once.
        return all([self.form.is_valid(), self.revenue.is_valid(), self.costs.is_valid()])

    def action_kwargs(self) -> dict[str, Any]:
        return {
            **self.form.action_kwargs(),
            "extra_revenue": self.revenue.amounts(),
            "extra_costs": self.costs.amounts(),
        }

    def show_refusal(self, error: ValidationError) -> None:
        """The action's refusal on the forms: each message on its field or row, else on top."""
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            if field == "extra_revenue":
                self.revenue.show_refusals(errors)
            elif field == "extra_costs":
                self.costs.show_refusals(errors)
            else:
                self.form.add_error(field if field in self.form.fields else None, errors)


def _initial(scenario: Scenario) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """What the forms show for a stored scenario (two queries for its rows)."""
    initial = {
        name: getattr(scenario, name)
        for name in ScenarioForm.base_fields
        if name not in ("stopped_source", "lost_client")
    }
    initial["stopped_source"] = scenario.stopped_source_id
    initial["lost_client"] = scenario.lost_client_id
    revenue = [
        {"service_line": line, "monthly_amount": amount}
        for line, amount in scenario.extra_revenue.order_by("service_line__code").values_list(
            "service_line_id", "monthly_amount"
        )
    ]
    costs = [
        {"category": category, "monthly_amount": amount}
        for category, amount in scenario.extra_costs.order_by(
            "category__position", "category__code"
        ).values_list("category_id", "monthly_amount")
    ]
    return initial, revenue, costs
