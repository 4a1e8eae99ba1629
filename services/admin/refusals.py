"""How a list action reports what an action refused."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def report_errors(
    request: HttpRequest, admin_obj: admin.ModelAdmin, obj: Any, error: ValidationError
) -> None:
    for message in error.messages:
        admin_obj.message_user(request, f"{obj}: {message}", messages.ERROR)
