"""Fixtures of the calendar tests: the day they run on, and their records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.board.calendar.records import TODAY, Records, build_records


@pytest.fixture(autouse=True)
def _on_20_march_2025() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def records(db: None) -> Records:
    return build_records()
