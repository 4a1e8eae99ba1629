"""What each bank line may be, ranked, and when a suggestion is confident (issue 20)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banking.selectors import bank_lines
from funding.choices import SourceKind
from smartiberica.board.reconciliation import (
    DRAWDOWN,
    INVOICE,
    LineSuggestions,
    name_points,
    name_words,
    reference_found,
    suggest,
)
from smartiberica.board.reconciliation_actions import reconcile
from tests.board.reconciliation.helpers import CLIENT_IBAN, Line, import_line, import_lines
from tests.funding.factories import make_expense, make_loan, make_receipt, make_repayment, make_source
from tests.services.factories import line as invoice_line
from tests.services.factories import make_client, make_invoice, make_payment, make_refund

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2024, 3, 20)


def suggestions_for(line_id: int) -> LineSuggestions:
    return suggest(bank_lines(ids=[line_id]))[0]


def picked(found: LineSuggestions) -> list[tuple[str, int]]:
    return [(s.candidate.kind, s.candidate.record_id) for s in found.suggestions]


def confident(found: LineSuggestions) -> tuple[str, int] | None:
    sure = found.confident
    return None if sure is None else (sure.candidate.kind, sure.candidate.record_id)


# --- The ambiguous cases the issue names ----------------------------------------------------------


def test_of_two_open_invoices_of_the_same_amount_the_one_named_on_the_line_is_confident() -> None:
    client = make_client(name="Hachette Livre")
    first = make_invoice(client=client, issue_date=date(2024, 3, 1))
    second = make_invoice(client=client, issue_date=date(2024, 3, 2))
    line = import_line(Line(ON, "121.00", description=f"TRANSFERENCIA FACTURA {second.number}"))

    found = suggestions_for(line)

    assert sorted(picked(found)) == sorted([(INVOICE, first.pk), (INVOICE, second.pk)])
    assert picked(found)[0] == (INVOICE, second.pk)
    assert confident(found) == (INVOICE, second.pk)


def test_two_open_invoices_of_the_same_amount_without_a_reference_leave_no_suggestion_confident() -> None:
    client = make_client(name="Hachette Livre")
    make_invoice(client=client, issue_date=date(2024, 3, 1))
    make_invoice(client=client, issue_date=date(2024, 3, 1))
    line = import_line(Line(ON, "121.00", description="TRANSFERENCIA", name="Hachette Livre"))

    found = suggestions_for(line)

    assert len(found.suggestions) == 2
    assert found.confident is None
    assert not any(s.confident for s in found.suggestions)


def test_a_line_whose_only_candidate_is_one_record_is_confident_about_it() -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "121.00"))

    assert confident(suggestions_for(line)) == ("payment", payment.pk)


def test_two_references_found_on_the_line_leave_no_suggestion_confident() -> None:
    a, b = make_invoice(), make_invoice()
    line = import_line(Line(ON, "121.00", description=f"{a.number} {b.number}"))

    found = suggestions_for(line)

    assert all(s.reference for s in found.suggestions)
    assert found.confident is None


def test_a_record_two_lines_are_confident_about_is_confident_for_neither() -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    lines = import_lines(Line(ON, "121.00"), Line(date(2024, 3, 21), "121.00"))

    found = suggest(bank_lines(ids=lines))

    assert [picked(f) for f in found] == [[("payment", payment.pk)], [("payment", payment.pk)]]
    assert [f.confident for f in found] == [None, None]


# --- Each kind of record ----------------------------------------------------------------------------


def test_money_in_may_be_a_payment_a_receipt_a_drawdown_or_an_open_invoice() -> None:
    half = make_invoice(issue_date=date(2024, 1, 2))  # 121.00, due on 1 February
    make_payment(invoice=half, date=date(2024, 1, 5), amount=D("60.50"))  # 60.50 left to pay
    paid = make_invoice(lines=[invoice_line("50.00")])  # 60.50 with VAT, paid in full: nothing due
    payment = make_payment(invoice=paid, date=date(2024, 3, 18), amount=D("60.50"))
    receipt = make_receipt(date=date(2024, 3, 19), amount=D("60.50"), reference="JUNTA-77")
    loan_source = make_source(code="fiare", name="Fiare Banca Etica", kind=SourceKind.LOAN)
    drawdown = make_receipt(source=loan_source, date=date(2024, 3, 1), amount=D("60.50"), reference="DISP-1")
    line = import_line(Line(ON, "60.50"))

    found = suggestions_for(line)

    assert sorted(picked(found)) == sorted(
        [("payment", payment.pk), ("receipt", receipt.pk), ("receipt", drawdown.pk), (INVOICE, half.pk)]
    )
    whats = {(s.candidate.kind, s.candidate.record_id): s.candidate.what for s in found.suggestions}
    assert whats[("receipt", drawdown.pk)] == DRAWDOWN
    assert whats[("receipt", receipt.pk)] == "receipt"
    assert (INVOICE, paid.pk) not in picked(found)
    assert found.confident is None


def test_money_out_may_be_a_refund_a_loan_repayment_or_an_expense() -> None:
    invoice = make_invoice()
    make_payment(invoice=invoice)
    refund = make_refund(invoice=invoice, date=date(2024, 3, 18), amount=D("21.00"))
    loan = make_loan(start_date=date(2024, 1, 15), reference="FIARE-2020-001")
    repayment = make_repayment(loan=loan, date=date(2024, 3, 15), interest=D("5.25"), principal=D("15.75"))
    expense = make_expense(date=date(2024, 3, 19), amount=D("21.00"), reference="EXP-A-1")
    make_expense(date=date(2024, 3, 19), amount=D("22.00"))  # another amount
    line = import_line(Line(ON, "-21.00", description="RECIBO PRESTAMO FIARE-2020-001"))

    found = suggestions_for(line)

    assert sorted(picked(found)) == sorted(
        [("refund", refund.pk), ("repayment", repayment.pk), ("expense", expense.pk)]
    )
    assert confident(found) == ("repayment", repayment.pk)


def test_money_in_never_suggests_money_out_of_the_same_amount() -> None:
    invoice = make_invoice()
    make_payment(invoice=invoice)
    make_refund(invoice=invoice, date=date(2024, 3, 18), amount=D("21.00"))
    make_expense(date=date(2024, 3, 19), amount=D("21.00"))
    line = import_line(Line(ON, "21.00"))

    # The refund made 21.00 due again on the invoice: its payment is what money in may be.
    assert picked(suggestions_for(line)) == [(INVOICE, invoice.pk)]


def test_records_more_than_sixty_days_from_the_line_are_no_candidates() -> None:
    make_expense(date=date(2024, 1, 19), amount=D("30.00"))  # 61 days before
    near = make_expense(date=date(2024, 1, 20), amount=D("30.00"))  # 60 days before
    line = import_line(Line(ON, "-30.00"))

    assert picked(suggestions_for(line)) == [("expense", near.pk)]


def test_a_record_reconciled_with_another_line_is_no_candidate(staff_user: object) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    first, second = import_lines(Line(ON, "121.00"), Line(date(2024, 3, 21), "121.00"))
    reconcile(line_id=first, kind="payment", record_id=payment.pk, user=staff_user)

    found = suggest(bank_lines(ids=[first, second]))

    assert found[0].suggestions == ()  # reconciled: nothing to suggest
    assert found[1].suggestions == ()


# --- Ranking ---------------------------------------------------------------------------------------


def test_the_closer_date_ranks_first_when_nothing_else_tells_them_apart() -> None:
    far = make_expense(date=date(2024, 2, 1), amount=D("50.00"))
    near = make_expense(date=date(2024, 3, 19), amount=D("50.00"))
    line = import_line(Line(ON, "-50.00"))

    found = suggestions_for(line)

    assert picked(found) == [("expense", near.pk), ("expense", far.pk)]
    assert found.suggestions[0].days == 1
    assert found.confident is None


def test_the_counterparty_name_ranks_its_supplier_first() -> None:
    other = make_expense(date=date(2024, 3, 20), amount=D("50.00"), supplier="Telefónica de España S.A.U.")
    endesa = make_expense(date=date(2024, 3, 10), amount=D("50.00"), supplier="Endesa Energía S.A.")
    line = import_line(Line(ON, "-50.00", name="ENDESA ENERGIA SA"))

    found = suggestions_for(line)

    assert picked(found) == [("expense", endesa.pk), ("expense", other.pk)]
    assert found.suggestions[0].name_points == 15
    assert found.confident is None  # a name is a hint, not a proof


def test_an_iban_the_bank_reconciled_before_ranks_its_client_first(staff_user: object) -> None:
    known, other = make_client(name="Cliente Uno"), make_client(name="Cliente Dos")
    earlier = make_payment(invoice=make_invoice(client=known), date=date(2024, 3, 10))
    first = import_line(Line(date(2024, 3, 10), "121.00", iban=CLIENT_IBAN))
    reconcile(line_id=first, kind="payment", record_id=earlier.pk, user=staff_user)
    theirs = make_invoice(client=known, issue_date=date(2024, 3, 12))
    make_invoice(client=other, issue_date=date(2024, 3, 12))
    line = import_line(Line(ON, "121.00", iban=CLIENT_IBAN))

    found = suggestions_for(line)

    assert picked(found)[0] == (INVOICE, theirs.pk)
    assert found.suggestions[0].iban
    assert not found.suggestions[1].iban


# --- Texts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "text", "found"),
    [
        ("F2024-0001", "Pago factura f2024-0001 marzo", True),
        ("F2024-0001", "PAGO F 2024 0001", True),
        ("F2024-1", "PAGO F2024-12", False),
        ("2024-12", "PAGO F2024-12", True),
        ("12", "PAGO 12", False),  # too short to tell anything
        ("EXP-77", "Ref. exp 77 / abril", True),
    ],
)
def test_a_reference_is_found_whatever_the_case_spaces_and_punctuation(
    reference: str, text: str, found: bool
) -> None:
    assert reference_found(reference, [text]) is found


def test_names_are_compared_by_their_telling_words() -> None:
    assert name_words("Cooperativa Agraria de Écija, S.Coop.And.") == {
        "cooperativa",
        "agraria",
        "ecija",
    }
    assert name_points(name_words("HACHETTE LIVRE ESPANA SA"), ["Hachette Livre"]) == 15
    assert name_points(name_words("HACHETTE"), ["Hachette Livre"]) == 15
    assert name_points(name_words("Hachette Livre"), ["Livre de Poche"]) == 7
    assert name_points(frozenset(), ["Hachette"]) == 0


# --- Queries -------------------------------------------------------------------------------------------


def lines_with_records(n: int) -> list[int]:
    lines = []
    for i in range(n):
        amount = D("10.00") + i
        make_expense(date=date(2024, 3, 1 + i % 28), amount=amount, reference=f"EXP-Q-{n}-{i}")
        lines.append(Line(date(2024, 3, 1 + i % 28), f"-{amount}", description=f"EXP-Q-{n}-{i}"))
        make_receipt(date=date(2024, 3, 1 + i % 28), amount=amount, reference=f"REC-Q-{n}-{i}")
        lines.append(Line(date(2024, 3, 1 + i % 28), f"{amount}", name="Junta"))
    return import_lines(*sorted(lines, key=lambda line: line.on))


def queries_to_suggest(ids: list[int]) -> tuple[int, list[LineSuggestions]]:
    lines = bank_lines(ids=ids)
    with CaptureQueriesContext(connection) as queries:
        found = suggest(lines)
    return len(queries), found


def test_suggesting_for_a_batch_takes_as_many_queries_for_5_lines_as_for_50() -> None:
    few, found_few = queries_to_suggest(lines_with_records(3)[:5])
    many, found_many = queries_to_suggest(lines_with_records(25))

    assert len(found_many) == 50
    assert all(f.suggestions for f in found_few + found_many)
    assert few == many
    assert many <= 10
