"""The language switcher: Django's `set_language`, which also remembers a signed-in user's choice.

The e-mails sent when nobody is looking (the alert digest) are written in the language the user
last chose here (`UserPreference`, through `alert_actions.user_language_set`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views import i18n

from smartiberica.board.alert_actions import user_language_set


@login_not_required  # the login page has a language switcher too
def set_language(request: HttpRequest) -> HttpResponse:
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response
