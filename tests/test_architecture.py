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
        *_modules("catalogue/publiccode"),
        *_modules("catalogue/ameff"),
        ROOT / "catalogue" / "documents.py",
        ROOT / "catalogue" / "component_document.py",
        ROOT / "catalogue" / "errors.py",
        ROOT / "catalogue" / "issue_texts.py",
        ROOT / "catalogue" / "text.py",
        ROOT / "catalogue" / "rendering.py",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_pure_modules_know_no_web_and_no_database(path: Path) -> None:
    tops = {_top(name) for name in _imports(path)}
    assert not tops & {"flask", "flask_babel", "sqlalchemy", "werkzeug"}
    assert not {
        name for name in _imports(path) if name.startswith(("catalogue.services", "catalogue.web"))
    }


@pytest.mark.parametrize(
    "path",
    [*_modules("catalogue/services"), *_modules("catalogue/models")],
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


# --------------------------------------------------------------------------------------------
# Transitive purity: what a module pulls in through other project modules counts too.
# --------------------------------------------------------------------------------------------

PROJECT = ("advisor", "catalogue")
IMPURE = ("flask", "sqlalchemy", "werkzeug", "catalogue.web", "catalogue.services")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_path(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(path: Path) -> set[str]:
    """Every module this file imports, absolute, including ``from package import submodule``."""
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{anchor}.{node.module}" if node.module else anchor
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _loaded_with(name: str) -> set[str]:
    """A module and the parent packages Python runs before it."""
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts) + 1)}


def _transitive_imports(start: str) -> dict[str, str]:
    """Every module reachable from ``start``, each with the project module that imports it."""
    seen: dict[str, str] = {}
    queue = [(module, start) for module in _loaded_with(start)]
    while queue:
        name, via = queue.pop()
        if name in seen:
            continue
        seen[name] = via
        path = _module_path(name) if name.split(".")[0] in PROJECT else None
        if path is None:
            continue
        for imported in _imported_names(path):
            for module in _loaded_with(imported):
                if module.split(".")[0] not in PROJECT or _module_path(module) is not None:
                    queue.append((module, name))
    return seen


def _impure(start: str) -> dict[str, str]:
    reached = _transitive_imports(start)
    return {
        name: via
        for name, via in reached.items()
        if any(name == bad or name.startswith(f"{bad}.") for bad in IMPURE)
    }


PURE_MODULES = [
    *_modules("advisor"),
    *_modules("catalogue/publiccode"),
    *_modules("catalogue/ameff"),
    ROOT / "catalogue" / "enums.py",
    ROOT / "catalogue" / "documents.py",
    ROOT / "catalogue" / "component_document.py",
    ROOT / "catalogue" / "errors.py",
    ROOT / "catalogue" / "issue_texts.py",
    ROOT / "catalogue" / "text.py",
    ROOT / "catalogue" / "rendering.py",
]


@pytest.mark.parametrize("module", [_module_name(path) for path in PURE_MODULES])
def test_pure_packages_stay_pure_through_every_import(module: str) -> None:
    assert _impure(module) == {}


def test_the_enums_need_only_the_standard_library() -> None:
    # The pure modules use the enums; the models import them from here, never the other way.
    assert {_top(name) for name in _imports(ROOT / "catalogue" / "enums.py")} <= STDLIB


@pytest.mark.parametrize("module", [_module_name(path) for path in _modules("catalogue/search")])
def test_search_never_imports_the_web_layer_through_any_import(module: str) -> None:
    # The search page (catalogue/web/search.py) uses search; app.py registers it. The other way
    # round would be a circle: web -> search -> web.
    reached = _transitive_imports(module)
    assert {name: via for name, via in reached.items() if name.startswith("catalogue.web")} == {}


def test_the_walk_sees_the_web_layer_where_it_is_imported() -> None:
    # The check above only means something if the walk reports catalogue.web where it is used.
    assert "catalogue.web.context" in _transitive_imports("catalogue.web.search")


def test_the_transitive_walk_finds_an_import_made_through_another_module() -> None:
    # The cli package's __init__ never names sqlalchemy, yet reaches it through its command
    # modules, catalogue.db and the services: the walk must see what a module pulls in through
    # the project modules it imports.
    reached = _impure("catalogue.cli")
    assert "catalogue.services" in reached
    assert "sqlalchemy" in reached
    init = ROOT / "catalogue" / "cli" / "__init__.py"
    assert "sqlalchemy" not in {_top(name) for name in _imports(init)}


# --------------------------------------------------------------------------------------------
# One composition root: app.py wires everything; the extensions are created in one module.
# --------------------------------------------------------------------------------------------

EXTENSION_CLASSES = {"Babel", "CSRFProtect", "Database", "Limiter", "LoginManager", "_LoginManager"}
# Flask-Login's manager is made as catalogue/extensions.py's subclass of it.
MADE_IN_EXTENSIONS = EXTENSION_CLASSES - {"LoginManager"}
EXTENSIONS_MODULE = ROOT / "catalogue" / "extensions.py"


def _constructed(path: Path) -> set[str]:
    """The extension classes ``path`` calls (``Limiter(...)``, ``flask_login.LoginManager()``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in EXTENSION_CLASSES:
                found.add(name)
    return found


def test_only_the_extensions_module_creates_extensions() -> None:
    creators = {
        str(path.relative_to(ROOT)): _constructed(path)
        for path in [ROOT / "app.py", *_modules("catalogue")]
        if _constructed(path)
    }
    assert creators == {"catalogue/extensions.py": MADE_IN_EXTENSIONS}


# The one nesting left: the page blueprint binds the request session and the template labels
# that every page needs.
NESTED_INIT = {("catalogue/web/pages.py", "context"), ("catalogue/web/pages.py", "labels")}


def test_app_py_is_the_only_composition_root() -> None:
    # A module's init_app registers its own blueprint, hooks or commands; app.py calls the
    # init_app of the others (catalogue/contribute.py used to be a second root), and
    # extensions.py binds the extension objects (csrf.init_app(app)).
    calls: set[tuple[str, str]] = set()
    for path in _modules("catalogue"):
        if path == EXTENSIONS_MODULE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "init_app"
                and isinstance(node.func.value, ast.Name)
            ):
                calls.add((str(path.relative_to(ROOT)), node.func.value.id))
    assert calls == NESTED_INIT


# --------------------------------------------------------------------------------------------
# Private stays private: a name with a leading underscore is used only inside its own package.
# --------------------------------------------------------------------------------------------


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_to(holder: str) -> str:
    """The package a private name defined in ``holder`` belongs to: ``holder`` itself when it
    is a package, else the package that holds the module."""
    path = _module_path(holder)
    return holder if path is not None and path.name == "__init__.py" else holder.rpartition(".")[0]


def _used_outside_its_package(name: str, user: str) -> bool:
    """True when module ``user`` reaches a private part of the project name ``name``
    (``catalogue.publiccode._is_spdx_expression``) from outside the package it belongs to."""
    parts = name.split(".")
    if parts[0] not in PROJECT:
        return False
    for end in range(1, len(parts)):
        if _is_private(parts[end]):
            package = _private_to(".".join(parts[:end]))
            if user != package and not user.startswith(f"{package}."):
                return True
    return False


def _private_names_from_other_packages(source: str, module: str, *, is_package: bool) -> set[str]:
    """Private project names that ``source`` (module ``module``) imports or reaches as
    ``imported_module._name``, each as a dotted name, when it is outside their package."""
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(source)
    reached: set[str] = set()
    # A local name bound to a project module, so that `submissions._helper(...)` counts too.
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                reached.add(alias.name)
                if alias.asname:
                    modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            reached.add(base)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                reached.add(name)
                if _module_path(name) is not None:
                    modules[alias.asname or alias.name] = name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            reached.add(f"{modules[node.value.id]}.{node.attr}")
    return {name for name in reached if _used_outside_its_package(name, module)}


@pytest.mark.parametrize(
    "path",
    [ROOT / "app.py", *_modules("catalogue")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_uses_a_private_name_of_another_package(path: Path) -> None:
    # Inside a package its modules share private helpers (catalogue.publiccode's readers do);
    # from outside, a private name is no API: make it public where it is defined.
    source = path.read_text(encoding="utf-8")
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    assert _private_names_from_other_packages(source, module, is_package=is_package) == set()


def test_the_private_name_check_sees_both_spellings_and_allows_the_own_package() -> None:
    # The import catalogue/services/submissions.py once made, a private module, and a private
    # function reached through its module: all three are caught outside their packages.
    outside = (
        "from catalogue.publiccode import _is_spdx_expression as _spdx\n"
        "from catalogue.search import _whoosh_facets\n"
        "from catalogue.services import components\n"
        "components._write(None)\n"
    )
    assert _private_names_from_other_packages(
        outside, "catalogue.web.contribute", is_package=False
    ) == {
        "catalogue.publiccode._is_spdx_expression",
        "catalogue.search._whoosh_facets",
        "catalogue.services.components._write",
    }
    # Inside the package that holds them, the same names are its own business: a module's
    # private name belongs to its package (the publiccode readers share theirs).
    assert _private_names_from_other_packages(outside, "catalogue.search", is_package=True) == {
        "catalogue.publiccode._is_spdx_expression",
        "catalogue.services.components._write",
    }
    assert (
        _private_names_from_other_packages(
            "from .formats import _EMAIL\n", "catalogue.publiccode.sections", is_package=False
        )
        == set()
    )
