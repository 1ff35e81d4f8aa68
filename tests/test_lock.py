"""The lock files pin what pyproject.toml asks for, with hashes, and the suite runs on them.

scripts/lock.sh writes them; scripts/dev.sh and scripts/test.sh install them with
``pip install --require-hashes``. These tests fail when a dependency changes in pyproject.toml
without a new lock, or when the environment under test drifted from the lock.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def pins(lock: Path) -> dict[str, Version]:
    """``name -> version`` of every pinned package; each must carry at least one hash."""
    found: dict[str, Version] = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    for entry in entries:
        match = PIN.match(entry)
        if match is None:
            continue
        assert "--hash=sha256:" in entry, f"{lock.name}: {match.group(1)} has no hash"
        found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ()), ("requirements-test.lock", ("test",))]
)
def test_the_lock_pins_every_requirement_within_its_range(lock: str, extras: tuple[str]) -> None:
    pinned = pins(ROOT / lock)
    assert len(pinned) > len(requirements(*extras))  # the transitive ones too
    for requirement in requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} does not pin {requirement.name}"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {name}=={pinned[name]}, outside {requirement}"
        )


def test_the_site_lock_is_part_of_the_test_lock() -> None:
    site, test = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-test.lock")
    assert {name: test.get(name) for name in site} == site


def test_the_environment_under_test_is_the_locked_one() -> None:
    drift = {}
    for name, version in pins(ROOT / "requirements-test.lock").items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            drift[name] = (version, None)
            continue
        if installed != version:
            drift[name] = (version, installed)
    assert drift == {}, "installed packages differ from requirements-test.lock (locked, installed)"


def test_the_pin_reader_sees_a_missing_hash(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("flask==3.1.0\n    # via componentenwijzer\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="flask has no hash"):
        pins(lock)
