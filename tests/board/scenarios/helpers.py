"""Scenarios written as the pages write them: through the actions."""

from __future__ import annotations

from typing import Any

from smartiberica.board.models import Scenario
from smartiberica.board.scenario_actions import scenario_create


def make_scenario(author: Any, *, slug: str = "what-if", name: str = "What if", **params: Any) -> Scenario:
    return scenario_create(author=author, slug=slug, name=name, **params)


def messages_of(error: Any, field: str) -> list[str]:
    """The messages a refusal gives for `field`, in the active language."""
    return [message for item in error.error_dict.get(field, []) for message in item.messages]
