"""The monthly revenue rollups stay equal to a fresh aggregation of the records (issue 17).

Whatever the actions write — invoices issued, cancelled, credited, imported in batches; payments
and refunds recorded, edited (moved to another month, year or invoice) and deleted — the rows of
`RevenueMonth` are the sums of the records, those of `RevenueLineMonth` and `RevenueClientYear`
are their totals by month and line and by year and client, and the yearly selector gives the
same figures from the rollups as from the raw records.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from services import actions, record_actions
from services.actions import rollups
from services.choices import BillingPeriod, ContractKind, ContractStatus, InvoiceStatus
from services.expectations import expected_by_year
from services.importers import PaymentImporter
from services.models import (
    Client,
    Contract,
    Invoice,
    Payment,
    Refund,
    RevenueClientYear,
    RevenueContractMonth,
    RevenueLineMonth,
    RevenueMonth,
    ServiceLine,
)
from services.receivables import receivables_from_records
from services.selectors import (
    add_buckets,
    days_to_payment,
    overdue_by_client,
    receivables,
    receivables_rollup_differences,
    services_years,
)
from smartiberica.kernel.basis import BASES
from smartiberica.kernel.importing import run_import
from tests.services.factories import (
    line,
    make_client,
    make_contract,
    make_invoice,
    make_partner,
    make_payment,
    make_refund,
    service,
    valid_dni,
)

D = Decimal
YEARS = (2024, 2025)
Key = tuple[str, date, int, int]


def fresh_aggregation() -> dict[Key, Decimal]:
    """The rollups' definition, computed here in plain Python from every record."""
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for invoice in Invoice.objects.filter(status=InvoiceStatus.ISSUED):
        key = ("accrual", invoice.issue_date.replace(day=1), invoice.service_line_id, invoice.client_id)
        totals[key] += invoice.net_amount
    for sign, model in ((1, Payment), (-1, Refund)):
        for record in model.objects.select_related("invoice"):
            key = (
                "cash",
                record.date.replace(day=1),
                record.invoice.service_line_id,
                record.invoice.client_id,
            )
            totals[key] += sign * record.net_amount
    return {key: amount for key, amount in totals.items() if amount != 0}


def fresh_contract_months() -> dict[tuple[date, int], Decimal]:
    """The contracts' monthly rollup's definition, in plain Python from every issued invoice."""
    totals: dict[tuple[date, int], Decimal] = defaultdict(Decimal)
    for invoice in Invoice.objects.filter(status=InvoiceStatus.ISSUED, contract__isnull=False):
        assert invoice.contract_id is not None
        totals[invoice.issue_date.replace(day=1), invoice.contract_id] += invoice.net_amount
    return {key: amount for key, amount in totals.items() if amount != 0}


def stored_rollups() -> dict[Key, Decimal]:
    return {
        (row.basis, row.month, row.service_line_id, row.client_id): row.amount
        for row in RevenueMonth.objects.all()
    }


def totals_by(
    detail: dict[Key, Decimal], key: Callable[[Key], tuple[Any, ...]]
) -> dict[tuple[Any, ...], Decimal]:
    totals: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for bucket, amount in detail.items():
        totals[key(bucket)] += amount
    return {bucket: amount for bucket, amount in totals.items() if amount != 0}


def assert_rollups_are_the_records(years: tuple[int, ...] = YEARS) -> None:
    fresh = fresh_aggregation()
    assert stored_rollups() == fresh
    by_line = {(r.basis, r.month, r.service_line_id): r.amount for r in RevenueLineMonth.objects.all()}
    assert by_line == totals_by(fresh, lambda k: (k[0], k[1], k[2]))
    by_client = {(r.basis, r.year, r.client_id): r.amount for r in RevenueClientYear.objects.all()}
    assert by_client == totals_by(fresh, lambda k: (k[0], k[1].year, k[3]))
    by_contract = {(r.month, r.contract_id): r.amount for r in RevenueContractMonth.objects.all()}
    assert by_contract == fresh_contract_months()
    for basis in BASES:
        rolled = services_years(years=years, basis=basis, source="rollups")
        raw = services_years(years=years, basis=basis, source="raw")
        assert rolled == raw
    # The contracts' expectations, in their years and in the years before and after.
    every_year = range(2022, 2029)
    assert expected_by_year(every_year) == expected_by_year(every_year, source="raw")
    assert_receivables_are_the_records(years)


# Days the receivables are read at: inside the programs' years, and after every record.
AGEING_DAYS = (date(2024, 3, 31), date(2024, 12, 31), date(2025, 6, 30), date(2026, 3, 1))


def assert_receivables_are_the_records(years: tuple[int, ...] = YEARS) -> None:
    """The receivables rollups, the payment days, the partner shares and the kept ageings are the
    records', and every ageing read gives what the records give."""
    assert receivables_rollup_differences(years) == []
    for on in AGEING_DAYS:
        every = receivables_from_records(on)
        assert receivables(on=on) == every
        top = receivables(on=on, top=1)
        assert top.clients == every.clients[:1]
        assert top.totals == every.totals
        assert top.other_clients == max(len(every.clients) - 1, 0)
        assert add_buckets([*top.clients, top.others]) == every.totals
        overdue = overdue_by_client(on=on, more_than_days=30)
        with mock.patch("services.receivables.moved_clients", return_value=None):
            from_records = overdue_by_client(on=on, more_than_days=30, top=1)
        assert overdue_by_client(on=on, more_than_days=30, top=1) == from_records
        assert from_records.clients == overdue.clients[:1]
        assert from_records.other_clients == max(len(overdue.clients) - 1, 0)
    for year in years:
        assert days_to_payment(years=[year]) == days_to_payment(years=[year], source="raw")


# --- Random programs of writes through the actions ---------------------------------------------------


def day_of(month_index: int, seed: int) -> date:
    """A day of 2024 or 2025: month 0 is January 2024, 23 is December 2025."""
    return date(YEARS[0] + month_index // 12, month_index % 12 + 1, 1 + seed % 28)


class Program:
    """Writes of one example; a refusal of the rules (ValidationError) is part of the game."""

    def __init__(self) -> None:
        self.clients = [make_client(name=f"Rollup {n}", tax_id=valid_dni(9000 + n)) for n in range(2)]
        self.lines = list(ServiceLine.objects.order_by("code")[:2])
        # The first client's invoices share 33.3 % with a partner: the partner shares follow too.
        self.contract = make_contract(
            client=self.clients[0],
            service_line=self.lines[0],
            partner=make_partner(),
            partner_share=D("33.3"),
        )
        self.numbers = iter(range(1, 10_000))

    def pick(self, model: type[Any], index: int) -> Any:
        records = list(model.objects.order_by("pk"))
        return records[index % len(records)] if records else None

    def issued(self, index: int) -> Invoice | None:
        invoices = list(Invoice.objects.filter(status=InvoiceStatus.ISSUED, corrects=None).order_by("pk"))
        return invoices[index % len(invoices)] if invoices else None

    def invoice(self, pick: int, month: int, amount: int) -> None:
        actions.invoice_create(
            client=self.clients[pick % 2],
            service_line=self.lines[pick // 2 % 2],
            issue_date=day_of(month, amount),
            lines=[line(f"{amount}.{pick:02d}")],
            status=InvoiceStatus.ISSUED,
            number=f"T{next(self.numbers):05d}",
            contract=self.contract if pick % 4 == 0 else None,
        )

    def draft_then_issue(self, pick: int, month: int, amount: int) -> None:
        draft = actions.invoice_create(
            client=self.clients[pick % 2],
            service_line=self.lines[pick % 2],
            issue_date=day_of(month, amount),
            lines=[line(f"{amount}.00")],
            series="D",  # numbered by the app in date order: its own series, so that most pass
        )
        actions.invoice_issue(invoice=draft)

    def batch(self, pick: int, month: int, amount: int) -> None:
        prepared = [
            actions.invoice_prepare(
                client=self.clients[(pick + n) % 2],
                service_line=self.lines[n % 2],
                issue_date=day_of((month + 7 * n) % 24, amount),
                lines=[line(f"{amount + n}.00")],
                number=f"T{next(self.numbers):05d}",
                status=InvoiceStatus.ISSUED if n < 2 else InvoiceStatus.CANCELLED,
            )
            for n in range(1 + pick % 3)
        ]
        actions.invoices_save_batch(prepared=prepared)

    def credit_note(self, pick: int, month: int, amount: int) -> None:
        invoice = self.issued(pick)
        if invoice is not None:
            actions.credit_note_create(
                invoice=invoice,
                issue_date=day_of(month, amount),
                lines=[line(f"-{1 + amount % 50}.00")],
                status=InvoiceStatus.ISSUED,
                number=f"R{next(self.numbers):05d}",
            )

    def cancel(self, pick: int, month: int, amount: int) -> None:
        invoice = self.pick(Invoice, pick)
        if invoice is not None:
            actions.invoice_cancel(invoice=invoice)

    def pay(self, pick: int, month: int, amount: int) -> None:
        invoice = self.issued(pick)
        if invoice is not None:  # a part of the amount due (or more, then refused)
            part = (invoice.balance().amount_due * amount / 300).quantize(D("0.01"))
            actions.payment_record(invoice=invoice, date=day_of(month, amount), amount=part)

    def edit_payment(self, pick: int, month: int, amount: int) -> None:
        payment = self.pick(Payment, pick)
        if payment is not None:
            payment.date = day_of(month, amount)  # another month, maybe another year
            if pick % 5 == 0:
                payment.amount = D(amount)
            if pick % 4 == 1 and (other := self.issued(amount)) is not None:
                payment.invoice = other
            actions.payment_save(payment=payment)

    def delete_payment(self, pick: int, month: int, amount: int) -> None:
        payment = self.pick(Payment, pick)
        if payment is not None:
            actions.payment_delete(payment=payment)

    def refund(self, pick: int, month: int, amount: int) -> None:
        payment = self.pick(Payment, pick)
        if payment is not None:
            actions.refund_record(
                invoice=payment.invoice, date=day_of(month, amount), amount=D(1 + amount % 30)
            )

    def edit_refund(self, pick: int, month: int, amount: int) -> None:
        refund = self.pick(Refund, pick)
        if refund is not None:
            refund.date = day_of(month, amount)
            actions.refund_save(refund=refund)

    def delete_refund(self, pick: int, month: int, amount: int) -> None:
        refund = self.pick(Refund, pick)
        if refund is not None:
            actions.refund_delete(refund=refund)

    def new_contract(self, pick: int, month: int, amount: int) -> None:
        """A contract of any kind from a day of 2023 to 2026, ending then, a year later or never."""
        kinds = (ContractKind.RECURRING, ContractKind.FIXED_FEE, ContractKind.TIME_AND_MATERIALS)
        start = day_of(month - 12 + pick, amount)
        make_contract(
            client=self.clients[pick % 2],
            service_line=self.lines[pick // 2 % 2],
            kind=kinds[pick % 3],
            start_date=start,
            end_date=(None, start.replace(year=start.year + 1), day_of(month + amount % 12, pick))[
                amount % 3
            ],
            billing_period=tuple(BillingPeriod)[amount % 3] if pick % 3 == 0 else "",
            unit_price=D(amount) if pick % 3 == 0 else None,
            fixed_amount=D(amount) if pick % 3 == 1 else None,
            status=(ContractStatus.ACTIVE, ContractStatus.ENDED, ContractStatus.DRAFT)[amount % 3],
        )

    def edit_contract(self, pick: int, month: int, amount: int) -> None:
        contract = self.pick(Contract, pick)
        if contract is not None:  # its end moved, its status changed, or its price
            contract.end_date = day_of(month, amount) if pick % 2 else None
            contract.status = tuple(ContractStatus)[amount % len(ContractStatus)]
            if contract.unit_price is not None:
                contract.unit_price = D(amount)
            record_actions.contract_save(contract=contract)

    def delete_contract(self, pick: int, month: int, amount: int) -> None:
        contract = self.pick(Contract, pick)
        if contract is not None:  # refused while invoices refer to it
            record_actions.contract_delete(contract=contract)

    def run(self, step: tuple[str, int, int, int]) -> None:
        kind, pick, month, amount = step
        # Refused by the rules: nothing written, and the rollups must not move either.
        with contextlib.suppress(ValidationError):
            getattr(self, kind)(pick, month, amount)


STEPS = (
    "invoice",
    "draft_then_issue",
    "batch",
    "credit_note",
    "cancel",
    "pay",
    "edit_payment",
    "delete_payment",
    "refund",
    "edit_refund",
    "delete_refund",
    "new_contract",
    "edit_contract",
    "delete_contract",
)
steps = st.lists(
    st.tuples(st.sampled_from(STEPS), st.integers(0, 11), st.integers(0, 23), st.integers(1, 400)),
    min_size=3,
    max_size=14,
)


class TestRollupsFollowTheRecords(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(program=steps)
    def test_after_any_writes_through_the_actions_the_rollups_are_the_records(
        self, program: list[tuple[str, int, int, int]]
    ) -> None:
        writes = Program()
        for step in program:
            writes.run(step)
        assert_rollups_are_the_records()


# --- Hooks that the random programs do not reach ------------------------------------------------------


@pytest.mark.django_db
def test_a_payment_moved_to_another_year_leaves_both_months_right(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    payment = make_payment(invoice=invoice, date=date(2024, 3, 15))
    payment.date = date(2025, 5, 2)
    actions.payment_save(payment=payment)
    cash = {key[1]: amount for key, amount in stored_rollups().items() if key[0] == "cash"}
    assert cash == {date(2025, 5, 1): D("100.00")}
    assert_rollups_are_the_records()


@pytest.mark.django_db
def test_a_draft_completed_by_an_import_counts_in_its_month(acme: Client) -> None:
    draft = make_invoice(client=acme, status="draft", issue_date=date(2024, 2, 1), number="EXT-0100")
    assert stored_rollups() == {}
    actions.invoice_complete_draft(
        invoice=draft,
        client=acme,
        service_line=service("crowdfunding"),
        issue_date=date(2024, 6, 30),
        lines=[line("250.00")],
    )
    assert stored_rollups() == {
        ("accrual", date(2024, 6, 1), service("crowdfunding").pk, acme.pk): D("250.00")
    }


@pytest.mark.django_db
def test_the_wipe_empties_the_rollups(acme: Client) -> None:
    make_payment(invoice=make_invoice(client=acme))
    assert stored_rollups()
    actions.records_wipe()
    assert RevenueMonth.objects.count() == 0
    assert RevenueLineMonth.objects.count() == RevenueClientYear.objects.count() == 0


@pytest.mark.django_db
def test_an_import_of_payments_refreshes_the_rollups_once_for_the_file(acme: Client) -> None:
    invoices = [make_invoice(client=acme, issue_date=date(2024, 1, 1 + n)) for n in range(3)]
    data = "invoice,date,amount\n" + "".join(
        f"{invoice.number},2024-0{n + 2}-10,121.00\n" for n, invoice in enumerate(invoices)
    )
    with mock.patch.object(rollups, "_recomputed", wraps=rollups._recomputed) as recomputed:
        result = run_import(PaymentImporter(), data.encode())
    assert result.ok, result.errors
    assert recomputed.call_count == 1  # one refresh of the three months, not one per row
    assert_rollups_are_the_records()


# --- Rebuild ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rebuild_from_scratch_gives_the_rows_the_actions_kept(acme: Client, hachette: Client) -> None:
    first = make_invoice(client=acme, issue_date=date(2023, 11, 5), lines=[line("900.00")])
    second = make_invoice(client=hachette, service_line=service("crowdfunding"), issue_date=date(2024, 2, 1))
    actions.credit_note_create(
        invoice=first, issue_date=date(2024, 1, 7), lines=[line("-100.00")], status="issued"
    )
    make_payment(invoice=first, date=date(2024, 2, 3), amount=D("600.00"))
    make_payment(invoice=second, date=date(2025, 1, 3))
    make_refund(invoice=second, date=date(2025, 2, 3), amount=D("12.10"))
    kept = stored_rollups()
    assert kept == fresh_aggregation() and len(kept) == 6

    RevenueMonth.objects.all().delete()
    RevenueLineMonth.objects.all().delete()
    # Stale rows far from the records: the rebuild drops them.
    RevenueMonth.objects.create(
        basis="cash", month=date(2010, 1, 1), service_line=service(), client=acme, amount=D("1.00")
    )
    RevenueLineMonth.objects.create(
        basis="cash", month=date(2010, 1, 1), service_line=service(), amount=D("1")
    )
    RevenueClientYear.objects.create(basis="cash", year=2010, client=acme, amount=D("1.00"))
    actions.services_rollups_rebuild()
    assert stored_rollups() == kept
    assert_rollups_are_the_records(years=(2023, 2024, 2025))


@pytest.mark.django_db
def test_a_rebuild_without_records_leaves_no_rows(acme: Client) -> None:
    RevenueMonth.objects.create(
        basis="accrual", month=date(2024, 1, 1), service_line=service(), client=acme, amount=D("1.00")
    )
    RevenueClientYear.objects.create(basis="accrual", year=2024, client=acme, amount=D("1.00"))
    actions.services_rollups_rebuild()
    assert RevenueMonth.objects.count() == RevenueClientYear.objects.count() == 0


@pytest.mark.django_db
def test_the_yearly_figures_read_the_line_and_client_rows_not_the_detail(acme: Client) -> None:
    make_payment(invoice=make_invoice(client=acme, issue_date=date(2024, 5, 2)), date=date(2024, 6, 1))
    for basis in BASES:
        with CaptureQueriesContext(connection) as queries:
            services_years(years=[2024, 2025], basis=basis)
        tables = " ".join(query["sql"] for query in queries.captured_queries)
        assert "services_revenuelinemonth" in tables and "services_revenueclientyear" in tables
        # The detail holds a row per month, line and client: the pages never scan it.
        assert '"services_revenuemonth"' not in tables and "services_revenuemonth " not in tables


@pytest.mark.django_db
def test_an_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="source"):
        services_years(years=[2024], source="cache")  # type: ignore[arg-type]


# --- Concurrent writers (PostgreSQL) ------------------------------------------------------------------

WRITERS = 2
WRITES = 6


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
@pytest.mark.parametrize(
    ("months", "one_client"),
    [((3, 3), False), ((3, 9), True)],
    ids=["in-the-same-month", "in-two-months-of-one-clients-year"],
)
def test_concurrent_writers_leave_the_rollups_equal_to_the_records(
    months: tuple[int, int], one_client: bool
) -> None:
    clients = [make_client() for _ in range(WRITERS)]
    if one_client:  # every write changes the same client's year row
        clients = [clients[0]] * WRITERS
    invoices = [
        make_invoice(client=clients[n % WRITERS], issue_date=date(2024, 3, 1), lines=[line("1000.00")])
        for n in range(WRITERS * WRITES)
    ]
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> Callable[[], None]:
        month = months[number]

        def write() -> None:
            try:
                barrier.wait()
                for n in range(WRITES):
                    invoice = Invoice.objects.get(pk=invoices[number * WRITES + n].pk)
                    # Each write its own transaction, in the writer's month of 2024.
                    actions.payment_record(invoice=invoice, date=date(2024, month, 20), amount=D("121.00"))
                    actions.invoice_create(
                        client=clients[number],
                        service_line=service(),
                        issue_date=date(2024, month, 2 + n),
                        lines=[line("10.00")],
                        status="issued",
                        number=f"W{number}-{n}",
                    )
            except BaseException as error:  # reported to the main thread below
                errors.append(error)
            finally:
                connection.close()

        return write

    threads = [threading.Thread(target=writer(number)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Payment.objects.count() == WRITERS * WRITES
    assert_rollups_are_the_records()
