"""Reads shared by the parts of one page: each asked once per request, however many parts ask.

The year page assembles the yearly figures, the projection, the guarantee fund, the receivables
and the alerts; several of them need the same small reference reads (the margin rules and the
members' turnover, the service lines, the expense categories, the clients whose receivables moved).
Each part stays self-contained (it reads what it needs), and a view that assembles several runs
them inside `shared_reads()`: a function marked `@shared_read` then runs once per distinct
arguments within that scope and hands every later caller the same result. Outside a scope (actions,
imports, tests, management commands) nothing is kept: a write is never followed by a stale read.

What a shared read returns is read-only by convention (tuples, frozen dataclasses): one part must
not change what another part will read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_scope: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, each `@shared_read` function runs once per distinct arguments."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def shared_read(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a read whose result the parts of one page share (hashable arguments only)."""

    @wraps(function)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        kept = _scope.get()
        if kept is None:
            return function(*args, **kwargs)
        key = (function, args, tuple(sorted(kwargs.items())))
        if key not in kept:
            kept[key] = function(*args, **kwargs)
        result: R = kept[key]
        return result

    return read


def with_shared_reads(view: Callable[P, R]) -> Callable[P, R]:
    """A view that assembles several parts: run it inside `shared_reads()`."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with shared_reads():
            return view(*args, **kwargs)

    return wrapped
