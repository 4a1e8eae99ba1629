"""An advance paid or recovered in a closed year is refused like any record; its recovery alone may
still be recorded in an open year (the closed year's figures do not change)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from services import actions
from services.models import GuaranteeAdvance
from smartiberica.kernel.closed_years import close_year_lock
from tests.services.factories import make_advance, make_invoice

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_2026_in_english() -> Any:
    with time_machine.travel("2026-03-01 10:00:00+01:00", tick=False), translation.override("en"):
        yield


@pytest.fixture
def paid_in_2024() -> GuaranteeAdvance:
    """An advance of 15 April 2024, still out; then 2024 closes."""
    advance = make_advance(date=date(2024, 4, 15))
    close_year_lock(year=2024)
    return advance


def test_it_refuses_a_new_advance_paid_in_a_closed_year() -> None:
    invoice = make_invoice(issue_date=date(2024, 3, 1))
    close_year_lock(year=2024)

    with pytest.raises(ValidationError, match="year 2024 is closed"):
        make_advance(invoice=invoice, date=date(2024, 5, 1))


def test_it_refuses_a_new_advance_recovered_in_a_closed_year() -> None:
    invoice = make_invoice(issue_date=date(2023, 3, 1))
    close_year_lock(year=2024)

    with pytest.raises(ValidationError) as refused:
        make_advance(invoice=invoice, date=date(2023, 5, 1), recovered_on=date(2024, 1, 10))
    assert refused.value.message_dict["recovered_on"] == [
        "year 2024 is closed: the board approved its figures; a superuser can reopen it"
    ]


def test_it_refuses_changing_or_deleting_an_advance_paid_in_a_closed_year(
    paid_in_2024: GuaranteeAdvance,
) -> None:
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_update(advance=paid_in_2024, amount=D("90.00"))
    paid_in_2024.refresh_from_db()
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_update(advance=paid_in_2024, date=date(2025, 1, 2))
    paid_in_2024.refresh_from_db()
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_delete(advance=paid_in_2024)
    assert GuaranteeAdvance.objects.get().amount == D("100.00")


def test_an_advance_of_a_closed_year_is_still_recovered_in_an_open_year(
    paid_in_2024: GuaranteeAdvance,
) -> None:
    actions.guarantee_advance_recover(advance=paid_in_2024, on=date(2026, 2, 1))

    assert GuaranteeAdvance.objects.get().recovered_on == date(2026, 2, 1)
    # Moved, then undone, within open years: still only the recovery changes.
    paid_in_2024.recovered_on = date(2026, 2, 3)
    actions.guarantee_advance_save(advance=paid_in_2024)
    paid_in_2024.recovered_on = None
    actions.guarantee_advance_save(advance=paid_in_2024)
    assert GuaranteeAdvance.objects.get().recovered_on is None


def test_the_recovery_of_an_advance_of_a_closed_year_may_not_be_dated_in_it(
    paid_in_2024: GuaranteeAdvance,
) -> None:
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_recover(advance=paid_in_2024, on=date(2024, 12, 1))


def test_an_advance_recovered_in_a_closed_year_is_frozen() -> None:
    advance = make_advance(
        invoice=make_invoice(issue_date=date(2023, 3, 1)),
        date=date(2023, 4, 1),
        recovered_on=date(2024, 2, 1),
    )
    close_year_lock(year=2024)

    advance.recovered_on = None
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_save(advance=advance)
    advance.refresh_from_db()
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_update(advance=advance, notes="Corrección")
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        actions.guarantee_advance_delete(advance=advance)
    assert GuaranteeAdvance.objects.get().recovered_on == date(2024, 2, 1)


@pytest.mark.postgresql
def test_raw_sql_follows_the_same_lock(paid_in_2024: GuaranteeAdvance) -> None:
    refused = [
        f"UPDATE services_guaranteeadvance SET amount = 90.00 WHERE id = {paid_in_2024.pk}",
        f"UPDATE services_guaranteeadvance SET recovered_on = '2024-12-01' WHERE id = {paid_in_2024.pk}",
        f"DELETE FROM services_guaranteeadvance WHERE id = {paid_in_2024.pk}",
        (
            "INSERT INTO services_guaranteeadvance (member_reference, invoice_id, amount, date, notes)"
            f" VALUES ('Raw SQL', {paid_in_2024.invoice_id}, 1.00, '2024-06-01', '')"
        ),
    ]
    for sql in refused:
        with (
            pytest.raises(IntegrityError, match="year 2024 is closed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        # The recovery alone, in an open year, passes.
        cursor.execute(
            f"UPDATE services_guaranteeadvance SET recovered_on = '2026-02-01' WHERE id = {paid_in_2024.pk}"
        )
    assert GuaranteeAdvance.objects.get().recovered_on == date(2026, 2, 1)
