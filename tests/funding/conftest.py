"""Fixtures of the funding tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(settings: object) -> None:
    """Messages are asserted against the English msgids: run in English unless a test switches."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
