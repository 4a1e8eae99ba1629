"""The admin as a thin form layer over the apps' actions.

Every ModelAdmin of a record (funding and services) derives from `ActionAdmin`:

- Saving a change form calls `save_record()`, which each admin implements with one call
  to its app's action (header and inline rows together), never Django's own `save()`.
  `save_model()` only defers to it, so the record and its inline rows are written by the
  action in one go, after every form is valid.
- When the action refuses (a `ValidationError`: a rule checked under a row lock, a rule
  that spans records), the page is shown again with the user's input and the action's
  message on the form, exactly as a form error would be: the same translated words as an
  import row error or a call of the action.
- Deleting calls `delete_record()` (one action); a refusal is a message, not a 500.
- The audit trail (django-simple-history) is read-only for everybody: its pages answer
  GET only, since a "revert" would write an old version around the actions.
- Text fields refuse control characters (a NUL byte above all), and a list's query parameters
  with one are dropped with a message (`smartiberica.kernel.text`).
- Numbers are typed and shown the reader's way (`450,50` in Spanish and French, `450.50` in
  English): `LocalizedNumbersMixin`, which `ActionAdmin` and every inline carry, gives each
  model DecimalField a `LocalizedDecimalField`.

The rows an app generates (a loan's schedule) are listed by a `ReadOnlyAdmin`: nobody adds,
changes or deletes them in the admin, so it has no write to route through an action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from smartiberica.kernel.admin_filters import ignore_filter_value
from smartiberica.kernel.admin_numbers import ReadableNumbersMixin
from smartiberica.kernel.form_fields import LocalizedDecimalField
from smartiberica.kernel.history_display import LocalizedHistoryHelper
from smartiberica.kernel.paginator import EstimatedCountPaginator
from smartiberica.kernel.text import has_control_characters, validate_multi_line, validate_single_line

REFUSAL_ATTRIBUTE = "_action_refusal"
# The only methods the history pages answer.
READ_METHODS = ["GET", "HEAD"]


class ActionRefused(Exception):
    """An action refused the save; the change form is shown again with its error."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def add_refusal_to_form(form: BaseForm, error: ValidationError) -> None:
    """Put an action's error on the form: on its fields where the form has them, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def _refusing_form(form_class: type[BaseForm], refusal: ValidationError) -> type[BaseForm]:
    """`form_class` that, once cleaned, also carries the action's refusal."""

    class RefusedForm(form_class):  # type: ignore[valid-type,misc]
        def clean(self) -> Any:
            cleaned = super().clean()
            add_refusal_to_form(self, refusal)
            return cleaned

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


@dataclass
class InlineRows:
    """The rows of one inline model as the formsets left them: not written yet."""

    changed: list[Any] = field(default_factory=list)  # new and changed rows
    removed: list[Any] = field(default_factory=list)  # existing rows ticked for deletion


def inline_rows(formsets: Any, model: type) -> InlineRows:
    """The new, changed and removed rows of `model` in the page's inline formsets."""
    rows = InlineRows()
    for formset in formsets:
        if formset.model is model:
            rows.changed.extend(formset.save(commit=False))
            rows.removed.extend(formset.deleted_objects)
    return rows


class LocalizedNumbersMixin(ReadableNumbersMixin):
    """For a ModelAdmin or an inline: model DecimalFields are read and shown in the reader's language.

    Django's own DecimalField refuses `450,50` and shows `21.00` to a Spanish reader; a browser's
    number input may even drop the comma and send 45050. See `smartiberica.kernel.form_fields`;
    fields shown and not typed are written by `smartiberica.kernel.admin_numbers`.
    """

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.DecimalField) and not db_field.choices:
            kwargs.setdefault("form_class", LocalizedDecimalField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        # Text is printable: no NUL byte (PostgreSQL refuses it) nor other control character.
        if formfield is not None and isinstance(db_field, models.TextField):
            formfield.validators.append(validate_multi_line)
        elif formfield is not None and isinstance(db_field, models.CharField) and not db_field.choices:
            formfield.validators.append(validate_single_line)
        return formfield


def _name_inputs_after_their_column(form: BaseForm) -> None:
    # A tabular inline heads its columns with <th> cells, which label no input: a screen reader
    # would announce "edit text" with no name. Each visible input carries its column's name.
    for formfield in form.fields.values():
        if formfield.label and not formfield.widget.is_hidden:
            formfield.widget.attrs.setdefault("aria-label", capfirst(str(formfield.label)))


class LabelledTabularInline(LocalizedNumbersMixin, admin.TabularInline):
    """Every tabular inline of the apps: localized numbers and inputs named after their column."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):  # type: ignore[valid-type,misc]
            def add_fields(self, form: BaseForm, index: int | None) -> None:
                super().add_fields(form, index)  # the "Delete" box is added here: name it too
                _name_inputs_after_their_column(form)

        LabelledFormSet.__name__ = formset.__name__
        return LabelledFormSet


def _without_control_characters(request: HttpRequest) -> HttpResponse | None:
    """A redirect dropping the query parameters with a control character, or None when there are none.

    A control character (a NUL byte above all, which PostgreSQL refuses in any string) in a
    query parameter can only be a forged URL: drop those parameters and say so.
    """
    bad = [key for key, value in request.GET.lists() if has_control_characters(key, *value)]
    if not bad:
        return None
    query = request.GET.copy()
    for key in bad:
        ignore_filter_value(request, query.get(key) or key)
        del query[key]
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)


class ReadOnlyAdmin(LocalizedNumbersMixin, admin.ModelAdmin):
    """A list of rows the apps generate (a loan's schedule): nobody adds, changes or deletes them here.

    No form ever writes, so there is no action to call: the rows change only through the actions
    of the record they belong to (a loan re-generates its schedule). Roles with the view
    permission read the list and each row.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return _without_control_characters(request) or super().changelist_view(request, extra_context)


class ActionAdmin(LocalizedNumbersMixin, SimpleHistoryAdmin):
    """Base of every record admin: writes go through `save_record` / `delete_record`."""

    def save_record(self, request: HttpRequest, obj: Any, form: Any, formsets: Any, change: bool) -> None:
        """Write `obj` (and the inline rows of `formsets`) with one call to an action."""
        raise NotImplementedError(f"{type(self).__name__} must save through an action")

    def delete_record(self, request: HttpRequest, obj: Any) -> None:
        """Delete `obj` with one call to an action."""
        raise NotImplementedError(f"{type(self).__name__} must delete through an action")

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # When related rows protect a record (PROTECT), say so rather than "missing permission":
        # issued invoices are never deletable, and the delete page of a client with invoices would
        # otherwise blame the user's permissions instead of explaining what protects it.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            perms_needed = set()
        return deleted, model_count, perms_needed, protected

    # --- Saving ---------------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Deferred to save_related, where the inline formsets are known: the action writes the
        # record and its rows together.
        return None

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        try:
            self.save_record(request, form.instance, form, formsets, change)
        except ValidationError as error:
            raise ActionRefused(error) from error
        for formset in formsets:
            if not hasattr(formset, "new_objects"):  # an inline save_record did not take
                if formset.has_changed():
                    raise ImproperlyConfigured(f"{type(self).__name__}.save_record ignores {formset.model}")
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ActionRefused as refused:
            # The transaction of the first pass was rolled back. Run the view again on the same
            # POST: the form now carries the action's error, so it is shown, not saved.
            setattr(request, REFUSAL_ATTRIBUTE, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal: ValidationError | None = getattr(request, REFUSAL_ATTRIBUTE, None)
        if refusal is None:
            return form_class
        return _refusing_form(form_class, refusal)

    # --- Deleting -------------------------------------------------------------------------------

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            self.delete_record(request, obj)
        except ValidationError as error:
            raise ActionRefused(error) from error

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ActionRefused as refused:
            for message in refused.error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_action(self, request: HttpRequest, queryset: Any) -> Any:
        try:
            return super().response_action(request, queryset)
        except ActionRefused as refused:
            for message in refused.error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- Lists: a bad filter value is dropped with a message, never a 500 ----------------------

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return _without_control_characters(request) or super().changelist_view(request, extra_context)

    # --- The audit trail: read-only -------------------------------------------------------------

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        # No "Revert" button, whatever SIMPLE_HISTORY_REVERT_DISABLED says.
        return True

    # simple-history's titles and values, in the reader's language (see `kernel.history_display`).
    def history_view_title(self, request: HttpRequest, obj: Any) -> str:
        return gettext("History of %(record)s") % {"record": obj}

    def history_form_view_title(self, request: HttpRequest, obj: Any) -> str:
        return gettext("Version of %(record)s") % {"record": obj}

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record: Any) -> Any:
        return LocalizedHistoryHelper(self.model, historical_record)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple-history saves a POSTed old version (the setting only hides the button): that
        # write would skip the actions (a loan's schedule, closed years, the rules), so refuse it
        # for everybody, superusers included.
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        return super().history_form_view(request, object_id, version_id, extra_context)


class BigListAdmin(ActionAdmin):
    """A record list that grows every week (invoices, payments, expenses, receipts).

    No count of the whole table (`EstimatedCountPaginator`), no facet counts, 50 rows a page; and
    the parameters of our own list filters (e.g. `category__code__exact`) are accepted as they
    are: Django only recognises a relational parameter when it is a filter's field path, while
    these SimpleListFilters spell the lookup in full, for stable drill-down links.
    """

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    paginator = EstimatedCountPaginator

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        own = {
            item.parameter_name
            for item in self.list_filter
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter)
        }
        return lookup in own or super().lookup_allowed(lookup, value, request)
