"""Selector results built by hand, so the engine's arithmetic is tested without a database."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

D = Decimal
ZERO = D("0.00")
SERVICES = ("project-support", "it-licensing", "prl-training", "admin-services", "crowdfunding")
CATEGORIES = (
    "staff",
    "premises",
    "it",
    "professional-services",
    "shared-services",
    "financial",
    "travel",
    "other",
)


def funding_inputs(year: int = 2024, **overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "year": year,
        "external_receipts_by_source": {},
        "in_kind_by_source": {},
        "in_kind_shared_services": ZERO,
        "loan_drawdowns": ZERO,
        "loan_interest_due": ZERO,
        "loan_interest_paid": ZERO,
        "loan_principal_repaid": ZERO,
        "loan_outstanding_year_end": ZERO,
        "costs_by_category": dict.fromkeys(CATEGORIES, ZERO),
        "expenses_total": ZERO,
        "budgeted_costs": None,
        "budgeted_by_category": {},
        "source_names": {},
        "category_names": {code: code.title() for code in CATEGORIES},
    }
    # One interest for both bases unless a test tells them apart.
    interest = overrides.pop("loan_interest", None)
    if interest is not None:
        values["loan_interest_due"] = values["loan_interest_paid"] = interest
    values.update(overrides)
    if "costs_by_category" in overrides and "expenses_total" not in overrides:
        values["expenses_total"] = sum(values["costs_by_category"].values(), ZERO)
    if "in_kind_by_source" in overrides and "in_kind_shared_services" not in overrides:
        values["in_kind_shared_services"] = sum(values["in_kind_by_source"].values(), ZERO)
    return SimpleNamespace(**values)


def client(client_id: int, name: str, tax_id: str, amount: str) -> SimpleNamespace:
    return SimpleNamespace(client_id=client_id, name=name, tax_id=tax_id, amount=D(amount))


def services_inputs(year: int = 2024, basis: str = "accrual", **overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "year": year,
        "basis": basis,
        "services_revenue": ZERO,
        "revenue_by_service": dict.fromkeys(SERVICES, ZERO),
        "revenue_by_client": [],
        "revenue_by_month": dict.fromkeys(range(1, 13), ZERO),
        "member_margin": ZERO,
        "guarantee_fund": ZERO,
        "member_turnover": ZERO,
        "expected_contract_revenue": ZERO,
        "revenue_targets": {},
        "service_names": {code: code.title() for code in SERVICES},
    }
    values.update(overrides)
    if "revenue_by_service" in overrides and "services_revenue" not in overrides:
        values["services_revenue"] = sum(values["revenue_by_service"].values(), ZERO)
    return SimpleNamespace(**values)
