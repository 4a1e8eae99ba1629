from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from smartiberica.kernel.models import DemoDataset

DEMO_CACHE_KEY = "smartiberica:demo-loaded"
NO_BANNER_PREFIXES = ("/healthz", "/api/", "/static/")


def demo_loaded() -> bool:
    # One cheap query a minute per process, not one per page.
    return bool(cache.get_or_set(DEMO_CACHE_KEY, lambda: DemoDataset.objects.exists(), timeout=60))


class DemoFlagMiddleware:
    """Looks up, before the view, whether the demo story is loaded.

    Done here rather than lazily in the template, so that templates never query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Machine endpoints show no banner; healthz must not query before its own check.
        pages = not request.path_info.startswith(NO_BANNER_PREFIXES)
        request.demo_data = pages and demo_loaded()  # type: ignore[attr-defined]
        return self.get_response(request)


def demo(request: HttpRequest) -> dict[str, bool]:
    """`demo_data` is true while the demo story is loaded: every page shows a banner."""
    return {"demo_data": getattr(request, "demo_data", False)}
