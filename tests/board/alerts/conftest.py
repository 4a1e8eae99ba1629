from collections.abc import Iterator

import pytest
import time_machine

from tests.board.alerts.world import FROZEN
from tests.board.projection import plan as projection_plan


@pytest.fixture
def june(db: None) -> Iterator[None]:
    """Today is 15 June 2025 in Madrid: 2024 is over, 2025 in progress."""
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def plan(db: None) -> Iterator[projection_plan.Plan]:
    """The projection tests' plan (tests/board/projection/plan.py), seen on 15 July 2025."""
    with time_machine.travel(projection_plan.TODAY, tick=False):
        yield projection_plan.build()
