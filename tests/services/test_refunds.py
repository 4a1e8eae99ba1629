"""Refunds (domain v2): money paid back raises the amount due and comes off the cash basis."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from services import actions
from services import validation as v
from services.models import Client, Invoice, Payment, Refund
from services.selectors import ClientRevenue, ServicesYear, services_years
from smartiberica.board.figures import yearly_figures
from smartiberica.kernel.money import format_money
from tests.services.factories import (
    line,
    make_client,
    make_invoice,
    make_payment,
    make_refund,
    service,
)
from tests.services.helpers import error_codes


def services_year(*, year: int, basis: str = "accrual") -> ServicesYear:
    """One year of the batched selector: the one computation of the services figures."""
    return services_years(years=[year], basis=basis)[year]  # type: ignore[arg-type]


pytestmark = pytest.mark.django_db
D = Decimal


def paid_then_credited(client: Client) -> Invoice:
    """544,50 € (450 net + 21 % VAT) paid in full, then credited −121 € (−100 net): 121 € to give back."""
    invoice = make_invoice(client=client, lines=[line("450.00")])
    make_payment(invoice=invoice, date=date(2024, 3, 20), amount=D("544.50"))
    actions.credit_note_create(
        invoice=invoice, issue_date=date(2024, 4, 1), lines=[line("-100.00")], status="issued"
    )
    return invoice


def refund_message(amount: str, refundable: str, number: str = "F2024-0001") -> str:
    return str(
        v.ERR_REFUND_EXCEEDS_PAID
        % {"amount": format_money(D(amount)), "refundable": format_money(D(refundable)), "number": number}
    )


# --- The rules ------------------------------------------------------------------------------------


def test_a_refund_of_what_a_later_credit_note_cancelled_settles_the_invoice(acme: Client) -> None:
    invoice = paid_then_credited(acme)
    before = invoice.balance()
    assert (before.amount_due, before.to_refund) == (D("0.00"), D("121.00"))
    with pytest.raises(ValidationError):
        actions.payment_record(invoice=invoice, date=date(2024, 4, 2), amount=D("0.01"))
    refund = actions.refund_record(
        invoice=invoice, date=date(2024, 4, 10), amount=D("121.00"), reference="T-1"
    )
    after = invoice.balance()
    assert (after.owed, after.amount_due, after.to_refund) == (D("0.00"), D("0.00"), D("0.00"))
    assert (refund.net_amount, refund.reference) == (D("100.00"), "T-1")
    assert Invoice.objects.paid().filter(pk=invoice.pk).exists()


@time_machine.travel("2024-03-10 10:00:00+01:00")
def test_a_refund_raises_the_amount_due(acme: Client) -> None:
    invoice = make_invoice(client=acme)  # 121.00, due on 31 March
    make_payment(invoice=invoice, amount=D("121.00"))
    assert Invoice.objects.with_balance().get(pk=invoice.pk).payment_state == "paid"
    make_refund(invoice=invoice, amount=D("21.00"))
    listed = Invoice.objects.with_balance().get(pk=invoice.pk)
    # (django-stubs cannot see the fields `with_balance()` annotates.)
    assert (listed.paid_total, listed.refunded_total, listed.balance_due) == (  # type: ignore[attr-defined]
        D("121.00"),
        D("21.00"),
        D("21.00"),
    )
    assert listed.payment_state == "partial"
    assert Invoice.objects.partially_paid().filter(pk=invoice.pk).exists()
    with pytest.raises(ValidationError) as error:
        actions.payment_record(invoice=invoice, date=date(2024, 3, 25), amount=D("21.01"))
    assert error_codes(error.value) == ["payment_exceeds_amount_due"]
    actions.payment_record(invoice=invoice, date=date(2024, 3, 25), amount=D("21.00"))
    assert invoice.balance().amount_due == D("0.00")


@time_machine.travel("2024-03-10 10:00:00+01:00")
def test_an_invoice_whose_payment_was_sent_back_in_full_is_unpaid_not_partial(acme: Client) -> None:
    invoice = make_payment(invoice=make_invoice(client=acme), amount=D("121.00")).invoice
    make_refund(invoice=invoice, amount=D("121.00"))
    assert Invoice.objects.with_balance().get(pk=invoice.pk).payment_state == "not_due"
    assert not Invoice.objects.partially_paid().filter(pk=invoice.pk).exists()
    assert Invoice.objects.unpaid().filter(pk=invoice.pk).exists()


def test_refunds_never_exceed_what_the_invoice_received(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    with pytest.raises(ValidationError) as error:
        make_refund(invoice=invoice, amount=D("1.00"))
    assert error.value.message_dict["amount"] == [refund_message("1.00", "0.00")]
    make_payment(invoice=invoice, amount=D("100.00"))
    make_refund(invoice=invoice, amount=D("60.00"))
    with pytest.raises(ValidationError) as error:
        make_refund(invoice=invoice, amount=D("40.01"))
    assert error.value.message_dict["amount"] == [refund_message("40.01", "40.00")]
    make_refund(invoice=invoice, amount=D("40.00"))
    # Everything received was paid back: the amount due is the whole gross again, never more.
    assert invoice.balance().amount_due == invoice.gross_amount == D("121.00")


def test_the_refund_message_shows_the_amounts_as_the_reader_writes_them(acme: Client) -> None:
    invoice = make_invoice(client=acme, lines=[line("1000.00")])
    make_payment(invoice=invoice, amount=D("1000.00"))
    with pytest.raises(ValidationError) as error:
        make_refund(invoice=invoice, amount=D("1000.01"))
    with translation.override("en"):
        assert error.value.message_dict["amount"] == [
            "This refund of €1,000.01 is more than the €1,000.00 received for invoice F2024-0001 "
            "and not yet paid back."
        ]
    with translation.override("es"):
        assert "1.000,01\u00a0€" in error.value.message_dict["amount"][0]


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_no_refund_on_a_draft_or_cancelled_invoice(acme: Client, status: str) -> None:
    invoice = make_invoice(client=acme, status=status)
    with pytest.raises(ValidationError) as error:
        make_refund(invoice=invoice, amount=D("1.00"))
    assert error.value.message_dict["invoice"] == [str(v.ERR_REFUND_INVOICE_NOT_ISSUED)]
    assert not Refund.objects.exists()


def test_no_refund_on_a_credit_note(acme: Client) -> None:
    note = actions.credit_note_create(
        invoice=make_invoice(client=acme), issue_date=date(2024, 3, 2), status="issued"
    )
    with pytest.raises(ValidationError) as error:
        make_refund(invoice=note, amount=D("1.00"))
    assert error.value.message_dict["invoice"] == [str(v.ERR_REFUND_ON_CREDIT_NOTE)]


def test_a_refund_must_be_positive(acme: Client) -> None:
    invoice = make_payment(invoice=make_invoice(client=acme)).invoice
    for amount in (D("0"), D("-5.00")):
        with pytest.raises(ValidationError) as error:
            make_refund(invoice=invoice, amount=amount)
        assert error.value.message_dict["amount"] == [str(v.ERR_REFUND_NOT_POSITIVE)]


def test_editing_a_refund_leaves_its_own_amount_out_and_recomputes_its_net_part(acme: Client) -> None:
    invoice = make_payment(invoice=make_invoice(client=acme), amount=D("121.00")).invoice
    refund = make_refund(invoice=invoice, amount=D("10.00"))
    assert refund.net_amount == D("8.26")
    refund.amount = D("121.00")
    actions.refund_save(refund=refund)
    refund.refresh_from_db()
    assert refund.net_amount == D("100.00")
    refund.amount = D("121.01")
    with pytest.raises(ValidationError):
        actions.refund_save(refund=refund)
    assert Refund.objects.get().amount == D("121.00")


def test_a_payment_cannot_be_lowered_nor_deleted_below_the_refunds(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    payment = make_payment(invoice=invoice, amount=D("121.00"))
    refund = make_refund(invoice=invoice, amount=D("100.00"))
    payment.amount = D("99.99")
    with pytest.raises(ValidationError) as error:
        actions.payment_save(payment=payment)
    assert error_codes(error.value) == ["payments_below_refunds"]
    with pytest.raises(ValidationError) as error:
        actions.payment_delete(payment=Payment.objects.get())
    assert error_codes(error.value) == ["payments_below_refunds"]
    assert Payment.objects.get().amount == D("121.00")
    actions.refund_delete(refund=refund)
    actions.payment_delete(payment=Payment.objects.get())
    assert not Payment.objects.exists()
    assert invoice.balance().amount_due == D("121.00")


def test_moving_a_payment_to_another_invoice_keeps_the_refunds_of_the_first_covered(acme: Client) -> None:
    first = make_invoice(client=acme)
    second = make_invoice(client=acme, issue_date=date(2024, 3, 2))
    payment = make_payment(invoice=first, amount=D("50.00"))
    make_refund(invoice=first, amount=D("10.00"))
    payment.invoice = second
    with pytest.raises(ValidationError) as error:
        actions.payment_save(payment=payment)
    assert error_codes(error.value) == ["payments_below_refunds"]
    assert Payment.objects.get().invoice_id == first.pk


def test_records_wipe_deletes_refunds_too(acme: Client) -> None:
    make_refund(invoice=make_payment(invoice=make_invoice(client=acme)).invoice)
    actions.records_wipe()
    assert not Refund.objects.exists()
    assert not Invoice.objects.exists()


# --- The cash basis ---------------------------------------------------------------------------


@pytest.fixture
def cash_story(acme: Client, hachette: Client) -> None:
    """Two invoices paid in March 2024, refunds in May and June 2024 and in January 2025.

    A: acme, it-licensing, 450.00 net + 94.50 VAT = 544.50; paid in full (net 450.00), then a
       credit note of −121.00 and its refund of 121.00 on 10 May: net round(121 × 450 / 544.50) = 100.00.
    B: hachette, project-support, 333.33 net + 70.00 VAT = 403.33; paid in full (net 333.33);
       refunds of 50.00 on 15 June (net round(50 × 333.33 / 403.33) = round(41.3222) = 41.32)
       and of 10.00 on 20 January 2025 (net round(8.2644) = 8.26).
    """
    a = paid_then_credited(acme)
    b = make_invoice(
        client=hachette,
        service_line=service("project-support"),
        issue_date=date(2024, 3, 2),
        lines=[line("333.33")],
    )
    assert b.gross_amount == D("403.33")
    make_payment(invoice=b, date=date(2024, 3, 25), amount=D("403.33"))
    make_refund(invoice=a, date=date(2024, 5, 10), amount=D("121.00"))
    make_refund(invoice=b, date=date(2024, 6, 15), amount=D("50.00"))
    make_refund(invoice=b, date=date(2025, 1, 20), amount=D("10.00"))
    assert sorted(Refund.objects.values_list("net_amount", flat=True)) == [D("8.26"), D("41.32"), D("100.00")]


@pytest.mark.usefixtures("cash_story")
def test_the_cash_revenue_of_a_year_is_its_payments_net_less_its_refunds_net() -> None:
    figures = services_year(year=2024, basis="cash")
    assert figures.services_revenue == D("783.33") - D("141.32") == D("642.01")
    assert figures.revenue_by_service["it-licensing"] == D("350.00")
    assert figures.revenue_by_service["project-support"] == D("292.01")
    assert [(c.name, c.amount) for c in figures.revenue_by_client] == [
        ("Acme Ediciones SL", D("350.00")),
        ("Hachette Livre España", D("292.01")),
    ]
    assert figures.revenue_by_month == {m: D("0.00") for m in range(1, 13)} | {
        3: D("783.33"),
        5: D("-100.00"),
        6: D("-41.32"),
    }
    # The accrual basis does not see refunds: 450.00 − 100.00 + 333.33.
    assert services_year(year=2024).services_revenue == D("683.33")


@pytest.mark.usefixtures("cash_story")
def test_a_year_with_only_a_refund_has_a_negative_cash_revenue() -> None:
    figures = services_year(year=2025, basis="cash")
    assert figures.services_revenue == D("-8.26")
    assert figures.revenue_by_service["project-support"] == D("-8.26")
    assert figures.revenue_by_client == [
        ClientRevenue(
            client_id=Client.objects.get(tax_id="A28004885").pk,
            name="Hachette Livre España",
            tax_id="A28004885",
            amount=D("-8.26"),
        )
    ]


@pytest.mark.usefixtures("cash_story")
def test_all_years_at_once_subtract_the_same_refunds() -> None:
    many = services_years(years=[2023, 2024, 2025], basis="cash")
    for year in (2023, 2024, 2025):
        assert many[year] == services_year(year=year, basis="cash")
    assert yearly_figures(year=2024, basis="cash").as_json()["services_revenue"] == "642.01"


def test_the_refunds_cost_one_query_on_the_cash_basis_whatever_their_number(acme: Client) -> None:
    invoices = [make_invoice(client=acme, issue_date=date(2024, 3, day)) for day in range(1, 9)]
    for invoice in invoices:
        make_payment(invoice=invoice, amount=D("121.00"))
    make_refund(invoice=invoices[0], amount=D("1.00"))
    with CaptureQueriesContext(connection) as one:
        services_years(years=[2024], basis="cash", source="raw")
    for day, invoice in enumerate(invoices[1:], start=1):
        make_refund(invoice=invoice, date=date(2024, day, 10), amount=D("2.00"))
    with CaptureQueriesContext(connection) as eight:
        figures = services_years(years=[2024], basis="cash", source="raw")[2024]
    with CaptureQueriesContext(connection) as accrual:
        services_years(years=[2024], source="raw")
    assert len(eight) == len(one) == len(accrual) + 1
    assert figures.services_revenue == D("800.00") - D("0.83") - 7 * D("1.65")
    # Since issue 17 the pages read the rollups, whose cash rows have the refunds taken off
    # already: no query for the refunds at all.
    with CaptureQueriesContext(connection) as rolled_cash:
        assert services_year(year=2024, basis="cash") == figures
    with CaptureQueriesContext(connection) as rolled_accrual:
        services_year(year=2024)
    assert len(rolled_cash) == len(rolled_accrual) == len(accrual)


# --- The admin ---------------------------------------------------------------------------------


def test_the_invoice_page_lists_credit_notes_payments_refunds_and_the_amount_due_with_links(
    staff_client: HttpClient, acme: Client
) -> None:
    invoice = paid_then_credited(acme)
    credit_note = invoice.credit_notes.get()
    payment = invoice.payments.get()
    page = staff_client.get(reverse("admin:services_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("admin:services_invoice_change", args=[credit_note.pk]) in content
    assert reverse("admin:services_payment_change", args=[payment.pk]) in content
    assert "0,00\u00a0€ (121,00\u00a0€ a reembolsar al cliente)" in content
    refund = make_refund(invoice=invoice, amount=D("121.00"))
    content = staff_client.get(reverse("admin:services_invoice_change", args=[invoice.pk])).content.decode()
    assert reverse("admin:services_refund_change", args=[refund.pk]) in content
    assert "a reembolsar al cliente" not in content
    invoice_url = reverse("admin:services_invoice_change", args=[invoice.pk])
    for url in (
        reverse("admin:services_payment_change", args=[payment.pk]),
        reverse("admin:services_refund_change", args=[refund.pk]),
        reverse("admin:services_invoice_change", args=[credit_note.pk]),
    ):
        assert f'href="{invoice_url}"' in staff_client.get(url).content.decode(), url


def test_the_invoice_form_still_saves_without_the_read_only_lists(
    staff_client: HttpClient, acme: Client
) -> None:
    invoice = make_invoice(client=acme)
    response = staff_client.post(
        reverse("admin:services_invoice_change", args=[invoice.pk]),
        {"notes": "Checked", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.context["errors"]
    invoice.refresh_from_db()
    assert invoice.notes == "Checked"


def test_a_refund_entered_in_the_admin_stores_its_net_part_and_is_capped(
    staff_client: HttpClient, acme: Client
) -> None:
    invoice = make_payment(invoice=make_invoice(client=acme), amount=D("60.50")).invoice
    data = {"invoice": str(invoice.pk), "date": "2024-04-01", "amount": "60,51", "reference": "DEV-1"}
    response = staff_client.post(reverse("admin:services_refund_add"), data)
    assert response.status_code == 200
    assert refund_message("60.51", "60.50") in response.context["adminform"].form.errors["amount"]
    data["amount"] = "60,50"
    assert staff_client.post(reverse("admin:services_refund_add"), data).status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.net_amount, refund.reference) == (D("60.50"), D("50.00"), "DEV-1")


def test_deleting_in_the_admin_goes_through_the_actions(staff_client: HttpClient, acme: Client) -> None:
    invoice = make_invoice(client=acme)
    payment = make_payment(invoice=invoice, amount=D("121.00"))
    refund = make_refund(invoice=invoice, amount=D("21.00"))
    response = staff_client.post(
        reverse("admin:services_payment_delete", args=[payment.pk]), {"post": "yes"}, follow=True
    )
    assert any("F2024-0001" in str(m) for m in response.context["messages"])
    assert Payment.objects.filter(pk=payment.pk).exists()
    staff_client.post(reverse("admin:services_refund_delete", args=[refund.pk]), {"post": "yes"})
    assert not Refund.objects.exists()
    staff_client.post(reverse("admin:services_payment_delete", args=[payment.pk]), {"post": "yes"})
    assert not Payment.objects.exists()


def test_the_refund_list_filters_by_year_and_finds_an_invoice_number(
    staff_client: HttpClient, acme: Client
) -> None:
    first = make_payment(invoice=make_invoice(client=acme)).invoice
    second = make_payment(invoice=make_invoice(client=acme, issue_date=date(2024, 3, 2))).invoice
    early = make_refund(invoice=first, date=date(2024, 5, 1))
    late = make_refund(invoice=second, date=date(2025, 1, 5))
    changelist = reverse("admin:services_refund_changelist")

    def shown(**params: str) -> set[int]:
        return {r.pk for r in staff_client.get(changelist, params).context["cl"].result_list}

    assert shown(date_year="2024") == {early.pk}
    assert shown(q="F2024-0002") == {late.pk}


def test_the_refund_list_costs_the_same_queries_for_one_and_many_rows(staff_client: HttpClient) -> None:
    def add(day: int) -> None:
        client = make_client(name=f"Refunded {day:02d}")
        invoice = make_payment(invoice=make_invoice(client=client, issue_date=date(2024, 3, day))).invoice
        make_refund(invoice=invoice)

    add(1)
    changelist = reverse("admin:services_refund_changelist")
    staff_client.get(changelist)
    with CaptureQueriesContext(connection) as one:
        staff_client.get(changelist)
    for day in range(2, 12):
        add(day)
    with CaptureQueriesContext(connection) as eleven:
        response = staff_client.get(changelist)
    assert len(response.context["cl"].result_list) == 11
    assert len(eleven) == len(one)


def test_board_members_read_refunds_but_cannot_add_them(board_client: HttpClient) -> None:
    assert board_client.get(reverse("admin:services_refund_changelist")).status_code == 200
    assert board_client.get(reverse("admin:services_refund_add")).status_code == 403
