"""Each kind's rules: keys, updates, dialects, credit notes, payments, member turnover, history."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from funding.models import Expense, FundingReceipt
from services import actions as services_actions
from services.models import Client, Invoice, MemberTurnover, Payment, Refund
from smartiberica.kernel.importing import ImportResult

pytestmark = pytest.mark.django_db
Run = Callable[..., ImportResult]
D = Decimal

INVOICE_HEADER = "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,status,corrects\n"
ORIGINAL = "F2024-0001,2024-01-10,Hachette,A28765436,project-support,1000,21,issued,\n"


def errors(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Dialects ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"date,category,supplier,amount,reference\n2024-03-05,it,Acme,1234.56,E-1\n",
        b"\xef\xbb\xbfdate;category;supplier;amount;reference\r\n05/03/2024;it;Acme;1.234,56;E-1\r\n",
        b"Date;Category;Supplier;Amount;Reference\n5/3/2024;it;Acme;1234,56;E-1\n",
        b'date,category,supplier,amount,reference\n2024-03-05,it,Acme,"1,234.56",E-1\n',
    ],
    ids=["plain", "bom-semicolon-decimal-comma", "capitalised-header", "quoted-thousands"],
)
def test_every_dialect_of_the_contract_reads_the_same_expense(run: Run, content: bytes) -> None:
    result = run("expenses", content)
    assert result.ok, result.error_lines()
    expense = Expense.objects.get(reference="E-1")
    assert (expense.date, expense.amount) == (date(2024, 3, 5), D("1234.56"))


def test_an_xlsx_file_with_real_dates_and_numbers_imports(run: Run) -> None:
    content = xlsx(
        [
            ["date", "category", "supplier", "amount", "reference", "description"],
            [date(2024, 3, 5), "it", "Acme", 1234.56, "E-1", None],
            ["06/03/2024", "staff", "Nómina", "1.000,00", "E-2", "marzo"],
        ]
    )
    result = run("expenses", content)
    assert result.ok, result.error_lines()
    assert Expense.objects.get(reference="E-1").amount == D("1234.56")
    assert Expense.objects.get(reference="E-2").description == "marzo"


def test_errors_in_an_xlsx_file_give_the_spreadsheet_row(run: Run) -> None:
    content = xlsx(
        [["date", "category", "supplier", "amount", "reference"], [date(2024, 3, 5), "it", "A", -1, "E"]]
    )
    assert errors(run("expenses", content)) == [(2, "amount", "The amount must be greater than zero.")]


# --- Funding ---------------------------------------------------------------------------------------


def test_receipts_are_keyed_on_source_and_reference_and_an_absent_description_is_kept(run: Run) -> None:
    run("funding-sources", "code,name,kind\nsb,Smart Belgium,parent_support\nja,Junta,grant\n")
    first = run("funding-receipts", "date,source,amount,reference,description\n2021-01-05,sb,100,R-1,kept\n")
    assert first.created == 1
    same_reference_other_source = run(
        "funding-receipts", "date,source,amount,reference\n2021-01-05,ja,100,R-1\n"
    )
    assert same_reference_other_source.created == 1
    change = run("funding-receipts", "date,source,amount,reference\n2021-01-06,sb,150,R-1\n")
    assert (change.created, change.updated) == (0, 1)
    receipt = FundingReceipt.objects.get(source__code="sb", reference="R-1")
    assert (receipt.date, receipt.amount, receipt.description) == (date(2021, 1, 6), D("150.00"), "kept")


def test_a_receipt_from_shared_services_is_refused_with_the_admins_message(run: Run) -> None:
    run("funding-sources", "code,name,kind\ncoops,Coops,shared_services\n")
    result = run("funding-receipts", "date,source,amount,reference\n2021-01-05,coops,100,R-1\n")
    assert errors(result) == [
        (
            2,
            "source",
            "Shared services support the cooperative in kind: record their yearly cost, not a receipt.",
        )
    ]


def test_an_unknown_source_kind_is_refused_on_its_column(run: Run) -> None:
    result = run("funding-sources", "code,name,kind\nx,X,lottery\n")
    assert [(row, column) for row, column, _m in errors(result)] == [(2, "kind")]


# --- Invoices ---------------------------------------------------------------------------------------


def test_new_clients_are_created_and_known_ones_matched_on_their_tax_id(run: Run) -> None:
    Client.objects.create(name="Hachette Livre España", tax_id="A28765436")
    content = (
        INVOICE_HEADER
        + ORIGINAL.replace("A28765436", "ES-A28765436")
        + ("F2024-0002,2024-01-11,Nueva SL,B12345674,it-licensing,100,21,,\n")
    )
    result = run("invoices", content)
    assert result.ok, result.error_lines()
    assert Client.objects.count() == 2
    assert Invoice.objects.get(number="F2024-0001").client.name == "Hachette Livre España"
    assert Invoice.objects.get(number="F2024-0002").client.name == "Nueva SL"


def test_an_invalid_tax_id_is_refused_with_the_clients_message(run: Run) -> None:
    result = run("invoices", INVOICE_HEADER + ORIGINAL.replace("A28765436", "X123"))
    assert [(r, c) for r, c, _m in errors(result)] == [(2, "client_tax_id")]
    assert "is not a valid Spanish NIF" in result.errors[0].message


def test_a_credit_note_corrects_an_issued_invoice_of_the_same_client(run: Run) -> None:
    content = (
        INVOICE_HEADER
        + ORIGINAL
        + "R2024-0001,2024-02-01,Hachette,A28765436,project-support,-400,21,,F2024-0001\n"
    )
    result = run("invoices", content)
    assert result.ok, result.error_lines()
    credit = Invoice.objects.get(number="R2024-0001")
    assert credit.corrects is not None
    assert credit.corrects.number == "F2024-0001"
    assert (credit.net_amount, credit.gross_amount, credit.series) == (D("-400.00"), D("-484.00"), "R")


def test_credit_notes_never_exceed_the_original(run: Run) -> None:
    content = (
        INVOICE_HEADER
        + ORIGINAL
        + "R2024-0001,2024-02-01,Hachette,A28765436,project-support,-600,21,,F2024-0001\n"
        + "R2024-0002,2024-02-02,Hachette,A28765436,project-support,-600,21,,F2024-0001\n"
    )
    result = run("invoices", content)
    assert errors(result) == [
        (
            4,
            "net_amount",
            "The credit notes of invoice F2024-0001 would credit €1,200.00, more than its €1,000.00.",
        )
    ]
    assert Invoice.objects.count() == 0


def test_a_credit_note_for_another_client_is_refused(run: Run) -> None:
    content = (
        INVOICE_HEADER
        + ORIGINAL
        + "R2024-0001,2024-02-01,Other,B12345674,project-support,-100,21,,F2024-0001\n"
    )
    assert errors(run("invoices", content)) == [
        (3, "corrects", "A credit note must be for the same client as the invoice it corrects.")
    ]


def test_a_negative_invoice_without_corrects_is_refused(run: Run) -> None:
    content = INVOICE_HEADER + ORIGINAL.replace(",1000,", ",-1000,")
    assert [(r, c) for r, c, _m in errors(run("invoices", content))] == [(2, "corrects")]


def test_a_cancelled_invoice_keeps_its_number_and_cancelling_later_is_an_update(run: Run) -> None:
    assert run("invoices", INVOICE_HEADER + ORIGINAL).created == 1
    result = run("invoices", INVOICE_HEADER + ORIGINAL.replace(",issued,", ",cancelled,"))
    assert (result.updated, result.unchanged) == (1, 0), result.error_lines()
    assert Invoice.objects.get(number="F2024-0001").status == "cancelled"


def test_an_issued_invoice_never_changes_its_amounts_through_an_import(run: Run) -> None:
    run("invoices", INVOICE_HEADER + ORIGINAL)
    result = run("invoices", INVOICE_HEADER + ORIGINAL.replace(",1000,", ",1100,"))
    assert errors(result) == [(2, "net_amount", "Only a draft invoice can be changed or issued.")]
    assert Invoice.objects.get(number="F2024-0001").net_amount == D("1000.00")


def test_an_imported_invoice_has_one_line_and_history_rows_with_the_user(run: Run, staff_user: Any) -> None:
    content = (
        INVOICE_HEADER
        + ORIGINAL
        + "R2024-0001,2024-02-01,Hachette,A28765436,project-support,-400,21,,F2024-0001\n"
    )
    assert run("invoices", content, user=staff_user).ok
    invoice = Invoice.objects.get(number="F2024-0001")
    assert invoice.lines.count() == 1
    assert (invoice.vat_amount, invoice.gross_amount) == (D("210.00"), D("1210.00"))
    for model in (Invoice, invoice.lines.model, Client):
        users = set(model.history.values_list("history_user", flat=True))
        assert users == {staff_user.pk}, model


def test_a_given_number_is_skipped_when_the_admin_numbers_the_next_invoice(run: Run) -> None:
    assert run("invoices", INVOICE_HEADER + ORIGINAL).ok
    draft = services_actions.invoice_create(
        client=Client.objects.get(),
        service_line=Invoice.objects.get().service_line,
        issue_date=date(2024, 3, 1),
        lines=[{"description": "x", "unit_price": D("10")}],
    )
    assert services_actions.invoice_issue(invoice=draft).number == "F2024-0002"


def test_an_unknown_service_or_contract_is_refused_on_its_column(run: Run) -> None:
    header = "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,contract\n"
    row = "F2024-0001,2024-01-10,Hachette,A28765436,nope,1000,121,C-404\n"
    assert [(r, c) for r, c, _m in errors(run("invoices", header + row))] == [
        (2, "service"),
        (2, "vat_rate"),
        (2, "contract"),
    ]


# --- Payments ----------------------------------------------------------------------------------------


def test_payments_never_exceed_the_gross_amount(run: Run) -> None:
    run("invoices", INVOICE_HEADER + ORIGINAL)  # gross 1210.00
    result = run("payments", "invoice,date,amount\nF2024-0001,2024-02-01,1000\nF2024-0001,2024-02-15,300\n")
    assert errors(result) == [
        (3, "amount", "This payment of €300.00 is more than the €210.00 still due on invoice F2024-0001.")
    ]
    assert Payment.objects.count() == 0


def test_payments_never_exceed_the_amount_due_after_credit_notes_and_refunds(run: Run) -> None:
    credit = "R2024-0001,2024-02-01,Hachette,A28765436,project-support,-400,21,issued,F2024-0001\n"
    run("invoices", INVOICE_HEADER + ORIGINAL + credit)  # 1210.00 − 484.00 = 726.00 due
    header = "invoice,date,amount\n"
    result = run("payments", header + "F2024-0001,2024-02-10,700\nF2024-0001,2024-02-11,26.01\n")
    assert errors(result) == [
        (3, "amount", "This payment of €26.01 is more than the €26.00 still due on invoice F2024-0001.")
    ]
    assert run("payments", header + "F2024-0001,2024-02-10,726\n").ok
    assert run("refunds", "invoice,date,amount\nF2024-0001,2024-03-01,100\n").ok  # 100.00 due again
    assert errors(run("payments", header + "F2024-0001,2024-03-05,100.01\n")) == [
        (2, "amount", "This payment of €100.01 is more than the €100.00 still due on invoice F2024-0001.")
    ]
    assert run("payments", header + "F2024-0001,2024-03-05,100\n").ok


# --- Refunds -----------------------------------------------------------------------------------------

REFUNDS = 'invoice,date,amount,reference\nF2024-0001,2024-03-01,121,DEV-1\nF2024-0001,02/03/2024,"10,00",\n'


def test_refunds_import_and_re_import_unchanged(run: Run) -> None:
    run("invoices", INVOICE_HEADER + ORIGINAL)
    run("payments", "invoice,date,amount\nF2024-0001,2024-02-01,1210\n")
    first = run("refunds", REFUNDS)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0), first.error_lines()
    stored = [(r.date, r.amount, r.net_amount, r.reference) for r in Refund.objects.order_by("date")]
    assert stored == [
        (date(2024, 3, 1), D("121.00"), D("100.00"), "DEV-1"),
        (date(2024, 3, 2), D("10.00"), D("8.26"), ""),
    ]
    again = run("refunds", REFUNDS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Refund.objects.count() == 2


def test_a_refund_reference_is_updated_and_kept_when_its_column_is_absent(run: Run) -> None:
    run("invoices", INVOICE_HEADER + ORIGINAL)
    run("payments", "invoice,date,amount\nF2024-0001,2024-02-01,1210\n")
    run("refunds", REFUNDS)
    changed = run("refunds", REFUNDS.replace("DEV-1", "DEV-9"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert run("refunds", "invoice,date,amount\nF2024-0001,2024-03-01,121\n").unchanged == 1
    assert Refund.objects.get(amount=D("121.00")).reference == "DEV-9"


def test_refunds_never_exceed_what_the_invoice_received_earlier_rows_included(run: Run) -> None:
    run("invoices", INVOICE_HEADER + ORIGINAL)
    run("payments", "invoice,date,amount\nF2024-0001,2024-02-01,1000\n")
    result = run("refunds", "invoice,date,amount\nF2024-0001,2024-03-01,600\nF2024-0001,2024-03-02,400.01\n")
    assert errors(result) == [
        (
            3,
            "amount",
            "This refund of €400.01 is more than the €400.00 received for invoice F2024-0001 "
            "and not yet paid back.",
        )
    ]
    assert Refund.objects.count() == 0


def test_a_refund_on_an_unknown_invoice_or_not_positive_is_refused(run: Run) -> None:
    result = run("refunds", "invoice,date,amount\nF9999-0001,2024-02-01,-3\n")
    assert errors(result) == [
        (2, "invoice", "No invoice has the number “F9999-0001”."),
        (2, "amount", "A refund must be greater than zero."),
    ]


def test_payments_are_keyed_on_invoice_date_and_amount_and_repeat_as_often_as_the_file_says(run: Run) -> None:
    run("invoices", INVOICE_HEADER + ORIGINAL)
    content = "invoice,date,amount\nF2024-0001,2024-02-01,100\nF2024-0001,2024-02-01,100\n"
    assert run("payments", content).created == 2
    again = run("payments", content + "F2024-0001,2024-03-01,10\n")
    assert (again.created, again.unchanged) == (1, 2)
    assert Payment.objects.count() == 3


def test_a_payment_on_an_unknown_invoice_or_not_positive_is_refused(run: Run) -> None:
    result = run("payments", "invoice,date,amount\nF9999-0001,2024-02-01,0\n")
    assert [(r, c) for r, c, _m in errors(result)] == [(2, "invoice"), (2, "amount")]


# --- Member turnover -------------------------------------------------------------------------------


def test_a_month_without_rates_takes_the_rule_in_force_and_without_rule_is_refused(
    run: Run, historical_rule: Any
) -> None:
    result = run("member-turnover", "month,turnover\n2024-01,1000\n")
    assert result.ok
    assert MemberTurnover.objects.get().structure_rate is None
    refused = run("member-turnover", "month,turnover\n2010-01,1000\n")
    assert errors(refused) == [
        (
            2,
            "structure_rate",
            "No margin rule is in force for 2010-01: give this month's rates or add a rule.",
        )
    ]


def test_member_turnover_is_keyed_on_the_month_and_rates_come_in_pairs(
    run: Run, historical_rule: Any
) -> None:
    run("member-turnover", "month,turnover\n2024-01,1000\n")
    result = run("member-turnover", 'month,turnover,structure_rate,fund_rate\n2024-01,1000,"6,5",2\n')
    assert result.updated == 1
    assert MemberTurnover.objects.get().structure_rate == D("6.50")
    refused = run("member-turnover", "month;turnover;structure_rate;fund_rate\n2024-02;1000;6,5;\n")
    assert [(r, c) for r, c, _m in errors(refused)] == [(2, "structure_rate")]
