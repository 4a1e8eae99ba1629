"""The board's alert rules, what the e-mail digest last told each user, and each user's language.

`AlertRule`: one row per rule (created with its default by a data migration), its threshold,
whether it is on, and who is told by e-mail. `AlertNotice`: for each user and alert, the
fingerprint of what the digest last sent, so an alert is sent again only when it changes.
`UserPreference`: the language a user last chose, for the e-mails sent when nobody is looking.
The rules' units, directions and ranges are `alert_validation`'s (docs/alerts.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.board import alert_validation as av
from smartiberica.kernel.models_base import RulesFirst


def _threshold_in_range(rule: str) -> models.CheckConstraint:
    spec = av.RULES[rule]
    return models.CheckConstraint(
        condition=~Q(rule=rule) | Q(threshold__gte=spec.low, threshold__lte=spec.high),
        name=f"board_alert_rule_{rule}_threshold_in_range",
        violation_error_message=av.ERR_THRESHOLD_OUT_OF_RANGE,
    )


class AlertRuleQuerySet(models.QuerySet["AlertRule"]):
    def enabled(self) -> AlertRuleQuerySet:
        return self.filter(enabled=True)


class AlertRule(RulesFirst):
    """One rule the board wants to hear about, with its threshold (in the rule's unit)."""

    class Rule(models.TextChoices):
        TOP_FUNDER_SHARE = av.TOP_FUNDER_SHARE, _("Top funder's share of resources")
        SELF_FINANCING = av.SELF_FINANCING, _("Self-financing ratio (projected for the year in progress)")
        BUDGET_TO_DATE = av.BUDGET_TO_DATE, _("Costs ahead of the pro-rata budget")
        CLIENT_CONCENTRATION = av.CLIENT_CONCENTRATION, _("Largest client's share of services revenue")
        OBLIGATION_DUE = av.OBLIGATION_DUE, _("Obligation to a funder due soon or overdue")
        OVERDUE_INVOICES = av.OVERDUE_INVOICES, _("Invoices overdue, by client")
        RUNWAY = av.RUNWAY, _("Cash runway")

    history = HistoricalRecords(m2m_fields=["recipients"])

    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices, unique=True)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=7,
        decimal_places=2,
        help_text=_(
            "In the rule's unit: percent for shares and ratios, percentage points above the budget, "
            "days for obligations and overdue invoices, months for the runway. A rule where more is "
            "worse fires at the threshold (30 % fires at 30.00 %); one where less is worse fires "
            "below it (self-financing at 99.99 %, not at 100.00 %). An obligation fires when due "
            "within the threshold's days or overdue; invoices fire when overdue by more than the "
            "threshold's days."
        ),
    )
    enabled = models.BooleanField(_("on"), default=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who is told"),
        blank=True,
        related_name="alert_rules",
        help_text=_("Active users who may see the board's figures; they get the daily e-mail digest."),
    )

    objects = AlertRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["pk"]
        constraints = [_threshold_in_range(rule) for rule in av.RULES]

    def __str__(self) -> str:
        return str(self.get_rule_display())


class AlertNotice(models.Model):
    """The last version of an alert that the digest sent to a user (written by `send_alerts`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    alert_key = models.CharField(_("alert"), max_length=100)
    fingerprint = models.CharField(_("fingerprint"), max_length=250)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("alert sent")
        verbose_name_plural = _("alerts sent")
        ordering = ["user", "alert_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "alert_key"], name="board_alert_notice_one_per_user_and_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.alert_key}"


class UserPreference(RulesFirst):
    """A user's language, remembered when they switch it, for what is sent to them by e-mail."""

    history = HistoricalRecords()

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="board_user_preference_known_language",
                violation_error_message=av.ERR_UNKNOWN_LANGUAGE,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"
