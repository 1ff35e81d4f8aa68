"""Full types are checked, not hoped for: mypy --strict on the packages that promise them.

Each entry of ``STRICT`` is one mypy run (``catalogue/services`` checks what it imports too:
the component document, the publiccode parser, the ArchiMate exchange).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Paths (relative to the repository) that mypy --strict must find clean, one run per entry.
STRICT: dict[str, tuple[str, ...]] = {
    "advisor": ("advisor",),
    "catalogue/services": ("catalogue/services",),
}


def _mypy(cache: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    # The project's [tool.mypy] settings apply (run from the repository root); the cache goes
    # to a temporary folder so that the test writes nothing into the checkout.
    return subprocess.run(  # noqa: S603 - a fixed command on our own files
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


@pytest.mark.slow
@pytest.mark.parametrize("paths", list(STRICT.values()), ids=list(STRICT))
def test_mypy_strict_is_clean(paths: tuple[str, ...], tmp_path: Path) -> None:
    result = _mypy(tmp_path / "mypy-cache", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_fails_on_an_untyped_function(tmp_path: Path) -> None:
    # The check above means something only if the project's settings still catch a missing
    # annotation: a config that silenced errors would make every run "clean".
    sample = tmp_path / "untyped.py"
    sample.write_text("def double(x):\n    return x * 2\n", encoding="utf-8")
    result = _mypy(tmp_path / "mypy-cache", str(sample))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Function is missing a type annotation" in result.stdout
