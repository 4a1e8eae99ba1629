"""The monthly rollups of receipts and expenses always equal the records they sum (issue 17).

Every write path keeps them in step (the keyword actions, the admin's record actions, the
imports, the wipe), the yearly figures read from them equal the figures aggregated from the
records, concurrent writers of one month leave them exact, and a rebuild from scratch gives
the rows the incremental path gave.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from funding import actions, record_actions
from funding import validation as v
from funding.actions import rollups
from funding.choices import SourceKind
from funding.importers import ExpenseImporter, FundingReceiptImporter
from funding.models import (
    Expense,
    ExpenseCategory,
    ExpenseMonth,
    FundingReceipt,
    FundingSource,
    ReceiptMonth,
)
from funding.selectors import funding_years
from smartiberica.kernel.importing import run_import
from tests.funding.factories import (
    build_agreement,
    category,
    make_expense,
    make_receipt,
    make_source,
)

D = Decimal
YEARS = (2022, 2023, 2024)
KINDS = (SourceKind.PARENT_SUPPORT, SourceKind.GRANT, SourceKind.OTHER, SourceKind.LOAN)
CATEGORY_CODES = ("staff", "premises", "it", "other")


def raw_receipt_months() -> dict[tuple[date, int], Decimal]:
    """Σ amount by (month, source) computed here, in plain Decimal, from every receipt."""
    totals: dict[tuple[date, int], Decimal] = defaultdict(Decimal)
    for day, source_id, amount in FundingReceipt.objects.values_list("date", "source_id", "amount"):
        totals[(day.replace(day=1), source_id)] += amount
    return {key: value for key, value in totals.items() if value != 0}


def raw_expense_months() -> dict[tuple[date, int], Decimal]:
    totals: dict[tuple[date, int], Decimal] = defaultdict(Decimal)
    for day, category_id, amount in Expense.objects.values_list("date", "category_id", "amount"):
        totals[(day.replace(day=1), category_id)] += amount
    return {key: value for key, value in totals.items() if value != 0}


def receipt_rollups() -> dict[tuple[date, int], Decimal]:
    return {(m, s): a for m, s, a in ReceiptMonth.objects.values_list("month", "source_id", "amount")}


def expense_rollups() -> dict[tuple[date, int], Decimal]:
    return {(m, c): a for m, c, a in ExpenseMonth.objects.values_list("month", "category_id", "amount")}


def assert_rollups_exact(years: tuple[int, ...] = YEARS) -> None:
    assert receipt_rollups() == raw_receipt_months()
    assert expense_rollups() == raw_expense_months()
    assert funding_years(years=years, source="rollups") == funding_years(years=years, source="raw")


# --- The property: any sequence of writes leaves the rollups exact -------------------------------------

days = st.builds(
    date,
    st.sampled_from(YEARS),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
)
amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)
indexes = st.integers(min_value=0, max_value=40)
creations = st.one_of(
    st.tuples(st.just("receipt"), st.sampled_from(range(len(KINDS))), days, amounts),
    st.tuples(st.just("expense"), st.sampled_from(CATEGORY_CODES), days, amounts),
)
changes = st.one_of(
    st.tuples(st.just("move receipt"), indexes, days, amounts),
    st.tuples(st.just("move expense"), indexes, days, st.sampled_from(CATEGORY_CODES)),
    st.tuples(st.just("edit receipt in a form"), indexes, days, amounts),
    st.tuples(st.just("edit expense in a form"), indexes, days, amounts),
    st.tuples(st.just("delete receipt"), indexes),
    st.tuples(st.just("delete expense"), indexes),
)


Write = tuple[Any, ...]
R = TypeVar("R", FundingReceipt, Expense)


def pick(records: list[R], index: int) -> R | None:
    """Take one of the records written so far (None before any)."""
    return records.pop(index % len(records)) if records else None


def change_receipt(kind: str, receipt: FundingReceipt, day: date, amount: Decimal) -> None:
    if kind == "move receipt":
        actions.receipt_update(receipt=receipt, date=day, amount=amount)
    else:  # the admin's form changes the instance before the record action saves it
        receipt.date, receipt.amount = day, amount
        record_actions.receipt_save(receipt=receipt)


def change_expense(kind: str, expense: Expense, day: date, change: Any) -> None:
    if kind == "move expense":
        actions.expense_update(expense=expense, date=day, category=category(change))
    else:
        expense.date, expense.amount = day, change
        record_actions.expense_save(expense=expense)


def apply_write(
    write: Write, sources: list[FundingSource], receipts: list[FundingReceipt], expenses: list[Expense]
) -> None:
    kind, *args = write
    if kind == "receipt":
        receipts.append(make_receipt(source=sources[args[0]], date=args[1], amount=args[2]))
    elif kind == "expense":
        expenses.append(make_expense(category=category(args[0]), date=args[1], amount=args[2]))
    elif kind.endswith("receipt") and (receipt := pick(receipts, args[0])) is not None:
        if kind == "delete receipt":
            record_actions.receipt_delete(receipt=receipt)
        else:
            change_receipt(kind, receipt, args[1], args[2])
            receipts.append(receipt)
    elif kind.endswith(("expense", "expense in a form")) and (expense := pick(expenses, args[0])) is not None:
        if kind == "delete expense":
            record_actions.expense_delete(expense=expense)
        else:
            change_expense(kind, expense, args[1], args[2])
            expenses.append(expense)


class RollupsEqualTheRecords(TestCase):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=True,
    )
    # Some records first, then changes interleaved with more records: most changes find a record.
    @given(
        writes=st.tuples(
            st.lists(creations, min_size=2, max_size=6), st.lists(st.one_of(changes, creations), max_size=8)
        )
    )
    def test_after_any_writes_the_rollups_equal_a_fresh_aggregation(
        self,
        writes: tuple[list[Write], list[Write]],
    ) -> None:
        sources = [make_source(kind=kind) for kind in KINDS]
        receipts: list[FundingReceipt] = []
        expenses: list[Expense] = []
        for operation in [*writes[0], *writes[1]]:
            apply_write(operation, sources, receipts, expenses)
        assert_rollups_exact()


# --- Each write path -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_receipt_moved_to_another_month_leaves_the_old_month_empty() -> None:
    receipt = make_receipt(date=date(2024, 3, 10), amount=D("100.00"))
    assert receipt_rollups() == {(date(2024, 3, 1), receipt.source_id): D("100.00")}
    actions.receipt_update(receipt=receipt, date=date(2024, 5, 2))
    assert receipt_rollups() == {(date(2024, 5, 1), receipt.source_id): D("100.00")}


@pytest.mark.django_db
def test_an_expense_moved_to_another_category_and_year_is_counted_there_only() -> None:
    expense = make_expense(date=date(2023, 12, 31), category=category("it"), amount=D("40.00"))
    make_expense(date=date(2023, 12, 1), category=category("it"), amount=D("2.50"))
    actions.expense_update(expense=expense, date=date(2024, 1, 1), category=category("staff"))
    assert expense_rollups() == {
        (date(2023, 12, 1), category("it").pk): D("2.50"),
        (date(2024, 1, 1), category("staff").pk): D("40.00"),
    }


@pytest.mark.django_db
def test_an_agreements_receipts_saved_and_removed_with_it_refresh_their_months() -> None:
    agreement = build_agreement()
    agreement.save()
    kept = FundingReceipt(agreement=agreement, date=date(2024, 2, 1), amount=D("10.00"), reference="A-1")
    gone = FundingReceipt(agreement=agreement, date=date(2024, 4, 1), amount=D("20.00"), reference="A-2")
    record_actions.agreement_save(agreement=agreement, receipts=[kept, gone])
    assert_rollups_exact(years=(2024,))
    kept.date = date(2024, 6, 30)
    record_actions.agreement_save(agreement=agreement, receipts=[kept], removed=[gone])
    assert receipt_rollups() == {(date(2024, 6, 1), agreement.source_id): D("10.00")}


@pytest.mark.django_db
def test_a_refused_write_leaves_the_rollups_as_they_were() -> None:
    receipt = make_receipt(date=date(2024, 3, 10), amount=D("100.00"))
    with pytest.raises(ValidationError, match=re.escape(str(v.ERR_AMOUNT_NOT_POSITIVE))):
        actions.receipt_update(receipt=receipt, date=date(2024, 7, 1), amount=D("-1.00"))
    assert receipt_rollups() == {(date(2024, 3, 1), receipt.source_id): D("100.00")}


@pytest.mark.django_db
def test_the_wipe_empties_the_rollups() -> None:
    make_receipt(date=date(2024, 3, 10))
    make_expense(date=date(2024, 3, 10))
    actions.records_wipe()
    assert not ReceiptMonth.objects.exists()
    assert not ExpenseMonth.objects.exists()


@pytest.mark.django_db
def test_an_import_refreshes_the_months_of_its_rows_once_for_the_file() -> None:
    source = make_source(code="junta")
    make_receipt(source=source, reference="R-1", date=date(2024, 1, 5), amount=D("5.00"))
    data = (
        b"date,source,amount,reference\n"
        b"2024-02-01,junta,10.00,R-1\n"  # moved from January: January is empty again
        b"2024-03-01,junta,20.00,R-2\n"
        b"2024-03-02,junta,30.00,R-3\n"
    )
    with mock.patch.object(rollups, "_recompute", wraps=rollups._recompute) as recompute:
        result = run_import(FundingReceiptImporter(), data)
    assert result.ok, result.error_lines()
    assert recompute.call_count == 2  # one aggregation per rollup table, for the whole file
    assert receipt_rollups() == {
        (date(2024, 2, 1), source.pk): D("10.00"),
        (date(2024, 3, 1), source.pk): D("50.00"),
    }


@pytest.mark.django_db
def test_an_expense_import_keeps_the_rollups_and_a_preview_writes_none() -> None:
    data = (
        "date,category,supplier,amount,reference\n"
        "2024-02-01,it,Dell,10.00,E-1\n"
        "2023-11-30,staff,Nómina,20.00,E-2\n"
    ).encode()
    preview = run_import(ExpenseImporter(), data, dry_run=True)
    assert preview.ok, preview.error_lines()
    assert not ExpenseMonth.objects.exists()
    assert run_import(ExpenseImporter(), data).ok
    assert_rollups_exact(years=(2023, 2024))


@pytest.mark.django_db
def test_the_yearly_figures_read_from_rollups_and_from_records_are_the_same() -> None:
    loan = make_source(kind=SourceKind.LOAN)
    make_receipt(source=loan, date=date(2019, 6, 1), amount=D("500.00"))  # before: outstanding loan
    make_receipt(source=make_source(kind=SourceKind.GRANT), date=date(2023, 1, 31), amount=D("0.01"))
    make_expense(date=date(2023, 12, 31), category=category("premises"), amount=D("99.99"))
    rolled = funding_years(years=[2022, 2023], source="rollups")
    assert rolled == funding_years(years=[2022, 2023], source="raw")
    assert rolled[2023].loan_outstanding_year_end == D("500.00")
    assert rolled[2023].costs_by_category["premises"] == D("99.99")


# --- Rebuild -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rebuild_from_scratch_gives_the_rows_of_the_incremental_path() -> None:
    grant = make_source(kind=SourceKind.GRANT)
    for n in range(1, 13):
        make_receipt(source=grant, date=date(2021 + n % 3, n, n), amount=D(n) + D("0.25"))
        make_expense(date=date(2020 + n % 4, n, 28), category=category(CATEGORY_CODES[n % 4]), amount=D(n))
    incremental = (receipt_rollups(), expense_rollups())
    ReceiptMonth.objects.all().delete()
    ExpenseMonth.objects.filter(month__year=2021).delete()
    # A stale row of a year with no record left: the rebuild removes it.
    ExpenseMonth.objects.create(month=date(2015, 1, 1), category=category("it"), amount=D("1.00"))
    actions.funding_rollups_rebuild()
    assert (receipt_rollups(), expense_rollups()) == incremental


@pytest.mark.django_db
def test_a_rebuild_sums_records_loaded_without_the_actions() -> None:
    Expense.objects.bulk_create(
        Expense(
            date=date(2024, 5, n), category=category("it"), supplier="s", amount=D("1.10"), reference=f"B{n}"
        )
        for n in range(1, 21)
    )
    assert not ExpenseMonth.objects.exists()
    actions.funding_rollups_rebuild()
    assert expense_rollups() == {(date(2024, 5, 1), category("it").pk): D("22.00")}


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------------

THREADS = 4
PER_THREAD = 8


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_concurrent_writers_of_one_month_leave_the_rollups_exact() -> None:
    source = make_source(kind=SourceKind.GRANT)
    it = ExpenseCategory.objects.get(code="it")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                # Each write in its own transaction (the action's), all of them in March 2024.
                make_receipt(source=source, date=date(2024, 3, 1 + n), amount=D(worker * 100 + n + 1))
                make_expense(date=date(2024, 3, 28 - n), category=it, amount=D("0.01") * (n + 1))
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(worker,)) for worker in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert FundingReceipt.objects.count() == THREADS * PER_THREAD
    assert_rollups_exact(years=(2024,))
