"""Imports flow one way. This walks every module's imports with ``ast`` and enforces the layers."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


def _modules(folder: str, pattern: str = "*.py") -> list[Path]:
    return sorted((ROOT / folder).rglob(pattern))


@pytest.mark.parametrize("path", _modules("advisor"), ids=lambda p: str(p.relative_to(ROOT)))
def test_advisor_imports_only_the_standard_library_networkx_and_a_solver(path: Path) -> None:
    allowed = STDLIB | {"advisor", "networkx", "numpy", "scipy"}
    assert {_top(name) for name in _imports(path)} <= allowed


@pytest.mark.parametrize(
    "path",
    [
        *_modules("catalogue", "publiccode*.py"),
        ROOT / "catalogue" / "documents.py",
        ROOT / "catalogue" / "text.py",
        ROOT / "catalogue" / "rendering.py",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_pure_modules_know_no_web_and_no_database(path: Path) -> None:
    tops = {_top(name) for name in _imports(path)}
    assert not tops & {"flask", "sqlalchemy", "werkzeug"}
    assert not {
        name for name in _imports(path) if name.startswith(("catalogue.services", "catalogue.web"))
    }


@pytest.mark.parametrize(
    "path",
    [*_modules("catalogue/services"), ROOT / "catalogue" / "models.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_services_and_models_never_import_the_web_layer(path: Path) -> None:
    names = _imports(path)
    assert not {_top(n) for n in names} & {"flask", "werkzeug", "flask_babel", "flask_wtf"}
    assert not {n for n in names if n.startswith("catalogue.web")}


@pytest.mark.parametrize("path", _modules("catalogue/web"), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_never_import_sqlalchemy(path: Path) -> None:
    names = _imports(path)
    # The one exception is the request-session helper, which only names the Session type.
    if path.name == "context.py":
        names = {n for n in names if n != "sqlalchemy.orm"}
    assert "sqlalchemy" not in {_top(n) for n in names}
