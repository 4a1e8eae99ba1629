"""The obligations owed to funders (reports, audits, covenants): their list, and the inlines that
enter them with their funding source or with their support agreement.

An obligation is owed to a funding source, under one of its agreements or not: the bank's yearly
report hangs from the loan's source, a grant's justification from the grant's agreement.
`?deadline=attention` lists what needs doing (see the drill-down table in `funding.admin`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from funding import record_actions
from funding.admin_filters import DeadlineFilter, SourceCodeFilter
from funding.choices import ObligationStatus
from funding.models import Obligation
from smartiberica.kernel.admin_base import ActionAdmin, LabelledTabularInline
from smartiberica.kernel.admin_columns import short_column
from smartiberica.kernel.dates import today

INLINE_FIELDS = ("kind", "description", "due_date", "status", "completed_on", "document_reference")


class SourceObligationInline(LabelledTabularInline):
    """On a source's page: every obligation owed to it, those under one of its agreements too
    (they keep their agreement)."""

    model = Obligation
    fields = INLINE_FIELDS
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Obligation]:
        # Each row's rule reads its agreement's source when the page is saved.
        return super().get_queryset(request).select_related("agreement")


class AgreementObligationForm(forms.ModelForm):
    """An obligation entered in its agreement: it is owed to the agreement's source."""

    class Meta:
        model = Obligation
        fields = INLINE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agreement = cleaned.get("agreement")
        if agreement is not None:
            self.instance.source_id = agreement.source_id
        return cleaned


class ObligationInline(LabelledTabularInline):
    """On an agreement's page: the obligations owed under it."""

    model = Obligation
    form = AgreementObligationForm
    fields = INLINE_FIELDS
    extra = 0


@admin.register(Obligation)
class ObligationAdmin(ActionAdmin):
    """Reports, audits and covenants owed to funders; `?deadline=attention` lists what needs doing."""

    # The long texts cut: the deadline stays in sight at 1280 px.
    list_display = (
        "due_date",
        short_column(Obligation, "description"),
        short_column(Obligation, "source__name", name="source_short"),
        "kind",
        short_column(Obligation, "document_reference"),
        short_column(Obligation, "agreement__title", name="agreement_short"),
        "status",
        "deadline",
    )
    list_filter = (DeadlineFilter, SourceCodeFilter, "kind", "status")
    list_select_related = ("source", "agreement")
    search_fields = ("description", "document_reference", "source__name", "source__code", "agreement__title")
    autocomplete_fields = ("source", "agreement")
    ordering = ("due_date",)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The source filter spells its lookup in full (`source__code__exact`), for stable links.
        return lookup == SourceCodeFilter.parameter_name or super().lookup_allowed(lookup, value, request)

    def save_record(
        self, request: HttpRequest, obj: Obligation, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.obligation_save(obligation=obj)

    def delete_record(self, request: HttpRequest, obj: Obligation) -> None:
        record_actions.obligation_delete(obligation=obj)

    @admin.display(description=_("deadline"))
    def deadline(self, obligation: Obligation) -> str:
        if obligation.status != ObligationStatus.PENDING:
            return "—"
        days = (obligation.due_date - today()).days
        if days < 0:
            return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {"days": -days}
        if days == 0:
            return str(_("due today"))
        return ngettext("due in %(days)d day", "due in %(days)d days", days) % {"days": days}
