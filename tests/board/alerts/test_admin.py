"""Staff change the alert rules in the admin, through `alert_rule_update`; board members read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from smartiberica.board import alert_validation as av
from smartiberica.board.alert_actions import alert_rule_update
from smartiberica.board.alert_models import AlertRule
from tests.board.alerts.world import rule

pytestmark = pytest.mark.django_db
D = Decimal


def change_url(key: str) -> str:
    return reverse("admin:board_alertrule_change", args=[rule(key).pk])


def post(client: Client, key: str, **data: Any) -> Any:
    return client.post(change_url(key), {"enabled": "on", "_save": "Save", **data})


def test_the_default_rules_are_there_with_their_thresholds() -> None:
    assert dict(AlertRule.objects.values_list("rule", "threshold")) == {
        "top_funder_share": D("30.00"),
        "self_financing": D("100.00"),
        "budget_to_date": D("5.00"),
        "client_concentration": D("40.00"),
        "obligation_due": D("30.00"),
        "overdue_invoices": D("60.00"),
        "runway": D("6.00"),
    }
    assert all(AlertRule.objects.values_list("enabled", flat=True))


def test_staff_change_a_threshold_and_who_is_told_in_their_language(
    staff_client: Client, board_user: Any, staff_user: Any
) -> None:
    response = post(staff_client, av.TOP_FUNDER_SHARE, threshold="33,50", recipients=[board_user.pk])
    assert response.status_code == 302
    saved = rule(av.TOP_FUNDER_SHARE)
    assert (saved.threshold, saved.enabled, list(saved.recipients.all())) == (D("33.50"), True, [board_user])
    # Written through the action, and kept in the rule's history: its fields, then its recipients.
    versions = saved.history.order_by("history_id")
    assert [(v.threshold, [r.user for r in v.recipients.all()]) for v in versions] == [
        (D("33.50"), []),
        (D("33.50"), [board_user]),
    ]
    assert post(staff_client, av.TOP_FUNDER_SHARE, threshold="33,50").status_code == 302
    assert list(rule(av.TOP_FUNDER_SHARE).recipients.all()) == []


def test_a_threshold_out_of_range_is_refused_on_the_form(staff_client: Client) -> None:
    staff_client.cookies["django_language"] = "en"
    response = post(staff_client, av.TOP_FUNDER_SHARE, threshold="0")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This rule&#x27;s threshold goes from 0.01 to 100 %." in html
    assert rule(av.TOP_FUNDER_SHARE).threshold == D("30.00")


def test_a_fraction_of_a_day_is_refused(staff_client: Client) -> None:
    staff_client.cookies["django_language"] = "en"
    response = post(staff_client, av.OBLIGATION_DUE, threshold="30.5")
    assert "Give a whole number of days." in response.content.decode()
    assert rule(av.OBLIGATION_DUE).threshold == D("30.00")


def test_only_users_who_may_see_the_figures_are_offered_as_recipients(
    staff_client: Client, board_user: Any, staff_user: Any
) -> None:
    outsider = get_user_model().objects.create_user(username="outsider", password="x", is_staff=True)
    # A board member who left: still in the group, no longer active.
    retired = get_user_model().objects.create_user(username="retired", password="x", is_active=False)
    retired.groups.add(*board_user.groups.all())
    response = staff_client.get(change_url(av.RUNWAY))
    offered = {user.username for user in response.context["adminform"].form.fields["recipients"].queryset}
    assert {"berta", "sara"} <= offered and not offered & {"outsider", "retired"}
    assert post(staff_client, av.RUNWAY, threshold="6", recipients=[outsider.pk]).status_code == 200
    assert not rule(av.RUNWAY).recipients.exists()


def test_board_members_read_the_rules_but_do_not_change_them(board_client: Client) -> None:
    assert board_client.get(reverse("admin:board_alertrule_changelist")).status_code == 200
    assert board_client.get(change_url(av.RUNWAY)).status_code == 200
    assert post(board_client, av.RUNWAY, threshold="3").status_code == 403
    assert rule(av.RUNWAY).threshold == D("6.00")


def test_nobody_adds_or_deletes_a_rule(client: Client, superuser: Any) -> None:
    client.force_login(superuser)
    assert client.get(reverse("admin:board_alertrule_add")).status_code == 403
    assert client.get(reverse("admin:board_alertrule_delete", args=[rule(av.RUNWAY).pk])).status_code == 403


def test_the_action_refuses_a_user_who_may_not_change_the_rules(board_user: Any) -> None:
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        alert_rule_update(rule=rule(av.RUNWAY), by=board_user, threshold=D(3), enabled=True, recipients=[])
    with translation.override("en"):  # the messages are lazy: read them in English
        assert refused.value.messages == ["Only staff may change the alert rules."]


def test_the_action_refuses_a_recipient_who_may_not_see_the_figures(staff_user: Any) -> None:
    outsider = get_user_model().objects.create_user(username="outsider", password="x")
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        alert_rule_update(
            rule=rule(av.RUNWAY), by=staff_user, threshold=D(6), enabled=True, recipients=[outsider]
        )
    with translation.override("en"):  # the messages are lazy: read them in English
        assert refused.value.message_dict == {
            "recipients": [
                "outsider cannot be told: only active users who may see the board's figures receive alerts."
            ]
        }


@pytest.mark.parametrize(
    ("key", "threshold"), [(av.RUNWAY, "0"), (av.RUNWAY, "25"), (av.TOP_FUNDER_SHARE, "100.01")]
)
def test_the_database_holds_each_rules_range(key: str, threshold: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertRule.objects.filter(rule=key).update(threshold=D(threshold))
