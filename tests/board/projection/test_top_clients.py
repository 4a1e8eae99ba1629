"""The pages' projection reads only the clients that can be among the largest: same figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from services import actions as services
from services.selectors import service_lines_by_code
from smartiberica.board.projection import forecast
from smartiberica.kernel.basis import TOP_CLIENTS
from tests.board.projection.plan import Plan

D = Decimal


def invoice(client: Any, day: date, amount: str) -> None:
    draft = services.invoice_create(
        client=client,
        service_line=service_lines_by_code()["admin-services"],
        issue_date=day,
        lines=[services.LineInput("Gestoría", D(1), D(amount), D("21.00"))],
    )
    services.invoice_issue(invoice=draft)


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
    services.contract_create(
        client=clients[13],
        service_line=service_lines_by_code()["admin-services"],
        reference="ADM-13",
        start_date=date(2025, 8, 1),
        kind="fixed_fee",
        fixed_amount=D("700.00"),
    )
    services.contract_create(
        client=clients[12],
        service_line=service_lines_by_code()["admin-services"],
        reference="ADM-12",
        start_date=date(2025, 9, 1),
        kind="fixed_fee",
        fixed_amount=D("10.00"),
    )


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
