from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import actions
from services.models import Client, Contract, Invoice, MarginRule, MemberTurnover, Payment
from tests.services.factories import (
    line,
    make_client,
    make_contract,
    make_invoice,
    make_payment,
    make_refund,
    service,
)

pytestmark = pytest.mark.django_db
D = Decimal

MODELS = [
    "invoice",
    "payment",
    "contract",
    "client",
    "partner",
    "serviceline",
    "revenuetarget",
    "memberturnover",
    "marginrule",
]


def changelist(model: str) -> str:
    return reverse(f"admin:services_{model}_changelist")


def result_pks(response: Any) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("model", MODELS)
def test_staff_open_every_list_and_add_page(staff_client: HttpClient, model: str) -> None:
    assert staff_client.get(changelist(model)).status_code == 200
    assert staff_client.get(reverse(f"admin:services_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_board_members_read_but_cannot_add(board_client: HttpClient, model: str) -> None:
    assert board_client.get(changelist(model)).status_code == 200
    assert board_client.get(reverse(f"admin:services_{model}_add")).status_code == 403


def test_board_members_see_an_invoice_read_only_and_no_actions(
    board_client: HttpClient, acme: Client
) -> None:
    invoice = make_invoice(client=acme, status="draft")
    page = board_client.get(reverse("admin:services_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    listing = board_client.get(changelist("invoice"))
    assert listing.context["cl"].model_admin.get_actions(listing.wsgi_request) == {}
    refused = board_client.post(
        changelist("invoice"), {"action": "mark_issued", "_selected_action": [invoice.pk]}
    )
    assert refused.status_code in (200, 302, 403)
    invoice.refresh_from_db()
    assert invoice.status == "draft"


def make_rows(model: str, count: int, start: int) -> None:
    for i in range(start, start + count):
        client = make_client(name=f"Bulk {i:03d}")
        if model == "client":
            continue
        # In date order: the app numbers a series in date order.
        invoice = make_invoice(client=client, issue_date=date(2024, 1, 1) + timedelta(days=i))
        if model == "payment":
            make_payment(invoice=invoice, amount=D("10.00"))
        if model == "refund":
            make_payment(invoice=invoice, amount=D("121.00"))
            make_refund(invoice=invoice, amount=D("21.00"))
        if model == "contract":
            make_contract(client=client)


@pytest.mark.parametrize("model", ["invoice", "payment", "refund", "contract", "client"])
def test_a_list_costs_the_same_queries_for_one_and_fifty_rows(staff_client: HttpClient, model: str) -> None:
    make_rows(model, 1, 0)
    staff_client.get(changelist(model))  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(changelist(model)).status_code == 200
    make_rows(model, 49, 1)
    with CaptureQueriesContext(connection) as fifty:
        response = staff_client.get(changelist(model))
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]
    assert not any("DISTINCT" in q["sql"].upper() for q in fifty.captured_queries)


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        ("invoice", ["net_amount", "vat_amount", "gross_amount"]),
        ("payment", ["amount", "net_amount"]),
        ("refund", ["amount", "net_amount"]),
    ],
)
def test_a_money_list_shows_the_totals_of_every_filtered_row_in_one_query(
    staff_client: HttpClient, model: str, fields: list[str]
) -> None:
    make_rows(model, 3, 0)
    staff_client.get(changelist(model))  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(changelist(model), {"q": "Bulk 00", "o": "1"})
    sums = [q["sql"] for q in queries.captured_queries if '"total_' in q["sql"]]
    assert len(sums) == 1, sums
    assert "LIMIT" not in sums[0].upper()  # every filtered row, not the page
    totals = response.context["filtered_totals"]
    assert [t.field for t in totals] == fields
    assert response.context["filtered_total"] == totals[0].value
    per_row = {"invoice": D("121.00"), "payment": D("10.00"), "refund": D("21.00")}[model]
    assert totals[fields.index("gross_amount" if model == "invoice" else "amount")].value == 3 * per_row
    assert f'data-total-field="{fields[0]}"' in response.content.decode()


@pytest.mark.parametrize("model", ["invoice", "payment", "contract", "client"])
def test_a_filtered_list_does_not_count_the_whole_table(staff_client: HttpClient, model: str) -> None:
    make_rows(model, 3, 0)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(changelist(model), {"q": "Bulk 001"})
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts  # the filtered count only, no full-table count
    assert response.context["cl"].full_result_count is None


def test_the_documented_drill_down_parameters_filter_invoices(staff_client: HttpClient, acme: Client) -> None:
    make_invoice(client=acme, issue_date=date(2023, 6, 1))
    wanted = make_invoice(client=acme, issue_date=date(2024, 6, 1))
    make_invoice(client=acme, issue_date=date(2024, 6, 1), status="draft")
    make_invoice(client=acme, issue_date=date(2024, 6, 1), service_line=service("prl-training"))
    make_invoice(client=make_client(), issue_date=date(2024, 6, 1))
    url = (
        f"{changelist('invoice')}?issue_date_year=2024&status__exact=issued"
        f"&service_line__code__exact=it-licensing&client__id__exact={acme.pk}"
    )
    response = staff_client.get(url)
    assert response.status_code == 200
    assert result_pks(response) == {wanted.pk}


def test_payment_and_contract_drill_downs_work(staff_client: HttpClient, acme: Client) -> None:
    payment = make_payment(invoice=make_invoice(client=acme), date=date(2024, 4, 1), amount=D("5.00"))
    make_payment(invoice=make_invoice(client=make_client()), date=date(2024, 4, 1), amount=D("5.00"))
    make_payment(invoice=payment.invoice, date=date(2025, 4, 1), amount=D("5.00"))
    response = staff_client.get(
        f"{changelist('payment')}?date_year=2024&invoice__service_line__code__exact=it-licensing"
        f"&invoice__client__id__exact={acme.pk}&method__exact=transfer"
    )
    assert result_pks(response) == {payment.pk}
    contract = make_contract(client=acme)
    make_contract(client=acme, status="draft")
    response = staff_client.get(
        f"{changelist('contract')}?status__exact=active&kind__exact=recurring"
        f"&service_line__code__exact=it-licensing&client__id__exact={acme.pk}"
    )
    assert result_pks(response) == {contract.pk}


@time_machine.travel("2024-06-01 10:00:00+02:00")
def test_the_payment_and_credit_note_filters_work(staff_client: HttpClient, acme: Client) -> None:
    overdue = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    paid = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    make_payment(invoice=paid, amount=D("121.00"))
    note = actions.credit_note_create(
        invoice=paid, issue_date=date(2024, 3, 2), lines=[line("-1.00")], status="issued"
    )
    assert result_pks(staff_client.get(f"{changelist('invoice')}?payment=overdue")) == {overdue.pk}
    assert result_pks(staff_client.get(f"{changelist('invoice')}?payment=paid")) == {paid.pk}
    assert result_pks(staff_client.get(f"{changelist('invoice')}?credit_note=yes")) == {note.pk}


def test_search_finds_invoices_by_number_prefix_client_name_or_tax_id(
    staff_client: HttpClient, acme: Client
) -> None:
    mine = make_invoice(client=acme)
    other = make_invoice(client=make_client(name="Other SL"))
    assert result_pks(staff_client.get(changelist("invoice"), {"q": "F2024-0001"})) == {mine.pk}
    assert result_pks(staff_client.get(changelist("invoice"), {"q": "F2024"})) == {mine.pk, other.pk}
    assert result_pks(staff_client.get(changelist("invoice"), {"q": "2024-0001"})) == set()
    assert result_pks(staff_client.get(changelist("invoice"), {"q": "acme"})) == {mine.pk}
    assert result_pks(staff_client.get(changelist("invoice"), {"q": "b-58818501"})) == {mine.pk}


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def invoice_form(client: Client, lines: list[tuple[str, str, str, str]], **header: str) -> dict[str, str]:
    data = {
        "series": "F",
        "number": "",
        "client": str(client.pk),
        "contract": "",
        "service_line": str(service().pk),
        "corrects": "",
        "issue_date": "2024-05-02",
        "due_date": "",
        "notes": "",
        **management("lines", len(lines)),
        **management("payments", 0),
    }
    for i, (description, quantity, price, vat) in enumerate(lines):
        data |= {
            f"lines-{i}-description": description,
            f"lines-{i}-quantity": quantity,
            f"lines-{i}-unit_price": price,
            f"lines-{i}-vat_rate": vat,
        }
    data.update(header)
    return data


def test_an_invoice_is_entered_on_one_page_and_its_totals_computed(
    staff_client: HttpClient, acme: Client
) -> None:
    data = invoice_form(acme, [("Teams licences", "40", "12", "21"), ("Set-up", "1", "100", "10")])
    response = staff_client.post(reverse("admin:services_invoice_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    invoice = Invoice.objects.get()
    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (
        D("580.00"),
        D("110.80"),
        D("690.80"),
    )
    assert (invoice.status, invoice.number, invoice.due_date) == ("draft", None, date(2024, 6, 1))
    page = staff_client.get(reverse("admin:services_invoice_change", args=[invoice.pk]))
    assert "services-invoice-totals" in page.content.decode()
    assert "services/admin.css" in page.content.decode()


def test_editing_a_draft_recomputes_its_totals(staff_client: HttpClient, acme: Client) -> None:
    invoice = make_invoice(client=acme, status="draft")
    existing = invoice.lines.get()
    data = invoice_form(acme, [("Service", "3", "100", "21")], issue_date="2024-03-01")
    data |= management("lines", 1, initial=1) | {
        "lines-0-id": str(existing.pk),
        "lines-0-invoice": str(invoice.pk),
    }
    response = staff_client.post(reverse("admin:services_invoice_change", args=[invoice.pk]), data)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.net_amount, invoice.gross_amount) == (D("300.00"), D("363.00"))


def test_the_invoice_form_shows_the_rules_as_errors(staff_client: HttpClient, acme: Client) -> None:
    data = invoice_form(acme, [("Refund", "1", "-50", "21")], due_date="2024-05-01")
    response = staff_client.post(reverse("admin:services_invoice_add"), data)
    assert response.status_code == 200
    errors = str(response.context["errors"])
    assert "La fecha de vencimiento no puede ser anterior a la fecha de emisión." in errors
    assert not Invoice.objects.exists()


def test_an_excessive_credit_note_is_refused_by_the_form(staff_client: HttpClient, acme: Client) -> None:
    original = make_invoice(client=acme)
    data = invoice_form(acme, [("Credit", "-2", "100", "21")], corrects=str(original.pk), series="R")
    response = staff_client.post(reverse("admin:services_invoice_add"), data)
    assert response.status_code == 200
    assert "más que su" in str(response.context["errors"])
    assert not original.credit_notes.exists()


def test_an_issued_invoice_is_read_only_but_its_notes(staff_client: HttpClient, acme: Client) -> None:
    invoice = make_invoice(client=acme)
    page = staff_client.get(reverse("admin:services_invoice_change", args=[invoice.pk]))
    admin_form = page.context["adminform"]
    assert set(admin_form.form.fields) == {"notes"}
    lines_formset = page.context["inline_admin_formsets"][0]
    assert lines_formset.has_add_permission is False


def test_the_mark_as_issued_action_numbers_drafts_and_reports_errors(
    staff_client: HttpClient, acme: Client
) -> None:
    drafts = [make_invoice(client=acme, status="draft", issue_date=date(2024, 2, d)) for d in (2, 1)]
    empty = actions.invoice_create(client=acme, service_line=service(), issue_date=date(2024, 2, 3), lines=[])
    response = staff_client.post(
        changelist("invoice"),
        {"action": "mark_issued", "_selected_action": [d.pk for d in drafts] + [empty.pk]},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert "2 facturas emitidas." in texts
    assert any("al menos una línea" in t for t in texts)
    assert [Invoice.objects.get(pk=d.pk).number for d in drafts] == ["F2024-0002", "F2024-0001"]


@time_machine.travel("2024-07-01 10:00:00+02:00")
def test_the_record_full_payment_action_pays_the_balance_today(
    staff_client: HttpClient, acme: Client
) -> None:
    invoice = make_invoice(client=acme)
    make_payment(invoice=invoice, amount=D("21.00"))
    response = staff_client.post(
        changelist("invoice"),
        {"action": "record_full_payment", "_selected_action": [invoice.pk]},
        follow=True,
    )
    assert "1 cobro registrado." in [str(m) for m in response.context["messages"]]
    payment = invoice.payments.order_by("-id").first()
    assert payment is not None
    assert (payment.amount, payment.date, payment.net_amount) == (D("100.00"), date(2024, 7, 1), D("82.64"))


def test_the_cancel_action_refuses_an_invoice_with_payments(staff_client: HttpClient, acme: Client) -> None:
    invoice = make_payment(invoice=make_invoice(client=acme), amount=D("1.00")).invoice
    staff_client.post(changelist("invoice"), {"action": "cancel_invoices", "_selected_action": [invoice.pk]})
    invoice.refresh_from_db()
    assert invoice.status == "issued"


def test_a_payment_entered_in_the_admin_stores_its_net_part(staff_client: HttpClient, acme: Client) -> None:
    invoice = make_invoice(client=acme)
    data = {
        "invoice": str(invoice.pk),
        "date": "2024-04-01",
        "amount": "60.50",
        "method": "transfer",
        "reference": "",
    }
    response = staff_client.post(reverse("admin:services_payment_add"), data)
    assert response.status_code == 302
    assert Payment.objects.get().net_amount == D("50.00")
    data["amount"] = "60.51"
    response = staff_client.post(reverse("admin:services_payment_add"), data)
    assert response.status_code == 200
    assert "60,51\u00a0€" in str(response.context["errors"])  # the amount due message, amounts as shown
    assert Payment.objects.count() == 1


def test_the_invoice_autocomplete_for_payments_offers_issued_invoices_only(
    staff_client: HttpClient, acme: Client
) -> None:
    issued = make_invoice(client=acme)
    make_invoice(client=acme, status="draft")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "services", "model_name": "payment", "field_name": "invoice", "term": "acme"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(issued.pk)]


def test_deleting_a_client_with_invoices_is_refused_in_the_admin(
    staff_client: HttpClient, acme: Client
) -> None:
    make_invoice(client=acme)
    url = reverse("admin:services_client_delete", args=[acme.pk])
    page = staff_client.get(url)
    assert page.context["protected"]
    assert "requeriría eliminar los siguientes objetos relacionados protegidos" in page.content.decode()
    staff_client.post(url, {"post": "yes"})
    assert Client.objects.filter(pk=acme.pk).exists()


def test_a_client_without_invoices_can_be_deleted(staff_client: HttpClient) -> None:
    client = make_client()
    staff_client.post(reverse("admin:services_client_delete", args=[client.pk]), {"post": "yes"})
    assert not Client.objects.filter(pk=client.pk).exists()


def test_the_client_form_normalises_and_validates_the_tax_id(staff_client: HttpClient) -> None:
    add = reverse("admin:services_client_add")
    base = {"name": "Acme", "contact": "", "email": "", "notes": "", "payment_terms_days": "30"}
    base |= {"vat_regime": "domestic"}  # the form's initial values, as a browser posts them
    assert staff_client.post(add, base | {"tax_id": "b-58818501"}).status_code == 302
    assert Client.objects.get().tax_id == "B58818501"
    response = staff_client.post(add, base | {"tax_id": "B58818502"})
    assert "no es un NIF" in str(response.context["errors"])
    response = staff_client.post(add, base | {"tax_id": "US-12-3456789", "is_foreign": "on"})
    assert response.status_code == 302


@time_machine.travel("2024-03-10 10:00:00+01:00")
def test_the_contract_action_drafts_the_current_period_once(staff_client: HttpClient, acme: Client) -> None:
    recurring = make_contract(client=acme, start_date=date(2024, 1, 15))
    fixed = make_contract(client=acme, kind="fixed_fee", billing_period="", fixed_amount=D("10"))
    post = {"action": "draft_current_period_invoices", "_selected_action": [recurring.pk, fixed.pk]}
    response = staff_client.post(changelist("contract"), post, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert "1 borrador de factura creado." in texts
    assert any("1 contrato omitido" in t for t in texts)
    staff_client.post(changelist("contract"), post)
    drafted = Invoice.objects.get(contract=recurring)
    assert (drafted.period_start, drafted.status) == (date(2024, 2, 15), "draft")
    assert not Contract.objects.get(pk=fixed.pk).invoices.exists()


def test_member_turnover_list_shows_the_rates_applied(
    staff_client: HttpClient, historical_rule: MarginRule
) -> None:
    actions.member_turnover_record(month=date(2024, 1, 1), turnover=D("1000.00"))
    response = staff_client.get(changelist("memberturnover"))
    content = response.content.decode()
    assert "5,50 + 2,00" in content  # in the reader's language (Spanish)
    assert "55,00" in content


def test_a_banded_rule_without_a_zero_band_is_refused_by_the_form(staff_client: HttpClient) -> None:
    data = {
        "name": "Pilot",
        "valid_from": "2020-01-01",
        "valid_to": "",
        "kind": "banded",
        "structure_rate": "",
        "fund_rate": "",
        **management("bands", 1),
        "bands-0-lower_bound": "1000",
        "bands-0-structure_rate": "5",
        "bands-0-fund_rate": "2",
    }
    response = staff_client.post(reverse("admin:services_marginrule_add"), data)
    assert response.status_code == 200
    assert not MarginRule.objects.exists()
    data["bands-0-lower_bound"] = "0"
    assert staff_client.post(reverse("admin:services_marginrule_add"), data).status_code == 302


def test_a_month_form_refuses_a_day_other_than_the_first(
    staff_client: HttpClient, historical_rule: MarginRule
) -> None:
    data = {
        "month": "2024-01-15",
        "turnover": "100",
        "active_members": "",
        "structure_rate": "",
        "fund_rate": "",
    }
    response = staff_client.post(reverse("admin:services_memberturnover_add"), data)
    assert response.status_code == 200
    assert not MemberTurnover.objects.exists()


def test_revenue_targets_show_the_actual_revenue(staff_client: HttpClient, acme: Client) -> None:
    actions.revenue_target_set(service_line=service(), year=2024, amount=D("400.00"))
    make_invoice(client=acme, issue_date=date(2023, 2, 1))
    make_invoice(client=acme, issue_date=date(2024, 2, 1))
    response = staff_client.get(f"{changelist('revenuetarget')}?year=2024")
    [target] = response.context["cl"].result_list
    assert target.actual == D("100.00")
    assert "25,0\u00a0%" in response.content.decode()


def test_only_draft_invoices_can_be_deleted(staff_client: HttpClient, acme: Client) -> None:
    issued = make_invoice(client=acme)
    draft = make_invoice(client=acme, status="draft")
    assert staff_client.get(reverse("admin:services_invoice_delete", args=[issued.pk])).status_code == 403
    staff_client.post(reverse("admin:services_invoice_delete", args=[draft.pk]), {"post": "yes"})
    assert list(Invoice.objects.all()) == [issued]
    listing = staff_client.get(changelist("invoice"))
    assert "delete_selected" not in listing.context["cl"].model_admin.get_actions(listing.wsgi_request)


@time_machine.travel("2024-05-01 10:00:00+02:00")
def test_the_contract_list_shows_the_revenue_expected_this_year(
    staff_client: HttpClient, acme: Client
) -> None:
    make_contract(client=acme, start_date=date(2024, 7, 1))  # 6 × 40 × 12
    response = staff_client.get(changelist("contract"))
    assert "2.880,00\u00a0€" in response.content.decode()


@pytest.mark.django_db
def test_the_client_filter_lists_only_the_chosen_client_when_there_are_many(
    staff_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.admin import filters as services_admin_filters

    monkeypatch.setattr(services_admin_filters, "CLIENT_FILTER_LIMIT", 2)
    clients = [make_client() for _ in range(3)]
    page = staff_client.get("/admin/services/invoice/")
    assert all(f"client__id__exact={c.pk}" not in page.content.decode() for c in clients)
    chosen = staff_client.get(f"/admin/services/invoice/?client__id__exact={clients[1].pk}")
    html = chosen.content.decode()
    assert f"client__id__exact={clients[1].pk}" in html
    assert f"client__id__exact={clients[0].pk}" not in html


def test_the_achieved_share_of_a_target_rounds_half_up(staff_client: HttpClient, acme: Client) -> None:
    # 122.50 of 1,000.00 is 12.25 %: shown to one decimal, half up gives 12.3 (half-even: 12.2).
    actions.revenue_target_set(service_line=service(), year=2024, amount=D("1000.00"))
    make_invoice(client=acme, issue_date=date(2024, 3, 1), lines=[line("122.50")])
    html = staff_client.get(changelist("revenuetarget"), {"year": "2024"}).content.decode()
    assert "12,3\u00a0%" in html
    assert "12,2\u00a0%" not in html
