"""No module of the project grows past 600 lines (migrations aside): past that, split it by concept."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

LIMIT = 600
PACKAGES = ("smartiberica", "funding", "services", "banking", "tests", "bench")


def project_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return [
        path
        for package in PACKAGES
        for path in sorted((base / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_passes_600_lines() -> None:
    too_long = {
        str(path.relative_to(settings.BASE_DIR)): lines
        for path in project_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}


def test_the_size_check_sees_the_modules_it_guards() -> None:
    names = {path.name for path in project_modules()}
    assert {"settings.py", "figures.py", "selectors.py", "test_module_size.py"} <= names
