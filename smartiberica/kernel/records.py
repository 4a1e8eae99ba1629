"""The two steps every write action ends with: validate then save, or delete unless protected.

Both apps' actions use them, so a record is always `full_clean()`-ed before it is saved and a
protected delete is always a translated `ValidationError`, never a `ProtectedError` traceback.
They must be called inside the action's `transaction.atomic` block.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.closed_years import validate_record_deletable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)

ERR_RECORD_IN_USE = _("Other records refer to this one: it cannot be deleted.")


def save_validated(instance: M) -> M:
    instance.full_clean()
    instance.save()
    return instance


def delete_unless_protected(
    instance: models.Model, *, message: StrOrPromise = ERR_RECORD_IN_USE, code: str = "protected"
) -> None:
    """Delete `instance`, or refuse with `message` when other records protect it (PROTECT) or it
    is dated in a closed year."""
    validate_record_deletable(instance)
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(message, code=code) from error


def save_children(children: Iterable[M], *, deleted: Iterable[M] = ()) -> list[M]:
    """Delete the removed rows of a record, then validate and save its new and changed rows.

    The rows hold their parent as an object, so rows of a record created in the same action
    get its primary key when saved.
    """
    for row in deleted:
        if row.pk is not None:
            row.delete()
    saved = []
    for row in children:
        for field in row._meta.concrete_fields:
            # Foreign keys (one-to-one ones too) are the only concrete relations that cache an object.
            if (
                isinstance(field, models.ForeignKey)
                and getattr(row, field.attname) is None
                and field.is_cached(row)
            ):
                setattr(row, field.name, field.get_cached_value(row))  # the parent's pk, saved since
        saved.append(save_validated(row))
    return saved
