"""More records of the same kinds, to check that query counts do not grow with them."""

from datetime import date, timedelta
from decimal import Decimal

from funding import actions as funding
from funding.selectors import categories_by_code
from services import actions as services
from services.selectors import service_lines_by_code

D = Decimal


def add_volume(*, year: int, times: int) -> None:
    categories = categories_by_code()
    lines = service_lines_by_code()
    client, _ = services.client_get_or_create(name="Volumen S.L.", tax_id="B91834267")
    for n in range(times):
        day = date(year, 1, 1) + timedelta(days=10 * n)
        invoice = services.invoice_create(
            client=client,
            service_line=lines["admin-services"],
            issue_date=day,
            lines=[services.LineInput("Cuota", D(1), D("100.00"), D("21.00"))],
            # Numbered by another program, as imported: the app's series stays in date order.
            number=f"V{year}-{n:04d}",
            status="issued",
        )
        services.payment_record(invoice=invoice, date=day, amount=D("121.00"))
        if n % 2:
            services.refund_record(invoice=invoice, date=day, amount=D("12.10"))
        funding.expense_create(
            date=day,
            category=categories["other"],
            supplier="Varios",
            amount=D("10.00"),
            reference=f"V-{year}-{n}",
        )
