"""The repository stands on its own: no code, script or test reads the team's shared folder.

Two guards: tests/conftest.py installs an audit hook that refuses any open or listing under
that folder in the test process (checked here), and a scan of every tracked text file for a
path that leads there, which also covers subprocesses, scripts and CI files the hook cannot see.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import OUTSIDE_SHARED, ROOT, ReadOfSharedFolder

# Built from parts so this file does not match its own pattern.
_UP = r"\.\./"
_SHARED_PATH = re.compile(
    _UP
    + r"shared\b"  # dot-dot-slash, then the folder
    + r"|parent\s*/\s*[\"']sha"
    + r"red[\"']"  # Path(...).parent / the folder name
    + r"|/work/"
    + r"shared\b"
)
# The guard in tests/conftest.py has to name the folder it refuses.
_ALLOWED = "standalone-guard:"
_SCANNED_SUFFIXES = {".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".lua", ""}
_SCANNED_ROOTS = (
    "app.py",
    "catalogue",
    "advisor",
    "tests",
    "bench",
    "scripts",
    "migrations",
    ".ci",
)


def _tracked_files() -> list[Path]:
    listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["git", "ls-files", *_SCANNED_ROOTS],  # noqa: S607 - git from PATH, as in CI
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).suffix in _SCANNED_SUFFIXES]


def test_the_audit_hook_refuses_reading_the_shared_folder() -> None:
    with pytest.raises(ReadOfSharedFolder):
        Path(OUTSIDE_SHARED, "data", "README.md").read_bytes()
    with pytest.raises(ReadOfSharedFolder):
        list(Path(OUTSIDE_SHARED).iterdir())


def test_the_scan_pattern_finds_paths_to_the_shared_folder() -> None:
    assert _SHARED_PATH.search('open("' + ".." + '/shared/data/x")')
    assert _SHARED_PATH.search("ROOT.parent / 'shared' / 'data'")
    assert not _SHARED_PATH.search("shared by every app in this process")


def test_no_tracked_file_points_at_the_shared_folder() -> None:
    files = _tracked_files()
    assert any(path.name == "conftest.py" for path in files)  # the scan really sees the tests
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        if path != Path(__file__).resolve()
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        )
        if _SHARED_PATH.search(line) and _ALLOWED not in line
    ]
    assert offenders == []
