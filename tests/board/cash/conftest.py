"""The projection tests' plan (tests/board/projection/plan.py), seen on 15 July 2025."""

from collections.abc import Iterator

import pytest
import time_machine

from tests.board.projection.plan import TODAY, Plan, build


@pytest.fixture
def seen_in_july() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(db: None, seen_in_july: None) -> Plan:
    return build()
