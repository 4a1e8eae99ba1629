"""The guarantee fund in the demo story: from 2021, when a client pays more than a month late, the
fund advances the member most of the invoice's net amount fifteen days after its due date, and gets
it back the day the client pays.

Not every late invoice gets one: every third, and the last two (whose clients have usually not
paid yet at the demo's today, so one or two advances are outstanding). The fund, fed since 2017 by
2 % of the members' turnover, stays well above the advances outstanding: no year shows the
warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from services import actions as services_actions
from smartiberica.kernel.money import round_money

FIRST_ADVANCE_YEAR = 2021
# Paid more than this many days after the due date: the member would have waited too long.
LATE_DAYS = 30
# The fund pays the member this many days after the due date.
ADVANCE_AFTER_DUE_DAYS = 15
# The member's part of the invoice (net of VAT), what the fund advances.
MEMBER_SHARE = Decimal("0.90")
EVERY = 3
MEMBERS = (
    "S-0107 Lucía Romero",
    "S-0215 Javier Ortega",
    "S-0233 Carmen Vidal",
    "S-0301 Pablo Núñez",
    "S-0348 Ana Belén Castro",
    "S-0412 Diego Marín",
    "S-0456 Rocío Jiménez",
)


@dataclass(frozen=True)
class _Late:
    invoice: Any  # an issued invoice, as the actions returned it (the story names no model)
    plan: list[tuple[date, Decimal]]  # when the client pays what is due, and how much
    advanced_on: date


class LateInvoices:
    """The story's invoices paid late, noted as they are issued; `advance()` then pays the fund's
    advances on some of them."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.late: list[_Late] = []

    def note(self, invoice: Any, plan: list[tuple[date, Decimal]]) -> None:
        """Keep `invoice` (issued, with something due) when its client pays, or will pay, late."""
        paid_on = plan[-1][0]
        if invoice.issue_date.year < FIRST_ADVANCE_YEAR or (paid_on - invoice.due_date).days <= LATE_DAYS:
            return
        advanced_on = invoice.due_date + timedelta(days=ADVANCE_AFTER_DUE_DAYS)
        if advanced_on <= self.today:
            self.late.append(_Late(invoice, plan, advanced_on))

    def advance(self) -> None:
        """Pay the advances: on every third late invoice, and on the last two."""
        last = len(self.late) - 2
        chosen = [late for k, late in enumerate(self.late) if k % EVERY == 0 or k >= last]
        for k, late in enumerate(chosen):
            paid_on = late.plan[-1][0]
            # What the client still owed that day: the payments of its plan still to come.
            due = sum((amount for day, amount in late.plan if day > late.advanced_on), Decimal("0.00"))
            services_actions.guarantee_advance_create(
                member_reference=MEMBERS[k % len(MEMBERS)],
                invoice=late.invoice,
                amount=min(round_money(late.invoice.net_amount * MEMBER_SHARE), due),
                date=late.advanced_on,
                recovered_on=paid_on if paid_on <= self.today else None,
                notes="Anticipo del fondo de garantía: el cliente paga tarde.",
            )
