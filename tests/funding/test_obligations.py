"""Obligations for every funding source (issue 21): the rules, the reads and the admin."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from funding import actions, record_actions, selectors
from funding import validation as v
from funding.choices import ObligationKind, ObligationStatus
from funding.models import Obligation
from tests.funding.factories import (
    make_agreement,
    make_loan_source,
    make_obligation,
    make_parent_source,
    make_source,
)

pytestmark = pytest.mark.django_db


# --- The rules -----------------------------------------------------------------------------------------


def test_a_loan_source_carries_an_obligation_without_an_agreement() -> None:
    fiare = make_loan_source()
    obligation = actions.obligation_add(
        source=fiare,
        kind=ObligationKind.REPORT,
        description="Yearly report 2024",
        due_date=date(2025, 4, 30),
        document_reference="Informe anual Fiare 2024",
    )
    obligation.refresh_from_db()
    assert (obligation.source, obligation.agreement) == (fiare, None)
    assert (obligation.kind, obligation.status) == ("report", "pending")
    assert obligation.document_reference == "Informe anual Fiare 2024"
    assert list(fiare.obligations.all()) == [obligation]


def test_it_refuses_an_agreement_of_another_source() -> None:
    agreement = make_agreement(source=make_parent_source())
    with pytest.raises(ValidationError) as error:
        actions.obligation_add(
            source=make_loan_source(), agreement=agreement, description="Report", due_date=date(2025, 4, 30)
        )
    assert error.value.message_dict == {"agreement": [str(v.ERR_OBLIGATION_AGREEMENT_SOURCE)]}
    assert not Obligation.objects.exists()


def test_an_obligation_under_an_agreement_of_its_source_is_accepted() -> None:
    agreement = make_agreement()
    obligation = actions.obligation_add(
        source=agreement.source, agreement=agreement, description="Report", due_date=date(2021, 3, 31)
    )
    assert list(agreement.obligations.all()) == [obligation]
    assert list(agreement.source.obligations.all()) == [obligation]


def test_it_refuses_an_unknown_kind_in_the_form_and_in_the_database() -> None:
    with pytest.raises(ValidationError) as error:
        make_obligation(source=make_loan_source(), kind="promise")
    assert list(error.value.message_dict) == ["kind"]
    obligation = make_obligation(source=make_loan_source())
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.filter(pk=obligation.pk).update(kind="promise")


def test_a_source_owing_an_obligation_cannot_be_deleted() -> None:
    source = make_source()
    make_obligation(source=source)
    with pytest.raises(ValidationError) as error:
        actions.source_delete(source=source)
    assert error.value.messages == [str(v.ERR_SOURCE_IN_USE)]


def test_an_agreement_moved_to_another_source_takes_its_obligations_along() -> None:
    agreement = make_agreement(source=make_parent_source())
    obligation = make_obligation(agreement=agreement)
    grant = make_source(code="junta")
    agreement.source = grant
    record_actions.agreement_save(agreement=agreement)
    obligation.refresh_from_db()
    assert obligation.source == grant
    assert obligation.history.count() == 2  # the move is in its history


def test_wiping_the_records_deletes_the_obligations_without_agreement_too() -> None:
    make_obligation(source=make_loan_source())
    make_obligation(agreement=make_agreement())
    actions.records_wipe()
    assert not Obligation.objects.exists()


# --- The reads -----------------------------------------------------------------------------------------

ON = date(2025, 3, 1)


def test_obligations_due_takes_the_last_day_in_and_leaves_the_next_out(
    django_assert_num_queries: Any,
) -> None:
    source = make_loan_source()
    make_obligation(source=source, description="day 30", due_date=date(2025, 3, 31))
    make_obligation(source=source, description="day 31", due_date=date(2025, 4, 1))
    with django_assert_num_queries(1):
        due = selectors.obligations_due(on=ON, within_days=30)
    assert [o.description for o in due] == ["day 30"]
    assert [o.description for o in selectors.obligations_due(on=ON, within_days=31)] == ["day 30", "day 31"]


def test_obligations_due_lists_the_overdue_first_and_leaves_the_done_out() -> None:
    source = make_loan_source()
    today = make_obligation(source=source, description="today", due_date=ON)
    late = make_obligation(
        source=source, description="late", due_date=date(2025, 2, 28), kind=ObligationKind.AUDIT
    )
    make_obligation(source=source, description="sent", due_date=date(2025, 2, 1), status="submitted")
    make_obligation(source=source, description="waived", due_date=date(2025, 3, 10), status="waived")
    due = selectors.obligations_due(on=ON, within_days=30)
    assert due == [
        selectors.ObligationDue(
            id=late.pk,
            source_code="fiare",
            source_name="Fiare Banca Etica",
            kind="audit",
            description="late",
            due_date=date(2025, 2, 28),
            document_reference="",
            overdue=True,
            status="pending",
        ),
        selectors.ObligationDue(
            id=today.pk,
            source_code="fiare",
            source_name="Fiare Banca Etica",
            kind="report",
            description="today",
            due_date=ON,
            document_reference="",
            overdue=False,
            status="pending",
        ),
    ]


def test_obligations_due_orders_a_day_by_id() -> None:
    source = make_loan_source()
    first = make_obligation(source=source, due_date=date(2025, 3, 5))
    second = make_obligation(source=make_parent_source(), due_date=date(2025, 3, 5))
    assert [o.id for o in selectors.obligations_due(on=ON, within_days=10)] == [first.pk, second.pk]


@time_machine.travel("2025-03-01 10:00:00+01:00", tick=False)
def test_obligations_between_keeps_every_status_and_says_overdue_against_today(
    django_assert_num_queries: Any,
) -> None:
    source = make_loan_source()
    make_obligation(source=source, description="before", due_date=date(2024, 12, 31))
    make_obligation(source=source, description="late", due_date=date(2025, 1, 31))
    make_obligation(source=source, description="accepted", due_date=date(2025, 2, 1), status="accepted")
    make_obligation(source=source, description="waived", due_date=date(2025, 2, 2), status="waived")
    make_obligation(source=source, description="ahead", due_date=date(2025, 12, 31))
    make_obligation(source=source, description="after", due_date=date(2026, 1, 1))
    with django_assert_num_queries(1):
        found = selectors.obligations_between(first=date(2025, 1, 1), last=date(2025, 12, 31))
    assert [(o.description, o.status, o.overdue) for o in found] == [
        ("late", ObligationStatus.PENDING, True),
        ("accepted", ObligationStatus.ACCEPTED, False),
        ("waived", ObligationStatus.WAIVED, False),
        ("ahead", ObligationStatus.PENDING, False),
    ]


# --- The admin -----------------------------------------------------------------------------------------


def source_post(source: Any, **rows: str) -> dict[str, str]:
    return {
        "code": source.code,
        "name": source.name,
        "kind": source.kind,
        "counterparty": source.counterparty,
        "active_from": "",
        "active_to": "",
        "notes": "",
        "obligations-TOTAL_FORMS": "1" if rows else "0",
        "obligations-INITIAL_FORMS": "0",
        **{f"obligations-0-{name}": value for name, value in rows.items()},
    }


def test_the_source_page_enters_an_obligation_owed_to_the_bank(staff_client: Client) -> None:
    fiare = make_loan_source()
    url = reverse("admin:funding_fundingsource_change", args=[fiare.pk])
    data = source_post(
        fiare,
        kind="covenant",
        description="Keep the debt ratio under 60 %",
        due_date="2025-06-30",
        status="pending",
        completed_on="",
        document_reference="Contrato FIARE-2020, cláusula 9",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    obligation = fiare.obligations.get()
    assert (obligation.kind, obligation.agreement) == ("covenant", None)
    assert obligation.document_reference == "Contrato FIARE-2020, cláusula 9"
    page = staff_client.get(url).content.decode()
    assert "Keep the debt ratio under 60 %" in page


def test_an_obligation_entered_with_its_agreement_is_owed_to_the_agreement_source(
    staff_client: Client,
) -> None:
    agreement = make_agreement()
    url = reverse("admin:funding_supportagreement_change", args=[agreement.pk])
    data = {
        "source": agreement.source.pk,
        "title": agreement.title,
        "committed_amount": "60000.00",
        "period_start": "2020-01-01",
        "period_end": "2021-12-31",
        "notes": "",
        "tranches-TOTAL_FORMS": "0",
        "tranches-INITIAL_FORMS": "0",
        "receipts-TOTAL_FORMS": "0",
        "receipts-INITIAL_FORMS": "0",
        "obligations-TOTAL_FORMS": "1",
        "obligations-INITIAL_FORMS": "0",
        "obligations-0-kind": "audit",
        "obligations-0-description": "Audit 2020",
        "obligations-0-due_date": "2021-06-30",
        "obligations-0-status": "pending",
        "obligations-0-completed_on": "",
        "obligations-0-document_reference": "",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    obligation = agreement.obligations.get()
    assert (obligation.source, obligation.kind) == (agreement.source, "audit")


def test_the_obligation_page_refuses_an_agreement_of_another_source(staff_client: Client) -> None:
    agreement = make_agreement(source=make_parent_source())
    data = {
        "source": make_loan_source().pk,
        "agreement": agreement.pk,
        "kind": "report",
        "description": "Report",
        "due_date": "2025-04-30",
        "status": "pending",
        "completed_on": "",
        "document_reference": "",
    }
    response = staff_client.post(reverse("admin:funding_obligation_add"), data)
    assert response.status_code == 200
    assert escape(str(v.ERR_OBLIGATION_AGREEMENT_SOURCE)) in response.content.decode()
    assert not Obligation.objects.exists()


def test_the_obligation_list_shows_and_filters_the_source_and_the_kind(staff_client: Client) -> None:
    fiare = make_loan_source()
    make_obligation(
        source=fiare,
        description="Fiare report",
        due_date=date(2025, 4, 30),
        document_reference="FIARE-2024.pdf",
    )
    make_obligation(
        source=fiare, description="Fiare audit", due_date=date(2025, 6, 30), kind=ObligationKind.AUDIT
    )
    make_obligation(agreement=make_agreement(), description="Belgian report")
    url = reverse("admin:funding_obligation_changelist")
    response = staff_client.get(url + "?source__code__exact=fiare")
    assert [o.description for o in response.context["cl"].result_list] == ["Fiare report", "Fiare audit"]
    html = response.content.decode()
    assert "FIARE-2024.pdf" in html and "Fiare Banca Etica" in html
    response = staff_client.get(url + "?kind__exact=audit")
    assert [o.description for o in response.context["cl"].result_list] == ["Fiare audit"]
