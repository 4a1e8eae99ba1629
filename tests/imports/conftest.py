"""Fixtures of the import tests: the example files of docs/import-examples and helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from services import actions as services_actions
from services.models import MarginRule
from smartiberica.board.imports import import_records
from smartiberica.kernel.importing import ImportResult

EXAMPLES = Path(django_settings.BASE_DIR) / "docs" / "import-examples"
EXAMPLE_FILES = {
    "funding-sources": "funding-sources.csv",
    "funding-receipts": "funding-receipts.csv",
    "expenses": "expenses.csv",
    "invoices": "invoices.csv",
    "payments": "payments.csv",
    "refunds": "refunds.csv",
    "member-turnover": "member-turnover.xlsx",
}


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    """Messages are asserted against the English msgids: run in English unless a test switches."""
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    translation.activate("en")


def example(kind: str) -> Path:
    return EXAMPLES / EXAMPLE_FILES[kind]


@pytest.fixture
def historical_rule(db: None) -> MarginRule:
    return services_actions.margin_rule_create(
        name="Historical 7.5 %",
        valid_from=date(2015, 1, 1),
        structure_rate=Decimal("5.50"),
        fund_rate=Decimal("2.00"),
    )


@pytest.fixture
def run(db: None) -> Callable[..., ImportResult]:
    """run(kind, text_or_bytes_or_path, **options) -> ImportResult."""

    def run_(kind: str, data: str | bytes | Path, **options: Any) -> ImportResult:
        if isinstance(data, Path):
            data = data.read_bytes()
        elif isinstance(data, str):
            data = data.encode()
        return import_records(kind, data, **options)

    return run_


@pytest.fixture
def imported_examples(
    run: Callable[..., ImportResult], historical_rule: MarginRule
) -> dict[str, ImportResult]:
    """Every example file imported, in the order of the docs (sources before receipts, …)."""
    results = {}
    for kind in EXAMPLE_FILES:
        results[kind] = run(kind, example(kind))
        assert results[kind].ok, (kind, results[kind].error_lines())
    return results
