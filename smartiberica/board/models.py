"""What the board decides about a year (its approvals and reopenings, with the frozen figures), the
links that share a closed year with funders, and the scenarios of the year-end projection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from smartiberica.board import scenario_validation as sv
from smartiberica.kernel.dates import not_before_earliest, validate_planned_date
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, RATE
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE, validate_percentage
from smartiberica.kernel.text import validate_multi_line, validate_single_line


class YearApprovalQuerySet(models.QuerySet["YearApproval"]):
    def approvals(self) -> YearApprovalQuerySet:
        return self.filter(event=YearApproval.Event.APPROVED)

    def of_year(self, year: int) -> YearApprovalQuerySet:
        return self.filter(year=year)


class YearApproval(models.Model):
    """One approval (closing) or reopening of a year, kept forever.

    An approval holds the snapshot of the year's figures on both bases at that moment; while the
    year stays closed, every page, the API, the exports and `yearly_figures` serve the snapshot of
    its latest approval, not a recomputation.
    """

    class Event(models.TextChoices):
        APPROVED = "approved", _("approved")
        REOPENED = "reopened", _("reopened")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # The approval's note, or the reason given for a reopening.
    note = models.TextField(_("note"), blank=True)
    # {"accrual": {...}, "cash": {...}}: the figures of each basis (`board.snapshots`); empty for
    # a reopening.
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    # The same figures listing only the largest clients (`board.snapshots.to_summary`): what the
    # pages read, since a snapshot of a year with thousands of clients weighs megabytes.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = YearApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("year approval")
        verbose_name_plural = _("year approvals")
        ordering = ["year", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event="reopened") | ~models.Q(snapshot={}),
                name="year_approval_has_snapshot",
            ),
            models.CheckConstraint(
                condition=models.Q(event="reopened") | ~models.Q(summary={}),
                name="year_approval_has_summary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_event_display()}"


class FunderLinkQuerySet(models.QuerySet["FunderLink"]):
    def usable(self, *, now: datetime) -> FunderLinkQuerySet:
        """Links that still open their pack: not revoked, not expired, for a year still closed."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class FunderLink(models.Model):
    """A read-only link to one closed year's board pack for an outside reader (a funder, a bank).

    The token is shown once, when the link is created; only its SHA-256 is stored, and a visit's
    token is compared with `hmac.compare_digest`. The link opens that year's pack (page and PDF)
    and nothing else; it can be revoked and expires (90 days by default).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    reader_name = models.CharField(_("reader's name"), max_length=200)
    reader_email = models.EmailField(_("reader's e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = FunderLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("funder link")
        verbose_name_plural = _("funder links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} → {self.reader_name}"


class FunderLinkView(models.Model):
    """One visit of a funder link: when and from where (kept with the link)."""

    link = models.ForeignKey(
        FunderLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="views"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=300)

    class Meta:
        verbose_name = _("funder link view")
        verbose_name_plural = _("funder link views")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} {self.at:%Y-%m-%d %H:%M}"


# --- Scenarios of the year-end projection (public contract 4) ------------------------------------


def _both_or_neither(first: str, second: str) -> Q:
    return Q(**{f"{first}__isnull": True, f"{second}__isnull": True}) | Q(
        **{f"{first}__isnull": False, f"{second}__isnull": False}
    )


def _needs(field: str, other: str, *, name: str, message: StrOrPromise) -> models.CheckConstraint:
    """`field` set means `other` set."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{other}__isnull": False}),
        name=name,
        violation_error_message=message,
    )


def _rate_range(field: str, *, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=name,
        violation_error_message=ERR_RATE_OUT_OF_RANGE,
    )


def _scenario_date(verbose_name: StrOrPromise, help_text: StrOrPromise = "") -> models.DateField[Any, Any]:
    # A plan may look years ahead: a planned date (1990 to 2099), like an agreement's end.
    return models.DateField(
        verbose_name,
        null=True,
        blank=True,
        validators=[validate_planned_date],
        help_text=help_text,
    )


class Scenario(RulesFirst):
    """A what-if for the year-end projection: a plan written by the board or staff, not a record.

    Every parameter is optional and changes only the projected months; the projection never reads
    this model, only the `ScenarioParams` that `smartiberica.board.scenarios.scenario_params`
    builds from it (codes instead of foreign keys). The pairing rules (a stopped source needs its
    date, both rates need theirs, a lost client its date) are `scenario_validation`'s, applied by
    the actions and held by the constraints below.
    """

    history = HistoricalRecords()

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[sv.validate_scenario_slug],
        error_messages={"unique": sv.ERR_SLUG_TAKEN},
        help_text=_("Short stable name used in addresses and the API, e.g. smart-belgium-stops-2021."),
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True, validators=[validate_multi_line])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    seen_from = _scenario_date(
        _("seen from"),
        _("Project as the year looked on this date: the months after it are projected."),
    )
    stopped_source = models.ForeignKey(
        "funding.FundingSource",
        verbose_name=_("funding source that stops"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    source_stops_on = _scenario_date(_("source stops on"))
    structure_rate = models.DecimalField(
        _("structure rate (%)"), **RATE, null=True, blank=True, validators=[validate_percentage]
    )
    fund_rate = models.DecimalField(
        _("guarantee-fund rate (%)"), **RATE, null=True, blank=True, validators=[validate_percentage]
    )
    rates_from = _scenario_date(_("rates apply from"))
    turnover_growth = models.DecimalField(
        _("member-turnover growth (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[sv.validate_growth],
        help_text=_("Against the same month a year before. Empty: the growth of the last twelve months."),
    )
    lost_client = models.ForeignKey(
        "services.Client",
        verbose_name=_("client lost"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    client_lost_on = _scenario_date(_("client lost on"))

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["name", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug="baseline"),
                name="board_scenario_slug_not_baseline",
                violation_error_message=sv.ERR_SLUG_RESERVED,
            ),
            _needs(
                "stopped_source",
                "source_stops_on",
                name="board_scenario_source_has_date",
                message=sv.ERR_SOURCE_WITHOUT_DATE,
            ),
            _needs(
                "source_stops_on",
                "stopped_source",
                name="board_scenario_stop_date_has_source",
                message=sv.ERR_STOP_DATE_WITHOUT_SOURCE,
            ),
            models.CheckConstraint(
                condition=_both_or_neither("structure_rate", "fund_rate")
                & _both_or_neither("structure_rate", "rates_from"),
                name="board_scenario_rates_complete",
                violation_error_message=sv.ERR_RATES_INCOMPLETE,
            ),
            _rate_range("structure_rate", name="board_scenario_structure_rate_range"),
            _rate_range("fund_rate", name="board_scenario_fund_rate_range"),
            models.CheckConstraint(
                condition=Q(turnover_growth__isnull=True) | Q(turnover_growth__gt=sv.LOWEST_GROWTH),
                name="board_scenario_growth_above_minus_100",
                violation_error_message=sv.ERR_GROWTH_TOO_LOW,
            ),
            _needs(
                "lost_client",
                "client_lost_on",
                name="board_scenario_client_has_date",
                message=sv.ERR_CLIENT_WITHOUT_DATE,
            ),
            _needs(
                "client_lost_on",
                "lost_client",
                name="board_scenario_loss_date_has_client",
                message=sv.ERR_LOSS_DATE_WITHOUT_CLIENT,
            ),
            *(
                not_before_earliest(field, name=f"board_scenario_{field}_from_1990", nullable=True)
                for field in ("seen_from", "source_stops_on", "rates_from", "client_lost_on")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioRevenue(RulesFirst):
    """Extra net revenue of a service line in each projected month of a scenario."""

    history = HistoricalRecords()

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="extra_revenue"
    )
    service_line = models.ForeignKey(
        "services.ServiceLine", verbose_name=_("service line"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_amount = models.DecimalField(
        _("extra net revenue a month"), **MONEY, validators=[sv.validate_monthly_amount]
    )

    class Meta:
        verbose_name = _("extra revenue")
        verbose_name_plural = _("extra revenue")
        ordering = ["scenario", "service_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "service_line"],
                name="board_scenario_revenue_one_per_line",
                violation_error_message=sv.ERR_REVENUE_LINE_TWICE,
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gt=0),
                name="board_scenario_revenue_amount_positive",
                violation_error_message=sv.ERR_MONTHLY_AMOUNT_NOT_POSITIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} + {self.service_line}"


class ScenarioCost(RulesFirst):
    """Extra cost of an expense category in each projected month of a scenario."""

    history = HistoricalRecords()

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="extra_costs"
    )
    category = models.ForeignKey(
        "funding.ExpenseCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_amount = models.DecimalField(
        _("extra cost a month"), **MONEY, validators=[sv.validate_monthly_amount]
    )

    class Meta:
        verbose_name = _("extra cost")
        verbose_name_plural = _("extra costs")
        ordering = ["scenario", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "category"],
                name="board_scenario_cost_one_per_category",
                violation_error_message=sv.ERR_COST_CATEGORY_TWICE,
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gt=0),
                name="board_scenario_cost_amount_positive",
                violation_error_message=sv.ERR_MONTHLY_AMOUNT_NOT_POSITIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} + {self.category}"


# The alert rules, the digest's notices and the users' languages live in their own module.
from smartiberica.board.alert_models import AlertNotice, AlertRule, UserPreference  # noqa: E402, F401

# The users' calendar feeds (issue 21) live in their own module.
from smartiberica.board.calendar_feed_models import CalendarFeed  # noqa: E402, F401
