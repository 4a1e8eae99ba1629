"""`manage.py send_alerts`: each alert once, again only when it changes, in the user's language.

The world, judged on 15 June 2025: Moroso S.L. owes a 1,000.00 + 21 % invoice issued on 1 January
(due 31 January: 135 days past due), three other clients were invoiced as much on 1 June (due on
1 July), and the yearly report to Fiare is due on 30 June (in 15 days).
Berta (board) is told by every rule.
"""

from __future__ import annotations

import smtplib
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.utils import translation

from funding import actions as funding_actions
from funding.choices import ObligationStatus
from smartiberica.board import alert_validation as av
from smartiberica.board.alert_actions import user_language_set
from smartiberica.board.alert_models import AlertNotice, AlertRule
from tests.board.alerts.world import configure
from tests.funding.factories import make_obligation, make_source
from tests.services.factories import line, make_client, make_invoice, make_payment

SITE = "https://funding.example.org"


@pytest.fixture
def world(june: None, settings: Any) -> dict[str, Any]:
    settings.SITE_URL = SITE
    client = make_client(name="Moroso S.L.")
    invoice = make_invoice(client=client, issue_date=date(2025, 1, 1), lines=[line("1000.00")])
    for name in ("Tierra", "Nanoma", "Hachette"):  # not due yet; Moroso is 25 % of the revenue
        make_invoice(client=make_client(name=name), issue_date=date(2025, 6, 1), lines=[line("1000.00")])
    report = make_obligation(
        source=make_source(name="Fiare Banca Etica"), description="Informe anual", due_date=date(2025, 6, 30)
    )
    return {"client": client, "invoice": invoice, "report": report}


@pytest.fixture
def berta(world: dict[str, Any], board_user: Any) -> Any:
    board_user.email = "berta@example.org"
    board_user.save()
    for rule in AlertRule.objects.all():
        configure(rule.rule, recipients=[board_user])
    return board_user


def send(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("send_alerts", *args, stdout=out)
    return out.getvalue()


def test_the_first_run_sends_each_alert_and_the_second_sends_nothing(
    world: dict[str, Any], berta: Any
) -> None:
    output = send()
    assert output.splitlines()[-1] == "Sent 1 e-mail."
    (message,) = mail.outbox
    assert message.to == ["berta@example.org"]
    assert message.subject == "SmartIberica: 2 alertas"  # in Berta's language, Spanish
    # Spanish, the default language: Berta never chose another.
    assert "Informe anual (Fiare Banca Etica)" in message.body
    assert "Moroso S.L." in message.body and "1.210,00" in message.body
    report = world["report"]
    assert f"{SITE}/admin/funding/obligation/{report.pk}/change/" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{SITE}/admin/funding/obligation/{report.pk}/change/">' in str(html)
    assert set(AlertNotice.objects.filter(user=berta).values_list("alert_key", flat=True)) == {
        f"obligation:{report.pk}",
        f"overdue:client-{world['client'].pk}",
    }

    assert send().splitlines()[-1] == "Sent 0 e-mails."
    assert len(mail.outbox) == 1


def test_a_changed_alert_is_sent_again_alone(world: dict[str, Any], berta: Any) -> None:
    send()
    make_payment(invoice=world["invoice"], date=date(2025, 6, 10), amount=Decimal("210.00"))
    assert send().splitlines()[-1] == "Sent 1 e-mail."
    message = mail.outbox[-1]
    assert message.subject == "SmartIberica: 1 alerta"
    assert "1.000,00" in message.body and "Informe anual" not in message.body
    assert send().splitlines()[-1] == "Sent 0 e-mails."


def test_an_alert_gone_and_raised_again_is_new(world: dict[str, Any], berta: Any) -> None:
    send()
    report = world["report"]
    funding_actions.obligation_set_status(obligation=report, status=ObligationStatus.SUBMITTED)
    assert send().splitlines()[-1] == "Sent 0 e-mails."
    assert not AlertNotice.objects.filter(alert_key=f"obligation:{report.pk}").exists()
    funding_actions.obligation_set_status(obligation=report, status=ObligationStatus.PENDING)
    assert send().splitlines()[-1] == "Sent 1 e-mail."
    assert "Informe anual" in mail.outbox[-1].body


def test_the_email_is_written_in_the_language_the_user_chose(
    world: dict[str, Any], berta: Any, staff_user: Any
) -> None:
    user_language_set(user=berta, language="fr")
    staff_user.email = "sara@example.org"
    staff_user.save()
    configure(av.OBLIGATION_DUE, recipients=[berta, staff_user])
    send()
    by_address = {message.to[0]: message for message in mail.outbox}
    # French dates and amounts for Berta (a narrow no-break space before the euro sign and between
    # thousands); Spanish, the default, for Sara.
    assert "15 juin 2025" in by_address["berta@example.org"].body
    assert "1\u202f210,00\u00a0€" in by_address["berta@example.org"].body
    assert "15 de junio de 2025" in by_address["sara@example.org"].body
    assert "Moroso" not in by_address["sara@example.org"].body  # told by the obligations' rule only


def test_a_rule_that_is_off_sends_nothing(world: dict[str, Any], berta: Any) -> None:
    configure(av.OVERDUE_INVOICES, enabled=False, recipients=[berta])
    send()
    (message,) = mail.outbox
    assert "Moroso" not in message.body and "Informe anual" in message.body
    configure(av.OBLIGATION_DUE, enabled=False, recipients=[berta])
    make_obligation(source=make_source(), description="Otra", due_date=date(2025, 6, 20))
    assert send().splitlines()[-1] == "Sent 0 e-mails."


def test_users_without_an_email_address_are_skipped_and_counted(
    world: dict[str, Any], board_user: Any
) -> None:
    configure(av.OBLIGATION_DUE, recipients=[board_user])
    output = send()
    assert "Skipped 1 user without an e-mail address: berta." in output
    assert output.splitlines()[-1] == "Sent 0 e-mails." and mail.outbox == []
    assert not AlertNotice.objects.exists()


def test_a_dry_run_says_what_it_would_send_and_writes_nothing(world: dict[str, Any], berta: Any) -> None:
    output = send("--dry-run")
    assert "Would send 2 alerts to berta@example.org (es)." in output
    assert output.splitlines()[-1] == "Dry run: 1 e-mail would be sent."
    assert mail.outbox == [] and not AlertNotice.objects.exists()


def test_the_day_judged_can_be_chosen(world: dict[str, Any], berta: Any) -> None:
    # On 1 April the invoice is 60 days past due and the report 90 days away: nothing to say.
    assert send("--on", "2025-04-01").splitlines()[-1] == "Sent 0 e-mails."
    assert send("--on", "2025-04-02").splitlines()[-1] == "Sent 1 e-mail."
    assert mail.outbox[0].subject == "SmartIberica: 1 alerta"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        send("--on", "1 April")


def test_a_failed_send_records_nothing_and_the_next_run_tries_again(
    world: dict[str, Any], berta: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any, fail_silently: bool = False) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(CommandError, match="1 e-mail could not be sent"):
        send()
    assert not AlertNotice.objects.exists()
    monkeypatch.undo()
    assert send().splitlines()[-1] == "Sent 1 e-mail."


def test_a_recipient_no_longer_allowed_is_not_told(world: dict[str, Any], berta: Any) -> None:
    berta.is_active = False
    berta.save()
    assert send().splitlines()[-1] == "Sent 0 e-mails."
    assert mail.outbox == []
