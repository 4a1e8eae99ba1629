"""The frozen figures of an approved year: a `YearlyFigures` to JSON and back, exactly.

Every field is stored, the page context included, so a closed year's page, API answer and
exports are those of the day it was approved, whatever is written or recomputed later. A summary
beside it lists only the largest clients: the pages, which show no more, read it instead. Money
and ratios are stored as decimal strings (exact); the loader rebuilds each field from the type
the dataclass declares, so a field added later is stored without code here.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from smartiberica.board import figures
from smartiberica.board.figures import Approval, Basis, YearlyFigures
from smartiberica.board.models import YearApproval
from smartiberica.kernel.basis import TOP_CLIENTS, Clients
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.models import ClosedYear

# Not part of the frozen figures: who approved is the approval's own record.
NOT_STORED = frozenset({"approval"})


def to_snapshot(yearly: YearlyFigures) -> dict[str, Any]:
    """`yearly` as JSON-ready data: decimals as strings, dataclasses as objects."""
    return {
        f.name: _dump(getattr(yearly, f.name)) for f in dataclasses.fields(yearly) if f.name not in NOT_STORED
    }


def to_summary(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A basis's snapshot listing only its largest `TOP_CLIENTS` clients (the list is sorted)."""
    return {**snapshot, "revenue_by_client": snapshot["revenue_by_client"][:TOP_CLIENTS]}


def from_snapshot(data: dict[str, Any]) -> YearlyFigures:
    """The `YearlyFigures` that `to_snapshot` stored (fields it lacks keep their defaults)."""
    return typing.cast(YearlyFigures, _load_dataclass(YearlyFigures, data))


def approved_figures(*, years: list[int], basis: Basis, clients: Clients = "all") -> dict[int, YearlyFigures]:
    """The snapshot of each closed year among `years`, with its approval (one query); its summary
    for `clients="top"`, the other one left unread."""
    latest: dict[int, YearlyFigures] = {}
    for year, stored, by, at, note in _approvals(tuple(years), basis, clients):
        # Ordered by year, then time: the latest wins.
        latest[year] = dataclasses.replace(from_snapshot(stored), approval=Approval(by=by, at=at, note=note))
    return latest


@compiled_read
def _approvals(years: tuple[int, ...], basis: Basis, clients: Clients) -> QuerySet[Any, Any]:
    """The approvals of the closed years among `years`: the figures of `basis` alone (its key of
    the snapshot, or of the summary for the pages), who approved, when and why."""
    stored = f"{'snapshot' if clients == 'all' else 'summary'}__{basis}"
    closed = ClosedYear.objects.values("year")
    approvals = YearApproval.objects.approvals().filter(year__in=years).filter(year__in=closed)
    by = f"by__{get_user_model().USERNAME_FIELD}"
    return approvals.values_list("year", stored, by, "at", "note")


def _dump(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _dump(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    return value


Loader = Callable[[Any], Any]


def _load_dataclass(cls: type, data: dict[str, Any]) -> Any:
    return _loader(cls)(data)


@functools.cache
def _loader(hint: Any) -> Loader:
    """The function that rebuilds a value of type `hint` from its JSON, built once per type: a
    year's snapshot holds thousands of clients, and working the types out for each of them cost
    a closed year's page seconds at 10 M invoices."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _loader(next(a for a in args if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if hint is Decimal:
        return Decimal
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint, vars(figures))
        fields = [
            (f.name, _loader(hints[f.name])) for f in dataclasses.fields(hint) if f.name not in NOT_STORED
        ]
        return lambda data: hint(**{name: load(data[name]) for name, load in fields if name in data})
    if origin is dict:
        key_type, item = args[0], _loader(args[1])
        return lambda value: {key_type(key): item(v) for key, v in value.items()}
    if origin is tuple:
        item = _loader(args[0])
        return lambda value: tuple(item(v) for v in value)
    return lambda value: value
