"""The two domain apps never import each other (nor the cross-app layer's views)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    "funding": ("services", "smartiberica.figures", "smartiberica.views", "smartiberica.board"),
    "services": ("funding", "smartiberica.figures", "smartiberica.views", "smartiberica.board"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_a_domain_app_does_not_import_the_other(app: str) -> None:
    offenders = []
    for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN[app]):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)} imports {module}")
    assert offenders == []
