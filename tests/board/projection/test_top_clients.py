"""The pages' projection reads only the clients that can be among the largest: same figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services import actions as services
from services import monthly
from services.selectors import service_lines_by_code
from smartiberica.board.projection import forecast
from smartiberica.kernel.basis import TOP_CLIENTS
from tests.board.projection.plan import Plan

D = Decimal


def invoice(client: Any, day: date, amount: str) -> Any:
    draft = services.invoice_create(
        client=client,
        service_line=service_lines_by_code()["admin-services"],
        issue_date=day,
        lines=[services.LineInput("Gestoría", D(1), D(amount), D("21.00"))],
    )
    return services.invoice_issue(invoice=draft)


def fixed_fee(client: Any, reference: str, start: date, amount: str) -> None:
    services.contract_create(
        client=client,
        service_line=service_lines_by_code()["admin-services"],
        reference=reference,
        start_date=start,
        kind="fixed_fee",
        fixed_amount=D(amount),
    )


def many_clients(plan: Plan) -> None:
    """Fourteen clients: equal amounts at the edge of the top ten; the largest of the year by its
    July invoice, dated after as_of, so not among the largest up to as_of; one small client with a
    projected contract large enough to get among the ten, one whose small contract cannot."""
    clients = [
        services.client_get_or_create(name=f"Cliente {k:02d}", tax_id=f"ZZ-{k}", is_foreign=True)[0]
        for k in range(14)
    ]
    for k, client in enumerate(clients):
        # 500.00 for several of them: the edge of the top ten is a tie, broken by name.
        amount = "100.00" if k == 0 else "500.00" if 4 <= k <= 11 else f"{max(900 - k * 100, 50)}.00"
        invoice(client, date(2025, 4, 1), amount)
    invoice(clients[0], date(2025, 7, 2), "6000.00")
    fixed_fee(clients[13], "ADM-13", date(2025, 8, 1), "700.00")
    fixed_fee(clients[12], "ADM-12", date(2025, 9, 1), "10.00")


def test_the_top_clients_projection_has_the_figures_of_the_whole_one(plan: Plan) -> None:
    many_clients(plan)
    for basis in ("accrual", "cash"):
        whole = forecast(year=2025, basis=basis).as_json()
        top = forecast(year=2025, basis=basis, clients="top").as_json()
        assert top["revenue_by_client"] == whole["revenue_by_client"][:TOP_CLIENTS]
        assert {k: v for k, v in top.items() if k != "revenue_by_client"} == {
            k: v for k, v in whole.items() if k != "revenue_by_client"
        }
    listed = [c["client"] for c in forecast(year=2025, clients="top").as_json()["revenue_by_client"]]
    # Cliente 00 is out (its July invoice is after as_of), Cliente 13 in (its August fee), Cliente
    # 12 out (50.00 and a fee of 10.00: far below the tenth largest).
    assert "Cliente 00" not in listed and "Cliente 13" in listed and "Cliente 12" not in listed
    # The tie at 500.00 is broken by name: Cliente 04 to 07 are in, 08 to 11 out.
    assert listed[-4:] == ["Cliente 04", "Cliente 05", "Cliente 06", "Cliente 07"]


def thirty_clients() -> list[Any]:
    """Socio 01 to 30, billed 100.00 × their number in April; Socio 30 bills 3,000.00 more in
    July, after as_of, so its amount to date is 3,000.00 of the year's 6,000.00; Socio 15 has a
    fixed fee of 1,500.00 projected in August, which lifts it into the ten largest."""
    clients = [
        services.client_get_or_create(name=f"Socio {k:02d}", tax_id=f"SO-{k}", is_foreign=True)[0]
        for k in range(1, 31)
    ]
    for k, client in enumerate(clients, start=1):
        invoice(client, date(2025, 4, 1), f"{k * 100}.00")
    invoice(clients[29], date(2025, 7, 2), "3000.00")
    fixed_fee(clients[14], "ADM-S15", date(2025, 8, 1), "1500.00")
    return clients


def assert_same_top(basis: str) -> list[str]:
    whole = forecast(year=2025, basis=basis).as_json()  # type: ignore[arg-type]
    top = forecast(year=2025, basis=basis, clients="top").as_json()  # type: ignore[arg-type]
    assert top == {**whole, "revenue_by_client": whole["revenue_by_client"][:TOP_CLIENTS]}
    return [c["client"] for c in top["revenue_by_client"]]


def test_the_top_clients_read_down_to_a_bound_are_the_same(
    plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    thirty_clients()
    # The twelve largest first: the tenth largest to date without a projection is 2,100.00 and
    # the largest lift 1,500.00 (Socio 15's fee), so only the clients billed 600.00 or more are read.
    monkeypatch.setattr(monthly, "FIRST_CLIENTS", 12)
    with CaptureQueriesContext(connection) as captured:
        listed = assert_same_top("accrual")
    assert any('"amount" >=' in q["sql"] for q in captured), "the bounded read was not taken"
    assert "Socio 15" in listed  # 1,500.00 to date and 1,500.00 projected
    assert "Socio 20" not in listed and len(listed) == TOP_CLIENTS
    assert_same_top("cash")


def test_a_client_whose_year_sums_to_zero_but_owes_to_date_is_still_among_them(
    plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Socio 00 is billed 5,000.00 in April and credited all of it in July, after as_of: its year
    # sums to zero (it has no yearly row), and to date it is the largest client.
    zero = services.client_get_or_create(name="Socio 00", tax_id="SO-0", is_foreign=True)[0]
    big = invoice(zero, date(2025, 4, 1), "5000.00")
    thirty_clients()
    services.invoice_issue(invoice=services.credit_note_create(invoice=big, issue_date=date(2025, 7, 3)))
    monkeypatch.setattr(monthly, "FIRST_CLIENTS", 12)
    assert assert_same_top("accrual")[0] == "Socio 00"


def test_a_projection_without_clients_reads_none_and_has_the_same_other_figures(plan: Plan) -> None:
    many_clients(plan)
    for basis in ("accrual", "cash"):
        top = forecast(year=2025, basis=basis, clients="top").as_json()
        with CaptureQueriesContext(connection) as queries:
            bare = forecast(year=2025, basis=basis, clients="none").as_json()
        assert bare["revenue_by_client"] == []
        assert bare["ratios"]["client_concentration"] is None
        unlike = {"revenue_by_client", "ratios"}
        assert {k: v for k, v in bare.items() if k not in unlike} == {
            k: v for k, v in top.items() if k not in unlike
        }
        assert {k: v for k, v in bare["ratios"].items() if k != "client_concentration"} == {
            k: v for k, v in top["ratios"].items() if k != "client_concentration"
        }
        assert not any('"services_revenueclientyear"' in q["sql"] for q in queries)
