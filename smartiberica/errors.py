"""The server-error page: Django's 403 and 404 handlers render `403.html` and `404.html` themselves.

A 500 may come from the database itself, so its page is rendered without the request's context
processors (the user, the messages: each may query) and without the request: `500.html` needs
nothing but the active language. Should the page itself fail, a plain answer still goes out.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PLAIN_500 = "<!DOCTYPE html><title>Server Error (500)</title><h1>Server Error (500)</h1>"


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponseServerError:
    try:
        body: str = render_to_string("500.html")  # no request: no context processor runs
    except Exception:  # the error page must answer whatever broke, its own template included
        logger.exception("the 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)
