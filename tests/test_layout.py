"""The tests mirror the source: ``tests/<package>/test_<module>.py`` tests ``<package>/<module>.py``.

A test module's folder under ``tests/`` is a source package (``tests/catalogue/services/`` for
``catalogue/services/``, ``tests/`` itself for the repository root with ``app.py``), and its name
is ``test_<name>.py`` or ``test_<name>_<aspect>.py``, where ``<name>`` is a module or subpackage of
that package (leading and trailing underscores dropped: ``advisor/__main__.py`` is ``test_main``,
``_whoosh_ranking.py`` is ``test_whoosh_ranking``, and a dot in a file's name is an underscore:
``gunicorn.conf.py`` is ``test_gunicorn_conf``) or the package itself, for a test of the
package as a whole (``tests/catalogue/web/test_web_hostile_input.py`` walks every route).

Not mirrored: the browser journeys (``tests/browser/``), the benchmark's instruments
(``tests/bench/``) and the repository-wide checks at the top (``REPOSITORY_CHECKS``).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, SLOW_FILES

TESTS = ROOT / "tests"
# Folders of tests that follow journeys or tools, not modules.
NOT_MIRRORED = ("browser", "bench")
# Checks of the whole repository: imports, style, types, locks, standing alone, this layout.
REPOSITORY_CHECKS = frozenset(
    {
        "test_architecture.py",
        "test_layout.py",
        "test_lock.py",
        "test_standalone.py",
        "test_style.py",
        "test_typing.py",
    }
)


def names_in(package: Path) -> set[str]:
    """What a test module in the mirror of ``package`` may be named after."""
    names = {package.name} if package != ROOT else set()
    for child in package.iterdir():
        if child.is_file() and child.suffix == ".py" and child.name != "__init__.py":
            names.add(child.stem.strip("_").replace(".", "_"))
        elif child.is_dir() and (child / "__init__.py").is_file():
            names.add(child.name)
    return names


def misplaced(test_file: Path) -> str | None:
    """Why ``test_file`` (a path under tests/) breaks the layout, or None when it keeps it."""
    relative = test_file.relative_to(TESTS)
    if relative.parts[0] in NOT_MIRRORED or relative.as_posix() in REPOSITORY_CHECKS:
        return None
    package = ROOT.joinpath(*relative.parts[:-1])
    if package != ROOT and not (package / "__init__.py").is_file():
        return f"{relative.parent.as_posix()}/ mirrors no source package"
    name = test_file.stem.removeprefix("test_")
    names = names_in(package)
    if any(name == known or name.startswith(known + "_") for known in names):
        return None
    where = package.relative_to(ROOT).as_posix() if package != ROOT else "the repository root"
    return f"test_{name} names no module or subpackage of {where} ({', '.join(sorted(names))})"


def all_test_files() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def test_every_test_module_mirrors_a_source_module() -> None:
    found = all_test_files()
    assert len(found) > 50, "the walk found too few test modules to mean anything"
    wrong = {path.relative_to(ROOT).as_posix(): why for path in found if (why := misplaced(path))}
    assert not wrong, wrong


def test_the_rule_refuses_what_does_not_mirror() -> None:
    # Paths invented here: the rule must say no, or the walk above could pass on anything.
    assert misplaced(TESTS / "catalogue" / "web" / "test_pages_more.py") is None
    assert misplaced(TESTS / "advisor" / "test_main.py") is None
    assert misplaced(TESTS / "catalogue" / "search" / "test_whoosh_ranking.py") is None
    assert misplaced(TESTS / "catalogue" / "web" / "test_nothing_here.py")
    assert misplaced(TESTS / "contribute" / "test_services.py")
    assert misplaced(TESTS / "catalogue" / "test_pages.py")
    assert misplaced(TESTS / "test_random_things.py")


def test_every_slow_file_exists() -> None:
    # A stale path in SLOW_FILES would quietly put a slow file back into the quick run.
    missing = sorted(path for path in SLOW_FILES if not (ROOT / path).is_file())
    assert not missing, missing
