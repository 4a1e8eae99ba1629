"""The records the calendar tests read: a bank owed reports, a loan, an agreement, a budget.

Written through the funding actions (the factories), on 20 March 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from funding import actions
from funding.choices import ObligationKind, ObligationStatus
from tests.funding.factories import (
    make_agreement,
    make_approved_budget,
    make_loan,
    make_loan_source,
    make_obligation,
    make_parent_source,
)

D = Decimal
TODAY = "2025-03-20 10:00:00+01:00"


@dataclass(frozen=True)
class Records:
    audit: int  # 31 Jan 2025, accepted
    covenant: int  # 28 Feb 2025, pending: overdue
    report: int  # 30 Apr 2025, pending
    justification: int  # 31 Jul 2025, waived, under the agreement
    loan: int  # FIARE-2025: 3 000 € at 0 %, three monthly instalments of 1 000 € from 15 Feb 2025
    agreement: int  # Smart Belgium 2025: one tranche of 60 000 € on 15 Jun 2025


def build_records() -> Records:
    fiare, smart = make_loan_source(), make_parent_source()
    make_obligation(
        source=fiare,
        description="Yearly report 2023",
        due_date=date(2024, 4, 30),
        status=ObligationStatus.ACCEPTED,
    )
    audit = make_obligation(
        source=fiare,
        kind=ObligationKind.AUDIT,
        description="Audit 2024",
        due_date=date(2025, 1, 31),
        status=ObligationStatus.ACCEPTED,
    )
    covenant = make_obligation(
        source=fiare,
        kind=ObligationKind.COVENANT,
        description="Debt ratio under 60 %",
        due_date=date(2025, 2, 28),
    )
    report = make_obligation(
        source=fiare,
        description="Yearly report 2024",
        due_date=date(2025, 4, 30),
        document_reference="Informe anual Fiare 2024",
    )
    loan = make_loan(
        source=fiare,
        reference="FIARE-2025",
        principal=D("3000.00"),
        annual_rate=D("0.00"),
        term_instalments=3,
        start_date=date(2025, 1, 15),
    )
    actions.loan_pay_due_instalments(loan=loan, on=date(2025, 2, 20))
    agreement = make_agreement(
        source=smart,
        title="Convenio Smart Belgium 2025",
        committed_amount=D("60000.00"),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    actions.tranche_add(agreement=agreement, date=date(2025, 6, 15), amount=D("60000.00"))
    justification = make_obligation(
        agreement=agreement,
        description="Justificación primer semestre",
        due_date=date(2025, 7, 31),
        status=ObligationStatus.WAIVED,
    )
    make_approved_budget(year=2026, approved_on=date(2025, 3, 1))
    return Records(
        audit=audit.pk,
        covenant=covenant.pk,
        report=report.pk,
        justification=justification.pk,
        loan=loan.pk,
        agreement=agreement.pk,
    )
