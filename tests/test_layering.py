"""The layers of docs/architecture.md, bottom up: kernel, the domain apps, board; the demo aside.

- `smartiberica.kernel` imports no app (neither domain app, nor the board, nor the demo).
- `funding`, `services` and `banking` import the kernel only, never each other nor the board or the demo.
- `smartiberica.board` reads and writes the apps through their `selectors` and `actions` only.
- `smartiberica.demo` (the demo story and the benchmark data generator) is imported by no
  production module; the story writes through actions like everyone else, and only the generator
  (`smartiberica/demo/synthetic*`) may name the apps' models: it bulk-loads benchmark data with
  COPY, a path no user takes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("funding", "services", "banking")
PUBLIC_FACES = tuple(f"{app}.{face}" for app in APPS for face in ("selectors", "actions"))


def imported_modules(path: Path) -> set[str]:
    """Every absolute module `path` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from funding import models` names the module `funding.models`.
            names.update(f"{node.module}.{alias.name}" for alias in node.names if node.module in APPS)
    return names


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def modules_of(package_dir: str) -> list[Path]:
    return [p for p in sorted((BASE / package_dir).rglob("*.py")) if "migrations" not in p.parts]


def offenders(package_dir: str, refused: Callable[[Path, str], bool]) -> list[str]:
    found = []
    for path in modules_of(package_dir):
        for module in sorted(imported_modules(path)):
            if refused(path, module):
                found.append(f"{path.relative_to(BASE)} imports {module}")
    return found


def test_the_kernel_imports_no_app() -> None:
    def refused(_path: Path, module: str) -> bool:
        if is_within(module, "smartiberica"):
            return not is_within(module, "smartiberica.kernel")
        return any(is_within(module, app) for app in APPS)

    assert offenders("smartiberica/kernel", refused) == []


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_kernel_and_never_another_app(app: str) -> None:
    others = [a for a in APPS if a != app]

    def refused(_path: Path, module: str) -> bool:
        if is_within(module, "smartiberica"):
            return not is_within(module, "smartiberica.kernel")
        return any(is_within(module, other) for other in others)

    assert offenders(app, refused) == []


def test_the_board_reaches_the_apps_only_through_selectors_and_actions() -> None:
    def refused(_path: Path, module: str) -> bool:
        if is_within(module, "smartiberica.demo"):
            return True
        if any(is_within(module, app) for app in APPS):
            return module in APPS or not any(is_within(module, face) for face in PUBLIC_FACES)
        return False

    assert offenders("smartiberica/board", refused) == []


def test_the_demo_story_writes_through_actions_and_only_the_generator_names_models() -> None:
    def refused(path: Path, module: str) -> bool:
        if not any(is_within(module, app) for app in APPS) or module in APPS:
            return False
        if any(is_within(module, face) for face in PUBLIC_FACES):
            return False
        return not (path.name.startswith("synthetic") and module.endswith(".models"))

    assert offenders("smartiberica/demo", refused) == []


def test_no_production_module_imports_the_demo() -> None:
    production = [*APPS, "smartiberica"]
    found = []
    for package_dir in production:
        for path in modules_of(package_dir):
            if is_within(".".join(path.relative_to(BASE).with_suffix("").parts), "smartiberica.demo"):
                continue
            found += [
                f"{path.relative_to(BASE)} imports {m}"
                for m in sorted(imported_modules(path))
                if is_within(m, "smartiberica.demo")
            ]
    assert found == []


def test_the_layering_checks_name_packages_that_exist() -> None:
    for package in ("smartiberica/kernel", "smartiberica/board", "smartiberica/demo", *APPS):
        assert modules_of(package), package
    for face in PUBLIC_FACES:
        where = BASE / face.replace(".", "/")
        assert where.with_suffix(".py").exists() or (where / "__init__.py").exists(), face
